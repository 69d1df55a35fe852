// Canonical JSON: one byte sequence per JSON value, whatever order its keys were written in and
// however a database re-formatted its numbers. Digests are computed over it (design.md §9), so
// that a snapshot or ledger row kept as text or as a JSON column (PostgreSQL jsonb re-orders keys
// and re-writes numbers) still verifies.
//
// The form: no whitespace; object members sorted by their keys' UTF-8 bytes; strings with the
// minimal JSON escapes (\" \\ \b \f \n \r \t, \u00XX for other controls, nothing else escaped);
// numbers as the shortest decimal that reads back as the same double, integers (of any of
// Boost.JSON's number kinds, -0 included) of magnitude at most 2^53 written as integers, larger
// int64/uint64 written exactly. In the spirit of RFC 8785 (JCS), not byte-identical to it.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Where canonical bytes go: a string, a digest, ...
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

/// Writes `value` in canonical form. Iterative: deep values cannot exhaust the stack.
void write_canonical(const boost::json::value& value, ByteSink& sink);
/// Writes `object` in canonical form, leaving out its members named in `except`.
void write_canonical(const boost::json::object& object, ByteSink& sink,
                     std::initializer_list<std::string_view> except = {});

/// Writes a string in canonical form (quoted, minimally escaped).
void write_canonical_string(std::string_view text, ByteSink& sink);

/// The canonical form as a string (tests, tools).
std::string canonical_json(const boost::json::value& value);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
