// undertake — the engine: a policy, the extensions it may use, and the cases it creates.
//
// Thread safety: an engine may be shared by many threads, and every member function may be called
// from any thread (except extensions() and the move operations: see there). Creating, restoring
// and replaying cases and reading the policy never wait for a policy being compiled. Policy loads,
// reloads, patches and registrations are serialised among themselves (one registration lock):
// each compiles outside the lock that case creation takes, and then makes the new policy current
// at once; cases created before keep the policy version they started with.
//
// Errors: every member function that changes the engine gives the strong guarantee: when it
// throws, the engine is exactly as it was.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/extensions.hpp"
#include "undertake/ledger.hpp"
#include "undertake/limits.hpp"
#include "undertake/policy.hpp"
#include "undertake/rules.hpp"

UNDERTAKE_BEGIN_NAMESPACE

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
  /// An engine with the policy of `source` (e.g. PolicySource::from_document).
  explicit Engine(const PolicySource& source);
  /// An engine with a policy compiled already. It has no source to read again: reload_policy()
  /// and patch_policy() refuse until a policy is loaded from a source, and registrations take
  /// effect from the next load_policy() on.
  explicit Engine(std::shared_ptr<const Policy> policy);
  ~Engine();
  /// Moving is for setting up (not thread-safe); a moved-from engine may only be destroyed or
  /// assigned to. Cases keep what they share with the engine (listener, limits) either way.
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // -------------------------------------------------------------------------------------------
  // Extensions: custom rules, operators, risk scorers and KPI calculators (extensions.hpp)

  /// Changes the engine's extensions under the registration lock and recompiles the current
  /// policy with them, so the change takes effect at once: cases created, restored or replayed
  /// under the current policy from now on use it, and so do the KPI reports of the current policy
  /// and every policy loaded later. Cases already open keep what they were created with, and so
  /// do the older policy versions. The current policy keeps its version (a version names the
  /// policy's data; extensions are the host's code). Thread-safe. Strong guarantee: when `change`
  /// or the recompile throws (the recompiled policy does not validate), nothing changes. An engine
  /// built from a compiled Policy has no source to recompile: the change takes effect from the
  /// next load_policy() on.
  void extend(const std::function<void(Extensions&)>& change);
  /// extend() registering (or replacing) the custom rule `name` (Extensions::add_rule).
  void add_rule(std::string name, std::shared_ptr<const CustomRule> rule);
  /// extend() registering (or replacing) a KPI calculator under calculator->id(), with what it
  /// changes of that KPI's definition (Extensions::add_kpi_calculator). Throws
  /// Error(invalid_argument) for a null calculator or an empty id.
  void add_kpi_calculator(std::shared_ptr<const KpiCalculator> calculator,
                          KpiDefinitionChanges changes = {});

  /// The engine's extensions, unlocked. Deprecated for registrations: use extend(), add_rule()
  /// or add_kpi_calculator(), which take the registration lock and take effect at once. A change
  /// made here takes effect from the next policy load (load_policy, reload_policy, patch_policy)
  /// on, and is safe only while no other thread uses the engine (set up before sharing it).
  Extensions& extensions() noexcept;

  // -------------------------------------------------------------------------------------------
  // Policy versions

  /// Loads a new policy version and makes it current: new cases use it, existing cases keep
  /// theirs. A version of the same name loaded before is replaced for restores (cases holding it
  /// keep it). The source becomes what reload_policy() reads again (with no patches). Throws
  /// Error(invalid_policy) for a policy that does not validate (and what policy_source_from_path
  /// throws). Thread-safe; strong guarantee.
  void load_policy(const PolicySource& source);
  void load_policy(const std::string& policy_path);
  /// Loads the policy again from where it was last loaded: the same path read again (rule files
  /// edited by a process owner), the same source, or the built-in policy, with the patches of
  /// patch_policy() applied again in order. The version it gives replaces the one of that name
  /// (a reload of unchanged files gives the current version again). Throws as load_policy(), and
  /// Error(invalid_argument) for an engine built from a compiled Policy that loaded no source
  /// since. Thread-safe; strong guarantee.
  void reload_policy();
  /// Loads the policy last loaded (as reload_policy(), patches included) with an RFC 7386 JSON
  /// merge patch applied to its document form `{"<part>": <the part's document>, ...}`: objects
  /// merge, anything else (arrays included) replaces, null removes (a part set to null is
  /// removed). The result is a NEW policy version, made current: the patch's own
  /// `{"policy": {"version": ...}}` when it names one, otherwise the patched version's name with
  /// `+patch.1` added, or its `+patch.N` counted up (`2026.1` → `2026.1+patch.1` →
  /// `2026.1+patch.2`), skipping names this engine has loaded. The version before stays loaded,
  /// so its cases stay restorable. The patch (with the version it gave) becomes part of the source
  /// of later reloads. Returns the new policy. Throws Error(invalid_json) for a patch that is not
  /// an object, Error(limit_exceeded) for one nested deeper than the ceiling of limits.hpp, and as
  /// reload_policy(). Thread-safe; strong guarantee.
  std::shared_ptr<const Policy> patch_policy(const boost::json::value& merge_patch);
  /// The current policy. Thread-safe.
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

  // -------------------------------------------------------------------------------------------
  // Open cases: the cases a host keeps in memory, by id, for code that holds only the engine (a
  // listener, a rule callback) to find them

  /// Registers `c` as open on this engine under its id. The engine holds it weakly: it stays
  /// open until close_case() or until its last shared_ptr is released. Throws Error(conflict)
  /// when another case of that id is open, Error(invalid_argument) for a null case. Thread-safe;
  /// strong guarantee.
  void open_case(const std::shared_ptr<Case>& c);
  /// The same, for a case the engine created, restored or replayed: returns it shared.
  std::shared_ptr<Case> open_case(Case c);
  /// The open case of that id, or null (none is open, or its last shared_ptr is gone).
  /// Thread-safe (the case itself is used by one thread at a time: case.hpp).
  std::shared_ptr<Case> find_case(std::string_view id) const;
  /// Ends the registration of `c` (nothing when `c` is not the case open under its id). Never
  /// throws. Thread-safe.
  void close_case(const Case& c) noexcept;

  struct Impl;

 private:
  Case make_case(std::string id, boost::json::object data,
                 std::shared_ptr<const Policy> policy) const;
  Case restore_from(const boost::json::value& snapshot, boost::json::object* movable) const;

  std::unique_ptr<Impl> impl_;
};

/// Reads a policy from a path: a rules directory, or a JSON file holding a single policy document.
UNDERTAKE_API PolicySource policy_source_from_path(const std::string& path);

/// The cases a report reads (KPIs, the person scorecard, the quality report): case ledgers (the
/// JSON form of CaseLedger) and snapshots that hold their ledger (Case::snapshot()), one, an array
/// of them, or `{"cases": [...]}`. A snapshot gives its case id, policy version, creation data
/// and ledger entries; its state is not read (reports read ledgers; Engine::verify audits a
/// snapshot). Takes the document's parts instead of copying them. Throws what
/// case_ledgers_from_json throws (Error(invalid_json) naming `where` and the entry).
UNDERTAKE_API std::vector<CaseLedger> report_ledgers_from_json(boost::json::value doc,
                                                               std::string_view where);

UNDERTAKE_END_NAMESPACE
