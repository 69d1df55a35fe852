// Property tests over generated lifecycles (RapidCheck chooses every branch of
// src/cli/simulate.cpp: rework loops, legal revisions, rejections, cancellations, suspensions,
// complaints, refused attempts) with deadline ticks at random instants in between:
//
//   1. replay: rebuilding the case from its ledger gives exactly the live case's snapshot, and so
//      does restoring its snapshot (also after the snapshot went through JSON text);
//   2. snapshot → restore → continue equals continue, cut at a random point;
//   3. replay never duplicates escalations: a tick at the last instant on the replayed case
//      records nothing the live case did not;
//   4. the process diagram (src/diagram) has every transition the case took;
//   5. restore from state = replay = live, event after event: a case restored from its snapshot
//      without the ledger (format 3: no replay) and a case replayed from its ledger answer every
//      operation exactly as the live case does, and their snapshots stay equal to its snapshot.
#include <rapidcheck.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "cli/simulate.hpp"
#include "diagram/diagram.hpp"
#include "undertake/engine.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;
using namespace undertake;

namespace {

// RapidCheck as the source of choices. Probabilities are raised to at least 12 %, so that the
// rare branches of a real factory (cancellations, critical risks) show up in every run.
class RcChooser final : public sim::Chooser {
 public:
  bool chance(double p) override {
    const double q = std::clamp(p, 0.12, 0.9);
    const auto w = static_cast<std::size_t>(std::lround(q * 100));
    return *rc::gen::weightedElement<bool>({{w, true}, {100 - w, false}});
  }
  int between(int lo, int hi) override { return hi <= lo ? lo : *rc::gen::inRange(lo, hi + 1); }
  double real(double lo, double hi) override {
    return lo + (hi - lo) * *rc::gen::inRange(0, 1001) / 1000.0;
  }
};

// One operation on a case: an action fired, or a tick.
struct Op {
  bool tick = false;
  sim::Action action;
  Timestamp now{};
};

void apply(Case& c, const Op& op) {
  if (op.tick)
    c.tick(op.now);
  else
    c.fire(op.action.event, op.action.actor, op.action.payload, op.action.at);
}

// A generated lifecycle: the operations and the live case they produced.
struct Lifecycle {
  std::vector<Op> ops;
  std::string id;
  json::object form;
};

Lifecycle generate(const Engine& engine, Case*& live_out, std::optional<Case>& holder) {
  RcChooser ch;
  const Timestamp arrival =
      *parse_iso8601("2026-01-05T08:00:00Z") + std::chrono::hours(*rc::gen::inRange(0, 24 * 60));
  sim::OrderScript script = sim::OrderScript::draw("P-1", arrival, ch);
  Lifecycle l{{}, script.id(), script.form()};
  holder.emplace(engine.create_case(script.id(), script.form()));
  Case& c = *holder;
  live_out = &c;
  const int max_steps = *rc::gen::inRange(5, 90);
  for (int step = 0; step < max_steps; ++step) {
    Timestamp not_before = arrival;
    if (!c.ledger().empty() && ch.chance(0.3)) {  // a pause, with a deadline check in it
      Op tick{true, {}, c.ledger().back().at + std::chrono::hours(*rc::gen::inRange(1, 24 * 40))};
      apply(c, tick);
      not_before = tick.now;
      l.ops.push_back(std::move(tick));
    }
    auto next = script.next(c, not_before, ch);
    if (!next) break;
    Op op{false, *next, {}};
    const Outcome o = c.fire(op.action.event, op.action.actor, op.action.payload, op.action.at);
    script.observe(op.action, o);
    l.ops.push_back(std::move(op));
  }
  if (!c.ledger().empty() && ch.chance(0.5)) {  // and a last look much later
    Op tick{true, {}, c.ledger().back().at + std::chrono::hours(*rc::gen::inRange(1, 24 * 120))};
    apply(c, tick);
    l.ops.push_back(std::move(tick));
  }
  return l;
}

}  // namespace

int main() {
  Engine engine;
  bool ok = true;

  ok &= rc::check("replay and restore give the live case's snapshot", [&] {
    Case* live = nullptr;
    std::optional<Case> holder;
    const Lifecycle l = generate(engine, live, holder);
    const json::value snap = live->snapshot();
    RC_CLASSIFY(live->stage() == "Closed" || live->stage() == "AfterSales", "delivered");
    RC_CLASSIFY(live->stage() == "Rejected", "rejected");
    RC_CLASSIFY(live->stage() == "Cancelled", "cancelled");
    RC_CLASSIFY(live->ledger().size() >= 30, "30+ entries");
    RC_CLASSIFY(std::any_of(live->ledger().begin(), live->ledger().end(),
                            [](const LedgerEntry& e) { return e.kind == EntryKind::escalation; }),
                "escalated");
    Case replayed = engine.replay(live->case_ledger());
    RC_ASSERT(replayed.snapshot() == snap);
    // The diagram shows every transition the case took.
    RC_ASSERT(diagram::trace(live->case_ledger()).unmatched.empty());
    Case restored = engine.restore(snap);
    RC_ASSERT(restored.snapshot() == snap);
    // Through text, as a host's database keeps it: every number comes back exactly.
    Case from_text = engine.restore(parse_json(json::serialize(snap), InputLimits{}, "snapshot"));
    RC_ASSERT(from_text.revision() == live->revision());
    RC_ASSERT(from_text.state() == live->state());
    RC_ASSERT(from_text.snapshot() == snap);
    // Replay does not duplicate escalations: when the live case's last operation was a tick,
    // the same tick on the replayed case records nothing more.
    if (!l.ops.empty() && l.ops.back().tick) {
      const auto before = replayed.revision();
      const TickResult again = replayed.tick(l.ops.back().now);
      RC_ASSERT(again.escalated == 0u);
      RC_ASSERT(replayed.revision() == before);
    }
  });

  ok &= rc::check("snapshot, restore, continue equals continue", [&] {
    Case* live = nullptr;
    std::optional<Case> holder;
    const Lifecycle l = generate(engine, live, holder);
    const auto cut = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, l.ops.size() + 1));
    Case first = engine.create_case(l.id, l.form);
    for (std::size_t i = 0; i < cut; ++i) apply(first, l.ops[i]);
    Case resumed = engine.restore(first.snapshot());
    for (std::size_t i = cut; i < l.ops.size(); ++i) apply(resumed, l.ops[i]);
    RC_ASSERT(resumed.snapshot() == live->snapshot());
  });

  ok &= rc::check("restore from state = replay = live, event after event", [&] {
    Case* live = nullptr;
    std::optional<Case> holder;
    const Lifecycle l = generate(engine, live, holder);
    Case fresh = engine.create_case(l.id, l.form);
    const std::vector<Actor> everyone = {
        {"probe", {"market", "sales", "technical", "production", "quality", "legal", "management"}}};
    bool suspended = false;
    for (const Op& op : l.ops) {
      // The case restored from its state alone, and the case rebuilt from its whole ledger.
      const json::value head = fresh.snapshot(SnapshotOptions{false});
      RC_ASSERT(!head.as_object().contains("ledger"));
      Case from_state = engine.restore(head);
      Case replayed = engine.replay(fresh.case_ledger());
      suspended |= fresh.stage() == "Suspended";
      if (op.tick) {
        const TickResult a = fresh.tick(op.now), b = from_state.tick(op.now),
                         c = replayed.tick(op.now);
        RC_ASSERT(a.to_json() == b.to_json());
        RC_ASSERT(a.to_json() == c.to_json());
      } else {
        const sim::Action& x = op.action;
        const Outcome a = fresh.fire(x.event, x.actor, x.payload, x.at),
                      b = from_state.fire(x.event, x.actor, x.payload, x.at),
                      c = replayed.fire(x.event, x.actor, x.payload, x.at);
        RC_ASSERT(a.to_json() == b.to_json());
        RC_ASSERT(a.to_json() == c.to_json());
      }
      for (const Actor& who : everyone) {
        const auto events = [&](const Case& k) {
          std::vector<std::string> out;
          for (const auto& e : k.available(who)) out.push_back(e.event + (e.gated ? "*" : ""));
          return out;
        };
        RC_ASSERT(events(from_state) == events(fresh));
        RC_ASSERT(events(replayed) == events(fresh));
      }
      const json::value expected = fresh.snapshot(SnapshotOptions{false});
      RC_ASSERT(from_state.snapshot() == expected);  // it holds no ledger: a head snapshot
      RC_ASSERT(replayed.snapshot(SnapshotOptions{false}) == expected);
      RC_ASSERT(from_state.ledger_head().hash == fresh.ledger_head().hash);
    }
    RC_ASSERT(fresh.snapshot() == live->snapshot());
    RC_CLASSIFY(suspended, "suspended and resumed or cancelled");
    RC_CLASSIFY(live->stage() == "Closed", "closed");
  });

  if (!ok) std::cerr << "property tests FAILED\n";
  return ok ? 0 : 1;
}
