// The HTTP API of `undertake serve` (design.md §10), apart from any HTTP library: a request in,
// a response out. http_server.cpp (Boost.Beast) parses and writes HTTP; this file decides what a
// request means, who makes it and what the store answers, so that every rule of the API — the
// actor is the token's, read-only tokens change nothing, errors are JSON with the C API's status —
// is in one place, compiled without Beast.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/tokens.hpp"
#include "undertake/engine.hpp"
#include "undertake/store.hpp"

namespace undertake::server {

struct Request {
  std::string method;         ///< GET, POST, HEAD, ...
  std::string target;         ///< the request target: path and query (`/api/v1/cases?open=1`)
  std::string authorization;  ///< the Authorization header ("" when absent)
  std::string body;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  /// A long poll with nothing to say yet (GET /changes?wait=S): ask again (Api::handle with the
  /// same request) until this many milliseconds have passed since the request came; then send
  /// this response. 0: send it now.
  unsigned long poll_for_ms = 0;
  std::string actor;  ///< who asked (for the access log), "" when unauthenticated
};

/// What the API serves besides the store.
struct ApiOptions {
  std::string
      policy_path;  ///< --policy: the rules directory or file the engine loaded ("" built-in)
};

class Api {
 public:
  Api(CaseStore& store, const Engine& engine, Tokens tokens, ApiOptions options = {});
  ~Api();

  /// Answers one request. Never throws (an unexpected exception is a 500 with its message).
  /// Thread-safe: the store serialises its calls, the engine is shared read-only.
  Response handle(const Request& request) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// `{"error": {"status": "UT_E_...", "message": "..."}}` with an HTTP status.
Response error_response(unsigned http_status, std::string_view status, std::string_view message);

}  // namespace undertake::server
