// Rule unit tests: running test files against a policy, reporting failures with the rule trace,
// and tracking which gate rules, routes and table rows the tests exercised.
#include "undertake/rule_tests.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

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

  RuleTestResult run_test(const json::value& test, std::size_t index, const json::object& file,
                          std::string_view where);
};

RuleTestRunner::RuleTestRunner(std::shared_ptr<const Policy> policy)
    : impl_(std::make_unique<Impl>()) {
  if (!policy) throw Error(ErrorKind::invalid_argument, "RuleTestRunner", "a policy is required");
  impl_->policy = std::move(policy);
  const auto& data = impl_->policy->data();
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
  std::string& report = result.report;
  const std::string path = "/tests/" + std::to_string(index);
  auto malformed = [&](const std::string& why) {
    report = "  malformed test (" + std::string(where) + ": " + path + "): " + why + "\n";
    return result;
  };
  if (!test.is_object()) return malformed("expected an object");
  const auto& t = test.get_object();
  if (const json::value* n = t.if_contains("name"); n && n->is_string())
    result.name = std::string(n->get_string());
  for (const auto& kv : t) {
    static const std::string_view known[] = {"name",   "description", "event",   "table",
                                             "inputs", "facts",       "payload", "actor",
                                             "state",  "at",          "expect"};
    if (std::find(std::begin(known), std::end(known), kv.key()) == std::end(known))
      return malformed("unknown field \"" + std::string(kv.key()) +
                       "\" (expected name, description, event, table, inputs, facts, payload, "
                       "actor, state, at, expect)");
  }
  const json::value* expect_v = t.if_contains("expect");
  if (!expect_v || !expect_v->is_object())
    return malformed("\"expect\" is required: what the test expects");
  const auto& expect = expect_v->get_object();
  std::vector<std::string> mismatches;

  // A table test: inputs in, output and rows out.
  if (const json::value* table_name = t.if_contains("table")) {
    for (const auto& kv : expect)
      if (kv.key() != "output" && kv.key() != "rows" && kv.key() != "error")
        return malformed("unknown expectation \"" + std::string(kv.key()) +
                         "\" for a table test (expected output, rows, error)");
    if (!table_name->is_string()) return malformed("\"table\" names a decision table");
    const DecisionTable* table = policy->find_table(table_name->get_string());
    if (!table)
      return malformed("no decision table \"" + std::string(table_name->get_string()) + "\"");
    const json::value* inputs = t.if_contains("inputs");
    if (!inputs) return malformed("a table test needs \"inputs\"");
    TableResult r;
    std::string error;
    try {
      r = table->evaluate(*inputs);
    } catch (const Error& e) {
      error = e.why();
    }
    const json::value explanation =
        error.empty() ? table->explain(table->input_object(*inputs), r)
                      : json::value(json::object{{"table", table->name()},
                                                 {"inputs", table->input_object(*inputs)},
                                                 {"error", error}});
    if (error.empty()) see_rows(explanation);
    if (const json::value* e = expect.if_contains("error")) {
      const std::string want = e->is_string() ? std::string(e->get_string()) : text(*e);
      if (error.empty())
        mismatches.push_back("expected an error containing \"" + want + "\", got output " +
                             text(r.output));
      else if (error.find(want) == std::string::npos)
        mismatches.push_back("expected an error containing \"" + want + "\", got: " + error);
    } else if (!error.empty()) {
      mismatches.push_back("unexpected error: " + error);
    }
    if (const json::value* out = expect.if_contains("output"); out && error.empty())
      if (!same_value(*out, r.output))
        mismatches.push_back("expected output " + text(*out) + ", got " + text(r.output));
    if (const json::value* want_rows = expect.if_contains("rows"); want_rows && error.empty()) {
      std::vector<std::string> want, got;
      std::vector<std::size_t> want_index;
      if (!want_rows->is_array()) return malformed("\"rows\" is a list of row ids or numbers");
      for (const auto& w : want_rows->get_array()) {
        const std::string spec = w.is_string() ? std::string(w.get_string()) : text(w);
        const std::size_t row = table->find_row(spec);
        if (row == DecisionTable::npos) return malformed("no row \"" + spec + "\" in the table");
        want_index.push_back(row);
        want.push_back(table->row_label(row));
      }
      for (std::size_t row : r.rows) got.push_back(table->row_label(row));
      if (want != got)
        mismatches.push_back("expected rows " + list_text(want) + ", got " + list_text(got));
    }
    if (!mismatches.empty()) {
      for (const auto& m : mismatches) report += "  " + m + "\n";
      report += "  " + decision_text(explanation) + "\n";
    }
    result.passed = mismatches.empty();
    return result;
  }

  for (const auto& kv : expect) {
    static const std::string_view known[] = {"decision",       "failing",    "passing",
                                             "not_applicable", "overridden", "messages",
                                             "permitted",      "routes",     "tables"};
    if (std::find(std::begin(known), std::end(known), kv.key()) == std::end(known))
      return malformed("unknown expectation \"" + std::string(kv.key()) +
                       "\" (expected decision, failing, passing, not_applicable, overridden, "
                       "messages, permitted, routes, tables)");
  }
  // The facts: the file's, the test's over them, then the event's own.
  json::value facts = json::object{};
  if (const json::value* f = file.if_contains("facts")) facts = merged(facts, *f);
  if (const json::value* f = t.if_contains("facts")) {
    if (!f->is_object()) return malformed("\"facts\" is an object");
    facts = merged(facts, *f);
  }
  json::object& fo = facts.as_object();
  const json::value* event_v = t.if_contains("event");
  std::optional<EventId> event;
  Actor actor;
  if (event_v) {
    if (!event_v->is_string() || !(event = event_from_name(event_v->get_string())))
      return malformed("\"event\" is not an event of the vocabulary (design.md §2)");
    const json::value* actor_v = t.if_contains("actor");
    if (!actor_v) actor_v = file.if_contains("actor");
    try {
      if (actor_v) {
        actor = actor_from_json(*actor_v, std::string(where) + ": " + path + "/actor");
      } else {
        actor.id = "tester";
        actor.roles = policy->roles_for(*event);
      }
    } catch (const Error& e) {
      return malformed(e.what());
    }
    const json::value* at = t.if_contains("at");
    fo["event"] = json::object{{"name", event_v->get_string()},
                               {"at", at ? *at : json::value("2026-01-01T00:00:00Z")}};
    fo["actor"] = to_json(actor);
    if (const json::value* s = t.if_contains("state"))
      fo["state"] = *s;
    else if (!fo.contains("state"))
      fo["state"] = json::array{};
    if (const json::value* p = t.if_contains("payload"))
      fo["payload"] = *p;
    else if (!fo.contains("payload"))
      fo["payload"] = json::object{};
  } else if (expect.contains("decision") || expect.contains("failing") ||
             expect.contains("permitted") || expect.contains("tables")) {
    return malformed("a gate expectation needs the \"event\" to evaluate");
  } else if (!expect.contains("routes")) {
    return malformed("give an \"event\", a \"table\" or expected \"routes\"");
  }

  GateDecision decision;
  if (event) {
    decision = policy->decide(*event, facts, actor);
    see(*event, decision);
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
    if (const json::value* d = expect.if_contains("decision")) {
      if (!d->is_string() || (*d != "allowed" && *d != "denied" && *d != "needs_approval"))
        return malformed("\"decision\" is \"allowed\", \"denied\" or \"needs_approval\"");
      if (d->get_string() != verdict_name(decision.verdict))
        mismatches.push_back("expected decision " + std::string(d->get_string()) + ", got " +
                             verdict_name(decision.verdict));
    }
    if (const json::value* f = expect.if_contains("failing")) {
      std::vector<std::string> want = ids_of(f);
      std::vector<std::string> got = failing;
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got)
        mismatches.push_back("expected failing rules " + list_text(want) + ", got " +
                             list_text(got));
    }
    auto subset = [&](const char* key, const std::vector<std::string>& got, const char* what) {
      for (const auto& id : ids_of(expect.if_contains(key)))
        if (std::find(got.begin(), got.end(), id) == got.end())
          mismatches.push_back("expected rule " + id + " to be " + what);
    };
    subset("passing", passing, "passing");
    subset("not_applicable", not_applicable, "not applicable");
    subset("overridden", overridden, "overridden");
    if (const json::value* m = expect.if_contains("messages")) {
      if (!m->is_object()) return malformed("\"messages\" is an object: rule id → text");
      for (const auto& kv : m->get_object()) {
        const RuleTrace* rt = nullptr;
        for (const auto& r : decision.rules)
          if (r.id == kv.key()) rt = &r;
        const std::string want =
            kv.value().is_string() ? std::string(kv.value().get_string()) : text(kv.value());
        if (!rt)
          mismatches.push_back("expected a message from rule " + std::string(kv.key()) +
                               ", which the gate does not have");
        else if (rt->message.find(want) == std::string::npos)
          mismatches.push_back("expected the message of " + std::string(kv.key()) +
                               " to contain \"" + want + "\", got \"" + rt->message + "\"");
      }
    }
    if (const json::value* p = expect.if_contains("permitted")) {
      const bool got = policy->permits(*event, actor);
      if (!p->is_bool()) return malformed("\"permitted\" is true or false");
      if (p->get_bool() != got)
        mismatches.push_back(std::string("expected the actor ") +
                             (p->get_bool() ? "to be" : "not to be") + " permitted (roles " +
                             list_text(actor.roles) + "; the event permits " +
                             list_text(policy->roles_for(*event)) + ")");
    }
    if (const json::value* tables = expect.if_contains("tables")) {
      if (!tables->is_object()) return malformed("\"tables\" is an object: table → output");
      for (const auto& kv : tables->get_object()) {
        const json::value* got = nullptr;
        for (const auto& r : decision.rules)
          if (r.details.is_object())
            if (const json::value* calls = r.details.get_object().if_contains("decisions"))
              for (const auto& call : calls->get_array())
                if (call.get_object().at("table").get_string() == kv.key())
                  got = call.get_object().if_contains("output");
        if (!got)
          mismatches.push_back("expected table " + std::string(kv.key()) + " to answer " +
                               text(kv.value()) + ", but no rule consulted it");
        else if (!same_value(*got, kv.value()))
          mismatches.push_back("expected table " + std::string(kv.key()) + " to answer " +
                               text(kv.value()) + ", got " + text(*got));
      }
    }
  }
  std::string route_lines;
  if (const json::value* routes = expect.if_contains("routes")) {
    if (!routes->is_object()) return malformed("\"routes\" is an object: route → true/false");
    for (const auto& kv : routes->get_object()) {
      if (!kv.value().is_bool()) return malformed("a route is expected true or false");
      detail::DecisionLog log;
      bool got = false;
      try {
        const detail::DecisionLogScope scope(&log);
        got = policy->route(kv.key(), facts);
      } catch (const Error& e) {
        mismatches.push_back("route " + std::string(kv.key()) + ": " + e.what());
        continue;
      }
      if (auto it = this->routes.find(std::string(kv.key())); it != this->routes.end())
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
  }
  result.passed = mismatches.empty();
  if (!result.passed) {
    if (event)
      report += "  event: " + std::string(event_v->get_string()) + " by " + actor.id + " " +
                list_text(actor.roles) + "\n";
    for (const auto& m : mismatches) report += "  " + m + "\n";
    if (event) report += trace_text(decision);
    report += route_lines;
  }
  return result;
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
