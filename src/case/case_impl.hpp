// The inside of a case (internal): process machine, record, ledger.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "case/deadline_book.hpp"
#include "case/record_change.hpp"
#include "process/process_machine.hpp"
#include "undertake/case.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"
#include "undertake/risk.hpp"

namespace undertake {

struct Case::Impl {
  std::string id;
  std::shared_ptr<const Policy> policy;
  boost::json::object data;  ///< the requirement form as created (replay starts from it)
  boost::json::value world;  ///< the record: an object of the facts rules read
  detail::ProcessMachine machine;
  RiskRegister risks;  ///< the risk register (policy §六), scored into record()["risk"]
  std::vector<LedgerEntry> ledger;
  detail::DeadlineBook deadlines;  ///< pending deadlines, kept in step with the ledger
  jsonlogic::Limits limits;
  /// The event facts' values (`event`, `actor`, `state`) kept between events: fire() moves them
  /// into the record while the rules run and back out afterwards, and overwrites them in place,
  /// so an event allocates nothing for them once the strings have their size.
  struct FactsStorage {
    boost::json::value event, actor, state;
  } facts_storage;
  /// The engine's listener slot (read atomically: the engine may replace the listener).
  std::shared_ptr<std::shared_ptr<const std::function<void(const Case&, const Outcome&)>>> listener;

  boost::json::object& record() { return world.get_object(); }
  const boost::json::object& record() const { return world.get_object(); }
};

namespace detail {

/// Checks an event's payload against what the engine relies on (design.md §2 payload fields) and
/// against the case's record (a batch must exist before it is inspected, ...). Returns the problem
/// as a sentence naming the field, or an empty string.
std::string validate_payload(EventId event, const boost::json::object& payload,
                             const boost::json::object& record, const Actor& actor,
                             const Policy& policy);

/// Checks that every string of a payload or form (keys and values) is valid UTF-8 and every number
/// is finite: a C++ host can build other values, and a ledger holding them could not be written
/// as JSON and read back. Returns the problem naming the JSON path under `where`, or "".
std::string check_storable(const boost::json::object& object, std::string_view where);
/// The same for the actor's id and roles (an actor that is not UTF-8 holds no role of the policy).
std::string check_utf8(const Actor& actor);

/// Validates the requirement form given at creation (and by intake.register).
std::string validate_requirement_form(const boost::json::object& form, std::string_view where);

/// Host code or a rule that failed while an event was being decided, outside the gate's rules
/// (a route, a deadline's condition, a risk scorer): fire() refuses the event with a reason of
/// kind `rule_error` naming `rule`.
struct RuleFailure {
  std::string rule;
  std::string message;
};

/// A number the record would hold that JSON cannot (an infinity or NaN: a margin from a price of
/// 1e-320, costs summed past 1.8e308): fire() refuses the event (kind `invalid_payload`).
struct UnstorableNumber {
  std::string field;  ///< the record path, e.g. `evaluation.quote.margin`
  double value;
};

/// `d`, when it is finite; throws UnstorableNumber naming `field` otherwise. Every number the
/// record computes goes through here.
double finite_number(double d, std::string_view field);

/// Builds what an accepted event changes in the record. Called only after validation and the gate
/// passed, so it does not fail on the payload's shape; throws UnstorableNumber for a computed
/// number that JSON cannot hold. `when` is the event's time, ISO-8601 formatted.
void apply_to_record(EventId event, const boost::json::object& payload, const Actor& actor,
                     std::string_view when, std::string_view stage, const Policy& policy,
                     RecordChange& record);

/// The record of a new case.
boost::json::value initial_record(const std::string& case_id, const boost::json::object& data);

/// Fact objects valid for one event (the batch or complaint its payload names), added beside the
/// record while the gate runs.
void add_event_facts(EventId event, const boost::json::object& payload, boost::json::object& facts);

}  // namespace detail
}  // namespace undertake
