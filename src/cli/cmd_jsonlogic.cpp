// `undertake jsonlogic SUITE.json...` runs JsonLogic conformance suites;
// `undertake eval RULE [DATA]` evaluates one rule (JSON text, or @file).
#include <boost/json.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "rules/jsonlogic/value.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/limits.hpp"

namespace undertake::cli {

namespace {

namespace json = boost::json;
namespace jl = undertake::jsonlogic;
using jl::detail::to_text;

// Deep enough that a rule nested past Limits::max_depth is refused by the rule language itself
// (limit_exceeded, with its path), yet within the ceiling every recursion over JSON is bounded by
// (limits.hpp).
InputLimits rule_text_limits() {
  InputLimits limits;
  limits.max_json_depth = InputLimits::kMaxJsonDepthCeiling;
  return limits;
}

/// Equality of expected and actual JSON, numbers compared by value (3 equals 3.0). The recursion
/// is bounded: values nested deeper than JSON text may be (limits.hpp) are never the same.
bool same(const json::value& a, const json::value& b, unsigned depth = 0) {
  if ((a.is_array() || a.is_object()) && depth >= InputLimits::kMaxJsonDepthCeiling) return false;
  const bool an = a.is_int64() || a.is_uint64() || a.is_double();
  const bool bn = b.is_int64() || b.is_uint64() || b.is_double();
  if (an || bn) return an && bn && json::value_to<double>(a) == json::value_to<double>(b);
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!same(x[i], y[i], depth + 1)) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& member : x) {
      const json::value* other = y.if_contains(member.key());
      if (!other || !same(member.value(), *other, depth + 1)) return false;
    }
    return true;
  }
  return a == b;
}

/// What running one case gave.
struct Outcome {
  enum class Type { value, rule_error, invalid_rule, other_error } type = Type::value;
  json::value value;  ///< the result, or the rule's error value
  std::string message;
};

Outcome run_case(const json::value& rule, const json::value& data) {
  Outcome out;
  try {
    const jl::Rule compiled = jl::Rule::compile(rule);
    out.value = compiled.evaluate(data);
  } catch (const jl::RuleError& e) {
    out.type = Outcome::Type::rule_error;
    out.value = e.value();
    out.message = e.what();
  } catch (const Error& e) {
    out.type = e.kind() == ErrorKind::invalid_rule ? Outcome::Type::invalid_rule
                                                   : Outcome::Type::other_error;
    out.message = std::string(error_kind_name(e.kind())) + ": " + e.what();
  }
  return out;
}

const json::value* error_type(const json::value& error) {
  return error.is_object() ? error.get_object().if_contains("type") : nullptr;
}

/// An expected error {"type": T} is met by a run-time error of type T. A rule refused when it
/// compiles (malformed arguments, caught before any data is seen) meets "Invalid Arguments".
bool passes(const Outcome& got, const json::value* result, const json::value* error) {
  if (result) return got.type == Outcome::Type::value && same(*result, got.value);
  if (!error) return false;
  const json::value* want = error_type(*error);
  if (!want) return false;
  if (got.type == Outcome::Type::rule_error) {
    const json::value* type = error_type(got.value);
    return type && same(*want, *type);
  }
  return got.type == Outcome::Type::invalid_rule && want->is_string() &&
         want->get_string() == "Invalid Arguments";
}

std::string describe(const Outcome& got) {
  switch (got.type) {
    case Outcome::Type::value:
      return to_text(got.value);
    case Outcome::Type::rule_error:
      return "error " + to_text(got.value) + " (" + got.message + ")";
    default:
      return "refused: " + got.message;
  }
}

struct Tally {
  std::size_t passed = 0;
  std::size_t failed = 0;
};

/// Runs one suite file; false when the file cannot be read or is not a suite.
bool run_suite(const std::string& file, Tally& tally) {
  std::optional<json::value> suite;
  try {
    suite = read_json_file(file, rule_text_limits());
  } catch (const Error& e) {
    std::cerr << "undertake jsonlogic: " << e.what() << "\n";
    return false;
  }
  if (!suite->is_array()) {
    std::cerr << "undertake jsonlogic: " << file << ": not a suite (a JSON array of cases)\n";
    return false;
  }
  std::size_t index = 0;
  for (const json::value& item : suite->get_array()) {
    ++index;
    if (item.is_string()) continue;  // a section header
    const json::object* c = item.if_object();
    const json::value* rule = c ? c->if_contains("rule") : nullptr;
    const json::value* result = c ? c->if_contains("result") : nullptr;
    const json::value* error = c ? c->if_contains("error") : nullptr;
    const json::value* description = c ? c->if_contains("description") : nullptr;
    const json::value* data = c ? c->if_contains("data") : nullptr;
    static const json::value null_value;
    if (!data) data = &null_value;
    std::string name = description && description->is_string()
                           ? std::string(description->get_string())
                           : "case " + std::to_string(index);
    if (!rule || (!result && !error)) {
      ++tally.failed;
      std::cout << "FAIL " << file << ": " << name
                << "\n  malformed case: needs \"rule\" and \"result\" or \"error\"\n";
      continue;
    }
    const Outcome got = run_case(*rule, *data);
    if (passes(got, result, error)) {
      ++tally.passed;
      continue;
    }
    ++tally.failed;
    std::cout << "FAIL " << file << ": " << name << "\n"
              << "  rule:     " << to_text(*rule) << "\n"
              << "  data:     " << to_text(*data) << "\n"
              << "  expected: " << (result ? to_text(*result) : "error " + to_text(*error)) << "\n"
              << "  got:      " << describe(got) << "\n";
  }
  return true;
}

/// An argument of `eval`: JSON text, or @path for a file's content.
/// An argument of `eval`: JSON text, or @path for a file's content.
std::optional<json::value> json_argument(const std::string& arg, const char* what, int& status) {
  try {
    if (!arg.empty() && arg[0] == '@') return read_json_file(arg.substr(1), rule_text_limits());
    return parse_json(arg, rule_text_limits(), what);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::not_found || e.kind() == ErrorKind::io) {
      std::cerr << "undertake eval: " << e.what() << "\n";
      status = 2;
    } else {
      json::object error{
          {"kind", error_kind_name(e.kind())}, {"where", e.where()}, {"message", e.why()}};
      std::cerr << to_text(json::object{{"error", std::move(error)}}) << "\n";
      status = 1;
    }
    return std::nullopt;
  }
}

int evaluate(const std::string& rule_arg, const std::optional<std::string>& data_arg) {
  int status = 0;
  const auto rule = json_argument(rule_arg, "rule", status);
  if (!rule) return status;
  json::value data;
  if (data_arg) {
    auto d = json_argument(*data_arg, "data", status);
    if (!d) return status;
    data = std::move(*d);
  }
  json::object error;
  try {
    const jl::Rule compiled = jl::Rule::compile(*rule, jl::Operators::with_dates());
    std::cout << to_text(compiled.evaluate(data)) << "\n";
    return 0;
  } catch (const jl::RuleError& e) {
    if (e.value().is_object())
      error = e.value().get_object();
    else
      error["value"] = e.value();
    error["kind"] = error_kind_name(e.kind());
    error["where"] = e.where();
    error["message"] = e.why();
  } catch (const Error& e) {
    error["kind"] = error_kind_name(e.kind());
    error["where"] = e.where();
    error["message"] = e.why();
  }
  std::cerr << to_text(json::object{{"error", std::move(error)}}) << "\n";
  return 1;
}

}  // namespace

void add_jsonlogic_commands(CLI::App& app, Context& ctx) {
  auto* suites = app.add_subcommand(
      "jsonlogic",
      "Run JsonLogic conformance suites (JSON arrays of {description, rule, data, "
      "result | error}) and report the cases that fail");
  auto files = std::make_shared<std::vector<std::string>>();
  suites->add_option("suites", *files, "suite files")->required();
  suites->callback([files, &ctx] {
    Tally tally;
    bool readable = true;
    for (const std::string& file : *files) readable = run_suite(file, tally) && readable;
    std::cout << tally.passed << " passed, " << tally.failed << " failed\n";
    ctx.exit_status = !readable ? 2 : (tally.failed ? 1 : 0);
  });

  auto* eval = app.add_subcommand(
      "eval",
      "Evaluate a JsonLogic rule against data; prints the result as JSON, or the error as "
      "{\"error\": {...}} on stderr (exit status 1)");
  auto rule = std::make_shared<std::string>();
  auto data = std::make_shared<std::string>();
  eval->add_option("rule", *rule, "the rule: JSON text, or @file")->required();
  auto* data_option = eval->add_option("data", *data, "the data: JSON text, or @file");
  eval->callback([rule, data, data_option, &ctx] {
    ctx.exit_status =
        evaluate(*rule, data_option->count() ? std::optional<std::string>(*data) : std::nullopt);
  });
}

}  // namespace undertake::cli
