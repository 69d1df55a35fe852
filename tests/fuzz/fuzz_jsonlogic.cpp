// libFuzzer target: the JsonLogic compiler and evaluator. The input is a rule and a data document
// separated by a NUL byte (no NUL: the whole input is the rule, data is null). Compile errors,
// rule errors and limit errors are expected; anything else (a crash, a sanitizer report, an
// exception of another type) is a finding.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/jsonlogic.hpp"

namespace {

// Text is read as every JSON text the engine reads (json_text.hpp), so the reader is fuzzed too.
bool parse(std::string_view text, boost::json::value& out) {
  undertake::InputLimits limits;
  limits.max_json_depth = 256;
  try {
    out = undertake::parse_json(text, limits, "fuzz");
    return true;
  } catch (const undertake::Error&) {
    return false;  // not JSON, a duplicate key, a number beyond double, a limit
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  boost::json::value logic, facts;
  if (!parse(input.substr(0, nul), logic)) return 0;
  if (nul != std::string_view::npos && !parse(input.substr(nul + 1), facts)) return 0;

  // Small work limits keep each input fast; the limits themselves are under test.
  undertake::jsonlogic::Limits limits;
  limits.max_steps = 200'000;
  limits.max_items = 20'000;
  limits.max_depth = 128;
  for (const auto* ops : {&undertake::jsonlogic::Operators::standard(),
                          &undertake::jsonlogic::Operators::with_dates()}) {
    try {
      const auto rule = undertake::jsonlogic::Rule::compile(logic, *ops, "fuzz", limits);
      undertake::jsonlogic::Trace trace;
      (void)rule.evaluate(facts, limits, &trace);
      (void)rule.test(facts, limits);
    } catch (const undertake::Error&) {
      // invalid_rule, rule_failed, limit_exceeded: refusals, not findings
    }
  }
  return 0;
}
