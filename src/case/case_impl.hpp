// The inside of a case (internal): process machine, record, ledger.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "case/deadline_book.hpp"
#include "integrity/seal.hpp"
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
  /// The entries held: the whole ledger, or, for a case restored from a snapshot without its
  /// ledger, the entries added since (then ledger.front().seq == head.seq - ledger.size() + 1).
  /// Entries are sealed lazily: fire() appends an entry without its hash, and the first read
  /// that needs hashes (ledger(), ledger_head(), snapshot(), a store's save) computes them, so an
  /// event costs no digest until the case is kept or looked at. `mutable` for that reason: a case
  /// is used by one thread at a time, for reads too (case.hpp).
  mutable std::vector<LedgerEntry> ledger;
  mutable std::size_t unsealed = 0;          ///< entries at the end of `ledger` not hashed yet
  bool ledger_complete = true;               ///< false: entries before ledger.front() are not held
  mutable LedgerHead head;                   ///< the last entry: seq (the revision), hash, time
  detail::Digest base{};                     ///< what the first held entry's hash links to
  std::shared_ptr<const detail::Seal> seal;  ///< the engine's: SHA-256, or HMAC under a host key
  detail::DeadlineBook deadlines;            ///< pending deadlines, kept in step with the ledger
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

/// Applies an accepted event to the record. Called only after validation and the gate passed, so
/// it does not fail on the payload's shape. `when` is the event's time, ISO-8601 formatted.
void apply_to_record(EventId event, const boost::json::object& payload, const Actor& actor,
                     std::string_view when, std::string_view stage, const Policy& policy,
                     boost::json::object& record);

/// Appends `entry` to the ledger as the entry after the head (sets its seq; its hash is computed
/// by seal_entries). Strong guarantee: when it throws, the ledger and the head are unchanged.
void append_entry(Case::Impl& c, LedgerEntry entry);

/// Computes the hashes of the entries appended since the last call, and the head's. Strong
/// guarantee (nothing changes when a digest cannot be computed).
void seal_entries(const Case::Impl& c);

/// The genesis hash of the case (its id, policy and creation data, sealed).
Digest genesis_of(const Case::Impl& c);

/// Fills `c` (id, policy, data and seal set, everything else fresh) from a format-3 snapshot,
/// checking its digest and, when its ledger travels with it, the ledger's chain. With `movable`
/// (the same snapshot, which the caller gives up), the record is moved out of it instead of
/// copied once the digest is checked. Throws Error(invalid_snapshot) naming the JSON path at
/// fault.
void restore_sealed(Case::Impl& c, const boost::json::object& snapshot,
                    boost::json::object* movable = nullptr);

/// The record of a new case.
boost::json::value initial_record(const std::string& case_id, const boost::json::object& data);

/// Fact objects valid for one event (the batch or complaint its payload names), added beside the
/// record while the gate runs.
void add_event_facts(EventId event, const boost::json::object& payload, boost::json::object& facts);

}  // namespace detail
}  // namespace undertake
