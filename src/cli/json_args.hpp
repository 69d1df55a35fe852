// The command line's JSON arguments (`--payload`, `--data`, `--data-file`, `--set`, `--actor`),
// read within the engine's input limits (limits.hpp) so that the command line accepts no more
// than the C API does. Kept apart from the commands (no CLI11, no files but `@file` arguments) so
// that the fuzz target tests/fuzz/fuzz_cli_args.cpp runs the same code.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"

namespace undertake::cli {

/// The text of a JSON argument: `text` itself, or the content of FILE for `@FILE`. Error(not_found)
/// for a file that cannot be opened, Error(limit_exceeded) for one larger than max_json_bytes.
std::string argument_text(std::string_view option, const std::string& text,
                          const InputLimits& limits);

/// A JSON object from `json_text` (empty: `{}`) with `--set KEY=VALUE` pairs merged in: dotted
/// keys make nested objects, values are JSON when they parse as JSON, else strings. `option`
/// names the text's option in errors (`--payload`, `--data`). Refused, naming the option or the
/// `--set` and the limit: text larger than max_json_bytes (Error(limit_exceeded)), nested deeper
/// than max_json_depth (limit_exceeded), not JSON or not an object (invalid_argument), a key with
/// more dots than max_json_depth allows levels (limit_exceeded) or an empty part
/// (invalid_argument). The engine then checks the object against its envelope (a payload may nest 4
/// levels less).
boost::json::object object_argument(std::string_view option, std::string_view json_text,
                                    const std::vector<std::string>& sets,
                                    const InputLimits& limits);

/// `li:sales,management` or a JSON actor `{"id": "li", "roles": ["sales"]}` (within `limits`).
Actor actor_argument(const std::string& text, const InputLimits& limits);

}  // namespace undertake::cli
