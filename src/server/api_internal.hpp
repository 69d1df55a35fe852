// What the API's handlers share (api.cpp routes, api_cases.cpp and api_policy.cpp answer).
#pragma once

#include <boost/json.hpp>

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/api.hpp"
#include "undertake/error.hpp"

namespace undertake::server {

/// A request as the handlers see it: who, the path split at `/` (percent-decoded), the query.
struct Call {
  const Request& request;
  Principal who;
  std::vector<std::string> path;  ///< after /api/v1: {"cases", "SO-1", "events"}
  std::map<std::string, std::string, std::less<>> query;

  /// The query parameter, or nothing.
  std::optional<std::string> param(std::string_view name) const;
  /// The body as a JSON object (within the engine's limits); Error(invalid_json) when it is not
  /// one, naming "request body".
  boost::json::object body_object(const InputLimits& limits) const;
};

/// The response for a JSON value.
Response json_response(unsigned status, const boost::json::value& v);

/// Error(forbidden) is no ErrorKind: a read-only token asking to change something.
struct Forbidden {
  std::string why;
};

/// Throws Forbidden when the caller's token is read-only.
void require_writer(const Call& call, std::string_view what);

/// A required member of a request body: Error(invalid_argument) naming it when missing or not a
/// string.
std::string string_member(const boost::json::object& body, std::string_view name);

/// An ISO-8601 instant from a query parameter or body member, or the wall clock when absent (the
/// server is a host: it may read the clock; the engine never does). Unless `may_be_future`,
/// Error(invalid_argument) for an instant more than 5 minutes past the server's clock: what a
/// request records (an event's time, a tick) cannot be dated ahead.
Timestamp instant_or_now(const std::optional<std::string>& text, std::string_view name,
                         bool may_be_future = false);

struct Api::Impl {
  CaseStore& store;
  const Engine& engine;
  Tokens tokens;
  ApiOptions options;

  // SVG diagrams by case id and revision: dot takes ~50 ms, a console asks for the same one often.
  mutable std::mutex svg_mutex;
  mutable std::map<std::string, std::pair<std::uint64_t, std::string>, std::less<>> svg_cache;

  Response route(const Request& request) const;

  // api_cases.cpp
  Response cases(const Call& call) const;
  Response one_case(const Call& call) const;
  Response inbox(const Call& call) const;
  Response changes(const Call& call) const;
  Response tick(const Call& call) const;
  Response diagram(const Call& call, const std::string* case_id) const;

  // api_policy.cpp
  Response kpi(const Call& call) const;
  Response policy(const Call& call) const;
};

/// Renders Graphviz DOT to SVG with `dot -Tsvg` (run without a shell); Error(io) when dot is
/// missing or fails.
std::string render_svg(const std::string& dot_text);

}  // namespace undertake::server
