// undertake — the engine: a policy, the extensions it may use, and the cases it creates.
//
// Thread safety: an engine may be shared by many threads. Creating cases and reading the policy
// are safe at any time; load_policy() may run while other threads create cases: cases created
// before keep the policy version they started with. Register extensions (custom rules, operators)
// before loading the policy that uses them.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <mutex>
#include <string>

#include "undertake/case.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"
#include "undertake/rules.hpp"

namespace undertake {

class Engine {
 public:
  /// An engine with the built-in default policy (rules/default).
  Engine();
  /// An engine with the policy of a rules directory or a single policy JSON file.
  explicit Engine(const std::string& policy_path);
  explicit Engine(std::shared_ptr<const Policy> policy);

  /// Custom rules and operators for policies loaded from now on.
  Extensions& extensions() noexcept { return extensions_; }

  /// Loads a new policy version; new cases use it, existing cases keep theirs.
  void load_policy(const PolicySource& source);
  void load_policy(const std::string& policy_path);
  std::shared_ptr<const Policy> policy() const;

  /// Creates a case in `Intake.Registered` with the requirement form as its data. Throws
  /// Error(invalid_argument) for an empty id or data that is not a valid requirement form.
  Case create_case(std::string id, boost::json::object data) const;

  /// Rebuilds a case by replaying its ledger under `policy` (default: the engine's current one).
  /// Throws Error(invalid_snapshot) naming the entry that the process refuses.
  Case replay(const CaseLedger& ledger, std::shared_ptr<const Policy> policy = nullptr) const;

 private:
  Extensions extensions_;
  mutable std::mutex mutex_;  // guards policy_ (the pointer, not the immutable policy)
  std::shared_ptr<const Policy> policy_;
};

/// Reads a policy from a path: a rules directory, or a JSON file holding a single policy document.
PolicySource policy_source_from_path(const std::string& path);

}  // namespace undertake
