// The compiled `deadlines` part of a policy (internal): what each deadline starts, falls due and
// ends with, compiled once by Policy::load with the policy's operators and shared by every case of
// that policy version. See undertake/deadlines.hpp for the rule language and its semantics.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/events.hpp"
#include "undertake/jsonlogic.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

struct DeadlineSpan {
  std::chrono::milliseconds length{0};
  bool set = false;
};

struct DeadlineTrigger {
  std::vector<EventId> events;
  std::optional<jsonlogic::Rule> when;
  /// A route of the policy (routes.json) that must hold too (empty: none). Lets a deadline apply
  /// to the cases a route selects without a second copy of its condition.
  std::string route;
};

struct DeadlineRule {
  std::string id;
  std::string description;
  DeadlineTrigger start;
  std::string key;                ///< payload field that keys instances (empty: one instance)
  DeadlineSpan after;             ///< due after the start (when `date` is empty)
  std::vector<std::string> date;  ///< record path of the due date, split at dots
  DeadlineSpan offset;            ///< added to the date
  DeadlineTrigger satisfied_by;
  std::vector<EventId> cancelled_by;
  DeadlineSpan repeat_every;
  DeadlineSpan warn_before;
  DeadlineSpan remind_every;
  std::vector<std::string> escalate_to;
};

/// The compiled `deadlines` part of one policy (immutable, shared by every case of the policy).
struct DeadlineRules {
  std::vector<DeadlineRule> rules;
  /// Rules each event starts, satisfies or cancels (indexes into `rules`).
  std::array<std::vector<std::size_t>, kEventCount> touched_by;
};

/// Compiles a `deadlines` part: its conditions with `ops`, `escalate_to` checked against `roles`
/// and `start.route` against `routes` (when not empty). Every problem is appended to `problems`
/// as `<where>: <JSON pointer>: <why>`; the result holds the rules that compiled without one.
std::shared_ptr<const DeadlineRules> compile_deadline_rules(const boost::json::value& part,
                                                            std::string_view where,
                                                            const std::vector<std::string>& roles,
                                                            const std::vector<std::string>& routes,
                                                            const jsonlogic::Operators& ops,
                                                            std::vector<std::string>& problems);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
