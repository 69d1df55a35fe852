// undertake — deadlines and escalation (policy §二 delivery dates, §四 timeliness, §五 revisits).
//
// Deadlines are data (`rules/<policy>/deadlines.json`, schema
// `rules/schema/deadlines.schema.json`):
//
//   { "deadlines": {
//       "contract-signing": {
//         "description": "...",
//         "start":        {"event": "evaluation.approve"},
//         "due":          {"after": {"days": 30}},
//         "satisfied_by": {"event": "contract.sign"},
//         "escalate_to":  ["sales", "management"],
//         "warn_before":  {"days": 7},
//         "remind_every": {"days": 7} },
//       "complaint-verification": {
//         "start":        {"event": "service.complaint", "key": "id"},
//         "due":          {"after": {"hours": 72}},
//         "satisfied_by": {"event": "service.verify",
//                          "when": {"==": [{"var": "payload.satisfied"}, true]}},
//         "escalate_to":  ["quality"] },
//       "delivery-date": {
//         "start":        {"event": "contract.sign"},
//         "due":          {"date": "contract.draft.delivery_date"},
//         "satisfied_by": {"event": "delivery.confirm"},
//         "escalate_to":  ["sales", "production"] },
//       "customer-revisit": {
//         "start":        {"event": "delivery.confirm"},
//         "due":          {"after": {"days": 90}},
//         "satisfied_by": {"event": "service.feedback"},
//         "repeat":       {"every": {"days": 90}},
//         "escalate_to":  ["sales"] } } }
//
// Semantics (the engine applies them after every accepted event, in ledger order):
//   * start        — an accepted event named in `event` (a name or a list) whose optional `when`
//                    (JsonLogic over the same facts as gates: the record plus `event`, `payload`,
//                    `actor`, `state`) holds starts the deadline. With `key` (a payload field) each
//                    key value is its own deadline (one per complaint, per batch). With `route`
//                    (a route of routes.json, e.g. `strategy_meeting_required`: key customers
//                    and major projects) it starts only for the cases that route selects — one
//                    definition of which cases a rule is for. A start of a deadline that is
//                    already pending restarts it.
//   * due          — `{"after": {"days": d, "hours": h}}` after the start, or `{"date": "a.b.c"}`
//                    a date field of the case's record (re-read after every event, so a revised
//                    contract moves its delivery deadline), with an optional `offset` duration
//                    (may be negative: `{"days": -7}`). A date without a time (`2026-06-30`) means
//                    the end of that day, UTC. While the field is not set the deadline has no due.
//   * satisfied_by — an accepted event (and optional `when`) that ends the deadline (for keyed
//                    deadlines: whose payload carries the same key). With `repeat: {"every": D}`
//                    it starts again, due D after the satisfying event (periodic revisits).
//   * cancelled_by — optional: events that end the deadline without satisfying it.
//   * The case reaching Closed, Rejected or Cancelled ends every deadline. Suspension does not
//     stop the clock (a contractual date does not move because the case is on hold).
//   * escalate_to  — the roles told when the deadline is missed.
//   * warn_before  — tick() reports the deadline as `due_soon` from due − warn_before.
//   * remind_every — after the first escalation, escalate again every interval while overdue.
//
// tick(now) records one ledger entry of kind `escalation` per deadline whose escalation time has
// come (the due, then every `remind_every`), with payload
// `{deadline, key?, due, started_at, level, escalate_to, overdue_hours, description}` and as
// `event` the first event the deadline waits for. Several missed reminder intervals give one
// entry, not a burst. Escalations are ordinary ledger entries, so replaying a ledger reproduces
// them exactly and a tick after a replay records nothing twice.
//
// Conditions are compiled once, when the policy loads (Policy::load), with the operators of the
// policy's other rules (Policy::operators(): the standard and date operators, the host's operators
// registered on the engine's Extensions, and `decide` over the policy's decision tables). They are
// evaluated before the event is accepted: a condition that fails while it runs (an error, a rule
// limit) refuses the event with a reason of kind `rule_error` naming the deadline (fail closed: a
// deadline is never silently not started or not satisfied).
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/jsonlogic.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// Where a pending deadline stands at an instant.
enum class DeadlineStatus : std::uint8_t {
  pending,   ///< not due yet, outside the warning window (or no due yet)
  due_soon,  ///< within warn_before of its due
  overdue,   ///< past its due
};
UNDERTAKE_API std::string_view deadline_status_name(DeadlineStatus status) noexcept;

/// A deadline that has started and is not yet satisfied.
struct UNDERTAKE_API PendingDeadline {
  std::string id;                 ///< the rule id, e.g. `contract-signing`
  std::string key;                ///< the key value of a keyed rule (a complaint id), else empty
  std::string description;        ///< from the rule
  Timestamp started{};            ///< the start (or the last repeat)
  std::uint64_t started_seq = 0;  ///< the ledger entry that started it
  std::optional<Timestamp> due;   ///< nothing: a date rule whose record field is not set yet
  std::optional<Timestamp> warn_from;    ///< due − warn_before (when the rule has warn_before)
  std::vector<std::string> waiting_for;  ///< the events that satisfy it
  std::vector<std::string> escalate_to;  ///< roles
  std::uint32_t escalations = 0;         ///< escalations recorded since it (re)started
  std::optional<Timestamp> last_escalated;
  std::optional<Timestamp> next_escalation;  ///< when tick() escalates next; nothing: never

  DeadlineStatus status(Timestamp now) const noexcept;
  /// `{id, key?, description, started_at, started_seq, due, warn_from?, waiting_for,
  /// escalate_to, escalations, last_escalated?, next_escalation}` (null where absent).
  boost::json::value to_json() const;
  /// Reads what to_json() wrote. Throws Error(invalid_snapshot) naming `<where>/<field>`.
  static PendingDeadline from_json(const boost::json::value& json, std::string_view where);
};

/// A deadline that tick() found due soon or overdue.
struct UNDERTAKE_API DeadlineItem {
  PendingDeadline deadline;
  DeadlineStatus status = DeadlineStatus::pending;
  double hours_left = 0;             ///< negative when overdue
  std::uint64_t escalation_seq = 0;  ///< the escalation entry this tick recorded (0: none)

  boost::json::value to_json() const;
};

/// What one tick of one case found and did.
struct UNDERTAKE_API TickResult {
  std::string case_id;
  Timestamp now{};
  std::vector<DeadlineItem> items;  ///< due soon and overdue, earliest due first
  std::size_t escalated = 0;        ///< escalation entries recorded by this tick

  /// `{case_id, now, escalated, items: [{status, hours_left, escalation_seq?, deadline}]}`
  boost::json::value to_json() const;
};

/// Validates a `deadlines` policy part. Returns every problem as `<where>: <JSON pointer>: <why>`
/// (empty: valid). `roles` (when not empty) are the roles `escalate_to` may name, `routes` (when
/// not empty) the routes `start.route` may name, `ops` the operators conditions may use (a
/// policy's: Policy::operators()). Policy::load runs the same checks.
UNDERTAKE_API std::vector<std::string> check_deadlines(
    const boost::json::value& part, std::string_view where,
    const std::vector<std::string>& roles = {}, const std::vector<std::string>& routes = {},
    const jsonlogic::Operators& ops = jsonlogic::Operators::with_dates());

UNDERTAKE_END_NAMESPACE
