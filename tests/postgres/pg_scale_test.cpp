// Several app servers on one PostgreSQL database (issue 16, item 8), against the server the CTest
// fixture started (tests/postgres/pg-cluster; $UNDERTAKE_TEST_POSTGRES holds its connection
// string). Each mode runs in a schema of its own and checks what it must, exit status 1 if not:
//
//   writers   P processes × T threads fire case.handover at random among C shared cases (load,
//             fire, save: fire_stored with a request id), many on one case at once. Every
//             acknowledged fire is in its case's ledger at the revision it was acknowledged at, no
//             unacknowledged one is, no seq is doubled, each conflict was retried or reported as a
//             conflict, every case verifies (full replay), the store checks clean, and the change
//             feed holds every entry once, gapless.
//   tickers   K processes tick N due cases at the same instant: each escalation recorded exactly
//             once (the reports add up to N, each ledger holds one escalation), then again: none.
//   kill      a writer process is killed with SIGKILL R times at random moments: every fire it
//             acknowledged before is stored, nothing is half-written (the store checks clean).
//   restart   T threads fire while the server is stopped with `pg_ctl stop -m immediate` and
//             started again: the calls in flight fail with Error(io), the threads retry with
//             their request ids, nothing acknowledged is lost and nothing is stored twice.
//
//   undertake_pg_scale writers|tickers|kill|restart [--cluster PG-CLUSTER DIR]
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "replay_support.hpp"
#include "support/pipes.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/postgres_store.hpp"

namespace json = boost::json;
using namespace undertake;
using undertake::testing::read_all;
using undertake::testing::write_all;

namespace {

std::string conninfo() {
  const char* v = std::getenv("UNDERTAKE_TEST_POSTGRES");
  if (!v || !*v) {
    std::cerr << "UNDERTAKE_TEST_POSTGRES is not set (run through ctest: the postgres fixture)\n";
    std::exit(2);
  }
  return v;
}

std::string g_schema;  // the mode's schema, shared by its processes

std::unique_ptr<PostgresCaseStore> open() {
  PostgresOptions o;
  o.schema = g_schema;
  return open_postgres_store(conninfo(), o);
}

int g_failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++g_failures;
    if (g_failures <= 20) std::cerr << "FAIL: " << what << "\n";
  }
}

const Timestamp kAt = ut_test::at("2026-02-02T09:00:00Z");
const Actor kBoss{"boss", {"management"}};

// One acknowledged fire: the case, the revision it was saved at, and its token (payload `to`).
struct Ack {
  std::string case_id, token;
  std::uint64_t revision = 0;
};

std::string case_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "S-%04d", i);
  return buf;
}

void create_cases(PostgresCaseStore& store, const Engine& engine, int n, std::size_t steps) {
  store.transaction([&] {
    for (int i = 0; i < n; ++i) {
      Case c = engine.create_case(case_name(i), ut_test::full_order().data);
      ut_test::fire_steps(c, 0, steps);
      store.create(c);
    }
  });
}

// Fires case.handover with token `token` and request id `token`; retries an Error(io) (the
// server went away) with the same request id until `patience` runs out. Returns the ack, or
// nothing after a conflict that outlived the attempts (counted in `conflicts`).
std::optional<Ack> hand_over(PostgresCaseStore& store, const Engine& engine, const std::string& id,
                             const std::string& token, long& conflicts, long& io_errors,
                             std::chrono::seconds patience = std::chrono::seconds(0)) {
  const auto give_up = std::chrono::steady_clock::now() + patience;
  for (;;) {
    try {
      const StoredFire r =
          fire_stored(store, engine, id, "case.handover", kBoss,
                      json::object{{"from", "li"}, {"to", token}}, kAt, FireOptions{token, 8});
      if (!r.outcome.accepted) throw Error(ErrorKind::invalid_argument, id, "handover refused");
      return Ack{id, token, r.revision};
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::conflict) {
        ++conflicts;
        return std::nullopt;
      }
      if (e.kind() != ErrorKind::io || std::chrono::steady_clock::now() > give_up) throw;
      ++io_errors;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

std::string serialise(const std::vector<Ack>& acks) {
  std::ostringstream out;
  for (const Ack& a : acks) out << a.case_id << ' ' << a.revision << ' ' << a.token << '\n';
  return out.str();
}

std::vector<Ack> parse(const std::string& text) {
  std::vector<Ack> out;
  std::istringstream in(text);
  Ack a;
  while (in >> a.case_id >> a.revision >> a.token) out.push_back(a);
  return out;
}

// A child process running `body`, whose text comes back through a pipe: its pid and the read end.
struct Child {
  pid_t pid;
  int fd;
};
Child spawn(const std::function<std::string()>& body) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(2);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    int status = 0;
    try {
      write_all(fds[1], body());
    } catch (const std::exception& e) {
      std::cerr << "child: " << e.what() << "\n";
      status = 1;
    }
    ::_exit(status);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}
// Its text, once it has ended; `what` failed when it did not exit 0.
std::string reap(const Child& c, const std::string& what) {
  std::string text = read_all(c.fd);
  ::close(c.fd);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, what + " failed");
  return text;
}

// Every ack in its ledger at its revision, every ledger entry acknowledged (when `all_acked`),
// every case verified, the store sound, the feed gapless with each entry once.
void check_outcome(PostgresCaseStore& store, const Engine& engine, const std::vector<Ack>& acks,
                   bool all_acked) {
  std::map<std::string, std::map<std::uint64_t, std::string>> acked;  // case → seq → token
  for (const Ack& a : acks) {
    auto [it, fresh] = acked[a.case_id].emplace(a.revision, a.token);
    expect(fresh || it->second == a.token,
           "case " + a.case_id + " seq " + std::to_string(a.revision) + " acknowledged twice");
  }
  std::uint64_t entries = 0;
  std::set<std::string> tokens;
  for (const CaseSummary& s : store.list()) {
    const auto ledger = store.ledger(s.case_id);
    for (const LedgerEntry& e : ledger->entries) {
      if (e.event != event_from_name("case.handover")) continue;
      ++entries;
      const std::string token(e.payload.at("to").as_string());
      expect(tokens.insert(token).second, "token " + token + " stored twice");
      auto c = acked.find(s.case_id);
      const bool was_acked =
          c != acked.end() && c->second.count(e.seq) && c->second.at(e.seq) == token;
      if (all_acked)
        expect(was_acked, "case " + s.case_id + " seq " + std::to_string(e.seq) + " (" + token +
                              ") stored but never acknowledged");
    }
    const VerifyReport v = verify_stored(store, engine, s.case_id);
    expect(v.ok(), "case " + s.case_id + " does not verify");
  }
  for (const auto& [id, seqs] : acked) {
    const auto ledger = store.ledger(id);
    for (const auto& [seq, token] : seqs) {
      const bool found = ledger && seq >= 1 && seq <= ledger->entries.size() &&
                         ledger->entries[seq - 1].payload.contains("to") &&
                         ledger->entries[seq - 1].payload.at("to").as_string() == token;
      expect(found, "acknowledged " + id + " seq " + std::to_string(seq) + " (" + token +
                        ") is not stored there");
    }
  }
  for (const std::string& p : check_store(store, engine)) expect(false, "store check: " + p);
  std::uint64_t position = 0, total = 0;
  std::set<std::pair<std::string, std::uint64_t>> seen;
  for (;;) {
    const auto page = store.changes(position, 1000);
    if (page.empty()) break;
    for (const Change& ch : page) {
      expect(ch.position == position + 1, "change feed gap after " + std::to_string(position));
      position = ch.position;
      expect(seen.emplace(ch.case_id, ch.entry.seq).second, "change feed repeats an entry");
      ++total;
    }
  }
  expect(total == store.entry_count(), "change feed holds " + std::to_string(total) +
                                           " entries, the ledgers " +
                                           std::to_string(store.entry_count()));
  std::cout << "  " << acks.size() << " acknowledged, " << entries << " handovers stored, "
            << store.entry_count() << " ledger rows, feed at " << position << "\n";
}

int run_writers(int processes, int threads, int cases, int fires) {
  Engine engine;
  auto store = open();
  create_cases(*store, engine, cases, 0);
  std::vector<Child> children;
  const auto started = std::chrono::steady_clock::now();
  for (int p = 0; p < processes; ++p)
    children.push_back(spawn([&, p] {
      std::vector<std::vector<Ack>> acks(static_cast<std::size_t>(threads));
      std::atomic<long> conflicts{0}, errors{0};
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          try {
            Engine e;
            auto s = open();
            std::mt19937 rng(static_cast<unsigned>(p * 100 + t));
            long c = 0, io = 0;
            for (int i = 0; i < fires; ++i) {
              // Half of the fires go to the first 10 cases: many on one case at once.
              const int k =
                  static_cast<int>(rng() % 2 ? rng() % 10 : rng() % static_cast<unsigned>(cases));
              const std::string token =
                  "p" + std::to_string(p) + "t" + std::to_string(t) + "n" + std::to_string(i);
              if (auto a = hand_over(*s, e, case_name(k), token, c, io))
                acks[static_cast<std::size_t>(t)].push_back(*a);
            }
            conflicts += c;
          } catch (const std::exception& ex) {
            ++errors;
            std::cerr << "writer: " << ex.what() << "\n";
          }
        });
      for (auto& th : pool) th.join();
      if (errors) throw Error(ErrorKind::io, "writer process", "a thread failed");
      std::vector<Ack> all;
      for (auto& a : acks) all.insert(all.end(), a.begin(), a.end());
      return std::to_string(conflicts.load()) + "\n" + serialise(all);
    }));
  std::vector<Ack> acks;
  long conflicts = 0;
  for (const Child& child : children) {
    const std::string text = reap(child, "a writer process");
    const std::size_t nl = text.find('\n');
    conflicts += std::atol(text.substr(0, nl).c_str());
    for (Ack& a : parse(text.substr(nl == std::string::npos ? text.size() : nl + 1)))
      acks.push_back(std::move(a));
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "writers: " << processes << " processes x " << threads << " threads, " << cases
            << " cases: " << acks.size() << " fires stored in " << s << " s, " << conflicts
            << " conflicts beyond the retries\n";
  expect(acks.size() + static_cast<std::size_t>(conflicts) ==
             static_cast<std::size_t>(processes * threads * fires),
         "every fire acknowledged or reported as a conflict");
  check_outcome(*store, engine, acks, true);
  return g_failures ? 1 : 0;
}

int run_tickers(int tickers, int cases) {
  Engine engine;
  auto store = open();
  // Stopped before contract.draft: the contract signing falls due 2026-04-06T09.
  create_cases(*store, engine, cases, ut_test::step_index("contract.draft"));
  const Timestamp now = ut_test::at("2026-04-07");
  for (int round = 0; round < 2; ++round) {
    std::vector<Child> children;
    const auto started = std::chrono::steady_clock::now();
    for (int k = 0; k < tickers; ++k)
      children.push_back(spawn([&] {
        Engine e;
        auto s = open();
        const StoreTickReport r = tick_stored(*s, e, now);
        return std::to_string(r.escalated) + " " + std::to_string(r.failures.size()) + "\n";
      }));
    long escalated = 0, failures = 0;
    for (const Child& child : children) {
      std::istringstream in(reap(child, "a ticker"));
      long e = 0, f = 0;
      in >> e >> f;
      escalated += e;
      failures += f;
    }
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "tickers: " << tickers << " at once, round " << round + 1 << ": " << escalated
              << " escalations in " << s << " s, " << failures << " failures\n";
    expect(escalated == (round == 0 ? cases : 0),
           "round " + std::to_string(round + 1) + ": " + std::to_string(escalated) +
               " escalations recorded, expected " + std::to_string(round == 0 ? cases : 0));
    expect(failures == 0, "tick failures");
  }
  long duplicates = 0;
  for (const CaseSummary& s : store->list()) {
    long n = 0;
    const std::optional<CaseLedger> ledger = store->ledger(s.case_id);
    for (const LedgerEntry& e : ledger->entries) n += e.kind == EntryKind::escalation;
    expect(n == 1, "case " + s.case_id + ": " + std::to_string(n) + " escalations");
    duplicates += n > 1 ? n - 1 : 0;
  }
  std::cout << "  duplicates: " << duplicates << "\n";
  for (const std::string& p : check_store(*store, engine)) expect(false, "store check: " + p);
  return g_failures ? 1 : 0;
}

int run_kill(int rounds, int cases) {
  Engine engine;
  auto store = open();
  create_cases(*store, engine, cases, 0);
  std::vector<Ack> acks;
  std::mt19937 rng(7);
  for (int round = 0; round < rounds; ++round) {
    int fds[2];
    if (::pipe(fds) != 0) return 2;
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      Engine e;
      auto s = open();
      long c = 0, io = 0;
      std::mt19937 r(static_cast<unsigned>(round));
      for (int i = 0;; ++i) {
        const std::string token = "k" + std::to_string(round) + "n" + std::to_string(i);
        // Acknowledged = written to the pipe after fire_stored returned.
        if (auto a =
                hand_over(*s, e, case_name(static_cast<int>(r() % static_cast<unsigned>(cases))),
                          token, c, io))
          write_all(fds[1], serialise({*a}));
      }
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 40));
    ::kill(pid, SIGKILL);
    for (Ack& a : parse(read_all(fds[0]))) acks.push_back(std::move(a));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  std::cout << "kill: " << rounds << " writers killed with SIGKILL\n";
  // A fire killed between its commit and its ack is stored but not acknowledged: allowed.
  check_outcome(*store, engine, acks, false);
  return g_failures ? 1 : 0;
}

int run_restart(const std::string& cluster, const std::string& dir, int threads, int cases) {
  Engine engine;
  auto store = open();
  create_cases(*store, engine, cases, 0);
  std::atomic<bool> stop{false};
  std::atomic<long> io_errors{0}, errors{0};
  std::vector<std::vector<Ack>> acks(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        Engine e;
        auto s = open();
        std::mt19937 rng(static_cast<unsigned>(t));
        long c = 0, io = 0;
        for (int i = 0; !stop; ++i) {
          const std::string token = "r" + std::to_string(t) + "n" + std::to_string(i);
          if (auto a = hand_over(*s, e,
                                 case_name(static_cast<int>(rng() % static_cast<unsigned>(cases))),
                                 token, c, io, std::chrono::seconds(60)))
            acks[static_cast<std::size_t>(t)].push_back(*a);
        }
        io_errors += io;
      } catch (const std::exception& ex) {
        ++errors;
        std::cerr << "writer: " << ex.what() << "\n";
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::string crash = cluster + " crash " + dir, restart = cluster + " restart " + dir;
  expect(std::system(crash.c_str()) == 0, "pg-cluster crash");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  expect(std::system(restart.c_str()) == 0, "pg-cluster restart");
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  stop = true;
  for (auto& th : pool) th.join();
  std::vector<Ack> all;
  for (auto& a : acks) all.insert(all.end(), a.begin(), a.end());
  std::cout << "restart: server stopped (immediate) and started under " << threads
            << " writers: " << io_errors << " calls failed with Error(io) and were retried\n";
  expect(errors == 0, "a writer gave up");
  expect(io_errors > 0, "no call noticed the server going away (the test did not test)");
  auto fresh = open();  // the old handle reconnects too; a new one proves the server is back
  check_outcome(*fresh, engine, all, true);
  return g_failures ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << "usage: undertake_pg_scale writers|tickers|kill|restart [--cluster SCRIPT DIR]\n";
    return 2;
  }
  std::string cluster, dir;
  for (std::size_t i = 1; i + 2 < args.size() + 1; ++i)
    if (args[i] == "--cluster" && i + 2 < args.size() + 1) {
      cluster = args[i + 1];
      dir = args[i + 2];
    }
  g_schema = args[0] + "_" + std::to_string(::getpid());
  try {
    if (args[0] == "writers") return run_writers(4, 4, 200, 40);
    if (args[0] == "tickers") return run_tickers(4, 1000);
    if (args[0] == "kill") return run_kill(100, 20);
    if (args[0] == "restart" && !cluster.empty()) return run_restart(cluster, dir, 4, 50);
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": " << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown mode " << args[0] << "\n";
  return 2;
}
