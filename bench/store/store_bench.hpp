// What the sections of bench_store share: clocks, cases along the main path, printing.
#pragma once

#include <time.h>

#include <boost/json/object.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "undertake/engine.hpp"
#include "undertake/sqlite_store.hpp"

namespace undertake::bench {

/// Wall time and CPU time of this thread (the machine is shared and loaded: CPU time of the
/// thread is what the code costs; wall time also holds what others took, and the disk).
struct Clocks {
  double wall_s = 0, cpu_s = 0;
};

inline double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Measures from construction to elapsed().
class Stopwatch {
 public:
  Stopwatch() : wall_(std::chrono::steady_clock::now()), cpu_(thread_cpu_s()) {}
  Clocks elapsed() const {
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count(),
            thread_cpu_s() - cpu_};
  }

 private:
  std::chrono::steady_clock::time_point wall_;
  double cpu_;
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/// `  label ........ 12,345 unit/s (CPU)   12,000 /s wall   (n in 1.23 s CPU)`
inline void print_rate(const char* label, double count, const Clocks& t, const char* unit) {
  std::printf("  %-46s %10.0f %s/s CPU %10.0f /s wall   (%.0f in %.2f s CPU)\n", label,
              count / t.cpu_s, unit, count / t.wall_s, count, t.cpu_s);
}

/// Removes a store file and its WAL and shared-memory files.
void remove_store(const std::string& path);

/// The main path of an order (tests/scenarios/full_order.json: 40 events, Intake to Closed)
/// with a quote whose margin is exact in binary (0.25: no 16-digit double in the record).
struct PathStep {
  std::string event;
  Actor actor;
  boost::json::object payload;
};
const std::vector<PathStep>& main_path();

/// A case fired along main_path() for its first `steps` events, one hour apart from `start`;
/// `customer` names it in data.customer.name. `last` is the time of its last event.
Case main_path_case(const Engine& engine, const std::string& id, const std::string& customer,
                    std::size_t steps, Timestamp start, Timestamp* last = nullptr);

// The sections (each prints its own block).
struct RoundTripOptions {
  std::string dir;
  std::size_t pool = 4000;     ///< stored cases the events are spread over
  std::size_t events = 20000;  ///< events per run (synchronous OFF and NORMAL; FULL gets 1/10)
  bool keep = false;           ///< leave the pool's store and the last run's copy for a look
};
void round_trip_section(const Engine& engine, const RoundTripOptions& options);

struct ScaleOptions {
  std::string dir;
  std::size_t cases = 100'000;  ///< cases in the store the inbox and the change feed read
  bool keep = false;            ///< keep the store file, and reuse it when it has `cases` cases
};
void inbox_and_changes_section(const Engine& engine, const ScaleOptions& options);

}  // namespace undertake::bench
