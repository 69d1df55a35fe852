// `undertake serve --db URI [--policy DIR] --tokens FILE [--listen 127.0.0.1:8080]`: the HTTP API
// and the web console over a case store (design.md §10; src/server/).
//
//   undertake serve --db orders.db --tokens tokens.json
//   undertake serve --db orders.db --tokens tokens.json --listen 127.0.0.1:0   # any free port
#include <iostream>
#include <memory>
#include <string>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "server/http_server.hpp"

namespace undertake::cli {

void add_serve_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string db, policy, tokens;
    server::ServerOptions server;
    unsigned request_timeout_s = 15, idle_timeout_s = 30;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("serve", "The HTTP API and the web console over the --db store");
  cmd->add_option("--db", o->db,
                  "The case store: sqlite:PATH or a plain path (default: the global --db)");
  cmd->add_option("--policy,--rules", o->policy,
                  "A rules directory or policy file (default: the built-in policy)");
  cmd->add_option("--tokens", o->tokens,
                  "The tokens file: {\"tokens\": {\"<secret>\": {\"id\": ..., \"roles\": [...]}}}")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--listen", o->server.listen,
                  "HOST:PORT (default 127.0.0.1:8080; port 0: any free port)");
  cmd->add_option("--threads", o->server.threads, "Requests answered at once (default 4)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--max-body", o->server.max_body_bytes,
                  "Largest request body in bytes (default 4 MiB)")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20));
  cmd->add_option("--max-connections", o->server.max_connections,
                  "Open connections at most; more get 503 (default 512)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--request-timeout", o->request_timeout_s,
                  "Seconds a request may take to arrive (default 15)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--idle-timeout", o->idle_timeout_s,
                  "Seconds a kept-alive connection may wait for its next request (default 30)")
      ->check(CLI::Range(1, 3600));
  cmd->callback([o, &ctx] {
    if (!o->db.empty()) ctx.db = o->db;
    auto store = open_store(ctx);
    auto engine = open_engine(o->policy);
    store->refresh_worklists(*engine);  // cases stored before the worklist index existed
    server::Tokens tokens = server::Tokens::from_file(o->tokens);
    std::clog << "undertake serve: " << tokens.size() << " token(s), policy "
              << engine->policy()->name() << " " << engine->policy()->version() << "\n";
    const server::Api api(*store, *engine, std::move(tokens), server::ApiOptions{o->policy});
    o->server.request_timeout = std::chrono::seconds(o->request_timeout_s);
    o->server.idle_timeout = std::chrono::seconds(o->idle_timeout_s);
    ctx.exit_status = server::run_server(api, o->server, std::clog);
  });
}

}  // namespace undertake::cli
