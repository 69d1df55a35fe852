// undertake — one customer order going through the process: a case.
//
// A case holds the process state (the active configuration of design.md §2), the case's record
// (the requirement form and everything the events brought: quotation, risks, contract drafts and
// approvals, batches, complaints), and the append-only ledger. `fire` is atomic: a refused event,
// or one that fails, changes nothing at all.
//
// Thread safety: a case is used by one thread at a time (it is not internally locked), for reads
// too: the hashes of new ledger entries are computed on the first read that needs them (ledger(),
// ledger_head(), snapshot()). Different cases of the same engine may be used from different
// threads at once.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/deadlines.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"
#include "undertake/rules.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// Whether `stage` (Case::stage(), a stored case's stage column) is one the process ends in:
/// `Closed`, `Rejected` or `Cancelled`. The machine's one statement of it.
UNDERTAKE_API bool is_terminal_stage(std::string_view stage) noexcept;

/// Why an event was refused: the kinds of refusal, each with its stable name (reason_kind_name:
/// the `kind` of Outcome::to_json, the C API, the CLI and the server).
enum class ReasonKind : std::uint8_t {
  unknown_event,    ///< not in the vocabulary
  invalid_payload,  ///< a payload field is missing, of the wrong type, or names nothing known
  role,             ///< the actor holds none of the roles the policy permits for the event
  state,            ///< the current state does not accept the event
  gate,             ///< a gate rule of severity deny failed
  segregation,      ///< a segregation-of-duties rule failed
  approval,         ///< a rule needs an override by an authorised actor with a reason
  time,             ///< the event's time is before the case's last event, or past year 9999
  /// the event would break an input limit (limits.hpp): a payload nested too deep, a snapshot
  /// grown past max_json_bytes
  limit,
  /// something that decides the event could not be evaluated: a gate rule (a JsonLogic error, a
  /// rule limit, anything a custom rule or operator threw, whatever the rule's severity: fail
  /// closed), a route ("route <name>"), a deadline's condition ("deadline <id>") or the risk
  /// scorer ("risk scorer <name>"); Reason::rule names it
  rule_error,
};
/// The stable name of a kind of refusal, as the enumerator is spelled (`invalid_payload`, ...).
UNDERTAKE_API const char* reason_kind_name(ReasonKind kind) noexcept;
/// The kind a name stands for (what reason_kind_name returns), or nullopt.
UNDERTAKE_API std::optional<ReasonKind> reason_kind_from_name(std::string_view name) noexcept;

/// Why an event was refused. A number the record would compute that JSON cannot hold (a margin of
/// -Infinity, a sum beyond 1.8e308) is refused as invalid_payload, naming the record's field and
/// the value.
struct UNDERTAKE_API Reason {
  ReasonKind kind = ReasonKind::state;
  std::string message;
  std::string rule;  ///< the rule id (gate/segregation/approval), or what failed (rule_error)

  /// `{kind, message, rule?}`, `kind` by name.
  boost::json::value to_json(boost::json::storage_ptr sp = {}) const;
};

/// The answer to fire(): accepted or refused, why, where the case stands, and the gate's trace.
struct UNDERTAKE_API Outcome {
  bool accepted = false;
  std::string event;
  std::uint64_t seq = 0;              ///< the ledger sequence number (accepted events)
  std::vector<std::string> state;     ///< the active configuration afterwards
  std::vector<Reason> reasons;        ///< why it was refused (empty when accepted)
  std::vector<std::string> warnings;  ///< rules of severity warn that failed
  GateDecision gate;                  ///< every gate rule evaluated, with the values read

  /// As JSON, allocated from `sp` (e.g. a monotonic resource for an outcome that is written out
  /// and dropped at once; the default is the default resource).
  boost::json::value to_json(boost::json::storage_ptr sp = {}) const;
  /// Reads what to_json() wrote (extra members are ignored); Error(invalid_json) naming
  /// `<where>.<field>`.
  static Outcome from_json(const boost::json::value& json, std::string_view where);
  /// One line for a person: "accepted → Contract.Drafting" or "refused (role): ...".
  std::string summary() const;
};

/// An event an actor may fire now (for the buttons of an ERP screen).
struct UNDERTAKE_API AvailableEvent {
  std::string event;
  bool gated = false;  ///< the event has gate rules that will be checked when it is fired
};

class Engine;

/// The snapshot format version Case::snapshot() writes (Engine::restore() reads 1 to 3).
inline constexpr int kSnapshotFormatVersion = 3;

/// What Case::snapshot() writes.
struct UNDERTAKE_API SnapshotOptions {
  /// Include the ledger. Without it, a snapshot is the case's state and the head of its ledger
  /// only: what a store keeps beside the ledger's rows, and what restores in time independent of
  /// the ledger's length. A case that does not hold its whole ledger (restored without it) always
  /// writes a snapshot without it.
  bool ledger = true;
};

class UNDERTAKE_API Case {
 public:
  Case(Case&&) noexcept;
  Case& operator=(Case&&) noexcept;
  ~Case();

  const std::string& id() const noexcept;
  /// The version of the policy this case started with; it keeps it for its whole life.
  const std::string& policy_version() const noexcept;
  const std::shared_ptr<const Policy>& policy() const noexcept;

  /// Fires an event. Never throws for a refusal (see Outcome::reasons), nor for host code that
  /// fails while the event is decided: whatever a custom rule, operator or risk scorer throws
  /// refuses the event (kind rule_error). Throws std::bad_alloc when memory runs out, including
  /// a std::bad_alloc thrown by host code (out of memory is not the rule's answer). Strong
  /// guarantee: when it throws or refuses, the case is exactly as it was (state, record, ledger,
  /// deadlines, risk register, snapshot); when it accepts, the whole event is applied.
  Outcome fire(std::string_view event, const Actor& actor, boost::json::object payload,
               Timestamp at);

  /// The active configuration: leaf state paths such as `Evaluation.Technical.Assessed`.
  std::vector<std::string> state() const;
  /// True when the active configuration contains `path` or a state below it (`Contract` matches
  /// `Contract.Drafting`).
  bool in(std::string_view path) const;
  /// The top-level stage: `Intake` ... `AfterSales`, or `Suspended`, `Closed`, `Rejected`,
  /// `Cancelled`.
  std::string stage() const;
  /// True when the case has ended: its stage is a terminal one (is_terminal_stage). A terminated
  /// case accepts no event and has no pending deadline.
  bool terminated() const noexcept;

  /// The events `actor` may fire now: permitted by role and accepted by the current state.
  std::vector<AvailableEvent> available(const Actor& actor) const;
  /// True when the current state accepts `event` (a name of the vocabulary): the machine's answer
  /// alone, before roles, payload and gates; where the machine chooses by a route or a payload
  /// flag, it counts as accepted. `accepts("case.cancel")` is whether the case may still be
  /// cancelled (only before delivery).
  bool accepts(std::string_view event) const;

  /// The ledger entries this case holds: the whole ledger, unless it was restored from a snapshot
  /// without its ledger (ledger_complete() false): then the entries added since, their seq
  /// continuing from the revision it was restored at.
  const std::vector<LedgerEntry>& ledger() const;
  /// Whether ledger() holds every entry since the case was created.
  bool ledger_complete() const noexcept;
  /// Where the ledger ends: seq (the revision), hash and time of the last entry.
  const LedgerHead& ledger_head() const;
  /// The creation data and the ledger together: what replay and KPIs read. Throws
  /// Error(invalid_argument) when the case does not hold its whole ledger (ledger_complete()).
  CaseLedger case_ledger() const;
  /// The facts rules read: `data`, `evaluation`, `risk`, `contract`, `production`, ...
  const boost::json::object& record() const noexcept;

  /// The revision: the number of ledger entries (ledger_head().seq). It grows with every accepted
  /// event (and every escalation), so a host that saved revision N and finds N+k stored knows it
  /// is stale.
  std::uint64_t revision() const noexcept;

  /// A versioned JSON snapshot of the case (format `undertake.snapshot` version 3):
  /// `{format, format_version, case_id, policy: {name, version}, revision, stage, state,
  /// resume_state (while suspended), data, record, risk_register, deadlines, ledger_head: {seq,
  /// hash, at}, ledger (optional), digest}`. `digest` is `sha256:<hex>` (or `hmac-sha256:<hex>`
  /// under the engine's host key) over the canonical JSON of everything but `digest` and
  /// `ledger`; the ledger's entries carry their hash chain, whose head `ledger_head` names.
  /// Engine::restore() turns it back into a case that behaves exactly the same, without
  /// replaying the ledger.
  boost::json::value snapshot(const SnapshotOptions& options = {}) const;

  /// Pending deadlines (deadlines.hpp), earliest due first.
  std::vector<PendingDeadline> deadlines() const;
  /// Checks the case's deadlines at `now`: records one ledger entry of kind escalation for each
  /// deadline whose escalation time has come (the revision grows), notifies the engine's listener
  /// with an Outcome whose event is `deadline.escalated`, and returns the due-soon and overdue
  /// deadlines. Throws Error(invalid_argument) when `now` is earlier than the last ledger entry.
  TickResult tick(Timestamp now);
  /// tick() without telling the listener, for a host that tells it once the escalations are
  /// stored (a store's tick): call announce() with the result then.
  TickResult tick_unannounced(Timestamp now);
  /// Tells the engine's listener of the escalations `result` recorded (as tick() does).
  void announce(const TickResult& result) const;

  /// The inside of a case: defined in the library only (src/case/case_impl.hpp).
  struct Impl;

 private:
  friend class Engine;
  explicit Case(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

UNDERTAKE_END_NAMESPACE
