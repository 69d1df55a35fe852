// undertake — reading JSON text: the one way every JSON text the engine, the C API, the store and
// the command-line tool read is turned into a value.
//
// Why not boost::json::parse: Boost.JSON 1.81 rounds some decimals with 16 or 17 significant
// digits to a neighbour of the nearest double (975000.1000000001 reads one unit in the last place
// off), so a number changed on every trip through text and JsonLogic disagreed with JavaScript
// on such literals. Here each double is converted from its own characters by std::from_chars,
// which rounds correctly; together with Boost.JSON's serializer (Ryu: the shortest text that reads
// back as the same double) every finite double survives serialize → parse bit for bit. Integers
// stay int64 / uint64 exactly as Boost.JSON reads them.
//
// What is refused, and why:
//   - text that is not JSON (invalid UTF-8, comments, trailing commas, extra data): with the
//     line and column;
//   - an object that names a key twice: JSON (RFC 8259 §4) leaves the meaning open, and "the
//     last one wins" let a policy file silently drop a gate; a payload's first "price" could be
//     the one a host checked and its last the one the engine saw. Refused everywhere, with the
//     JSON path and the line:column of both occurrences;
//   - a number beyond the range of a double (1e400): it would read as infinity, which JSON cannot
//     write back, so nothing holding it could be stored (limits.hpp). A number too small for a
//     double reads as zero, as in JavaScript;
//   - text longer than limits.max_json_bytes or nested deeper than limits.max_json_depth
//     (ErrorKind::limit_exceeded, naming the limit).
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/limits.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// Parses one JSON text. `where` names it in errors ("payload", a file's path, ...). Text that is
/// not JSON, a duplicate key or a number beyond double throw an Error of kind `invalid`
/// (invalid_json unless the caller reads a policy or a stored snapshot and says so); the limits
/// throw limit_exceeded. Messages read "<where>:<line>:<column>: <JSON path>: <why>" (Error's
/// where() is "<where>:<line>:<column>"; the path is there when the place is inside the document;
/// a text over max_json_bytes is "<where>: larger than ...", not read at all).
UNDERTAKE_API boost::json::value parse_json(std::string_view text, const InputLimits& limits,
                                            std::string_view where,
                                            ErrorKind invalid = ErrorKind::invalid_json);

/// Reads a whole file and parses it as parse_json does, the file's path as `where`. A missing
/// file throws not_found, one that cannot be read io.
UNDERTAKE_API boost::json::value read_json_file(const std::string& path, const InputLimits& limits,
                                                ErrorKind invalid = ErrorKind::invalid_json);

UNDERTAKE_END_NAMESPACE
