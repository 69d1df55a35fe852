// Security properties (RapidCheck) over random event sequences with random actors (issue 8;
// docs/security.md). Each step is the next step of the main path, an earlier step again, or any
// event of the vocabulary; fired by the right person, by anyone from a pool of real people with
// random role sets (several roles at once, so segregation of duties is tried), with no roles, or
// with forged role names; with the step's payload or another plausible one; sometimes back in
// time. Properties:
//   1. an actor without a role the policy permits for the event is always refused (kind role),
//      and every accepted event's actor holds a permitted role;
//   2. segregation: an accepted production.inspect is never by the batch's reporter, an accepted
//      contract.approve never by the drafter of the current draft;
//   3. a refused event leaves the case's snapshot byte-for-byte identical;
//   4. snapshot → restore → continue equals continue (cut at a random step).
#include <rapidcheck.h>

#include <boost/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../unit/support/order_driver.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

const std::vector<std::string> kPeople = {"mei",  "li",   "zhao", "wu", "sun",
                                          "qian", "zhou", "boss", "cfo"};
const std::vector<std::string> kRoles = {"market",  "sales", "technical", "production",
                                         "quality", "legal", "management"};
const std::vector<std::string> kForged = {"Sales", "root", "admin",   "management ",
                                          "*",     "",     "chairman"};
const std::vector<const char*> kPayloads = {
    "{}",
    R"({"batch": "B1", "passed": true})",
    R"({"batch": "B1", "quantity": 500, "cost": 290000})",
    R"({"batch": "B2", "quantity": 10, "cost": 1000})",
    R"({"price": 420000, "cost": 320000})",
    R"({"price": -1, "cost": 5})",
    R"({"feasible": true})",
    R"({"sufficient": false})",
    R"({"passed": false})",
    R"({"accepted": true})",
    R"({"amount": 420000, "delivery_date": "2026-06-30", "payment_terms": "30/70"})",
    R"({"amount": 1, "delivery_date": "2026-02-30", "payment_terms": "x"})",
    R"({"reason": "customer asked", "score": 2})",
};

struct Fired {
  std::string event;
  Actor actor;
  json::object payload;
  Timestamp at;
};

Actor random_actor(const Step& step) {
  const int kind = *rc::gen::inRange(0, 100);
  if (kind < 45) return step.actor;  // the right person
  // People holding two roles, who may draft and approve, or report and inspect a batch: the
  // drafter (li) and the reporter (sun) of the main path. Segregation of duties must stop them.
  if (kind < 57)
    return *rc::gen::elementOf(
        std::vector<Actor>{{"li", {"sales", "management"}}, {"sun", {"production", "quality"}}});
  Actor a{*rc::gen::elementOf(kPeople), {}};
  if (kind < 88) {  // a real person with random real roles (0 to 3 of them)
    const int n = *rc::gen::inRange(0, 4);
    for (int i = 0; i < n; ++i) a.roles.push_back(*rc::gen::elementOf(kRoles));
  } else if (kind < 95) {  // forged roles, sometimes next to the needed one spelled wrongly
    a.roles.push_back(*rc::gen::elementOf(kForged));
  }  // else: no roles at all
  return a;
}

// A random sequence of events: mostly following the main path, so that the deep stages
// (contract approval, production inspection) are reached and attacked.
std::vector<Fired> generate() {
  const auto path = main_path();
  std::vector<Fired> out;
  std::size_t next = 0;
  Timestamp now = *parse_iso8601("2026-03-02T08:00:00Z");
  const int length = *rc::gen::inRange(10, 90);
  for (int i = 0; i < length; ++i) {
    const int pick = *rc::gen::inRange(0, 100);
    Step step = path[std::min(next, path.size() - 1)];
    if (pick >= 75 && pick < 88) {
      step = path[static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, path.size()))];
    } else if (pick >= 88) {
      step.event = kEventNames[*rc::gen::inRange<std::size_t>(0, kEventCount)].data();
      step.payload = *rc::gen::elementOf(kPayloads);
    }
    Fired f{step.event, random_actor(step), {}, now};
    const bool own_payload = *rc::gen::inRange(0, 100) < 85;
    f.payload =
        json::parse(own_payload ? step.payload : *rc::gen::elementOf(kPayloads)).as_object();
    // Mostly forward in time, sometimes back (refused: kind time).
    if (*rc::gen::inRange(0, 100) < 4)
      f.at = now - std::chrono::hours(2);
    else
      now += std::chrono::hours(*rc::gen::inRange(1, 30));
    f.at = f.at < now ? f.at : now;
    if (step.event == path[std::min(next, path.size() - 1)].event && f.actor.id == step.actor.id &&
        f.actor.roles == step.actor.roles && own_payload)
      ++next;  // probably accepted: go on along the path
    out.push_back(std::move(f));
  }
  return out;
}

std::string text(const Case& c) {
  return json::serialize(c.snapshot());
}

}  // namespace

int main() {
  const Engine engine;
  const auto& policy = *engine.policy();
  bool ok = true;

  ok &= rc::check("only permitted, segregated actors are accepted; refusals change nothing", [&] {
    const std::vector<Fired> seq = generate();
    Case c = engine.create_case("PS-1", regular_order());
    std::map<std::string, std::string> reporter;  // batch → who reported it
    std::string drafter;                          // who drafted the current contract draft
    std::size_t accepted = 0, deep = 0, segregation = 0, forged = 0;
    Timestamp last_at{};  // the time of the last accepted event
    for (const Fired& f : seq) {
      const std::string before = text(c);
      const auto id = event_from_name(f.event);
      RC_ASSERT(id.has_value());
      const Outcome o = c.fire(f.event, f.actor, f.payload, f.at);
      const bool permitted = policy.permits(*id, f.actor);
      if (!o.accepted) {
        RC_ASSERT(!o.reasons.empty());
        RC_ASSERT(text(c) == before);  // 3
        segregation += o.reasons.front().kind == ReasonKind::segregation;
        forged += o.reasons.front().kind == ReasonKind::role;
        // The checks run in order: event, time, role, payload, state, gate.
        if (!permitted)
          RC_ASSERT(o.reasons.front().kind == ReasonKind::role ||
                    (o.reasons.front().kind == ReasonKind::time && f.at < last_at));
        continue;
      }
      ++accepted;
      last_at = f.at;
      RC_ASSERT(permitted);  // 1
      RC_ASSERT(!f.actor.roles.empty());
      if (f.event == "production.report") {
        reporter[std::string(f.payload.at("batch").as_string())] = f.actor.id;
      } else if (f.event == "production.inspect") {
        ++deep;
        const auto it = reporter.find(std::string(f.payload.at("batch").as_string()));
        RC_ASSERT(it == reporter.end() || it->second != f.actor.id);  // 2
      } else if (f.event == "contract.draft") {
        drafter = f.actor.id;
      } else if (f.event == "contract.approve") {
        ++deep;
        RC_ASSERT(f.actor.id != drafter);  // 2
      }
    }
    RC_CLASSIFY(accepted >= 10, "10+ accepted");
    RC_CLASSIFY(deep > 0, "reached approve/inspect");
    RC_CLASSIFY(segregation > 0, "segregation refused");
    RC_CLASSIFY(forged > 0, "role refused");
  });

  ok &= rc::check("snapshot -> restore -> continue equals continue", [&] {
    const std::vector<Fired> seq = generate();
    const auto cut = *rc::gen::inRange<std::size_t>(0, seq.size() + 1);
    Case live = engine.create_case("PS-2", regular_order());
    std::optional<Case> resumed;
    for (std::size_t i = 0; i < seq.size(); ++i) {
      if (i == cut)
        resumed.emplace(engine.restore(parse_json(text(live), InputLimits{}, "snapshot")));
      const Fired& f = seq[i];
      const Outcome a = live.fire(f.event, f.actor, f.payload, f.at);
      if (resumed) {
        const Outcome b = resumed->fire(f.event, f.actor, f.payload, f.at);
        RC_ASSERT(a.accepted == b.accepted);
        RC_ASSERT(json::serialize(a.to_json()) == json::serialize(b.to_json()));
      }
    }
    if (!resumed)
      resumed.emplace(engine.restore(parse_json(text(live), InputLimits{}, "snapshot")));
    RC_ASSERT(text(*resumed) == text(live));
  });

  return ok ? 0 : 1;
}
