// One Engine shared by 8 threads, each driving its own cases through the whole main path, while
// another thread loads a new policy version in the middle (Engine::load_policy). Run under the
// tsan preset (.ci/sanitizers): no data race, no lost event, and every case ends byte-for-byte
// as the same case driven alone on one thread.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/order_driver.hpp"
#include "support/policy_parts.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

constexpr int kThreads = 8;
constexpr int kCasesPerThread = 3;

std::string case_id(int thread, int n) {
  return "CC-" + std::to_string(thread) + "-" + std::to_string(n);
}

std::atomic<std::size_t> fired_everywhere{0};  // accepted events on every thread

// Drives one case through main_path(); returns its final snapshot and counts accepted events.
std::string drive(const Engine& engine, const std::string& id, std::size_t& accepted) {
  OrderDriver d(engine, id);
  for (const Step& step : main_path()) {
    const Outcome o = d.fire(step);
    if (!o.accepted) throw std::runtime_error(id + ": main path refused: " + o.summary());
    ++accepted;
    ++fired_everywhere;
  }
  return boost::json::serialize(d.the_case().snapshot());
}

PolicySource next_version(const std::string& version) {
  PolicySource source = PolicySource::builtin();
  part_of(source, "policy").as_object()["version"] = version;
  return source;
}

}  // namespace

TEST_CASE("one engine, 8 threads, a policy reload in the middle: same results as one thread",
          "[concurrency]") {
  const std::size_t steps = main_path().size();

  // The reference: every case alone, one after another, on this thread.
  std::vector<std::string> expected;
  {
    const Engine engine;
    for (int t = 0; t < kThreads; ++t)
      for (int n = 0; n < kCasesPerThread; ++n) {
        std::size_t accepted = 0;
        expected.push_back(drive(engine, case_id(t, n), accepted));
        REQUIRE(accepted == steps);
      }
  }

  Engine engine;
  const std::string first_version = engine.policy()->version();
  std::vector<std::string> got(expected.size());
  std::vector<std::size_t> accepted(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::atomic<int> started{0};
  fired_everywhere = 0;
  std::atomic<bool> go{false};
  std::atomic<bool> reloaded{false};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      ++started;
      while (!go.load()) std::this_thread::yield();
      try {
        for (int n = 0; n < kCasesPerThread; ++n) {
          // The last case of each thread starts after the reload, so both versions are used.
          if (n == kCasesPerThread - 1)
            while (!reloaded.load()) std::this_thread::yield();
          // The cases opened before the reload keep their policy version; the later ones get
          // the new version, whose rules are the same: only the version string may differ.
          got[static_cast<std::size_t>(t * kCasesPerThread + n)] =
              drive(engine, case_id(t, n), accepted[static_cast<std::size_t>(t)]);
        }
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(t)] = e.what();
      }
    });
  std::thread reloader([&] {
    while (started.load() < kThreads) std::this_thread::yield();
    go = true;
    // In the middle: when half of all the events have been accepted.
    while (fired_everywhere.load() < expected.size() * steps / 2) std::this_thread::yield();
    engine.load_policy(next_version("2026.1-reloaded"));
    (void)engine.policy_version(first_version);
    reloaded = true;
  });
  for (auto& th : threads) th.join();
  reloader.join();

  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK(errors[static_cast<std::size_t>(t)].empty());
    CHECK(accepted[static_cast<std::size_t>(t)] == steps * kCasesPerThread);  // no lost event
  }
  CHECK(engine.policy()->version() == "2026.1-reloaded");
  REQUIRE(engine.policy_version(first_version) != nullptr);  // old cases stay restorable

  // The reload happened in the middle: some cases were opened under each version.
  const auto under_new = std::count_if(got.begin(), got.end(), [](const std::string& s) {
    return s.find("\"2026.1-reloaded\"") != std::string::npos;
  });
  CHECK(under_new > 0);
  CHECK(under_new < static_cast<std::ptrdiff_t>(got.size()));

  // The seal covers the policy version (the genesis hash and the digest): leave it out of the
  // comparison of cases that differ only in the version string.
  const auto unsealed = [](const std::string& text) {
    boost::json::value v = boost::json::parse(text);
    v.as_object().erase("digest");
    v.as_object()["ledger_head"].as_object().erase("hash");
    for (auto& e : v.as_object()["ledger"].as_array()) e.as_object().erase("hash");
    return boost::json::serialize(v);
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("case " << i);
    std::string normalised = unsealed(got[i]);
    const std::string new_version = "\"2026.1-reloaded\"";
    for (auto at = normalised.find(new_version); at != std::string::npos;
         at = normalised.find(new_version, at))
      normalised.replace(at, new_version.size(), "\"" + first_version + "\"");
    CHECK(normalised == unsealed(expected[i]));
    // Every snapshot restores on the shared engine, whichever version it was made under.
    CHECK(boost::json::serialize(
              engine.restore(parse_json(got[i], InputLimits{}, "snapshot")).snapshot()) == got[i]);
  }
}
