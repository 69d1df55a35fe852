// The store-independent parts of store.hpp: summaries, filters, and the helpers every host uses
// (load, fire and save, ledgers for KPIs).
#include "undertake/store.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "undertake/engine.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

namespace undertake {
namespace {

json::value optional_time(const std::optional<Timestamp>& t) {
  return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

}  // namespace

CaseSummary CaseSummary::of(const Case& c) {
  CaseSummary s;
  s.case_id = c.id();
  s.policy_version = c.policy_version();
  s.revision = c.revision();
  s.stage = c.stage();
  s.state = c.state();
  s.terminated = s.stage == "Closed" || s.stage == "Rejected" || s.stage == "Cancelled";
  if (const json::value* data = c.record().if_contains("data"); data && data->is_object())
    if (const json::value* customer = data->get_object().if_contains("customer");
        customer && customer->is_object())
      if (const json::value* name = customer->get_object().if_contains("name");
          name && name->is_string())
        s.customer = std::string(name->get_string());
  if (!c.ledger().empty()) s.updated = c.ledger().back().at;
  for (const auto& d : c.deadlines()) {
    std::optional<Timestamp> t = d.warn_from ? d.warn_from : d.due;
    if (d.next_escalation && (!t || *d.next_escalation < *t)) t = d.next_escalation;
    if (t && (!s.attention || *t < *s.attention)) s.attention = t;
  }
  return s;
}

json::value CaseSummary::to_json() const {
  json::array st;
  for (const auto& p : state) st.emplace_back(p);
  return json::object{{"case_id", case_id},
                      {"policy_version", policy_version},
                      {"revision", revision},
                      {"stage", stage},
                      {"state", std::move(st)},
                      {"terminated", terminated},
                      {"customer", customer},
                      {"updated", optional_time(updated)},
                      {"attention", optional_time(attention)}};
}

bool CaseFilter::matches(const CaseSummary& s) const noexcept {
  if (stage && s.stage != *stage) return false;
  if (open_only && s.terminated) return false;
  if (attention_by && (!s.attention || *s.attention > *attention_by)) return false;
  if (updated_since && (!s.updated || *s.updated < *updated_since)) return false;
  return true;
}

CaseStore::~CaseStore() = default;

void CaseStore::for_each_ledger(const CaseFilter& filter,
                                const std::function<void(CaseLedger&&)>& fn) const {
  for (const auto& s : list(filter))
    if (auto l = ledger(s.case_id)) fn(std::move(*l));
}

Case load_case(const CaseStore& store, const Engine& engine, std::string_view case_id) {
  auto snap = store.snapshot(case_id);
  if (!snap)
    throw Error(ErrorKind::not_found, "case " + std::string(case_id), "no such case in the store");
  return engine.restore(std::move(*snap));
}

Outcome fire_stored(CaseStore& store, const Engine& engine, std::string_view case_id,
                    std::string_view event, const Actor& actor, json::object payload,
                    Timestamp at) {
  Case c = load_case(store, engine, case_id);
  const std::uint64_t loaded = c.revision();
  Outcome o = c.fire(event, actor, std::move(payload), at);
  if (o.accepted) store.save(c, loaded);
  return o;
}

std::vector<CaseLedger> load_ledgers(const CaseStore& store, const CaseFilter& filter) {
  std::vector<CaseLedger> out;
  store.for_each_ledger(filter, [&](CaseLedger&& l) { out.push_back(std::move(l)); });
  return out;
}

json::value StoreTickReport::to_json() const {
  json::array list;
  for (const auto& c : cases) list.push_back(c.to_json());
  json::array failed;
  for (const auto& [id, why] : failures)
    failed.push_back(json::object{{"case_id", id}, {"error", why}});
  return json::object{{"now", format_iso8601(now)},
                      {"cases_checked", cases_checked},
                      {"escalated", escalated},
                      {"cases", std::move(list)},
                      {"failures", std::move(failed)}};
}

}  // namespace undertake
