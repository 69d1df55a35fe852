// The process diagram stays in step with the machine: every state path is drawn, every transition
// a replayed ledger takes is found in the drawing, and a case's position and path are highlighted.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "diagram/diagram.hpp"
#include "process/process_machine.hpp"
#include "replay_support.hpp"
#include "undertake/engine.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace ut_test;

namespace {

std::string id_of(const std::string& path) {
  std::string id;
  for (char c : path) id += c == '.' ? '_' : c;
  return id;
}

}  // namespace

TEST_CASE("diagram: every state of the machine is drawn, in both formats", "[diagram]") {
  const std::string dot = diagram::render(diagram::Format::dot);
  const std::string mermaid = diagram::render(diagram::Format::mermaid);
  CHECK(dot.rfind("digraph undertake {", 0) == 0);
  CHECK(mermaid.rfind("stateDiagram-v2", 0) == 0);
  for (const auto& path : detail::ProcessMachine::all_state_paths()) {
    INFO(path);
    const std::string id = id_of(path);
    const bool in_dot = dot.find(" " + id + " [") != std::string::npos ||
                        dot.find("cluster_" + id + " {") != std::string::npos ||
                        dot.find("  " + id + " [label") != std::string::npos;
    CHECK(in_dot);
    CHECK(mermaid.find(id) != std::string::npos);
  }
  // Every drawn edge names known states and known events.
  for (const auto& e : diagram::edges()) {
    for (const auto& ev : e.events) CHECK(event_from_name(ev).has_value());
  }
}

TEST_CASE("diagram: the full order's path is found in the drawing", "[diagram][replay]") {
  Engine engine;
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, full_order().steps.size());
  const diagram::Highlight h = diagram::highlight(c);
  CHECK(h.unmatched.empty());
  CHECK(h.current == std::vector<std::string>{"Closed"});
  CHECK(h.visited.at("Design.SampleTesting") == 1);
  // two batches, and B2 again after its rework
  CHECK(h.visited.at("Production.Inspection") == 3);
  CHECK(h.visited.at("Production.Rectification") == 1);
  CHECK(h.title.find(full_order().id) != std::string::npos);

  const std::string dot = diagram::render(diagram::Format::dot, &h);
  CHECK(dot.find("Closed [label=\"Closed\", shape=box, peripheries=2, fillcolor=\"#ffd54f\"") !=
        std::string::npos);
  CHECK(dot.find("penwidth=2.5") != std::string::npos);
  const std::string mermaid = diagram::render(diagram::Format::mermaid, &h);
  CHECK(mermaid.find("class Closed current") != std::string::npos);
  CHECK(mermaid.find("class Production_Inspection visited") != std::string::npos);
  CHECK(mermaid.find("✔×2") != std::string::npos);  // Producing → Inspection, twice
}

TEST_CASE("diagram: loops, escalations and a case in the middle", "[diagram]") {
  Engine engine;
  Case c = engine.create_case(full_order().id, full_order().data);
  fire_steps(c, 0, step_index("contract.draft"));
  c.tick(at("2026-04-07T09:00:00Z"));
  const Actor sales{"li", {"sales"}}, legal{"zhou", {"legal"}};
  auto fire = [&](std::string_view event, const Actor& a, json::object p, std::string_view t) {
    REQUIRE(c.fire(event, a, std::move(p), at(t)).accepted);
  };
  const json::object terms{
      {"amount", 420000}, {"delivery_date", "2026-06-30"}, {"payment_terms", "30/70"}};
  fire("contract.draft", sales, terms, "2026-04-08");
  fire("contract.submit", sales, {}, "2026-04-08T12:00:00Z");
  fire("contract.legal_reject", legal, {{"comments", "penalty clause"}}, "2026-04-09");
  fire("contract.revise", sales, terms, "2026-04-10");
  fire("contract.legal_reject", legal, {{"comments", "IP clause"}}, "2026-04-11");
  const diagram::Highlight h = diagram::highlight(c);
  CHECK(h.unmatched.empty());
  CHECK(h.escalations == 1);
  CHECK(h.current == std::vector<std::string>{"Contract.Revision"});
  CHECK(h.visited.at("Contract.Revision") == 2);
  CHECK(h.visited.at("Contract.LegalReview") == 2);
  std::size_t reject_edge = 0;
  for (std::size_t i = 0; i < diagram::edges().size(); ++i)
    if (diagram::edges()[i].events == std::vector<std::string>{"contract.legal_reject"})
      reject_edge = i;
  CHECK(h.taken.at(reject_edge) == 2);
  CHECK(diagram::render(diagram::Format::dot, &h).find("1 deadline escalation(s)") !=
        std::string::npos);
}
