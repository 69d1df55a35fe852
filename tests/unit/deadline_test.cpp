// Deadlines and escalation: the rule language's validation, starting/satisfying/moving deadlines
// along the full order, tick() escalations and reminders, the listener, snapshots and replay.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

#include "support/policy_parts.hpp"
#include "policy/policy_data.hpp"
#include "replay_support.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/engine.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

namespace {

const PendingDeadline* find(const std::vector<PendingDeadline>& list, std::string_view id,
                            std::string_view key = {}) {
  for (const auto& d : list)
    if (d.id == id && d.key == key) return &d;
  return nullptr;
}

std::vector<std::string> ids(const std::vector<PendingDeadline>& list) {
  std::vector<std::string> out;
  for (const auto& d : list) out.push_back(d.id + (d.key.empty() ? "" : "[" + d.key + "]"));
  std::sort(out.begin(), out.end());
  return out;
}

// A case of the full order advanced up to (not including) the first step firing `event`.
Case order_until(const Engine& engine, std::string_view event) {
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, step_index(event));
  return c;
}

bool mentions(const std::vector<std::string>& problems, std::string_view text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

// A one-deadline policy part (for validation tests).
json::value part(std::string_view deadline) {
  return json::parse(std::string(R"({"deadlines": {"d": )") + std::string(deadline) + "}}");
}

}  // namespace

TEST_CASE("deadlines: the default policy's deadlines are valid", "[deadline]") {
  Engine engine;
  const json::value* p = engine.policy()->part("deadlines");
  REQUIRE(p != nullptr);
  CHECK(check_deadlines(*p, "rules/default/deadlines.json", engine.policy()->roles()).empty());
  CHECK(p->at("deadlines").as_object().size() >= 8);
}

TEST_CASE("deadlines: invalid rules are reported with file, JSON path and reason", "[deadline]") {
  const std::vector<std::string> roles{"sales", "quality", "management"};
  const std::string ok_rest =
      R"("due": {"after": {"days": 3}}, "satisfied_by": {"event": "contract.sign"}, "escalate_to": ["sales"])";
  auto problems = [&](std::string_view deadline) {
    return check_deadlines(part(deadline), "x/deadlines.json", roles);
  };
  CHECK(problems(R"({"start": {"event": "evaluation.approve"}, )" + ok_rest + "}").empty());

  auto p = problems(R"({"start": {"event": "evaluation.aprove"}, )" + ok_rest + "}");
  REQUIRE(p.size() == 1);
  CHECK(p[0] ==
        "x/deadlines.json: /deadlines/d/start/event: \"evaluation.aprove\" is not an "
        "event of the vocabulary (design.md §2)");

  p = problems(R"({"start": {"event": "evaluation.approve"}, "due": {"after": {"days": 3}},
                  "satisfied_by": {"event": "contract.sign"}, "escalate_to": ["sales", "cfo"]})");
  REQUIRE(p.size() == 1);
  CHECK(p[0] ==
        "x/deadlines.json: /deadlines/d/escalate_to/1: \"cfo\" is not a role of the policy");

  p = problems(
      R"({"start": {"event": "evaluation.approve"}, "due": {"after": {"days": 3}, "date": "a.b"},
                  "satisfied_by": {"event": "contract.sign"}, "escalate_to": ["sales"]})");
  CHECK(mentions(p, "/deadlines/d/due: give exactly one of"));

  p = problems(R"({"start": {"event": "evaluation.approve"}, "due": {"after": {"days": -1}},
                  "satisfied_by": {"event": "contract.sign"}, "escalate_to": ["sales"]})");
  CHECK(mentions(p, "/deadlines/d/due/after: the duration must be longer than zero"));

  p = problems(R"({"start": {"event": "evaluation.approve", "when": {"nope": [1]}}, )" + ok_rest +
               "}");
  CHECK(mentions(p, "x/deadlines.json: /deadlines/d/start/when"));

  p = problems(R"({"start": {"event": "evaluation.approve"}, "due": {"date": "contract.x"},
                  "repeat": {"every": {"days": 9}},
                  "satisfied_by": {"event": "contract.sign"}, "escalate_to": ["sales"]})");
  CHECK(mentions(p, "/deadlines/d/repeat: a repeating deadline needs a due \"after\""));

  p = problems(R"({"start": {"event": "evaluation.approve"}, "colour": "red", )" + ok_rest + "}");
  CHECK(mentions(p, "/deadlines/d/colour: unknown field"));

  p = problems(R"({"start": {"event": "evaluation.approve"}, "due": {"after": {"days": 3}},
                  "escalate_to": ["sales"]})");
  CHECK(mentions(p, "/deadlines/d/satisfied_by: missing"));
}

TEST_CASE("deadlines: an invalid deadlines part is refused when the policy loads", "[deadline]") {
  PolicySource source = undertake::testing::builtin_with(
      "deadlines", part(R"({"start": {"event": "intake.confirm"}, "due": {"after": {"days": 1}},
                           "satisfied_by": {"event": "evaluation.approve"}, "escalate_to": ["nobody"]})"));
  const Error e = error_of([&] { Policy::load(source); });
  CHECK(e.kind() == ErrorKind::invalid_policy);
  CHECK(std::string(e.what()).find("/deadlines/d/escalate_to/0") != std::string::npos);
}

TEST_CASE("deadlines: they start, are satisfied and move along the full order", "[deadline]") {
  Engine engine;
  Case c = engine.create_case(full_order().id, full_order().data);
  CHECK(c.deadlines().empty());

  fire_steps(c, 0, step_index("evaluation.quote"));  // forward, confirm
  auto d = c.deadlines();
  REQUIRE(ids(d) == std::vector<std::string>{"evaluation-decision"});
  CHECK(format_iso8601(*d[0].due) == "2026-03-17T10:00:00Z");  // confirm 03-03T10 + 14 days
  CHECK(format_iso8601(*d[0].warn_from) == "2026-03-14T10:00:00Z");
  CHECK(d[0].waiting_for == std::vector<std::string>{"evaluation.approve", "evaluation.reject"});
  CHECK(d[0].escalate_to == std::vector<std::string>{"management"});

  fire_steps(c, step_index("evaluation.quote"), step_index("contract.draft"));  // ... approve
  d = c.deadlines();
  REQUIRE(ids(d) == std::vector<std::string>{"contract-signing"});
  CHECK(format_iso8601(*d[0].due) == "2026-04-06T09:00:00Z");

  fire_steps(c, step_index("contract.draft"), step_index("contract.legal_approve"));  // submitted
  CHECK(ids(c.deadlines()) == std::vector<std::string>{"contract-signing", "legal-review"});
  CHECK(format_iso8601(*find(c.deadlines(), "legal-review")->due) == "2026-03-14T15:00:00Z");

  fire_steps(c, step_index("contract.legal_approve"), step_index("kickoff.meeting"));  // signed
  d = c.deadlines();
  REQUIRE(ids(d) == std::vector<std::string>{"delivery-date"});
  // The contract's delivery date 2026-06-30 is due by the end of that day.
  CHECK(format_iso8601(*d[0].due) == "2026-07-01T00:00:00Z");

  fire_steps(c, step_index("kickoff.meeting"), step_index("kickoff.assign"));
  REQUIRE(find(c.deadlines(), "production-plan"));
  CHECK(format_iso8601(*find(c.deadlines(), "production-plan")->due) == "2026-06-21T00:00:00Z");

  fire_steps(c, step_index("kickoff.assign"), step_index("service.feedback"));  // delivered
  d = c.deadlines();
  REQUIRE(ids(d) == std::vector<std::string>{"customer-revisit"});
  CHECK(format_iso8601(*d[0].due) == "2026-09-26T09:00:00Z");  // 90 days after 06-28T09

  fire_steps(c, step_index("service.feedback"), step_index("case.close"));
  d = c.deadlines();
  REQUIRE(ids(d) == std::vector<std::string>{"customer-revisit"});  // repeats after the revisit
  CHECK(format_iso8601(*d[0].due) == "2026-10-26T09:00:00Z");

  fire_steps(c, step_index("case.close"), full_order().steps.size());
  CHECK(c.stage() == "Closed");
  CHECK(c.deadlines().empty());  // a closed case has no deadlines
}

TEST_CASE("deadlines: tick warns, escalates once, then reminds", "[deadline]") {
  Engine engine;
  std::vector<Outcome> heard;
  engine.set_listener([&](const Case&, const Outcome& o) { heard.push_back(o); });
  Case c = order_until(engine, "contract.draft");  // approved 03-07T09: signing due 04-06T09
  const auto rev = c.revision();
  heard.clear();

  TickResult t = c.tick(at("2026-03-20T00:00:00Z"));
  CHECK(t.items.empty());
  CHECK(t.escalated == 0);

  t = c.tick(at("2026-04-01T00:00:00Z"));  // within the 7-day warning window
  REQUIRE(t.items.size() == 1);
  CHECK(t.items[0].status == DeadlineStatus::due_soon);
  CHECK(t.items[0].deadline.id == "contract-signing");
  CHECK(t.items[0].hours_left == Approx(5 * 24 + 9));
  CHECK(t.escalated == 0);
  CHECK(c.revision() == rev);

  t = c.tick(at("2026-04-07T09:00:00Z"));
  REQUIRE(t.items.size() == 1);
  CHECK(t.items[0].status == DeadlineStatus::overdue);
  CHECK(t.escalated == 1);
  CHECK(t.items[0].escalation_seq == rev + 1);
  REQUIRE(c.revision() == rev + 1);
  const LedgerEntry& e = c.ledger().back();
  CHECK(e.kind == EntryKind::escalation);
  CHECK(e.event == EventId::contract_sign);
  CHECK(e.actor.id == "undertake");
  CHECK(e.payload.at("deadline") == "contract-signing");
  CHECK(e.payload.at("level") == 1);
  CHECK(e.payload.at("due") == "2026-04-06T09:00:00Z");
  CHECK(e.payload.at("overdue_hours").to_number<double>() == Approx(24));
  CHECK(e.payload.at("escalate_to") == json::array{"sales", "management"});
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].event == "deadline.escalated");
  CHECK(heard[0].seq == rev + 1);
  CHECK(heard[0].warnings.at(0).find("contract-signing") != std::string::npos);

  // The same instant again, or a day later: still overdue, no second escalation.
  t = c.tick(at("2026-04-08T09:00:00Z"));
  CHECK(t.escalated == 0);
  REQUIRE(t.items.size() == 1);
  CHECK(t.items[0].status == DeadlineStatus::overdue);
  CHECK(c.revision() == rev + 1);

  // remind_every 7 days: the next escalation at due + 7 days.
  t = c.tick(at("2026-04-13T09:00:00Z"));
  CHECK(t.escalated == 1);
  CHECK(c.ledger().back().payload.at("level") == 2);
  // Several missed intervals give one reminder, not a burst.
  t = c.tick(at("2026-05-10T00:00:00Z"));
  CHECK(t.escalated == 1);
  CHECK(c.ledger().back().payload.at("level") == 3);
  CHECK(format_iso8601(*c.deadlines()[0].next_escalation) == "2026-05-11T09:00:00Z");
  CHECK(heard.size() == 3);

  // Ticks may not go back in time.
  const Error err = error_of([&] { c.tick(at("2026-05-01T00:00:00Z")); });
  CHECK(err.kind() == ErrorKind::invalid_argument);

  // The contract is eventually signed: the deadline ends.
  fire_steps(c, step_index("contract.draft"), step_index("kickoff.meeting"), days(64));
  CHECK(find(c.deadlines(), "contract-signing") == nullptr);
}

TEST_CASE("deadlines: keyed complaints, each with its own clock", "[deadline]") {
  Engine engine;
  Case c = order_until(engine, "service.feedback");  // delivered 06-28T09
  const Actor sales{"li", {"sales"}};
  const Actor quality{"qian", {"quality"}};
  auto fire = [&](std::string_view event, const Actor& a, std::string_view payload,
                  std::string_view t) {
    const Outcome o = c.fire(event, a, json::parse(payload).as_object(), at(t));
    INFO(o.summary());
    REQUIRE(o.accepted);
  };
  fire("service.complaint", sales, R"({"id": "K1", "severity": "major", "description": "leak"})",
       "2026-07-01T08:00:00Z");
  const auto pending = c.deadlines();  // find() points into it: keep it alive
  auto k1 = find(pending, "complaint-verification", "K1");
  REQUIRE(k1);
  CHECK(format_iso8601(*k1->due) == "2026-07-04T08:00:00Z");
  fire("service.investigate", quality,
       R"({"id": "K1", "root_cause": "porosity", "responsibility": "production"})",
       "2026-07-01T12:00:00Z");
  fire("service.resolve", quality, R"({"id": "K1", "solution": "replace"})",
       "2026-07-02T08:00:00Z");
  // Not satisfied: the complaint goes back to investigation and its clock keeps running.
  fire("service.verify", quality, R"({"id": "K1", "satisfied": false})", "2026-07-03T08:00:00Z");
  REQUIRE(find(c.deadlines(), "complaint-verification", "K1"));

  TickResult t = c.tick(at("2026-07-05T08:00:00Z"));
  CHECK(t.escalated == 1);
  CHECK(c.ledger().back().payload.at("key") == "K1");
  t = c.tick(at("2026-07-06T08:00:00Z"));  // remind every 24 h
  CHECK(t.escalated == 1);
  CHECK(c.ledger().back().payload.at("level") == 2);

  fire("service.resolve", quality, R"({"id": "K1", "solution": "replace and retest"})",
       "2026-07-06T10:00:00Z");
  fire("service.verify", quality, R"({"id": "K1", "satisfied": true})", "2026-07-06T12:00:00Z");
  CHECK(find(c.deadlines(), "complaint-verification", "K1") == nullptr);
  CHECK(find(c.deadlines(), "customer-revisit") != nullptr);
}

TEST_CASE("deadlines: the delivery deadline follows the contract's delivery date", "[deadline]") {
  Engine engine;
  Case other = engine.create_case("SO-2", full_order().data);
  const auto& steps = full_order().steps;
  for (std::size_t i = 0; i < step_index("kickoff.meeting"); ++i) {
    json::object payload = steps[i].payload;
    if (steps[i].event == "contract.draft") payload["delivery_date"] = "2026-08-15T12:00:00Z";
    REQUIRE(other.fire(steps[i].event, steps[i].actor, payload, steps[i].at).accepted);
  }
  // A date-time is due at that instant (a bare date: at the end of that day).
  CHECK(format_iso8601(*find(other.deadlines(), "delivery-date")->due) == "2026-08-15T12:00:00Z");
}

TEST_CASE("deadlines: a record date is re-read after every event", "[deadline]") {
  PolicySource source = undertake::testing::builtin_with(
      "deadlines", part(R"({"start": {"event": "evaluation.approve"},
                           "due": {"date": "contract.draft.delivery_date", "offset": {"days": -10}},
                           "satisfied_by": {"event": "delivery.confirm"}, "escalate_to": ["sales"]})"));
  Engine engine(Policy::load(source));
  Case c = order_until(engine, "contract.draft");
  REQUIRE(c.deadlines().size() == 1);
  CHECK_FALSE(c.deadlines()[0].due.has_value());  // no draft yet: no due
  CHECK(c.tick(at("2030-01-01")).items.empty());
  fire_steps(c, step_index("contract.draft"), step_index("contract.submit"));
  REQUIRE(c.deadlines()[0].due.has_value());
  CHECK(format_iso8601(*c.deadlines()[0].due) == "2026-06-21T00:00:00Z");  // 06-30 end − 10 days
  // The draft is revised before legal review ends: the deadline moves with it.
  fire_steps(c, step_index("contract.submit"), step_index("contract.legal_approve"));
  const Outcome o =
      c.fire("contract.legal_reject", Actor{"zhou", {"legal"}},
             json::object{{"comments", "penalty clause"}}, at("2026-03-10T09:00:00Z"));
  REQUIRE(o.accepted);
  const Outcome r = c.fire(
      "contract.revise", Actor{"li", {"sales"}},
      json::object{{"amount", 420000}, {"delivery_date", "2026-07-31"}, {"payment_terms", "30/70"}},
      at("2026-03-10T12:00:00Z"));
  REQUIRE(r.accepted);
  CHECK(format_iso8601(*c.deadlines()[0].due) == "2026-07-22T00:00:00Z");
}

TEST_CASE("deadlines: cancelling the case ends them", "[deadline]") {
  Engine engine;
  Case c = order_until(engine, "contract.sign");
  CHECK_FALSE(c.deadlines().empty());
  const Outcome o =
      c.fire("case.cancel", Actor{"boss", {"management"}},
             json::object{{"reason", "customer withdrew"}}, at("2026-03-12T00:00:00Z"));
  REQUIRE(o.accepted);
  CHECK(c.deadlines().empty());
  CHECK(c.tick(at("2027-01-01")).items.empty());
}

TEST_CASE("deadlines: escalations survive snapshot, restore and replay without duplicates",
          "[deadline][snapshot][replay]") {
  Engine engine;
  Case c = order_until(engine, "contract.draft");
  c.tick(at("2026-04-07T09:00:00Z"));
  c.tick(at("2026-04-14T09:00:00Z"));
  fire_steps(c, step_index("contract.draft"), step_index("contract.legal_approve"), days(40));
  const json::value snap = c.snapshot();
  REQUIRE(snap.at("deadlines").as_array().size() == 2);

  Case restored = engine.restore(snap);
  CHECK(restored.snapshot() == snap);
  Case replayed = engine.replay(c.case_ledger());
  CHECK(replayed.snapshot() == snap);

  // The same tick on the original and the restored case does the same, once.
  const Timestamp later = at("2026-04-21T09:00:00Z");
  const TickResult a = c.tick(later);
  const TickResult b = restored.tick(later);
  CHECK(a.escalated == b.escalated);
  CHECK(c.snapshot() == restored.snapshot());
  CHECK(restored.tick(later).escalated == 0);
}

TEST_CASE("deadlines: a ledger with a forged or duplicated escalation is refused",
          "[deadline][replay]") {
  Engine engine;
  Case c = order_until(engine, "contract.draft");
  c.tick(at("2026-04-07T09:00:00Z"));
  CaseLedger ledger = c.case_ledger();

  CaseLedger duplicated = ledger;
  LedgerEntry copy = duplicated.entries.back();
  copy.seq += 1;
  duplicated.entries.push_back(copy);
  Error e = error_of([&] { engine.replay(duplicated); });
  CHECK(e.kind() == ErrorKind::invalid_snapshot);
  CHECK(std::string(e.what()).find("not due for escalation") != std::string::npos);

  CaseLedger early = ledger;
  early.entries.back().at = at("2026-04-01T00:00:00Z");  // before the due
  e = error_of([&] { engine.replay(early); });
  CHECK(e.kind() == ErrorKind::invalid_snapshot);

  CaseLedger unknown = ledger;
  unknown.entries.back().payload["deadline"] = "no-such-deadline";
  e = error_of([&] { engine.replay(unknown); });
  CHECK(std::string(e.what()).find("no deadline \"no-such-deadline\"") != std::string::npos);
}

TEST_CASE("deadlines: conditions compile with the policy's operators: decide and the host's",
          "[deadline]") {
  // Starts for the orders the authority matrix gives one approval (100,000 to 999,999); ends
  // with the approval only for the customers an operator the host registered watches.
  const json::value deadline = part(R"({
      "start": {"event": "intake.confirm", "when": {"==": [
        {"decide": ["authority-matrix", {"var": "data.estimated_amount"}]}, 1]}},
      "due": {"after": {"days": 20}},
      "satisfied_by": {"event": "evaluation.approve",
                       "when": {"watched_customer": [{"var": "data.customer.name"}]}},
      "escalate_to": ["management"]})");
  Engine engine;
  engine.extensions().operators().add(
      "watched_customer",
      [](const std::vector<json::value>& args) {
        return json::value(args.at(0) == "Hengda Machinery");
      },
      1, 1);
  engine.load_policy(undertake::testing::builtin_with("deadlines", deadline));

  auto run = [&](std::string_view customer, double amount) {
    json::object data = full_order().data;
    data["customer"].as_object()["name"] = customer;
    data["estimated_amount"] = amount;
    Case c = engine.create_case(full_order().id, std::move(data));
    fire_steps(c, 0, step_index("evaluation.quote"));  // forward, confirm
    const auto started = ids(c.deadlines());
    fire_steps(c, step_index("evaluation.quote"), step_index("contract.draft"));  // ... approve
    return std::make_pair(started, ids(c.deadlines()));
  };
  const std::vector<std::string> d{"d"}, none;
  CHECK(run("Hengda Machinery", 400000) == std::make_pair(d, none));    // started, satisfied
  CHECK(run("Bolt Works", 400000) == std::make_pair(d, d));             // not watched: still open
  CHECK(run("Hengda Machinery", 50000) == std::make_pair(none, none));  // no approval needed

  // The same part without the host's operator: the policy does not load.
  const Error e =
      error_of([&] { Policy::load(undertake::testing::builtin_with("deadlines", deadline)); });
  CHECK(e.kind() == ErrorKind::invalid_policy);
  CHECK_THAT(e.what(), Catch::Contains("/deadlines/d/satisfied_by/when"));
  // A table the policy does not have is refused when it loads, as in gates.
  const Error t = error_of([] {
    Policy::load(undertake::testing::builtin_with(
        "deadlines", part(R"({"start": {"event": "intake.confirm", "when": {"decide": ["nope", 1]}},
                              "due": {"after": {"days": 1}},
                              "satisfied_by": {"event": "evaluation.approve"},
                              "escalate_to": ["management"]})")));
  });
  CHECK_THAT(t.what(), Catch::Contains("/deadlines/d/start/when/decide/0: no decision table"));
}

TEST_CASE("deadlines: compiled once when the policy loads, shared by every case of it",
          "[deadline]") {
  Engine engine;
  const auto policy = engine.policy();
  const auto& rules = detail::PolicyAccess::data(*policy).deadlines;  // compiled by Policy::load
  REQUIRE(rules);
  CHECK(rules->rules.size() == policy->part("deadlines")->at("deadlines").as_object().size());
  const long owners = rules.use_count();
  {
    Case a = engine.create_case("D-1", full_order().data);
    Case b = engine.create_case("D-2", full_order().data);
    fire_steps(a, 0, step_index("evaluation.quote"));
    Case restored = engine.restore(a.snapshot());
    // Each case holds the policy's own rules: no copy, no cache beside the policy.
    CHECK(rules.use_count() == owners + 3);
    CHECK(ids(restored.deadlines()) == std::vector<std::string>{"evaluation-decision"});
  }
  CHECK(rules.use_count() == owners);
  // Another load of the same source compiles its own rules, for its own cases.
  const auto again = Policy::load(PolicySource::builtin());
  CHECK(detail::PolicyAccess::data(*again).deadlines != rules);
}
