// Deadlines and escalation: the book of pending deadlines each case keeps in step with its ledger
// (by the rules Policy::load compiled, policy/deadline_rules.cpp), and Case::tick().
#include "undertake/deadlines.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "case/case_impl.hpp"
#include "case/deadline_book.hpp"
#include "policy/policy_data.hpp"
#include "common/exception_text.hpp"
#include "common/json_numbers.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

using detail::DeadlineRule;
using detail::DeadlineRules;
using detail::DeadlineTrigger;

constexpr std::chrono::milliseconds kDay{24LL * 3600 * 1000};

json::value optional_time(const std::optional<Timestamp>& t) {
  return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

double hours(std::chrono::milliseconds d) {
  return static_cast<double>(d.count()) / 3'600'000.0;
}

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

namespace detail {

std::shared_ptr<const DeadlineRules> deadline_rules_for(
    const std::shared_ptr<const Policy>& policy) noexcept {
  return policy ? detail::PolicyAccess::data(*policy).deadlines : nullptr;
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
