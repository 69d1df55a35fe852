// The C API: cases — create, restore, fire, read.
#include <memory>
#include <string>

#include "capi/capi_internal.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

// The deleter of ut_case::open: owns nothing (the handle owns its case), names the handle.
struct HandleOf {
  ut_case* handle;
  void operator()(Case*) const noexcept {}
};

// Refuses an id already open on the engine before any work (a replay runs the host's rules).
void check_not_open(EngineState& s, const std::string& id) {
  if (!id.empty() && s.engine.find_case(id))
    fail(UT_E_CONFLICT, "case " + id +
                            ": already open on this engine (free it first, or use "
                            "ut_engine_find_case)");
}

// Registers the handle's case as open on its engine (Error(conflict) when another thread opened
// that id meanwhile).
void open_on_engine(ut_case& h) {
  h.open = std::shared_ptr<Case>(&h.kase, HandleOf{&h});
  h.state->engine.open_case(h.open);
}

// The case id a snapshot or ledger names (empty when it names none: restore reports that).
std::string named_id(const json::value& doc) {
  if (const auto* o = doc.if_object())
    if (const auto* id = o->if_contains("case_id"); id && id->is_string())
      return std::string(id->get_string());
  return {};
}

// Opens the case `open(engine, doc)` makes of a parsed snapshot or ledger, registered under the id
// the document names.
template <class Open>
int open_case(EngineState& s, ut_engine* e, json::value doc, ut_case** out, Open&& open) {
  check_not_open(s, named_id(doc));
  CallGuard guard(s);  // replays call the host's rules
  auto handle = std::make_unique<ut_case>(e->state, open(s.engine, doc));
  open_on_engine(*handle);
  *out = handle.release();
  return UT_OK;
}

template <class Open>
int open_case(ut_engine* e, const char* text, const char* what, ut_case** out, Open&& open) {
  EngineState& s = engine_arg(e);
  if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
  return open_case(s, e, parse_json(text, s.limits(), what), out, std::forward<Open>(open));
}

// A head (ut_case_head) and the entries a host stored beside it, as the one snapshot they make
// together: restore checks the entries' hash chain against the head, verify replays them.
json::value head_with_entries(EngineState& s, const char* head_json, const char* entries_json) {
  json::value head = parse_json(head_json, s.limits(), "head");
  json::value entries = parse_json(entries_json, s.limits(), "entries");
  if (!head.is_object()) fail(UT_E_INVALID_JSON, "head: expected a JSON object (ut_case_head)");
  if (!entries.is_array())
    fail(UT_E_INVALID_JSON, "entries: expected a JSON array of ledger entries (ut_case_entries)");
  if (head.get_object().contains("ledger"))
    fail(UT_E_INVALID_ARGUMENT,
         "head: holds a ledger already (a snapshot, not a head: restore it with "
         "ut_case_restore, or take the head with ut_case_head)");
  head.get_object()["ledger"] = std::move(entries);
  return head;
}

// The entries of `c` after revision `after`, as JSON rows.
json::array entries_after(const Case& c, std::uint64_t after) {
  if (after > c.revision())
    fail(UT_E_INVALID_ARGUMENT, "case " + c.id() + ": after_seq " + std::to_string(after) +
                                    " is beyond the case's revision " +
                                    std::to_string(c.revision()));
  const std::vector<LedgerEntry>& ledger = c.ledger();  // seals the entries not yet hashed
  const std::uint64_t held_after = c.revision() - ledger.size();
  if (after < held_after)
    fail(UT_E_INVALID_ARGUMENT,
         "case " + c.id() + ": restored from its head at revision " + std::to_string(held_after) +
             ", it holds the entries after seq " + std::to_string(held_after) +
             " only (after_seq " + std::to_string(after) +
             "): the earlier ones are where the host stored them");
  json::array rows;
  rows.reserve(static_cast<std::size_t>(c.revision() - after));
  for (std::size_t i = static_cast<std::size_t>(after - held_after); i < ledger.size(); ++i)
    rows.push_back(to_json(ledger[i]));
  return rows;
}

int fire(ut_case* c, const std::uint64_t* expected_revision, const char* event,
         const char* actor_json, const char* payload_json, const char* at_iso8601,
         char** outcome_out) {
  ut_case& h = case_arg(c);
  EngineState& s = *h.state;
  const InputLimits limits = s.limits();
  const std::string_view name = text_arg(event, "event");
  Actor actor = actor_arg(actor_json, limits);
  json::object payload = parse_object(payload_json, limits, "payload", true);
  const Timestamp at = time_arg(at_iso8601, "at");
  CallGuard guard(s);
  if (expected_revision && *expected_revision != h.kase.revision())
    fail(UT_E_CONFLICT, "case " + h.kase.id() + ": expected revision " +
                            std::to_string(*expected_revision) + " but the case is at revision " +
                            std::to_string(h.kase.revision()) + " (reload it)");
  const Outcome outcome = h.kase.fire(name, actor, std::move(payload), at);
  if (outcome_out) *outcome_out = dup_outcome_json(h.kase, outcome);
  return outcome.accepted ? static_cast<int>(UT_OK) : report_refused(outcome);
}

template <class Produce>
int read_json(ut_case* c, char** out, const char* what, Produce&& produce) {
  reset_out(out);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!out) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL");
    *out = dup_json(produce(h.kase));
    return UT_OK;
  });
}

}  // namespace
}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_case_create(ut_engine* e, const char* case_id, const char* data_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string id(text_arg(case_id, "case_id"));
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    json::object data = parse_object(data_json, s.limits(), "data");
    check_not_open(s, id);
    auto handle = std::make_unique<ut_case>(e->state, s.engine.create_case(id, std::move(data)));
    open_on_engine(*handle);
    *out = handle.release();
    return UT_OK;
  });
}

int ut_case_restore(ut_engine* e, const char* snapshot_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    return open_case(
        e, snapshot_json, "snapshot", out,
        [](const Engine& engine, const json::value& doc) { return engine.restore(doc); });
  });
}

int ut_case_replay(ut_engine* e, const char* ledger_json, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    return open_case(e, ledger_json, "ledger", out,
                     [](const Engine& engine, const json::value& doc) {
                       CaseLedger ledger;
                       try {
                         ledger = case_ledger_from_json(doc, "ledger");
                       } catch (const Error& err) {
                         throw Error(ErrorKind::invalid_snapshot, err.where(), err.why());
                       }
                       return engine.replay(ledger);
                     });
  });
}

int ut_case_verify(ut_engine* e, const char* snapshot_json, char** report_json) {
  reset_out(report_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!report_json) fail(UT_E_INVALID_ARGUMENT, "report_json: NULL");
    const json::value doc = parse_json(snapshot_json, s.limits(), "snapshot");
    CallGuard guard(s);  // the replay calls the host's rules
    *report_json = dup_json(s.engine.verify(doc).to_json());
    return UT_OK;
  });
}

int ut_case_restore_entries(ut_engine* e, const char* head_json, const char* entries_json,
                            ut_case** out) {
  reset_out(out);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    return open_case(
        s, e, head_with_entries(s, head_json, entries_json), out,
        [](const Engine& engine, json::value& doc) { return engine.restore(std::move(doc)); });
  });
}

int ut_case_verify_entries(ut_engine* e, const char* head_json, const char* entries_json,
                           char** report_json) {
  reset_out(report_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!report_json) fail(UT_E_INVALID_ARGUMENT, "report_json: NULL");
    const json::value doc = head_with_entries(s, head_json, entries_json);
    CallGuard guard(s);  // the replay calls the host's rules
    *report_json = dup_json(s.engine.verify(doc).to_json());
    return UT_OK;
  });
}

int ut_engine_find_case(ut_engine* e, const char* case_id, ut_case** out) {
  reset_out(out);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string id(text_arg(case_id, "case_id"));
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    const std::shared_ptr<Case> open = s.engine.find_case(id);
    const HandleOf* of = open ? std::get_deleter<HandleOf>(open) : nullptr;
    if (!of) fail(UT_E_NOT_FOUND, "case " + id + ": no such case is open on this engine");
    *out = of->handle;
    return UT_OK;
  });
}

void ut_case_free(ut_case* c) {
  if (!c || c->magic != kCaseMagic) return;
  if (c->open) c->state->engine.close_case(c->kase);
  c->magic = kDeadMagic;
  delete c;
}

int ut_case_fire(ut_case* c, const char* event, const char* actor_json, const char* payload_json,
                 const char* at_iso8601, char** outcome_json) {
  reset_out(outcome_json);
  return guarded(
      [&] { return fire(c, nullptr, event, actor_json, payload_json, at_iso8601, outcome_json); });
}

int ut_case_fire_if_revision(ut_case* c, uint64_t expected_revision, const char* event,
                             const char* actor_json, const char* payload_json,
                             const char* at_iso8601, char** outcome_json) {
  reset_out(outcome_json);
  return guarded([&] {
    return fire(c, &expected_revision, event, actor_json, payload_json, at_iso8601, outcome_json);
  });
}

int ut_case_state(ut_case* c, char** state_json) {
  return read_json(c, state_json, "state_json", [](const Case& k) {
    return json::value{{"case_id", k.id()},
                       {"stage", k.stage()},
                       {"state", json::value_from(k.state())},
                       {"revision", k.revision()},
                       {"policy_version", k.policy_version()}};
  });
}

int ut_case_id(ut_case* c, char** case_id) {
  reset_out(case_id);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!case_id) fail(UT_E_INVALID_ARGUMENT, "case_id: NULL");
    *case_id = dup_string(h.kase.id());
    return UT_OK;
  });
}

int ut_case_revision(ut_case* c, uint64_t* revision) {
  if (revision) *revision = 0;
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!revision) fail(UT_E_INVALID_ARGUMENT, "revision: NULL");
    *revision = h.kase.revision();
    return UT_OK;
  });
}

int ut_case_snapshot(ut_case* c, char** snapshot_json) {
  return read_json(c, snapshot_json, "snapshot_json", [](const Case& k) { return k.snapshot(); });
}

int ut_case_head(ut_case* c, char** head_json) {
  return read_json(c, head_json, "head_json",
                   [](const Case& k) { return k.snapshot(SnapshotOptions{false}); });
}

int ut_case_entries(ut_case* c, uint64_t after_seq, char** entries_json) {
  return read_json(c, entries_json, "entries_json",
                   [&](const Case& k) { return json::value(entries_after(k, after_seq)); });
}

int ut_case_available(ut_case* c, const char* actor_json, char** events_json) {
  reset_out(events_json);
  return guarded([&] {
    ut_case& h = case_arg(c);
    if (!events_json) fail(UT_E_INVALID_ARGUMENT, "events_json: NULL");
    const Actor actor = actor_arg(actor_json, h.state->limits());
    json::array events;
    for (const auto& a : h.kase.available(actor))
      events.push_back(json::object{{"event", a.event}, {"gated", a.gated}});
    *events_json = dup_json(events);
    return UT_OK;
  });
}

int ut_case_ledger(ut_case* c, char** ledger_json) {
  return read_json(c, ledger_json, "ledger_json",
                   [](const Case& k) { return to_json(k.case_ledger()); });
}

int ut_case_record(ut_case* c, char** record_json) {
  return read_json(c, record_json, "record_json",
                   [](const Case& k) { return json::value(k.record()); });
}

int ut_case_risk(ut_case* c, char** risk_json) {
  return read_json(c, risk_json, "risk_json", [](const Case& k) {
    const json::value* risk = k.record().if_contains("risk");
    return risk ? *risk : json::value(json::object{});
  });
}

}  // extern "C"
