// The engine's policy versions and extensions: loading, reloading and patching a policy, and
// registering what policies may reference (engine.hpp: "Extensions", "Policy versions").
#include <boost/json.hpp>

#include <type_traits>

#include "engine/engine_impl.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

// The commit of extend() moves the new extensions in: it must not throw.
static_assert(std::is_nothrow_move_assignable_v<Extensions>);
static_assert(std::is_nothrow_move_assignable_v<std::optional<PolicySource>>);
static_assert(std::is_nothrow_move_assignable_v<detail::PolicyOrigin>);

namespace {

// The version a `policy` part's document names, or null.
const json::string* version_in(const json::value& policy_part) {
  const json::object* o = policy_part.if_object();
  const json::value* v = o ? o->if_contains("version") : nullptr;
  return v ? v->if_string() : nullptr;
}

// The version `patch` names (`{"policy": {"version": "..."}}`), or null.
const json::string* named_version(const json::object& patch) {
  const json::value* part = patch.if_contains("policy");
  return part ? version_in(*part) : nullptr;
}

// The version of the `policy` part of a source, or null (Policy::load reports its absence).
const json::string* source_version(const PolicySource& source) {
  for (const auto& part : source.parts)
    if (part.name == "policy") return version_in(part.document);
  return nullptr;
}

}  // namespace

Engine::Impl::Impl()
    : seal(std::make_shared<const detail::Seal>()),
      listener(std::make_shared<std::shared_ptr<const Listener>>()),
      limits(std::make_shared<detail::LimitsSlot>(InputLimits{})) {}

std::shared_ptr<const Policy> Engine::Impl::load(PolicySource read, detail::PolicyOrigin from) {
  auto compiled = Policy::load(read, extensions);
  install(compiled);
  source = std::move(read);  // noexcept, as is the next: every member moves without allocating
  origin = std::move(from);
  return compiled;
}

void Engine::Impl::install(std::shared_ptr<const Policy> compiled) {
  std::lock_guard<std::mutex> lock(mutex);
  auto slot = versions.try_emplace(compiled->version()).first;  // the only step that may throw
  slot->second = compiled;
  policy = std::move(compiled);
}

std::shared_ptr<const detail::Seal> Engine::Impl::current_seal() const {
  std::lock_guard<std::mutex> lock(mutex);
  return seal;
}

std::shared_ptr<const Policy> Engine::Impl::load(detail::PolicyOrigin from) {
  PolicySource read = detail::read_origin(from);
  return load(std::move(read), std::move(from));
}

void Engine::load_policy(const PolicySource& source) {
  std::lock_guard<std::mutex> lock(impl_->registration);
  impl_->load(detail::PolicyOrigin{detail::PolicyOrigin::Kind::source, {}, source, {}});
}

void Engine::load_policy(const std::string& policy_path) {
  std::lock_guard<std::mutex> lock(impl_->registration);
  impl_->load(detail::PolicyOrigin{detail::PolicyOrigin::Kind::path, policy_path, {}, {}});
}

void Engine::reload_policy() {
  std::lock_guard<std::mutex> lock(impl_->registration);
  impl_->load(impl_->origin);
}

std::shared_ptr<const Policy> Engine::patch_policy(const json::value& merge_patch) {
  if (!merge_patch.is_object())
    throw Error(ErrorKind::invalid_json, "patch",
                "expected a JSON object whose keys are the policy's parts");
  std::lock_guard<std::mutex> lock(impl_->registration);
  detail::PolicyOrigin origin = impl_->origin;
  PolicySource read = detail::read_origin(origin);
  json::value patch = merge_patch;
  if (!named_version(patch.get_object())) {
    // A patch is a new version: named after the version it patches, so that the version before
    // stays loaded beside it (its cases stay restorable) instead of being replaced in place.
    if (const json::string* version = source_version(read)) {
      const std::string name = detail::next_patch_version(
          std::string(*version),
          [&](const std::string& v) { return policy_version(v) != nullptr; });
      json::value& part = patch.get_object()["policy"];
      if (!part.is_object()) part = json::object{};
      part.get_object()["version"] = name;
    }
  }
  detail::apply_merge_patch(read, patch);
  origin.patches.push_back(std::move(patch));  // reloads give the same version again
  return impl_->load(std::move(read), std::move(origin));
}

std::shared_ptr<const Policy> Engine::policy() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->policy;
}

std::shared_ptr<const Policy> Engine::policy_version(std::string_view version) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto it = impl_->versions.find(version);
  return it == impl_->versions.end() ? nullptr : it->second;
}

void Engine::extend(const std::function<void(Extensions&)>& change) {
  std::lock_guard<std::mutex> lock(impl_->registration);
  Extensions next = impl_->extensions;
  change(next);
  if (impl_->source) {
    impl_->install(Policy::load(*impl_->source, next));
  }
  impl_->extensions = std::move(next);
}

void Engine::add_rule(std::string name, std::shared_ptr<const CustomRule> rule) {
  extend([&](Extensions& e) { e.add_rule(std::move(name), std::move(rule)); });
}

void Engine::add_kpi_calculator(std::shared_ptr<const KpiCalculator> calculator,
                                KpiDefinitionChanges changes) {
  extend([&](Extensions& e) { e.add_kpi_calculator(std::move(calculator), std::move(changes)); });
}

Extensions& Engine::extensions() noexcept {
  return impl_->extensions;
}

UNDERTAKE_END_NAMESPACE
