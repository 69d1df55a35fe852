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
  boost::json::parse_options options;
  options.max_depth = 256;
  boost::json::error_code ec;
  const boost::json::value snapshot = boost::json::parse(input, ec, {}, options);
  if (ec) return 0;
  try {
    undertake::Case restored = engine.restore(snapshot);
    (void)restored.state();
    (void)restored.stage();
    (void)restored.snapshot();
    (void)restored.available(undertake::Actor{"li", {"sales"}});
    (void)restored.deadlines();
    const auto at = undertake::parse_iso8601("2030-01-01T00:00:00Z");
    (void)restored.fire("case.suspend", undertake::Actor{"li", {"sales"}}, {}, *at);
  } catch (const undertake::Error&) {
    // invalid_snapshot and other refusals
  }
  return 0;
}
