// Measuring a JSON value without recursion (internal): how deep it nests, how long its text is,
// and the first string or number in it that JSON text could not hold. The engine measures what it
// is given before accepting it (limits.hpp), so the walk must itself be safe on any value a C++
// host can build: it keeps its own stack and stops at the depth it is allowed.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

struct JsonMeasure {
  enum class Problem {
    none,
    invalid_utf8,      ///< a string value that is not UTF-8
    invalid_utf8_key,  ///< an object key that is not UTF-8
    not_finite,        ///< a double that is infinite or NaN (JSON cannot write it)
    too_deep,          ///< nested deeper than the depth allowed
  };
  Problem problem = Problem::none;
  /// Where the problem is: `where` followed by `.key` and `[index]` steps (for too_deep: the
  /// container that went one level too deep; at most ~200 bytes, longer paths are cut).
  std::string path;
  /// The length of the value's JSON text as Boost.JSON writes it, exact except for doubles (counted
  /// at their longest, 25 characters): an upper bound. Of the part walked, when there is a problem.
  std::size_t bytes = 0;
  /// The nesting: 0 for a scalar, 1 for an object or array of scalars.
  unsigned depth = 0;

  bool ok() const noexcept { return problem == Problem::none; }
};

/// How JsonMeasure::path spells a path: `where.key[2]` (payloads, the C API's `$.a[2]`) or a JSON
/// Pointer `where/key/2` (rule files, RFC 6901 escapes).
enum class PathStyle { dotted, pointer };

/// Walks `v` iteratively and stops at the first problem. Containers deeper than `max_depth` are
/// not entered (`too_deep`), so the work is bounded by the value's size.
JsonMeasure measure_json(const boost::json::value& v, unsigned max_depth, std::string_view where,
                         PathStyle style = PathStyle::dotted);
JsonMeasure measure_json(const boost::json::object& o, unsigned max_depth, std::string_view where,
                         PathStyle style = PathStyle::dotted);

/// The length of `s` as a JSON string literal, quotes and escapes included.
std::size_t json_string_bytes(std::string_view s) noexcept;

}  // namespace detail
UNDERTAKE_END_NAMESPACE
