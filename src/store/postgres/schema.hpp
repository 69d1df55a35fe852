// The PostgreSQL store's schema (internal): creating it, migrating it, refusing a newer one, and
// the invariants `store check` verifies.
#pragma once

#include "undertake/config.hpp"
#include <string>
#include <vector>

#include "store/postgres/connection.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::pg {

/// Creates the tables of a new store or migrates an older schema, in one transaction under an
/// advisory lock (several servers starting at once create them once), recorded in
/// `ut_migrations`; refuses a newer schema or tables that are not a store with Error(io).
/// Returns the schema version before: 0 when it created the tables.
int open_schema(Connection& c);

/// The schema version the database says it has (0: none).
int stored_schema_version(Connection& c);

/// The store's invariants (read inside the caller's transaction); the problems found.
std::vector<std::string> check_invariants(Connection& c);

}  // namespace detail::pg
UNDERTAKE_END_NAMESPACE
