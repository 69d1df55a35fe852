// Decision tables: the column indexes that make a hit in a large table cheap, and the check that
// reports overlapping rows of UNIQUE (and ANY) tables when the table loads.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "policy/json_checker.hpp"
#include "rules/decision_table_detail.hpp"

namespace undertake {

namespace detail::dt {

namespace {

/// Segment of a number: (-inf,b0) is 0, [b0] is 1, (b0,b1) is 2, ... (b_last,inf) is 2B.
std::size_t segment_of(const std::vector<double>& bounds, double x) {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), x);
  const auto k = static_cast<std::size_t>(it - bounds.begin());
  return it != bounds.end() && *it == x ? 2 * k + 1 : 2 * k;
}

/// The segments an interval covers, [first, last]; its finite ends are among the bounds.
std::pair<std::size_t, std::size_t> segments_of(const std::vector<double>& bounds,
                                                const Interval& iv) {
  std::size_t first = 0;
  std::size_t last = 2 * bounds.size();
  if (iv.lo != -kInf) {
    const auto k = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), iv.lo) -
                                            bounds.begin());
    first = iv.lo_open ? 2 * k + 2 : 2 * k + 1;
  }
  if (iv.hi != kInf) {
    const auto k = static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), iv.hi) -
                                            bounds.begin());
    last = iv.hi_open ? 2 * k : 2 * k + 1;
  }
  return {first, last};
}

void push_once(std::vector<std::uint32_t>& rows, std::uint32_t r) {
  if (rows.empty() || rows.back() != r) rows.push_back(r);
}

RowSpan span_of(const std::vector<std::uint32_t>& rows) {
  return RowSpan{rows.data(), rows.size()};
}

}  // namespace

RowSpan ColumnIndex::lookup(const json::value& v) const noexcept {
  double d = 0;
  if (number_of(v, d)) {
    if (!numeric) return {};
    const std::size_t s = segment_of(bounds, d);
    return RowSpan{seg_rows.data() + seg_start[s], seg_start[s + 1] - seg_start[s]};
  }
  switch (v.kind()) {
    case json::kind::string: {
      const std::string_view key = v.get_string();
      const auto it = std::lower_bound(
          strings.begin(), strings.end(), key,
          [](const auto& entry, std::string_view k) { return std::string_view(entry.first) < k; });
      if (it == strings.end() || it->first != key) return {};
      return span_of(it->second);
    }
    case json::kind::bool_:
      return span_of(v.get_bool() ? trues : falses);
    case json::kind::null:
      return span_of(nulls);
    default:
      return {};
  }
}

}  // namespace detail::dt

using detail::dt::Atom;
using detail::dt::Cell;
using detail::dt::ColumnIndex;
using detail::dt::Interval;
using detail::dt::kInf;

void DecisionTable::Impl::build_index() {
  const std::size_t row_count = rows.size();
  index.assign(inputs.size(), ColumnIndex{});
  if (row_count < 8) return;  // a scan is as quick
  for (std::size_t c = 0; c < inputs.size(); ++c) {
    ColumnIndex& ix = index[c];
    for (std::size_t r = 0; r < row_count; ++r) {
      const Cell& cell = cells[r][c];
      if (cell.any || !cell.simple()) continue;
      for (const Atom& a : cell.atoms) {
        if (a.kind != Atom::Kind::interval) continue;
        if (a.iv.lo != -kInf) ix.bounds.push_back(a.iv.lo);
        if (a.iv.hi != kInf) ix.bounds.push_back(a.iv.hi);
      }
    }
    std::sort(ix.bounds.begin(), ix.bounds.end());
    ix.bounds.erase(std::unique(ix.bounds.begin(), ix.bounds.end()), ix.bounds.end());
    // Overlapping wide intervals would make the segment lists quadratic: then numbers are scanned.
    std::size_t coverage = 0;
    for (std::size_t r = 0; r < row_count; ++r) {
      const Cell& cell = cells[r][c];
      if (cell.any || !cell.simple()) continue;
      for (const Atom& a : cell.atoms)
        if (a.kind == Atom::Kind::interval) {
          const auto [first, last] = detail::dt::segments_of(ix.bounds, a.iv);
          coverage += last - first + 1;
        }
    }
    ix.numeric = coverage <= 16 * row_count + 1024;
    std::vector<std::vector<std::uint32_t>> segments(ix.numeric ? 2 * ix.bounds.size() + 1 : 0);
    std::map<std::string, std::vector<std::uint32_t>, std::less<>> strings;
    for (std::size_t r = 0; r < row_count; ++r) {
      const auto row = static_cast<std::uint32_t>(r);
      const Cell& cell = cells[r][c];
      bool has_interval = false;
      for (const Atom& a : cell.atoms)
        has_interval = has_interval || a.kind == Atom::Kind::interval;
      if (cell.any || !cell.simple() || (has_interval && !ix.numeric)) {
        ix.always.push_back(row);
        continue;
      }
      for (const Atom& a : cell.atoms) {
        if (a.kind == Atom::Kind::interval) {
          const auto [first, last] = detail::dt::segments_of(ix.bounds, a.iv);
          for (std::size_t s = first; s <= last; ++s) detail::dt::push_once(segments[s], row);
        } else if (a.value.is_string()) {
          detail::dt::push_once(strings[std::string(a.value.get_string())], row);
        } else if (a.value.is_bool()) {
          detail::dt::push_once(a.value.get_bool() ? ix.trues : ix.falses, row);
        } else {
          detail::dt::push_once(ix.nulls, row);
        }
      }
    }
    ix.enabled = ix.always.size() < row_count;
    if (ix.numeric) {
      ix.seg_start.reserve(segments.size() + 1);
      ix.seg_start.push_back(0);
      for (const auto& s : segments) {
        ix.seg_rows.insert(ix.seg_rows.end(), s.begin(), s.end());
        ix.seg_start.push_back(static_cast<std::uint32_t>(ix.seg_rows.size()));
      }
    }
    ix.strings.reserve(strings.size());
    for (auto& kv : strings) ix.strings.emplace_back(kv.first, std::move(kv.second));
  }
}

namespace {

/// The common part of two intervals.
Interval meet(const Interval& a, const Interval& b) {
  Interval z;
  if (a.lo > b.lo || (a.lo == b.lo && a.lo_open)) {
    z.lo = a.lo;
    z.lo_open = a.lo_open;
  } else {
    z.lo = b.lo;
    z.lo_open = b.lo_open;
  }
  if (a.hi < b.hi || (a.hi == b.hi && a.hi_open)) {
    z.hi = a.hi;
    z.hi_open = a.hi_open;
  } else {
    z.hi = b.hi;
    z.hi_open = b.hi_open;
  }
  return z;
}

/// A number inside a non-empty interval, for messages.
double inside(const Interval& z) {
  if (z.lo != -kInf && !z.lo_open) return z.lo;
  if (z.hi != kInf && !z.hi_open) return z.hi;
  if (z.lo != -kInf && z.hi != kInf) return z.lo + (z.hi - z.lo) / 2;
  if (z.lo != -kInf) return z.lo + 1;
  if (z.hi != kInf) return z.hi - 1;
  return 0;
}

std::string witness_of(const Atom& a) {
  if (a.kind == Atom::Kind::interval) return detail::dt::number_text(inside(a.iv));
  return boost::json::serialize(a.value);
}

/// Whether two simple cells accept a common value; `witness` is one such value.
bool cells_meet(const Cell& a, const Cell& b, std::string& witness) {
  if (a.any && b.any) {
    witness = "any value";
    return true;
  }
  if (a.any || b.any) {
    const Cell& other = a.any ? b : a;
    witness = witness_of(other.atoms.front());
    return true;
  }
  for (const Atom& x : a.atoms)
    for (const Atom& y : b.atoms) {
      if (x.kind == Atom::Kind::interval && y.kind == Atom::Kind::interval) {
        const Interval z = meet(x.iv, y.iv);
        if (!z.empty()) {
          witness = detail::dt::number_text(inside(z));
          return true;
        }
      } else if (x.kind == Atom::Kind::equal && y.kind == Atom::Kind::equal &&
                 x.value.kind() == y.value.kind() && x.value == y.value) {
        witness = boost::json::serialize(x.value);
        return true;
      }
    }
  return false;
}

/// The hull of a cell made only of intervals (or any).
bool hull_of(const Cell& cell, Interval& hull) {
  if (cell.any) {
    hull = Interval{};
    return true;
  }
  if (!cell.simple() || cell.atoms.empty()) return false;
  bool first = true;
  for (const Atom& a : cell.atoms) {
    if (a.kind != Atom::Kind::interval) return false;
    if (first) {
      hull = a.iv;
      first = false;
      continue;
    }
    if (a.iv.lo < hull.lo || (a.iv.lo == hull.lo && !a.iv.lo_open)) {
      hull.lo = a.iv.lo;
      hull.lo_open = a.iv.lo_open;
    }
    if (a.iv.hi > hull.hi || (a.iv.hi == hull.hi && !a.iv.hi_open)) {
      hull.hi = a.iv.hi;
      hull.hi_open = a.iv.hi_open;
    }
  }
  return true;
}

}  // namespace

void DecisionTable::Impl::check_overlaps(std::string_view file, std::string_view path,
                                         std::vector<std::string>& problems) const {
  if (hit_policy != HitPolicy::unique && hit_policy != HitPolicy::any) return;
  const std::size_t n = rows.size();
  const std::size_t columns = inputs.size();
  if (n < 2 || columns == 0) return;
  if (cells.size() != n || compiled.size() != n) return;
  std::vector<bool> simple(n, true);
  for (std::size_t r = 0; r < n; ++r) {
    simple[r] = compiled[r];
    for (std::size_t c = 0; c < columns; ++c) simple[r] = simple[r] && cells[r][c].simple();
  }

  constexpr std::size_t kMaxReports = 10;
  std::size_t reports = 0;
  std::size_t budget = 4'000'000;  // pair checks; beyond that the check gives up quietly
  detail::JsonChecker check(problems);
  // Checks rows r < s; false when the budget or the report limit is spent.
  auto pair = [&](std::size_t r, std::size_t s) {
    if (r > s) std::swap(r, s);
    if (budget == 0 || reports > kMaxReports) return false;
    --budget;
    if (!simple[r] || !simple[s]) return true;
    std::string both;
    for (std::size_t c = 0; c < columns; ++c) {
      std::string witness;
      if (!cells_meet(cells[r][c], cells[s][c], witness)) return true;
      both += (c ? ", " : "") + inputs[c].name + " = " + witness;
    }
    if (hit_policy == HitPolicy::any && detail::dt::same_value(rows[r].output, rows[s].output))
      return true;
    ++reports;
    const std::string where = detail::JsonChecker::index(std::string(path) + "/rules", s);
    if (reports > kMaxReports) {
      check.fail(file, std::string(path) + "/rules", "more overlapping rows (not listed)");
      return false;
    }
    std::string label = "row " + std::to_string(r + 1);
    if (!rows[r].id.empty()) label += " \"" + rows[r].id + "\"";
    check.fail(
        file, where,
        hit_policy == HitPolicy::unique
            ? "overlaps " + label + " in a UNIQUE table: both match " + both
            : "overlaps " + label + " with a different output in an ANY table: both match " + both);
    return true;
  };

  // 1. A column of intervals: sweep the rows in the order of their low ends.
  std::size_t sweep_column = columns;
  std::size_t fewest_any = n + 1;
  std::vector<Interval> hulls(n);
  for (std::size_t c = 0; c < columns; ++c) {
    std::size_t any = 0;
    bool ok = true;
    Interval h;
    for (std::size_t r = 0; ok && r < n; ++r) {
      if (!simple[r]) continue;  // left out of the check
      ok = hull_of(cells[r][c], h);
      any += cells[r][c].any ? 1 : 0;
    }
    if (ok && any < fewest_any) {
      sweep_column = c;
      fewest_any = any;
    }
  }
  if (sweep_column < columns) {
    std::vector<std::size_t> order;
    for (std::size_t r = 0; r < n; ++r)
      if (simple[r]) {
        hull_of(cells[r][sweep_column], hulls[r]);
        order.push_back(r);
      }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Interval& x = hulls[a];
      const Interval& y = hulls[b];
      return x.lo < y.lo || (x.lo == y.lo && !x.lo_open && y.lo_open);
    });
    std::vector<std::size_t> active;
    for (std::size_t s : order) {
      const Interval& h = hulls[s];
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [&](std::size_t r) { return meet(hulls[r], h).empty(); }),
                   active.end());
      for (std::size_t r : active)
        if (!pair(r, s)) return;
      active.push_back(s);
    }
    return;
  }
  // 2. A column of values: only rows sharing a value can overlap.
  for (std::size_t c = 0; c < columns; ++c) {
    bool ok = true;
    for (std::size_t r = 0; ok && r < n; ++r) {
      if (!simple[r]) continue;
      const Cell& cell = cells[r][c];
      ok = !cell.any && cell.simple();
      for (const Atom& a : cell.atoms) ok = ok && (a.kind == Atom::Kind::equal || a.iv.point());
    }
    if (!ok) continue;
    std::map<std::string, std::vector<std::size_t>> buckets;
    for (std::size_t r = 0; r < n; ++r)
      for (const Atom& a : simple[r] ? cells[r][c].atoms : std::vector<Atom>{})
        buckets[a.kind == Atom::Kind::equal ? "j" + boost::json::serialize(a.value)
                                            : "n" + detail::dt::number_text(a.iv.lo)]
            .push_back(r);
    std::set<std::pair<std::size_t, std::size_t>> seen;
    for (const auto& kv : buckets)
      for (std::size_t i = 0; i < kv.second.size(); ++i)
        for (std::size_t j = i + 1; j < kv.second.size(); ++j)
          if (kv.second[i] != kv.second[j] && seen.emplace(kv.second[i], kv.second[j]).second &&
              !pair(kv.second[i], kv.second[j]))
            return;
    return;
  }
  // 3. Otherwise every pair, within the budget.
  for (std::size_t s = 1; s < n; ++s)
    for (std::size_t r = 0; r < s; ++r)
      if (!pair(r, s)) return;
}

}  // namespace undertake
