// The cases a report reads: case ledgers and snapshots holding their ledger (engine.hpp,
// report_ledgers_from_json).
#include <boost/json.hpp>

#include "undertake/engine.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

// A snapshot holding its ledger, rewritten in place as the JSON form of its CaseLedger.
void snapshot_as_ledger(json::value& item) {
  json::object* o = item.if_object();
  if (!o) return;
  const json::value* format = o->if_contains("format");
  if (!format || *format != "undertake.snapshot") return;
  json::object ledger;
  if (json::value* id = o->if_contains("case_id")) ledger["case_id"] = std::move(*id);
  if (const json::value* p = o->if_contains("policy"))
    if (const json::value* version =
            p->is_object() ? p->get_object().if_contains("version") : nullptr)
      ledger["policy_version"] = *version;
  if (json::value* data = o->if_contains("data")) ledger["data"] = std::move(*data);
  if (json::value* entries = o->if_contains("ledger")) ledger["ledger"] = std::move(*entries);
  item = std::move(ledger);
}

}  // namespace

std::vector<CaseLedger> report_ledgers_from_json(json::value doc, std::string_view where) {
  json::array* list = doc.if_array();
  if (!list)
    if (json::object* o = doc.if_object())
      if (json::value* cases = o->if_contains("cases")) list = cases->if_array();
  if (list) {
    for (json::value& item : *list) snapshot_as_ledger(item);
  } else {
    snapshot_as_ledger(doc);
  }
  return case_ledgers_from_json(doc, where);
}

UNDERTAKE_END_NAMESPACE
