// The cases, the worklist, the change feed and the ticking of deadlines over HTTP.
#include <charconv>

#include "server/api_internal.hpp"
#include "diagram/diagram.hpp"

namespace json = boost::json;

namespace undertake::server {
namespace {

std::size_t count_param(const Call& call, std::string_view name, std::size_t fallback,
                        std::size_t most) {
  const auto text = call.param(name);
  if (!text) return fallback;
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n > most)
    throw Error(
        ErrorKind::invalid_argument, "query: " + std::string(name),
        "expected a whole number from 0 to " + std::to_string(most) + ", got \"" + *text + "\"");
  return n;
}

bool flag_param(const Call& call, std::string_view name) {
  const auto text = call.param(name);
  if (!text) return false;
  if (*text == "1" || *text == "true" || text->empty()) return true;
  if (*text == "0" || *text == "false") return false;
  throw Error(ErrorKind::invalid_argument, "query: " + std::string(name),
              "expected true or false, got \"" + *text + "\"");
}

Response method_not_allowed(const Call& call, const char* allowed) {
  Response r = error_response(405, "UT_E_INVALID_ARGUMENT",
                              call.request.method + " is not served here; use " + allowed);
  r.headers.emplace_back("Allow", allowed);
  return r;
}

json::value list_json(const std::vector<CaseSummary>& list) {
  json::array out;
  out.reserve(list.size());
  for (const auto& s : list) out.push_back(s.to_json());
  return json::object{{"cases", std::move(out)}};
}

// POST /cases {id, data}: a new case from a requirement form.
Response create(const Api::Impl& api, const Call& call) {
  require_writer(call, "create cases");
  json::object body = call.body_object(api.engine.limits());
  const std::string id = string_member(body, "id");
  json::object data;
  if (json::value* d = body.if_contains("data")) {
    if (!d->is_object())
      throw Error(ErrorKind::invalid_argument, "request body: data", "expected an object");
    data = std::move(d->get_object());
  }
  Case c = api.engine.create_case(id, std::move(data));
  api.store.create(c);
  Response r = json_response(201, CaseSummary::of(c).to_json());
  r.headers.emplace_back("Location", "/api/v1/cases/" + id);
  return r;
}

// POST /cases/{id}/events {event, payload, at, request_id}: the actor is the token's.
Response fire(const Api::Impl& api, const Call& call, const std::string& id) {
  require_writer(call, "fire events");
  json::object body = call.body_object(api.engine.limits());
  const std::string event = string_member(body, "event");
  json::object payload;
  if (json::value* p = body.if_contains("payload"); p && !p->is_null()) {
    if (!p->is_object())
      throw Error(ErrorKind::invalid_json, "request body: payload", "expected an object");
    payload = std::move(p->get_object());
  }
  if (body.contains("actor"))
    throw Error(ErrorKind::invalid_argument, "request body: actor",
                "not accepted: the actor of an event is the token's (" + call.who.actor.id + ")");
  std::optional<std::string> at;
  if (const json::value* a = body.if_contains("at"); a && !a->is_null()) {
    if (!a->is_string())
      throw Error(ErrorKind::invalid_argument, "request body: at", "expected an ISO-8601 string");
    at = std::string(a->get_string());
  }
  FireOptions options;
  if (const json::value* rid = body.if_contains("request_id"); rid && !rid->is_null()) {
    if (!rid->is_string())
      throw Error(ErrorKind::invalid_argument, "request body: request_id", "expected a string");
    options.request_id = std::string(rid->get_string());
  }
  const StoredFire r =
      fire_stored(api.store, api.engine, id, event, call.who.actor, std::move(payload),
                  instant_or_now(at, "request body: at"), options);
  json::value outcome = r.to_json(id, options.request_id);
  if (r.outcome.accepted) return json_response(200, outcome);
  return json_response(422, json::object{{"error", json::object{{"status", "UT_REFUSED"},
                                                                {"message", r.outcome.summary()}}},
                                         {"outcome", std::move(outcome)}});
}

}  // namespace

Response Api::Impl::cases(const Call& call) const {
  if (call.request.method == "POST") return create(*this, call);
  if (call.request.method != "GET") return method_not_allowed(call, "GET, POST");
  CaseFilter filter;
  if (auto stage = call.param("stage"); stage && !stage->empty()) filter.stage = *stage;
  filter.open_only = flag_param(call, "open");
  filter.limit = count_param(call, "limit", 100, 10000);
  if (auto since = call.param("updated_since"); since && !since->empty())
    filter.updated_since = instant_or_now(since, "query: updated_since", true);
  return json_response(200, list_json(store.list(filter)));
}

Response Api::Impl::one_case(const Call& call) const {
  const std::string& id = call.path[1];
  const std::string part = call.path.size() > 2 ? call.path[2] : "";
  if (call.path.size() > 3) return error_response(404, "UT_E_NOT_FOUND", "no such endpoint");
  if (part == "events") {
    if (call.request.method != "POST") return method_not_allowed(call, "POST");
    return fire(*this, call, id);
  }
  if (call.request.method != "GET") return method_not_allowed(call, "GET");
  if (part == "ledger") {
    auto ledger = store.ledger(id);
    if (!ledger) throw Error(ErrorKind::not_found, "case " + id, "no such case in the store");
    return json_response(200, to_json(*ledger));
  }
  if (part == "diagram.svg") return diagram(call, &id);
  Case c = load_case(store, engine, id);
  if (part == "available") {
    json::array events;
    for (const auto& e : c.available(call.who.actor))
      events.push_back(json::object{{"event", e.event}, {"gated", e.gated}});
    return json_response(200, json::object{{"case_id", id},
                                           {"actor", to_json(call.who.actor)},
                                           {"events", std::move(events)}});
  }
  if (!part.empty())
    return error_response(404, "UT_E_NOT_FOUND", "no such endpoint: cases/{id}/" + part);
  json::array deadlines;
  const Timestamp now = instant_or_now(call.param("at"), "query: at", true);
  for (const auto& d : c.deadlines()) {
    json::value v = d.to_json();
    v.as_object()["status"] = deadline_status_name(d.status(now));
    deadlines.push_back(std::move(v));
  }
  return json_response(200, json::object{{"summary", CaseSummary::of(c).to_json()},
                                         {"snapshot", c.snapshot(SnapshotOptions{false})},
                                         {"deadlines", std::move(deadlines)}});
}

Response Api::Impl::inbox(const Call& call) const {
  if (call.request.method != "GET") return method_not_allowed(call, "GET");
  InboxQuery query(call.who.actor);
  if (auto v = call.param("stage"); v && !v->empty()) query.stage = *v;
  if (auto v = call.param("customer"); v && !v->empty()) query.customer = *v;
  if (auto v = call.param("due_by"); v && !v->empty())
    query.due_by = instant_or_now(v, "query: due_by", true);
  query.after = call.param("after").value_or("");
  query.limit = count_param(call, "limit", 100, 1000);
  if (query.limit == 0) throw Error(ErrorKind::invalid_argument, "query: limit", "at least 1");
  return json_response(200, store.inbox(query).to_json());
}

Response Api::Impl::changes(const Call& call) const {
  if (call.request.method != "GET") return method_not_allowed(call, "GET");
  const std::uint64_t after =
      count_param(call, "after", 0, std::numeric_limits<std::size_t>::max());
  const std::size_t limit = count_param(call, "limit", 100, 1000);
  const std::size_t wait = count_param(call, "wait", 0, 30);  // seconds of long poll
  json::array items;
  std::uint64_t last = after;
  for (const Change& ch : store.changes(after, limit == 0 ? 1 : limit)) {
    last = ch.position;
    items.push_back(ch.to_json());
  }
  const bool empty = items.empty();
  Response r = json_response(200, json::object{{"changes", std::move(items)}, {"next", last}});
  if (empty) r.poll_for_ms = wait * 1000;
  return r;
}

Response Api::Impl::tick(const Call& call) const {
  if (call.request.method != "POST") return method_not_allowed(call, "POST");
  require_writer(call, "tick deadlines");
  const json::object body = call.body_object(engine.limits());
  std::optional<std::string> now;
  if (const json::value* n = body.if_contains("now"); n && n->is_string())
    now = std::string(n->get_string());
  return json_response(
      200, tick_stored(store, engine, instant_or_now(now, "request body: now")).to_json());
}

Response Api::Impl::diagram(const Call& call, const std::string* case_id) const {
  std::string key = case_id ? *case_id : std::string();
  std::uint64_t revision = 0;
  std::optional<diagram::Highlight> highlight;
  if (case_id) {
    Case c = load_case(store, engine, *case_id);
    revision = c.revision();
    {
      const std::lock_guard<std::mutex> lock(svg_mutex);
      if (auto it = svg_cache.find(key); it != svg_cache.end() && it->second.first == revision) {
        Response r;
        r.content_type = "image/svg+xml";
        r.body = it->second.second;
        return r;
      }
    }
    // The path is drawn from the whole ledger (a loaded case holds only its head).
    auto ledger = store.ledger(*case_id);
    if (!ledger) throw Error(ErrorKind::not_found, "case " + *case_id, "no such case in the store");
    diagram::Highlight h = diagram::trace(*ledger);
    h.current = c.state();
    h.title = c.id() + " · " + c.stage();
    highlight = std::move(h);
  }
  (void)call;
  Response r;
  r.content_type = "image/svg+xml";
  r.body = render_svg(diagram::render(diagram::Format::dot, highlight ? &*highlight : nullptr));
  const std::lock_guard<std::mutex> lock(svg_mutex);
  if (svg_cache.size() > 512) svg_cache.clear();  // bounded: a console looks at a few cases
  svg_cache[key] = {revision, r.body};
  return r;
}

}  // namespace undertake::server
