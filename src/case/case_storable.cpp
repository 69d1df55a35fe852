// "What the engine accepts, it can always store, load and restore" (design.md §9, limits.hpp):
// the checks that run before a case is created or an event accepted, so that nothing accepted
// can be unreadable afterwards — to the store, to Engine::restore, to the C API.
//
// Depth: a payload is stored inside a ledger entry inside a snapshot, and copied into the record
// (complaints, tasks); the deepest of those places encloses it in kPayloadEnvelopeDepth levels,
// so it may nest max_json_depth less that (kFormEnvelopeDepth for the requirement form).
//
// Size: the snapshot is one JSON text and holds the whole ledger, so it is the case as a whole
// that must stay within max_json_bytes. Writing it out at every event would make events cost
// O(ledger); instead the case keeps an upper bound (SnapshotBytes), grown at each new ledger entry
// by a generous estimate of what an event can add — its entry, three copies of its payload in
// the record (stamped copies, complaint and task copies, the risk assessment built from it), two
// of its actor, the form's names (the contract ledger row), and a pending deadline per deadline
// rule and the keys it takes from the payload — and measures the snapshot exactly only when the
// bound comes near the limit (an event is judged by the estimate, so one payload may take about a
// quarter of max_json_bytes). Escalations (tick) are counted when the next event is checked; they
// cannot be refused.
#include <boost/json.hpp>

#include "case/case_impl.hpp"
#include "case/deadline_book.hpp"
#include "common/json_measure.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

constexpr std::size_t kEventSlack = 16 * 1024;  // stamps, counters, computed fields of one event
constexpr std::size_t kEntryFields = 256;       // seq, at, kind, event and the keys of an entry
constexpr std::size_t kStateBytes = 2048;       // a state configuration (paths fixed by the code)
constexpr std::size_t kCaseSlack = 16 * 1024;   // the skeleton of a new case's snapshot and record
constexpr std::size_t kRuleSlack = 1024;        // the fields of one pending deadline

std::size_t strings_bytes(const std::vector<std::string>& list) noexcept {
  std::size_t n = 2;
  for (const auto& s : list) n += json_string_bytes(s) + 1;
  return n;
}

std::size_t actor_bytes(const Actor& a) noexcept {
  return 24 + json_string_bytes(a.id) + strings_bytes(a.roles);
}

// What one deadline rule's pending entry weighs at most, besides the key taken from a payload.
std::size_t deadline_rules_bytes(const Case::Impl& c) {
  if (!c.deadlines.rules) return 0;
  std::size_t n = 0;
  for (const auto& r : c.deadlines.rules->rules) {
    n += kRuleSlack + json_string_bytes(r.id) + json_string_bytes(r.description) +
         strings_bytes(r.escalate_to);
    for (EventId e : r.satisfied_by.events) n += json_string_bytes(event_name(e)) + 1;
  }
  return n;
}

// The keys pending deadlines take from a payload (a batch, a complaint id): one copy per rule.
std::size_t deadline_keys_bytes(const Case::Impl& c, const json::object& payload) {
  if (!c.deadlines.rules) return 0;
  std::size_t n = 0;
  for (const auto& r : c.deadlines.rules->rules)
    if (!r.key.empty())
      if (const json::value* key = payload.if_contains(r.key))
        n += key->is_string() ? json_string_bytes(key->get_string()) : 32;
  return n;
}

// The estimate of what one ledger entry (its payload `payload_bytes` long) adds to the snapshot.
std::size_t entry_growth(const Case::Impl& c, const json::object& payload,
                         std::size_t payload_bytes, const Actor& actor, std::size_t state_bytes) {
  const std::size_t who = actor_bytes(actor);
  const std::size_t entry = kEntryFields + payload_bytes + who + state_bytes;
  const std::size_t record = 3 * payload_bytes + 2 * who + c.snapshot_bytes.data + kEventSlack;
  const std::size_t deadlines = c.snapshot_bytes.deadline_rules + deadline_keys_bytes(c, payload);
  return entry + record + deadlines;
}

std::size_t payload_bytes_of(const json::object& payload) {
  return measure_json(payload, ~0u, "payload").bytes;  // stored entries are sound: no limit needed
}

// Brings the bound up to the ledger's end (entries appended since the last check). The entry of
// the event checked last (accepted since) has its estimate already; an escalation tick() recorded
// in its place has not.
void catch_up(Case::Impl& c) {
  SnapshotBytes& s = c.snapshot_bytes;
  for (; s.counted < c.ledger.size(); ++s.counted) {
    const LedgerEntry& e = c.ledger[s.counted];
    if (s.counted == s.pending_index && e.kind == EntryKind::event)
      s.bound += s.pending_growth;
    else
      s.bound +=
          entry_growth(c, e.payload, payload_bytes_of(e.payload), e.actor, strings_bytes(e.state));
  }
}

// The snapshot's exact length (but for doubles: an upper bound), entries measured once each.
std::size_t measure_exactly(Case::Impl& c) {
  SnapshotBytes& s = c.snapshot_bytes;
  for (; s.exact_entries < c.ledger.size(); ++s.exact_entries)
    s.exact_ledger += measure_json(to_json(c.ledger[s.exact_entries]), ~0u, "").bytes + 1;
  const std::size_t head = measure_json(snapshot_head(c), ~0u, "").bytes;
  return head + std::string_view(",\"ledger\":[]").size() + s.exact_ledger;
}

std::string depth_problem(const JsonMeasure& m, std::string_view what, unsigned budget,
                          const InputLimits& limits, unsigned envelope) {
  return std::string(what) + " is nested deeper than " + std::to_string(budget) + " levels (at " +
         m.path + "): the limit is max_json_depth (" + std::to_string(limits.max_json_depth) +
         ") less the " + std::to_string(envelope) + " levels of the snapshot it is stored in";
}

StorableProblem measured_problem(const JsonMeasure& m, std::string_view what, unsigned budget,
                                 const InputLimits& limits, unsigned envelope) {
  switch (m.problem) {
    case JsonMeasure::Problem::none:
      return {};
    case JsonMeasure::Problem::invalid_utf8:
      return {ReasonKind::invalid_payload, m.path + " is not valid UTF-8"};
    case JsonMeasure::Problem::invalid_utf8_key:
      return {ReasonKind::invalid_payload, m.path + " has a key that is not valid UTF-8"};
    case JsonMeasure::Problem::not_finite:
      return {ReasonKind::invalid_payload,
              m.path + " is not a finite number (JSON has no infinity)"};
    case JsonMeasure::Problem::too_deep:
      return {ReasonKind::limit, depth_problem(m, what, budget, limits, envelope)};
  }
  return {};
}

std::string size_problem(std::size_t now, std::size_t growth, const InputLimits& limits) {
  return "the case's snapshot (" + std::to_string(now) + " bytes of JSON) could grow by up to " +
         std::to_string(growth) +
         " bytes with this event (its ledger entry, copies of its payload in the record), past "
         "max_json_bytes (" +
         std::to_string(limits.max_json_bytes) + ")";
}

}  // namespace

std::string check_actor(const Actor& actor, const InputLimits& limits) {
  if (std::string p = identifier_problem(actor.id, limits); !p.empty()) return "actor.id: " + p;
  for (std::size_t i = 0; i < actor.roles.size(); ++i)
    if (std::string p = identifier_problem(actor.roles[i], limits); !p.empty())
      return "actor.roles[" + std::to_string(i) + "]: " + p;
  return {};
}

std::string check_time(Timestamp at) {
  if (in_iso8601_range(at)) return {};
  return "the event's time is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z "
         "(ISO-8601 writes four-digit years)";
}

StorableProblem check_storable(Case::Impl& c, const json::object& payload, const Actor& actor) {
  const InputLimits limits = c.input_limits->load();
  const unsigned budget = limits.max_payload_depth();
  const JsonMeasure m = measure_json(payload, budget, "payload");
  if (!m.ok())
    return measured_problem(m, "payload", budget, limits, InputLimits::kPayloadEnvelopeDepth);
  if (m.bytes > limits.max_json_bytes)
    return {ReasonKind::limit, "payload is " + std::to_string(m.bytes) +
                                   " bytes as JSON, more than max_json_bytes (" +
                                   std::to_string(limits.max_json_bytes) + ")"};
  catch_up(c);
  SnapshotBytes& s = c.snapshot_bytes;
  const std::size_t growth = entry_growth(c, payload, m.bytes, actor, kStateBytes);
  s.pending_index = c.ledger.size();
  s.pending_growth = growth;
  if (s.bound + growth <= limits.max_json_bytes) return {};
  s.bound = measure_exactly(c);  // near the limit: measure, and go on from the exact figure
  if (s.bound + growth <= limits.max_json_bytes) return {};
  return {ReasonKind::limit, size_problem(s.bound, growth, limits)};
}

void check_new_case(Case::Impl& c) {
  const InputLimits limits = c.input_limits->load();
  const std::string where = "case " + c.id;
  if (std::string p = identifier_problem(c.id, limits); !p.empty())
    throw Error(ErrorKind::invalid_argument, "case id", p);
  const unsigned budget = limits.max_form_depth();
  const JsonMeasure m = measure_json(c.data, budget, "data");
  if (!m.ok()) {
    StorableProblem p =
        measured_problem(m, "data", budget, limits, InputLimits::kFormEnvelopeDepth);
    throw Error(
        p.kind == ReasonKind::limit ? ErrorKind::limit_exceeded : ErrorKind::invalid_argument,
        where, p.message);
  }
  SnapshotBytes& s = c.snapshot_bytes;
  s = SnapshotBytes{};
  s.data = m.bytes;
  s.deadline_rules = deadline_rules_bytes(c);
  // The form is in the snapshot twice (data, record.data), the id twice (case_id, record.case).
  s.bound = kCaseSlack + 2 * m.bytes + 2 * json_string_bytes(c.id) + s.deadline_rules +
            json_string_bytes(c.policy->name()) + json_string_bytes(c.policy->version());
}

void check_new_case_size(Case::Impl& c) {
  const InputLimits limits = c.input_limits->load();
  SnapshotBytes& s = c.snapshot_bytes;
  if (s.bound <= limits.max_json_bytes) return;
  s.bound = measure_exactly(c);
  if (s.bound > limits.max_json_bytes)
    throw Error(ErrorKind::limit_exceeded, "case " + c.id,
                "its snapshot would be " + std::to_string(s.bound) +
                    " bytes of JSON, past max_json_bytes (" +
                    std::to_string(limits.max_json_bytes) + ")");
}

void restored_snapshot_bytes(Case::Impl& c, std::size_t snapshot_bytes) {
  SnapshotBytes& s = c.snapshot_bytes;
  s = SnapshotBytes{};
  s.data = measure_json(c.data, ~0u, "data").bytes;
  s.deadline_rules = deadline_rules_bytes(c);
  // The snapshot it came from bounds the case as it is now, the entries it carried included (a
  // head without its ledger carries none: the store keeps them as rows, each within the limits).
  s.bound = snapshot_bytes;
  s.counted = c.ledger.size();
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
