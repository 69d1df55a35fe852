// Helpers shared by the store-backed commands (`case`, `inbox`, `changes`, `verify`, `store`,
// `diagram --case`, `kpi --db`): opening the --db store and the engine, reading actors, payloads
// and times from the command line, and formatting instants, durations and columns for people.
#pragma once

#include <boost/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "common/display_width.hpp"
#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace undertake::cli {

/// The store named by --db (or $UNDERTAKE_DB): `sqlite:PATH`, a plain path or `postgresql://...`
/// (open_store in store.hpp). Error(invalid_argument) when neither is given. With `create` false a
/// store file that does not exist is Error(not_found) instead of a new empty store: a command that
/// reads or changes existing cases should not turn a mistyped path into a file.
std::unique_ptr<CaseStore> open_store(const Context& ctx, bool create = true);

/// An engine with the rules directory or policy file `rules` (empty: the built-in policy).
std::unique_ptr<Engine> open_engine(const std::string& rules);

/// An ISO-8601 instant, or the wall clock when `text` is empty (the CLI may read the clock; the
/// engine never does).
Timestamp parse_time(const std::string& text, const char* option);

/// `2026-04-06 09:00` (UTC, minutes).
std::string short_time(Timestamp t);
/// `in 3 d 4 h`, `5 h overdue`.
std::string relative(Timestamp target, Timestamp now);

/// The items joined with `sep`.
std::string join(const std::vector<std::string>& items, const char* sep = ", ");
/// Table columns are padded to a display width (CJK labels take two columns each).
using detail::pad;

/// JSON pretty-printed with two-space indents (numbers as people write them).
void print_json(std::ostream& out, const boost::json::value& v);

}  // namespace undertake::cli
