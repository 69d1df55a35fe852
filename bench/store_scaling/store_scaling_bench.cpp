// Several app servers on one database (issue 16, "Measure"): the load → fire → save round trip
// from 1, 2, 4 and 8 client processes, each with its own connection, for SQLite (synchronous FULL
// and NORMAL, one file) and PostgreSQL (synchronous_commit on and off, one server), side by side;
// then ticking 1,000 due cases with 1, 2 and 4 tickers at once on PostgreSQL, with the duplicate
// count. Wall time (the clients are processes); the engine's share of a round trip is the time in
// Engine::restore and Case::fire over the whole round trip (load + restore + fire + save).
//
//   bench_store_scaling --sqlite-dir DIR --pg CONNINFO [--events N] [--cases N]
//
// bench/store_scaling/run starts a throw-away PostgreSQL cluster (fsync on) and runs this.
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "replay_support.hpp"
#include "undertake/engine.hpp"
#include "undertake/postgres_store.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
using namespace undertake;
using Clock = std::chrono::steady_clock;

namespace {

struct Config {
  std::string sqlite_dir, pg;
  int events = 400;  // per client
  int cases = 1000;
};

// A store kind of the table: how a client opens it.
struct Kind {
  std::string name;
  std::function<std::unique_ptr<CaseStore>(const std::string& tag)> open;
};

std::string case_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "B-%05d", i);
  return buf;
}

double micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

// One client: `events` round trips on random cases, each timed; its latencies (µs) and the
// engine's part of them, one per line.
std::string client(CaseStore& store, int cases, int events, unsigned seed) {
  Engine engine;
  std::mt19937 rng(seed);
  std::ostringstream out;
  const Timestamp at = ut_test::at("2026-02-02T09:00:00Z");
  for (int i = 0; i < events; ++i) {
    const std::string id = case_name(static_cast<int>(rng() % static_cast<unsigned>(cases)));
    for (int attempt = 0;; ++attempt) {
      const auto t0 = Clock::now();
      std::optional<json::value> head = store.head(id);
      const auto t1 = Clock::now();
      Case c = engine.restore(std::move(*head));
      const std::uint64_t loaded = c.revision();
      const Outcome o = c.fire("case.handover", Actor{"boss", {"management"}},
                               json::object{{"from", "li"}, {"to", "chen"}}, at);
      const auto t2 = Clock::now();
      if (!o.accepted) std::exit(3);
      try {
        store.save(c, loaded);
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::conflict && attempt < 5) continue;
        throw;
      }
      const auto t3 = Clock::now();
      out << micros(t3 - t0) << ' ' << micros(t2 - t1) << '\n';
      break;
    }
  }
  return out.str();
}

struct Row {
  double per_second = 0, p50 = 0, p99 = 0, engine_share = 0;
};

Row run_clients(const Kind& kind, const Config& cfg, int clients, const std::string& tag) {
  {
    auto store = kind.open(tag);
    Engine engine;
    auto create_all = [&] {
      for (int i = 0; i < cfg.cases; ++i)
        store->create(engine.create_case(case_name(i), ut_test::full_order().data));
    };
    if (auto* pg = dynamic_cast<PostgresCaseStore*>(store.get()))
      pg->transaction(create_all);
    else
      dynamic_cast<SqliteCaseStore&>(*store).transaction(create_all);
  }
  std::vector<std::pair<pid_t, int>> children;
  const auto started = Clock::now();
  for (int k = 0; k < clients; ++k) {
    int fds[2];
    if (::pipe(fds) != 0) std::exit(2);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      try {
        auto store = kind.open(tag);
        const std::string text =
            client(*store, cfg.cases, cfg.events, static_cast<unsigned>(k + 1));
        for (std::size_t done = 0; done < text.size();) {
          const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
          if (n <= 0) break;
          done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
      } catch (const std::exception& e) {
        std::cerr << kind.name << ": " << e.what() << "\n";
        ::_exit(1);
      }
    }
    ::close(fds[1]);
    children.emplace_back(pid, fds[0]);
  }
  std::vector<double> latency;
  double engine_us = 0, total_us = 0;
  for (auto& [pid, fd] : children) {
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
      text.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::exit(1);
    std::istringstream in(text);
    double l = 0, e = 0;
    while (in >> l >> e) {
      latency.push_back(l);
      engine_us += e;
      total_us += l;
    }
  }
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(latency.begin(), latency.end());
  Row r;
  r.per_second = static_cast<double>(latency.size()) / wall;
  r.p50 = latency[latency.size() / 2];
  r.p99 = latency[std::min(latency.size() - 1, latency.size() * 99 / 100)];
  r.engine_share = total_us > 0 ? engine_us / total_us : 0;
  return r;
}

void tick_bench(const Config& cfg) {
  std::printf("\nTick: %d due cases on PostgreSQL (synchronous_commit on), K tickers at once\n",
              cfg.cases);
  std::printf("%-9s %12s %14s %11s\n", "tickers", "wall (s)", "escalations/s", "duplicates");
  for (int tickers : {1, 2, 4}) {
    PostgresOptions o;
    o.schema = "tick_" + std::to_string(tickers) + "_" + std::to_string(::getpid());
    {
      auto store = open_postgres_store(cfg.pg, o);
      Engine engine;
      store->transaction([&] {
        for (int i = 0; i < cfg.cases; ++i) {
          Case c = engine.create_case(case_name(i), ut_test::full_order().data);
          ut_test::fire_steps(c, 0, ut_test::step_index("contract.draft"));
          store->create(c);
        }
      });
    }
    const auto started = Clock::now();
    std::vector<pid_t> children;
    for (int k = 0; k < tickers; ++k) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        auto store = open_postgres_store(cfg.pg, o);
        Engine engine;
        tick_stored(*store, engine, ut_test::at("2026-04-07"));
        ::_exit(0);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) ::waitpid(pid, nullptr, 0);
    const double wall = std::chrono::duration<double>(Clock::now() - started).count();
    auto store = open_postgres_store(cfg.pg, o);
    long escalations = 0, duplicates = 0;
    for (const CaseSummary& s : store->list()) {
      long n = 0;
      const std::optional<CaseLedger> ledger = store->ledger(s.case_id);
      for (const LedgerEntry& e : ledger->entries) n += e.kind == EntryKind::escalation;
      escalations += n;
      duplicates += n > 1 ? n - 1 : 0;
    }
    std::printf("%-9d %12.2f %14.0f %11ld%s\n", tickers, wall, escalations / wall, duplicates,
                escalations == cfg.cases ? "" : "  (escalations missing!)");
  }
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--sqlite-dir")
      cfg.sqlite_dir = v;
    else if (a == "--pg")
      cfg.pg = v;
    else if (a == "--events")
      cfg.events = std::atoi(v.c_str());
    else if (a == "--cases")
      cfg.cases = std::atoi(v.c_str());
  }
  if (cfg.sqlite_dir.empty() || cfg.pg.empty()) {
    std::cerr
        << "usage: bench_store_scaling --sqlite-dir DIR --pg CONNINFO [--events N] [--cases N]\n";
    return 2;
  }
  auto sqlite_kind = [&](const char* name, SqliteOptions::Sync sync) {
    return Kind{name, [&cfg, sync](const std::string& tag) -> std::unique_ptr<CaseStore> {
                  SqliteOptions o;
                  o.synchronous = sync;
                  return open_sqlite_store(cfg.sqlite_dir + "/" + tag + ".db", o);
                }};
  };
  auto pg_kind = [&](const char* name, bool sync) {
    return Kind{name, [&cfg, sync](const std::string& tag) -> std::unique_ptr<CaseStore> {
                  PostgresOptions o;
                  o.schema = tag;
                  const std::string setting =
                      std::string(" options='-c synchronous_commit=") + (sync ? "on" : "off") + "'";
                  return open_postgres_store(cfg.pg + setting, o);
                }};
  };
  const std::vector<Kind> kinds{sqlite_kind("SQLite FULL", SqliteOptions::Sync::full),
                                sqlite_kind("SQLite NORMAL", SqliteOptions::Sync::normal),
                                pg_kind("PG sync on", true), pg_kind("PG sync off", false)};
  std::printf("Round trip (load → fire → save), %d cases, %d events per client; wall clock\n",
              cfg.cases, cfg.events);
  std::printf("%-14s %8s %11s %10s %10s %13s\n", "store", "clients", "events/s", "p50 (µs)",
              "p99 (µs)", "engine share");
  int n = 0;
  for (const Kind& kind : kinds)
    for (int clients : {1, 2, 4, 8}) {
      const std::string tag = "rt_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
      const Row r = run_clients(kind, cfg, clients, tag);
      std::printf("%-14s %8d %11.0f %10.0f %10.0f %12.1f%%\n", kind.name.c_str(), clients,
                  r.per_second, r.p50, r.p99, 100 * r.engine_share);
      std::fflush(stdout);
      if (kind.name.rfind("SQLite", 0) == 0)
        for (const char* suffix : {".db", ".db-wal", ".db-shm"})
          std::filesystem::remove(cfg.sqlite_dir + "/" + tag + suffix);
    }
  tick_bench(cfg);
  return 0;
}
