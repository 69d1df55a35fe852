// The process of design.md §2 as a state machine, behind a small interface.
//
// The Boost.MSM definitions live only in process_machine.cpp: this header is what the rest of the
// engine includes, so no other translation unit pays for MSM's compile time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policy/routes.hpp"
#include "undertake/events.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Decisions the machine's guards take from outside the machine. Structural guards (which substate
/// is active, whether every region is done) are the machine's own; everything that depends on the
/// case's data or the policy is asked here, so no threshold lives in the machine.
class MachineContext {
 public:
  /// Policy routes (choice points), evaluated from the policy's rules against the case's facts.
  using Route = detail::Route;

  virtual ~MachineContext() = default;
  virtual bool route(Route route) const = 0;
  /// A boolean field of the event's payload (`passed`, `accepted`, `satisfied`); validation made
  /// sure it is there.
  virtual bool payload_flag(std::string_view field) const = 0;
  /// Completion conditions checked by settle() after an event was applied to the case's record.
  virtual bool kickoff_complete() const = 0;
  virtual bool production_preparation_complete() const = 0;

  /// In probe mode the machine is asked only whether the current state accepts an event: choice
  /// guards (routes, payload flags) answer true, structural guards answer for real.
  bool probe = false;
};

/// The machine as data, read from its transition tables (ProcessMachine::description()): what the
/// diagram draws and what the tests hold the machine to. Nothing here is written by hand.
struct ProcessDescription {
  enum class Kind { leaf, composite, region };
  struct State {
    /// `Evaluation.Commercial.Quoting` (a leaf), `Evaluation.Commercial` (a region),
    /// `Evaluation` (a stage), `Running` (the composite of the stages), `Closed`.
    std::string path;
    std::string parent;  ///< the composite or region it lies in; "" at the top level
    Kind kind = Kind::leaf;
    bool initial = false;   ///< entered when its parent is (the initial state of a region)
    bool terminal = false;  ///< a top-level state no transition leaves: the process ends there
    /// Events on which a composite returns to the substates it left (shallow history).
    std::vector<std::string> history_events;
  };
  struct Transition {
    /// The state it leaves. A row of an outer machine guarded by the active substate (the way
    /// stage exits are written) leaves from that substate: `Intake.SalesReview`.
    std::string source;
    /// The event's name (`intake.confirm`), or for a completion transition what completes
    /// (`kickoff complete`): settle() fires those once the case's record shows the work done.
    std::string event;
    bool completion = false;
    std::string target;     ///< the source itself for an internal transition
    bool internal = false;  ///< no exit and no entry: the configuration stays as it is
    std::string guard;      ///< what the guard asks, `design_required; ...` ("" when unguarded)
    std::string route;      ///< the policy route the guard asks (routes.hpp), "" when none
  };
  std::vector<State> states;            ///< parents before children, in declared order
  std::vector<Transition> transitions;  ///< in the order of the tables
};

/// The state of one case's process. Copyable: the engine fires an event on a copy and keeps the
/// copy only when the event is accepted, which is what makes a refusal change nothing.
class ProcessMachine {
 public:
  ProcessMachine();
  ProcessMachine(const ProcessMachine& other);
  ProcessMachine& operator=(const ProcessMachine& other);
  ProcessMachine(ProcessMachine&&) noexcept;
  ProcessMachine& operator=(ProcessMachine&&) noexcept;
  ~ProcessMachine();

  /// Offers an event to the machine; true when a transition (or internal transition) took it.
  bool dispatch(EventId event, MachineContext& context);

  /// Runs completion transitions (kickoff done, preparation joins) until none applies; called after
  /// an accepted event has been applied to the case's record.
  void settle(MachineContext& context);

  /// The active configuration as leaf state paths (`Evaluation.Technical.Assessed`, ...), in a
  /// stable order: stages, then regions in their declared order.
  std::vector<std::string> configuration() const;

  /// While the case is suspended, the configuration case.resume returns to (shallow history at
  /// two levels: the stage and the substate of each of its regions); empty otherwise.
  std::vector<std::string> resume_configuration() const;

  /// A machine in `configuration` (as configuration() gives it), suspended from
  /// `resume_configuration` when the configuration is `Suspended`: it behaves exactly like the
  /// machine that reached that configuration by events (snapshot format 3 restores this way,
  /// without replaying the ledger). Throws Error(invalid_snapshot) at `/state` for states that
  /// are not a configuration of the process.
  static ProcessMachine restored(const std::vector<std::string>& configuration,
                                 const std::vector<std::string>& resume_configuration);

  /// The top-level stage (`Contract`, `Suspended`, `Closed`, ...).
  std::string_view stage() const;
  bool terminated() const;  ///< Closed, Rejected or Cancelled

  /// Every state path of the process, leaves, regions and composites (description()'s states).
  static const std::vector<std::string>& all_state_paths();

  /// The machine's states and transitions, walked from its Boost.MSM transition tables.
  static const ProcessDescription& description();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
