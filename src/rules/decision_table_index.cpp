// Decision tables: the column indexes that make a hit in a large table cheap.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "rules/decision_table_detail.hpp"

UNDERTAKE_BEGIN_NAMESPACE

namespace detail::dt {

std::size_t segment_of(const std::vector<double>& bounds, double x) {
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), x);
  const auto k = static_cast<std::size_t>(it - bounds.begin());
  return it != bounds.end() && *it == x ? 2 * k + 1 : 2 * k;
}

std::size_t SegmentFinder::rank(double x) noexcept {
  const std::size_t n = bounds_.size();
  if (hint_ < n && bounds_[hint_] == x) return hint_;
  if (hint_ + 1 < n && bounds_[hint_ + 1] == x) return ++hint_;
  hint_ = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), x) -
                                   bounds_.begin());
  return hint_;
}

std::pair<std::size_t, std::size_t> SegmentFinder::operator()(const Interval& iv) noexcept {
  std::size_t first = 0;
  std::size_t last = 2 * bounds_.size();
  if (iv.lo != -kInf) {
    const std::size_t k = rank(iv.lo);
    first = iv.lo_open ? 2 * k + 2 : 2 * k + 1;
  }
  if (iv.hi != kInf) {
    const std::size_t k = rank(iv.hi);
    last = iv.hi_open ? 2 * k : 2 * k + 1;
  }
  return {first, last};
}

namespace {

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
      const auto it = std::lower_bound(strings.begin(), strings.end(), key);
      if (it == strings.end() || *it != key) return {};
      const auto k = static_cast<std::size_t>(it - strings.begin());
      return RowSpan{string_rows.data() + string_start[k], string_start[k + 1] - string_start[k]};
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
using detail::dt::kInf;

namespace {

void push_once(std::vector<std::uint32_t>& rows, std::uint32_t r) {
  if (rows.empty() || rows.back() != r) rows.push_back(r);
}

using SegmentRange = std::pair<std::uint32_t, std::uint32_t>;  ///< segments [first, last]

/// Appends the segments a cell's intervals cover, as disjoint ascending ranges.
void append_segment_ranges(const Cell& cell, detail::dt::SegmentFinder& segments,
                           std::vector<SegmentRange>& out) {
  const std::size_t begin = out.size();
  for (const Atom& a : cell.atoms)
    if (a.kind == Atom::Kind::interval) {
      const auto [first, last] = segments(a.iv);
      if (first <= last)
        out.emplace_back(static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last));
    }
  if (out.size() - begin < 2) return;
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end());
  std::size_t kept = begin;
  for (std::size_t k = begin; k < out.size(); ++k) {
    if (kept > begin && out[k].first <= out[kept - 1].second + 1)
      out[kept - 1].second = std::max(out[kept - 1].second, out[k].second);
    else
      out[kept++] = out[k];
  }
  out.resize(kept);
}

/// The number part of a column's index: rows per segment, laid out flat (counted first: a table
/// of 10^6 intervals has 4 * 10^6 segments, too many for a list each).
void index_numbers(const DecisionTable::Impl& t, std::size_t c, ColumnIndex& ix) {
  const std::size_t row_count = t.rows.size();
  for (std::size_t r = 0; r < row_count; ++r) {
    const Cell& cell = t.cell(r, c);
    if (cell.any || !cell.simple()) continue;
    for (const Atom& a : cell.atoms) {
      if (a.kind != Atom::Kind::interval) continue;
      if (a.iv.lo != -kInf) ix.bounds.push_back(a.iv.lo);
      if (a.iv.hi != kInf) ix.bounds.push_back(a.iv.hi);
    }
  }
  // The ends of a table sorted by this column come sorted: nothing to do then.
  if (!std::is_sorted(ix.bounds.begin(), ix.bounds.end()))
    std::sort(ix.bounds.begin(), ix.bounds.end());
  ix.bounds.erase(std::unique(ix.bounds.begin(), ix.bounds.end()), ix.bounds.end());
  const std::size_t segments = 2 * ix.bounds.size() + 1;
  std::vector<SegmentRange> ranges;  // of row r: ranges[first[r]..first[r + 1])
  std::vector<std::uint32_t> first(row_count + 1, 0);
  detail::dt::SegmentFinder finder(ix.bounds);
  for (std::size_t r = 0; r < row_count; ++r) {
    first[r] = static_cast<std::uint32_t>(ranges.size());
    const Cell& cell = t.cell(r, c);
    if (!cell.any && cell.simple()) append_segment_ranges(cell, finder, ranges);
  }
  first[row_count] = static_cast<std::uint32_t>(ranges.size());
  std::vector<std::int64_t> starts(segments + 1, 0);  // a difference array of rows per segment
  std::size_t coverage = 0;
  for (const auto& [lo, hi] : ranges) {
    ++starts[lo];
    --starts[hi + 1];
    coverage += hi - lo + 1;
  }
  // Overlapping wide intervals would make the segment lists quadratic: then numbers are scanned.
  ix.numeric = coverage <= 16 * row_count + 1024;
  if (!ix.numeric) return;
  ix.seg_start.assign(segments + 1, 0);
  std::int64_t depth = 0;
  std::uint32_t total = 0;
  for (std::size_t s = 0; s < segments; ++s) {
    depth += starts[s];
    ix.seg_start[s] = total;
    total += static_cast<std::uint32_t>(depth);
  }
  ix.seg_start[segments] = total;
  ix.seg_rows.resize(total);
  std::vector<std::uint32_t> next(ix.seg_start.begin(), ix.seg_start.end() - 1);
  for (std::size_t r = 0; r < row_count; ++r)
    for (std::uint32_t k = first[r]; k < first[r + 1]; ++k)
      for (std::uint32_t s = ranges[k].first; s <= ranges[k].second; ++s)
        ix.seg_rows[next[s]++] = static_cast<std::uint32_t>(r);
}

/// The string part of a column's index: distinct literals sorted, their rows laid out flat.
void index_strings(const DecisionTable::Impl& t, std::size_t c, ColumnIndex& ix) {
  std::vector<std::pair<std::string_view, std::uint32_t>> entries;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const Cell& cell = t.cell(r, c);
    if (cell.any || !cell.simple()) continue;
    for (const Atom& a : cell.atoms)
      if (a.kind == Atom::Kind::equal && a.value.is_string())
        entries.emplace_back(std::string_view(a.value.get_string()), static_cast<std::uint32_t>(r));
  }
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  for (const auto& [key, row] : entries) {
    if (ix.strings.empty() || ix.strings.back() != key) {
      ix.strings.emplace_back(key);
      ix.string_start.push_back(static_cast<std::uint32_t>(ix.string_rows.size()));
    }
    ix.string_rows.push_back(row);
  }
  ix.string_start.push_back(static_cast<std::uint32_t>(ix.string_rows.size()));
}

}  // namespace

void DecisionTable::Impl::build_index() {
  const std::size_t row_count = rows.size();
  index.assign(inputs.size(), ColumnIndex{});
  if (row_count < 8) return;  // a scan is as quick
  for (std::size_t c = 0; c < inputs.size(); ++c) {
    ColumnIndex& ix = index[c];
    index_numbers(*this, c, ix);
    index_strings(*this, c, ix);
    for (std::size_t r = 0; r < row_count; ++r) {
      const auto row = static_cast<std::uint32_t>(r);
      const Cell& cell = this->cell(r, c);
      bool has_interval = false;
      for (const Atom& a : cell.atoms)
        has_interval = has_interval || a.kind == Atom::Kind::interval;
      if (cell.any || !cell.simple() || (has_interval && !ix.numeric)) {
        ix.always.push_back(row);
        continue;
      }
      for (const Atom& a : cell.atoms) {
        if (a.kind != Atom::Kind::equal || a.value.is_string()) continue;
        if (a.value.is_bool())
          push_once(a.value.get_bool() ? ix.trues : ix.falses, row);
        else
          push_once(ix.nulls, row);
      }
    }
    ix.enabled = ix.always.size() < row_count;
  }
}

UNDERTAKE_END_NAMESPACE
