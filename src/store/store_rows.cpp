#include "store/store_rows.hpp"

#include <boost/json.hpp>

#include "undertake/json_text.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::rows {

json::value parse_json(std::string_view text, const std::string& where, const InputLimits& limits) {
  try {
    return undertake::parse_json(text, limits, where, ErrorKind::invalid_snapshot);
  } catch (const Error& e) {
    // Beyond the limits the row cannot be read with them: the case is unreadable to this store.
    if (e.kind() != ErrorKind::limit_exceeded) throw;
    throw Error(ErrorKind::invalid_snapshot, e.where(), e.why());
  }
}

json::value parse_head(std::string_view text, const std::string& where, const InputLimits& limits) {
  json::value head = parse_json(text, where, limits);
  if (!head.is_object())
    throw Error(ErrorKind::invalid_snapshot, where, "the stored snapshot is not an object");
  return head;
}

std::string state_text(const std::vector<std::string>& state) {
  json::array a;
  for (const auto& s : state) a.emplace_back(s);
  return json::serialize(a);
}

std::vector<std::string> state_from_text(std::string_view text, const std::string& where,
                                         const InputLimits& limits) {
  std::vector<std::string> out;
  const json::value state = parse_json(text, where, limits);
  if (state.is_array())
    for (const auto& p : state.get_array())
      if (p.is_string()) out.emplace_back(p.get_string());
  return out;
}

void require_not_behind(const Case& c, std::uint64_t expected_revision) {
  if (c.revision() < expected_revision)
    throw Error(ErrorKind::invalid_argument, "case " + c.id(),
                "the case is at revision " + std::to_string(c.revision()) +
                    ", before the expected revision " + std::to_string(expected_revision));
}

Error not_stored(std::string_view case_id) {
  return Error(ErrorKind::not_found, "case " + std::string(case_id), "no such case in the store");
}

Error stale_revision(std::string_view case_id, std::uint64_t stored, std::uint64_t expected) {
  return Error(ErrorKind::conflict, "case " + std::string(case_id),
               "stale revision: the store holds revision " + std::to_string(stored) +
                   ", this case was loaded at revision " + std::to_string(expected) +
                   " (someone saved it in between; reload it and try again)");
}

Error already_stored(std::string_view case_id) {
  return Error(ErrorKind::conflict, "case " + std::string(case_id),
               "a case with this id is already stored");
}

namespace {

EntryRow row_of(const LedgerEntry& e) {
  return EntryRow{e.seq, millis(e.at), e.kind == EntryKind::escalation ? "escalation" : "event",
                  event_name(e.event), json::serialize(to_json(e))};
}

}  // namespace

std::vector<EntryRow> entries_after(const Case& c, std::uint64_t from) {
  const auto& entries = c.ledger();
  if (c.revision() > from && (entries.empty() || entries.front().seq > from + 1))
    throw Error(ErrorKind::invalid_argument, "case " + c.id(),
                "it does not hold the entries after revision " + std::to_string(from));
  std::vector<EntryRow> out;
  for (const LedgerEntry& e : entries)
    if (e.seq > from) out.push_back(row_of(e));
  return out;
}

std::vector<EntryRow> rehashed_rows(const Case& c, std::uint64_t up_to) {
  std::vector<EntryRow> out;
  if (!c.ledger_complete()) return out;
  for (const LedgerEntry& e : c.ledger()) {
    if (e.seq > up_to) break;
    out.push_back(row_of(e));
  }
  return out;
}

std::vector<WorklistRow> worklist_rows(const Case& c) {
  std::vector<WorklistRow> out;
  for (const WorkItem& item : work_items(c))
    for (const std::string& role : item.roles)
      out.push_back(WorklistRow{role, item.event, item.gated});
  return out;
}

std::vector<WorkItem> work_items_of(const std::vector<WorklistRow>& sorted_rows) {
  std::vector<WorkItem> items;
  for (const WorklistRow& r : sorted_rows) {
    if (items.empty() || items.back().event != r.event)
      items.push_back(WorkItem{r.event, r.gated, {}});
    items.back().roles.push_back(r.role);
  }
  return items;
}

bool same_time(const std::optional<std::int64_t>& ms, const std::optional<Timestamp>& t) {
  return ms.has_value() == t.has_value() && (!t || *ms == millis(*t));
}

bool worklist_changes(const StoredCase& stored, const CaseSummary& now) {
  return !stored.worklist_current || stored.state != state_text(now.state) ||
         stored.customer != now.customer || !same_time(stored.due_ms, now.due);
}

CaseLedger ledger_of(
    std::string case_id, const json::value& head, const std::string& where,
    const InputLimits& limits,
    const std::function<void(const std::function<void(std::int64_t, std::string_view)>&)>&
        each_entry) {
  CaseLedger l;
  l.case_id = std::move(case_id);
  if (const json::value* p = head.get_object().if_contains("policy"); p && p->is_object())
    if (const json::value* v = p->get_object().if_contains("version"); v && v->is_string())
      l.policy_version = std::string(v->get_string());
  if (const json::value* d = head.get_object().if_contains("data"); d && d->is_object())
    l.data = d->get_object();
  each_entry([&](std::int64_t seq, std::string_view text) {
    const std::string at = where + ": case " + l.case_id + " seq " + std::to_string(seq);
    l.entries.push_back(ledger_entry_from_json(parse_json(text, at, limits), at));
  });
  return l;
}

Change change_of(std::uint64_t position, std::string case_id, std::string_view entry,
                 const std::string& where, const InputLimits& limits) {
  Change ch;
  ch.position = position;
  ch.case_id = std::move(case_id);
  const std::string at = where + ": change " + std::to_string(position);
  ch.entry = ledger_entry_from_json(parse_json(entry, at, limits), at);
  return ch;
}

}  // namespace detail::rows
UNDERTAKE_END_NAMESPACE
