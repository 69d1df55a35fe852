// Helpers shared by the store-backed commands (`case`, `diagram --case`, `demo`): opening the
// --db store and the engine, reading actors, payloads and times from the command line, and
// formatting instants and durations for people.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace undertake::cli {

/// The store named by --db (or $UNDERTAKE_DB); Error(invalid_argument) when neither is given.
std::unique_ptr<SqliteCaseStore> open_store(const Context& ctx, bool create = true);

/// An engine with the rules directory or policy file `rules` (empty: the built-in policy).
std::unique_ptr<Engine> open_engine(const std::string& rules);

/// An ISO-8601 instant, or the wall clock when `text` is empty (the CLI may read the clock; the
/// engine never does).
Timestamp parse_time(const std::string& text, const char* option);

/// `2026-04-06 09:00` (UTC, minutes).
std::string short_time(Timestamp t);
/// `in 3 d 4 h`, `5 h overdue`.
std::string relative(Timestamp target, Timestamp now);

/// JSON pretty-printed with two-space indents (numbers as people write them).
void print_json(std::ostream& out, const boost::json::value& v);

}  // namespace undertake::cli
