// Events per second through the C API (ut_case_fire, JSON text in and out) against the C++ API
// (Case::fire with C++ values), on the same full order lifecycle: tests/scenarios/full_order.json,
// a case created from its requirement form, every step fired, the case freed — per lifecycle.
//
//   bench_capi [scenario.json] [seconds per measurement = 2] [repetitions = 5]
//
// Prints one line per layer with the median events/s, and the C API / C++ ratio, then a JSON line
// for scripts (bench/bindings/run compares the bindings with it).
#include <undertake/undertake.h>
#include <undertake/undertake.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

struct Step {
  std::string event, actor_json, payload_json, at;
  undertake::Actor actor;
  json::object payload;
  undertake::Timestamp time;
};

struct Scenario {
  std::string id, data_json;
  json::object data;
  std::vector<Step> steps;
};

Scenario load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const json::value doc = json::parse(text.str());
  const json::object& c = doc.at("cases").at(0).as_object();
  Scenario s;
  s.id = std::string(c.at("id").as_string());
  s.data = c.at("data").as_object();
  s.data_json = json::serialize(s.data);
  for (const auto& v : c.at("steps").as_array()) {
    const json::object& o = v.as_object();
    Step st;
    st.event = std::string(o.at("event").as_string());
    st.actor = undertake::actor_from_json(o.at("actor"), "actor");
    st.actor_json = json::serialize(o.at("actor"));
    if (const json::value* p = o.if_contains("payload")) st.payload = p->as_object();
    st.payload_json = json::serialize(st.payload);
    st.at = std::string(o.at("at").as_string());
    st.time = *undertake::parse_iso8601(st.at);
    s.steps.push_back(std::move(st));
  }
  return s;
}

// Median events/s of `lifecycle` over `reps` measurements of about `seconds` each.
double measure(const std::function<void()>& lifecycle, std::size_t events, double seconds,
               int reps) {
  for (int i = 0; i < 20; ++i) lifecycle();  // warm up
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    std::size_t n = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    do {
      for (int k = 0; k < 10; ++k) lifecycle();
      n += 10;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    rates.push_back(static_cast<double>(n * events) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void check(int rc, const char* what) {
  if (rc != UT_OK) throw std::runtime_error(std::string(what) + ": " + ut_last_error());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string path =
        argc > 1 ? argv[1] : std::string(UNDERTAKE_SOURCE_DIR) + "/tests/scenarios/full_order.json";
    const double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
    const int reps = argc > 3 ? std::stoi(argv[3]) : 5;
    const Scenario s = load(path);
    const std::size_t events = s.steps.size();

    // C++ API: values in, Outcome out.
    undertake::Engine engine;
    const double cpp = measure(
        [&] {
          undertake::Case c = engine.create_case(s.id, s.data);
          for (const Step& st : s.steps)
            if (!c.fire(st.event, st.actor, st.payload, st.time).accepted)
              throw std::runtime_error("C++: " + st.event + " refused");
        },
        events, seconds, reps);

    // C API: JSON text in, outcome JSON out (asked for and freed), as a C host does.
    ut_engine* e = nullptr;
    check(ut_engine_open_default(&e), "open");
    auto capi_lifecycle = [&](bool want_outcome) {
      ut_case* c = nullptr;
      check(ut_case_create(e, s.id.c_str(), s.data_json.c_str(), &c), "create");
      for (const Step& st : s.steps) {
        char* outcome = nullptr;
        const int rc =
            ut_case_fire(c, st.event.c_str(), st.actor_json.c_str(), st.payload_json.c_str(),
                         st.at.c_str(), want_outcome ? &outcome : nullptr);
        ut_free(outcome);
        if (rc != UT_OK) throw std::runtime_error("C API: " + st.event + ": " + ut_last_error());
      }
      ut_case_free(c);
    };
    const double capi = measure([&] { capi_lifecycle(true); }, events, seconds, reps);
    const double capi_no_outcome = measure([&] { capi_lifecycle(false); }, events, seconds, reps);
    ut_engine_close(e);

    std::printf("events per lifecycle: %zu (%s)\n", events, path.c_str());
    std::printf("C++ API  (Case::fire)                  %10.0f events/s\n", cpp);
    std::printf("C API    (ut_case_fire, JSON in + out) %10.0f events/s  %.2fx slower than C++\n",
                capi, cpp / capi);
    std::printf("C API    (JSON in, no outcome asked)   %10.0f events/s  %.2fx slower than C++\n",
                capi_no_outcome, cpp / capi_no_outcome);
    std::printf(
        "{\"events_per_lifecycle\": %zu, \"cpp\": %.0f, \"capi\": %.0f, \"capi_no_outcome\": "
        "%.0f}\n",
        events, cpp, capi, capi_no_outcome);
    return 0;
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "bench_capi: %s\n", ex.what());
    return 1;
  }
}
