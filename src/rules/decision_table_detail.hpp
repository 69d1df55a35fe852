// The compiled form of a decision table (internal): cells as disjunctions of atoms, the column
// indexes, and the log that lets a gate's trace show every table a rule consulted.
#pragma once

#include <boost/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "undertake/decision_table.hpp"
#include "undertake/jsonlogic.hpp"

namespace undertake::detail::dt {

namespace json = boost::json;

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// A set of numbers: an interval whose ends may be open or infinite (a point when lo == hi).
struct Interval {
  double lo = -kInf;
  double hi = kInf;
  bool lo_open = true;
  bool hi_open = true;

  bool contains(double x) const noexcept {
    return (lo_open ? x > lo : x >= lo) && (hi_open ? x < hi : x <= hi);
  }
  bool empty() const noexcept { return lo > hi || (lo == hi && (lo_open || hi_open)); }
  bool point() const noexcept { return lo == hi && !lo_open && !hi_open; }
};

/// One test of a cell.
struct Atom {
  enum class Kind : std::uint8_t {
    interval,        ///< a number in `iv` (comparisons, intervals and number literals)
    equal,           ///< equal to `value` (a string, a boolean or null)
    string_compare,  ///< a string compared with `text` by `cmp`
    logic,           ///< a JsonLogic expression, truthy to accept
  };
  enum class Cmp : std::uint8_t { lt, le, gt, ge };
  Kind kind = Kind::interval;
  Cmp cmp = Cmp::lt;
  Interval iv;
  json::value value;
  std::string text;
  std::optional<jsonlogic::Rule> rule;
};

/// An input cell: any value, or a disjunction of atoms, possibly negated (`not(...)`).
struct Cell {
  bool any = false;
  bool negated = false;
  std::vector<Atom> atoms;

  /// Literals, intervals and comparisons with numbers only: what the index and the overlap
  /// check understand.
  bool simple() const noexcept {
    if (any) return true;
    if (negated) return false;
    for (const Atom& a : atoms)
      if (a.kind != Atom::Kind::interval && a.kind != Atom::Kind::equal) return false;
    return true;
  }
  bool has_logic() const noexcept {
    for (const Atom& a : atoms)
      if (a.kind == Atom::Kind::logic) return true;
    return false;
  }
};

/// Parses a unary-test string (see decision_table.hpp). Returns false with `why` set on error.
bool parse_unary_tests(std::string_view text, Cell& cell, std::string& why);

/// A number of a JSON value (int64, uint64 or double); false for anything else.
inline bool number_of(const json::value& v, double& out) noexcept {
  switch (v.kind()) {
    case json::kind::int64:
      out = static_cast<double>(v.get_int64());
      return true;
    case json::kind::uint64:
      out = static_cast<double>(v.get_uint64());
      return true;
    case json::kind::double_:
      out = v.get_double();
      return true;
    default:
      return false;
  }
}

/// Equality of JSON values with numbers compared by value (3 equals 3.0).
bool same_value(const json::value& a, const json::value& b) noexcept;

/// A number as people write it (no trailing ".0", no exponent for ordinary values).
std::string number_text(double d);

/// A slice of row numbers.
struct RowSpan {
  const std::uint32_t* data = nullptr;
  std::size_t size = 0;
};

/// The index of one input column.
struct ColumnIndex {
  bool enabled = false;
  bool numeric = false;                  ///< `bounds`/segments are built
  std::vector<double> bounds;            ///< sorted distinct interval ends
  std::vector<std::uint32_t> seg_start;  ///< segment s holds seg_rows[seg_start[s]..seg_start[s+1])
  std::vector<std::uint32_t> seg_rows;   ///< segments: (-inf,b0) [b0] (b0,b1) [b1] ... (bn,inf)
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> strings;  ///< sorted by key
  std::vector<std::uint32_t> trues, falses, nulls;
  std::vector<std::uint32_t> always;  ///< rows to test whatever the value (any, not(), logic, ...)

  /// The indexed rows that may accept `v` (always() rows come on top).
  RowSpan lookup(const json::value& v) const noexcept;
};

}  // namespace undertake::detail::dt

namespace undertake {

struct DecisionTable::Impl {
  std::string name;
  std::string description;
  std::string where;  ///< "<file>: <path>"
  HitPolicy hit_policy = HitPolicy::unique;
  Aggregation aggregation = Aggregation::none;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<Row> rows;
  std::vector<std::vector<detail::dt::Cell>> cells;  ///< [row][input column]
  std::vector<bool> compiled;                        ///< [row]: every cell compiled
  std::vector<std::vector<std::size_t>> priority;    ///< [row]: rank per output with `values`
  std::vector<detail::dt::ColumnIndex> index;        ///< [input column]
  bool has_logic = false;
  boost::json::value no_hit;  ///< the answer of a single-hit table when nothing matches

  /// Builds the column indexes (decision_table_index.cpp).
  void build_index();
  /// Reports rows of UNIQUE tables that overlap, and of ANY tables that overlap with different
  /// outputs, for the cells the check understands (decision_table_index.cpp).
  void check_overlaps(std::string_view file, std::string_view path,
                      std::vector<std::string>& problems) const;
};

namespace detail {

/// The tables a JsonLogic rule consulted while it ran: `decide` appends an explanation for each
/// call when a log is installed on the thread (the gate evaluation installs one per rule).
struct DecisionLog {
  boost::json::array calls;
};
/// The log of the current thread, or null.
DecisionLog* current_decision_log() noexcept;

/// Installs a log for the life of the scope (nests: the previous one comes back).
class DecisionLogScope {
 public:
  explicit DecisionLogScope(DecisionLog* log) noexcept;
  ~DecisionLogScope();
  DecisionLogScope(const DecisionLogScope&) = delete;
  DecisionLogScope& operator=(const DecisionLogScope&) = delete;

 private:
  DecisionLog* saved_;
};

}  // namespace detail

}  // namespace undertake
