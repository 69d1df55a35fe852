// The C API: engines, policies, host rules and the listener.
#include <cstdlib>
#include <memory>
#include <string>

#include "capi/capi_internal.hpp"
#include "undertake/events.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

// A custom rule implemented by a host callback.
class HostRule final : public CustomRule {
 public:
  HostRule(std::string name, ut_rule_fn fn, void* user_data)
      : name_(std::move(name)), fn_(fn), user_data_(user_data) {}

  RuleVerdict check(const RuleInput& input) const override {
    const std::string facts = json::serialize(input.facts);
    const std::string event(input.event);
    const std::string actor = json::serialize(to_json(input.actor));
    RuleVerdict verdict;
    ut_verdict out{&verdict};
    const int rc = fn_(user_data_, facts.c_str(), event.c_str(), actor.c_str(), &out);
    if (rc < 0)
      throw Error(ErrorKind::rule_failed, "rule " + name_,
                  verdict.message.empty()
                      ? "the host callback reported an error (" + std::to_string(rc) + ")"
                      : verdict.message);
    verdict.passed = rc != UT_RULE_FAIL;
    return verdict;
  }

 private:
  std::string name_;
  ut_rule_fn fn_;
  void* user_data_;
};

}  // namespace

std::string path_arg(const char* path) {
  if (!path) fail(UT_E_INVALID_ARGUMENT, "policy_path: NULL");
  std::string p(path);
  if (p.empty()) fail(UT_E_INVALID_ARGUMENT, "policy_path: empty");
  return p;
}

PolicySource document_source(const char* policy_json, const InputLimits& limits) {
  json::value doc = parse_json(policy_json, limits, "policy");
  if (!doc.is_object())
    fail(UT_E_INVALID_JSON, "policy: expected a JSON object whose keys are the policy's parts");
  return PolicySource::from_document(doc, "policy");
}

int open_engine(Engine engine, ut_engine** out) {
  if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
  auto handle = std::make_unique<ut_engine>();
  handle->state = std::make_shared<EngineState>(std::move(engine));
  *out = handle.release();
  return UT_OK;
}

EngineState::EngineState(Engine e) : engine(std::move(e)) {
  engine.set_listener([this](const Case& c, const Outcome& outcome) {
    const auto l = std::atomic_load(&listener);
    if (!l || !l->fn || closed.load()) return;
    const std::unique_ptr<char, void (*)(void*)> text(dup_outcome_json(c, outcome), std::free);
    l->fn(l->user_data, c.id().c_str(), outcome.event.c_str(), outcome.accepted ? 1 : 0,
          text.get());
  });
}

EngineState::~EngineState() = default;

}  // namespace undertake::capi

using namespace undertake;
using namespace undertake::capi;

extern "C" {

int ut_engine_open_default(ut_engine** out) {
  reset_out(out);
  return guarded([&] {
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    return open_engine(Engine(), out);
  });
}

int ut_engine_open(const char* policy_path, ut_engine** out) {
  reset_out(out);
  return guarded([&] {
    const std::string path = path_arg(policy_path);
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    return open_engine(Engine(path), out);
  });
}

int ut_engine_open_json(const char* policy_json, ut_engine** out) {
  reset_out(out);
  return guarded([&] {
    const PolicySource source = document_source(policy_json, InputLimits{});
    if (!out) fail(UT_E_INVALID_ARGUMENT, "out: NULL");
    return open_engine(Engine(source), out);
  });
}

void ut_engine_close(ut_engine* e) {
  if (!e || e->magic != kEngineMagic) return;
  // The thread's last error is left as it was (undertake.h: functions returning nothing).
  try {
    EngineState& s = *e->state;
    if (CallGuard::held(s)) {
      s.closed.store(true);  // called from a callback: cannot wait for ourselves
    } else {
      std::unique_lock<std::shared_mutex> lock(s.gate);  // waits for calls in flight
      s.closed.store(true);
    }
    std::atomic_store(&s.listener, std::shared_ptr<const Listener>());
  } catch (...) {
    e->state->closed.store(true);
  }
  e->magic = kDeadMagic;
  delete e;  // the state lives on while cases hold it
}

int ut_engine_load_policy(ut_engine* e, const char* policy_path) {
  return guarded([&] {
    engine_arg(e).engine.load_policy(path_arg(policy_path));
    return UT_OK;
  });
}

int ut_engine_load_policy_json(ut_engine* e, const char* policy_json) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    s.engine.load_policy(document_source(policy_json, s.limits()));
    return UT_OK;
  });
}

int ut_engine_reload(ut_engine* e) {
  return guarded([&] {
    engine_arg(e).engine.reload_policy();
    return UT_OK;
  });
}

int ut_engine_load_policy_patch(ut_engine* e, const char* merge_patch_json) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    s.engine.patch_policy(parse_json(merge_patch_json, s.limits(), "patch"));
    return UT_OK;
  });
}

int ut_engine_set_rule_limits(ut_engine* e, size_t max_depth, uint64_t max_steps,
                              size_t max_items) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    std::lock_guard<std::mutex> lock(s.limits_mutex);  // one read-modify-write at a time
    jsonlogic::Limits limits = s.engine.rule_limits();
    if (max_depth) limits.max_depth = max_depth;
    if (max_steps) limits.max_steps = max_steps;
    if (max_items) limits.max_items = max_items;
    s.engine.set_rule_limits(limits);
    return UT_OK;
  });
}

int ut_engine_policy_info(ut_engine* e, char** info_json) {
  reset_out(info_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!info_json) fail(UT_E_INVALID_ARGUMENT, "info_json: NULL");
    const auto policy = s.engine.policy();
    json::object events;
    for (std::size_t i = 0; i < kEventCount; ++i) {
      const auto id = static_cast<EventId>(i);
      events[event_name(id)] = json::object{{"roles", json::value_from(policy->roles_for(id))},
                                            {"gated", policy->has_gate(id)}};
    }
    json::value info = json::object{{"name", policy->name()},
                                    {"version", policy->version()},
                                    {"roles", json::value_from(policy->roles())},
                                    {"events", std::move(events)}};
    *info_json = dup_json(info);
    return UT_OK;
  });
}

int ut_policy_builtin_json(char** policy_json) {
  reset_out(policy_json);
  return guarded([&] {
    if (!policy_json) fail(UT_E_INVALID_ARGUMENT, "policy_json: NULL");
    json::object doc;
    for (const auto& part : PolicySource::builtin().parts) doc[part.name] = part.document;
    *policy_json = dup_json(doc);
    return UT_OK;
  });
}

int ut_engine_set_host_key(ut_engine* e, const void* key, size_t key_size) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!key) fail(UT_E_INVALID_ARGUMENT, "key: NULL");
    if (key_size == 0) fail(UT_E_INVALID_ARGUMENT, "key: empty (key_size 0)");
    s.engine.set_host_key(std::string_view(static_cast<const char*>(key), key_size));
    return UT_OK;
  });
}

int ut_engine_register_rule(ut_engine* e, const char* name, ut_rule_fn fn, void* user_data) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    const std::string_view n = text_arg(name, "rule name");
    if (!fn) fail(UT_E_INVALID_ARGUMENT, "rule " + std::string(n) + ": NULL callback");
    s.engine.add_rule(std::string(n), std::make_shared<HostRule>(std::string(n), fn, user_data));
    return UT_OK;
  });
}

int ut_verdict_set_message(ut_verdict* v, const char* message) {
  return guarded([&] {
    if (!v || !v->verdict) fail(UT_E_INVALID_ARGUMENT, "verdict: NULL");
    if (!message) fail(UT_E_INVALID_ARGUMENT, "message: NULL");
    std::string_view text(message);
    if (!valid_utf8(text)) fail(UT_E_INVALID_ARGUMENT, "message: not valid UTF-8");
    v->verdict->message.assign(text.data(), text.size());
    return UT_OK;
  });
}

int ut_verdict_set_details(ut_verdict* v, const char* details_json) {
  return guarded([&] {
    if (!v || !v->verdict) fail(UT_E_INVALID_ARGUMENT, "verdict: NULL");
    v->verdict->details = parse_json(details_json, InputLimits{}, "details");
    return UT_OK;
  });
}

int ut_engine_set_listener(ut_engine* e, ut_listener_fn fn, void* user_data) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    std::shared_ptr<const Listener> l =
        fn ? std::make_shared<const Listener>(Listener{fn, user_data}) : nullptr;
    if (CallGuard::held(s)) {
      std::atomic_store(&s.listener, std::move(l));
    } else {
      std::unique_lock<std::shared_mutex> lock(s.gate);  // no call in flight uses the old one
      std::atomic_store(&s.listener, std::move(l));
    }
    return UT_OK;
  });
}

}  // extern "C"
