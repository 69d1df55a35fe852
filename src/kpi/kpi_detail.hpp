// Helpers shared by the KPI sources (not installed).
#pragma once

#include "common/json_numbers.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/kpi.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace kpi_detail {

/// A finite JSON number as a double (int64, uint64 or double), else false.
inline bool number_of(const boost::json::value& v, double& out) noexcept {
  switch (v.kind()) {
    case boost::json::kind::int64:
      out = static_cast<double>(v.get_int64());
      return true;
    case boost::json::kind::uint64:
      out = static_cast<double>(v.get_uint64());
      return true;
    case boost::json::kind::double_:
      out = v.get_double();
      return out - out == 0;  // finite
    default:
      return false;
  }
}

/// Hints that `p` will be read soon (no effect where the compiler has no prefetch builtin).
inline void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

/// Prefetches the entry array of a case that is about to be read.
inline void prefetch_entries(const CaseLedger& c) noexcept {
  const char* first = reinterpret_cast<const char*>(c.entries.data());
  const char* last = reinterpret_cast<const char*>(c.entries.data() + c.entries.size());
  for (const char* p = first; p < last; p += 64) prefetch(p);
}

/// A JSON number with a whole value (1, 1.0), or nothing.
using detail::as_integer;  // common/json_numbers.hpp

/// A short rendering of a value for error messages: `"abc"`, `-5`, `an object`, ...
std::string describe(const boost::json::value& v);

/// A number as people read it: 12, 0.8333, 1250000.5 (at most 4 decimals, no exponent).
std::string number_text(double x);

/// Throws Error(invalid_argument) with where() `case <id> seq <n> (<event>): payload.<field>`
/// (without `: payload.<field>` when `field` is empty).
[[noreturn]] void fail_entry(const CaseLedger& c, const LedgerEntry& e, std::string_view field,
                             std::string why);

/// A KPI computed case by case from the JSON view of each case (kpi.json `compute`). The report
/// builds each case's view once and hands it to every such KPI.
class CaseWiseKpi : public KpiCalculator {
 public:
  /// Running sums of one KPI over cases.
  struct Sums {
    double sum = 0;
    double numerator = 0;
    double denominator = 0;
    double min = 0;
    double max = 0;
    std::uint64_t count = 0;  ///< cases that gave something
    std::uint64_t hits = 0;   ///< `count`: cases whose value was truthy
  };
  /// Adds one case (its JSON view, see kpi.hpp) to `sums`. Throws Error naming the KPI and case.
  virtual void accumulate(const boost::json::value& case_view, std::string_view case_id,
                          Sums& sums) const = 0;
  virtual std::optional<double> finish(const Sums& sums) const = 0;
};

/// The JSON view of a case given to kpi.json expressions (documented in kpi.hpp), built in `sp`.
boost::json::value case_view(const CaseLedger& c, Period period, boost::json::storage_ptr sp = {});

/// Memory for one case view at a time: allocation is a pointer bump, reset() frees it all.
class ViewArena {
 public:
  ViewArena() : buffer_(256 * 1024), resource_(buffer_.data(), buffer_.size()) {}
  ViewArena(const ViewArena&) = delete;
  ViewArena& operator=(const ViewArena&) = delete;
  /// Non-owning: the views built in it must be gone before reset() or the arena's end.
  boost::json::storage_ptr storage() noexcept { return boost::json::storage_ptr(&resource_); }
  void reset() noexcept { resource_.release(); }

 private:
  std::vector<unsigned char> buffer_;
  boost::json::monotonic_resource resource_;
};

/// Compiles a kpi.json `compute` member with `ops` (defined in json_kpi.cpp).
std::shared_ptr<const KpiCalculator> make_json_kpi(std::string id,
                                                   const boost::json::value& compute,
                                                   std::string_view file,
                                                   const std::string& pointer,
                                                   const jsonlogic::Operators& ops);

}  // namespace kpi_detail
UNDERTAKE_END_NAMESPACE
