// Deadlines and escalation: the `deadlines` rule language (compiled once per policy), the book of
// pending deadlines each case keeps in step with its ledger, and Case::tick().
#include "undertake/deadlines.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

#include "case/case_impl.hpp"
#include "case/deadline_book.hpp"
#include "common/exception_text.hpp"
#include "common/json_numbers.hpp"
#include "common/json_checker.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

using detail::DeadlineRule;
using detail::DeadlineRules;
using detail::DeadlineSpan;
using detail::DeadlineTrigger;
using detail::JsonChecker;

constexpr std::chrono::milliseconds kDay{24LL * 3600 * 1000};

json::value optional_time(const std::optional<Timestamp>& t) {
  return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

double hours(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 3'600'000.0;
}

// ---------------------------------------------------------------------------------------------
// Compiling the rules

enum class SpanSign { positive, any };

class Compiler {
 public:
  Compiler(std::string_view where, const std::vector<std::string>& roles,
           const std::vector<std::string>& routes, std::vector<std::string>& problems)
      : where_(where), roles_(roles), routes_(routes), problems_(problems), check_(problems) {}

  std::shared_ptr<DeadlineRules> compile(const json::value& part) {
    auto out = std::make_shared<DeadlineRules>();
    const auto* root = check_.object(part, where_, "");
    if (!root) return out;
    check_.only(*root, {"$schema", "description", "deadlines"}, where_, "");
    const json::value* list = root->if_contains("deadlines");
    if (!list || !list->is_object()) {
      check_.fail(where_, "/deadlines", "expected an object: deadline id → deadline");
      return out;
    }
    for (const auto& kv : list->get_object()) {
      const std::string path = JsonChecker::join("/deadlines", kv.key());
      if (kv.key().empty()) check_.fail(where_, path, "a deadline id must not be empty");
      if (auto rule = compile_rule(std::string(kv.key()), kv.value(), path)) {
        const std::size_t index = out->rules.size();
        auto touch = [&](const std::vector<EventId>& events) {
          for (EventId e : events) {
            auto& list_for = out->touched_by[static_cast<std::size_t>(e)];
            if (list_for.empty() || list_for.back() != index) list_for.push_back(index);
          }
        };
        touch(rule->start.events);
        touch(rule->satisfied_by.events);
        touch(rule->cancelled_by);
        out->rules.push_back(std::move(*rule));
      }
    }
    return out;
  }

 private:
  std::optional<DeadlineRule> compile_rule(std::string id, const json::value& v,
                                           const std::string& path) {
    const auto* o = check_.object(v, where_, path);
    if (!o) return std::nullopt;
    const std::size_t before = problems_.size();
    check_.only(*o,
                {"description", "start", "due", "satisfied_by", "cancelled_by", "repeat",
                 "escalate_to", "warn_before", "remind_every"},
                where_, path);
    DeadlineRule r;
    r.id = std::move(id);
    if (const auto* s = check_.string(*o, "description", false, where_, path))
      r.description = std::string(*s);

    if (const json::value* start = required(*o, "start", path)) {
      const std::string p = path + "/start";
      if (const auto* so = check_.object(*start, where_, p)) {
        check_.only(*so, {"event", "when", "key", "route"}, where_, p);
        r.start = trigger(*so, p);
        if (const auto* route = check_.string(*so, "route", false, where_, p)) {
          r.start.route = std::string(*route);
          if (!routes_.empty() &&
              std::find(routes_.begin(), routes_.end(), r.start.route) == routes_.end())
            check_.fail(where_, p + "/route",
                        "\"" + r.start.route + "\" is not a route of the policy");
        }
        if (const auto* k = check_.string(*so, "key", false, where_, p)) {
          if (k->empty()) check_.fail(where_, p + "/key", "expected a payload field name");
          r.key = std::string(*k);
        }
      }
    }
    if (const json::value* due = required(*o, "due", path)) {
      const std::string p = path + "/due";
      if (const auto* d = check_.object(*due, where_, p)) {
        check_.only(*d, {"after", "date", "offset"}, where_, p);
        const bool has_after = d->contains("after");
        const bool has_date = d->contains("date");
        if (has_after == has_date)
          check_.fail(where_, p,
                      "give exactly one of \"after\" (a duration) or \"date\" (a record field)");
        if (has_after) r.after = span(d->at("after"), p + "/after", SpanSign::positive);
        if (const auto* date = check_.string(*d, "date", false, where_, p)) {
          r.date = split_path(*date);
          if (r.date.empty())
            check_.fail(where_, p + "/date",
                        "expected a record path such as \"contract.draft.delivery_date\"");
        }
        if (const json::value* off = d->if_contains("offset")) {
          if (!has_date)
            check_.fail(where_, p + "/offset", "an offset applies only to a \"date\" due");
          r.offset = span(*off, p + "/offset", SpanSign::any);
        }
      }
    }
    if (const json::value* sat = required(*o, "satisfied_by", path)) {
      const std::string p = path + "/satisfied_by";
      if (const auto* so = check_.object(*sat, where_, p)) {
        check_.only(*so, {"event", "when"}, where_, p);
        r.satisfied_by = trigger(*so, p);
      }
    }
    if (const json::value* c = o->if_contains("cancelled_by")) {
      const std::string p = path + "/cancelled_by";
      if (const auto* co = check_.object(*c, where_, p)) {
        check_.only(*co, {"event"}, where_, p);
        r.cancelled_by = events(co->if_contains("event"), p + "/event");
      }
    }
    if (const json::value* rep = o->if_contains("repeat")) {
      const std::string p = path + "/repeat";
      if (const auto* ro = check_.object(*rep, where_, p)) {
        check_.only(*ro, {"every"}, where_, p);
        if (const json::value* every = required(*ro, "every", p))
          r.repeat_every = span(*every, p + "/every", SpanSign::positive);
        if (!r.date.empty())
          check_.fail(where_, p, "a repeating deadline needs a due \"after\" (not a record date)");
      }
    }
    if (const json::value* esc = required(*o, "escalate_to", path)) {
      r.escalate_to = check_.strings(*esc, where_, path + "/escalate_to");
      if (esc->is_array() && r.escalate_to.empty())
        check_.fail(where_, path + "/escalate_to", "name at least one role to escalate to");
      if (!roles_.empty())
        for (std::size_t i = 0; i < r.escalate_to.size(); ++i)
          if (std::find(roles_.begin(), roles_.end(), r.escalate_to[i]) == roles_.end())
            check_.fail(where_, JsonChecker::index(path + "/escalate_to", i),
                        "\"" + r.escalate_to[i] + "\" is not a role of the policy");
    }
    if (const json::value* w = o->if_contains("warn_before"))
      r.warn_before = span(*w, path + "/warn_before", SpanSign::positive);
    if (const json::value* w = o->if_contains("remind_every"))
      r.remind_every = span(*w, path + "/remind_every", SpanSign::positive);
    if (problems_.size() != before) return std::nullopt;
    return r;
  }

  const json::value* required(const json::object& o, std::string_view key,
                              const std::string& path) {
    const json::value* v = o.if_contains(key);
    if (!v) check_.fail(where_, JsonChecker::join(path, key), "missing");
    return v;
  }

  DeadlineTrigger trigger(const json::object& o, const std::string& path) {
    DeadlineTrigger t;
    t.events = events(o.if_contains("event"), path + "/event");
    if (const json::value* when = o.if_contains("when")) {
      try {
        t.when = jsonlogic::Rule::compile(*when, jsonlogic::Operators::with_dates(),
                                          where_ + ": " + path + "/when");
      } catch (const Error& e) {
        problems_.push_back(e.what());
      }
    }
    return t;
  }

  std::vector<EventId> events(const json::value* v, const std::string& path) {
    std::vector<EventId> out;
    if (!v) {
      check_.fail(where_, path, "missing: an event name or a list of event names");
      return out;
    }
    std::vector<std::string> names;
    if (v->is_string())
      names.emplace_back(v->get_string());
    else
      names = check_.strings(*v, where_, path);
    if (v->is_array() && names.empty()) check_.fail(where_, path, "name at least one event");
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto id = event_from_name(names[i]);
      if (!id)
        check_.fail(where_, v->is_array() ? JsonChecker::index(path, i) : path,
                    "\"" + names[i] + "\" is not an event of the vocabulary (design.md §2)");
      else if (std::find(out.begin(), out.end(), *id) == out.end())
        out.push_back(*id);
    }
    return out;
  }

  DeadlineSpan span(const json::value& v, const std::string& path, SpanSign sign) {
    DeadlineSpan s;
    const auto* o = check_.object(v, where_, path);
    if (!o) return s;
    check_.only(*o, {"days", "hours"}, where_, path);
    double total_hours = 0;
    bool any = false;
    for (auto [key, factor] : {std::pair<std::string_view, double>{"days", 24.0}, {"hours", 1.0}}) {
      const json::value* n = o->if_contains(key);
      if (!n) continue;
      any = true;
      if (!n->is_number() || !std::isfinite(n->to_number<double>())) {
        check_.fail(where_, JsonChecker::join(path, key), "expected a number");
        continue;
      }
      total_hours += n->to_number<double>() * factor;
    }
    if (!any) check_.fail(where_, path, "expected {\"days\": n} and/or {\"hours\": n}");
    if (sign == SpanSign::positive && any && !(total_hours > 0))
      check_.fail(where_, path, "the duration must be longer than zero");
    if (std::abs(total_hours) > 24.0 * 366 * 100)
      check_.fail(where_, path, "the duration is longer than a century");
    s.length = std::chrono::milliseconds(std::llround(total_hours * 3'600'000.0));
    s.set = any;
    return s;
  }

  static std::vector<std::string> split_path(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t dot = text.find('.', start);
      const std::string_view piece =
          text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (piece.empty()) return {};
      out.emplace_back(piece);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    return out;
  }

  std::string where_;
  const std::vector<std::string>& roles_;
  const std::vector<std::string>& routes_;
  std::vector<std::string>& problems_;
  JsonChecker check_;
};

// ---------------------------------------------------------------------------------------------
// The book

// The facts a deadline condition reads: the record plus the event's own facts, as for gates.
class ConditionFacts {
 public:
  ConditionFacts(json::object& record, const LedgerEntry& e) : record_(record) {
    try {
      record_["event"] = json::object{{"name", event_name(e.event)}, {"at", format_iso8601(e.at)}};
      record_["actor"] = to_json(e.actor);
      json::array state;
      for (const auto& s : e.state) state.emplace_back(s);
      record_["state"] = std::move(state);
      record_["payload"] = e.payload;
      detail::add_event_facts(e.event, e.payload, record_);
    } catch (...) {
      remove();  // out of memory half-way: the record must not keep the facts added so far
      throw;
    }
  }
  ~ConditionFacts() { remove(); }
  ConditionFacts(const ConditionFacts&) = delete;
  ConditionFacts& operator=(const ConditionFacts&) = delete;

 private:
  void remove() noexcept {
    for (auto key : {"event", "actor", "state", "payload", "batch", "complaint"})
      record_.erase(key);
  }

  json::object& record_;
};

bool has(const std::vector<EventId>& events, EventId e) {
  return std::find(events.begin(), events.end(), e) != events.end();
}

// The key value of a keyed rule in a payload (strings as they are, numbers serialised).
std::optional<std::string> key_of(const json::object& payload, const std::string& field) {
  const json::value* v = payload.if_contains(field);
  if (!v) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_number()) return json::serialize(*v);
  return std::nullopt;
}

const DeadlineRule* rule_of(const DeadlineRules& rules, std::string_view id) {
  for (const auto& r : rules.rules)
    if (r.id == id) return &r;
  return nullptr;
}

// The due of a record-date rule: the field's instant (a bare date: the end of that day) + offset.
std::optional<Timestamp> record_due(const DeadlineRule& r, const json::value& record) {
  const json::value* v = &record;
  for (const auto& piece : r.date) {
    if (!v->is_object()) return std::nullopt;
    v = v->get_object().if_contains(piece);
    if (!v) return std::nullopt;
  }
  if (!v->is_string()) return std::nullopt;
  auto t = parse_iso8601(v->get_string());
  if (!t) return std::nullopt;
  if (v->get_string().size() == 10) *t += kDay;         // YYYY-MM-DD: due by the end of the day
  return clamp_to_iso8601_range(*t + r.offset.length);  // 9999-12-31 is due at its last instant
}

// When tick() escalates next: the due, then every remind interval after the last escalation.
std::optional<Timestamp> next_escalation(const DeadlineRule& r, const PendingDeadline& p) {
  if (!p.due) return std::nullopt;
  if (!p.last_escalated || *p.due > *p.last_escalated) return p.due;
  if (!r.remind_every.set) return std::nullopt;
  const auto step = r.remind_every.length;
  const auto n = (*p.last_escalated - *p.due) / step + 1;
  const Timestamp next = clamp_to_iso8601_range(*p.due + n * step);
  if (next <= *p.last_escalated) return std::nullopt;  // the end of time: no more reminders
  return next;
}

void refresh(const DeadlineRule& r, PendingDeadline& p) {
  p.warn_from.reset();
  if (p.due && r.warn_before.set)
    p.warn_from = clamp_to_iso8601_range(*p.due - r.warn_before.length);
  p.next_escalation = next_escalation(r, p);
}

void begin(const DeadlineRule& r, PendingDeadline& p, const LedgerEntry& e,
           const json::value& record, bool repeating) {
  p.started = e.at;
  p.started_seq = e.seq;
  p.escalations = 0;
  p.last_escalated.reset();
  if (repeating)
    p.due = clamp_to_iso8601_range(e.at + r.repeat_every.length);
  else if (r.date.empty())
    p.due = clamp_to_iso8601_range(e.at + r.after.length);
  else
    p.due = record_due(r, record);
  refresh(r, p);
}

PendingDeadline fresh(const DeadlineRule& r, std::string key) {
  PendingDeadline p;
  p.id = r.id;
  p.key = std::move(key);
  p.description = r.description;
  for (EventId e : r.satisfied_by.events) p.waiting_for.emplace_back(event_name(e));
  p.escalate_to = r.escalate_to;
  return p;
}

void escalate(const DeadlineRule& r, PendingDeadline& p, Timestamp at) {
  ++p.escalations;
  p.last_escalated = at;
  p.next_escalation = next_escalation(r, p);
}

json::object escalation_payload(const PendingDeadline& p, Timestamp at) {
  json::object o;
  o["deadline"] = p.id;
  if (!p.key.empty()) o["key"] = p.key;
  o["due"] = optional_time(p.due);
  o["started_at"] = format_iso8601(p.started);
  o["level"] = p.escalations + 1;
  json::array roles;
  for (const auto& r : p.escalate_to) roles.emplace_back(r);
  o["escalate_to"] = std::move(roles);
  o["overdue_hours"] = p.due ? std::round(hours(at - *p.due) * 100) / 100 : 0.0;
  if (!p.description.empty()) o["description"] = p.description;
  return o;
}

std::string escalation_message(const PendingDeadline& p) {
  std::string s = "deadline " + p.id;
  if (!p.key.empty()) s += " [" + p.key + "]";
  s += " overdue since " + (p.due ? format_iso8601(*p.due) : std::string("?"));
  s += " (level " + std::to_string(p.escalations) + "; escalated to ";
  for (std::size_t i = 0; i < p.escalate_to.size(); ++i) s += (i ? ", " : "") + p.escalate_to[i];
  return s + ")";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public value types

std::string_view deadline_status_name(DeadlineStatus status) noexcept {
  switch (status) {
    case DeadlineStatus::pending:
      return "pending";
    case DeadlineStatus::due_soon:
      return "due_soon";
    case DeadlineStatus::overdue:
      return "overdue";
  }
  return "pending";
}

DeadlineStatus PendingDeadline::status(Timestamp now) const noexcept {
  if (!due) return DeadlineStatus::pending;
  if (now >= *due) return DeadlineStatus::overdue;
  if (warn_from && now >= *warn_from) return DeadlineStatus::due_soon;
  return DeadlineStatus::pending;
}

json::value PendingDeadline::to_json() const {
  json::object o;
  o["id"] = id;
  if (!key.empty()) o["key"] = key;
  if (!description.empty()) o["description"] = description;
  o["started_at"] = format_iso8601(started);
  o["started_seq"] = started_seq;
  o["due"] = optional_time(due);
  if (warn_from) o["warn_from"] = format_iso8601(*warn_from);
  json::array waiting;
  for (const auto& w : waiting_for) waiting.emplace_back(w);
  o["waiting_for"] = std::move(waiting);
  json::array roles;
  for (const auto& r : escalate_to) roles.emplace_back(r);
  o["escalate_to"] = std::move(roles);
  o["escalations"] = escalations;
  if (last_escalated) o["last_escalated"] = format_iso8601(*last_escalated);
  o["next_escalation"] = optional_time(next_escalation);
  return o;
}

PendingDeadline PendingDeadline::from_json(const json::value& value, std::string_view where) {
  auto bad = [&](std::string_view field, const std::string& why) -> void {
    throw Error(ErrorKind::invalid_snapshot, std::string(where) + "/" + std::string(field), why);
  };
  if (!value.is_object())
    throw Error(ErrorKind::invalid_snapshot, std::string(where), "expected a deadline object");
  const json::object& o = value.get_object();
  auto text = [&](std::string_view field, bool required) {
    const json::value* v = o.if_contains(field);
    if (!v) {
      if (required) bad(field, "missing");
      return std::string();
    }
    if (!v->is_string()) bad(field, "expected a string");
    return std::string(v->get_string());
  };
  auto instant = [&](std::string_view field, bool required) -> std::optional<Timestamp> {
    const json::value* v = o.if_contains(field);
    if (!v || v->is_null()) {
      if (required) bad(field, "missing");
      return std::nullopt;
    }
    std::optional<Timestamp> t;
    if (v->is_string()) t = parse_iso8601(v->get_string());
    if (!t) bad(field, "expected an ISO-8601 instant or null");
    return t;
  };
  auto count = [&](std::string_view field) -> std::uint64_t {
    const json::value* v = o.if_contains(field);
    if (!v) bad(field, "missing");
    const auto n = detail::as_integer(*v);
    if (!n || *n < 0) bad(field, "expected a whole number >= 0");
    return static_cast<std::uint64_t>(*n);
  };
  auto strings = [&](std::string_view field) {
    std::vector<std::string> out;
    const json::value* v = o.if_contains(field);
    if (!v || !v->is_array()) bad(field, "expected an array of strings");
    for (const auto& item : v->get_array()) {
      if (!item.is_string()) bad(field, "expected an array of strings");
      out.emplace_back(item.get_string());
    }
    return out;
  };
  PendingDeadline p;
  p.id = text("id", true);
  p.key = text("key", false);
  p.description = text("description", false);
  p.started = *instant("started_at", true);
  p.started_seq = count("started_seq");
  p.due = instant("due", false);
  p.warn_from = instant("warn_from", false);
  p.waiting_for = strings("waiting_for");
  p.escalate_to = strings("escalate_to");
  const std::uint64_t escalations = count("escalations");
  if (escalations > std::numeric_limits<std::uint32_t>::max()) bad("escalations", "too large");
  p.escalations = static_cast<std::uint32_t>(escalations);
  p.last_escalated = instant("last_escalated", false);
  p.next_escalation = instant("next_escalation", false);
  return p;
}

json::value DeadlineItem::to_json() const {
  json::object o;
  o["status"] = deadline_status_name(status);
  o["hours_left"] = std::round(hours_left * 100) / 100;
  if (escalation_seq) o["escalation_seq"] = escalation_seq;
  o["deadline"] = deadline.to_json();
  return o;
}

json::value TickResult::to_json() const {
  json::array list;
  for (const auto& i : items) list.push_back(i.to_json());
  return json::object{{"case_id", case_id},
                      {"now", format_iso8601(now)},
                      {"escalated", escalated},
                      {"items", std::move(list)}};
}

std::vector<std::string> check_deadlines(const json::value& part, std::string_view where,
                                         const std::vector<std::string>& roles,
                                         const std::vector<std::string>& routes) {
  std::vector<std::string> problems;
  Compiler(where, roles, routes, problems).compile(part);
  return problems;
}

namespace detail {

std::shared_ptr<const DeadlineRules> compile_deadlines(const json::value& part,
                                                       std::string_view where,
                                                       const std::vector<std::string>& roles) {
  std::vector<std::string> problems;
  const std::vector<std::string> routes;  // checked when the policy was loaded
  auto rules = Compiler(where, roles, routes, problems).compile(part);
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    throw Error(ErrorKind::invalid_policy, problems.front(),
                problems.size() == 1 ? std::string("invalid deadline")
                                     : std::to_string(problems.size()) + " problems: " + all);
  }
  return rules;
}

std::shared_ptr<const DeadlineRules> deadline_rules_for(
    const std::shared_ptr<const Policy>& policy) {
  static std::mutex mutex;
  static std::vector<std::pair<std::weak_ptr<const Policy>, std::shared_ptr<const DeadlineRules>>>
      cache;
  if (!policy) return nullptr;
  std::lock_guard<std::mutex> lock(mutex);
  cache.erase(std::remove_if(cache.begin(), cache.end(),
                             [](const auto& entry) { return entry.first.expired(); }),
              cache.end());
  for (const auto& [owner, rules] : cache)
    if (!owner.owner_before(policy) && !policy.owner_before(owner)) return rules;
  std::shared_ptr<const DeadlineRules> rules;
  if (const json::value* part = policy->part("deadlines"))
    rules = compile_deadlines(
        *part, "deadlines.json (policy " + policy->name() + " " + policy->version() + ")",
        policy->roles());
  cache.emplace_back(policy, rules);
  return rules;
}

void plan_deadlines(Case::Impl& c, const LedgerEntry& e, DeadlinePlan& plan) {
  const DeadlineBook& book = c.deadlines;
  if (!book.rules) return;
  const auto& touched = book.rules->touched_by[static_cast<std::size_t>(e.event)];
  if (touched.empty()) return;
  std::optional<ConditionFacts> facts;
  auto holds = [&](const DeadlineRule& r, const DeadlineTrigger& t, const char* which) {
    if (!t.route.empty()) {
      bool selected = false;
      try {
        selected = c.policy->route(t.route, c.record, c.limits);
      } catch (...) {
        throw RuleFailure{"deadline " + r.id,
                          "deadline " + r.id + ": route " + t.route +
                              " could not be evaluated: " + current_exception_text()};
      }
      if (!selected) return false;
    }
    if (!t.when) return true;
    if (!facts) facts.emplace(c.record_object(), e);
    try {
      return t.when->test(c.record, c.limits);
    } catch (...) {
      throw RuleFailure{"deadline " + r.id,
                        "deadline " + r.id + ": the " + which +
                            " condition could not be evaluated: " + current_exception_text()};
    }
  };
  plan.steps.reserve(touched.size());
  for (std::size_t index : touched) {
    const DeadlineRule& r = book.rules->rules[index];
    DeadlinePlan::Step step{index, std::nullopt};
    if (!r.key.empty()) step.key = key_of(e.payload, r.key);
    const bool keyed = r.key.empty() || step.key;
    step.satisfied =
        has(r.satisfied_by.events, e.event) && keyed && holds(r, r.satisfied_by, "satisfied_by");
    step.started = has(r.start.events, e.event) && keyed && holds(r, r.start, "start");
    if (step.started) plan.fresh.push_back(fresh(r, step.key.value_or(std::string())));
    plan.steps.push_back(std::move(step));
  }
  c.deadlines.pending.reserve(c.deadlines.pending.size() + plan.fresh.size());
}

void apply_deadlines(Case::Impl& c, DeadlinePlan& plan) noexcept {
  DeadlineBook& book = c.deadlines;
  const LedgerEntry& e = c.ledger.back();
  std::size_t next_fresh = 0;
  for (auto& step : plan.steps) {
    const DeadlineRule& r = book.rules->rules[step.rule];
    const std::optional<std::string>& key = step.key;
    auto matches = [&](const PendingDeadline& p) {
      return p.id == r.id && (r.key.empty() || (key && p.key == *key));
    };
    if (step.satisfied) {
      if (r.repeat_every.set) {
        for (auto& p : book.pending)
          if (matches(p)) begin(r, p, e, c.record, true);
      } else {
        book.pending.erase(std::remove_if(book.pending.begin(), book.pending.end(), matches),
                           book.pending.end());
      }
    }
    if (has(r.cancelled_by, e.event)) {
      const bool all = r.key.empty() || !key;  // a cancel without the key ends every instance
      book.pending.erase(std::remove_if(book.pending.begin(), book.pending.end(),
                                        [&](const PendingDeadline& p) {
                                          return p.id == r.id && (all || p.key == *key);
                                        }),
                         book.pending.end());
    }
    if (step.started) {
      PendingDeadline& candidate = plan.fresh[next_fresh++];
      auto it = std::find_if(book.pending.begin(), book.pending.end(), matches);
      if (it == book.pending.end()) {
        book.pending.push_back(std::move(candidate));  // room reserved by plan_deadlines
        it = book.pending.end() - 1;
      }
      begin(r, *it, e, c.record, false);
    }
  }
  if (c.machine.terminated()) {
    book.pending.clear();
    return;
  }
  // Record dates may have moved (a revised contract): re-read them.
  if (book.rules)
    for (auto& p : book.pending)
      if (const DeadlineRule* r = rule_of(*book.rules, p.id); r && !r->date.empty()) {
        p.due = record_due(*r, c.record);
        refresh(*r, p);
      }
}

void deadlines_apply_escalation(Case::Impl& c, const LedgerEntry& entry, const std::string& where) {
  auto bad = [&](const std::string& why) {
    throw Error(ErrorKind::invalid_snapshot, where + " (escalation)", why);
  };
  if (c.ledger.size() >= 2 && entry.at < c.ledger[c.ledger.size() - 2].at)
    bad("its time " + format_iso8601(entry.at) + " is earlier than the entry before it");
  if (!entry.state.empty() && entry.state != c.machine.configuration())
    bad("it records a different state than the case is in at this point of the ledger");
  const json::value* id = entry.payload.if_contains("deadline");
  if (!id || !id->is_string()) bad("payload.deadline must name the deadline");
  std::string key;
  if (const json::value* k = entry.payload.if_contains("key")) {
    if (!k->is_string()) bad("payload.key must be a string");
    key = std::string(k->get_string());
  }
  DeadlineBook& book = c.deadlines;
  const DeadlineRule* rule = book.rules ? rule_of(*book.rules, id->get_string()) : nullptr;
  if (!rule) bad("the policy has no deadline \"" + std::string(id->get_string()) + "\"");
  auto it = std::find_if(book.pending.begin(), book.pending.end(), [&](const PendingDeadline& p) {
    return p.id == rule->id && p.key == key;
  });
  if (it == book.pending.end())
    bad("deadline " + rule->id + (key.empty() ? "" : " [" + key + "]") +
        " is not pending at this point of the ledger");
  if (!it->next_escalation || *it->next_escalation > entry.at)
    bad("deadline " + rule->id + " is not due for escalation at " + format_iso8601(entry.at) +
        " (a duplicate or an edited escalation)");
  const json::value* level = entry.payload.if_contains("level");
  if (level && (!level->is_number() || level->to_number<double>() != it->escalations + 1.0))
    bad("payload.level " + json::serialize(*level) + " does not follow the " +
        std::to_string(it->escalations) + " escalation(s) before it");
  escalate(*rule, *it, entry.at);
}

json::value deadlines_json(const Case::Impl& c) {
  json::array out;
  out.reserve(c.deadlines.pending.size());
  for (const auto& p : c.deadlines.pending) out.push_back(p.to_json());
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Case members

std::vector<PendingDeadline> Case::deadlines() const {
  std::vector<PendingDeadline> out = impl_->deadlines.pending;
  std::stable_sort(out.begin(), out.end(), [](const PendingDeadline& a, const PendingDeadline& b) {
    if (a.due.has_value() != b.due.has_value()) return a.due.has_value();
    return a.due && *a.due < *b.due;
  });
  return out;
}

namespace detail {

TickResult tick_case(Case::Impl& c, Timestamp now) {
  if (c.head.at && now < *c.head.at)
    throw Error(ErrorKind::invalid_argument, "case " + c.id + ": tick",
                "now (" + format_iso8601(now) + ") is earlier than the case's last entry (" +
                    format_iso8601(*c.head.at) + ")");
  TickResult result;
  result.case_id = c.id;
  result.now = now;
  if (!c.deadlines.rules) return result;
  const std::vector<std::string> state = c.machine.configuration();
  for (auto& p : c.deadlines.pending) {
    DeadlineItem item;
    if (p.next_escalation && *p.next_escalation <= now) {
      const DeadlineRule* r = rule_of(*c.deadlines.rules, p.id);
      LedgerEntry e;
      e.at = now;
      e.kind = EntryKind::escalation;
      e.event = r->satisfied_by.events.front();
      e.actor = Actor{"undertake", {"system"}};
      e.payload = escalation_payload(p, now);
      e.state = state;
      escalate(*r, p, now);
      append_entry(c, std::move(e));
      item.escalation_seq = c.head.seq;
      ++result.escalated;
    }
    item.status = p.status(now);
    if (item.status == DeadlineStatus::pending) continue;
    item.hours_left = p.due ? hours(*p.due - now) : 0.0;
    item.deadline = p;
    result.items.push_back(std::move(item));
  }
  std::stable_sort(
      result.items.begin(), result.items.end(),
      [](const DeadlineItem& a, const DeadlineItem& b) { return a.hours_left < b.hours_left; });
  return result;
}

std::vector<Outcome> escalation_notices(const Case::Impl& c, const TickResult& result) {
  std::vector<Outcome> notices;
  for (const DeadlineItem& item : result.items) {
    if (!item.escalation_seq) continue;
    Outcome o;
    o.accepted = true;
    o.event = "deadline.escalated";
    o.seq = item.escalation_seq;
    o.state = c.machine.configuration();
    o.warnings.push_back(escalation_message(item.deadline));
    notices.push_back(std::move(o));
  }
  std::sort(notices.begin(), notices.end(),
            [](const Outcome& a, const Outcome& b) { return a.seq < b.seq; });
  return notices;
}

void notify(const Case& c, const ListenerSlot& slot, const std::vector<Outcome>& notices) {
  if (!slot || notices.empty()) return;
  const auto listener = std::atomic_load(slot.get());
  if (!listener || !*listener) return;
  for (const auto& o : notices) {
    try {
      (*listener)(c, o);
    } catch (...) {
      // Listeners must not throw (engine.hpp); the escalation stands.
    }
  }
}

}  // namespace detail

TickResult Case::tick(Timestamp now) {
  TickResult result = tick_unannounced(now);
  announce(result);
  return result;
}

TickResult Case::tick_unannounced(Timestamp now) {
  return detail::tick_case(*impl_, now);
}

void Case::announce(const TickResult& result) const {
  detail::notify(*this, impl_->listener, detail::escalation_notices(*impl_, result));
}

UNDERTAKE_END_NAMESPACE
