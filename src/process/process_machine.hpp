// The process of design.md §2 as a state machine, behind a small interface.
//
// The Boost.MSM definitions live only in process_machine.cpp: this header is what the rest of the
// engine includes, so no other translation unit pays for MSM's compile time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/events.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Decisions the machine's guards take from outside the machine. Structural guards (which substate
/// is active, whether every region is done) are the machine's own; everything that depends on the
/// case's data or the policy is asked here, so no threshold lives in the machine.
class MachineContext {
 public:
  /// Policy routes (choice points), evaluated from the policy's rules against the case's facts.
  enum class Route { strategy_meeting_required, design_required };

  virtual ~MachineContext() = default;
  virtual bool route(Route route) const = 0;
  /// A boolean field of the event's payload (`passed`, `accepted`, `satisfied`); validation made
  /// sure it is there.
  virtual bool payload_flag(std::string_view field) const = 0;
  /// Completion conditions checked by settle() after an event was applied to the case's record.
  virtual bool kickoff_complete() const = 0;
  virtual bool production_preparation_complete() const = 0;
  /// Whether the stage a suspended case was suspended in still allows cancellation.
  virtual bool suspended_stage_cancellable() const = 0;

  /// In probe mode the machine is asked only whether the current state accepts an event: choice
  /// guards (routes, payload flags) answer true, structural guards answer for real.
  bool probe = false;
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

  /// Every state path of the process (for diagrams and validation), leaves and composites.
  static const std::vector<std::string>& all_state_paths();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
