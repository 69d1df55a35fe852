// fire() gives the strong guarantee even when memory runs out midway (issue 13 item 7): for every
// event of an order and every N up to the allocations the event makes, the N-th allocation fails
// (std::bad_alloc), and the case must then be exactly as before — state, record, ledger,
// deadlines, risk register, snapshot text — when fire() threw or refused, and exactly the result
// of the same event without the failure when it accepted.
//
// This executable replaces the global operator new: it must stay a program of its own.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>

#include "support/order_driver.hpp"

namespace {

// > 0: the number of allocations until the one that fails (counted down); 0: none fails.
long g_countdown = 0;
bool g_failed = false;  // the allocation armed by g_countdown failed

void* allocate(std::size_t size, std::size_t alignment) {
  if (g_countdown > 0 && --g_countdown == 0) {
    g_failed = true;
    throw std::bad_alloc();
  }
  void* p = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    p = std::malloc(size ? size : 1);
  } else if (posix_memalign(&p, alignment, size ? size : 1) != 0) {
    p = nullptr;
  }
  if (!p) throw std::bad_alloc();
  return p;
}

void* allocate_or_null(std::size_t size, std::size_t alignment) noexcept {
  try {
    return allocate(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace

// Every replaceable form (C++17), so that none of the library's own is linked in beside these.
void* operator new(std::size_t n) {
  return allocate(n, 0);
}
void* operator new[](std::size_t n) {
  return allocate(n, 0);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, 0);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, 0);
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

using namespace undertake;
using namespace undertake::testing;
namespace json = boost::json;

namespace {

// Every kind of event of a full order, plus what the main path lacks: two risk register updates,
// a suspension and its resumption (a record member added and removed), a complaint loop (keyed
// deadlines, a deadline condition) and refusals by role, state and gate.
std::vector<Step> order_with_detours() {
  std::vector<Step> steps;
  for (const Step& s : main_path()) {
    const std::string_view event = s.event;
    if (event == "evaluation.approve") {
      steps.push_back({"evaluation.approve", kSales, "{}"});  // refused: role
      steps.push_back({"evaluation.risks", kSales,
                       R"({"risks": [{"id": "R2", "category": "market", "probability": 2,
                           "impact": 2, "description": "a competitor"},
                          {"id": "R1", "owner": "li"}]})"});
    }
    if (event == "contract.submit") {
      steps.push_back({"case.suspend", kSales, R"({"reason": "the customer asked to wait"})"});
      steps.push_back({"contract.submit", kSales, "{}"});  // refused: state (suspended)
      steps.push_back({"case.resume", kSales, "{}"});
    }
    if (event == "contract.approve")  // refused: the authority matrix wants an approval first
      steps.push_back({"contract.sign", kSales, "{}"});
    if (event == "case.close") {
      steps.push_back({"service.complaint", kSales,
                       R"({"id": "C1", "severity": "minor", "description": "a scratch"})"});
      steps.push_back({"case.close", kSales, "{}"});  // refused: gate (an open complaint)
      steps.push_back({"service.investigate", kQuality,
                       R"({"id": "C1", "root_cause": "packing", "responsibility": "production"})"});
      steps.push_back({"service.resolve", kQuality, R"({"id": "C1", "solution": "replaced"})"});
      steps.push_back({"service.verify", kQuality, R"({"id": "C1", "satisfied": true})"});
    }
    steps.push_back(s);
    if (event == "evaluation.quote")
      steps.push_back({"evaluation.risks", kSales,
                       R"({"risks": [{"id": "R1", "category": "technical", "probability": 3,
                           "impact": 4, "description": "new alloy", "response": "mitigate"}]})"});
  }
  return steps;
}

std::string text(const Case& c) {
  return json::serialize(c.snapshot());
}

struct Counts {
  long runs = 0;       // fires with an allocation failing
  long threw = 0;      // ... that threw std::bad_alloc
  long refused = 0;    // ... that refused the event
  long swallowed = 0;  // ... that gave the result of a fire without failure all the same
};

}  // namespace

TEST_CASE("fire() changes nothing, or everything, when any one allocation fails", "[faults]") {
  const Engine engine;
  Case c = engine.create_case("A-1", regular_order());
  Case reference = engine.create_case("A-1", regular_order());
  Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
  Counts counts;
  std::size_t accepted_events = 0;
  for (const Step& step : order_with_detours()) {
    at += std::chrono::hours(1);
    INFO("event " << step.event);
    const json::object payload = json::parse(step.payload).as_object();
    const Outcome expected = reference.fire(step.event, step.actor, payload, at);
    const std::string expected_outcome = json::serialize(expected.to_json());
    const std::string before = text(c);
    const std::string after = text(reference);
    if (expected.accepted) ++accepted_events;
    for (long n = 1;; ++n) {
      json::object p = payload;  // copied before the failure is armed
      std::optional<Outcome> outcome;
      bool threw = false;
      g_failed = false;
      g_countdown = n;
      try {
        outcome.emplace(c.fire(step.event, step.actor, std::move(p), at));
      } catch (const std::bad_alloc&) {
        threw = true;
      }
      const bool failed = g_failed;
      g_countdown = 0;
      if (!failed) {  // allocation n was never reached: every allocation of the event was tried
        REQUIRE(outcome);
        CHECK(json::serialize(outcome->to_json()) == expected_outcome);
        CHECK(text(c) == after);
        break;
      }
      ++counts.runs;
      INFO("allocation " << n << " failed");
      if (threw || !outcome->accepted) {
        counts.threw += threw;
        counts.refused += !threw;
        REQUIRE(text(c) == before);
        continue;
      }
      // Accepted although an allocation failed: only right when the failure was handled and the
      // result is exactly the one without it.
      ++counts.swallowed;
      CHECK(json::serialize(outcome->to_json()) == expected_outcome);
      REQUIRE(text(c) == after);
      c = engine.restore(json::parse(before));
    }
    REQUIRE(text(c) == after);
  }
  CHECK(c.stage() == "Closed");
  CHECK(accepted_events > 40);
  CHECK(counts.runs > 1000);
  std::printf(
      "alloc_failure: %zu accepted events, %ld fires with a failing allocation: %ld threw, "
      "%ld refused, %ld handled the failure\n",
      accepted_events, counts.runs, counts.threw, counts.refused, counts.swallowed);
}
