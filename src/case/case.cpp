// fire(): the one path every event takes. Checks run from the cheapest and most basic (is it an
// event at all?) to the richest (the gate's rules), and nothing of the case changes until every
// check has passed: the machine is advanced on a copy that is kept only when the event is accepted.
#include "undertake/case.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <optional>
#include <type_traits>

#include "case/case_impl.hpp"
#include "common/exception_text.hpp"
#include "policy/message_template.hpp"
#include "policy/policy_data.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

// What the machine's guards ask while one event is being decided.
class CaseContext final : public detail::MachineContext {
 public:
  CaseContext(const Policy& policy, const json::value& facts, const json::object* payload,
              const jsonlogic::Limits& limits)
      : policy_(policy), facts_(facts), payload_(payload), limits_(limits) {}

  // A route that cannot be evaluated (an error, a limit, anything a host operator throws) aborts
  // the dispatch as a RuleFailure: the event is refused naming the route (fail closed).
  bool route(Route r) const override {
    const std::string_view name = detail::route_name(r);
    try {
      return policy_.route(name, facts_, limits_);
    } catch (...) {
      const std::string rule = "route " + std::string(name);
      throw detail::RuleFailure{
          rule, rule + " could not be evaluated: " + detail::current_exception_text()};
    }
  }
  // After the gate the payload moves into the ledger entry; the record's facts then read `{}`,
  // and the record may grow (keys added by the event), so no pointer into it is kept.
  void forget_payload() noexcept { payload_ = nullptr; }
  bool payload_flag(std::string_view field) const override {
    if (!payload_) return false;
    const json::value* v = payload_->if_contains(field);
    return v && v->is_bool() && v->get_bool();
  }
  bool kickoff_complete() const override {
    const auto& assigned = facts_.at("kickoff").at("assigned").get_array();
    for (const auto& dept : policy_.kickoff_departments())
      if (std::find(assigned.begin(), assigned.end(), json::value(dept)) == assigned.end())
        return false;
    return true;
  }
  bool production_preparation_complete() const override {
    const auto& p = facts_.at("preparation").get_object();
    return p.at("materials").as_bool() && p.at("equipment").as_bool() &&
           p.at("training").as_bool() && p.at("instructions").as_bool();
  }

 private:
  const Policy& policy_;
  const json::value& facts_;
  const json::object* payload_;
  const jsonlogic::Limits& limits_;
};

// Overwrites `v` with the string `s`, reusing its buffer when it is a string already.
void assign_string(json::value& v, std::string_view s) {
  if (!v.is_string()) v.emplace_string();
  v.get_string().assign(s);
}

// Overwrites `v` with an array of `items`, reusing the array and its strings.
void assign_strings(json::value& v, const std::vector<std::string>& items) {
  json::array& a = v.is_array() ? v.get_array() : v.emplace_array();
  a.resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) assign_string(a[i], items[i]);
}

json::object& reuse_object(json::value& v) {
  return v.is_object() ? v.get_object() : v.emplace_object();
}

// Puts the facts of one event (payload, actor, event, state, batch/complaint) beside the record
// for the rules to read, and takes them away again however the scope is left. The values of
// `event`, `actor` and `state` live in the case's FactsStorage between events and are overwritten
// in place: building them afresh was a third of the cost of an event (allocations mostly).
class EventFacts {
 public:
  EventFacts(json::object& record, Case::Impl::FactsStorage& storage, EventId event,
             json::object&& payload, const Actor& actor, std::string_view when,
             const std::vector<std::string>& state)
      : record_(record), storage_(storage) {
    json::object& e = reuse_object(storage_.event);
    assign_string(e["name"], event_name(event));
    assign_string(e["at"], when);
    json::object& a = reuse_object(storage_.actor);
    assign_string(a["id"], actor.id);
    assign_strings(a["roles"], actor.roles);
    assign_strings(storage_.state, state);
    try {
      record_["event"] = std::move(storage_.event);
      record_["actor"] = std::move(storage_.actor);
      record_["state"] = std::move(storage_.state);
      record_["payload"] = std::move(payload);
      detail::add_event_facts(event, record_["payload"].get_object(), record_);
    } catch (...) {
      remove();  // out of memory half-way: the record must not keep the facts added so far
      throw;
    }
  }
  ~EventFacts() { remove(); }
  EventFacts(const EventFacts&) = delete;
  EventFacts& operator=(const EventFacts&) = delete;

  json::object& payload() { return record_["payload"].as_object(); }
  json::object take_payload() { return std::move(record_["payload"].as_object()); }

 private:
  void remove() noexcept {
    keep("event", storage_.event);
    keep("actor", storage_.actor);
    keep("state", storage_.state);
    for (auto key : {"payload", "batch", "complaint"}) record_.erase(key);
  }

  // Takes a fact's value back into the storage (a move: same memory resource) and removes the key.
  void keep(std::string_view key, json::value& into) noexcept {
    const auto it = record_.find(key);
    if (it == record_.end()) return;
    into.swap(it->value());
    record_.erase(it);
  }

  json::object& record_;
  Case::Impl::FactsStorage& storage_;
};

// `outcome` by reference: callers build `message` from outcome.event in the same call, and a
// by-value parameter may be move-constructed first (clang evaluates arguments left to right).
Outcome refused(Outcome&& outcome, ReasonKind kind, std::string message, std::string rule = {}) {
  outcome.accepted = false;
  outcome.reasons.push_back(Reason{kind, std::move(message), std::move(rule)});
  return std::move(outcome);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "(none)" : out;
}

// The reasons and warnings of a gate decision. A rule that could not be evaluated refuses the
// event whatever its severity (Policy::decide denied the gate for it).
void add_gate_reasons(Outcome& outcome, const Policy& policy, EventId event) {
  for (const auto& rule : outcome.gate.rules) {
    if (rule.error) {
      outcome.reasons.push_back(Reason{
          ReasonKind::rule_error, outcome.event + ": " + rule.id + ": " + rule.message, rule.id});
      continue;
    }
    if (rule.passed || !rule.applicable) continue;
    if (rule.severity == Severity::warn) {
      outcome.warnings.push_back(rule.id + ": " + rule.message);
    } else if (rule.severity == Severity::deny) {
      const ReasonKind kind =
          rule.category == RuleCategory::segregation ? ReasonKind::segregation : ReasonKind::gate;
      outcome.reasons.push_back(Reason{kind, rule.message, rule.id});
    } else if (!rule.overridden) {
      std::string who;
      for (const auto& r :
           detail::PolicyAccess::data(policy).gates[static_cast<std::size_t>(event)])
        if (r.id == rule.id) who = join(r.override_roles);
      outcome.reasons.push_back(
          Reason{ReasonKind::approval,
                 rule.message + " — needs an override by " + who + " with payload.override.reason",
                 rule.id});
    }
  }
}

std::string unstorable_message(const detail::UnstorableNumber& n) {
  const char* value = std::isnan(n.value) ? "NaN" : n.value > 0 ? "Infinity" : "-Infinity";
  return "the record's " + n.field + " would be " + value +
         ", which JSON cannot hold (a computed number must be finite)";
}

// What decide_and_apply hands to accept(): the event the gate allowed and what was built for it.
struct Accepted {
  EventId event;
  const Actor& actor;
  Timestamp at;
  std::string_view when;
  EventFacts& facts;
  CaseContext& context;
  detail::ProcessMachine& next;  ///< the machine advanced by the event, not yet settled
  std::optional<RiskRegister>& risks;
};

// The gate allowed the event. Everything that can fail — out of memory, a computed number the
// record cannot hold, the risk scorer, a route taken by settle(), a deadline's condition — is
// done first, on copies or on a staged change that is taken back; then the case changes by moves
// and swaps that cannot fail. So fire() gives the strong guarantee: the event is applied whole, or
// it is refused or throws std::bad_alloc and the case is exactly as it was.
Outcome accept(Case::Impl& c, Outcome&& outcome, Accepted& a) {
  static_assert(std::is_nothrow_move_constructible_v<LedgerEntry> &&
                    std::is_nothrow_move_assignable_v<RiskRegister>,
                "the commit below must not throw");
  const Policy& policy = *c.policy;
  LedgerEntry entry;
  entry.seq = c.head.seq + 1;
  entry.at = a.at;
  entry.event = a.event;
  entry.actor = a.actor;
  entry.payload = a.facts.take_payload();
  a.context.forget_payload();

  detail::RecordChange change(c.record_object());
  try {
    detail::apply_to_record(a.event, entry.payload, a.actor, a.when, c.machine.stage(), policy,
                            change);
  } catch (const detail::UnstorableNumber& n) {
    return refused(std::move(outcome), ReasonKind::invalid_payload,
                   outcome.event + ": " + unstorable_message(n));
  }
  if (a.risks) {
    const std::string& scorer = policy.risk_model().scorer;
    try {
      const RiskAssessment assessment = policy.assess_risks(*a.risks);
      detail::finite_number(assessment.index, "risk.index");
      change.replace("risk") = assessment.to_json();
    } catch (const detail::UnstorableNumber& n) {
      return refused(std::move(outcome), ReasonKind::rule_error,
                     outcome.event + ": risk scorer " + scorer + ": " + unstorable_message(n),
                     "risk scorer " + scorer);
    } catch (...) {
      return refused(std::move(outcome), ReasonKind::rule_error,
                     outcome.event + ": risk scorer " + scorer +
                         " could not assess the register: " + detail::current_exception_text(),
                     "risk scorer " + scorer);
    }
  }

  detail::StagedChange staged(change, c.record_object());
  detail::DeadlinePlan deadlines;
  try {
    a.next.settle(a.context);  // completion transitions read the record as the event leaves it
    entry.state = a.next.configuration();
    detail::plan_deadlines(c, entry, deadlines);
  } catch (const detail::RuleFailure& f) {
    return refused(std::move(outcome), ReasonKind::rule_error, outcome.event + ": " + f.message,
                   f.rule);
  }
  outcome.state = entry.state;
  outcome.seq = entry.seq;
  if (c.ledger.size() == c.ledger.capacity())
    c.ledger.reserve(std::max<std::size_t>(16, 2 * c.ledger.capacity()));

  // Commit: nothing below can fail.
  outcome.accepted = true;
  staged.commit();
  if (a.risks) c.risks = std::move(*a.risks);
  c.machine = std::move(a.next);
  detail::append_entry(c, std::move(entry));  // cannot fail: room reserved above
  detail::apply_deadlines(c, deadlines);      // deadlines started, satisfied or moved by the event
  return std::move(outcome);
}

// The names of ReasonKind (case.hpp), in its order.
constexpr const char* kReasonKindNames[] = {"unknown_event", "invalid_payload", "role",     "state",
                                            "gate",          "segregation",     "approval", "time",
                                            "limit",         "rule_error"};
static_assert(std::size(kReasonKindNames) == static_cast<std::size_t>(ReasonKind::rule_error) + 1);

}  // namespace

const char* reason_kind_name(ReasonKind kind) noexcept {
  const auto k = static_cast<std::size_t>(kind);
  return k < std::size(kReasonKindNames) ? kReasonKindNames[k] : "unknown";
}

std::optional<ReasonKind> reason_kind_from_name(std::string_view name) noexcept {
  for (std::size_t k = 0; k < std::size(kReasonKindNames); ++k)
    if (name == kReasonKindNames[k]) return static_cast<ReasonKind>(k);
  return std::nullopt;
}

json::value Reason::to_json(json::storage_ptr sp) const {
  json::object o(3, std::move(sp));
  o["kind"] = reason_kind_name(kind);
  o["message"] = message;
  if (!rule.empty()) o["rule"] = rule;
  return o;
}

json::value Outcome::to_json(json::storage_ptr sp) const {
  json::object o(9, sp);
  o["accepted"] = accepted;
  o["event"] = event;
  if (accepted) o["seq"] = seq;
  json::array s(sp);
  for (const auto& p : state) s.emplace_back(p);
  o["state"] = std::move(s);
  json::array r(sp);
  for (const auto& reason : reasons) r.push_back(reason.to_json(sp));
  o["reasons"] = std::move(r);
  json::array w(sp);
  for (const auto& warning : warnings) w.emplace_back(warning);
  o["warnings"] = std::move(w);
  o["trace"] = gate.to_json(sp);
  return o;
}

Outcome Outcome::from_json(const json::value& value, std::string_view where) {
  auto bad = [&](std::string_view field, const char* why) {
    throw Error(ErrorKind::invalid_json, std::string(where) + "." + std::string(field), why);
  };
  if (!value.is_object())
    throw Error(ErrorKind::invalid_json, std::string(where), "expected an outcome");
  const json::object& o = value.get_object();
  auto strings = [&](std::string_view field) {
    std::vector<std::string> out;
    const json::value* v = o.if_contains(field);
    if (!v || !v->is_array()) bad(field, "expected an array of strings");
    for (const auto& s : v->get_array()) {
      if (!s.is_string()) bad(field, "expected an array of strings");
      out.emplace_back(s.get_string());
    }
    return out;
  };
  Outcome out;
  const json::value* accepted = o.if_contains("accepted");
  if (!accepted || !accepted->is_bool()) bad("accepted", "expected true or false");
  out.accepted = accepted->get_bool();
  const json::value* event = o.if_contains("event");
  if (!event || !event->is_string()) bad("event", "expected a string");
  out.event = std::string(event->get_string());
  if (const json::value* seq = o.if_contains("seq")) {
    if (!seq->is_uint64() && !(seq->is_int64() && seq->get_int64() >= 0))
      bad("seq", "expected a whole number >= 0");
    out.seq = seq->to_number<std::uint64_t>();
  }
  out.state = strings("state");
  out.warnings = strings("warnings");
  const json::value* reasons = o.if_contains("reasons");
  if (!reasons || !reasons->is_array()) bad("reasons", "expected an array");
  for (const auto& r : reasons->get_array()) {
    if (!r.is_object() || !r.get_object().if_contains("kind") || !r.at("kind").is_string() ||
        !r.get_object().if_contains("message") || !r.at("message").is_string())
      bad("reasons", "expected [{kind, message, rule?}]");
    const auto kind = reason_kind_from_name(r.at("kind").get_string());
    if (!kind)
      bad("reasons",
          "a reason's kind must be unknown_event, invalid_payload, role, state, gate, "
          "segregation, approval, time, limit or rule_error");
    Reason reason{*kind, std::string(r.at("message").get_string()), {}};
    if (const json::value* rule = r.get_object().if_contains("rule"); rule && rule->is_string())
      reason.rule = std::string(rule->get_string());
    out.reasons.push_back(std::move(reason));
  }
  if (const json::value* trace = o.if_contains("trace"))
    out.gate = GateDecision::from_json(*trace, std::string(where) + ".trace");
  return out;
}

std::string Outcome::summary() const {
  if (accepted) {
    std::string s = event + " accepted → " + join(state);
    for (const auto& w : warnings) s += "\n  warning: " + w;
    return s;
  }
  std::string s = event + " refused";
  for (const auto& r : reasons)
    s += "\n  (" + std::string(reason_kind_name(r.kind)) + ") " + r.message;
  return s;
}

Case::Case(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Case::Case(Case&&) noexcept = default;
Case& Case::operator=(Case&&) noexcept = default;
Case::~Case() = default;

const std::string& Case::id() const noexcept {
  return impl_->id;
}
const std::string& Case::policy_version() const noexcept {
  return impl_->policy->version();
}
const std::shared_ptr<const Policy>& Case::policy() const noexcept {
  return impl_->policy;
}
std::vector<std::string> Case::state() const {
  return impl_->machine.configuration();
}
std::string Case::stage() const {
  return std::string(impl_->machine.stage());
}
bool Case::terminated() const noexcept {
  return impl_->machine.terminated();
}
const std::vector<LedgerEntry>& Case::ledger() const {
  detail::seal_entries(*impl_);
  return impl_->ledger;
}
const LedgerHead& Case::ledger_head() const {
  detail::seal_entries(*impl_);
  return impl_->head;
}
bool Case::ledger_complete() const noexcept {
  return impl_->ledger_complete;
}
const json::object& Case::record() const noexcept {
  return impl_->record_object();
}

bool Case::in(std::string_view path) const {
  for (const auto& s : state())
    if (s == path ||
        (s.size() > path.size() && s.compare(0, path.size(), path) == 0 && s[path.size()] == '.'))
      return true;
  return false;
}

CaseLedger Case::case_ledger() const {
  if (!impl_->ledger_complete)
    throw Error(ErrorKind::invalid_argument, "case " + impl_->id,
                "it was restored from a snapshot without its ledger and holds only the " +
                    std::to_string(impl_->ledger.size()) + " entries added since revision " +
                    std::to_string(impl_->head.seq - impl_->ledger.size()) +
                    ": read its ledger from where it is stored (CaseStore::ledger)");
  detail::seal_entries(*impl_);
  return CaseLedger{impl_->id, impl_->policy->version(), impl_->data, impl_->ledger};
}

std::uint64_t Case::revision() const noexcept {
  return impl_->head.seq;
}

namespace {

Outcome decide_and_apply(Case::Impl& c, std::string_view event_text, const Actor& actor,
                         json::object payload, Timestamp at) {
  const Policy& policy = *c.policy;
  Outcome outcome;
  outcome.event = std::string(event_text);
  outcome.state = c.machine.configuration();  // what a refusal reports; replaced on acceptance
  const std::vector<std::string>& before = outcome.state;

  const auto event = event_from_name(event_text);
  if (!event)
    return refused(std::move(outcome), ReasonKind::unknown_event,
                   "\"" + std::string(event_text) + "\" is not an event of the process");
  if (std::string problem = detail::check_time(at); !problem.empty())
    return refused(std::move(outcome), ReasonKind::time, outcome.event + ": " + problem);
  if (c.head.at && at < *c.head.at)
    return refused(std::move(outcome), ReasonKind::time,
                   outcome.event + " at " + format_iso8601(at) +
                       " is earlier than the case's last event (" + format_iso8601(*c.head.at) +
                       ")");
  if (std::string problem = detail::check_actor(actor, c.input_limits->load()); !problem.empty())
    return refused(std::move(outcome), ReasonKind::role, outcome.event + ": " + problem);
  if (!policy.permits(*event, actor))
    return refused(std::move(outcome), ReasonKind::role,
                   "actor " + actor.id + " (roles: " + join(actor.roles) + ") may not fire " +
                       outcome.event + "; permitted roles: " + join(policy.roles_for(*event)));
  if (auto problem = detail::check_storable(c, payload, actor); !problem.message.empty())
    return refused(std::move(outcome), problem.kind, outcome.event + ": " + problem.message);
  if (std::string problem =
          detail::validate_payload(*event, payload, c.record_object(), actor, policy);
      !problem.empty())
    return refused(std::move(outcome), ReasonKind::invalid_payload, outcome.event + ": " + problem);
  // Risk updates are validated whole on a copy of the register: all risks or none.
  std::optional<RiskRegister> risks;
  if (*event == EventId::evaluation_risks) {
    risks = c.risks;
    try {
      risks->apply(payload, "payload");
    } catch (const Error& e) {
      return refused(std::move(outcome), ReasonKind::invalid_payload,
                     outcome.event + ": " + e.what());
    }
  }

  char when_text[kIso8601MaxLength];  // no allocation: only string_views of it are passed on
  const std::string_view when(when_text, format_iso8601(at, when_text));
  EventFacts facts(c.record_object(), c.facts_storage, *event, std::move(payload), actor, when,
                   before);
  CaseContext context(policy, c.record, &facts.payload(), c.limits);

  detail::ProcessMachine next = c.machine;
  try {
    if (!next.dispatch(*event, context))
      return refused(std::move(outcome), ReasonKind::state,
                     outcome.event + " is not accepted in state " + join(before));
  } catch (const detail::RuleFailure& f) {
    return refused(std::move(outcome), ReasonKind::rule_error, outcome.event + ": " + f.message,
                   f.rule);
  }

  outcome.gate = policy.decide(*event, c.record, actor, c.limits);
  add_gate_reasons(outcome, policy, *event);
  if (outcome.gate.verdict != Verdict::allowed) {
    outcome.accepted = false;
    return outcome;
  }
  Accepted accepted{*event, actor, at, when, facts, context, next, risks};
  return accept(c, std::move(outcome), accepted);
}

}  // namespace

Outcome Case::fire(std::string_view event_text, const Actor& actor, json::object payload,
                   Timestamp at) {
  Outcome outcome = decide_and_apply(*impl_, event_text, actor, std::move(payload), at);
  if (impl_->listener) {
    const auto listener = std::atomic_load(impl_->listener.get());
    if (listener && *listener) {
      try {
        (*listener)(*this, outcome);
      } catch (...) {
        // The event stands whatever the listener does (engine.hpp: listeners must not throw).
      }
    }
  }
  return outcome;
}

namespace {

// Whether the case's current state accepts `event`: the machine's structural guards answer, its
// choices (routes, payload flags) count as possible.
bool state_accepts(const Case::Impl& c, EventId event, CaseContext& probing) {
  detail::ProcessMachine probe = c.machine;
  return probe.dispatch(event, probing);
}

}  // namespace

std::vector<AvailableEvent> Case::available(const Actor& actor) const {
  const Impl& c = *impl_;
  std::vector<AvailableEvent> events;
  CaseContext context(*c.policy, c.record, nullptr, c.limits);
  context.probe = true;
  for (std::size_t i = 0; i < kEventCount; ++i) {
    const auto event = static_cast<EventId>(i);
    if (!c.policy->permits(event, actor)) continue;
    if (state_accepts(c, event, context))
      events.push_back(AvailableEvent{std::string(kEventNames[i]), c.policy->has_gate(event)});
  }
  return events;
}

bool Case::accepts(std::string_view event) const {
  const auto id = event_from_name(event);
  if (!id) return false;
  const Impl& c = *impl_;
  CaseContext context(*c.policy, c.record, nullptr, c.limits);
  context.probe = true;
  return state_accepts(c, *id, context);
}

UNDERTAKE_END_NAMESPACE
