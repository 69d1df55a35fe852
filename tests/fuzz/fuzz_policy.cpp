// libFuzzer target: policy loading and validation. The input is one policy document (the shape
// ut_engine_open_json reads: {"roles": {...}, "gates": {...}, ...}); Policy::check and
// Policy::load must either accept it or report an undertake::Error, never crash.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  undertake::InputLimits limits;
  limits.max_json_depth = 256;
  try {
    // Read as ut_engine_open_json reads it (json_text.hpp): the reader is fuzzed too.
    const boost::json::value document = undertake::parse_json(input, limits, "fuzz.json");
    const auto source = undertake::PolicySource::from_document(document, "fuzz.json");
    (void)undertake::Policy::check(source);
    (void)undertake::Policy::load(source);
  } catch (const undertake::Error&) {
    // invalid_json, limit_exceeded, invalid_policy, invalid_rule: refusals, not findings
  }
  return 0;
}
