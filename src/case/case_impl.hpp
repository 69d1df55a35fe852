// The inside of a case (internal): process machine, record, ledger.
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "case/deadline_book.hpp"
#include "integrity/seal.hpp"
#include "case/record_change.hpp"
#include "process/process_machine.hpp"
#include "undertake/case.hpp"
#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"
#include "undertake/policy.hpp"
#include "undertake/risk.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// The engine's input limits as the engine and its cases read them: Engine::set_limits may
/// change them while cases fire (each field is valid on its own, so a reader that sees one new
/// and one old field still checks against sound limits).
class LimitsSlot {
 public:
  explicit LimitsSlot(const InputLimits& l) { store(l); }
  InputLimits load() const noexcept {
    InputLimits l;
    l.max_json_bytes = bytes_.load(std::memory_order_relaxed);
    l.max_json_depth = depth_.load(std::memory_order_relaxed);
    l.max_id_bytes = id_.load(std::memory_order_relaxed);
    return l;
  }
  void store(const InputLimits& l) noexcept {
    bytes_.store(l.max_json_bytes, std::memory_order_relaxed);
    depth_.store(l.max_json_depth, std::memory_order_relaxed);
    id_.store(l.max_id_bytes, std::memory_order_relaxed);
  }

 private:
  std::atomic<std::size_t> bytes_{0};
  std::atomic<unsigned> depth_{0};
  std::atomic<std::size_t> id_{0};
};

/// What the case's snapshot may weigh as JSON text, kept up to date without writing it
/// (case_storable.cpp): an upper bound grown by a generous estimate per ledger entry, measured
/// exactly again only when the estimate comes near max_json_bytes.
struct SnapshotBytes {
  std::size_t bound = 0;           ///< an upper bound, the first `counted` ledger entries included
  std::size_t counted = 0;         ///< ledger entries included in `bound`
  std::size_t data = 0;            ///< the requirement form's JSON length
  std::size_t deadline_rules = 0;  ///< what one event may add to the pending deadlines (less keys)
  std::size_t exact_entries = 0;  ///< ledger entries whose exact lengths are summed in exact_ledger
  std::size_t exact_ledger = 0;
  /// The estimate for the event last checked, and the ledger index its entry gets if accepted:
  /// catching up uses it instead of measuring the entry's payload again.
  std::size_t pending_index = static_cast<std::size_t>(-1);
  std::size_t pending_growth = 0;
};

}  // namespace detail

struct Case::Impl {
  std::string id;
  std::shared_ptr<const Policy> policy;
  boost::json::object data;   ///< the requirement form as created (replay starts from it)
  boost::json::value record;  ///< the record: an object of the facts rules read
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
  std::shared_ptr<const detail::LimitsSlot> input_limits;  ///< the engine's (limits.hpp)
  detail::SnapshotBytes snapshot_bytes;
  /// The event facts' values (`event`, `actor`, `state`) kept between events: fire() moves them
  /// into the record while the rules run and back out afterwards, and overwrites them in place,
  /// so an event allocates nothing for them once the strings have their size.
  struct FactsStorage {
    boost::json::value event, actor, state;
  } facts_storage;
  /// The engine's listener slot (read atomically: the engine may replace the listener).
  std::shared_ptr<std::shared_ptr<const std::function<void(const Case&, const Outcome&)>>> listener;

  boost::json::object& record_object() { return record.get_object(); }
  const boost::json::object& record_object() const { return record.get_object(); }
};

namespace detail {

/// Checks an event's payload against what the engine relies on (design.md §2 payload fields) and
/// against the case's record (a batch must exist before it is inspected, ...). Returns the problem
/// as a sentence naming the field, or an empty string.
std::string validate_payload(EventId event, const boost::json::object& payload,
                             const boost::json::object& record, const Actor& actor,
                             const Policy& policy);

/// The JSON Schema of event payloads (rules/schema/payloads.schema.json), generated from the field
/// specs validate_payload checks (tests/schema/payload_schema.cpp writes the file).
boost::json::value payload_schema();

/// Why a check before acceptance failed: the Reason kind (`invalid_payload`, `limit`) and message.
struct StorableProblem {
  ReasonKind kind = ReasonKind::invalid_payload;
  std::string message;  ///< empty: no problem
};

/// Checks that an event's payload can be written where the case stores it and read back
/// (limits.hpp): every string and key valid UTF-8, every number finite, nested no deeper than
/// max_payload_depth, and the case's snapshot, with the ledger entry and what the event may add to
/// the record, within max_json_bytes. A C++ host can build values JSON text cannot hold, and a
/// ledger holding them could not be read back. Messages name the JSON path or the limit.
StorableProblem check_storable(Case::Impl& c, const boost::json::object& payload,
                               const Actor& actor);
/// The identifier rules (limits.hpp) for the actor's id and every role.
std::string check_actor(const Actor& actor, const InputLimits& limits);
/// An event time must be one ISO-8601 can write with four-digit years (timestamp.hpp).
std::string check_time(Timestamp at);
/// The checks of a new case, before anything copies its form: its id (identifier rules) and its
/// form (as check_storable, with max_form_depth). Throws Error(invalid_argument or
/// limit_exceeded) naming the case; sets up c.snapshot_bytes.
void check_new_case(Case::Impl& c);
/// Once the case is built: its first snapshot within max_json_bytes (Error(limit_exceeded)).
void check_new_case_size(Case::Impl& c);
/// Sets up c.snapshot_bytes for a case restored from a snapshot of `snapshot_bytes` bytes of
/// JSON (at most: JsonMeasure::bytes); the ledger entries c holds are the ones it carried.
void restored_snapshot_bytes(Case::Impl& c, std::size_t snapshot_bytes);

/// The case's snapshot (format 3, sealed), with its ledger when `with_ledger` and the case holds
/// the whole ledger (Case::snapshot).
boost::json::value snapshot_of(const Case::Impl& c, bool with_ledger);
/// The snapshot without its `ledger` (the size check measures this).
boost::json::value snapshot_head(const Case::Impl& c);

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

/// Appends `entry` to the ledger as the entry after the head (sets its seq; its hash is computed
/// by seal_entries). Strong guarantee: when it throws, the ledger and the head are unchanged.
void append_entry(Case::Impl& c, LedgerEntry entry);

/// Computes the hashes of the entries appended since the last call, and the head's. Strong
/// guarantee (nothing changes when a digest cannot be computed).
void seal_entries(const Case::Impl& c);

/// The genesis hash of the case (its id, policy and creation data, sealed).
Digest genesis_of(const Case::Impl& c);
/// The same with the creation data given apart (a restore reads it from the snapshot).
Digest genesis_of(const Case::Impl& c, const boost::json::object& data);

/// Fills `c` (id, policy and seal set, everything else fresh) from a format-3 snapshot whose
/// `data` is an object, checking its digest and, when its ledger travels with it, the ledger's
/// chain. With `movable` (the same snapshot, which the caller gives up), the form and the record
/// are moved out of it instead of copied once nothing can fail. Throws Error(invalid_snapshot)
/// naming the JSON path at fault; then `movable` is untouched.
void restore_sealed(Case::Impl& c, const boost::json::object& snapshot,
                    boost::json::object* movable = nullptr);

/// The record of a new case.
boost::json::value initial_record(const std::string& case_id, const boost::json::object& data);

/// Fact objects valid for one event (the batch or complaint its payload names), added beside the
/// record while the gate runs.
void add_event_facts(EventId event, const boost::json::object& payload, boost::json::object& facts);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
