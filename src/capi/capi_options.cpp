// Limits by id (ut_engine_limit, as sqlite3_limit) and opening an engine from a versioned options
// struct (ut_engine_open_with, as libgit2's git_*_options): the C API's way to grow without
// breaking hosts compiled against an older header. Both only convert and check: the limits
// themselves are the engine's (Engine::set_limits, Engine::set_rule_limits).
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "capi/capi_internal.hpp"

namespace undertake::capi {
namespace {

constexpr int kLimitCount = 6;
const char* const kLimitNames[kLimitCount] = {"UT_LIMIT_JSON_BYTES", "UT_LIMIT_JSON_DEPTH",
                                              "UT_LIMIT_ID_BYTES",   "UT_LIMIT_RULE_DEPTH",
                                              "UT_LIMIT_RULE_STEPS", "UT_LIMIT_RULE_ITEMS"};

// The limits an engine has, one value per UT_LIMIT_* id.
struct LimitValues {
  InputLimits input;
  jsonlogic::Limits rules;

  std::int64_t get(int id) const {
    switch (id) {
      case UT_LIMIT_JSON_BYTES:
        return static_cast<std::int64_t>(input.max_json_bytes);
      case UT_LIMIT_JSON_DEPTH:
        return input.max_json_depth;
      case UT_LIMIT_ID_BYTES:
        return static_cast<std::int64_t>(input.max_id_bytes);
      case UT_LIMIT_RULE_DEPTH:
        return static_cast<std::int64_t>(rules.max_depth);
      case UT_LIMIT_RULE_STEPS:
        return static_cast<std::int64_t>(rules.max_steps);
      default:
        return static_cast<std::int64_t>(rules.max_items);
    }
  }

  // Sets one; the engine checks the ranges of the input limits (limits_problem) when they are
  // applied, the rule limits need at least 1.
  void set(int id, std::int64_t v) {
    const std::string what = std::string(kLimitNames[id]) + ": ";
    if (v < 1) fail(UT_E_INVALID_ARGUMENT, what + "must be at least 1, not " + std::to_string(v));
    const auto u = static_cast<std::uint64_t>(v);
    switch (id) {
      case UT_LIMIT_JSON_BYTES:
        input.max_json_bytes = static_cast<std::size_t>(u);
        break;
      case UT_LIMIT_JSON_DEPTH:
        if (u > std::numeric_limits<unsigned>::max())
          fail(UT_E_INVALID_ARGUMENT, what + std::to_string(v) + " is out of range");
        input.max_json_depth = static_cast<unsigned>(u);
        break;
      case UT_LIMIT_ID_BYTES:
        input.max_id_bytes = static_cast<std::size_t>(u);
        break;
      case UT_LIMIT_RULE_DEPTH:
        rules.max_depth = static_cast<std::size_t>(u);
        break;
      case UT_LIMIT_RULE_STEPS:
        rules.max_steps = u;
        break;
      default:
        rules.max_items = static_cast<std::size_t>(u);
        break;
    }
  }

  // The input limits within their bounds, or UT_E_INVALID_ARGUMENT saying which is not.
  void check() const {
    if (std::string problem = limits_problem(input); !problem.empty())
      fail(UT_E_INVALID_ARGUMENT, "limits: " + problem);
  }
};

void check_id(int id) {
  if (id < 0 || id >= kLimitCount)
    fail(UT_E_INVALID_ARGUMENT, "limit_id: " + std::to_string(id) +
                                    " is not a UT_LIMIT_* id (0 to " +
                                    std::to_string(kLimitCount - 1) + ")");
}

LimitValues limits_of(const Engine& engine) {
  return LimitValues{engine.limits(), engine.rule_limits()};
}

void apply(Engine& engine, const LimitValues& v) {
  v.check();
  engine.set_limits(v.input);
  engine.set_rule_limits(v.rules);
}

}  // namespace
}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int64_t ut_engine_limit(ut_engine* e, int limit_id, int64_t new_value) {
  std::int64_t before = -1;
  const int status = guarded([&] {
    EngineState& s = engine_arg(e);
    check_id(limit_id);
    std::lock_guard<std::mutex> lock(s.limits_mutex);  // one read-modify-write at a time
    LimitValues v = limits_of(s.engine);
    const std::int64_t old = v.get(limit_id);
    if (new_value >= 0) {
      v.set(limit_id, new_value);
      apply(s.engine, v);
    }
    before = old;
    return UT_OK;
  });
  return status == UT_OK ? before : -1;
}

int ut_engine_options_init(ut_engine_options* options, unsigned int version) {
  return guarded([&] {
    if (!options) fail(UT_E_INVALID_ARGUMENT, "options: NULL");
    if (version != UT_ENGINE_OPTIONS_VERSION)
      fail(UT_E_INVALID_ARGUMENT, "version: " + std::to_string(version) +
                                      " is not a version of ut_engine_options this library knows "
                                      "(it knows " +
                                      std::to_string(UT_ENGINE_OPTIONS_VERSION) + ")");
    *options = ut_engine_options UT_ENGINE_OPTIONS_INIT;
    return UT_OK;
  });
}

int ut_engine_open_with(const ut_engine_options* options, ut_engine** out) {
  reset_out(out);
  if (!options) return ut_engine_open_default(out);
  return guarded([&] {
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    const ut_engine_options& o = *options;
    if (o.version == 0 || o.version > UT_ENGINE_OPTIONS_VERSION)
      fail(UT_E_INVALID_ARGUMENT,
           "options.version: " + std::to_string(o.version) +
               (o.version ? " is newer than this library (" : " is not set (use ") +
               std::to_string(UT_ENGINE_OPTIONS_VERSION) +
               (o.version ? "): the host was built against a newer header" : ")"));
    if (o.policy_path && o.policy_json)
      fail(UT_E_INVALID_ARGUMENT, "options: policy_path and policy_json are both set");
    if (o.host_key && o.host_key_size == 0)
      fail(UT_E_INVALID_ARGUMENT, "options.host_key: empty (host_key_size 0)");
    LimitValues limits;  // the defaults, then the host's
    for (int id = 0; id < kLimitCount; ++id)
      if (o.limits[id] != 0) limits.set(id, o.limits[id]);
    limits.check();

    ut_engine* opened = nullptr;
    if (o.policy_path)
      open_engine(Engine(path_arg(o.policy_path)), &opened);
    else if (o.policy_json)
      open_engine(Engine(document_source(o.policy_json, limits.input)), &opened);
    else
      open_engine(Engine(), &opened);
    std::unique_ptr<ut_engine, void (*)(ut_engine*)> engine(opened, ut_engine_close);
    EngineState& s = *engine->state;
    apply(s.engine, limits);
    if (o.host_key)
      s.engine.set_host_key(
          std::string_view(static_cast<const char*>(o.host_key), o.host_key_size));
    *out = engine.release();
    return UT_OK;
  });
}

}  // extern "C"
