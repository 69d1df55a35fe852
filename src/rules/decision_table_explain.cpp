// Decision tables: explaining an answer (the inputs, the rows that matched, the output) and the
// log of the tables a JsonLogic rule consulted, which a gate's trace shows.
#include <boost/json.hpp>

#include <string>

#include "rules/decision_table_detail.hpp"
#include "undertake/decision_table.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

namespace detail {

namespace {
thread_local DecisionLog* tls_decision_log = nullptr;
}  // namespace

DecisionLog* current_decision_log() noexcept {
  return tls_decision_log;
}

DecisionLogScope::DecisionLogScope(DecisionLog* log) noexcept : saved_(tls_decision_log) {
  tls_decision_log = log;
}
DecisionLogScope::~DecisionLogScope() {
  tls_decision_log = saved_;
}

}  // namespace detail

json::object DecisionTable::input_object(const json::value& inputs) const {
  const Impl& t = *impl_;
  json::object o;
  for (std::size_t i = 0; i < t.inputs.size(); ++i) {
    const json::value* v = nullptr;
    if (inputs.is_object())
      v = inputs.get_object().if_contains(t.inputs[i].name);
    else if (inputs.is_array())
      v = inputs.get_array().if_contains(i);
    else if (t.inputs.size() == 1)
      v = &inputs;
    o[t.inputs[i].name] = v ? *v : json::value();
  }
  return o;
}

json::value DecisionTable::explain(const json::object& inputs, const TableResult& result) const {
  const Impl& t = *impl_;
  json::object o;
  o["table"] = t.name;
  o["hit_policy"] = hit_policy_name(t.hit_policy);
  if (t.aggregation != Aggregation::none) o["aggregation"] = aggregation_name(t.aggregation);
  o["inputs"] = inputs;
  constexpr std::size_t kShown = 20;
  json::array matched;
  for (std::size_t k = 0; k < result.rows.size() && k < kShown; ++k) {
    const std::size_t r = result.rows[k];
    const Row& row = t.rows[r];
    json::object m;
    m["row"] = r + 1;
    if (!row.id.empty()) m["id"] = row.id;
    if (!row.description.empty()) m["description"] = row.description;
    json::object when;
    for (std::size_t c = 0; c < t.inputs.size(); ++c) when[t.inputs[c].name] = row.when[c];
    m["when"] = std::move(when);
    m["output"] = row.output;
    matched.push_back(std::move(m));
  }
  o["matched"] = std::move(matched);
  if (result.rows.size() > kShown) o["matched_count"] = result.rows.size();
  o["output"] = result.output;
  return o;
}

UNDERTAKE_END_NAMESPACE
