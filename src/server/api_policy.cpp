// The KPI report and the policy over HTTP: what the policy is, whether it checks, its rule tests,
// and a playground evaluating a gate or a rule against facts with the trace of what it read.
#include "server/api_internal.hpp"
#include "undertake/events.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/kpi.hpp"
#include "undertake/policy.hpp"
#include "undertake/rule_tests.hpp"

namespace json = boost::json;

namespace undertake::server {
namespace {

// GET /policy: name, version, roles, each event's roles and gate, and the parts the console draws
// (gates, decision tables, deadlines, KPI targets, risk model).
json::value policy_info(const Policy& policy) {
  json::object events;
  for (std::size_t i = 0; i < kEventCount; ++i) {
    const auto id = static_cast<EventId>(i);
    events[event_name(id)] = json::object{{"roles", json::value_from(policy.roles_for(id))},
                                          {"gated", policy.has_gate(id)}};
  }
  json::object parts;
  for (const char* name : {"roles", "gates", "tables", "deadlines", "kpi", "risk", "routes"})
    if (const json::value* p = policy.part(name)) parts[name] = *p;
  return json::object{{"name", policy.name()},
                      {"version", policy.version()},
                      {"roles", json::value_from(policy.roles())},
                      {"events", std::move(events)},
                      {"parts", std::move(parts)}};
}

PolicySource source_of(const ApiOptions& options) {
  return options.policy_path.empty() ? PolicySource::builtin()
                                     : policy_source_from_path(options.policy_path);
}

json::value trace_json(const jsonlogic::Trace& trace) {
  json::array reads;
  for (const auto& [path, value] : trace.reads)
    reads.push_back(json::object{{"path", path}, {"value", value}});
  return reads;
}

// POST /policy/evaluate: {event, facts, actor?} decides the event's gate (every rule, values
// read, matched table rows); {rule, facts} evaluates a JsonLogic rule with the policy's operators
// (tables through `decide`). Evaluation is bounded by the engine's rule limits.
json::value evaluate(const Engine& engine, const Principal& who, const json::object& body) {
  const auto policy = engine.policy();
  json::value facts = json::object{};
  if (const json::value* f = body.if_contains("facts")) facts = *f;
  if (const json::value* e = body.if_contains("event")) {
    if (!e->is_string())
      throw Error(ErrorKind::invalid_argument, "request body: event", "expected a string");
    const auto id = event_from_name(e->get_string());
    if (!id)
      throw Error(ErrorKind::not_found, "request body: event",
                  "no such event: " + std::string(e->get_string()));
    Actor actor = who.actor;  // whose authority an override would need: the caller's by default
    if (const json::value* a = body.if_contains("actor"))
      actor = actor_from_json(*a, "request body: actor");
    const GateDecision d = policy->decide(*id, facts, actor, engine.rule_limits());
    return json::object{{"event", e->get_string()}, {"decision", d.to_json()}};
  }
  const json::value* rule = body.if_contains("rule");
  if (!rule)
    throw Error(ErrorKind::invalid_argument, "request body",
                "give {event, facts} or {rule, facts}");
  const jsonlogic::Rule compiled = jsonlogic::Rule::compile(
      *rule, policy->operators(), "request body: rule", engine.rule_limits());
  jsonlogic::Trace trace;
  json::value result = compiled.evaluate(facts, engine.rule_limits(), &trace);
  return json::object{{"result", std::move(result)},
                      {"truthy", jsonlogic::truthy(result)},
                      {"reads", trace_json(trace)}};
}

json::value run_tests(const Engine& engine, const json::value& document) {
  RuleTestRunner runner(engine.policy());
  json::array results;
  std::size_t failed = 0;
  for (const auto& r : runner.run(document, "request body")) {
    failed += r.passed ? 0 : 1;
    results.push_back(json::object{{"name", r.name}, {"passed", r.passed}, {"report", r.report}});
  }
  const RuleTestCoverage c = runner.coverage();
  return json::object{
      {"passed", results.size() - failed},
      {"failed", failed},
      {"results", std::move(results)},
      {"coverage", json::object{{"summary", c.summary()}, {"gaps", json::value_from(c.gaps)}}}};
}

}  // namespace

Response Api::Impl::kpi(const Call& call) const {
  if (call.request.method != "GET") return error_response(405, "UT_E_INVALID_ARGUMENT", "use GET");
  const auto from = call.param("from"), to = call.param("to");
  if (!from || !to)
    throw Error(ErrorKind::invalid_argument, "query",
                "give the period: ?from=YYYY-MM-DD&to=YYYY-MM-DD");
  const Period period = Period::days(*from, *to);
  const auto policy = engine.policy();
  KpiOptions options;
  options.skip_bad_cases = call.param("skip_bad_cases").value_or("") == "true";
  return json_response(
      200, compute_kpi_report(policy->kpi_catalogue(), load_ledgers(store, engine), period, options)
               .to_json());
}

Response Api::Impl::policy(const Call& call) const {
  const std::string part = call.path.size() > 1 ? call.path[1] : "";
  const std::string& method = call.request.method;
  if (call.path.size() > 2) return error_response(404, "UT_E_NOT_FOUND", "no such endpoint");
  if (part.empty() && method == "GET") return json_response(200, policy_info(*engine.policy()));
  if (part == "check" && method == "GET") {
    const auto problems = Policy::check(source_of(options));
    return json_response(
        200, json::object{{"ok", problems.empty()}, {"problems", json::value_from(problems)}});
  }
  if (part == "test" && method == "POST") {
    const InputLimits limits = engine.limits();
    return json_response(200, run_tests(engine, json::value(call.body_object(limits))));
  }
  if (part == "evaluate" && method == "POST")
    return json_response(200, evaluate(engine, call.who, call.body_object(engine.limits())));
  if (part.empty() || part == "check" || part == "test" || part == "evaluate")
    return error_response(405, "UT_E_INVALID_ARGUMENT", method + " is not served here");
  return error_response(404, "UT_E_NOT_FOUND", "no such endpoint: policy/" + part);
}

}  // namespace undertake::server
