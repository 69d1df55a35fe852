// Deadlines inside a case (internal): the book of pending deadlines a case keeps in step with its
// ledger, by the rules its policy compiled (policy/deadline_rules.hpp). See undertake/deadlines.hpp
// for the rule language and its semantics.
#pragma once

#include <boost/container/small_vector.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/deadline_rules.hpp"
#include "undertake/case.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/events.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// The deadline rules of a case's policy: compiled once by Policy::load (null when the policy has
/// no `deadlines` part). Every case of a policy version shares the same rules.
std::shared_ptr<const DeadlineRules> deadline_rules_for(
    const std::shared_ptr<const Policy>& policy) noexcept;

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
