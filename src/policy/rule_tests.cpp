// Rule unit tests: running test files against a policy, reporting failures with the rule trace,
// and tracking which gate rules, routes and table rows the tests exercised.
#include "undertake/rule_tests.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <utility>

#include "policy/policy_data.hpp"
#include "rules/decision_table_detail.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/limits.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

namespace {

using detail::dt::same_value;

// `over` merged into `base`, objects key by key. The recursion follows objects both have, which
// were read within max_json_depth; it is bounded all the same (limits.hpp).
json::value merged(const json::value& base, const json::value& over, unsigned depth = 0) {
  if (!base.is_object() || !over.is_object()) return over;
  if (depth >= InputLimits::kMaxJsonDepthCeiling)
    throw Error(
        ErrorKind::limit_exceeded, "facts",
        "nested deeper than " + std::to_string(InputLimits::kMaxJsonDepthCeiling) + " levels");
  json::object out = base.get_object();
  for (const auto& kv : over.get_object()) {
    if (const json::value* b = out.if_contains(kv.key()))
      out[kv.key()] = merged(*b, kv.value(), depth + 1);
    else
      out[kv.key()] = kv.value();
  }
  return out;
}

std::string text(const json::value& v) {
  double d = 0;
  if (detail::dt::number_of(v, d)) return detail::dt::number_text(d);
  return json::serialize(v);
}

std::string list_text(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}

/// One line per table call a rule made: inputs, the rows that matched, the answer.
std::string decision_text(const json::value& call) {
  const auto& c = call.get_object();
  std::string s = "table " + std::string(c.at("table").get_string()) + ": ";
  if (const json::value* inputs = c.if_contains("inputs"); inputs && inputs->is_object()) {
    bool first = true;
    for (const auto& kv : inputs->get_object()) {
      s += (first ? "" : ", ") + std::string(kv.key()) + " = " + text(kv.value());
      first = false;
    }
  }
  if (const json::value* error = c.if_contains("error")) {
    return s +
           " → error: " + (error->is_string() ? std::string(error->get_string()) : text(*error));
  }
  const json::value* matched = c.if_contains("matched");
  if (!matched || !matched->is_array() || matched->get_array().empty()) {
    s += " → no row matched";
  } else {
    for (const auto& m : matched->get_array()) {
      const auto& mo = m.get_object();
      s += " → row " + text(mo.at("row"));
      if (const json::value* id = mo.if_contains("id"))
        s += " \"" + std::string(id->get_string()) + "\"";
      if (const json::value* when = mo.if_contains("when"); when && when->is_object()) {
        s += " (";
        bool first = true;
        for (const auto& kv : when->get_object()) {
          s += (first ? "" : ", ") + std::string(kv.key()) + " " + text(kv.value());
          first = false;
        }
        s += ")";
      }
    }
  }
  return s + " → " + text(c.at("output"));
}

std::string trace_text(const GateDecision& d) {
  std::string s = "  trace (verdict " + std::string(verdict_name(d.verdict)) + "):\n";
  if (d.rules.empty()) s += "    (the event has no gate rules)\n";
  for (const auto& r : d.rules) {
    const char* status = !r.applicable  ? "SKIP"
                         : r.overridden ? "OVERRIDDEN"
                         : r.passed     ? "PASS"
                                        : "FAIL";
    s += "    " + std::string(status) + " " + r.id + " (" + severity_name(r.severity) +
         (r.category == RuleCategory::gate ? ""
                                           : std::string(", ") + rule_category_name(r.category)) +
         ")";
    if (!r.applicable) s += ": not applicable";
    if (!r.message.empty()) s += ": " + r.message;
    s += "\n";
    if (!r.reads.empty()) {
      s += "        read ";
      bool first = true;
      for (const auto& read : r.reads) {
        const auto& o = read.get_object();
        s += (first ? "" : ", ") + std::string(o.at("path").get_string()) + " = " +
             text(o.at("value"));
        first = false;
      }
      s += "\n";
    }
    if (r.details.is_object())
      if (const json::value* calls = r.details.get_object().if_contains("decisions");
          calls && calls->is_array())
        for (const auto& call : calls->get_array()) s += "        " + decision_text(call) + "\n";
  }
  return s;
}

std::vector<std::string> ids_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& e : v->get_array())
      if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

/// A test that cannot run as written (an unknown field, a value of the wrong type): thrown by the
/// steps of a test, reported by run_test as the test's failure.
struct MalformedTest {
  std::string why;
};

[[noreturn]] void malformed(std::string why) {
  throw MalformedTest{std::move(why)};
}

bool known(std::string_view key, std::initializer_list<std::string_view> keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void check_test_fields(const json::object& t) {
  for (const auto& kv : t)
    if (!known(kv.key(), {"name", "description", "event", "table", "inputs", "facts", "payload",
                          "actor", "state", "at", "expect"}))
      malformed("unknown field \"" + std::string(kv.key()) +
                "\" (expected name, description, event, table, inputs, facts, payload, actor, "
                "state, at, expect)");
}

/// The expectation `key` of a test, an object of `what` (null when the test gives none).
const json::object* object_expectation(const json::object& expect, std::string_view key,
                                       std::string_view what) {
  const json::value* v = expect.if_contains(key);
  if (!v) return nullptr;
  if (!v->is_object()) malformed("\"" + std::string(key) + "\" is an object: " + std::string(what));
  return &v->get_object();
}

const json::object& expectations_of(const json::object& t) {
  const json::value* expect = t.if_contains("expect");
  if (!expect || !expect->is_object()) malformed("\"expect\" is required: what the test expects");
  return expect->get_object();
}

// ---------------------------------------------------------------------------------------------
// Table tests: inputs in, output and rows out

/// What a table answered for a test's inputs: its result, or the error it raised.
struct TableAnswer {
  TableResult result;
  std::string error;
  json::value explanation;  ///< as a gate's trace shows a table call
};

TableAnswer ask_table(const DecisionTable& table, const json::value& inputs) {
  TableAnswer a;
  try {
    a.result = table.evaluate(inputs);
  } catch (const Error& e) {
    a.error = e.why();
  }
  a.explanation = a.error.empty() ? table.explain(table.input_object(inputs), a.result)
                                  : json::value(json::object{{"table", table.name()},
                                                             {"inputs", table.input_object(inputs)},
                                                             {"error", a.error}});
  return a;
}

void check_table_error(const json::object& expect, const TableAnswer& a,
                       std::vector<std::string>& mismatches) {
  if (const json::value* e = expect.if_contains("error")) {
    const std::string want = e->is_string() ? std::string(e->get_string()) : text(*e);
    if (a.error.empty())
      mismatches.push_back("expected an error containing \"" + want + "\", got output " +
                           text(a.result.output));
    else if (a.error.find(want) == std::string::npos)
      mismatches.push_back("expected an error containing \"" + want + "\", got: " + a.error);
  } else if (!a.error.empty()) {
    mismatches.push_back("unexpected error: " + a.error);
  }
}

void check_table_rows(const DecisionTable& table, const json::value& want_rows,
                      const TableAnswer& a, std::vector<std::string>& mismatches) {
  if (!want_rows.is_array()) malformed("\"rows\" is a list of row ids or numbers");
  std::vector<std::string> want, got;
  for (const auto& w : want_rows.get_array()) {
    const std::string spec = w.is_string() ? std::string(w.get_string()) : text(w);
    const std::size_t row = table.find_row(spec);
    if (row == DecisionTable::npos) malformed("no row \"" + spec + "\" in the table");
    want.push_back(table.row_label(row));
  }
  for (std::size_t row : a.result.rows) got.push_back(table.row_label(row));
  if (want != got)
    mismatches.push_back("expected rows " + list_text(want) + ", got " + list_text(got));
}

// ---------------------------------------------------------------------------------------------
// Gate tests: facts and an event in, the gate's decision out

/// The case a gate test evaluates: the facts (the file's, the test's over them, then the event's
/// own) and the event with its actor.
struct GateCase {
  json::value facts = json::object{};
  std::optional<EventId> event;
  std::string event_name;
  Actor actor;
};

void check_gate_expectations(const json::object& expect) {
  for (const auto& kv : expect)
    if (!known(kv.key(), {"decision", "failing", "passing", "not_applicable", "overridden",
                          "messages", "permitted", "routes", "tables"}))
      malformed("unknown expectation \"" + std::string(kv.key()) +
                "\" (expected decision, failing, passing, not_applicable, overridden, messages, "
                "permitted, routes, tables)");
}

Actor actor_of(const json::object& t, const json::object& file, EventId event, const Policy& policy,
               const std::string& where) {
  const json::value* actor_v = t.if_contains("actor");
  if (!actor_v) actor_v = file.if_contains("actor");
  try {
    if (actor_v) return actor_from_json(*actor_v, where + "/actor");
    Actor actor;
    actor.id = "tester";
    actor.roles = policy.roles_for(event);
    return actor;
  } catch (const Error& e) {
    malformed(e.what());
  }
}

/// The event's own facts, as the engine adds them: `event`, `actor`, `state` and `payload`.
void add_event_facts(const json::object& t, GateCase& g) {
  json::object& fo = g.facts.as_object();
  const json::value* at = t.if_contains("at");
  fo["event"] =
      json::object{{"name", g.event_name}, {"at", at ? *at : json::value("2026-01-01T00:00:00Z")}};
  fo["actor"] = to_json(g.actor);
  if (const json::value* s = t.if_contains("state"))
    fo["state"] = *s;
  else if (!fo.contains("state"))
    fo["state"] = json::array{};
  if (const json::value* p = t.if_contains("payload"))
    fo["payload"] = *p;
  else if (!fo.contains("payload"))
    fo["payload"] = json::object{};
}

GateCase gate_case(const json::object& t, const json::object& expect, const json::object& file,
                   const Policy& policy, const std::string& where) {
  GateCase g;
  if (const json::value* f = file.if_contains("facts")) g.facts = merged(g.facts, *f);
  if (const json::value* f = t.if_contains("facts")) {
    if (!f->is_object()) malformed("\"facts\" is an object");
    g.facts = merged(g.facts, *f);
  }
  if (const json::value* event_v = t.if_contains("event")) {
    if (!event_v->is_string() || !(g.event = event_from_name(event_v->get_string())))
      malformed("\"event\" is not an event of the vocabulary (design.md §2)");
    g.event_name = std::string(event_v->get_string());
    g.actor = actor_of(t, file, *g.event, policy, where);
    add_event_facts(t, g);
  } else if (expect.contains("decision") || expect.contains("failing") ||
             expect.contains("permitted") || expect.contains("tables")) {
    malformed("a gate expectation needs the \"event\" to evaluate");
  } else if (!expect.contains("routes")) {
    malformed("give an \"event\", a \"table\" or expected \"routes\"");
  }
  return g;
}

void check_verdict(const json::object& expect, const GateDecision& decision,
                   std::vector<std::string>& mismatches) {
  const json::value* d = expect.if_contains("decision");
  if (!d) return;
  if (!d->is_string() || (*d != "allowed" && *d != "denied" && *d != "needs_approval"))
    malformed("\"decision\" is \"allowed\", \"denied\" or \"needs_approval\"");
  if (d->get_string() != verdict_name(decision.verdict))
    mismatches.push_back("expected decision " + std::string(d->get_string()) + ", got " +
                         verdict_name(decision.verdict));
}

/// `failing` (exactly those rules), then `passing`, `not_applicable`, `overridden` (at least).
void check_rule_outcomes(const json::object& expect, const GateDecision& decision,
                         std::vector<std::string>& mismatches) {
  std::vector<std::string> failing, passing, not_applicable, overridden;
  for (const auto& r : decision.rules) {
    if (!r.applicable)
      not_applicable.push_back(r.id);
    else if (r.passed)
      passing.push_back(r.id);
    else
      failing.push_back(r.id);
    if (r.overridden) overridden.push_back(r.id);
  }
  if (const json::value* f = expect.if_contains("failing")) {
    std::vector<std::string> want = ids_of(f);
    std::sort(want.begin(), want.end());
    std::sort(failing.begin(), failing.end());
    if (want != failing)
      mismatches.push_back("expected failing rules " + list_text(want) + ", got " +
                           list_text(failing));
  }
  auto subset = [&](const char* key, const std::vector<std::string>& got, const char* what) {
    for (const auto& id : ids_of(expect.if_contains(key)))
      if (std::find(got.begin(), got.end(), id) == got.end())
        mismatches.push_back("expected rule " + id + " to be " + what);
  };
  subset("passing", passing, "passing");
  subset("not_applicable", not_applicable, "not applicable");
  subset("overridden", overridden, "overridden");
}

void check_messages(const json::object& expect, const GateDecision& decision,
                    std::vector<std::string>& mismatches) {
  const json::object* messages = object_expectation(expect, "messages", "rule id → text");
  if (!messages) return;
  for (const auto& kv : *messages) {
    const RuleTrace* rt = nullptr;
    for (const auto& r : decision.rules)
      if (r.id == kv.key()) rt = &r;
    const std::string want =
        kv.value().is_string() ? std::string(kv.value().get_string()) : text(kv.value());
    if (!rt)
      mismatches.push_back("expected a message from rule " + std::string(kv.key()) +
                           ", which the gate does not have");
    else if (rt->message.find(want) == std::string::npos)
      mismatches.push_back("expected the message of " + std::string(kv.key()) + " to contain \"" +
                           want + "\", got \"" + rt->message + "\"");
  }
}

void check_permitted(const json::object& expect, const GateCase& g, const Policy& policy,
                     std::vector<std::string>& mismatches) {
  const json::value* p = expect.if_contains("permitted");
  if (!p) return;
  const bool got = policy.permits(*g.event, g.actor);
  if (!p->is_bool()) malformed("\"permitted\" is true or false");
  if (p->get_bool() != got)
    mismatches.push_back(std::string("expected the actor ") +
                         (p->get_bool() ? "to be" : "not to be") + " permitted (roles " +
                         list_text(g.actor.roles) + "; the event permits " +
                         list_text(policy.roles_for(*g.event)) + ")");
}

/// What the table named was last seen to answer in the decision's table calls, or null.
const json::value* table_answer(const GateDecision& decision, std::string_view table) {
  const json::value* got = nullptr;
  for (const auto& r : decision.rules)
    if (r.details.is_object())
      if (const json::value* calls = r.details.get_object().if_contains("decisions"))
        for (const auto& call : calls->get_array())
          if (call.get_object().at("table").get_string() == table)
            got = call.get_object().if_contains("output");
  return got;
}

void check_table_answers(const json::object& expect, const GateDecision& decision,
                         std::vector<std::string>& mismatches) {
  const json::object* tables = object_expectation(expect, "tables", "table → output");
  if (!tables) return;
  for (const auto& kv : *tables) {
    const json::value* got = table_answer(decision, kv.key());
    if (!got)
      mismatches.push_back("expected table " + std::string(kv.key()) + " to answer " +
                           text(kv.value()) + ", but no rule consulted it");
    else if (!same_value(*got, kv.value()))
      mismatches.push_back("expected table " + std::string(kv.key()) + " to answer " +
                           text(kv.value()) + ", got " + text(*got));
  }
}

}  // namespace

std::string RuleTestCoverage::summary() const {
  return "coverage: " + std::to_string(rules_covered) + "/" + std::to_string(rules) +
         " gate rules, " + std::to_string(routes_covered) + "/" + std::to_string(routes) +
         " routes, " + std::to_string(rows_covered) + "/" + std::to_string(rows) + " table rows";
}

struct RuleTestRunner::Impl {
  std::shared_ptr<const Policy> policy;
  struct RuleSeen {
    std::string event, id;
    bool passed = false, failed = false;
  };
  std::vector<RuleSeen> rules;
  std::map<std::string, std::pair<bool, bool>> routes;  ///< seen true, seen false
  std::map<std::string, std::vector<bool>> rows;        ///< table → matched per row

  void see_rows(const json::value& call) {
    const auto& c = call.get_object();
    const json::value* matched = c.if_contains("matched");
    const auto it = rows.find(std::string(c.at("table").get_string()));
    if (!matched || !matched->is_array() || it == rows.end()) return;
    for (const auto& m : matched->get_array()) {
      const auto r = static_cast<std::size_t>(m.at("row").to_number<double>()) - 1;
      if (r < it->second.size()) it->second[r] = true;
    }
  }

  void see(EventId event, const GateDecision& d) {
    for (const auto& t : d.rules) {
      for (auto& seen : rules)
        if (seen.id == t.id && seen.event == event_name(event) && t.applicable) {
          if (t.passed)
            seen.passed = true;
          else
            seen.failed = true;
        }
      if (t.details.is_object())
        if (const json::value* calls = t.details.get_object().if_contains("decisions");
            calls && calls->is_array())
          for (const auto& call : calls->get_array()) see_rows(call);
    }
  }

  /// Runs one test of a file (a malformed one fails with a report that says what is wrong).
  RuleTestResult run_test(const json::value& test, std::size_t index, const json::object& file,
                          std::string_view where);
  void run_table_test(const json::object& t, const json::value& table_name,
                      const json::object& expect, RuleTestResult& result);
  /// `where`: the file and the test's JSON pointer.
  void run_gate_test(const json::object& t, const json::object& expect, const json::object& file,
                     const std::string& where, RuleTestResult& result);
  /// Checks the expected routes (recording their coverage); returns the table calls they made,
  /// one report line each.
  std::string check_routes(const json::object& expect, const json::value& facts,
                           std::vector<std::string>& mismatches);
};

RuleTestRunner::RuleTestRunner(std::shared_ptr<const Policy> policy)
    : impl_(std::make_unique<Impl>()) {
  if (!policy) throw Error(ErrorKind::invalid_argument, "RuleTestRunner", "a policy is required");
  impl_->policy = std::move(policy);
  const auto& data = detail::PolicyAccess::data(*impl_->policy);
  for (std::size_t e = 0; e < kEventCount; ++e)
    for (const auto& rule : data.gates[e])
      impl_->rules.push_back(Impl::RuleSeen{std::string(kEventNames[e]), rule.id});
  for (const auto& kv : data.routes) impl_->routes[kv.first] = {false, false};
  for (const auto& kv : *data.tables)
    impl_->rows[kv.first] = std::vector<bool>(kv.second->rows().size(), false);
}

RuleTestRunner::~RuleTestRunner() = default;

RuleTestResult RuleTestRunner::Impl::run_test(const json::value& test, std::size_t index,
                                              const json::object& file, std::string_view where) {
  RuleTestResult result;
  result.file = std::string(where);
  result.name = "test " + std::to_string(index + 1);
  const std::string path = "/tests/" + std::to_string(index);
  try {
    if (!test.is_object()) malformed("expected an object");
    const auto& t = test.get_object();
    if (const json::value* n = t.if_contains("name"); n && n->is_string())
      result.name = std::string(n->get_string());
    check_test_fields(t);
    const json::object& expect = expectations_of(t);
    if (const json::value* table = t.if_contains("table"))
      run_table_test(t, *table, expect, result);
    else
      run_gate_test(t, expect, file, std::string(where) + ": " + path, result);
  } catch (const MalformedTest& m) {
    result.passed = false;
    result.report = "  malformed test (" + std::string(where) + ": " + path + "): " + m.why + "\n";
  }
  return result;
}

void RuleTestRunner::Impl::run_table_test(const json::object& t, const json::value& table_name,
                                          const json::object& expect, RuleTestResult& result) {
  for (const auto& kv : expect)
    if (!known(kv.key(), {"output", "rows", "error"}))
      malformed("unknown expectation \"" + std::string(kv.key()) +
                "\" for a table test (expected output, rows, error)");
  if (!table_name.is_string()) malformed("\"table\" names a decision table");
  const DecisionTable* table = policy->find_table(table_name.get_string());
  if (!table) malformed("no decision table \"" + std::string(table_name.get_string()) + "\"");
  const json::value* inputs = t.if_contains("inputs");
  if (!inputs) malformed("a table test needs \"inputs\"");
  const TableAnswer answer = ask_table(*table, *inputs);
  if (answer.error.empty()) see_rows(answer.explanation);
  std::vector<std::string> mismatches;
  check_table_error(expect, answer, mismatches);
  if (const json::value* out = expect.if_contains("output"); out && answer.error.empty())
    if (!same_value(*out, answer.result.output))
      mismatches.push_back("expected output " + text(*out) + ", got " + text(answer.result.output));
  if (const json::value* rows = expect.if_contains("rows"); rows && answer.error.empty())
    check_table_rows(*table, *rows, answer, mismatches);
  if (!mismatches.empty()) {
    for (const auto& m : mismatches) result.report += "  " + m + "\n";
    result.report += "  " + decision_text(answer.explanation) + "\n";
  }
  result.passed = mismatches.empty();
}

void RuleTestRunner::Impl::run_gate_test(const json::object& t, const json::object& expect,
                                         const json::object& file, const std::string& where,
                                         RuleTestResult& result) {
  check_gate_expectations(expect);
  const GateCase g = gate_case(t, expect, file, *policy, where);
  std::vector<std::string> mismatches;
  GateDecision decision;
  if (g.event) {
    decision = policy->decide(*g.event, g.facts, g.actor);
    see(*g.event, decision);
    check_verdict(expect, decision, mismatches);
    check_rule_outcomes(expect, decision, mismatches);
    check_messages(expect, decision, mismatches);
    check_permitted(expect, g, *policy, mismatches);
    check_table_answers(expect, decision, mismatches);
  }
  const std::string route_lines = check_routes(expect, g.facts, mismatches);
  result.passed = mismatches.empty();
  if (result.passed) return;
  std::string& report = result.report;
  if (g.event)
    report +=
        "  event: " + g.event_name + " by " + g.actor.id + " " + list_text(g.actor.roles) + "\n";
  for (const auto& m : mismatches) report += "  " + m + "\n";
  if (g.event) report += trace_text(decision);
  report += route_lines;
}

std::string RuleTestRunner::Impl::check_routes(const json::object& expect, const json::value& facts,
                                               std::vector<std::string>& mismatches) {
  std::string route_lines;
  const json::object* expected = object_expectation(expect, "routes", "route → true/false");
  if (!expected) return route_lines;
  for (const auto& kv : *expected) {
    if (!kv.value().is_bool()) malformed("a route is expected true or false");
    detail::DecisionLog log;
    bool got = false;
    try {
      const detail::DecisionLogScope scope(&log);
      got = policy->route(kv.key(), facts);
    } catch (const Error& e) {
      mismatches.push_back("route " + std::string(kv.key()) + ": " + e.what());
      continue;
    }
    if (auto it = routes.find(std::string(kv.key())); it != routes.end())
      (got ? it->second.first : it->second.second) = true;
    for (const auto& call : log.calls) {
      see_rows(call);
      route_lines += "    route " + std::string(kv.key()) + ": " + decision_text(call) + "\n";
    }
    if (got != kv.value().get_bool())
      mismatches.push_back("expected route " + std::string(kv.key()) + " " +
                           (kv.value().get_bool() ? "true" : "false") + ", got " +
                           (got ? "true" : "false"));
  }
  return route_lines;
}

std::vector<RuleTestResult> RuleTestRunner::run(const json::value& document,
                                                std::string_view file) {
  std::vector<RuleTestResult> results;
  auto broken = [&](const std::string& why) {
    results.push_back(
        RuleTestResult{std::string(file), "(file)", false, "  malformed test file: " + why + "\n"});
    return results;
  };
  if (!document.is_object()) return broken("expected an object {\"tests\": [...]}");
  const auto& o = document.get_object();
  for (const auto& kv : o)
    if (kv.key() != "$schema" && kv.key() != "description" && kv.key() != "facts" &&
        kv.key() != "actor" && kv.key() != "tests")
      return broken("unknown field \"" + std::string(kv.key()) +
                    "\" (expected description, facts, actor, tests)");
  if (const json::value* f = o.if_contains("facts"); f && !f->is_object())
    return broken("\"facts\" is an object");
  const json::value* tests = o.if_contains("tests");
  if (!tests || !tests->is_array()) return broken("\"tests\" is an array of tests");
  const auto& list = tests->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    try {
      results.push_back(impl_->run_test(list[i], i, o, file));
    } catch (const std::exception& e) {
      RuleTestResult r;
      r.file = std::string(file);
      r.name = "test " + std::to_string(i + 1);
      if (list[i].is_object())
        if (const json::value* n = list[i].get_object().if_contains("name"); n && n->is_string())
          r.name = std::string(n->get_string());
      r.report = "  error: " + std::string(e.what()) + "\n";
      results.push_back(std::move(r));
    }
  }
  return results;
}

std::vector<RuleTestResult> RuleTestRunner::run_file(const std::string& path) {
  json::value doc;
  try {
    doc = read_json_file(path, InputLimits{});
  } catch (const Error& e) {
    return {RuleTestResult{path, "(file)", false, "  " + std::string(e.what()) + "\n"}};
  }
  return run(doc, path);
}

RuleTestCoverage RuleTestRunner::coverage() const {
  RuleTestCoverage c;
  for (const auto& r : impl_->rules) {
    ++c.rules;
    if (r.passed && r.failed) {
      ++c.rules_covered;
      continue;
    }
    c.gaps.push_back("gate rule " + r.event + " / " + r.id + ": " +
                     (!r.passed && !r.failed ? "never evaluated"
                      : !r.failed            ? "never failed"
                                             : "never passed"));
  }
  for (const auto& [name, seen] : impl_->routes) {
    ++c.routes;
    if (seen.first && seen.second) {
      ++c.routes_covered;
      continue;
    }
    c.gaps.push_back("route " + name + ": " +
                     (!seen.first && !seen.second ? "never evaluated"
                      : !seen.first               ? "never true"
                                                  : "never false"));
  }
  for (const auto& [name, matched] : impl_->rows) {
    const DecisionTable& table = impl_->policy->table(name);
    for (std::size_t r = 0; r < matched.size(); ++r) {
      ++c.rows;
      if (matched[r])
        ++c.rows_covered;
      else
        c.gaps.push_back("table " + name + " " + table.row_label(r) + ": never matched");
    }
  }
  return c;
}

UNDERTAKE_END_NAMESPACE
