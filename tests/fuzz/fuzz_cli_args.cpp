// libFuzzer target: the command line's JSON arguments (src/cli/json_args.cpp, the code `undertake
// case new|fire` runs) and what the engine does with the object they give. Input: the --payload /
// --data text NUL --set KEY=VALUE NUL ... NUL the --actor text. Whatever the arguments give is
// tried as a new case's requirement form and as the payload of an event; whenever the engine
// accepts, the case's snapshot must be within the limits as text and restore to the same case
// ("accepted ⇒ storable, loadable, restorable", limits.hpp). Errors must be undertake::Error.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/json_args.hpp"
#include "undertake/undertake.hpp"

namespace {

using namespace undertake;

// A finding: abort, so that libFuzzer keeps the input.
void require(bool ok) {
  if (!ok) std::abort();
}

void check_restores(const Engine& engine, const Case& c) {
  const InputLimits limits = engine.limits();
  const std::string text = boost::json::serialize(c.snapshot());
  require(text.size() <= limits.max_json_bytes);
  boost::json::parse_options options;
  options.max_depth = limits.max_json_depth;
  boost::json::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec, {}, options);
  require(!ec);
  const Case restored = engine.restore(parsed);  // an Error here is a finding too
  require(restored.revision() == c.revision() && restored.state() == c.state());
}

const boost::json::object& form() {
  static const boost::json::object f =
      boost::json::parse(
          R"({"customer": {"name": "Hengda", "tier": "regular"}, "spec": "GH-40", "quantity": 500,
          "delivery_date": "2026-06-30", "quality_requirements": "ISO 2768-m"})")
          .as_object();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Engine engine;
  static const bool limited = [] {
    InputLimits l;
    l.max_json_bytes = 1 << 20;  // inputs are at most 64 KiB: a limit they can reach
    engine.set_limits(l);
    return true;
  }();
  (void)limited;
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0 && parts.size() < 10)
      parts.emplace_back();
    else
      parts.back() += static_cast<char>(data[i]);
  }
  const std::string text = parts.front();
  const std::string actor_text = parts.size() > 1 ? parts.back() : "mei:market";
  const std::vector<std::string> sets(parts.size() > 2 ? parts.begin() + 1 : parts.end(),
                                      parts.size() > 2 ? parts.end() - 1 : parts.end());
  const InputLimits limits = engine.limits();
  boost::json::object object;
  Actor actor;
  try {
    object = cli::object_argument("--payload", text, sets, limits);
    actor = cli::actor_argument(actor_text, limits);
  } catch (const Error&) {
    return 0;
  }
  try {  // as a requirement form
    const Case c = engine.create_case("F-1", object);
    check_restores(engine, c);
  } catch (const Error&) {
  }
  try {  // as a payload, by the actor given (accepted when it is the market, the event's role)
    Case c = engine.create_case("P-1", form());
    const auto at = parse_iso8601("2026-03-02T09:00:00Z");
    if (c.fire("intake.forward", actor, object, *at).accepted) check_restores(engine, c);
    if (c.fire("intake.forward", Actor{"mei", {"market"}}, object, *at).accepted)
      check_restores(engine, c);
  } catch (const Error&) {
  }
  return 0;
}
