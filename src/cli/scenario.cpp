#include "cli/scenario.hpp"

#include "cli/scenario_tick.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace undertake::cli {
namespace {

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& why) {
  throw Error(ErrorKind::invalid_json, file + ": " + path, why);
}

std::string state_text(const std::vector<std::string>& state) {
  std::string s = "[";
  for (std::size_t i = 0; i < state.size(); ++i) s += (i ? ", " : "") + state[i];
  return s + "]";
}

bool state_matches(const std::vector<std::string>& state, std::string_view expected) {
  for (const auto& s : state)
    if (s == expected ||
        (s.size() > expected.size() && s.compare(0, expected.size(), expected) == 0 &&
         s[expected.size()] == '.'))
      return true;
  return false;
}

std::string reasons_text(const Outcome& o) {
  std::string s;
  for (const auto& r : o.reasons)
    s += (s.empty() ? "" : " | ") + std::string(reason_kind_name(r.kind)) + ": " + r.message;
  return s.empty() ? "(no reason)" : s;
}

// `"expect_kpis": {"period": {"from", "to"}, "values": {"sales.revenue": 1200000, "x": null}}`:
// each value is one expectation, numbers compared with a relative tolerance of 1e-9.
void check_kpis(const std::string& file, const json::value& expect, const Policy& policy,
                ScenarioRun& run, std::ostream& out) {
  if (!expect.is_object())
    bad(file, "/expect_kpis", "expected {\"period\": {...}, \"values\": {...}}");
  const auto& o = expect.get_object();
  for (const auto& kv : o)
    if (kv.key() != "period" && kv.key() != "values")
      bad(file, "/expect_kpis/" + std::string(kv.key()), "unknown field (expected period, values)");
  const json::value* period = o.if_contains("period");
  if (!period || !period->is_object() || !period->get_object().if_contains("from") ||
      !period->get_object().if_contains("to") || !period->at("from").is_string() ||
      !period->at("to").is_string())
    bad(file, "/expect_kpis/period", "expected {\"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}");
  Period p;
  try {
    p = Period::days(period->at("from").get_string(), period->at("to").get_string());
  } catch (const Error& e) {
    bad(file, "/expect_kpis/period", e.why());
  }
  const json::value* values = o.if_contains("values");
  if (!values || !values->is_object())
    bad(file, "/expect_kpis/values", "expected an object: KPI id → value or null");
  const KpiReport report = compute_kpi_report(policy.kpi_catalogue(), run.ledgers, p);
  for (const auto& kv : values->get_object()) {
    const std::string id(kv.key());
    const KpiResult* result = report.find(id);
    if (!result) bad(file, "/expect_kpis/values/" + id, "not a KPI of the policy's catalogue");
    if (!kv.value().is_null() && !kv.value().is_number())
      bad(file, "/expect_kpis/values/" + id, "expected a number or null");
    const auto shown = [](const std::optional<double>& v) {
      return v ? json::serialize(json::value(*v)) : std::string("null");
    };
    bool ok;
    if (kv.value().is_null()) {
      ok = !result->value.has_value();
    } else {
      const double want = kv.value().to_number<double>();
      ok = result->value && std::fabs(*result->value - want) <=
                                1e-9 * std::max(std::fabs(want), std::fabs(*result->value));
    }
    if (ok) {
      ++run.tally.passed;
    } else {
      ++run.tally.failed;
      out << "FAIL " << file << ": expect_kpis " << id << ": expected "
          << json::serialize(kv.value()) << ", got " << shown(result->value) << "\n";
    }
  }
}

// The engine a scenario runs on: its "policy" (relative to the scenario file) or the built-in one.
std::unique_ptr<Engine> scenario_engine(const std::string& file, const json::object& root) {
  const json::value* policy = root.if_contains("policy");
  if (!policy) return std::make_unique<Engine>();
  if (!policy->is_string()) bad(file, "/policy", "expected a path to a rules directory");
  fs::path p(std::string(policy->get_string()));
  if (p.is_relative()) p = fs::path(file).parent_path() / p;
  return std::make_unique<Engine>(p.string());
}

// Counts one expectation of a step, and prints it when it failed.
struct StepCheck {
  const std::string& where;  // file, case, step and event, for the FAIL line
  ScenarioTally& tally;
  std::ostream& out;

  void operator()(bool ok, const std::string& expected, const std::string& got) const {
    if (ok) {
      ++tally.passed;
    } else {
      ++tally.failed;
      out << "FAIL " << where << ": expected " << expected << ", got " << got << "\n";
    }
  }
};

// A step's "expect": {"accepted", "state", "reason", "reason_kind", "warning"}, against what the
// engine answered.
void check_expectations(const std::string& file, const std::string& step_path,
                        const json::value& expect, const Outcome& o, const StepCheck& check) {
  if (!expect.is_object()) bad(file, step_path + "/expect", "expected an object");
  for (const auto& kv : expect.get_object()) {
    const std::string key(kv.key());
    if (key == "accepted") {
      if (!kv.value().is_bool()) bad(file, step_path + "/expect/accepted", "expected a boolean");
      const bool want = kv.value().get_bool();
      check(o.accepted == want, want ? "accepted" : "refused",
            o.accepted ? "accepted → " + state_text(o.state) : "refused: " + reasons_text(o));
    } else if (key == "state") {
      if (!kv.value().is_string()) bad(file, step_path + "/expect/state", "expected a state path");
      check(state_matches(o.state, kv.value().get_string()),
            "state " + std::string(kv.value().get_string()), state_text(o.state));
    } else if (key == "reason" || key == "reason_kind") {
      if (!kv.value().is_string()) bad(file, step_path + "/expect/" + key, "expected a string");
      const std::string_view want = kv.value().get_string();
      bool found = false;
      for (const auto& r : o.reasons)
        found =
            found || (key == "reason" ? r.message.find(want) != std::string::npos || r.rule == want
                                      : reason_kind_name(r.kind) == want);
      check(found,
            (key == "reason" ? "a refusal reason containing \"" : "a refusal of kind \"") +
                std::string(want) + "\"",
            o.accepted ? "accepted" : reasons_text(o));
    } else if (key == "warning") {
      if (!kv.value().is_string()) bad(file, step_path + "/expect/warning", "expected a string");
      const std::string_view want = kv.value().get_string();
      bool found = false;
      for (const auto& w : o.warnings) found = found || w.find(want) != std::string::npos;
      std::string got;
      for (const auto& w : o.warnings) got += (got.empty() ? "" : " | ") + w;
      check(found, "a warning containing \"" + std::string(want) + "\"",
            got.empty() ? "no warning" : got);
    } else {
      bad(file, step_path + "/expect/" + key,
          "unknown expectation (expected accepted, state, reason, reason_kind, warning)");
    }
  }
}

// A step that fires an event: {event, actor, payload, at, expect, note}.
void run_event_step(Case& c, const json::object& step, std::size_t si, const std::string& file,
                    const std::string& step_path, const ScenarioOptions& options,
                    ScenarioTally& tally, std::ostream& out) {
  for (const auto& kv : step)
    if (kv.key() != "event" && kv.key() != "actor" && kv.key() != "payload" && kv.key() != "at" &&
        kv.key() != "expect" && kv.key() != "note")
      bad(file, step_path + "/" + std::string(kv.key()),
          "unknown field (expected event, actor, payload, at, expect, note)");
  const json::value* event = step.if_contains("event");
  if (!event || !event->is_string()) bad(file, step_path + "/event", "expected an event name");
  const json::value* actor_json = step.if_contains("actor");
  if (!actor_json) bad(file, step_path + "/actor", "missing: who fires the event");
  Actor actor = actor_from_json(*actor_json, file + ": " + step_path + "/actor");
  json::object payload;
  if (const json::value* p = step.if_contains("payload")) {
    if (!p->is_object()) bad(file, step_path + "/payload", "expected an object");
    payload = p->get_object();
  }
  const json::value* at_json = step.if_contains("at");
  std::optional<Timestamp> at;
  if (at_json && at_json->is_string()) at = parse_iso8601(at_json->get_string());
  if (!at) bad(file, step_path + "/at", "expected an ISO-8601 date or date-time");

  const Outcome o = c.fire(event->get_string(), actor, std::move(payload), *at);
  if (options.verbose) out << "  " << c.id() << " #" << si + 1 << " " << o.summary() << "\n";

  const std::string where = file + ": case " + c.id() + " step " + std::to_string(si + 1) + " (" +
                            std::string(event->get_string()) + ")";
  if (const json::value* expect = step.if_contains("expect"))
    check_expectations(file, step_path, *expect, o, StepCheck{where, tally, out});
}

// One case of the scenario: {id, data, steps}; its ledger joins the run's.
void run_case(const Engine& engine, const json::value& spec_json, const std::string& case_path,
              const std::string& file, const ScenarioOptions& options, ScenarioRun& run,
              std::ostream& out) {
  if (!spec_json.is_object()) bad(file, case_path, "expected an object {id, data, steps}");
  const auto& spec = spec_json.get_object();
  const json::value* id = spec.if_contains("id");
  if (!id || !id->is_string()) bad(file, case_path + "/id", "a case needs a string id");
  json::object data;
  if (const json::value* d = spec.if_contains("data")) {
    if (!d->is_object()) bad(file, case_path + "/data", "expected an object");
    data = d->get_object();
  }
  Case c = engine.create_case(std::string(id->get_string()), std::move(data));
  const json::value* steps = spec.if_contains("steps");
  if (!steps || !steps->is_array()) bad(file, case_path + "/steps", "expected an array of steps");
  const auto& step_list = steps->get_array();
  for (std::size_t si = 0; si < step_list.size(); ++si) {
    const std::string step_path = case_path + "/steps/" + std::to_string(si);
    if (!step_list[si].is_object()) bad(file, step_path, "expected an object");
    const auto& step = step_list[si].get_object();
    if (is_tick_step(step))
      run_tick_step(c, step, file, step_path,
                    file + ": case " + c.id() + " step " + std::to_string(si + 1) + " (tick)",
                    options.verbose, run.tally, out);
    else
      run_event_step(c, step, si, file, step_path, options, run.tally, out);
  }
  run.ledgers.push_back(c.case_ledger());
}

}  // namespace

ScenarioRun run_scenario_file(const std::string& file, const ScenarioOptions& options,
                              std::ostream& out) {
  const json::value doc = read_json_file(file, InputLimits{});
  if (!doc.is_object()) bad(file, "/", "a scenario is an object with \"cases\"");
  const auto& root = doc.get_object();
  for (const auto& kv : root)
    if (kv.key() != "policy" && kv.key() != "cases" && kv.key() != "description" &&
        kv.key() != "expect_kpis")
      bad(file, "/" + std::string(kv.key()),
          "unknown field (expected policy, description, cases, expect_kpis)");

  const std::unique_ptr<Engine> engine = scenario_engine(file, root);
  const json::value* cases = root.if_contains("cases");
  if (!cases || !cases->is_array()) bad(file, "/cases", "expected an array of cases");
  ScenarioRun run;
  const auto& list = cases->get_array();
  for (std::size_t ci = 0; ci < list.size(); ++ci)
    run_case(*engine, list[ci], "/cases/" + std::to_string(ci), file, options, run, out);
  if (const json::value* expect = root.if_contains("expect_kpis"))
    check_kpis(file, *expect, *engine->policy(), run, out);
  return run;
}

}  // namespace undertake::cli
