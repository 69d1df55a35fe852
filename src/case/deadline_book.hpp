// Deadlines inside a case (internal): the compiled rules of a policy's `deadlines` part and the
// book of pending deadlines a case keeps in step with its ledger. See undertake/deadlines.hpp for
// the rule language and its semantics.
#pragma once

#include <boost/container/small_vector.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/events.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"

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

/// The compiled deadlines of a policy, built once per policy and cached. A policy without a
/// `deadlines` part has none. Throws Error(invalid_policy) naming file, JSON pointer and reason.
std::shared_ptr<const DeadlineRules> deadline_rules_for(
    const std::shared_ptr<const Policy>& policy);

/// Compiles a `deadlines` part (throws Error(invalid_policy) for the first problem).
std::shared_ptr<const DeadlineRules> compile_deadlines(const boost::json::value& part,
                                                       std::string_view where,
                                                       const std::vector<std::string>& roles);

struct DeadlineBook {
  std::shared_ptr<const DeadlineRules> rules;  ///< null: the policy has no deadlines
  std::vector<PendingDeadline> pending;        ///< in the order they started
};

/// What an accepted event does to the pending deadlines, worked out before the case changes: the
/// rules' conditions are evaluated and the deadlines the event starts are allocated here, so that
/// apply_deadlines() cannot fail.
struct DeadlinePlan {
  struct Step {
    std::size_t rule;                ///< index into DeadlineRules::rules
    std::optional<std::string> key;  ///< the instance key from the payload (keyed rules)
    bool satisfied = false;          ///< satisfied_by holds
    bool started = false;            ///< start holds; `fresh` has its new deadline
  };
  // Inline room for what the events of a usual policy touch (at most two rules): most events
  // then plan without allocating.
  boost::container::small_vector<Step, 4> steps;  ///< the rules the event touches, in order
  boost::container::small_vector<PendingDeadline, 2> fresh;  ///< one per started step
};

/// Plans (into `plan`, empty) the deadlines for `entry`, the accepted event about to be appended,
/// while the case's record already reads as the event leaves it (a staged RecordChange). Reserves
/// room in the book for what it may add. Throws RuleFailure naming the deadline for a condition
/// that cannot be evaluated (fail closed), std::bad_alloc when memory runs out; the case is
/// unchanged either way.
void plan_deadlines(Case::Impl& c, const LedgerEntry& entry, DeadlinePlan& plan);

/// Updates the book by the plan, for the event that is now the last ledger entry and the machine
/// it left. Cannot fail.
void apply_deadlines(Case::Impl& c, DeadlinePlan& plan) noexcept;

/// Applies an escalation entry found in a ledger being replayed. Throws Error(invalid_snapshot)
/// at `where` when the entry escalates a deadline that is not pending or not yet due, or out of
/// order (a duplicate).
void deadlines_apply_escalation(Case::Impl& c, const LedgerEntry& entry, const std::string& where);

/// Case::tick() without the notification: records the escalations that are due at `now`.
TickResult tick_case(Case::Impl& c, Timestamp now);

/// What the listener hears of the escalations a tick recorded: one outcome each, in seq order.
std::vector<Outcome> escalation_notices(const Case::Impl& c, const TickResult& result);

/// The engine's listener slot as cases hold it.
using ListenerSlot =
    std::shared_ptr<std::shared_ptr<const std::function<void(const Case&, const Outcome&)>>>;
/// Tells the listener in `slot` (if any) about each notice; exceptions from it are discarded.
void notify(const Case& c, const ListenerSlot& slot, const std::vector<Outcome>& notices);

/// The pending deadlines as the snapshot stores them.
boost::json::value deadlines_json(const Case::Impl& c);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
