// Stress test of concurrent writers on the SQLite store (issue 13): several processes, each with
// its own connection, fire events on stored cases as fast as they can -- load the case, fire,
// save with the loaded revision -- either all on one shared case or each on a case of its own.
// A save must either succeed (after waiting for the write lock) or be refused as a stale revision
// (ErrorKind::conflict). The test fails on
//   * any lock error (the busy timeout is 10 s; no save waits that long here),
//   * any other error,
//   * a conflict on a case only one process writes,
//   * a lost or extra write: the final revision of every case must equal the number of saves that
//     returned (acknowledged),
//   * a store that fails its own check.
// It counts, it does not time: a slow machine (or ASan) only makes fewer conflicts.
//
//   undertake_store_stress [--processes N] [--fires M] [--cases shared|own] [--keep]
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/support/pipes.hpp"
#include "store_support.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"

using namespace undertake;
using undertake::testing::read_all;
using undertake::testing::write_all;

namespace {

// What one process saw; the first message of each kind of failure, for the report.
struct Tally {
  long saved = 0, conflicts = 0, lock_errors = 0, other_errors = 0;
  std::string first_lock_error, first_other_error;

  void add(const Tally& t) {
    saved += t.saved;
    conflicts += t.conflicts;
    lock_errors += t.lock_errors;
    other_errors += t.other_errors;
    if (first_lock_error.empty()) first_lock_error = t.first_lock_error;
    if (first_other_error.empty()) first_other_error = t.first_other_error;
  }
  // One line of counts, then the two messages (each on one line).
  std::string serialise() const {
    std::ostringstream out;
    out << saved << ' ' << conflicts << ' ' << lock_errors << ' ' << other_errors << '\n'
        << first_lock_error << '\n'
        << first_other_error << '\n';
    return out.str();
  }
  static bool parse(const std::string& text, Tally& t) {
    std::istringstream in(text);
    if (!(in >> t.saved >> t.conflicts >> t.lock_errors >> t.other_errors)) return false;
    in.ignore(1);
    std::getline(in, t.first_lock_error);
    std::getline(in, t.first_other_error);
    return true;
  }
};

bool is_lock_error(const Error& e) {
  const std::string& why = e.why();
  return e.kind() == ErrorKind::io &&
         (why.find("lock") != std::string::npos || why.find("busy") != std::string::npos);
}

// Fires `fires` times at `case_id`, each a load, a fire and a save. Every outcome is counted.
Tally fire_repeatedly(const std::string& path, const std::string& case_id, int fires) {
  Tally t;
  SqliteCaseStore store(path, store_test::no_sync());
  Engine engine;
  for (int i = 0; i < fires; ++i) {
    try {
      Case c = load_case(store, engine, case_id);
      const auto loaded = c.revision();
      if (!store_test::hand_over(c).accepted)
        throw Error(ErrorKind::invalid_argument, case_id, "case.handover was refused");
      store.save(c, loaded);
      ++t.saved;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::conflict) {
        ++t.conflicts;
      } else if (is_lock_error(e)) {
        if (!t.lock_errors++) t.first_lock_error = e.what();
      } else if (!t.other_errors++) {
        t.first_other_error = e.what();
      }
    }
  }
  return t;
}

// The child: waits at the start line (until the parent closes `start`), fires, writes its tally
// to `out`. Never returns.
[[noreturn]] void child(const std::string& path, const std::string& case_id, int fires, int start,
                        int out) {
  Tally t;
  try {
    char c;
    while (::read(start, &c, 1) > 0) {
    }
    t = fire_repeatedly(path, case_id, fires);
  } catch (const std::exception& e) {
    t.other_errors = 1;
    t.first_other_error = e.what();
  }
  if (!write_all(out, t.serialise())) _exit(3);
  _exit(0);
}

struct Options {
  int processes = 4;
  int fires = 200;
  bool shared = true;
  bool keep = false;
};

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--processes" && has_value)
      o.processes = std::stoi(argv[++i]);
    else if (a == "--fires" && has_value)
      o.fires = std::stoi(argv[++i]);
    else if (a == "--cases" && has_value) {
      const std::string v = argv[++i];
      if (v != "shared" && v != "own") return false;
      o.shared = v == "shared";
    } else if (a == "--keep")
      o.keep = true;
    else
      return false;
  }
  return o.processes > 0 && o.fires > 0;
}

std::string case_of(const Options& o, int process) {
  return o.shared ? std::string("SHARED") : "OWN-" + std::to_string(process);
}

// Forks the writers, lets them start together, and collects their tallies (empty on a failure).
std::vector<Tally> run_writers(const Options& o, const std::string& path) {
  int start[2];
  if (::pipe(start) != 0) return {};
  std::vector<std::pair<pid_t, int>> children;  // pid, read end of its result pipe
  for (int p = 0; p < o.processes; ++p) {
    int out[2];
    if (::pipe(out) != 0) return {};
    std::cout.flush();
    const pid_t pid = ::fork();
    if (pid < 0) return {};
    if (pid == 0) {
      ::close(start[1]);
      ::close(out[0]);
      child(path, case_of(o, p), o.fires, start[0], out[1]);
    }
    ::close(out[1]);
    children.emplace_back(pid, out[0]);
  }
  ::close(start[0]);
  ::close(start[1]);  // the start signal: every child's read returns 0
  std::vector<Tally> tallies;
  bool ok = true;
  for (const auto& [pid, fd] : children) {
    Tally t;
    const bool parsed = Tally::parse(read_all(fd), t);
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!parsed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cerr << "writer " << pid << " did not report (status " << status << ")\n";
      ok = false;
    }
    tallies.push_back(t);
  }
  return ok ? tallies : std::vector<Tally>{};
}

// Checks the store against the tallies; prints what is wrong and returns false on a failure.
bool verify(const Options& o, const std::string& path, const std::vector<Tally>& tallies) {
  bool ok = true;
  SqliteCaseStore store(path, store_test::no_sync());
  for (const auto& p : store.check()) {
    std::cerr << "store check: " << p << "\n";
    ok = false;
  }
  Engine engine;
  long expected_shared = 0;
  for (int p = 0; p < o.processes; ++p) {
    const Tally& t = tallies[static_cast<std::size_t>(p)];
    expected_shared += t.saved;
    if (o.shared) continue;
    const auto revision = static_cast<long>(load_case(store, engine, case_of(o, p)).revision());
    if (revision != t.saved || t.conflicts != 0) {
      std::cerr << case_of(o, p) << ": revision " << revision << " after " << t.saved
                << " acknowledged saves and " << t.conflicts << " conflicts (its only writer)\n";
      ok = false;
    }
  }
  if (o.shared) {
    const auto revision = static_cast<long>(load_case(store, engine, "SHARED").revision());
    if (revision != expected_shared) {
      std::cerr << "SHARED: revision " << revision << " after " << expected_shared
                << " acknowledged saves\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) {
    std::cerr << "usage: undertake_store_stress [--processes N] [--fires M] [--cases shared|own] "
                 "[--keep]\n";
    return 2;
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("undertake-stress-" + std::to_string(::getpid()) + ".db"))
                               .string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  {
    // The cases, created before any writer starts; the connection is closed before the fork.
    SqliteCaseStore store(path, store_test::no_sync());
    Engine engine;
    for (int p = 0; p < (o.shared ? 1 : o.processes); ++p)
      store.create(engine.create_case(case_of(o, p), {}));
  }
  const std::vector<Tally> tallies = run_writers(o, path);
  if (tallies.empty()) return 1;
  Tally total;
  for (const auto& t : tallies) total.add(t);
  std::cout << o.processes << " processes x " << o.fires << " fires on "
            << (o.shared ? "one shared case" : "a case each") << ": " << total.saved << " saved, "
            << total.conflicts << " conflicts, " << total.lock_errors << " lock errors, "
            << total.other_errors << " other errors\n";
  if (total.lock_errors) std::cout << "first lock error: " << total.first_lock_error << "\n";
  if (total.other_errors) std::cout << "first other error: " << total.first_other_error << "\n";
  bool ok = total.lock_errors == 0 && total.other_errors == 0 &&
            total.saved + total.conflicts == static_cast<long>(o.processes) * o.fires;
  try {
    ok = verify(o, path, tallies) && ok;
  } catch (const std::exception& e) {
    std::cerr << "verifying the store: " << e.what() << "\n";
    ok = false;
  }
  if (!o.keep)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  else
    std::cout << "store kept at " << path << "\n";
  std::cout << (ok ? "ok" : "FAILED") << "\n";
  return ok ? 0 : 1;
}
