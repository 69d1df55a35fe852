// The engine's inside (Engine::Impl): its two locks, its policy versions and where the current one
// came from, its extensions, what it shares with its cases, and its open cases.
#pragma once

#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "case/case_impl.hpp"
#include "engine/open_cases.hpp"
#include "integrity/seal.hpp"
#include "undertake/engine.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Where an engine's current policy came from, so that reload_policy() can read it again.
struct PolicyOrigin {
  enum class Kind { compiled, builtin, path, source } kind = Kind::builtin;
  std::string path;                         ///< Kind::path
  PolicySource source;                      ///< Kind::source
  std::vector<boost::json::value> patches;  ///< merge patches applied in order, with the versions
                                            ///< they gave (patch_policy)
};

/// The policy source of `origin`, read (again: a path is read from disk) with its patches
/// applied. Throws Error(invalid_argument) for Kind::compiled, and what reading it throws.
PolicySource read_origin(const PolicyOrigin& origin);

/// Applies an RFC 7386 merge patch `{"<part>": <patch of the part's document>}` to the parts of
/// `source` (a part patched with null is removed; one that is new is added). Throws
/// Error(invalid_json) for a patch that is not an object, Error(limit_exceeded) for one nested
/// deeper than InputLimits::kMaxJsonDepthCeiling.
void apply_merge_patch(PolicySource& source, const boost::json::value& patch);

/// The version a patch gives when it names none: `version` with `+patch.1` added, or its
/// `+patch.N` counted up, the first such name for which `taken` is false.
std::string next_patch_version(const std::string& version,
                               const std::function<bool(const std::string&)>& taken);

}  // namespace detail

struct Engine::Impl {
  Impl();

  /// The registration lock: serialises what makes a policy (load, reload, patch, extend) and
  /// guards `extensions`, `origin` and `source`. Held while a policy compiles; creating cases
  /// never takes it.
  std::mutex registration;
  Extensions extensions;
  detail::PolicyOrigin origin;
  /// The current policy's source, for recompiling it with new extensions (none: the engine was
  /// given a compiled policy and loaded no source since).
  std::optional<PolicySource> source;

  /// Guards policy, versions, rule_limits and seal; held only to read or swap them.
  mutable std::mutex mutex;
  std::shared_ptr<const Policy> policy;
  std::map<std::string, std::shared_ptr<const Policy>, std::less<>> versions;
  jsonlogic::Limits rule_limits;
  std::shared_ptr<const detail::Seal> seal;

  std::shared_ptr<std::shared_ptr<const Listener>> listener;  // shared with every case
  std::shared_ptr<detail::LimitsSlot> limits;                 // shared with every case
  detail::OpenCases open_cases;

  /// Compiles `read` (the source of `origin`) with the engine's extensions and makes it current,
  /// `origin` the engine's. Call with `registration` held. Strong guarantee.
  std::shared_ptr<const Policy> load(PolicySource read, detail::PolicyOrigin origin);
  /// The same, reading the source of `origin` (read_origin).
  std::shared_ptr<const Policy> load(detail::PolicyOrigin origin);
  /// Makes `policy` current and known by its version. Call with `registration` held. Strong
  /// guarantee.
  void install(std::shared_ptr<const Policy> policy);
  std::shared_ptr<const detail::Seal> current_seal() const;
};

UNDERTAKE_END_NAMESPACE
