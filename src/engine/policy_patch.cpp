// Where an engine's policy comes from, read again (reload_policy), and RFC 7386 merge patches of
// it (patch_policy), with the version a patch gives.
#include <boost/json.hpp>

#include <string>

#include "engine/engine_impl.hpp"
#include "undertake/error.hpp"
#include "undertake/limits.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

// RFC 7386 on one document. The recursion follows the patch, which the host parsed within its
// limits; the depth is checked all the same (limits.hpp: no recursion bounded only by its input).
void merge_patch(json::value& target, const json::value& patch, unsigned depth) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (depth >= InputLimits::kMaxJsonDepthCeiling)
    throw Error(
        ErrorKind::limit_exceeded, "patch",
        "nested deeper than " + std::to_string(InputLimits::kMaxJsonDepthCeiling) + " levels");
  if (!target.is_object()) target = json::object{};
  json::object& t = target.get_object();
  for (const auto& kv : patch.get_object()) {
    if (kv.value().is_null()) {
      t.erase(kv.key());
    } else {
      merge_patch(t[kv.key()], kv.value(), depth + 1);
    }
  }
}

constexpr std::string_view kPatchSuffix = "+patch.";

}  // namespace

void apply_merge_patch(PolicySource& source, const json::value& patch) {
  if (!patch.is_object())
    throw Error(ErrorKind::invalid_json, "patch",
                "expected a JSON object whose keys are the policy's parts");
  for (const auto& kv : patch.get_object()) {
    auto it = source.parts.begin();
    while (it != source.parts.end() && it->name != kv.key()) ++it;
    if (kv.value().is_null()) {
      if (it != source.parts.end()) source.parts.erase(it);
      continue;
    }
    if (it == source.parts.end()) {
      source.parts.push_back(PolicySource::Part{std::string(kv.key()), "patch", json::value()});
      it = std::prev(source.parts.end());
    } else if (it->where.find(" (patched)") == std::string::npos) {
      it->where += " (patched)";
    }
    merge_patch(it->document, kv.value(), 0);
  }
}

PolicySource read_origin(const PolicyOrigin& origin) {
  PolicySource source;
  switch (origin.kind) {
    case PolicyOrigin::Kind::compiled:
      throw Error(ErrorKind::invalid_argument, "policy",
                  "this engine was given a compiled policy, not its source: load a policy from "
                  "a source (load_policy) before reloading or patching it");
    case PolicyOrigin::Kind::builtin:
      source = PolicySource::builtin();
      break;
    case PolicyOrigin::Kind::path:
      source = policy_source_from_path(origin.path);
      break;
    case PolicyOrigin::Kind::source:
      source = origin.source;
      break;
  }
  for (const auto& patch : origin.patches) apply_merge_patch(source, patch);
  return source;
}

std::string next_patch_version(const std::string& version,
                               const std::function<bool(const std::string&)>& taken) {
  std::string base = version;
  unsigned long long n = 0;
  if (const auto at = version.rfind(kPatchSuffix); at != std::string::npos) {
    const std::string digits = version.substr(at + kPatchSuffix.size());
    if (!digits.empty() && digits.size() < 10 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      base = version.substr(0, at);
      n = std::stoull(digits);
    }
  }
  std::string candidate;
  do {
    candidate = base + std::string(kPatchSuffix) + std::to_string(++n);
  } while (taken(candidate));
  return candidate;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
