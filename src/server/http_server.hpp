// The HTTP/1.1 server of `undertake serve`: Boost.Beast over Asio, answering with an Api.
// Kept to this header (no Beast type in it) and http_server.cpp, so that nothing else compiles
// Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

#include "server/api.hpp"

namespace undertake::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";              ///< HOST:PORT (port 0: any free port)
  std::size_t threads = 4;                            ///< requests answered at once
  std::size_t max_body_bytes = std::size_t{4} << 20;  ///< larger bodies: 413, connection closed
  std::size_t max_header_bytes = 16 << 10;
  /// A request (headers and body) must arrive within this: a client sending a byte a second is
  /// cut off.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(15)};
  /// A kept-alive connection with no request is closed after this.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};
  /// Connections beyond this get 503 and are closed at once.
  std::size_t max_connections = 512;
  /// After SIGTERM, requests in progress get this long to finish.
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(10)};
};

/// Serves until SIGTERM or SIGINT, then stops accepting, lets the requests in progress finish and
/// returns 0. Writes `listening on HOST:PORT` (the port bound, also for port 0), a warning when
/// HOST is not a loopback address, and one JSON line per request (the access log) to `log`.
/// Error(invalid_argument) for a malformed --listen, Error(io) when the address cannot be bound.
int run_server(const Api& api, const ServerOptions& options, std::ostream& log);

}  // namespace undertake::server
