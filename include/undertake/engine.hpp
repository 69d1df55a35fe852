// undertake — the engine: a policy, the extensions it may use, and the cases it creates.
//
// Thread safety: an engine may be shared by many threads. Creating cases and reading the policy
// are safe at any time; load_policy() may run while other threads create cases: cases created
// before keep the policy version they started with. Register extensions (custom rules, operators)
// before loading the policy that uses them.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"
#include "undertake/policy.hpp"
#include "undertake/rules.hpp"

UNDERTAKE_BEGIN_NAMESPACE

namespace detail {
class LimitsSlot;
class Seal;
}  // namespace detail

/// What Engine::verify() found: the full-replay audit of a case (design.md §9).
struct UNDERTAKE_API VerifyReport {
  std::string case_id;
  std::uint64_t revision = 0;
  /// Each disagreement, first found first: `where` is a JSON path of the snapshot (`/record/...`,
  /// `/ledger/4/hash`, `/digest`) or a ledger position, `why` says what disagrees.
  struct Problem {
    std::string where, why;
  };
  std::vector<Problem> problems;

  bool ok() const noexcept { return problems.empty(); }
  /// `{case_id, revision, ok, problems: [{where, why}]}`
  boost::json::value to_json() const;
};

class UNDERTAKE_API Engine {
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

  /// The limits on what this engine and its cases accept (limits.hpp; InputLimits{} by default).
  InputLimits limits() const noexcept;
  /// Replaces them for this engine and every case it created or restored, from their next call
  /// on. A store that keeps the cases must read with limits at least as large (SqliteOptions).
  /// Throws Error(invalid_argument) for limits that limits_problem() refuses.
  void set_limits(const InputLimits& limits);

  /// Creates a case in `Intake.Registered` with the requirement form as its data. Throws
  /// Error(invalid_argument) for an id that breaks the identifier rules (limits.hpp) or data that
  /// is not a valid requirement form, Error(limit_exceeded) for a form nested deeper than
  /// limits().max_form_depth() or too large to store.
  Case create_case(std::string id, boost::json::object data) const;

  /// Rebuilds a case by replaying its ledger under the policy version it names (or, when the
  /// engine does not know that version, `policy`; default: the current policy).
  /// Throws Error(invalid_snapshot) naming the entry that the process refuses.
  Case replay(const CaseLedger& ledger, std::shared_ptr<const Policy> policy = nullptr) const;

  /// Restores a case from Case::snapshot(), under the policy version the snapshot names (that
  /// version must have been loaded on this engine). A snapshot of format 3 is restored from its
  /// state, without replaying the ledger, in time independent of the ledger's length: its digest
  /// must match its content (sealed by this engine's seal: plain SHA-256, or HMAC under the host
  /// key), and a ledger travelling with it must follow its hash chain to the head the snapshot
  /// names. Formats 1 and 2 (no digest) are restored by replaying their ledger, which must lead to
  /// the state, record and deadlines they hold (and come back as format 3). A damaged or edited
  /// snapshot is refused with the JSON path at fault (Error(invalid_snapshot)), never
  /// half-loaded.
  Case restore(const boost::json::value& snapshot) const;
  /// The same, taking the snapshot's parts instead of copying them (what a store does with the
  /// snapshot it has just read). On an error the snapshot is left as it was.
  Case restore(boost::json::value&& snapshot) const;

  /// The audit of a snapshot holding its ledger: checks its digest and hash chain, replays the
  /// ledger from the case's creation data, and compares what the replay reaches with what the
  /// snapshot says (state, where case.resume returns to, record, risk register, deadlines). Never
  /// throws for what it finds: every disagreement is a problem in the report (Error only for a
  /// snapshot it cannot read at all, or one whose policy version this engine has not loaded).
  VerifyReport verify(const boost::json::value& snapshot) const;

  /// Checks a ledger (as a store keeps it) against its hash chain under this engine's seal, from
  /// the case's genesis. Throws Error(invalid_snapshot) naming the case and the seq of the first
  /// entry that does not follow. A ledger begun before hash chains (its first entries have no
  /// hash) cannot be checked without a replay (verify does): it is accepted as it is, but once an
  /// entry is hashed every later one must be.
  void check_chain(const CaseLedger& ledger) const;

  /// Seals the cases created, restored or replayed from now on with HMAC-SHA-256 under `key`
  /// instead of plain SHA-256: their ledger hashes and snapshot digests cannot be recomputed by
  /// someone without the key, and restore() refuses snapshots not sealed with it (design.md §9).
  /// Every engine sharing a store must use the same key. Throws Error(invalid_argument) for an
  /// empty key. Thread-safe.
  void set_host_key(std::string_view key);

  /// Every policy version this engine has loaded, so cases that started under an older version
  /// can be restored under it.
  std::shared_ptr<const Policy> policy_version(std::string_view version) const;

  /// Bounds on rule evaluation (jsonlogic::Limits: `max_depth` nesting, `max_steps` nodes
  /// evaluated, `max_items` elements of an array built) for the gate rules, routes and deadline
  /// conditions of the cases this engine creates, replays or restores from now on; cases opened
  /// before keep the limits they were opened with. A gate rule, route or condition that needs
  /// more is refused (kind `rule_error`, fail closed) — also on replay (replay(), verify(), the
  /// restore of a format 1/2 snapshot), so a case accepted under higher limits may not replay
  /// under lower ones (Error(invalid_snapshot)); a format-3 snapshot restores from its state and
  /// runs no rule.
  /// Defaults and ceilings: docs/security.md. Throws Error(invalid_argument) when a limit is 0.
  /// Thread-safe.
  void set_rule_limits(const jsonlogic::Limits& limits);
  jsonlogic::Limits rule_limits() const;

  /// Called after every fire() of every case created or restored by this engine, accepted or
  /// refused (for the notifications of policy §二(三)2 and §五). Runs on the thread that fired;
  /// must not throw (an exception from it is caught and discarded: the event stands).
  using Listener = std::function<void(const Case&, const Outcome&)>;
  void set_listener(Listener listener);

 private:
  Case make_case(std::string id, boost::json::object data,
                 std::shared_ptr<const Policy> policy) const;
  std::shared_ptr<const detail::Seal> seal() const;
  Case restore_from(const boost::json::value& snapshot, boost::json::object* movable) const;

  Extensions extensions_;
  mutable std::mutex mutex_;  // guards policy_, versions_ and rule_limits_
  std::shared_ptr<const Policy> policy_;
  jsonlogic::Limits rule_limits_;
  std::map<std::string, std::shared_ptr<const Policy>, std::less<>> versions_;
  std::shared_ptr<std::shared_ptr<const Listener>> listener_;  // shared with every case
  std::shared_ptr<const detail::Seal> seal_;                   // guarded by mutex_
  std::shared_ptr<detail::LimitsSlot> limits_;                 // shared with every case
};

/// Reads a policy from a path: a rules directory, or a JSON file holding a single policy document.
UNDERTAKE_API PolicySource policy_source_from_path(const std::string& path);

UNDERTAKE_END_NAMESPACE
