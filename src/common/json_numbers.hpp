// Reading numbers from JSON the same way everywhere (risk ratings, KPI payload fields, the
// non-finite numbers that JSON text parsed by Boost.JSON may hold).
#pragma once

#include <boost/json/value.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace undertake::detail {

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

/// The path of the first number in `v` that is not finite, or "" when there is none. Boost.JSON
/// 1.81 reads a number beyond double (1e400) as infinity without an error, so text parsed from
/// outside is checked with this. `member(path, key)` and `element(path, index)` spell a path
/// (`$.a[2]` for the C API, a JSON Pointer `/a/2` for rule files).
template <typename Member, typename Element>
std::string first_non_finite(const boost::json::value& v, const std::string& path,
                             const Member& member, const Element& element) {
  if (v.is_double()) return std::isfinite(v.get_double()) ? std::string{} : path;
  if (v.is_array()) {
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      if (auto p = first_non_finite(a[i], element(path, i), member, element); !p.empty()) return p;
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object())
      if (auto p = first_non_finite(kv.value(), member(path, kv.key()), member, element);
          !p.empty())
        return p;
  }
  return {};
}

}  // namespace undertake::detail
