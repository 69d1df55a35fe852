// Test support for snapshots, replay, deadlines and the store: the full order of
// tests/scenarios/full_order.json (support/full_order.hpp) fired step by step, temporary store
// files, error capture.
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "undertake/case.hpp"
#include "undertake/engine.hpp"
#include "support/errors.hpp"
#include "support/full_order.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace ut_test {

namespace json = boost::json;
using undertake::Actor;
using undertake::Timestamp;

using Step = undertake::testing::OrderStep;
using Order = undertake::testing::ScenarioOrder;
using undertake::testing::full_order;
using undertake::testing::step_index;

inline Timestamp at(std::string_view iso) {
  auto t = undertake::parse_iso8601(iso);
  if (!t) throw std::runtime_error("bad time " + std::string(iso));
  return *t;
}

inline std::chrono::milliseconds days(double d) {
  return std::chrono::milliseconds(static_cast<long long>(d * 24 * 3600 * 1000));
}

/// Fires steps [from, to) of the full order on `c`, shifted by `shift`; every one must be accepted.
inline void fire_steps(undertake::Case& c, std::size_t from, std::size_t to,
                       std::chrono::milliseconds shift = std::chrono::milliseconds(0)) {
  const auto& steps = full_order().steps;
  for (std::size_t i = from; i < to && i < steps.size(); ++i) {
    const auto o = c.fire(steps[i].event, steps[i].actor, steps[i].payload, steps[i].at + shift);
    if (!o.accepted) throw std::runtime_error("step " + std::to_string(i) + " " + o.summary());
  }
}

using undertake::testing::error_of;

/// A store file in the temporary directory, removed (with its -wal and -shm) when destroyed.
class TempFile {
 public:
  explicit TempFile(std::string_view stem) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("undertake-" + std::string(stem) + "-" + std::to_string(::getpid()) + "-" +
              std::to_string(counter++) + ".db"))
                .string();
    remove();
  }
  ~TempFile() { remove(); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  void remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

}  // namespace ut_test
