// Crash test of the SQLite case store (synchronous=FULL, WAL).
//
// Each iteration forks a child that opens the store, picks up the open cases it finds (restoring
// them from their snapshots) and fires simulated events on them and on new cases as fast as it
// can, each accepted event saved in its own transaction. After every save returns, the child
// writes "<case> <revision>" to a pipe: from then on the event counts as accepted. The parent
// kills the child with SIGKILL after a random delay (landing before, inside or after commits),
// reads what was reported, and checks that
//   * the store opens and passes PRAGMA integrity_check and its own invariants (ledger rows run
//     1..revision for every case, no orphans);
//   * every reported (case, revision) is in the store (stored revision ≥ reported);
//   * every stored case restores (its snapshot matches its ledger);
//   * what the same transactions maintain agrees with the ledgers: the change feed holds every
//     ledger row exactly once (check()), every acknowledged request id is remembered, and the
//     worklist the inbox answers from is exactly the events each case accepts now.
// A process kill is what this can simulate; a power cut additionally needs the fsync of
// synchronous=FULL, which a test cannot pull the plug on.
//
//   undertake_store_crash [--iterations N] [--seed S] [--keep]
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "cli/simulate.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;

namespace {

void write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left) {
    const ssize_t n = ::write(fd, p, left);
    if (n <= 0) _exit(3);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

// The child: fire events until killed. Never returns.
[[noreturn]] void child(const std::string& path, int fd, int iteration, std::uint64_t seed) {
  try {
    SqliteOptions options;
    options.synchronous = SqliteOptions::Sync::full;
    SqliteCaseStore store(path, options);
    Engine engine;
    sim::RandomChooser ch(seed * 1000 + static_cast<std::uint64_t>(iteration));
    struct Live {
      sim::OrderScript script;
      Case c;
    };
    std::vector<Live> live;
    // Pick up open cases left by earlier children (a fresh script continues each of them).
    CaseFilter open;
    open.open_only = true;
    open.limit = 6;
    for (const auto& s : store.list(open)) {
      Case c = load_case(store, engine, s.case_id);
      sim::OrderScript script = sim::OrderScript::draw(
          s.case_id, s.updated.value_or(*parse_iso8601("2026-01-05T08:00:00Z")), ch);
      live.push_back(Live{std::move(script), std::move(c)});
    }
    int created = 0, requests = 0;
    for (;;) {
      if (live.size() < 6) {
        const std::string id = "C" + std::to_string(iteration) + "-" + std::to_string(++created);
        const Timestamp arrival = *parse_iso8601("2026-01-05T08:00:00Z");
        sim::OrderScript script = sim::OrderScript::draw(id, arrival, ch);
        Case c = engine.create_case(id, script.form());
        store.create(c);
        write_all(fd, id + " 0 -\n");
        live.push_back(Live{std::move(script), std::move(c)});
      }
      const std::size_t i =
          static_cast<std::size_t>(ch.between(0, static_cast<int>(live.size()) - 1));
      Live& l = live[i];
      const auto action = l.script.next(l.c, l.c.ledger_head().at.value_or(l.script.arrival()), ch);
      if (!action) {
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      // Half the events through fire_stored with a request id (load, fire, save with the request
      // record), half fired on the live case and saved.
      if (ch.chance(0.5)) {
        const std::string request =
            "R" + std::to_string(iteration) + "-" + std::to_string(++requests);
        const StoredFire r = fire_stored(store, engine, l.c.id(), action->event, action->actor,
                                         action->payload, action->at, FireOptions{request, 1});
        l.script.observe(*action, r.outcome);
        l.c = load_case(store, engine, l.c.id());
        if (r.outcome.accepted)
          write_all(fd, l.c.id() + " " + std::to_string(r.revision) + " " + request + "\n");
        continue;
      }
      const auto loaded = l.c.revision();
      const Outcome o = l.c.fire(action->event, action->actor, action->payload, action->at);
      l.script.observe(*action, o);
      if (!o.accepted) continue;
      store.save(l.c, loaded);
      write_all(fd, l.c.id() + " " + std::to_string(l.c.revision()) + " -\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child %d: %s\n", iteration, e.what());
    _exit(4);
  }
}

// The worklist as the inbox answers it (one actor with every role, every page) against the events
// each stored case accepts now; the first disagreement, or "".
std::string worklist_disagreement(const CaseStore& store, const Engine& engine) {
  InboxQuery query;
  query.actor = Actor{"checker", engine.policy()->roles()};
  query.limit = 1000;
  std::map<std::string, std::vector<std::string>> listed;
  for (;;) {
    const InboxPage page = store.inbox(query);
    for (const auto& item : page.items)
      for (const auto& e : item.events) listed[item.summary.case_id].push_back(e.event);
    if (page.next.empty()) break;
    query.after = page.next;
  }
  for (const auto& s : store.list()) {
    std::vector<std::string> expected;
    for (const auto& w : work_items(load_case(store, engine, s.case_id)))
      expected.push_back(w.event);
    std::vector<std::string>& got = listed[s.case_id];
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    if (got != expected)
      return "case " + s.case_id + ": the worklist lists " + std::to_string(got.size()) +
             " events, the case accepts " + std::to_string(expected.size());
  }
  return {};
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 60;
  std::uint64_t seed = 7;
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--iterations" && i + 1 < argc)
      iterations = std::stoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc)
      seed = std::stoull(argv[++i]);
    else if (a == "--keep")
      keep = true;
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("undertake-crash-" + std::to_string(::getpid()) + ".db"))
                               .string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::mt19937_64 rng(seed);
  std::map<std::string, std::uint64_t> reported;  // case → highest revision reported accepted
  std::vector<std::pair<std::string, std::string>> requests_reported;  // (case, request id)
  std::size_t events_reported = 0, killed_mid_run = 0;
  Engine engine;
  const auto started = std::chrono::steady_clock::now();

  for (int it = 0; it < iterations; ++it) {
    int fds[2];
    if (::pipe(fds) != 0) {
      std::perror("pipe");
      return 2;
    }
    std::cout.flush();
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("fork");
      return 2;
    }
    if (pid == 0) {
      ::close(fds[0]);
      child(path, fds[1], it, seed);
    }
    ::close(fds[1]);
    // Kill at a random point: mostly while events are being written, sometimes during start-up.
    const auto delay =
        std::chrono::microseconds(std::uniform_int_distribution<int>(500, 60'000)(rng));
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      ++killed_mid_run;
    else if (WIFEXITED(status)) {
      std::cerr << "iteration " << it << ": the child exited with status " << WEXITSTATUS(status)
                << " before it was killed\n";
      return 1;
    }
    std::istringstream lines(read_all(fds[0]));
    ::close(fds[0]);
    for (std::string id; lines >> id;) {
      std::uint64_t rev = 0;
      std::string request;
      if (!(lines >> rev >> request)) break;  // a line cut by the kill: not reported
      auto& r = reported[id];
      r = std::max(r, rev);
      ++events_reported;
      if (request != "-") requests_reported.emplace_back(id, request);
    }

    // The store after the crash.
    SqliteCaseStore store(path);
    const auto problems = store.check();
    if (!problems.empty()) {
      for (const auto& p : problems) std::cerr << "iteration " << it << ": " << p << "\n";
      return 1;
    }
    std::map<std::string, std::uint64_t> stored;
    for (const auto& s : store.list()) stored[s.case_id] = s.revision;
    for (const auto& [id, rev] : reported) {
      auto found = stored.find(id);
      if (found == stored.end() || found->second < rev) {
        std::cerr << "iteration " << it << ": case " << id << " was reported at revision " << rev
                  << " but the store has "
                  << (found == stored.end() ? std::string("nothing")
                                            : std::to_string(found->second))
                  << "\n";
        return 1;
      }
    }
    for (const auto& [id, request] : requests_reported)
      if (!store.remembered(id, request)) {
        std::cerr << "iteration " << it << ": request " << request << " of case " << id
                  << " was acknowledged but is not remembered\n";
        return 1;
      }
    if (const std::string problem = worklist_disagreement(store, engine); !problem.empty()) {
      std::cerr << "iteration " << it << ": " << problem << "\n";
      return 1;
    }
    // Every case touched in this iteration restores (a full check of all cases at the end).
    for (const auto& [id, rev] : stored) {
      if (id.rfind("C" + std::to_string(it) + "-", 0) != 0 && it + 1 != iterations) continue;
      try {
        Case c = load_case(store, engine, id);
        if (c.revision() != rev) {
          std::cerr << "case " << id << ": restored revision " << c.revision() << " != stored "
                    << rev << "\n";
          return 1;
        }
      } catch (const Error& e) {
        std::cerr << "iteration " << it << ": case " << id << " does not restore: " << e.what()
                  << "\n";
        return 1;
      }
    }
  }
  SqliteCaseStore store(path);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << iterations << " kills (" << killed_mid_run << " mid-run), " << reported.size()
            << " cases, " << events_reported << " acknowledged writes, " << store.entry_count()
            << " ledger entries stored; every acknowledged write survived; " << seconds << " s\n";
  if (!keep)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  else
    std::cout << "store kept at " << path << "\n";
  return 0;
}
