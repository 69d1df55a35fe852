// What the built-in stores (SQLite, PostgreSQL) do alike with their rows (internal): the JSON they
// keep as text, the summary columns of a case, the ledger rows a save writes, the worklist rows
// of a case and when they must be rewritten, and the errors of a save that cannot be done. The
// stores differ in how they talk to their database, not in what they store.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/error.hpp"
#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"
#include "undertake/store.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::rows {

/// Instants are stored as milliseconds since the epoch (UTC).
inline std::int64_t millis(Timestamp t) {
  return t.time_since_epoch().count();
}
inline Timestamp from_millis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

/// Stored JSON text read with the store's limits (limits.hpp: what an engine with the same limits
/// accepted was written within them, so it reads back); Error(invalid_snapshot) at `where` when
/// it does not parse or lies beyond them.
boost::json::value parse_json(std::string_view text, const std::string& where,
                              const InputLimits& limits);
/// A stored head: JSON text that must be an object.
boost::json::value parse_head(std::string_view text, const std::string& where,
                              const InputLimits& limits);

/// The `state` column: the active configuration as a JSON array of strings.
std::string state_text(const std::vector<std::string>& state);
std::vector<std::string> state_from_text(std::string_view text, const std::string& where,
                                         const InputLimits& limits);

/// The summary columns every read of cases selects, in this order (summary_of reads them):
/// id, policy_version, revision, stage, state, terminated, customer, updated_ms, attention_ms,
/// due_ms. Both stores name them alike.
inline constexpr std::string_view kSummaryColumns =
    "id, policy_version, revision, stage, state, terminated, customer, updated_ms, attention_ms,"
    " due_ms";

/// A row of kSummaryColumns from columns `first`.. of a result row: `Row` has text(col),
/// integer(col) and is_null(col); `terminated` reads as an integer (0 or 1).
template <class Row>
CaseSummary summary_of(const Row& row, const std::string& where, const InputLimits& limits,
                       int first = 0) {
  CaseSummary s;
  s.case_id = std::string(row.text(first));
  s.policy_version = std::string(row.text(first + 1));
  s.revision = static_cast<std::uint64_t>(row.integer(first + 2));
  s.stage = std::string(row.text(first + 3));
  s.state = state_from_text(row.text(first + 4), where + ": case " + s.case_id + " state", limits);
  s.terminated = row.integer(first + 5) != 0;
  s.customer = std::string(row.text(first + 6));
  if (!row.is_null(first + 7)) s.updated = from_millis(row.integer(first + 7));
  if (!row.is_null(first + 8)) s.attention = from_millis(row.integer(first + 8));
  if (!row.is_null(first + 9)) s.due = from_millis(row.integer(first + 9));
  return s;
}

/// Refuses a save whose case is behind the revision it claims to have been loaded at.
void require_not_behind(const Case& c, std::uint64_t expected_revision);
/// Error(not_found) for a save of a case that is not stored.
Error not_stored(std::string_view case_id);
/// Error(conflict) for a save of a stale revision.
Error stale_revision(std::string_view case_id, std::uint64_t stored, std::uint64_t expected);
/// Error(conflict) for a create of an id that is taken.
Error already_stored(std::string_view case_id);

/// One ledger row as the stores keep it.
struct EntryRow {
  std::uint64_t seq = 0;
  std::int64_t at_ms = 0;
  std::string_view kind;   ///< `event` or `escalation`
  std::string_view event;  ///< the event name
  std::string entry;       ///< the entry's JSON (to_json(LedgerEntry))
};

/// The entries of `c` after revision `from`: what a save writes (a case restored without its
/// ledger holds only the entries added since). Error(invalid_argument) when `c` does not hold
/// them all.
std::vector<EntryRow> entries_after(const Case& c, std::uint64_t from);
/// The rows of entries up to `up_to`, rewritten with their hashes: a case stored before hash
/// chains (its head of format 1 or 2) was restored by replaying its whole ledger, which computed
/// every entry's hash, and its first save writes them into the rows it already has. Empty when
/// the case does not hold its whole ledger.
std::vector<EntryRow> rehashed_rows(const Case& c, std::uint64_t up_to);

/// One worklist row: a role may fire an event in the case now.
struct WorklistRow {
  std::string role, event;
  bool gated = false;
};
/// The worklist rows of a case as it is now (work_items, once per permitted role).
std::vector<WorklistRow> worklist_rows(const Case& c);
/// Worklist rows as WorkItems, one per event (rows sorted by event, then role).
std::vector<WorkItem> work_items_of(const std::vector<WorklistRow>& sorted_rows);

/// What a store holds of a case before a save changes it (what decides the worklist rewrite).
struct StoredCase {
  std::uint64_t revision = 0;
  std::string state, customer;
  std::optional<std::int64_t> due_ms;
  bool worklist_current = false;  ///< worklist rows written for the stored revision
  std::int64_t head_format = 0;   ///< the snapshot format of the stored head
};
/// Whether a stored instant (milliseconds, NULL: none) is `t`.
bool same_time(const std::optional<std::int64_t>& ms, const std::optional<Timestamp>& t);
/// Whether a save must rewrite the worklist rows: they follow the state and carry the customer
/// and due the inbox filters on.
bool worklist_changes(const StoredCase& stored, const CaseSummary& now);

/// The ledger of a case from its head and its rows: `each_entry` calls its argument with each
/// row's seq and entry JSON, in seq order.
CaseLedger ledger_of(
    std::string case_id, const boost::json::value& head, const std::string& where,
    const InputLimits& limits,
    const std::function<void(const std::function<void(std::int64_t, std::string_view)>&)>&
        each_entry);

/// A change-feed row read back: its position, case and the entry's JSON.
Change change_of(std::uint64_t position, std::string case_id, std::string_view entry,
                 const std::string& where, const InputLimits& limits);

}  // namespace detail::rows
UNDERTAKE_END_NAMESPACE
