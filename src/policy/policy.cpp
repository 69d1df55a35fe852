// Loading, validating and applying a policy.
#include "undertake/policy.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "common/exception_text.hpp"
#include "common/json_measure.hpp"
#include "common/json_numbers.hpp"
#include "common/json_checker.hpp"
#include "policy/builtin_policy.hpp"
#include "policy/message_template.hpp"
#include "policy/policy_data.hpp"
#include "policy/routes.hpp"
#include "rules/decision_table_detail.hpp"
#include "rules/jsonlogic/node.hpp"
#include "undertake/error.hpp"
#include "undertake/limits.hpp"
#include "undertake/people_definition.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

using detail::CompiledRule;
using detail::JsonChecker;
using detail::PolicyData;

// Parts a policy may have; anything else is a misspelt file name, reported rather than ignored.
constexpr std::string_view kKnownParts[] = {"policy", "roles", "gates",  "routes",   "process",
                                            "risk",   "kpi",   "tables", "deadlines"};
// Routes the process asks for (policy/routes.hpp); a policy must define each.
constexpr const auto& kRequiredRoutes = detail::kRouteNames;

void load_manifest(const json::value& doc, const std::string& where, PolicyData& data,
                   JsonChecker& check) {
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "name", "version", "description"}, where, "");
  if (const auto* s = check.string(*o, "name", true, where, "")) data.name = std::string(*s);
  if (const auto* s = check.string(*o, "version", true, where, "")) data.version = std::string(*s);
  if (const auto* s = check.string(*o, "description", false, where, ""))
    data.description = std::string(*s);
}

void load_roles(const json::value& doc, const std::string& where, PolicyData& data,
                JsonChecker& check) {
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "roles", "events"}, where, "");
  const json::value* roles = o->if_contains("roles");
  if (!roles || !roles->is_object()) {
    check.fail(where, "/roles", "expected an object: role name → description");
  } else {
    for (const auto& kv : roles->get_object()) data.roles.emplace_back(kv.key());
  }
  const json::value* events = o->if_contains("events");
  if (!events || !events->is_object()) {
    check.fail(where, "/events", "expected an object: event name → permitted roles");
    return;
  }
  std::array<bool, kEventCount> seen{};
  for (const auto& kv : events->get_object()) {
    const std::string path = JsonChecker::join("/events", kv.key());
    const auto id = event_from_name(kv.key());
    if (!id) {
      check.fail(where, path, "not an event of the vocabulary (design.md §2)");
      continue;
    }
    seen[static_cast<std::size_t>(*id)] = true;
    auto permitted = check.strings(kv.value(), where, path);
    for (std::size_t i = 0; i < permitted.size(); ++i)
      if (std::find(data.roles.begin(), data.roles.end(), permitted[i]) == data.roles.end())
        check.fail(where, JsonChecker::index(path, i),
                   "role \"" + permitted[i] + "\" is not declared under /roles");
    data.event_roles[static_cast<std::size_t>(*id)] = std::move(permitted);
  }
  for (std::size_t i = 0; i < kEventCount; ++i)
    if (!seen[i])
      check.fail(where, JsonChecker::join("/events", kEventNames[i]),
                 "missing: every event needs its permitted roles (an empty list forbids it)");
}

std::optional<jsonlogic::Rule> compile_logic(const json::value& logic,
                                             const jsonlogic::Operators& ops,
                                             const std::string& where, const std::string& path,
                                             JsonChecker& check) {
  const std::string prefix = where + ": ";  // the rule's place, kept for its runtime errors
  try {
    return jsonlogic::Rule::compile(logic, ops, prefix + path);
  } catch (const Error& e) {
    // The error names the rule's place with the JSON path inside it: say it once.
    if (e.where().compare(0, prefix.size(), prefix) == 0)
      check.fail(where, std::string_view(e.where()).substr(prefix.size()), e.why());
    else
      check.fail(where, path, e.what());
    return std::nullopt;
  }
}

void load_gates(const json::value& doc, const std::string& where, PolicyData& data,
                const Extensions& ext, const jsonlogic::Operators& ops, JsonChecker& check) {
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "gates"}, where, "");
  const json::value* gates = o->if_contains("gates");
  if (!gates || !gates->is_object()) {
    check.fail(where, "/gates", "expected an object: event name → {rules: [...]}");
    return;
  }
  std::vector<std::string> ids;
  for (const auto& kv : gates->get_object()) {
    const std::string gate_path = JsonChecker::join("/gates", kv.key());
    const auto event = event_from_name(kv.key());
    if (!event) {
      check.fail(where, gate_path, "not an event of the vocabulary (design.md §2)");
      continue;
    }
    const auto* gate = check.object(kv.value(), where, gate_path);
    if (!gate) continue;
    check.only(*gate, {"description", "rules"}, where, gate_path);
    const json::value* rules = gate->if_contains("rules");
    if (!rules || !rules->is_array()) {
      check.fail(where, gate_path + "/rules", "expected an array of rules");
      continue;
    }
    const auto& list = rules->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = JsonChecker::index(gate_path + "/rules", i);
      const auto* r = check.object(list[i], where, path);
      if (!r) continue;
      check.only(*r,
                 {"id", "description", "when", "condition", "rule", "message", "severity",
                  "category", "override"},
                 where, path);
      CompiledRule rule;
      rule.where = where + ": " + path;
      if (const auto* s = check.string(*r, "id", true, where, path)) {
        rule.id = std::string(*s);
        if (std::find(ids.begin(), ids.end(), rule.id) != ids.end())
          check.fail(where, path + "/id", "duplicate rule id \"" + rule.id + "\"");
        ids.push_back(rule.id);
      }
      if (const auto* s = check.string(*r, "description", false, where, path))
        rule.description = std::string(*s);
      if (const auto* s = check.string(*r, "message", true, where, path))
        rule.message = std::string(*s);
      if (const auto* s = check.string(*r, "category", false, where, path)) {
        if (const auto category = rule_category_from_name(*s))
          rule.category = *category;
        else
          check.fail(where, path + "/category", "expected \"gate\" or \"segregation\"");
      }
      if (const auto* s = check.string(*r, "severity", false, where, path)) {
        if (*s == "deny")
          rule.severity = Severity::deny;
        else if (*s == "warn")
          rule.severity = Severity::warn;
        else if (*s == "approval")
          rule.severity = Severity::approval;
        else
          check.fail(where, path + "/severity", "expected \"deny\", \"warn\" or \"approval\"");
      }
      if (const json::value* when = r->if_contains("when"))
        rule.when = compile_logic(*when, ops, where, path + "/when", check);
      const json::value* condition = r->if_contains("condition");
      const auto* named = check.string(*r, "rule", false, where, path);
      if (condition && named) {
        check.fail(where, path,
                   "give either a JsonLogic \"condition\" or a named \"rule\", not both");
      } else if (condition) {
        rule.condition = compile_logic(*condition, ops, where, path + "/condition", check);
      } else if (named) {
        rule.custom_name = std::string(*named);
        rule.custom = ext.find_rule(*named);
        if (!rule.custom) {
          std::string known;
          for (const auto& n : ext.rule_names()) known += (known.empty() ? "" : ", ") + n;
          check.fail(
              where, path + "/rule",
              "no custom rule named \"" + rule.custom_name + "\" is registered" +
                  (known.empty() ? std::string(" (none are)") : " (registered: " + known + ")"));
        }
      } else {
        check.fail(where, path, "a rule needs a JsonLogic \"condition\" or a named \"rule\"");
      }
      if (const json::value* ov = r->if_contains("override")) {
        const std::string ov_path = path + "/override";
        if (const auto* oo = check.object(*ov, where, ov_path)) {
          check.only(*oo, {"roles"}, where, ov_path);
          if (const json::value* roles = oo->if_contains("roles"))
            rule.override_roles = check.strings(*roles, where, ov_path + "/roles");
          else
            check.fail(where, ov_path + "/roles", "missing: who may override");
        }
        if (rule.severity != Severity::approval)
          check.fail(where, ov_path, "only rules of severity \"approval\" can be overridden");
      } else if (rule.severity == Severity::approval) {
        check.fail(where, path,
                   "a rule of severity \"approval\" needs \"override\": {\"roles\": [...]}");
      }
      data.gates[static_cast<std::size_t>(*event)].push_back(std::move(rule));
    }
  }
}

void load_routes(const json::value& doc, const std::string& where, PolicyData& data,
                 const jsonlogic::Operators& ops, JsonChecker& check) {
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "routes"}, where, "");
  const json::value* routes = o->if_contains("routes");
  if (!routes || !routes->is_object()) {
    check.fail(where, "/routes", "expected an object: route name → {description, condition}");
    return;
  }
  for (const auto& kv : routes->get_object()) {
    const std::string path = JsonChecker::join("/routes", kv.key());
    if (std::find(std::begin(kRequiredRoutes), std::end(kRequiredRoutes), kv.key()) ==
        std::end(kRequiredRoutes)) {
      check.fail(where, path, "not a route of the process (" + detail::route_names_text() + ")");
      continue;
    }
    const auto* r = check.object(kv.value(), where, path);
    if (!r) continue;
    check.only(*r, {"description", "condition"}, where, path);
    const json::value* condition = r->if_contains("condition");
    if (!condition) {
      check.fail(where, path + "/condition", "missing (a JsonLogic condition)");
      continue;
    }
    if (auto rule = compile_logic(*condition, ops, where, path + "/condition", check))
      data.routes.emplace(std::string(kv.key()), std::move(*rule));
  }
}

// A list of departments in process.json (`/kickoff/departments`, `/contract/copies_to`): each a
// role the policy declares.
std::vector<std::string> department_list(const json::value& v, const std::string& where,
                                         const std::string& path, const PolicyData& data,
                                         JsonChecker& check) {
  std::vector<std::string> list = check.strings(v, where, path);
  for (std::size_t i = 0; i < list.size(); ++i)
    if (std::find(data.roles.begin(), data.roles.end(), list[i]) == data.roles.end())
      check.fail(where, JsonChecker::index(path, i),
                 "\"" + list[i] + "\" is not a role declared in roles");
  return list;
}

// The departments that receive contract copies when a policy does not name them: the built-in
// policy's (rules/default/process.json), as the engine had them before they were policy data.
const std::vector<std::string>& builtin_contract_copies() {
  static const std::vector<std::string> copies = [] {
    std::vector<std::string> out;
    for (const auto& f : detail::builtin_policy_files()) {
      if (f.name != "process.json") continue;
      const json::value doc = json::parse(f.content);
      for (const auto& d : doc.at("contract").at("copies_to").as_array())
        out.emplace_back(d.as_string());
    }
    return out;
  }();
  return copies;
}

void load_process(const json::value& doc, const std::string& where, PolicyData& data,
                  JsonChecker& check) {
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "kickoff", "contract"}, where, "");
  if (const json::value* k = o->if_contains("kickoff")) {
    if (const auto* ko = check.object(*k, where, "/kickoff")) {
      check.only(*ko, {"departments"}, where, "/kickoff");
      if (const json::value* d = ko->if_contains("departments"))
        data.kickoff_departments = department_list(*d, where, "/kickoff/departments", data, check);
    }
  }
  if (const json::value* c = o->if_contains("contract")) {
    if (const auto* co = check.object(*c, where, "/contract")) {
      check.only(*co, {"copies_to"}, where, "/contract");
      if (const json::value* d = co->if_contains("copies_to"))
        data.contract_copies_to = department_list(*d, where, "/contract/copies_to", data, check);
    }
  }
}

// Decision tables (tables.json): each compiled, validated and indexed on load.
void load_tables(const json::value& doc, const std::string& where, PolicyData& data,
                 const Extensions& ext, std::vector<std::string>& problems,
                 std::vector<std::string>& declared) {
  JsonChecker check(problems);
  const auto* o = check.object(doc, where, "");
  if (!o) return;
  check.only(*o, {"$schema", "description", "tables"}, where, "");
  const json::value* tables = o->if_contains("tables");
  if (!tables || !tables->is_object()) {
    check.fail(where, "/tables",
               "expected an object: table name → {hit_policy, inputs, outputs, rules}");
    return;
  }
  for (const auto& kv : tables->get_object()) {
    declared.emplace_back(kv.key());
    const std::string path = JsonChecker::join("/tables", kv.key());
    if (auto table = DecisionTable::compile(std::string(kv.key()), kv.value(), where, path,
                                            problems, ext.operators()))
      data.tables->emplace(std::string(kv.key()), std::move(table));
  }
}

namespace jld = jsonlogic::detail;

/// `{"decide": ["table", input, ...]}` (inputs in column order) or `{"decide": ["table",
/// {"name": value, ...}]}` (one object argument: inputs by name): the table's answer. Explains
/// each call to the decision log of the rule being evaluated, so the gate's trace shows it.
/// A native operator: it reads views of its arguments, so the usual call (a constant table name,
/// scalar inputs) makes no JSON copy of them and no std::function call; what remains is the
/// table's own lookup (DecisionTable::evaluate_values and its TableResult).
jld::Val decide_operator(const jld::Node& n, jld::Ctx& c, const jld::Val* args, std::size_t count) {
  const auto& tables = *static_cast<const detail::TableMap*>(n.custom->native_state.get());
  if (!args[0].is_string())
    jld::throw_rule_error(n, "Invalid Arguments", "the first argument names a decision table");
  const auto it = tables.find(args[0].str());
  if (it == tables.end())
    jld::throw_rule_error(n, "Invalid Arguments",
                          "no decision table \"" + std::string(args[0].str()) + "\"");
  const DecisionTable& table = *it->second;
  const std::size_t inputs = count - 1;
  constexpr std::size_t kInline = 8;
  json::value inline_values[kInline];
  std::vector<json::value> heap_values;
  json::value* values = inline_values;
  if (inputs > kInline) {
    heap_values.resize(inputs);
    values = heap_values.data();
  }
  for (std::size_t i = 0; i < inputs; ++i) values[i] = jld::to_json(args[i + 1]);
  const bool by_name = inputs == 1 && values[0].is_object();
  detail::DecisionLog* log = detail::current_decision_log();
  auto input_object = [&] {
    return by_name ? table.input_object(values[0])
                   : table.input_object(json::array(values, values + inputs));
  };
  auto log_error = [&](std::string_view why) {
    if (log)
      log->calls.push_back(
          json::object{{"table", table.name()}, {"inputs", input_object()}, {"error", why}});
  };
  try {
    TableResult r = by_name ? table.evaluate(values[0], c.limits)
                            : table.evaluate_values(values, inputs, c.limits);
    if (log) log->calls.push_back(table.explain(input_object(), r));
    switch (r.output.kind()) {
      case json::kind::string:
      case json::kind::array:
      case json::kind::object:
        return jld::from_json(*c.arena.keep(std::move(r.output)));
      default:
        return jld::from_json(r.output);
    }
  } catch (const jsonlogic::RuleError& e) {
    log_error(e.what());
    throw;
  } catch (const Error& e) {
    log_error(e.why());
    throw jsonlogic::RuleError(json::object{{"type", "Decision Table"}}, e.where(), e.why());
  }
}

jsonlogic::Operators policy_operators(const Extensions& ext,
                                      std::shared_ptr<const detail::TableMap> tables) {
  jsonlogic::Operators ops = ext.operators();
  auto entry = std::make_shared<jld::OperatorEntry>();
  entry->name = "decide";
  entry->native = decide_operator;
  entry->native_state = std::move(tables);
  entry->min_args = 1;
  jld::add_native_operator(ops, std::move(entry));
  return ops;
}

/// Checks the `decide` calls of a rule whose table is named by a constant: the table exists and
/// gets as many inputs as it has columns (or one object of named inputs). The walk goes as deep as
/// the document, which a C++ host may have built: it stops, with a problem, at the depth no JSON
/// text may exceed (limits.hpp).
void check_decide_calls(const json::value& logic, const std::string& where, const std::string& path,
                        const detail::TableMap& tables, const std::vector<std::string>& declared,
                        JsonChecker& check, unsigned depth = 0) {
  if (!logic.is_array() && !logic.is_object()) return;
  if (depth >= InputLimits::kMaxJsonDepthCeiling) {
    check.fail(
        where, path,
        "nested deeper than " + std::to_string(InputLimits::kMaxJsonDepthCeiling) + " levels");
    return;
  }
  if (logic.is_array()) {
    const auto& a = logic.get_array();
    for (std::size_t i = 0; i < a.size(); ++i)
      check_decide_calls(a[i], where, JsonChecker::index(path, i), tables, declared, check,
                         depth + 1);
    return;
  }
  const auto& o = logic.get_object();
  if (o.size() == 1 && o.begin()->key() == "decide") {
    const json::value& args = o.begin()->value();
    const std::string p = path + "/decide";
    const json::array list = args.is_array() ? args.get_array() : json::array{args};
    if (list.empty() || !list[0].is_string()) {
      if (list.empty()) check.fail(where, p, "needs the name of a decision table");
    } else {
      const std::string name(list[0].get_string());
      const auto it = tables.find(name);
      if (it == tables.end()) {
        if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
          std::string known;
          for (const auto& n : declared) known += (known.empty() ? "" : ", ") + n;
          check.fail(where, args.is_array() ? p + "/0" : p,
                     "no decision table \"" + name + "\" in tables.json (" +
                         (known.empty() ? std::string("there are none") : "tables: " + known) +
                         ")");
        }
      } else {
        const auto& inputs = it->second->inputs();
        const std::size_t given = list.size() - 1;
        const bool named = given == 1 && (list[1].is_object());
        if (given != inputs.size() && !named) {
          std::string names;
          for (const auto& in : inputs) names += (names.empty() ? "" : ", ") + in.name;
          check.fail(where, p,
                     "table \"" + name + "\" takes " + std::to_string(inputs.size()) + " input" +
                         (inputs.size() == 1 ? "" : "s") + " (" + names + "), got " +
                         std::to_string(given));
        }
      }
    }
  }
  for (const auto& kv : o)
    check_decide_calls(kv.value(), where, JsonChecker::join(path, kv.key()), tables, declared,
                       check, depth + 1);
}

std::unique_ptr<PolicyData> compile(const PolicySource& source, const Extensions& ext,
                                    std::vector<std::string>& problems) {
  auto data = std::make_unique<PolicyData>();
  JsonChecker check(problems);
  auto find = [&](std::string_view name) -> const PolicySource::Part* {
    for (const auto& p : source.parts)
      if (p.name == name) return &p;
    return nullptr;
  };
  for (const auto& part : source.parts) {
    if (std::find(std::begin(kKnownParts), std::end(kKnownParts), part.name) ==
        std::end(kKnownParts))
      check.fail(part.where, "",
                 "unknown policy part \"" + part.name +
                     "\" (expected policy, roles, gates, routes, process, risk, "
                     "kpi, tables or deadlines)");
    // Boost.JSON reads a number beyond double (1e400) as infinity: a threshold nothing reaches.
    // The walk is iterative; nesting past the ceiling is check_decide_calls's to report.
    if (const detail::JsonMeasure m = detail::measure_json(
            part.document, InputLimits::kMaxJsonDepthCeiling, "", detail::PathStyle::pointer);
        m.problem == detail::JsonMeasure::Problem::not_finite)
      check.fail(part.where, m.path, "a number too large for a double (it reads as infinity)");
    data->parts.emplace(part.name, part.document);
  }
  // Order matters: roles before the parts that name roles.
  for (std::string_view required : {"policy", "roles", "gates", "routes"})
    if (!find(required))
      problems.push_back(std::string(required) + ": missing part (the policy needs " +
                         std::string(required) + ".json)");
  if (const auto* p = find("policy")) load_manifest(p->document, p->where, *data, check);
  if (const auto* p = find("roles")) load_roles(p->document, p->where, *data, check);
  // Tables before the rules that call them through `decide`.
  std::vector<std::string> declared_tables;
  if (const auto* p = find("tables"))
    load_tables(p->document, p->where, *data, ext, problems, declared_tables);
  data->operators = policy_operators(ext, data->tables);
  const jsonlogic::Operators& ops = data->operators;
  for (std::string_view part : {"gates", "routes", "deadlines", "kpi"})
    if (const auto* p = find(part))
      check_decide_calls(p->document, p->where, "", *data->tables, declared_tables, check);
  if (const auto* p = find("gates")) load_gates(p->document, p->where, *data, ext, ops, check);
  if (const auto* p = find("routes")) {
    load_routes(p->document, p->where, *data, ops, check);
    for (auto r : kRequiredRoutes)
      if (!data->routes.count(r) && problems.empty())
        check.fail(p->where, JsonChecker::join("/routes", r), "missing: the process asks for it");
  }
  data->contract_copies_to = builtin_contract_copies();  // unless process.json names them
  if (const auto* p = find("process")) load_process(p->document, p->where, *data, check);
  if (const auto* p = find("deadlines")) {
    std::vector<std::string> routes;
    for (const auto& kv : data->routes) routes.push_back(kv.first);
    if (routes.empty()) routes.emplace_back();  // no route loaded: none may be named
    data->deadlines =
        detail::compile_deadline_rules(p->document, p->where, data->roles, routes, ops, problems);
  }
  data->scorers = ext.scorers();
  if (const auto* p = find("kpi")) {
    try {
      data->kpis = kpi_catalogue_from_json(p->document, p->where, ops);
      if (const auto* people =
              p->document.is_object() ? p->document.get_object().if_contains("people") : nullptr)
        (void)people_definition_from_json(people, p->where);  // a bad scorecard fails the load
    } catch (const Error& e) {
      problems.push_back(e.what());
    }
  }
  ext.add_kpis_to(data->kpis);
  if (const auto* p = find("risk")) {
    try {
      data->risk_model = risk_model_from_json(p->document, p->where, &data->scorers);
    } catch (const Error& e) {
      problems.push_back(e.what());
    }
  }
  for (const auto& gate : data->gates)
    for (const auto& rule : gate)
      for (const auto& role : rule.override_roles)
        if (std::find(data->roles.begin(), data->roles.end(), role) == data->roles.end())
          problems.push_back(rule.where + "/override/roles: role \"" + role +
                             "\" is not declared in roles");
  return data;
}

json::array reads_of(jsonlogic::Trace& trace) {
  json::array reads;
  reads.reserve(trace.reads.size());
  for (std::size_t i = 0; i < trace.reads.size(); ++i) {
    auto& [path, value] = trace.reads[i];
    bool seen = false;  // a value read twice is reported once (traces are a handful of reads)
    for (std::size_t j = 0; j < i && !seen; ++j) seen = trace.reads[j].first == path;
    if (seen) continue;
    // Built member by member: the initializer-list constructor costs twice as much, and this
    // runs for every rule of every gate.
    json::object read(2, reads.storage());
    read.emplace("path", path);
    read.emplace("value", std::move(value));
    reads.emplace_back(std::move(read));
  }
  return reads;
}

/// The failure message of a rule: `{fact.path}` placeholders from the facts, and
/// `{decide.<table>}` / `{decide.<table>.<output>}` from the tables the rule consulted.
std::string rule_message(const std::string& message, const json::value& facts,
                         const detail::DecisionLog& log) {
  if (log.calls.empty() || message.find("{decide.") == std::string::npos)
    return detail::fill_message(message, facts);
  json::object outputs;
  for (const auto& call : log.calls) {
    const auto& c = call.get_object();
    if (const json::value* out = c.if_contains("output"))
      outputs[c.at("table").get_string()] = *out;
  }
  const json::value decided = json::object{{"decide", std::move(outputs)}};
  std::string filled;
  std::size_t i = 0;
  for (;;) {
    const std::size_t open = message.find("{decide.", i);
    if (open == std::string::npos) break;
    const std::size_t close = message.find('}', open);
    if (close == std::string::npos) break;
    filled.append(message, i, open - i);
    const json::value* v =
        detail::lookup_path(decided, std::string_view(message).substr(open + 1, close - open - 1));
    filled += v ? detail::display_value(*v) : std::string("(none)");
    i = close + 1;
  }
  filled.append(message, i, std::string::npos);
  return detail::fill_message(filled, facts);
}

const json::string* override_reason(const json::value& facts) {
  const auto* payload = facts.is_object() ? facts.get_object().if_contains("payload") : nullptr;
  if (!payload || !payload->is_object()) return nullptr;
  const auto* ov = payload->get_object().if_contains("override");
  if (!ov || !ov->is_object()) return nullptr;
  const auto* reason = ov->get_object().if_contains("reason");
  if (!reason || !reason->is_string() || reason->get_string().empty()) return nullptr;
  return &reason->get_string();
}

}  // namespace

Policy::Policy(std::unique_ptr<detail::PolicyData> data) : data_(std::move(data)) {}
Policy::~Policy() = default;

std::shared_ptr<const Policy> Policy::load(const PolicySource& source, const Extensions& ext) {
  std::vector<std::string> problems;
  auto data = compile(source, ext, problems);
  if (!problems.empty()) {
    std::string why = problems.front();
    if (problems.size() > 1)
      why += " (and " + std::to_string(problems.size() - 1) + " more problem" +
             (problems.size() > 2 ? "s" : "") + "; `undertake check` lists them all)";
    throw Error(ErrorKind::invalid_policy, "", why);
  }
  return std::shared_ptr<const Policy>(new Policy(std::move(data)));
}

std::vector<std::string> Policy::check(const PolicySource& source, const Extensions& ext) {
  std::vector<std::string> problems;
  const auto data = compile(source, ext, problems);
  // Inputs no row of a table covers do not stop a load (a rule reading the table there fails,
  // closed), but a policy with them is not what its author meant: the check reports them.
  for (const auto& [name, table] : *data->tables)
    for (auto& gap : table->gaps()) problems.push_back(std::move(gap));
  return problems;
}

const std::string& Policy::name() const noexcept {
  return data_->name;
}
const std::string& Policy::version() const noexcept {
  return data_->version;
}
const std::vector<std::string>& Policy::roles() const noexcept {
  return data_->roles;
}
const std::vector<std::string>& Policy::kickoff_departments() const noexcept {
  return data_->kickoff_departments;
}

const std::vector<std::string>& Policy::contract_copies_to() const noexcept {
  return data_->contract_copies_to;
}

const std::vector<std::string>& Policy::roles_for(EventId event) const noexcept {
  return data_->event_roles[static_cast<std::size_t>(event)];
}

bool Policy::permits(EventId event, const Actor& actor) const noexcept {
  for (const auto& role : roles_for(event))
    if (actor.has_role(role)) return true;
  return false;
}

bool Policy::has_gate(EventId event) const noexcept {
  return !data_->gates[static_cast<std::size_t>(event)].empty();
}

RiskAssessment Policy::assess_risks(const RiskRegister& risks) const {
  return data_->scorers.assess(risks, data_->risk_model);
}

const RiskModel& Policy::risk_model() const noexcept {
  return data_->risk_model;
}
const KpiCatalogue& Policy::kpi_catalogue() const noexcept {
  return data_->kpis;
}

const DecisionTable* Policy::find_table(std::string_view name) const noexcept {
  const auto it = data_->tables->find(name);
  return it == data_->tables->end() ? nullptr : it->second.get();
}

const DecisionTable& Policy::table(std::string_view name) const {
  if (const DecisionTable* t = find_table(name)) return *t;
  std::string known;
  for (const auto& kv : *data_->tables) known += (known.empty() ? "" : ", ") + kv.first;
  throw Error(ErrorKind::not_found, "tables",
              "no decision table \"" + std::string(name) + "\" (" +
                  (known.empty() ? std::string("the policy has none") : "tables: " + known) + ")");
}

const jsonlogic::Operators& Policy::operators() const noexcept {
  return data_->operators;
}

std::vector<std::string> Policy::table_names() const {
  std::vector<std::string> names;
  for (const auto& kv : *data_->tables) names.push_back(kv.first);
  return names;
}

const json::value* Policy::part(std::string_view name) const noexcept {
  auto it = data_->parts.find(name);
  return it == data_->parts.end() ? nullptr : &it->second;
}

bool Policy::route(std::string_view name, const json::value& facts,
                   const jsonlogic::Limits& limits) const {
  auto it = data_->routes.find(name);
  if (it == data_->routes.end())
    throw Error(ErrorKind::invalid_policy, "routes", "no route \"" + std::string(name) + "\"");
  return it->second.test(facts, limits);
}

GateDecision Policy::decide(EventId event, const json::value& facts, const Actor& actor,
                            const jsonlogic::Limits& limits) const {
  GateDecision decision;
  const auto& rules = data_->gates[static_cast<std::size_t>(event)];
  decision.rules.reserve(rules.size());
  for (const auto& rule : rules) {
    RuleTrace t;
    t.id = rule.id;
    t.description = rule.description;
    t.severity = rule.severity;
    t.category = rule.category;
    jsonlogic::Trace reads;
    detail::DecisionLog decisions;  // the tables the rule consults, for the trace
    const detail::DecisionLogScope decision_scope(&decisions);
    try {
      if (rule.when && !rule.when->test(facts, limits, &reads)) {
        t.applicable = false;
        t.reads = reads_of(reads);
        if (!decisions.calls.empty())
          t.details = json::object{{"decisions", std::move(decisions.calls)}};
        decision.rules.push_back(std::move(t));
        continue;
      }
      if (rule.condition) {
        t.passed = rule.condition->test(facts, limits, &reads);
        if (!t.passed) t.message = rule_message(rule.message, facts, decisions);
      } else {
        RuleVerdict v = rule.custom->check(RuleInput{facts, event_name(event), actor});
        t.passed = v.passed;
        t.details = std::move(v.details);
        if (!t.passed)
          t.message = v.message.empty() ? detail::fill_message(rule.message, facts) : v.message;
      }
    } catch (...) {
      // A rule that cannot be evaluated fails closed, whatever its severity and whatever host code
      // threw (a custom rule or operator): the event is refused and the error shown. Out of memory
      // is rethrown by current_exception_text (fire() then changes nothing).
      t.passed = false;
      t.error = true;
      t.message = "rule could not be evaluated: " + detail::current_exception_text();
    }
    t.reads = reads_of(reads);
    if (!decisions.calls.empty() && t.details.is_null())
      t.details = json::object{{"decisions", std::move(decisions.calls)}};
    if (t.error) {
      decision.verdict = Verdict::denied;
    } else if (!t.passed) {
      switch (rule.severity) {
        case Severity::deny:
          decision.verdict = Verdict::denied;
          break;
        case Severity::warn:
          break;
        case Severity::approval: {
          bool authorised = false;
          for (const auto& role : rule.override_roles)
            authorised = authorised || actor.has_role(role);
          if (authorised && override_reason(facts)) {
            t.overridden = true;
          } else if (decision.verdict == Verdict::allowed) {
            decision.verdict = Verdict::needs_approval;
          }
          break;
        }
      }
    }
    decision.rules.push_back(std::move(t));
  }
  return decision;
}

UNDERTAKE_END_NAMESPACE
