// Test support: doubles that are hard to read back from text, and a strict comparison of values.
//
// sample_doubles(n) mixes, in a fixed pseudo-random order (the same every run): random bit
// patterns (every magnitude, subnormals included), random decimals of 15 to 17 significant digits
// (the ones Boost.JSON 1.81 misreads), quoted margins (price − cost) / price, powers of two and of
// ten, the limits of double, ±0, and the literals of issue 12 (975000.1000000001,
// 0.19937800621993781). Never NaN or infinity: JSON cannot write them.
#pragma once

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace undertake::testing {

/// The two literals of issue 12 that Boost.JSON 1.81 reads one unit in the last place off.
inline const std::vector<std::string> kMisreadLiterals = {"975000.1000000001",
                                                          "0.19937800621993781"};

/// Every margin (price − cost) / price quoted with price 100,000..101,000 and cost
/// 80,000..80,100 in steps of `step`.
inline std::vector<double> margin_sweep(int step = 1) {
  std::vector<double> out;
  for (int price = 100'000; price <= 101'000; price += step)
    for (int cost = 80'000; cost <= 80'100; cost += step)
      out.push_back((double(price) - double(cost)) / double(price));
  return out;
}

inline std::uint64_t bits_of(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

inline double from_bits(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

/// A random decimal with `digits` significant digits and an exponent anywhere in double's range,
/// as text ("-4.0368051203940191e-217"), and the double glibc's strtod (correctly rounded) reads.
inline std::string random_decimal(std::mt19937_64& rng, int digits) {
  std::string text = (rng() & 1) ? "-" : "";
  text += static_cast<char>('1' + rng() % 9);
  text += '.';
  for (int i = 1; i < digits; ++i) text += static_cast<char>('0' + rng() % 10);
  const int exponent = static_cast<int>(rng() % 630) - 323;  // subnormals to near the maximum
  text += "e" + std::to_string(exponent);
  return text;
}

inline std::vector<double> sample_doubles(std::size_t n, std::uint64_t seed = 20260812) {
  std::vector<double> out;
  out.reserve(n);
  for (const auto& literal : kMisreadLiterals) out.push_back(std::strtod(literal.c_str(), nullptr));
  const double specials[] = {0.0,
                             -0.0,
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::min(),
                             std::nextafter(std::numeric_limits<double>::min(), 0.0),
                             std::numeric_limits<double>::max(),
                             -std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::epsilon(),
                             0.1,
                             0.2,
                             0.30000000000000004,
                             9007199254740993.0,
                             1e23,
                             5e-324,
                             2.2250738585072011e-308};
  for (double d : specials) out.push_back(d);
  for (int e = -1074; e <= 1023; e += 7) out.push_back(std::ldexp(1.0, e));
  for (int e = -323; e <= 308; e += 3)
    out.push_back(std::strtod(("1e" + std::to_string(e)).c_str(), nullptr));
  const std::vector<double> margins = margin_sweep(3);
  std::mt19937_64 rng(seed);
  while (out.size() < n) {
    switch (rng() % 4) {
      case 0: {  // any finite bit pattern
        const double d = from_bits(rng());
        if (std::isfinite(d)) out.push_back(d);
        break;
      }
      case 1:
        out.push_back(std::strtod(random_decimal(rng, 17).c_str(), nullptr));
        break;
      case 2:
        out.push_back(
            std::strtod(random_decimal(rng, 15 + static_cast<int>(rng() % 2)).c_str(), nullptr));
        break;
      default:
        out.push_back(margins[rng() % margins.size()]);
        break;
    }
  }
  out.resize(n);
  return out;
}

/// Equal as JSON values AND in every detail: the same kinds (int64, uint64, double) and doubles
/// bit for bit (-0.0 is not 0.0). Writes the JSON path of the first difference to `where`.
inline bool identical(const boost::json::value& a, const boost::json::value& b, std::string& where,
                      const std::string& path = "") {
  // JSON text has one kind of integer: Boost.JSON reads a non-negative one as int64 whatever the
  // writer held (a count kept as uint64 comes back as int64), so integers compare by value.
  const auto integer = [](const boost::json::value& v) { return v.is_int64() || v.is_uint64(); };
  if (integer(a) && integer(b)) {
    if (a == b) return true;
    where = path;
    return false;
  }
  if (a.kind() != b.kind()) {
    where = path;
    return false;
  }
  if (a.is_double()) {
    if (bits_of(a.get_double()) == bits_of(b.get_double())) return true;
    where = path;
    return false;
  }
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) {
      where = path;
      return false;
    }
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!identical(x[i], y[i], where, path + "/" + std::to_string(i))) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) {
      where = path;
      return false;
    }
    for (const auto& kv : x) {
      const std::string member = path + "/" + std::string(kv.key());
      const boost::json::value* other = y.if_contains(kv.key());
      if (!other) {
        where = member;
        return false;
      }
      if (!identical(kv.value(), *other, where, member)) return false;
    }
    return true;
  }
  if (a == b) return true;
  where = path;
  return false;
}

}  // namespace undertake::testing
