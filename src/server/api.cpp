// Routing, authentication and the mapping of errors to HTTP (design.md §10).
#include <chrono>
#include <new>

#include "server/api_internal.hpp"
#include "server/assets.hpp"
#include "undertake/json_text.hpp"
#include "undertake/timestamp.hpp"

namespace json = boost::json;

namespace undertake::server {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding (RFC 3986; `+` is a space only in a query). Error(invalid_argument) for a `%`
// not followed by two hex digits.
std::string decode(std::string_view text, bool query) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      const int hi = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        throw Error(ErrorKind::invalid_argument, "request target",
                    "a % not followed by two hex digits");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += query && text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (end > start) parts.push_back(decode(path.substr(start, end - start), false));
    start = end + 1;
  }
  return parts;
}

std::map<std::string, std::string, std::less<>> split_query(std::string_view query) {
  std::map<std::string, std::string, std::less<>> out;
  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string_view pair = query.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    if (!pair.empty())
      out[decode(pair.substr(0, eq), true)] =
          eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1), true);
    start = end + 1;
  }
  return out;
}

struct Mapped {
  unsigned http;
  const char* status;  // the C API's name (undertake.h)
};

// The C API's status of each error kind (capi_support.cpp status_of) and the HTTP status that
// means the same to an HTTP client.
Mapped map_error(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument:
      return {400, "UT_E_INVALID_ARGUMENT"};
    case ErrorKind::invalid_json:
      return {400, "UT_E_INVALID_JSON"};
    case ErrorKind::invalid_policy:
    case ErrorKind::invalid_rule:
      return {400, "UT_E_POLICY"};
    case ErrorKind::rule_failed:
      return {422, "UT_E_RULE"};
    case ErrorKind::limit_exceeded:
      return {413, "UT_E_LIMIT"};
    case ErrorKind::invalid_snapshot:
      return {500, "UT_E_SNAPSHOT"};  // the store holds a case it cannot restore: not the client's
    case ErrorKind::conflict:
      return {409, "UT_E_CONFLICT"};
    case ErrorKind::not_found:
      return {404, "UT_E_NOT_FOUND"};
    case ErrorKind::io:
      return {503, "UT_E_IO"};
  }
  return {500, "UT_E_INTERNAL"};
}

Response asset_response(const Asset& a) {
  Response r;
  r.content_type = std::string(a.content_type);
  r.body = std::string(a.body);
  return r;
}

// The console's files: `/` is index.html, `/console/NAME` one of the embedded assets. Nothing
// else is served: there is no directory behind these names to escape from.
Response console(const Request& request, std::string_view path) {
  if (request.method != "GET" && request.method != "HEAD")
    return error_response(405, "UT_E_INVALID_ARGUMENT", "the console is read with GET");
  std::string_view name;
  if (path == "/" || path == "/index.html")
    name = "index.html";
  else if (path.substr(0, 9) == "/console/")
    name = path.substr(9);
  const Asset* a =
      name.empty() || name.find('/') != std::string_view::npos ? nullptr : find_asset(name);
  if (!a || name == "openapi.json" || name == "payloads.schema.json")
    return error_response(404, "UT_E_NOT_FOUND", "no such page: " + std::string(path));
  return asset_response(*a);
}

}  // namespace

std::optional<std::string> Call::param(std::string_view name) const {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

json::object Call::body_object(const InputLimits& limits) const {
  if (request.body.empty()) return {};
  json::value v = parse_json(request.body, limits, "request body");
  if (!v.is_object())
    throw Error(ErrorKind::invalid_json, "request body", "expected a JSON object");
  return std::move(v.get_object());
}

Response json_response(unsigned status, const json::value& v) {
  Response r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

Response error_response(unsigned http_status, std::string_view status, std::string_view message) {
  return json_response(
      http_status, json::object{{"error", json::object{{"status", status}, {"message", message}}}});
}

void require_writer(const Call& call, std::string_view what) {
  if (call.who.read_only)
    throw Forbidden{"the token of " + call.who.actor.id + " is read-only: it may not " +
                    std::string(what)};
}

std::string string_member(const json::object& body, std::string_view name) {
  const json::value* v = body.if_contains(name);
  if (!v || !v->is_string())
    throw Error(ErrorKind::invalid_argument, "request body: " + std::string(name),
                "required, a string");
  return std::string(v->get_string());
}

Timestamp instant_or_now(const std::optional<std::string>& text, std::string_view name,
                         bool may_be_future) {
  const Timestamp now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  if (!text || text->empty()) return now;
  const auto t = parse_iso8601(*text);
  if (!t)
    throw Error(ErrorKind::invalid_argument, std::string(name),
                "expected an ISO-8601 date or date-time, got \"" + *text + "\"");
  // A client may date what it reports (an ERP replaying the day's events), not the future: a
  // tick "at" next year would escalate every deadline now, an event dated ahead would block the
  // case's next events until then. A few minutes of clock skew are allowed.
  if (!may_be_future && *t > now + std::chrono::minutes(5))
    throw Error(ErrorKind::invalid_argument, std::string(name),
                "\"" + *text + "\" is later than the server's clock (" + format_iso8601(now) + ")");
  return *t;
}

Api::Api(CaseStore& store, const Engine& engine, Tokens tokens, ApiOptions options)
    : impl_(new Impl{store, engine, std::move(tokens), std::move(options), {}, {}}) {}

Api::~Api() = default;

Response Api::Impl::route(const Request& request) const {
  const std::string_view target = request.target;
  const std::size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  constexpr std::string_view prefix = "/api/v1";
  if (path.substr(0, prefix.size()) != prefix ||
      (path.size() > prefix.size() && path[prefix.size()] != '/'))
    return console(request, path);
  // Public: the API's description and the payload schema describe, they tell nothing of cases.
  if ((path == "/api/v1/openapi.json" || path == "/api/v1/payloads.schema.json") &&
      (request.method == "GET" || request.method == "HEAD"))
    return asset_response(*find_asset(path.substr(prefix.size() + 1)));

  const auto who = tokens.authenticate(request.authorization);
  if (!who) {
    Response r = error_response(401, "UT_E_UNAUTHORIZED",
                                request.authorization.empty()
                                    ? "no token: send Authorization: Bearer <token>"
                                    : "the token is not valid");
    r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"undertake\"");
    return r;
  }
  Call call{
      request, *who, split_path(path.substr(prefix.size())),
      q == std::string_view::npos ? decltype(Call::query){} : split_query(target.substr(q + 1))};
  const std::string first = call.path.empty() ? "" : call.path[0];
  Response r;
  if (first == "whoami" && call.path.size() == 1)
    r = json_response(200,
                      json::object{{"actor", to_json(who->actor)}, {"read_only", who->read_only}});
  else if (first == "cases" && call.path.size() == 1)
    r = cases(call);
  else if (first == "cases")
    r = one_case(call);
  else if (first == "inbox" && call.path.size() == 1)
    r = inbox(call);
  else if (first == "changes" && call.path.size() == 1)
    r = changes(call);
  else if (first == "tick" && call.path.size() == 1)
    r = tick(call);
  else if (first == "kpi" && call.path.size() == 1)
    r = kpi(call);
  else if (first == "diagram.svg" && call.path.size() == 1)
    r = diagram(call, nullptr);
  else if (first == "policy")
    r = policy(call);
  else
    r = error_response(404, "UT_E_NOT_FOUND", "no such endpoint: " + std::string(path));
  r.actor = who->actor.id;
  return r;
}

Response Api::handle(const Request& request) const {
  try {
    return impl_->route(request);
  } catch (const Forbidden& f) {
    return error_response(403, "UT_E_FORBIDDEN", f.why);
  } catch (const Error& e) {
    const Mapped m = map_error(e.kind());
    return error_response(m.http, m.status, e.what());
  } catch (const std::bad_alloc&) {
    return error_response(503, "UT_E_NO_MEMORY", "out of memory");
  } catch (const std::exception& e) {
    return error_response(500, "UT_E_INTERNAL", e.what());
  }
}

}  // namespace undertake::server
