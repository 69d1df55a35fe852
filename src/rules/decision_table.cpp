// Decision tables: the table object (its names, columns, rows and row lookup). Loading is in
// decision_table_load.cpp, evaluation in decision_table_evaluate.cpp, explanations and the
// decision log in decision_table_explain.cpp, unary-test cells in decision_table_cells.cpp.
#include "undertake/decision_table.hpp"

#include <string>
#include <string_view>

#include "rules/decision_table_detail.hpp"

UNDERTAKE_BEGIN_NAMESPACE

const char* hit_policy_name(HitPolicy p) noexcept {
  switch (p) {
    case HitPolicy::unique:
      return "UNIQUE";
    case HitPolicy::first:
      return "FIRST";
    case HitPolicy::priority:
      return "PRIORITY";
    case HitPolicy::any:
      return "ANY";
    case HitPolicy::collect:
      return "COLLECT";
    case HitPolicy::rule_order:
      return "RULE ORDER";
  }
  return "UNIQUE";
}

const char* aggregation_name(Aggregation a) noexcept {
  switch (a) {
    case Aggregation::none:
      return "";
    case Aggregation::sum:
      return "sum";
    case Aggregation::min:
      return "min";
    case Aggregation::max:
      return "max";
    case Aggregation::count:
      return "count";
  }
  return "";
}

DecisionTable::DecisionTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DecisionTable::~DecisionTable() = default;

const std::string& DecisionTable::name() const noexcept {
  return impl_->name;
}
const std::string& DecisionTable::description() const noexcept {
  return impl_->description;
}
const std::string& DecisionTable::where() const noexcept {
  return impl_->where;
}
HitPolicy DecisionTable::hit_policy() const noexcept {
  return impl_->hit_policy;
}
Aggregation DecisionTable::aggregation() const noexcept {
  return impl_->aggregation;
}
const std::vector<DecisionTable::Input>& DecisionTable::inputs() const noexcept {
  return impl_->inputs;
}
const std::vector<DecisionTable::Output>& DecisionTable::outputs() const noexcept {
  return impl_->outputs;
}
const std::vector<DecisionTable::Row>& DecisionTable::rows() const noexcept {
  return impl_->rows;
}

std::string DecisionTable::Impl::row_label(std::size_t row) const {
  std::string s = "row " + std::to_string(row + 1);
  if (row < rows.size() && !rows[row].id.empty()) s += " \"" + rows[row].id + "\"";
  return s;
}

std::string DecisionTable::row_label(std::size_t row) const {
  return impl_->row_label(row);
}

std::size_t DecisionTable::find_row(std::string_view id_or_number) const noexcept {
  const auto& rows = impl_->rows;
  for (std::size_t r = 0; r < rows.size(); ++r)
    if (rows[r].id == id_or_number) return r;
  std::size_t n = 0;
  if (id_or_number.empty()) return npos;
  for (char c : id_or_number) {
    if (c < '0' || c > '9' || n > rows.size()) return npos;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n >= 1 && n <= rows.size() ? n - 1 : npos;
}

UNDERTAKE_END_NAMESPACE
