// Reading numbers from JSON the same way everywhere (risk ratings, KPI payload fields). The
// non-finite numbers JSON text parsed by Boost.JSON may hold are found by measure_json
// (common/json_measure.hpp), without recursion.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// The value as a whole number: an int64, a uint64 that fits, or a double with no fraction
/// (below 9e15, where doubles are still exact). Nothing otherwise.
inline std::optional<std::int64_t> as_integer(const boost::json::value& v) noexcept {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return std::nullopt;
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    const double d = v.get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15)
      return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
