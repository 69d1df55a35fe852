// libFuzzer target: Engine::restore on arbitrary snapshots. A restored case is then read back
// (state, snapshot, available, risk) and fired one event, so a snapshot that restores into an
// inconsistent case is found too. Errors must be undertake::Error (invalid_snapshot, ...).
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "undertake/undertake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const undertake::Engine engine;  // the built-in policy, loaded once
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  undertake::InputLimits limits;
  limits.max_json_depth = 256;
  try {
    // Read as ut_case_restore reads it (json_text.hpp): the reader is fuzzed too.
    undertake::Case restored = engine.restore(undertake::parse_json(input, limits, "fuzz"));
    (void)restored.state();
    (void)restored.stage();
    (void)restored.snapshot();
    (void)restored.available(undertake::Actor{"li", {"sales"}});
    (void)restored.deadlines();
    const auto at = undertake::parse_iso8601("2030-01-01T00:00:00Z");
    (void)restored.fire("case.suspend", undertake::Actor{"li", {"sales"}}, {}, *at);
  } catch (const undertake::Error&) {
    // invalid_json, limit_exceeded, invalid_snapshot and other refusals
  }
  return 0;
}
