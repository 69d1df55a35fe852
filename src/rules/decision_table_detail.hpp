// The compiled form of a decision table (internal): cells as disjunctions of atoms, the column
// indexes, and the log that lets a gate's trace show every table a rule consulted.
#pragma once

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "undertake/decision_table.hpp"
#include "undertake/jsonlogic.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::dt {

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

/// One test of a cell. Kept small (a table of 10^6 rows holds 10^6 of them): the text of a
/// string comparison lives in `value`, a JsonLogic rule behind a pointer.
struct Atom {
  enum class Kind : std::uint8_t {
    interval,        ///< a number in `iv` (comparisons, intervals and number literals)
    equal,           ///< equal to `value` (a string, a boolean or null)
    string_compare,  ///< a string compared with `value` (a string) by `cmp`
    logic,           ///< a JsonLogic expression, truthy to accept
  };
  enum class Cmp : std::uint8_t { lt, le, gt, ge };
  Kind kind = Kind::interval;
  Cmp cmp = Cmp::lt;
  Interval iv;
  json::value value;
  std::unique_ptr<const jsonlogic::Rule> rule;
};

/// The atoms of a cell: most cells hold one, stored inline.
using Atoms = boost::container::small_vector<Atom, 1>;

/// An input cell: any value, or a disjunction of atoms, possibly negated (`not(...)`).
struct Cell {
  bool any = false;
  bool negated = false;
  Atoms atoms;

  /// Literals, intervals and comparisons with numbers only, possibly negated: what the index,
  /// the overlap check and the gap check understand exactly.
  bool exact() const noexcept {
    if (any) return true;
    for (const Atom& a : atoms)
      if (a.kind != Atom::Kind::interval && a.kind != Atom::Kind::equal) return false;
    return true;
  }
  /// exact() and not negated: what the column index holds.
  bool simple() const noexcept { return !negated && exact(); }
  bool has_logic() const noexcept {
    for (const Atom& a : atoms)
      if (a.kind == Atom::Kind::logic) return true;
    return false;
  }
  /// Whether the cell accepts a value (JsonLogic atoms are not evaluated here: false).
  bool accepts_value(const json::value& v) const noexcept;
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

/// Whether an atom other than a JsonLogic one accepts a value (by type: no coercion).
inline bool atom_accepts(const Atom& a, const json::value& v) noexcept {
  switch (a.kind) {
    case Atom::Kind::interval: {
      double d = 0;
      return number_of(v, d) && a.iv.contains(d);
    }
    case Atom::Kind::equal:
      return v.kind() == a.value.kind() && v == a.value;
    case Atom::Kind::string_compare: {
      if (!v.is_string()) return false;
      const int cmp = std::string_view(v.get_string()).compare(a.value.get_string());
      switch (a.cmp) {
        case Atom::Cmp::lt:
          return cmp < 0;
        case Atom::Cmp::le:
          return cmp <= 0;
        case Atom::Cmp::gt:
          return cmp > 0;
        case Atom::Cmp::ge:
          return cmp >= 0;
      }
      return false;
    }
    case Atom::Kind::logic:
      return false;
  }
  return false;
}

/// Equality of JSON values with numbers compared by value (3 equals 3.0).
bool same_value(const json::value& a, const json::value& b) noexcept;

/// A number as people write it (no trailing ".0", no exponent for ordinary values).
std::string number_text(double d);

/// A value as an error message shows it: numbers as number_text, the rest as JSON.
std::string value_text(const json::value& v);

/// Whether a value is of a column's type ("number", "integer", "string", "boolean", "any").
bool has_type(const json::value& v, std::string_view type);

/// The segment of a number among sorted distinct bounds b0 < b1 < ... : (-inf,b0) is 0, [b0] is 1,
/// (b0,b1) is 2, ... (b_last,inf) is 2 * bounds.size().
std::size_t segment_of(const std::vector<double>& bounds, double x);
/// The segments intervals cover, for intervals whose finite ends are among sorted distinct
/// bounds. It remembers where the last end was found: the rows of a table sorted by an interval
/// column then cost no binary search (they did most of the work of loading 10^6 rows).
class SegmentFinder {
 public:
  explicit SegmentFinder(const std::vector<double>& bounds) noexcept : bounds_(bounds) {}
  /// The segments [first, last] that `iv` covers (first > last when none).
  std::pair<std::size_t, std::size_t> operator()(const Interval& iv) noexcept;

 private:
  /// The place of x among the bounds (std::lower_bound).
  std::size_t rank(double x) noexcept;
  const std::vector<double>& bounds_;
  std::size_t hint_ = 0;
};

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
  std::vector<std::string> strings;      ///< sorted distinct string literals
  std::vector<std::uint32_t>
      string_start;  ///< strings[k] holds string_rows[string_start[k]..[k+1])
  std::vector<std::uint32_t> string_rows;
  std::vector<std::uint32_t> trues, falses, nulls;
  std::vector<std::uint32_t> always;  ///< rows to test whatever the value (any, not(), logic, ...)

  /// The indexed rows that may accept `v` (always() rows come on top).
  RowSpan lookup(const json::value& v) const noexcept;
};

}  // namespace detail::dt
UNDERTAKE_END_NAMESPACE

UNDERTAKE_BEGIN_NAMESPACE

struct DecisionTable::Impl {
  std::string name;
  std::string description;
  std::string file;   ///< where it was defined (`rules/default/tables.json`)
  std::string path;   ///< its JSON path there (`/tables/authority-matrix`)
  std::string where;  ///< "<file>: <path>"
  HitPolicy hit_policy = HitPolicy::unique;
  Aggregation aggregation = Aggregation::none;
  std::vector<Input> inputs;
  std::vector<Output> outputs;
  std::vector<Row> rows;
  std::vector<detail::dt::Cell> cells;    ///< row r, input column c at [r * inputs.size() + c]
  std::vector<detail::dt::Cell> allowed;  ///< [input column]: its `values` (`any` when none)
  std::vector<bool> compiled;             ///< [row]: every cell compiled
  std::vector<std::vector<std::size_t>> priority;  ///< [row]: rank per output with `values`
  std::vector<detail::dt::ColumnIndex> index;      ///< [input column]
  bool has_logic = false;
  bool has_default = false;   ///< every output has a default: the answer when nothing matches
  boost::json::value no_hit;  ///< the answer when no row matches (see must_match)

  const detail::dt::Cell& cell(std::size_t row, std::size_t column) const noexcept {
    return cells[row * inputs.size() + column];
  }
  /// Whether an input no row matches is an error: a single-hit table, or a COLLECT table
  /// aggregating min or max, without a default (the others answer [], 0 or their default).
  bool must_match() const noexcept;
  /// `row 3 "R3"`: the row's number (1-based) and its id when it has one.
  std::string row_label(std::size_t row) const;

  /// Builds the column indexes (decision_table_index.cpp).
  void build_index();
  /// Reports rows of UNIQUE tables that overlap, and of ANY tables that overlap with different
  /// outputs, for the cells the check understands (decision_table_coverage.cpp).
  void check_overlaps(std::vector<std::string>& problems) const;
  /// Reports inputs that no row matches in a table that must match (decision_table_coverage.cpp).
  void check_gaps(std::vector<std::string>& problems) const;
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

UNDERTAKE_END_NAMESPACE
