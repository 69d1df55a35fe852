// The machine, its description and the diagram say the same: the description walked from the
// Boost.MSM tables is what the machine does (every event fired from every configuration it can
// reach), and the diagram draws exactly the description's states and transitions.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <sstream>

#include "diagram/diagram.hpp"
#include "policy/routes.hpp"
#include "process/process_machine.hpp"
#include "process/stages.hpp"
#include "support/full_order.hpp"
#include "undertake/engine.hpp"

using namespace undertake;
using detail::MachineContext;
using detail::ProcessDescription;
using detail::ProcessMachine;

namespace {

const ProcessDescription& described() {
  return ProcessMachine::description();
}

const ProcessDescription::State* state_of(const std::string& path) {
  for (const auto& s : described().states)
    if (s.path == path) return &s;
  return nullptr;
}

// Whether `config` has `path` active: a leaf of it is `path` or lies below it.
bool active(const std::vector<std::string>& config, const std::string& path) {
  for (const auto& leaf : config)
    for (const auto* s = state_of(leaf); s; s = s->parent.empty() ? nullptr : state_of(s->parent))
      if (s->path == path) return true;
  return false;
}

std::string joined(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string text_of(const ProcessDescription::Transition& t) {
  return t.source + " --" + t.event + (t.guard.empty() ? "" : " [" + t.guard + "]") + "--> " +
         t.target;
}

// Every choice the machine asks the case about answered the same way.
class FixedContext final : public MachineContext {
 public:
  FixedContext(bool route, bool flag, bool complete)
      : route_(route), flag_(flag), complete_(complete) {}
  bool route(Route) const override { return route_; }
  bool payload_flag(std::string_view) const override { return flag_; }
  bool kickoff_complete() const override { return complete_; }
  bool production_preparation_complete() const override { return complete_; }

 private:
  bool route_, flag_, complete_;
};

std::size_t lines_with(const std::string& text, std::string_view needle, std::string_view not_) {
  std::istringstream in(text);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos && (not_.empty() || line.find(not_) == line.npos))
      ++n;
  return n;
}

}  // namespace

TEST_CASE("description: states lie in their parents, in declared order", "[process][diagram]") {
  const auto& d = described();
  REQUIRE(d.states.size() > 50);
  std::set<std::string> before;
  for (const auto& s : d.states) {
    INFO(s.path);
    CHECK(before.insert(s.path).second);  // once
    if (!s.parent.empty()) CHECK(before.count(s.parent) == 1);
    CHECK((s.kind == ProcessDescription::Kind::leaf) ==
          (std::count_if(d.states.begin(), d.states.end(),
                         [&](const auto& c) { return c.parent == s.path; }) == 0));
    // The process ends exactly where is_terminal_stage says (Case::terminated, the store).
    CHECK(s.terminal == is_terminal_stage(s.path));
  }
  CHECK(ProcessMachine::all_state_paths().size() == d.states.size());
  CHECK(state_of("Evaluation.QualityRisk")->kind == ProcessDescription::Kind::region);
  CHECK(state_of("Running")->history_events == std::vector<std::string>{"case.resume"});
  CHECK(is_terminal_stage("Closed"));
  CHECK_FALSE(is_terminal_stage("Suspended"));
  CHECK_FALSE(is_terminal_stage("Running"));
}

TEST_CASE("stages.hpp: the machine's stages, in the order the full order visits them",
          "[process][diagram]") {
  std::set<std::string> machine_stages;
  for (const auto& st : described().states)
    if (st.parent == "Running") machine_stages.insert(st.path);
  std::vector<std::string> listed;
  for (const auto& stage : detail::kProcessStages) listed.emplace_back(stage.id);
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == machine_stages);
  CHECK(machine_stages.size() == listed.size());
  const Engine engine;
  const auto& order = testing::full_order();
  Case c = engine.create_case(order.id, order.data);
  std::vector<std::string> visited{c.stage()};
  for (const auto& step : order.steps) {
    REQUIRE(c.fire(step.event, step.actor, step.payload, step.at).accepted);
    if (c.stage() != visited.back()) visited.push_back(c.stage());
  }
  REQUIRE(visited.back() == "Closed");
  visited.pop_back();
  CHECK(visited == listed);
}

TEST_CASE("description: the routes the machine asks are the routes of routes.hpp",
          "[process][policy]") {
  std::set<std::string> asked;
  for (const auto& t : described().transitions)
    if (!t.route.empty()) asked.insert(t.route);
  const std::set<std::string> listed(std::begin(detail::kRouteNames),
                                     std::end(detail::kRouteNames));
  CHECK(asked == listed);
}

TEST_CASE("diagram: the drawing has exactly the machine's states and transitions", "[diagram]") {
  const auto& d = described();
  const auto& edges = diagram::edges();
  CHECK(diagram::states() == ProcessMachine::all_state_paths());

  // Every transition of the machine is on exactly one edge.
  for (const auto& t : d.transitions) {
    INFO(text_of(t));
    CHECK(std::count_if(edges.begin(), edges.end(), [&](const diagram::Edge& e) {
            const bool event = t.completion
                                   ? e.events.empty() && e.completion == t.event
                                   : e.completion.empty() &&
                                         std::count(e.events.begin(), e.events.end(), t.event) == 1;
            return event && e.from == t.source && e.to == t.target && e.guard == t.guard;
          }) == 1);
  }
  // Every edge is an initial transition of the machine or one transition per event it names.
  std::size_t drawn = 0, initial = 0, nested_initial = 0;
  for (const auto& e : edges) {
    INFO(e.from << " -> " << e.to);
    const auto is = [&](const ProcessDescription::Transition& t, const std::string& event) {
      return t.source == e.from && t.target == e.to && t.guard == e.guard && t.event == event;
    };
    if (e.from.rfind("[*]", 0) == 0) {
      CHECK(e.events.empty());
      const auto* s = state_of(e.to);
      REQUIRE(s);
      CHECK((s->initial && "[*]" + s->parent == e.from));
      ++initial;
      nested_initial += e.from != "[*]";
    } else if (!e.completion.empty()) {
      CHECK(e.events.empty());
      CHECK(std::any_of(d.transitions.begin(), d.transitions.end(),
                        [&](const auto& t) { return t.completion && is(t, e.completion); }));
      ++drawn;
    } else {
      for (const auto& event : e.events) {
        CHECK(std::any_of(d.transitions.begin(), d.transitions.end(),
                          [&](const auto& t) { return !t.completion && is(t, event); }));
        ++drawn;
      }
    }
  }
  CHECK(drawn == d.transitions.size());
  CHECK(initial == static_cast<std::size_t>(std::count_if(
                       d.states.begin(), d.states.end(), [](const auto& s) { return s.initial; })));

  // The renderings draw every edge: Mermaid each one (and an end for each terminal state), DOT
  // each but the initial transitions inside composites (a cluster starts at its first state).
  const std::size_t terminals =
      std::count_if(d.states.begin(), d.states.end(), [](const auto& s) { return s.terminal; });
  CHECK(terminals == 3);
  CHECK(lines_with(diagram::render(diagram::Format::mermaid), " --> ", "") ==
        edges.size() + terminals);
  CHECK(lines_with(diagram::render(diagram::Format::dot), " -> ", "style=invis") ==
        edges.size() - nested_initial);
}

TEST_CASE("description: firing every event from every reachable configuration agrees with it",
          "[process][diagram]") {
  const auto& d = described();
  std::map<std::string, bool> seen;  // configuration and resume configuration
  std::deque<ProcessMachine> queue{ProcessMachine()};
  const auto key = [](const ProcessMachine& m) {
    return joined(m.configuration()) + " | " + joined(m.resume_configuration());
  };
  seen[key(queue.front())] = true;
  std::set<std::size_t> taken;
  std::set<std::string> leaves_reached;
  while (!queue.empty()) {
    const ProcessMachine m = queue.front();
    queue.pop_front();
    const auto before = m.configuration();
    INFO("from " << key(m));
    leaves_reached.insert(before.begin(), before.end());
    // A snapshot restores it (format 3: configuration and resume configuration).
    const ProcessMachine restored = ProcessMachine::restored(before, m.resume_configuration());
    CHECK(key(restored) == key(m));
    for (std::size_t i = 0; i < kEventCount; ++i) {
      const auto event = static_cast<EventId>(i);
      const std::string name(event_name(event));
      INFO(name);
      bool accepted = false;
      for (int v = 0; v < 8; ++v) {
        FixedContext ctx(v & 1, v & 2, v & 4);
        ProcessMachine next = m;
        if (!next.dispatch(event, ctx)) continue;
        accepted = true;
        const auto fired = next.configuration();
        bool explained = false;
        for (std::size_t k = 0; k < d.transitions.size(); ++k) {
          const auto& t = d.transitions[k];
          if (t.completion || t.event != name || !active(before, t.source)) continue;
          if (t.internal ? fired == before : active(fired, t.target)) {
            taken.insert(k);
            explained = true;
          }
        }
        if (!explained) FAIL_CHECK("no transition of the description goes to " << joined(fired));
        next.settle(ctx);
        const auto settled = next.configuration();
        if (settled != fired) {
          bool completed = false;
          for (std::size_t k = 0; k < d.transitions.size(); ++k) {
            const auto& t = d.transitions[k];
            if (t.completion && active(fired, t.source) && active(settled, t.target)) {
              taken.insert(k);
              completed = true;
            }
          }
          if (!completed)
            FAIL_CHECK("no completion of the description goes to " << joined(settled));
        }
        if (seen.emplace(key(next), true).second) queue.push_back(next);
      }
      if (accepted) {
        // Nothing leaves a terminal state.
        if (is_terminal_stage(m.stage())) FAIL_CHECK(name << " accepted in " << m.stage());
        continue;
      }
      // An unguarded transition from an active state is always taken.
      for (const auto& t : d.transitions)
        if (!t.completion && t.event == name && t.guard.empty() && active(before, t.source))
          FAIL_CHECK("refused, though the description has " << text_of(t));
    }
  }
  // Every transition of the description is one the machine takes, and every leaf is reached.
  for (std::size_t k = 0; k < d.transitions.size(); ++k) {
    INFO(text_of(d.transitions[k]));
    CHECK(taken.count(k) == 1);
  }
  for (const auto& s : d.states)
    if (s.kind == ProcessDescription::Kind::leaf) {
      INFO(s.path);
      CHECK(leaves_reached.count(s.path) == 1);
    }
  CHECK(seen.size() > 60);
}

TEST_CASE("Case::accepts: the machine's answer, before roles and gates", "[process]") {
  const Engine engine;
  Case c = engine.create_case("ACC-1", boost::json::object{{"customer", {{"name", "A"}}}});
  CHECK(c.accepts("case.cancel"));  // before delivery
  CHECK(c.accepts("intake.forward"));
  CHECK_FALSE(c.accepts("case.close"));
  CHECK_FALSE(c.accepts("no.such_event"));
}
