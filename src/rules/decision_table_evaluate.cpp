// Decision tables: evaluating a table for one set of inputs: the inputs checked against the
// columns, the candidate rows found through the column indexes, their cells tested, and the hit
// policy (UNIQUE, FIRST, PRIORITY, ANY, COLLECT with its aggregation, RULE ORDER) applied.
#include <boost/json.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "rules/decision_table_detail.hpp"
#include "undertake/decision_table.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

namespace {

using namespace detail::dt;  // the compiled form of a table (decision_table_detail.hpp)

/// A number as JSON: whole numbers as integers (Boost.JSON writes 3.0 as 3E0).
json::value number_value(double d) {
  if (d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  return d;
}

/// Evaluates the cells of rows against one set of inputs.
class Matcher {
 public:
  Matcher(const DecisionTable::Impl& t, const json::value* const* values,
          const jsonlogic::Limits& limits)
      : t_(t), values_(values), limits_(limits) {}

  bool row(std::size_t r) {
    const std::size_t columns = t_.inputs.size();
    const Cell* cells = &t_.cells[r * columns];
    for (std::size_t c = 0; c < columns; ++c)
      if (!cell(cells[c], c)) return false;
    return true;
  }

 private:
  bool cell(const Cell& cell, std::size_t c) {
    if (cell.any) return true;
    const json::value& v = *values_[c];
    bool hit = false;
    for (const Atom& a : cell.atoms) {
      hit = a.kind == Atom::Kind::logic ? a.rule->test(logic_data(c), limits_)
                                        : detail::dt::atom_accepts(a, v);
      if (hit) break;
    }
    return cell.negated ? !hit : hit;
  }

  /// {"?": this column's input, <input name>: value, ...} for JsonLogic cells.
  const json::value& logic_data(std::size_t c) {
    if (data_.is_null()) {
      json::object o;
      for (std::size_t i = 0; i < t_.inputs.size(); ++i) o[t_.inputs[i].name] = *values_[i];
      data_ = std::move(o);
    }
    data_.as_object()["?"] = *values_[c];
    return data_;
  }

  const DecisionTable::Impl& t_;
  const json::value* const* values_;
  const jsonlogic::Limits& limits_;
  json::value data_;
};

std::string inputs_text(const DecisionTable::Impl& t, const json::value* const* values) {
  std::string s;
  for (std::size_t i = 0; i < t.inputs.size(); ++i)
    s += (i ? ", " : "") + t.inputs[i].name + " = " + value_text(*values[i]);
  return s;
}

[[noreturn]] void throw_count(const DecisionTable::Impl& t, std::size_t got) {
  const std::size_t n = t.inputs.size();
  std::string names;
  for (std::size_t i = 0; i < n; ++i) names += (i ? ", " : "") + t.inputs[i].name;
  throw Error(ErrorKind::rule_failed, t.where,
              "table \"" + t.name + "\" takes " + std::to_string(n) + " input" +
                  (n == 1 ? "" : "s") + " (" + names + "), got " + std::to_string(got));
}

void check_inputs(const DecisionTable::Impl& t, const json::value* const* values) {
  for (std::size_t i = 0; i < t.inputs.size(); ++i) {
    const auto& in = t.inputs[i];
    if (!has_type(*values[i], in.type))
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\": input \"" + in.name + "\" must be " +
                      (in.type == "integer" ? "an " : "a ") + in.type + ", got " +
                      value_text(*values[i]));
    if (!t.allowed[i].accepts_value(*values[i]))
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\": input \"" + in.name +
                      "\" = " + value_text(*values[i]) + " is not among its values " +
                      (in.values.is_string() ? std::string(in.values.get_string())
                                             : json::serialize(in.values)));
  }
}

/// No row matched an input of a table that must match: the rule reading the table fails (closed).
[[noreturn]] void throw_no_match(const DecisionTable::Impl& t, const json::value* const* values) {
  const bool collects = t.hit_policy == HitPolicy::collect;
  throw Error(ErrorKind::rule_failed, t.where,
              "table \"" + t.name + "\": no row matched " + inputs_text(t, values) + " (" +
                  (collects ? std::string("COLLECT ") + aggregation_name(t.aggregation) +
                                  " of no rows, and the output has no default)"
                            : std::string("hit policy ") + hit_policy_name(t.hit_policy) +
                                  ", and the outputs have no default)"));
}

/// Calls `f(row)` for every row that may match, in row order, until it returns false.
template <class F>
void for_candidates(const DecisionTable::Impl& t, const json::value* const* values, F&& f) {
  const detail::dt::ColumnIndex* best = nullptr;
  detail::dt::RowSpan best_span;
  std::size_t best_cost = t.rows.size();
  for (std::size_t c = 0; c < t.index.size(); ++c) {
    const auto& index = t.index[c];
    if (!index.enabled) continue;
    const detail::dt::RowSpan span = index.lookup(*values[c]);
    const std::size_t cost = span.size + index.always.size();
    if (cost < best_cost || (!best && cost == best_cost)) {
      best = &index;
      best_span = span;
      best_cost = cost;
    }
  }
  if (!best) {
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      if (!f(r)) return;
    return;
  }
  // Merge the index's rows and the rows it cannot rule out, both ascending and disjoint.
  const std::uint32_t* a = best_span.data;
  const std::uint32_t* a_end = a + best_span.size;
  const std::uint32_t* b = best->always.data();
  const std::uint32_t* b_end = b + best->always.size();
  while (a != a_end || b != b_end) {
    std::uint32_t r;
    if (b == b_end || (a != a_end && *a < *b))
      r = *a++;
    else
      r = *b++;
    if (!f(r)) return;
  }
}

/// The rows that match, in row order: a FIRST table stops at the first, a UNIQUE one at the
/// second (an error). No row for a table that must match is an error.
void match_rows(const DecisionTable::Impl& t, const json::value* const* values,
                const jsonlogic::Limits& limits, TableResult& result) {
  Matcher matcher(t, values, limits);
  const bool single = t.hit_policy == HitPolicy::first || t.hit_policy == HitPolicy::unique;
  for_candidates(t, values, [&](std::size_t r) {
    if (!matcher.row(r)) return true;
    result.rows.push_back(r);
    if (t.hit_policy == HitPolicy::first) return false;
    return !(single && result.rows.size() == 2);
  });
  if (result.rows.empty() && t.must_match()) throw_no_match(t, values);
}

/// UNIQUE: one row at most (two are an error); ANY: rows that agree on the output, one kept.
void check_single_hit(const DecisionTable::Impl& t, const json::value* const* values,
                      TableResult& result) {
  const auto& rows = result.rows;
  if (t.hit_policy == HitPolicy::unique && rows.size() > 1)
    throw Error(ErrorKind::rule_failed, t.where,
                "table \"" + t.name + "\" has hit policy UNIQUE but " + t.row_label(rows[0]) +
                    " and " + t.row_label(rows[1]) + " both match " + inputs_text(t, values));
  if (t.hit_policy != HitPolicy::any) return;
  for (std::size_t k = 1; k < rows.size(); ++k)
    if (!same_value(t.rows[rows[0]].output, t.rows[rows[k]].output))
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\" has hit policy ANY but " + t.row_label(rows[0]) +
                      " and " + t.row_label(rows[k]) + " both match with different outputs (" +
                      value_text(t.rows[rows[0]].output) + " and " +
                      value_text(t.rows[rows[k]].output) + ") for " + inputs_text(t, values));
  if (rows.size() > 1) result.rows.resize(1);
}

/// PRIORITY: the matching row whose outputs come first in the outputs' `values`.
void choose_by_priority(const DecisionTable::Impl& t, TableResult& result) {
  if (result.rows.empty()) {
    result.output = t.no_hit;
    return;
  }
  std::size_t chosen = result.rows[0];
  for (std::size_t r : result.rows)
    if (t.priority[r] < t.priority[chosen]) chosen = r;
  result.rows.assign(1, chosen);
  result.output = t.rows[chosen].output;
}

/// The first output of row r as a number (finish() checked it is one when the table aggregates).
double row_number(const DecisionTable::Impl& t, std::size_t r) {
  double d = 0;
  number_of(t.rows[r].then[0], d);
  return d;
}

/// COLLECT and RULE ORDER: the outputs of every matching row, or their aggregation.
void collect(const DecisionTable::Impl& t, TableResult& result) {
  switch (t.aggregation) {
    case Aggregation::none: {
      json::array list;
      list.reserve(result.rows.size());
      for (std::size_t r : result.rows) list.push_back(t.rows[r].output);
      result.output = std::move(list);
      return;
    }
    case Aggregation::count:
      result.output = static_cast<std::int64_t>(result.rows.size());
      return;
    case Aggregation::sum: {
      double sum = 0;
      for (std::size_t r : result.rows) sum += row_number(t, r);
      result.output = number_value(sum);
      return;
    }
    case Aggregation::min:
    case Aggregation::max: {
      if (result.rows.empty()) {
        result.output = t.no_hit;  // the default (must_match() without one)
        return;
      }
      const bool want_min = t.aggregation == Aggregation::min;
      std::size_t best = result.rows[0];
      double best_value = row_number(t, best);
      for (std::size_t r : result.rows) {
        const double d = row_number(t, r);
        if (want_min ? d < best_value : d > best_value) {
          best = r;
          best_value = d;
        }
      }
      result.output = t.rows[best].then[0];
      return;
    }
  }
}

/// Pointers to the input values of one evaluation: inline for the few columns tables usually
/// have (no allocation per evaluation), on the heap beyond.
class InputPointers {
 public:
  explicit InputPointers(std::size_t n) {
    if (n > kInline) {
      heap_.resize(n);
      data_ = heap_.data();
    }
  }
  InputPointers(const InputPointers&) = delete;
  InputPointers& operator=(const InputPointers&) = delete;
  const json::value** data() noexcept { return data_; }

 private:
  static constexpr std::size_t kInline = 8;
  const json::value* inline_[kInline];
  std::vector<const json::value*> heap_;
  const json::value** data_ = inline_;
};

TableResult run(const DecisionTable::Impl& t, const json::value* const* values,
                const jsonlogic::Limits& limits) {
  check_inputs(t, values);
  TableResult result;
  match_rows(t, values, limits, result);
  switch (t.hit_policy) {
    case HitPolicy::unique:
    case HitPolicy::first:
    case HitPolicy::any:
      check_single_hit(t, values, result);
      result.output = result.rows.empty() ? t.no_hit : t.rows[result.rows[0]].output;
      break;
    case HitPolicy::priority:
      choose_by_priority(t, result);
      break;
    case HitPolicy::collect:
    case HitPolicy::rule_order:
      collect(t, result);
      break;
  }
  return result;
}

}  // namespace

bool DecisionTable::Impl::must_match() const noexcept {
  if (has_default) return false;
  switch (hit_policy) {
    case HitPolicy::collect:
      return aggregation == Aggregation::min || aggregation == Aggregation::max;
    case HitPolicy::rule_order:
      return false;
    default:
      return true;
  }
}

TableResult DecisionTable::evaluate(const json::value& inputs,
                                    const jsonlogic::Limits& limits) const {
  static const json::value null_value;
  const Impl& t = *impl_;
  const std::size_t n = t.inputs.size();
  InputPointers pointers(n);
  const json::value** values = pointers.data();
  if (inputs.is_object()) {
    const auto& o = inputs.get_object();
    for (std::size_t i = 0; i < n; ++i) {
      const json::value* v = o.if_contains(t.inputs[i].name);
      values[i] = v ? v : &null_value;
    }
  } else if (inputs.is_array()) {
    const auto& a = inputs.get_array();
    if (a.size() != n) throw_count(t, a.size());
    for (std::size_t i = 0; i < n; ++i) values[i] = &a[i];
  } else {
    if (n != 1)
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\" takes " + std::to_string(n) +
                      " inputs: give an object {name: value} or an array");
    values[0] = &inputs;
  }
  return run(t, values, limits);
}

TableResult DecisionTable::evaluate_values(const json::value* values, std::size_t count,
                                           const jsonlogic::Limits& limits) const {
  const Impl& t = *impl_;
  if (count != t.inputs.size()) throw_count(t, count);
  InputPointers pointers(count);
  for (std::size_t i = 0; i < count; ++i) pointers.data()[i] = &values[i];
  return run(t, pointers.data(), limits);
}

UNDERTAKE_END_NAMESPACE
