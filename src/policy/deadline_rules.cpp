// Compiling the `deadlines` part of a policy (deadline_rules.hpp): validation with file, JSON
// pointer and reason for every problem, and the compiled rules Policy::load keeps.
#include "policy/deadline_rules.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/json_checker.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

using detail::DeadlineRule;
using detail::DeadlineRules;
using detail::DeadlineSpan;
using detail::DeadlineTrigger;
using detail::JsonChecker;

enum class SpanSign { positive, any };

class Compiler {
 public:
  Compiler(std::string_view where, const std::vector<std::string>& roles,
           const std::vector<std::string>& routes, const jsonlogic::Operators& ops,
           std::vector<std::string>& problems)
      : where_(where),
        roles_(roles),
        routes_(routes),
        ops_(ops),
        problems_(problems),
        check_(problems) {}

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
        t.when = jsonlogic::Rule::compile(*when, ops_, where_ + ": " + path + "/when");
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
  const jsonlogic::Operators& ops_;
  std::vector<std::string>& problems_;
  JsonChecker check_;
};

}  // namespace

std::vector<std::string> check_deadlines(const json::value& part, std::string_view where,
                                         const std::vector<std::string>& roles,
                                         const std::vector<std::string>& routes,
                                         const jsonlogic::Operators& ops) {
  std::vector<std::string> problems;
  Compiler(where, roles, routes, ops, problems).compile(part);
  return problems;
}

namespace detail {

std::shared_ptr<const DeadlineRules> compile_deadline_rules(const json::value& part,
                                                            std::string_view where,
                                                            const std::vector<std::string>& roles,
                                                            const std::vector<std::string>& routes,
                                                            const jsonlogic::Operators& ops,
                                                            std::vector<std::string>& problems) {
  return Compiler(where, roles, routes, ops, problems).compile(part);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
