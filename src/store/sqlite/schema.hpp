// The SQLite store's schema (internal): creating it, migrating older versions on open, and the
// invariants SqliteCaseStore::check() verifies.
//
// Version 3 (every table keyed by case id first, design.md §9):
//   meta(key PRIMARY KEY, value)                      schema_version
//   migrations(from_version, to_version, applied_at)  one row per migration applied on open
//   cases(id PRIMARY KEY, policy_name, policy_version, revision, stage, state (JSON array),
//         terminated, customer, updated_ms, attention_ms, due_ms, worklist_revision, head)
//   ledger(case_id, seq, at_ms, kind, event, entry (JSON))   PRIMARY KEY (case_id, seq)
//   worklist(case_id, role, events, stage, customer, due_ms)  PRIMARY KEY (case_id, role);
//         indexes worklist_by_role (role, case_id), worklist_by_customer (role, customer,
//         case_id), worklist_by_stage (role, stage, case_id). `events`: the events the role may
//         fire in the case now, in name order, separated by one space, a gated one followed by
//         `*` (event names are identifiers: neither can occur in them), e.g.
//         "case.cancel case.suspend contract.sign*"
//   changes(position INTEGER PRIMARY KEY AUTOINCREMENT, case_id, seq)   UNIQUE (case_id, seq)
//   requests(case_id, request_id, seq, outcome (JSON))        PRIMARY KEY (case_id, request_id)
// Version 2 had a worklist row per case, role and event (columns event, gated). Version 1 had
// meta, cases (without due_ms and worklist_revision) and ledger.
#pragma once

#include <string>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "undertake/sqlite_store.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::sqlite {

/// Sets the journal and synchronous mode, creates the schema of a new file or migrates an older
/// one (in one write transaction, recorded in `migrations`); refuses a newer schema, or a file
/// that is not a store, with Error(io) naming the file. A read-only store is only checked.
/// Returns the schema version the file had before: 0 for a file it created.
int open_schema(Connection& c, const SqliteOptions& options);

/// The schema version the file says it has.
int stored_schema_version(const Connection& c);

/// `PRAGMA integrity_check` and the store's own invariants (call inside a read transaction).
std::vector<std::string> check_invariants(const Connection& c);

}  // namespace detail::sqlite
UNDERTAKE_END_NAMESPACE
