#include "undertake/ledger.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "integrity/seal.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

[[noreturn]] void fail(std::string_view where, std::string why) {
  throw Error(ErrorKind::invalid_json, std::string(where), std::move(why));
}

const json::object& expect_object(const json::value& v, std::string_view where) {
  if (!v.is_object()) fail(where, "expected an object");
  return v.get_object();
}

const json::value& member(const json::object& o, std::string_view key, std::string_view where) {
  const json::value* v = o.if_contains(key);
  if (!v) fail(where, "missing field \"" + std::string(key) + "\"");
  return *v;
}

std::string field_path(std::string_view where, std::string_view key) {
  return std::string(where) + "." + std::string(key);
}

}  // namespace

bool Actor::has_role(std::string_view role) const noexcept {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Actor actor_from_json(const json::value& value, std::string_view where) {
  if (!value.is_object())
    throw Error(ErrorKind::invalid_argument, std::string(where),
                "an actor is an object {\"id\": \"...\", \"roles\": [...]}");
  const auto& o = value.get_object();
  Actor actor;
  const json::value* id = o.if_contains("id");
  if (!id || !id->is_string() || id->get_string().empty())
    throw Error(ErrorKind::invalid_argument, field_path(where, "id"),
                "an actor needs a non-empty string id");
  actor.id = std::string(id->get_string());
  if (const json::value* roles = o.if_contains("roles")) {
    if (!roles->is_array())
      throw Error(ErrorKind::invalid_argument, field_path(where, "roles"),
                  "roles must be an array of strings");
    const auto& array = roles->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      if (!array[i].is_string())
        throw Error(ErrorKind::invalid_argument,
                    field_path(where, "roles") + "[" + std::to_string(i) + "]",
                    "roles must be an array of strings");
      actor.roles.emplace_back(array[i].get_string());
    }
  }
  return actor;
}

json::value to_json(const Actor& actor) {
  json::array roles;
  roles.reserve(actor.roles.size());
  for (const auto& r : actor.roles) roles.emplace_back(r);
  return json::object{{"id", actor.id}, {"roles", std::move(roles)}};
}

json::value to_json(const LedgerEntry& entry) {
  json::array state;
  state.reserve(entry.state.size());
  for (const auto& s : entry.state) state.emplace_back(s);
  json::object o;
  o.reserve(7);
  o.emplace("seq", entry.seq);
  o.emplace("at", format_iso8601(entry.at));
  if (entry.kind == EntryKind::escalation) o.emplace("kind", "escalation");
  o.emplace("event", event_name(entry.event));
  o.emplace("actor", to_json(entry.actor));
  o.emplace("payload", entry.payload);
  o.emplace("state", std::move(state));
  if (entry.hash != LedgerHash{}) o.emplace("hash", detail::to_hex(entry.hash));
  return o;
}

LedgerEntry ledger_entry_from_json(const json::value& value, std::string_view where) {
  const auto& o = expect_object(value, where);
  LedgerEntry entry;
  const auto& seq = member(o, "seq", where);
  try {
    entry.seq = seq.to_number<std::uint64_t>();
  } catch (const std::exception&) {
    fail(field_path(where, "seq"), "seq must be a positive whole number");
  }
  const auto& at = member(o, "at", where);
  std::optional<Timestamp> when;
  if (at.is_string()) when = parse_iso8601(at.get_string());
  if (!when) fail(field_path(where, "at"), "expected an ISO-8601 date or date-time");
  entry.at = *when;
  if (const json::value* kind = o.if_contains("kind")) {
    if (*kind == "escalation")
      entry.kind = EntryKind::escalation;
    else if (*kind != "event")
      fail(field_path(where, "kind"), "kind is \"event\" or \"escalation\"");
  }
  const auto& event = member(o, "event", where);
  std::optional<EventId> id;
  if (event.is_string()) id = event_from_name(event.get_string());
  if (!id) fail(field_path(where, "event"), "not an event of the vocabulary");
  entry.event = *id;
  entry.actor = actor_from_json(member(o, "actor", where), field_path(where, "actor"));
  if (const json::value* payload = o.if_contains("payload")) {
    if (!payload->is_object()) fail(field_path(where, "payload"), "expected an object");
    entry.payload = payload->get_object();
  }
  if (const json::value* state = o.if_contains("state")) {
    if (!state->is_array()) fail(field_path(where, "state"), "expected an array of state paths");
    for (const auto& s : state->get_array()) {
      if (!s.is_string()) fail(field_path(where, "state"), "expected an array of state paths");
      entry.state.emplace_back(s.get_string());
    }
  }
  if (const json::value* hash = o.if_contains("hash")) {
    std::optional<LedgerHash> h;
    if (hash->is_string()) h = detail::digest_from_hex(hash->get_string());
    if (!h) fail(field_path(where, "hash"), "expected 64 lower-case hexadecimal digits");
    entry.hash = *h;
  }
  return entry;
}

json::value to_json(const CaseLedger& ledger) {
  json::array entries;
  entries.reserve(ledger.entries.size());
  for (const auto& e : ledger.entries) entries.push_back(to_json(e));
  return json::object{{"case_id", ledger.case_id},
                      {"policy_version", ledger.policy_version},
                      {"data", ledger.data},
                      {"ledger", std::move(entries)}};
}

CaseLedger case_ledger_from_json(const json::value& value, std::string_view where) {
  const auto& o = expect_object(value, where);
  CaseLedger ledger;
  const auto& id = member(o, "case_id", where);
  if (!id.is_string()) fail(field_path(where, "case_id"), "expected a string");
  ledger.case_id = std::string(id.get_string());
  if (const json::value* v = o.if_contains("policy_version"); v && v->is_string())
    ledger.policy_version = std::string(v->get_string());
  if (const json::value* data = o.if_contains("data")) {
    if (!data->is_object()) fail(field_path(where, "data"), "expected an object");
    ledger.data = data->get_object();
  }
  const auto& entries = member(o, "ledger", where);
  if (!entries.is_array()) fail(field_path(where, "ledger"), "expected an array of entries");
  const auto& array = entries.get_array();
  ledger.entries.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    ledger.entries.push_back(ledger_entry_from_json(
        array[i], field_path(where, "ledger") + "[" + std::to_string(i) + "]"));
    if (ledger.entries.back().seq != i + 1)
      fail(field_path(where, "ledger") + "[" + std::to_string(i) + "].seq",
           "sequence numbers must run 1, 2, 3, ... without gaps");
  }
  return ledger;
}

UNDERTAKE_END_NAMESPACE
