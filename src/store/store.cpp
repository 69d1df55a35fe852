// The store-independent parts of store.hpp: summaries, filters, worklist and change-feed values,
// the defaults of CaseStore, and what every host does with a store (load, fire and save with
// retries and request ids, ledgers for KPIs, the audit).
#include "undertake/store.hpp"

#include <boost/json.hpp>

#include <time.h>

#include <algorithm>
#include <cerrno>

#include "undertake/engine.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

json::value optional_time(const std::optional<Timestamp>& t) {
  return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

[[noreturn]] void not_kept(const char* what) {
  throw Error(ErrorKind::invalid_argument, "case store",
              std::string("this store keeps no ") + what +
                  " (the built-in stores do: open_store(\"sqlite:PATH\" or \"postgresql://...\"))");
}

// Work items in one order, each with its roles sorted and once, without events nobody may fire:
// the form worklist rows have (one row per case, role and event).
std::vector<WorkItem> normalised(std::vector<WorkItem> items) {
  items.erase(
      std::remove_if(items.begin(), items.end(), [](const WorkItem& i) { return i.roles.empty(); }),
      items.end());
  for (auto& i : items) {
    std::sort(i.roles.begin(), i.roles.end());
    i.roles.erase(std::unique(i.roles.begin(), i.roles.end()), i.roles.end());
  }
  std::sort(items.begin(), items.end(),
            [](const WorkItem& a, const WorkItem& b) { return a.event < b.event; });
  return items;
}

// `contract.sign* (legal, sales); intake.forward (market)`
std::string items_text(const std::vector<WorkItem>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : "; ") + i.event + (i.gated ? "*" : "") + " (";
    for (std::size_t k = 0; k < i.roles.size(); ++k) out += (k ? ", " : "") + i.roles[k];
    out += ")";
  }
  return out;
}

// `Contract.Review, Contract.Legal`
std::string state_text(const std::vector<std::string>& state) {
  std::string out;
  for (const auto& s : state) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool same_items(const std::vector<WorkItem>& a, const std::vector<WorkItem>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.event == y.event && x.gated == y.gated && x.roles == y.roles;
  });
}

// What is wrong with one stored case (nothing: empty): its hash chain, its head, its worklist.
std::vector<std::string> case_problems(const CaseStore& store, const Engine& engine,
                                       const std::string& id) {
  std::vector<std::string> problems;
  const std::string where = "case " + id + ": ";
  try {
    const std::optional<CaseLedger> ledger = store.ledger(id);
    if (!ledger) return {where + "listed but not stored (deleted meanwhile?)"};
    engine.check_chain(*ledger);
  } catch (const Error& e) {
    problems.push_back(where + "ledger: " + e.what());
  }
  try {
    const Case c = load_case(store, engine, id);
    const std::vector<WorkItem> expected = normalised(work_items(c));
    const std::vector<WorkItem> stored = normalised(store.worklist(id));
    if (!same_items(expected, stored))
      problems.push_back(where + "worklist rows " + items_text(stored) + ", but its state " +
                         state_text(c.state()) + " gives " + items_text(expected));
  } catch (const Error& e) {
    problems.push_back(where + "head: " + e.what());
  }
  return problems;
}

constexpr std::size_t kMaxInboxPage = 1000;

}  // namespace

CaseSummary CaseSummary::of(const Case& c) {
  CaseSummary s;
  s.case_id = c.id();
  s.policy_version = c.policy_version();
  s.revision = c.revision();
  s.stage = c.stage();
  s.state = c.state();
  s.terminated = c.terminated();
  if (const json::value* data = c.record().if_contains("data"); data && data->is_object())
    if (const json::value* customer = data->get_object().if_contains("customer");
        customer && customer->is_object())
      if (const json::value* name = customer->get_object().if_contains("name");
          name && name->is_string())
        s.customer = std::string(name->get_string());
  s.updated = c.ledger_head().at;
  for (const auto& d : c.deadlines()) {
    std::optional<Timestamp> t = d.warn_from ? d.warn_from : d.due;
    if (d.next_escalation && (!t || *d.next_escalation < *t)) t = d.next_escalation;
    if (t && (!s.attention || *t < *s.attention)) s.attention = t;
    if (d.due && (!s.due || *d.due < *s.due)) s.due = d.due;
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
                      {"attention", optional_time(attention)},
                      {"due", optional_time(due)}};
}

bool CaseFilter::matches(const CaseSummary& s) const noexcept {
  if (stage && s.stage != *stage) return false;
  if (open_only && s.terminated) return false;
  if (attention_by && (!s.attention || *s.attention > *attention_by)) return false;
  if (updated_since && (!s.updated || *s.updated < *updated_since)) return false;
  return true;
}

std::vector<WorkItem> work_items(const Case& c) {
  const Policy& policy = *c.policy();
  std::vector<WorkItem> items;
  for (const AvailableEvent& e : c.available(Actor{"", policy.roles()})) {
    const auto id = event_from_name(e.event);
    items.push_back(
        WorkItem{e.event, e.gated, id ? policy.roles_for(*id) : std::vector<std::string>{}});
  }
  return items;
}

InboxQuery InboxQuery::from_json(const json::value& value, std::string_view where) {
  auto bad = [&](std::string_view field, const std::string& why) {
    throw Error(ErrorKind::invalid_argument, std::string(where) + "." + std::string(field), why);
  };
  if (!value.is_object())
    throw Error(ErrorKind::invalid_argument, std::string(where),
                "expected {actor, stage?, customer?, due_by?, after?, limit?}");
  const json::object& o = value.get_object();
  InboxQuery q;
  const json::value* actor = o.if_contains("actor");
  if (!actor) bad("actor", "missing: whose worklist?");
  q.actor = actor_from_json(*actor, std::string(where) + ".actor");
  auto text = [&](std::string_view field) -> std::optional<std::string> {
    const json::value* v = o.if_contains(field);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) bad(field, "expected a string");
    return std::string(v->get_string());
  };
  q.stage = text("stage");
  q.customer = text("customer");
  if (auto due = text("due_by")) {
    q.due_by = parse_iso8601(*due);
    if (!q.due_by) bad("due_by", "expected an ISO-8601 date or date-time");
  }
  q.after = text("after").value_or(std::string());
  if (const json::value* limit = o.if_contains("limit"); limit && !limit->is_null()) {
    if (!limit->is_int64() || limit->get_int64() < 1 ||
        limit->get_int64() > static_cast<std::int64_t>(kMaxInboxPage))
      bad("limit", "expected a whole number from 1 to " + std::to_string(kMaxInboxPage));
    q.limit = static_cast<std::size_t>(limit->get_int64());
  }
  return q;
}

json::value InboxItem::to_json() const {
  json::value v = summary.to_json();
  json::array list;
  for (const auto& e : events) list.push_back(json::object{{"event", e.event}, {"gated", e.gated}});
  v.get_object()["events"] = std::move(list);
  return v;
}

json::value InboxPage::to_json() const {
  json::array list;
  for (const auto& i : items) list.push_back(i.to_json());
  return json::object{{"items", std::move(list)},
                      {"next", next.empty() ? json::value(nullptr) : json::value(next)}};
}

json::value Change::to_json() const {
  return json::object{
      {"position", position}, {"case_id", case_id}, {"entry", undertake::to_json(entry)}};
}

CaseStore::~CaseStore() = default;

std::optional<json::value> CaseStore::snapshot(std::string_view case_id) const {
  std::optional<json::value> snap = head(case_id);
  if (!snap) return std::nullopt;
  std::optional<CaseLedger> l = ledger(case_id);
  if (!l) return std::nullopt;
  json::array entries;
  entries.reserve(l->entries.size());
  for (const auto& e : l->entries) entries.push_back(to_json(e));
  snap->get_object()["ledger"] = std::move(entries);
  return snap;
}

void CaseStore::for_each_ledger(const CaseFilter& filter,
                                const std::function<void(CaseLedger&&)>& fn) const {
  for (const auto& s : list(filter))
    if (auto l = ledger(s.case_id)) fn(std::move(*l));
}

InboxPage CaseStore::inbox(const InboxQuery&) const {
  not_kept("worklist index");
}

std::size_t CaseStore::refresh_worklists(const Engine&) {
  return 0;
}

std::vector<Change> CaseStore::changes(std::uint64_t, std::size_t) const {
  not_kept("change feed");
}

bool CaseStore::wait_for_changes(std::uint64_t after, std::chrono::milliseconds timeout) const {
  const long ms = std::max<long>(0, static_cast<long>(timeout.count()));
  // nanosleep, not sleep_for: a signal ends the wait (sleep_for sleeps on after it).
  timespec t{static_cast<time_t>(ms / 1000), (ms % 1000) * 1'000'000L};
  if (nanosleep(&t, nullptr) == -1 && errno == EINTR) return false;
  return !changes(after, 1).empty();
}

std::vector<WorkItem> CaseStore::worklist(std::string_view) const {
  not_kept("worklist index");
}

std::vector<std::string> CaseStore::check() const {
  not_kept("checks of its own");
}

std::optional<RememberedRequest> CaseStore::remembered(std::string_view, std::string_view) const {
  return std::nullopt;
}

void CaseStore::remember(std::string_view, const RememberedRequest&) {}

Case load_case(const CaseStore& store, const Engine& engine, std::string_view case_id) {
  std::optional<json::value> head = store.head(case_id);
  if (!head)
    throw Error(ErrorKind::not_found, "case " + std::string(case_id), "no such case in the store");
  // A head written before snapshot format 3 restores by replaying its ledger rows.
  const json::value* version = head->get_object().if_contains("format_version");
  if (version && version->is_int64() && version->get_int64() < 3) {
    head = store.snapshot(case_id);
    if (!head)
      throw Error(ErrorKind::not_found, "case " + std::string(case_id),
                  "no such case in the store");
  }
  return engine.restore(std::move(*head));
}

json::value StoredFire::to_json(std::string_view case_id, std::string_view request_id) const {
  json::value v = outcome.to_json();
  json::object& o = v.get_object();
  o["case_id"] = case_id;
  o["revision"] = revision;
  o["attempts"] = attempts;
  o["repeated"] = repeated;
  if (!request_id.empty()) o["request_id"] = request_id;
  return v;
}

StoredFire fire_stored(CaseStore& store, const Engine& engine, std::string_view case_id,
                       std::string_view event, const Actor& actor, json::object payload,
                       Timestamp at, const FireOptions& options) {
  const int attempts = std::max(1, options.max_attempts);
  for (int attempt = 1;; ++attempt) {
    if (!options.request_id.empty())
      if (auto seen = store.remembered(case_id, options.request_id)) {
        StoredFire r;
        r.outcome = Outcome::from_json(seen->outcome, "remembered request " + options.request_id);
        if (const json::value* rev = seen->outcome.get_object().if_contains("revision");
            rev && rev->is_number())
          r.revision = rev->to_number<std::uint64_t>();
        r.attempts = attempt;
        r.repeated = true;
        return r;
      }
    Case c = load_case(store, engine, case_id);
    const std::uint64_t loaded = c.revision();
    StoredFire r;
    r.outcome = c.fire(event, actor, attempt < attempts ? payload : std::move(payload), at);
    r.revision = c.revision();
    r.attempts = attempt;
    std::optional<RememberedRequest> request;
    if (!options.request_id.empty())
      request = RememberedRequest{options.request_id, r.to_json(case_id, options.request_id)};
    try {
      if (r.outcome.accepted)
        store.save(c, loaded, request ? &*request : nullptr);
      else if (request)
        store.remember(case_id, *request);
      return r;
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::conflict || attempt >= attempts) throw;
      // Someone saved the case in between: fire again on what they saved.
    }
  }
}

std::vector<CaseLedger> load_ledgers(const CaseStore& store, const Engine& engine,
                                     const CaseFilter& filter) {
  std::vector<CaseLedger> out;
  store.for_each_ledger(filter, [&](CaseLedger&& l) {
    engine.check_chain(l);
    out.push_back(std::move(l));
  });
  return out;
}

VerifyReport verify_stored(const CaseStore& store, const Engine& engine, std::string_view case_id) {
  std::optional<json::value> snap = store.snapshot(case_id);
  if (!snap)
    throw Error(ErrorKind::not_found, "case " + std::string(case_id), "no such case in the store");
  return engine.verify(*snap);
}

std::vector<std::string> check_store(const CaseStore& store, const Engine& engine) {
  std::vector<std::string> problems = store.check();
  for (const CaseSummary& s : store.list())
    for (auto& p : case_problems(store, engine, s.case_id)) problems.push_back(std::move(p));
  return problems;
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

UNDERTAKE_END_NAMESPACE
