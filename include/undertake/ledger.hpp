// undertake — actors and the append-only ledger of a case.
//
// The ledger is the audit record: every accepted event, in order, with who fired it, when, what it
// carried and where the case stood afterwards. Refused events never enter it (a refusal changes
// nothing). Replaying a ledger from the case's creation data rebuilds the case exactly; KPIs are
// computed from ledgers alone.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/events.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// Who fires an event: an authenticated person (the host authenticates; the engine authorises by
/// role). JSON: `{ "id": "wang", "roles": ["market"] }`.
struct UNDERTAKE_API Actor {
  std::string id;
  std::vector<std::string> roles;

  bool has_role(std::string_view role) const noexcept;
};

/// Reads an actor; `where` prefixes errors (e.g. `step 3: actor`). Throws Error(invalid_argument)
/// when the id is missing or empty, or roles is not an array of strings.
UNDERTAKE_API Actor actor_from_json(const boost::json::value& json, std::string_view where);
UNDERTAKE_API boost::json::value to_json(const Actor& actor);

enum class EntryKind : std::uint8_t {
  event,       ///< an accepted event fired by an actor
  escalation,  ///< a deadline that fell due, recorded by tick(); `payload` names the deadline
};

/// A SHA-256 (or, under a host key, HMAC-SHA-256) digest: the links of a ledger's hash chain.
using LedgerHash = std::array<std::uint8_t, 32>;

struct UNDERTAKE_API LedgerEntry {
  std::uint64_t seq = 0;  ///< 1-based, gapless within a case
  Timestamp at{};         ///< when it happened (host time)
  EntryKind kind = EntryKind::event;
  EventId event{};  ///< the event (for escalations: the event the deadline waits for)
  Actor actor;
  boost::json::object payload;     ///< as fired, unknown extra fields kept
  std::vector<std::string> state;  ///< active state configuration after the entry
  /// H(previous entry's hash ‖ the canonical entry), the first entry following the case's
  /// genesis hash (design.md §9): editing any entry breaks every link after it. All zero for
  /// entries of ledgers written before hash chains (snapshot formats 1 and 2).
  LedgerHash hash{};
};

/// Where a ledger ends: its last entry's seq, hash and time (seq 0: no entry yet). A snapshot
/// that travels without its ledger carries this, and the next entry links to it.
struct UNDERTAKE_API LedgerHead {
  std::uint64_t seq = 0;
  LedgerHash hash{};
  std::optional<Timestamp> at;
};

/// JSON form of an entry: `{seq, at, event, actor, payload, state, hash}` (+ `"kind":
/// "escalation"`); `hash` as 64 lower-case hexadecimal digits, left out when all zero.
UNDERTAKE_API boost::json::value to_json(const LedgerEntry& entry);
/// Reads an entry written by to_json; `where` is the JSON path used in error messages.
UNDERTAKE_API LedgerEntry ledger_entry_from_json(const boost::json::value& json,
                                                 std::string_view where);

/// A whole case as a ledger: what the case was created with, and everything that happened since.
/// This is the unit KPIs read and the unit replay rebuilds a case from.
/// JSON: `{ "case_id", "policy_version", "data", "ledger": [entries] }`.
struct UNDERTAKE_API CaseLedger {
  std::string case_id;
  std::string policy_version;
  boost::json::object data;  ///< the requirement form given at creation
  std::vector<LedgerEntry> entries;
};

UNDERTAKE_API boost::json::value to_json(const CaseLedger& ledger);
UNDERTAKE_API CaseLedger case_ledger_from_json(const boost::json::value& json,
                                               std::string_view where);

UNDERTAKE_END_NAMESPACE
