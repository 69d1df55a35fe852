// undertake — approval rules and gate decisions (design.md §4).
//
// A gate is the set of rules an event must pass. Each rule has an id, a description, an optional
// applicability condition (`when`), a condition that must hold, a message, a severity and who may
// override it. Conditions are JsonLogic in rules/ files, or named rules implemented in C++ (or by a
// host through the C API) and referenced from rules/ files by name.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/jsonlogic.hpp"
#include "undertake/ledger.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// What a rule that does not hold does to the event. A rule that cannot be evaluated at all (an
/// error, a limit, an exception from host code) refuses the event whatever its severity.
enum class Severity {
  deny,      ///< the event is refused while the rule fails
  warn,      ///< the event is accepted; the failure is reported as a warning
  approval,  ///< refused unless someone with an override role fires it with a reason
};
UNDERTAKE_API const char* severity_name(Severity s) noexcept;

/// What a gate rule guards: a condition of the gate itself, or a segregation of duties (who may
/// not fire the event, design.md §4). A failed rule of severity deny refuses the event with the
/// ReasonKind of the same name.
enum class RuleCategory : std::uint8_t { gate, segregation };
/// The stable name of a category (`gate`, `segregation`): the rules/ files' `category`, the
/// trace's.
UNDERTAKE_API const char* rule_category_name(RuleCategory category) noexcept;
/// The category a name stands for, or nullopt.
UNDERTAKE_API std::optional<RuleCategory> rule_category_from_name(std::string_view name) noexcept;

/// What a named (plug-in) rule sees: the case's facts (the same object JsonLogic conditions read:
/// `data`, `payload`, `actor`, `event`, `state`, `risk`, `contract`, ...).
struct UNDERTAKE_API RuleInput {
  const boost::json::value& facts;
  std::string_view event;
  const Actor& actor;
};

/// What a named rule answers. `details` is kept in the trace (e.g. the values it looked at).
struct UNDERTAKE_API RuleVerdict {
  bool passed = false;
  std::string message;  ///< why it failed (empty: the rule file's message is used)
  boost::json::value details;
};

/// A rule written in C++: register it on the engine under a name, then reference it from a gate in
/// rules/ as `{"id": "...", "rule": "<name>", ...}`. Implementations must be deterministic (no
/// clock, no I/O that changes the answer) and thread-safe: one instance serves every case.
class UNDERTAKE_API CustomRule {
 public:
  virtual ~CustomRule() = default;
  virtual RuleVerdict check(const RuleInput& input) const = 0;
};

/// One rule as evaluated for one event: the explanation of a decision.
struct UNDERTAKE_API RuleTrace {
  std::string id;
  std::string description;
  Severity severity = Severity::deny;
  RuleCategory category = RuleCategory::gate;
  bool applicable = true;
  bool passed = true;
  bool overridden = false;  ///< failed, but overridden by an authorised actor with a reason
  /// Could not be evaluated (a JsonLogic error, a limit, an exception from a custom rule or
  /// operator): `passed` is false and the gate denies, whatever the severity (fail closed).
  bool error = false;
  std::string message;       ///< the failure message with the facts filled in (empty when passed)
  boost::json::array reads;  ///< [{"path": "...", "value": ...}] the values the rule read
  boost::json::value details;

  boost::json::value to_json(boost::json::storage_ptr sp = {}) const;
  /// Reads what to_json() wrote; Error(invalid_json) naming `<where>.<field>`.
  static RuleTrace from_json(const boost::json::value& json, std::string_view where);
};

enum class Verdict { allowed, denied, needs_approval };
UNDERTAKE_API const char* verdict_name(Verdict v) noexcept;

struct UNDERTAKE_API GateDecision {
  Verdict verdict = Verdict::allowed;
  std::vector<RuleTrace> rules;  ///< every rule evaluated, in order

  boost::json::value to_json(boost::json::storage_ptr sp = {}) const;
  /// Reads what to_json() wrote; Error(invalid_json) naming `<where>.<field>`.
  static GateDecision from_json(const boost::json::value& json, std::string_view where);
};

UNDERTAKE_END_NAMESPACE
