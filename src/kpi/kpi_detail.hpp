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

/// The sums and counts behind the built-in KPIs, for one case or many (they add up).
struct BuiltinKpiTotals {
  double revenue = 0;  ///< Σ contract amount of signs in the period
  std::uint64_t signs = 0;
  std::uint64_t timely_signs = 0;
  double profit = 0;  ///< Σ (amount − actual cost) of cases delivered in the period
  std::uint64_t delivered = 0;
  std::uint64_t delivered_without_complaint = 0;
  double satisfaction = 0;  ///< Σ feedback scores in the period
  std::uint64_t feedbacks = 0;
  double design_days = 0;  ///< Σ design cycle days of designs completed in the period
  std::uint64_t designs = 0;
  std::uint64_t first_tests = 0;
  std::uint64_t first_tests_passed = 0;
  double innovations = 0;
  std::uint64_t design_submits = 0;
  std::uint64_t completions = 0;
  std::uint64_t completions_on_plan = 0;
  double actual_cost = 0;          ///< Σ actual cost of cases completed in the period
  double budget_cost = 0;          ///< Σ budget of cases completed in the period
  double first_pass_quantity = 0;  ///< Σ passed quantity at first inspections in the period
  double first_inspected_quantity = 0;
  std::uint64_t first_inspections = 0;
  std::uint64_t inspections = 0;  ///< incoming and in-process inspections in the period
  std::uint64_t inspections_passed = 0;
  std::uint64_t complaints_verified = 0;
  std::uint64_t complaints_verified_in_time = 0;

  BuiltinKpiTotals& operator+=(const BuiltinKpiTotals& other) noexcept;
  /// The KPI's value from these totals; nothing when it has no data.
  std::optional<double> value(BuiltinKpi kpi) const noexcept;
};

/// The single pass that extracts every built-in KPI's facts from a case. Reuses its scratch
/// space between cases (no allocation per case once warmed up). Not thread-safe: one per thread.
class BuiltinKpiExtractor {
 public:
  explicit BuiltinKpiExtractor(Period period, BuiltinKpiParameters parameters = {});
  ~BuiltinKpiExtractor();
  BuiltinKpiExtractor(BuiltinKpiExtractor&&) noexcept;
  BuiltinKpiExtractor& operator=(BuiltinKpiExtractor&&) noexcept;

  /// Validates the case and returns its totals (throws Error for bad data; kpi.hpp, "Bad data").
  BuiltinKpiTotals extract(const CaseLedger& ledger);
  /// extract() and add the case's totals to totals() (unchanged when it throws).
  void add(const CaseLedger& ledger) { totals_ += extract(ledger); }
  const BuiltinKpiTotals& totals() const noexcept { return totals_; }

 private:
  struct Scratch;
  Period period_;
  BuiltinKpiParameters parameters_;
  BuiltinKpiTotals totals_;
  std::unique_ptr<Scratch> scratch_;
};

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
