// Decision tables: the inputs several rows match (overlaps: an error when a UNIQUE or ANY table
// loads) and the inputs no row matches (gaps: reported by `undertake check`, as such inputs are
// refused). Both sweep the rows column by column, never pair by pair, so a table of 10^6 rows is
// checked in about a second.
//
// Each column is cut into pieces that every cell of the column holds whole or not at all (the
// Axis). A sweep over the pieces of the first column keeps the rows whose cell holds the current
// piece (the active rows); where that set is constant over a run of pieces, the run is one case:
// no active row is a gap, two active rows are an overlap when it is the last column, and
// otherwise the active rows are swept again over the next column. The columns are taken in the
// order that keeps those active sets small.
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/json_checker.hpp"
#include "rules/decision_table_detail.hpp"

UNDERTAKE_BEGIN_NAMESPACE

namespace {

namespace json = boost::json;
using detail::dt::Atom;
using detail::dt::Cell;
using detail::dt::Interval;
using detail::dt::kInf;
using detail::dt::number_text;

constexpr std::size_t kMaxReports = 10;
/// Row visits (sweep events and copies of active rows) one check may make; beyond, it stops
/// quietly (what it reported stays true). Tables people write need a few per row.
constexpr std::size_t kBudget = 64'000'000;

using PieceRange = std::pair<std::uint32_t, std::uint32_t>;  ///< pieces [first, last)

/// Order of the values of a column that are not numbers: null, false, true, then strings.
int value_rank(const json::value& v) {
  if (v.is_null()) return 0;
  if (v.is_bool()) return v.get_bool() ? 2 : 1;
  return 3;
}
bool value_less(const json::value& a, const json::value& b) {
  const int ra = value_rank(a);
  const int rb = value_rank(b);
  if (ra != rb || ra != 3) return ra < rb;
  return std::string_view(a.get_string()) < std::string_view(b.get_string());
}

/// One input column cut into pieces that each of its cells holds whole or not at all: first the
/// number segments (-inf,b0) [b0] (b0,b1) ... (b_last,inf) between the ends of the column's
/// intervals, then the other values the column names (null, booleans, strings), then, for a
/// string or "any" column without `values`, one piece for every value the column does not name.
struct Axis {
  std::size_t column = 0;
  const DecisionTable::Input* input = nullptr;
  bool integer = false;
  std::vector<double> bounds;
  std::uint32_t numbers = 0;        ///< pieces [0, numbers) are number segments
  std::vector<json::value> values;  ///< pieces [numbers, numbers + values.size())
  bool other = false;               ///< a last piece: the values the column does not name
  std::uint32_t pieces = 0;
  std::vector<std::uint32_t> domain;  ///< domain[p]: how many pieces before p an input can take
  std::vector<std::uint32_t> first_range;  ///< row r: ranges[first_range[r]..first_range[r + 1])
  std::vector<PieceRange> ranges;          ///< disjoint, ascending: the pieces a cell holds
  std::vector<bool> full;                  ///< [row]: the cell holds every piece an input can take

  bool any_in_domain(std::uint32_t p, std::uint32_t q) const { return domain[q] > domain[p]; }

  /// The first piece of [p, q) an input can take; q when none.
  std::uint32_t first_in_domain(std::uint32_t p, std::uint32_t q) const {
    const auto it = std::upper_bound(domain.begin() + p + 1, domain.begin() + q + 1, domain[p]);
    return static_cast<std::uint32_t>(it - domain.begin()) - 1;
  }
  /// One past the last piece of [p, q) an input can take (there is one).
  std::uint32_t domain_end(std::uint32_t p, std::uint32_t q) const {
    const auto it = std::lower_bound(domain.begin() + p + 1, domain.begin() + q + 1, domain[q]);
    return static_cast<std::uint32_t>(it - domain.begin());
  }
  /// The end of the run of pieces an input can take that starts at x (x is one), within q.
  std::uint32_t domain_run_end(std::uint32_t x, std::uint32_t q) const {
    std::uint32_t lo = x + 1;  // pieces [x, lo) are all in the domain
    std::uint32_t hi = q;
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo + 1) / 2;
      if (domain[mid] - domain[x] == mid - x)
        lo = mid;
      else
        hi = mid - 1;
    }
    return lo;
  }

  /// The ends of number segment s.
  Interval segment(std::uint32_t s) const {
    const std::size_t k = s / 2;
    if (s % 2 == 1) return Interval{bounds[k], bounds[k], false, false};
    return Interval{k == 0 ? -kInf : bounds[k - 1], k == bounds.size() ? kInf : bounds[k], true,
                    true};
  }
  /// A number inside segment s (an integer for an integer column, when there is one).
  double inside(std::uint32_t s) const {
    const Interval iv = segment(s);
    if (iv.point()) return iv.lo;
    if (integer && std::isfinite(iv.lo)) return std::floor(iv.lo) + 1;
    if (integer && std::isfinite(iv.hi)) return std::ceil(iv.hi) - 1;
    if (std::isfinite(iv.lo) && std::isfinite(iv.hi)) return iv.lo + (iv.hi - iv.lo) / 2;
    if (std::isfinite(iv.lo)) return iv.lo + 1;
    if (std::isfinite(iv.hi)) return iv.hi - 1;
    return 0;
  }
  bool has_integer(std::uint32_t s) const {
    const Interval iv = segment(s);
    if (iv.point()) return iv.lo == std::floor(iv.lo);
    if (!std::isfinite(iv.lo) || !std::isfinite(iv.hi)) return true;
    return std::floor(iv.lo) + 1 < iv.hi;
  }
};

/// Finds the piece of a cell's value or interval on an axis (made for one pass over the rows).
class PieceFinder {
 public:
  explicit PieceFinder(const Axis& ax) : ax_(ax), segments_(ax.bounds) {
    strings_.reserve(ax.values.size());
    for (std::size_t k = 0; k < ax.values.size(); ++k)
      if (ax.values[k].is_string())
        strings_.emplace(std::string_view(ax.values[k].get_string()),
                         ax.numbers + static_cast<std::uint32_t>(k));
  }
  /// The pieces [first, last) of an interval (first == last when none).
  PieceRange interval(const Interval& iv) {
    if (ax_.numbers == 0 || iv.lo == kInf || iv.hi == -kInf) return {0, 0};
    const auto [first, last] = segments_(iv);
    if (first > last) return {0, 0};
    return {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last + 1)};
  }
  /// The piece of a value the axis names.
  std::uint32_t value(const json::value& v) const {
    if (v.is_string()) return strings_.find(std::string_view(v.get_string()))->second;
    const auto it = std::lower_bound(ax_.values.begin(), ax_.values.end(), v, value_less);
    return ax_.numbers + static_cast<std::uint32_t>(it - ax_.values.begin());
  }

 private:
  const Axis& ax_;
  detail::dt::SegmentFinder segments_;
  boost::unordered_flat_map<std::string_view, std::uint32_t> strings_;
};

/// The pieces an exact cell holds, as disjoint ascending ranges.
void exact_ranges(const Axis& ax, PieceFinder& pieces, const Cell& cell,
                  std::vector<PieceRange>& out) {
  out.clear();
  for (const Atom& a : cell.atoms) {
    if (a.kind == Atom::Kind::interval) {
      const PieceRange range = pieces.interval(a.iv);
      if (range.first < range.second) out.push_back(range);
    } else {
      const std::uint32_t p = pieces.value(a.value);
      out.emplace_back(p, p + 1);
    }
  }
  std::sort(out.begin(), out.end());
  std::size_t kept = 0;
  for (const PieceRange& r : out) {
    if (kept && r.first <= out[kept - 1].second)
      out[kept - 1].second = std::max(out[kept - 1].second, r.second);
    else
      out[kept++] = r;
  }
  out.resize(kept);
  if (!cell.negated) return;
  std::vector<PieceRange> complement;
  std::uint32_t at = 0;
  for (const PieceRange& r : out) {
    if (r.first > at) complement.emplace_back(at, r.first);
    at = r.second;
  }
  if (at < ax.pieces) complement.emplace_back(at, ax.pieces);
  out = std::move(complement);
}

/// The pieces of column c and the pieces each row's cell holds; a cell the axis cannot express
/// (JsonLogic, a string comparison) holds every piece (the overlap check leaves its row out).
Axis make_axis(const DecisionTable::Impl& t, std::size_t c) {
  Axis ax;
  ax.column = c;
  ax.input = &t.inputs[c];
  const std::string& type = ax.input->type;
  const Cell& allowed = t.allowed[c];
  ax.integer = type == "integer";
  bool numbers = type == "number" || type == "integer";
  const std::size_t n = t.rows.size();
  // The values cells name, once each (a column of 10^6 cells may name 1,000 values).
  std::vector<const json::value*> named;
  boost::unordered_flat_set<std::string_view> strings;
  bool seen[3] = {false, false, false};  // null, false, true
  auto name = [&](const json::value& v) {
    const bool fresh = v.is_string() ? strings.insert(std::string_view(v.get_string())).second
                                     : !std::exchange(seen[value_rank(v)], true);
    if (fresh) named.push_back(&v);
  };
  auto collect = [&](const Cell& cell) {
    if (cell.any || !cell.exact()) return;
    for (const Atom& a : cell.atoms) {
      if (a.kind != Atom::Kind::interval) {
        name(a.value);
        continue;
      }
      numbers = true;
      if (std::isfinite(a.iv.lo)) ax.bounds.push_back(a.iv.lo);
      if (std::isfinite(a.iv.hi)) ax.bounds.push_back(a.iv.hi);
    }
  };
  for (std::size_t r = 0; r < n; ++r) collect(t.cell(r, c));
  collect(allowed);
  static const json::value booleans[] = {json::value(false), json::value(true)};
  if (type == "boolean")
    for (const json::value& b : booleans) name(b);
  // The ends of a table sorted by this column come sorted: nothing to do then.
  if (!std::is_sorted(ax.bounds.begin(), ax.bounds.end()))
    std::sort(ax.bounds.begin(), ax.bounds.end());
  ax.bounds.erase(std::unique(ax.bounds.begin(), ax.bounds.end()), ax.bounds.end());
  const auto less = [](const json::value* a, const json::value* b) { return value_less(*a, *b); };
  std::sort(named.begin(), named.end(), less);
  ax.values.reserve(named.size());
  for (const json::value* v : named) ax.values.push_back(*v);
  ax.numbers = numbers ? static_cast<std::uint32_t>(2 * ax.bounds.size() + 1) : 0;
  ax.other = allowed.any && (type == "string" || type == "any");
  ax.pieces = ax.numbers + static_cast<std::uint32_t>(ax.values.size()) + (ax.other ? 1 : 0);

  ax.domain.assign(ax.pieces + 1, 0);
  for (std::uint32_t p = 0; p < ax.pieces; ++p) {
    bool possible = true;
    if (p < ax.numbers)
      possible =
          (!ax.integer || ax.has_integer(p)) && allowed.accepts_value(json::value(ax.inside(p)));
    else if (p < ax.numbers + ax.values.size())
      possible = allowed.accepts_value(ax.values[p - ax.numbers]);
    ax.domain[p + 1] = ax.domain[p] + (possible ? 1 : 0);
  }

  ax.first_range.reserve(n + 1);
  ax.ranges.reserve(n);
  ax.full.assign(n, false);
  std::vector<PieceRange> cell_ranges;
  PieceFinder pieces(ax);
  for (std::size_t r = 0; r < n; ++r) {
    ax.first_range.push_back(static_cast<std::uint32_t>(ax.ranges.size()));
    const Cell& cell = t.cell(r, c);
    if (cell.any || !cell.exact())
      cell_ranges.assign(1, PieceRange{0, ax.pieces});
    else
      exact_ranges(ax, pieces, cell, cell_ranges);
    std::uint32_t held = 0;
    for (const PieceRange& range : cell_ranges)
      held += ax.domain[range.second] - ax.domain[range.first];
    ax.full[r] = held == ax.domain[ax.pieces];
    ax.ranges.insert(ax.ranges.end(), cell_ranges.begin(), cell_ranges.end());
  }
  ax.first_range.push_back(static_cast<std::uint32_t>(ax.ranges.size()));
  return ax;
}

/// "amount in [100000, 200000)", "amount >= 1000000", "score = 5": number segments [x, y).
std::string numbers_text(const Axis& ax, std::uint32_t x, std::uint32_t y) {
  Interval iv;
  const Interval first = ax.segment(x);
  const Interval last = ax.segment(y - 1);
  iv.lo = first.lo;
  iv.lo_open = first.lo_open;
  iv.hi = last.hi;
  iv.hi_open = last.hi_open;
  if (ax.integer) {  // as whole numbers: (4..9) is [5, 8]
    if (std::isfinite(iv.lo)) iv.lo = iv.lo_open ? std::floor(iv.lo) + 1 : std::ceil(iv.lo);
    if (std::isfinite(iv.hi)) iv.hi = iv.hi_open ? std::ceil(iv.hi) - 1 : std::floor(iv.hi);
    iv.lo_open = !std::isfinite(iv.lo);
    iv.hi_open = !std::isfinite(iv.hi);
  }
  const std::string& name = ax.input->name;
  const bool low = std::isfinite(iv.lo);
  const bool high = std::isfinite(iv.hi);
  if (!low && !high) return "any " + name;
  if (!low) return name + (iv.hi_open ? " < " : " <= ") + number_text(iv.hi);
  if (!high) return name + (iv.lo_open ? " > " : " >= ") + number_text(iv.lo);
  if (iv.lo == iv.hi) return name + " = " + number_text(iv.lo);
  return name + " in " + (iv.lo_open ? "(" : "[") + number_text(iv.lo) + ", " + number_text(iv.hi) +
         (iv.hi_open ? ")" : "]");
}

/// The values of the "other" piece: "a string other than \"key\", \"regular\"", "any value".
std::string other_text(const Axis& ax) {
  const bool strings = ax.input->type == "string";
  std::string named;
  if (ax.numbers) named = "a number";
  constexpr std::size_t kNamed = 4;
  for (std::size_t k = 0; k < ax.values.size() && k < kNamed; ++k)
    named += (named.empty() ? "" : ", ") + json::serialize(ax.values[k]);
  if (ax.values.size() > kNamed)
    named += " and " + std::to_string(ax.values.size() - kNamed) + " more";
  if (named.empty()) return strings ? "any string" : "any value";
  return (strings ? "a string other than " : "a value other than ") + named;
}

/// What pieces [x, y) of an axis are, for messages: all number segments or one other piece.
std::string pieces_text(const Axis& ax, std::uint32_t x, std::uint32_t y) {
  if (x < ax.numbers) return numbers_text(ax, x, std::min(y, ax.numbers));
  if (x < ax.numbers + ax.values.size())
    return ax.input->name + " = " + json::serialize(ax.values[x - ax.numbers]);
  return ax.input->name + " = " + other_text(ax);
}

/// A value of piece x, for the messages of overlaps ("both match amount = 5").
std::string witness_text(const Axis& ax, std::uint32_t x) {
  if (x < ax.numbers) return ax.input->name + " = " + number_text(ax.inside(x));
  return pieces_text(ax, x, x + 1);
}

class Sweep {
 public:
  enum class Mode { overlaps, gaps };

  Sweep(const DecisionTable::Impl& t, Mode mode, std::vector<std::string>& problems)
      : t_(t), mode_(mode), check_(problems) {}

  /// Checks the given rows (ascending).
  void run(const std::vector<std::uint32_t>& rows) {
    for (std::size_t c = 0; c < t_.inputs.size(); ++c) axes_.push_back(make_axis(t_, c));
    order_axes(rows);
    // A row that holds every piece from some axis on covers everything below it.
    full_from_.assign(t_.rows.size(), static_cast<std::uint32_t>(axes_.size()));
    for (std::uint32_t r : rows)
      for (std::size_t d = axes_.size(); d-- > 0 && axes_[d].full[r];)
        full_from_[r] = static_cast<std::uint32_t>(d);
    slot_.resize(axes_.size());
    events_.resize(axes_.size());
    level(0, rows);
  }

 private:
  struct Event {
    std::uint32_t piece;
    std::uint32_t row;
    bool add;
  };
  struct Fixed {  ///< an axis of the levels above, fixed to pieces [first, last)
    std::size_t depth;
    std::uint32_t first;
    std::uint32_t last;
  };

  bool spend(std::size_t work) {
    if (work > budget_) return false;
    budget_ -= work;
    return true;
  }

  /// The events of `rows` on an axis: a row's cell enters at the first piece of each of its
  /// ranges and leaves after the last.
  static void events_of(const Axis& ax, const std::vector<std::uint32_t>& rows,
                        std::vector<Event>& events) {
    events.clear();
    for (std::uint32_t r : rows)
      for (std::uint32_t k = ax.first_range[r]; k < ax.first_range[r + 1]; ++k) {
        events.push_back(Event{ax.ranges[k].first, r, true});
        events.push_back(Event{ax.ranges[k].second, r, false});
      }
  }

  /// Sorts events by piece: nothing to do when they come sorted (rows sorted by the axis), a
  /// counting sort when the axis has few pieces for the events, else std::sort.
  void sort_events(std::vector<Event>& events, std::uint32_t pieces) {
    const auto by_piece = [](const Event& a, const Event& b) { return a.piece < b.piece; };
    if (std::is_sorted(events.begin(), events.end(), by_piece)) return;
    if (pieces > 4 * events.size()) {
      std::sort(events.begin(), events.end(), by_piece);
      return;
    }
    counts_.assign(static_cast<std::size_t>(pieces) + 2, 0);  // events are at pieces 0..pieces
    for (const Event& e : events) ++counts_[e.piece + 1];
    for (std::size_t p = 1; p < counts_.size(); ++p) counts_[p] += counts_[p - 1];
    sorted_.resize(events.size());
    for (const Event& e : events) sorted_[counts_[e.piece]++] = e;
    events.swap(sorted_);
  }

  /// Sweeps the first axis first that keeps the active sets smallest (the sum over its runs).
  void order_axes(const std::vector<std::uint32_t>& rows) {
    if (axes_.size() < 2) return;
    std::vector<std::pair<std::uint64_t, std::size_t>> cost;
    std::vector<Event> events;
    for (std::size_t d = 0; d < axes_.size(); ++d) {
      events_of(axes_[d], rows, events);
      sort_events(events, axes_[d].pieces);
      std::uint64_t sum = 0;
      std::uint64_t active = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        active = events[i].add ? active + 1 : active - 1;
        if (i + 1 == events.size() || events[i + 1].piece != events[i].piece) sum += active;
      }
      cost.emplace_back(sum, d);
    }
    std::stable_sort(cost.begin(), cost.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Axis> ordered;
    for (const auto& [sum, d] : cost) ordered.push_back(std::move(axes_[d]));
    axes_ = std::move(ordered);
  }

  /// Sweeps `rows` over the axis of `depth`; false to stop the check.
  bool level(std::size_t depth, const std::vector<std::uint32_t>& rows) {
    const Axis& ax = axes_[depth];
    for (std::uint32_t r : rows)
      if (mode_ == Mode::gaps && full_from_[r] <= depth) return true;
    std::vector<Event>& events = events_[depth];
    events_of(ax, rows, events);
    if (!spend(events.size())) return false;
    sort_events(events, ax.pieces);
    std::vector<std::uint32_t>& slot = slot_[depth];
    if (slot.empty()) slot.resize(t_.rows.size());
    std::vector<std::uint32_t> active;
    std::size_t covering = 0;  // active rows that hold every piece of the axes below
    std::uint32_t at = 0;
    std::size_t i = 0;
    while (at < ax.pieces) {
      const std::uint32_t next = i < events.size() ? events[i].piece : ax.pieces;
      if (next > at && !visit(depth, at, next, active, covering)) return false;
      for (; i < events.size() && events[i].piece == next; ++i) {
        const std::uint32_t r = events[i].row;
        const bool covers = full_from_[r] <= depth + 1;
        if (events[i].add) {
          slot[r] = static_cast<std::uint32_t>(active.size());
          active.push_back(r);
          covering += covers ? 1 : 0;
        } else {
          const std::uint32_t moved = active.back();
          active[slot[r]] = moved;
          slot[moved] = slot[r];
          active.pop_back();
          covering -= covers ? 1 : 0;
        }
      }
      at = next;
    }
    return true;
  }

  /// Pieces [p, q) of the axis of `depth`, where the active rows do not change.
  bool visit(std::size_t depth, std::uint32_t p, std::uint32_t q,
             const std::vector<std::uint32_t>& active, std::size_t covering) {
    const Axis& ax = axes_[depth];
    const bool last = depth + 1 == axes_.size();
    if (!ax.any_in_domain(p, q)) return true;
    if (mode_ == Mode::gaps) {
      if (active.empty()) return report_gaps(depth, p, q);
      if (last || covering > 0) return true;
    } else {
      if (active.size() < 2) return true;
      if (!spend(active.size())) return false;
      if (!conflicting(active)) return true;
      if (last) return report_overlap(depth, p, q, active);
    }
    // One level down for the numbers of [p, q), and for each other piece on its own.
    std::uint32_t a = p;
    while (a < q) {
      const std::uint32_t b = a < ax.numbers ? std::min(q, ax.numbers) : a + 1;
      if (ax.any_in_domain(a, b)) {
        fixed_.push_back(Fixed{depth, ax.first_in_domain(a, b), ax.domain_end(a, b)});
        const bool go = spend(active.size()) && level(depth + 1, active);
        fixed_.pop_back();
        if (!go) return false;
      }
      a = b;
    }
    return true;
  }

  /// Whether active rows can conflict: any two for UNIQUE, two different outputs for ANY.
  bool conflicting(const std::vector<std::uint32_t>& active) const {
    if (t_.hit_policy != HitPolicy::any) return true;
    for (std::uint32_t r : active)
      if (!detail::dt::same_value(t_.rows[r].output, t_.rows[active[0]].output)) return true;
    return false;
  }

  /// "amount >= 1000000 with tier = \"regular\"": pieces [x, y) of the axis of `depth` and the
  /// axes fixed above, in column order (whatever order the sweep took them in).
  std::string gap_text(std::size_t depth, std::uint32_t x, std::uint32_t y) const {
    std::vector<std::pair<std::size_t, std::string>> parts;
    for (const Fixed& f : fixed_)
      parts.emplace_back(axes_[f.depth].column, pieces_text(axes_[f.depth], f.first, f.last));
    parts.emplace_back(axes_[depth].column, pieces_text(axes_[depth], x, y));
    std::sort(parts.begin(), parts.end());
    std::string s;
    for (std::size_t k = 0; k < parts.size(); ++k)
      s += (k == 0 ? "" : k == 1 ? " with " : " and ") + parts[k].second;
    return s;
  }

  bool report_gaps(std::size_t depth, std::uint32_t p, std::uint32_t q) {
    const Axis& ax = axes_[depth];
    for (std::uint32_t x = ax.first_in_domain(p, q); x < q; x = ax.first_in_domain(x, q)) {
      const std::uint32_t y =
          x < ax.numbers ? ax.domain_run_end(x, std::min(q, ax.numbers)) : x + 1;
      if (++reports_ > kMaxReports) {
        check_.fail(t_.file, t_.path + "/rules", "more inputs no row covers (not listed)");
        return false;
      }
      check_.fail(t_.file, t_.path + "/rules",
                  "no row covers " + gap_text(depth, x, y) +
                      " (an input there is refused: add a row, or give the outputs a default)");
      x = y;
      if (x == q) break;
    }
    return true;
  }

  bool report_overlap(std::size_t depth, std::uint32_t p, std::uint32_t q,
                      const std::vector<std::uint32_t>& active) {
    std::uint32_t r = *std::min_element(active.begin(), active.end());
    std::uint32_t s = static_cast<std::uint32_t>(t_.rows.size());
    for (std::uint32_t x : active) {
      const bool differs = t_.hit_policy != HitPolicy::any ||
                           !detail::dt::same_value(t_.rows[x].output, t_.rows[r].output);
      if (x != r && differs && x < s) s = x;
    }
    if (!reported_.emplace(r, s).second) return true;
    if (++reports_ > kMaxReports) {
      check_.fail(t_.file, t_.path + "/rules", "more overlapping rows (not listed)");
      return false;
    }
    std::vector<std::string> witness(t_.inputs.size());
    for (const Fixed& f : fixed_)
      witness[axes_[f.depth].column] =
          witness_text(axes_[f.depth], axes_[f.depth].first_in_domain(f.first, f.last));
    const Axis& ax = axes_[depth];
    witness[ax.column] = witness_text(ax, ax.first_in_domain(p, q));
    std::string both;
    for (std::size_t c = 0; c < witness.size(); ++c) both += (c ? ", " : "") + witness[c];
    std::string label = "row " + std::to_string(r + 1);
    if (!t_.rows[r].id.empty()) label += " \"" + t_.rows[r].id + "\"";
    check_.fail(
        t_.file, detail::JsonChecker::index(t_.path + "/rules", s),
        t_.hit_policy == HitPolicy::unique
            ? "overlaps " + label + " in a UNIQUE table: both match " + both
            : "overlaps " + label + " with a different output in an ANY table: both match " + both);
    return true;
  }

  const DecisionTable::Impl& t_;
  Mode mode_;
  detail::JsonChecker check_;
  std::vector<Axis> axes_;
  std::vector<std::uint32_t> full_from_;  ///< [row]: the first depth from which it holds all
  std::vector<std::vector<std::uint32_t>> slot_;  ///< [depth][row]: its place in the active set
  std::vector<std::vector<Event>> events_;        ///< [depth]: the sweep's events
  std::vector<Event> sorted_;                     ///< scratch of sort_events
  std::vector<std::uint32_t> counts_;             ///< scratch of sort_events
  std::vector<Fixed> fixed_;
  std::set<std::pair<std::uint32_t, std::uint32_t>> reported_;
  std::size_t budget_ = kBudget;
  std::size_t reports_ = 0;
};

}  // namespace

void DecisionTable::Impl::check_overlaps(std::vector<std::string>& problems) const {
  if (hit_policy != HitPolicy::unique && hit_policy != HitPolicy::any) return;
  const std::size_t columns = inputs.size();
  if (rows.size() < 2 || columns == 0 || cells.size() != rows.size() * columns) return;
  // Rows that did not compile, and rows with cells the sweep cannot express, are left out.
  std::vector<std::uint32_t> checked;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    bool exact = compiled[r];
    for (std::size_t c = 0; exact && c < columns; ++c) exact = cell(r, c).exact();
    if (exact) checked.push_back(static_cast<std::uint32_t>(r));
  }
  if (checked.size() < 2) return;
  Sweep(*this, Sweep::Mode::overlaps, problems).run(checked);
}

void DecisionTable::Impl::check_gaps(std::vector<std::string>& problems) const {
  if (!must_match() || inputs.empty() || cells.size() != rows.size() * inputs.size()) return;
  if (std::find(compiled.begin(), compiled.end(), false) != compiled.end()) return;
  std::vector<std::uint32_t> all(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) all[r] = static_cast<std::uint32_t>(r);
  Sweep(*this, Sweep::Mode::gaps, problems).run(all);
}

std::vector<std::string> DecisionTable::gaps() const {
  std::vector<std::string> problems;
  impl_->check_gaps(problems);
  return problems;
}

UNDERTAKE_END_NAMESPACE
