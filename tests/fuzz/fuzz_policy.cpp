// libFuzzer target: policy loading and validation. The input is one policy document (the shape
// ut_engine_open_json reads: {"roles": {...}, "gates": {...}, ...}); Policy::check and
// Policy::load must either accept it or report an undertake::Error, never crash.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/policy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::json::error_code ec;
  const boost::json::value document = boost::json::parse(input, ec, {}, options);
  if (ec) return 0;
  try {
    const auto source = undertake::PolicySource::from_document(document, "fuzz.json");
    (void)undertake::Policy::check(source);
    (void)undertake::Policy::load(source);
  } catch (const undertake::Error&) {
    // invalid_policy, invalid_rule, invalid_json: refusals, not findings
  }
  return 0;
}
