// Test support for the store tests: fast store options, and an event a case accepts any number of
// times (case.handover), so that many writers can fire at one case.
#pragma once

#include <boost/json.hpp>

#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace store_test {

/// Store options for tests of locking, not of the disk.
inline undertake::SqliteOptions no_sync() {
  undertake::SqliteOptions o;
  o.synchronous = undertake::SqliteOptions::Sync::off;
  return o;
}

/// Fires `case.handover` on the case (accepted in any running state, any number of times).
inline undertake::Outcome hand_over(undertake::Case& c) {
  return c.fire("case.handover", undertake::Actor{"boss", {"management"}},
                boost::json::object{{"from", "li"}, {"to", "chen"}},
                *undertake::parse_iso8601("2026-02-02T09:00:00Z"));
}

}  // namespace store_test
