// Boost.Beast (HTTP/1.1) over Asio: one strand per connection, a pool of threads running the
// io_context, the Api answering on them. Limits on every connection — header and body size, the
// time a request may take to arrive, idle keep-alive time, the number of connections — so that
// slow or greedy clients cost a bounded amount and the others keep being served.
#include "server/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <charconv>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "undertake/error.hpp"
#include "undertake/timestamp.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace undertake::server {
namespace {

// Pages load scripts, styles and images from the server only; nothing may frame them.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

class Log {
 public:
  explicit Log(std::ostream& out) : out_(out) {}
  void line(const std::string& text) {
    const std::lock_guard<std::mutex> lock(mutex_);
    out_ << text << std::endl;
  }

 private:
  std::ostream& out_;
  std::mutex mutex_;
};

struct Shared {
  Shared(const Api& a, const ServerOptions& o, std::ostream& out) : api(a), options(o), log(out) {}
  const Api& api;
  const ServerOptions& options;
  Log log;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::map<void*, std::function<void()>> closers;  // each open connection's "close when idle"
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared)
      : stream_(std::move(socket)), shared_(shared), timer_(stream_.get_executor()) {
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~Session() {
    shared_.connections.fetch_sub(1);
    const std::lock_guard<std::mutex> lock(shared_.sessions_mutex);
    shared_.closers.erase(this);
  }

  void start() {
    {
      const std::lock_guard<std::mutex> lock(shared_.sessions_mutex);
      std::weak_ptr<Session> weak = shared_from_this();
      shared_.closers[this] = [weak] {
        if (auto self = weak.lock())
          asio::post(self->stream_.get_executor(), [self] { self->close_if_idle(); });
      };
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::read, shared_from_this()));
  }

  // A refused connection: 503, then closed.
  void refuse() {
    response_ = error_http(503, "UT_E_IO", "too many connections; try again later");
    write(false);
  }

 private:
  void read() {
    if (shared_.stopping) return close();
    parser_.emplace();
    parser_->body_limit(shared_.options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.max_header_bytes));
    idle_ = true;
    // The headers of a first request must come within the request time (of a later one on a
    // kept-alive connection: the idle time), then its body within the request time: a client
    // sending a byte at a time cannot stretch either.
    stream_.expires_after(requests_ ? shared_.options.idle_timeout
                                    : shared_.options.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    idle_ = false;
    if (ec) return on_read_error(ec);
    started_ = Clock::now();
    stream_.expires_after(shared_.options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      response_ = error_http(413, "UT_E_LIMIT",
                             "the request body is larger than " +
                                 std::to_string(shared_.options.max_body_bytes) + " bytes");
      return write(true);
    }
    if (ec == http::error::header_limit) {
      response_ = error_http(431, "UT_E_LIMIT", "the request headers are too large");
      return write(true);
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == http::error::partial_message)
      return close();
    response_ = error_http(400, "UT_E_INVALID_ARGUMENT", "malformed HTTP request: " + ec.message());
    write(true);
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    ++requests_;
    const auto& req = parser_->get();
    request_.method = std::string(req.method_string());
    request_.target = std::string(req.target());
    request_.authorization = std::string(req[http::field::authorization]);
    request_.body = req.body();
    keep_alive_ = req.keep_alive();
    head_ = req.method() == http::verb::head;
    answer();
  }

  void answer() {
    Response r = shared_.api.handle(request_);
    const auto waited =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
    if (r.poll_for_ms && !shared_.stopping &&
        waited < std::chrono::milliseconds(r.poll_for_ms)) {  // a long poll: look again soon
      stream_.expires_never();
      timer_.expires_after(std::chrono::milliseconds(200));
      timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->answer();
      });
      return;
    }
    response_ = to_http(r);
    actor_ = r.actor;
    write(!keep_alive_ || shared_.stopping);
  }

  http::response<http::string_body> to_http(const Response& r) const {
    http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
    res.set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res.set(name, value);
    res.body() = r.body;
    return res;
  }

  http::response<http::string_body> error_http(unsigned status, const char* name,
                                               const std::string& message) const {
    return to_http(error_response(status, name, message));
  }

  void write(bool close_after) {
    auto& res = response_;
    res.set(http::field::server, "undertake");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "no-referrer");
    res.set("Cross-Origin-Opener-Policy", "same-origin");
    res.set("Content-Security-Policy", kContentSecurityPolicy);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(!close_after);
    res.prepare_payload();
    bytes_ = res.body().size();
    if (head_) res.body().clear(), res.content_length(bytes_);
    close_after_ = close_after;
    stream_.expires_after(shared_.options.request_timeout);  // a client that reads nothing
    http::async_write(stream_, res,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    log_request();
    if (ec || close_after_) return close();
    read();
  }

  void log_request() {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    const std::string target = request_.target.substr(0, 512);
    json::object line{
        {"time", format_iso8601(std::chrono::time_point_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now()))},
        {"remote", remote_},
        {"method", request_.method},
        {"target", target},
        {"status", response_.result_int()},
        {"bytes", bytes_},
        {"ms", static_cast<double>(static_cast<long long>(ms * 10)) / 10},
        {"actor", actor_}};
    shared_.log.line(json::serialize(line));
    request_ = Request{};
    actor_.clear();
  }

  void close_if_idle() {
    if (idle_) close();
  }

  void close() {
    beast::error_code ec;
    timer_.cancel();
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  Shared& shared_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  Request request_;
  std::string remote_, actor_;
  Clock::time_point started_ = Clock::now();
  std::size_t requests_ = 0, bytes_ = 0;
  bool keep_alive_ = false, close_after_ = false, head_ = false, idle_ = false;
};

tcp::endpoint parse_listen(const std::string& listen) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw Error(ErrorKind::invalid_argument, "--listen " + listen,
                "expected HOST:PORT (127.0.0.1:8080)");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const std::string p = listen.substr(colon + 1);
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port > 65535)
    throw Error(ErrorKind::invalid_argument, "--listen " + listen,
                "the port is not a number from 0 to 65535");
  beast::error_code aec;
  const auto address = asio::ip::make_address(host, aec);
  if (aec)
    throw Error(ErrorKind::invalid_argument, "--listen " + listen,
                "the host must be an IP address (127.0.0.1, ::1, 0.0.0.0)");
  return {address, static_cast<unsigned short>(port)};
}

void accept(tcp::acceptor& acceptor, asio::io_context& ioc, Shared& shared) {
  acceptor.async_accept(
      asio::make_strand(ioc), [&acceptor, &ioc, &shared](beast::error_code ec, tcp::socket socket) {
        if (ec) {
          if (shared.stopping || !acceptor.is_open()) return;  // closed for shutdown
          shared.log.line(
              json::serialize(json::object{{"event", "accept_failed"}, {"error", ec.message()}}));
        } else {
          const std::size_t n = shared.connections.fetch_add(1) + 1;
          auto session = std::make_shared<Session>(std::move(socket), shared);
          if (n > shared.options.max_connections)
            session->refuse();
          else
            session->start();
        }
        if (acceptor.is_open()) accept(acceptor, ioc, shared);
      });
}

}  // namespace

int run_server(const Api& api, const ServerOptions& options, std::ostream& log) {
  const tcp::endpoint endpoint = parse_listen(options.listen);
  // Before the io_context: handlers it still holds when it is destroyed (after a grace period
  // that ran out) hold sessions, whose destructors use `shared`.
  Shared shared(api, options, log);
  asio::io_context ioc(static_cast<int>(options.threads));
  tcp::acceptor acceptor(ioc);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorKind::io, "--listen " + options.listen, ec.message());
  const auto bound = acceptor.local_endpoint();
  const std::string where = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                     : bound.address().to_string()) +
                            ":" + std::to_string(bound.port());
  shared.log.line("listening on " + where);
  if (!bound.address().is_loopback())
    shared.log.line("warning: " + where +
                    " is not a loopback address: bearer tokens and case data would cross the "
                    "network in clear text; put a TLS proxy in front (docs/security.md)");

  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  asio::steady_timer grace(ioc);
  signals.async_wait([&](beast::error_code, int signal) {
    shared.stopping = true;
    shared.log.line(json::serialize(json::object{{"event", "shutdown"}, {"signal", signal}}));
    acceptor.close();
    std::vector<std::function<void()>> closers;
    {
      const std::lock_guard<std::mutex> lock(shared.sessions_mutex);
      for (auto& [key, close] : shared.closers) closers.push_back(close);
    }
    for (auto& close : closers) close();  // idle connections now; busy ones after their answer
    grace.expires_after(options.shutdown_grace);
    grace.async_wait([&ioc](beast::error_code e) {
      if (!e) ioc.stop();
    });
  });
  accept(acceptor, ioc, shared);

  std::vector<std::thread> pool;
  const std::size_t threads = options.threads ? options.threads : 1;
  std::atomic<bool> drained{false};
  std::thread watcher;  // ends the grace period early once every connection is closed
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  watcher = std::thread([&] {
    while (!drained) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (shared.stopping && shared.connections == 0) {
        asio::post(ioc, [&] { grace.cancel(); });
        drained = true;
      }
    }
  });
  ioc.run();
  drained = true;
  watcher.join();
  for (auto& t : pool) t.join();
  shared.log.line(json::serialize(json::object{{"event", "stopped"}}));
  return 0;
}

}  // namespace undertake::server
