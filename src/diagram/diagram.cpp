// The process as a graph, and its Mermaid and DOT renderings (diagram.hpp).
#include "diagram/diagram.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "process/process_machine.hpp"
#include "process/stages.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace diagram {
namespace {

using Description = detail::ProcessDescription;
using Kind = Description::Kind;

const Description& machine() {
  return detail::ProcessMachine::description();
}

using Events = std::vector<std::string>;

// The transitions of the machine as drawn: the initial transition of every composite and
// region, then every transition of the description, those with the same ends and guard on one
// edge (the four prep.* events that keep Preparing where it is).
std::vector<Edge> build_edges() {
  std::vector<Edge> out;
  for (const auto& s : machine().states)
    if (s.initial) out.push_back({"[*]" + s.parent, s.path, {}, "", ""});
  for (const auto& t : machine().transitions) {
    auto same = std::find_if(out.begin(), out.end(), [&](const Edge& e) {
      return !t.completion && e.completion.empty() && !e.events.empty() && e.from == t.source &&
             e.to == t.target && e.guard == t.guard;
    });
    if (same != out.end())
      same->events.push_back(t.event);
    else if (t.completion)
      out.push_back({t.source, t.target, {}, t.guard, t.event});
    else
      out.push_back({t.source, t.target, {t.event}, t.guard, ""});
  }
  return out;
}

const Description::State* state_of(std::string_view path) {
  static const std::map<std::string, const Description::State*, std::less<>> index = [] {
    std::map<std::string, const Description::State*, std::less<>> m;
    for (const auto& s : machine().states) m.emplace(s.path, &s);
    return m;
  }();
  auto it = index.find(path);
  return it == index.end() ? nullptr : it->second;
}

std::string_view parent_of(std::string_view path) {
  const auto* s = state_of(path);
  return s ? std::string_view(s->parent) : std::string_view();
}

bool is_terminal(std::string_view path) {
  const auto* s = state_of(path);
  return s && s->terminal;
}

// Whether `leaf` is `path` or lies below it.
bool within(std::string_view leaf, std::string_view path) {
  for (std::string_view p = leaf; !p.empty(); p = parent_of(p))
    if (p == path) return true;
  return false;
}

// Whether the configuration contains `path` (or a state below it).
bool in(const std::vector<std::string>& config, std::string_view path) {
  return std::any_of(config.begin(), config.end(),
                     [&](const std::string& leaf) { return within(leaf, path); });
}

std::string node_id(std::string_view path) {
  std::string id;
  for (char ch : path) id += ch == '.' ? '_' : ch;
  return id;
}

std::string last_segment(std::string_view path) {
  const auto dot = path.rfind('.');
  return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

std::string edge_label(const Edge& e) {
  std::string label;
  for (std::size_t i = 0; i < e.events.size(); ++i) label += (i ? " / " : "") + e.events[i];
  if (e.events.size() > 3)
    label = e.events.front() + " … (" + std::to_string(e.events.size()) + " events)";
  if (!e.completion.empty()) label = "(" + e.completion + ")";
  if (!e.guard.empty()) label += (label.empty() ? "" : " ") + std::string("[") + e.guard + "]";
  if (const auto* to = state_of(e.to))
    for (const auto& ev : to->history_events)
      if (std::find(e.events.begin(), e.events.end(), ev) != e.events.end()) {
        label += " (history, back to the exact substates)";
        break;
      }
  return label;
}

// The children of a composite or region ("": the top level), in declared order.
std::vector<std::string> children(std::string_view parent) {
  std::vector<std::string> out;
  for (const auto& s : machine().states)
    if (s.parent == parent) out.push_back(s.path);
  return out;
}

bool is_composite(std::string_view path) {
  const auto* s = state_of(path);
  return s && s->kind != Kind::leaf;
}

bool has_regions(std::string_view path) {
  const auto kids = children(path);
  return !kids.empty() && state_of(kids.front())->kind == Kind::region;
}

// The first leaf below a composite (where DOT anchors edges to and from a cluster).
std::string anchor(std::string_view path) {
  std::string p(path);
  for (;;) {
    auto c = children(p);
    if (c.empty()) return p;
    p = c.front();
  }
}

// The policy's name of a stage, for the title of its DOT cluster.
std::string stage_title(std::string_view id) {
  for (const auto& s : detail::kProcessStages)
    if (s.id == id) return std::string(s.title);
  return std::string(id);
}

std::string escape_dot(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out;
}

// Mermaid labels: no colons or quotes inside a transition label.
std::string escape_mermaid(std::string_view text) {
  std::string out;
  for (char ch : text) out += (ch == ':' || ch == '"' || ch == ';') ? ' ' : ch;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Mermaid

class MermaidWriter {
 public:
  explicit MermaidWriter(const Highlight* h) : h_(h) {}

  std::string write() {
    out_ << "stateDiagram-v2\n";
    if (h_ && !h_->title.empty()) out_ << "  %% " << h_->title << "\n";
    out_ << "  direction TB\n";
    for (const auto& top : children("")) node(top, "  ");
    edges_inside("", "  ");
    for (const auto& top : children(""))
      if (is_terminal(top)) out_ << "  " << node_id(top) << " --> [*]\n";
    if (h_) {
      out_ << "  classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px,color:#000\n";
      out_ << "  classDef visited fill:#c8e6c9,stroke:#2e7d32,color:#000\n";
      for (const auto& [leaf, n] : h_->visited)
        if (std::find(h_->current.begin(), h_->current.end(), leaf) == h_->current.end() &&
            !is_composite(leaf))
          out_ << "  class " << node_id(leaf) << " visited\n";
      for (const auto& leaf : h_->current) out_ << "  class " << node_id(leaf) << " current\n";
    }
    return out_.str();
  }

 private:
  // A state with what lies in it; the regions of a composite are separated by `--`.
  void node(const std::string& path, const std::string& indent) {
    const auto kids = children(path);
    if (kids.empty()) {
      out_ << indent << "state \"" << last_segment(path) << "\" as " << node_id(path) << "\n";
      return;
    }
    out_ << indent << "state " << node_id(path) << " {\n";
    const bool regions = has_regions(path);
    for (std::size_t i = 0; i < kids.size(); ++i) {
      if (regions && i) out_ << indent << "  --\n";
      node(kids[i], indent + "  ");
    }
    if (!regions) edges_inside(path, indent + "  ");
    out_ << indent << "}\n";
  }

  // The edges drawn in `scope` ("" = top level). Mermaid cannot draw a transition between states
  // of different composites, so each end is lifted to the ancestor that lies directly in the
  // innermost composite containing both (Intake.SalesReview → Evaluation is drawn Intake →
  // Evaluation); the label keeps the event and guard.
  void edges_inside(const std::string& scope, const std::string& indent) {
    const auto& all = edges();
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Edge& e = all[i];
      std::string from, to, where;
      if (e.from.rfind("[*]", 0) == 0) {
        where = e.from.substr(3);
        from = "[*]";
        to = node_id(e.to);
      } else {
        const auto a = chain(e.from), b = chain(e.to);
        std::size_t k = 0;
        while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
        if (k == a.size() || k == b.size()) k = std::min(a.size(), b.size()) - 1;  // self-loop
        where = k == 0 ? std::string() : a[k - 1];
        from = node_id(a[k]);
        to = node_id(b[k]);
      }
      if (where != scope) continue;
      std::string label = edge_label(e);
      if (h_) {
        auto it = h_->taken.find(i);
        if (it != h_->taken.end())
          label += it->second > 1 ? " ✔×" + std::to_string(it->second) : std::string(" ✔");
      }
      out_ << indent << from << " --> " << to;
      if (!label.empty()) out_ << " : " << escape_mermaid(label);
      out_ << "\n";
    }
  }

  // A path and its ancestors, outermost first: Running, Evaluation, Evaluation.Technical, ...
  static std::vector<std::string> chain(const std::string& path) {
    std::vector<std::string> out;
    for (std::string_view p = path; !p.empty(); p = parent_of(p)) out.emplace_back(p);
    std::reverse(out.begin(), out.end());
    return out;
  }

  const Highlight* h_;
  std::ostringstream out_;
};

// ---------------------------------------------------------------------------------------------
// DOT

class DotWriter {
 public:
  explicit DotWriter(const Highlight* h) : h_(h) {}

  std::string write() {
    out_ << "digraph undertake {\n"
            "  graph [compound=true, rankdir=TB, newrank=true, fontname=\"Helvetica\", "
            "fontsize=12, nodesep=0.3, ranksep=0.35";
    if (h_ && !h_->title.empty())
      out_ << ", label=\"" << escape_dot(h_->title) << "\", labelloc=t, fontsize=16";
    out_ << "];\n"
            "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", "
            "fontsize=10, height=0.3];\n"
            "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#607d8b\", "
            "fontcolor=\"#37474f\"];\n";
    out_ << "  start [shape=point, width=0.15, fillcolor=black];\n";
    for (const auto& top : children("")) {
      if (is_composite(top)) {
        cluster(top, "  ");
        continue;
      }
      out_ << "  " << node_id(top) << " [label=\"" << last_segment(top) << "\"";
      if (is_terminal(top)) out_ << ", shape=box, peripheries=2";
      style_node(top);
      out_ << "];\n";
    }
    const auto& all = edges();
    for (std::size_t i = 0; i < all.size(); ++i) edge(i, all[i]);
    if (h_) legend();
    out_ << "}\n";
    return out_.str();
  }

 private:
  // A composite as a cluster: the top-level one (Running) dashed, a stage filled (highlighted
  // when the case is in it), a region dashed inside its stage.
  void cluster(const std::string& path, const std::string& indent) {
    const auto* s = state_of(path);
    out_ << indent << "subgraph cluster_" << node_id(path) << " {\n" << indent << "  label=\"";
    if (s->kind == Kind::region) {
      out_ << last_segment(path) << "\"; style=\"dashed\"; color=\"#b0bec5\";\n";
    } else if (s->parent.empty()) {
      out_ << escape_dot(path) << " (stages keep history for case.resume)\"; "
           << "style=\"rounded,dashed\"; color=\"#90a4ae\";\n";
    } else {
      out_ << escape_dot(stage_title(path)) << "\"; style=\"rounded,filled\"; fillcolor=\""
           << (h_ && in(h_->current, path) ? "#fff8e1" : "#f5f7fa") << "\"; color=\"#78909c\";\n";
    }
    for (const auto& kid : children(path)) {
      if (is_composite(kid)) {
        cluster(kid, indent + "  ");
      } else {
        out_ << indent << "  " << node_id(kid) << " [label=\"" << last_segment(kid) << "\"";
        style_node(kid);
        out_ << "];\n";
      }
    }
    out_ << indent << "}\n";
  }

  void style_node(const std::string& path) {
    if (!h_) return;
    if (std::find(h_->current.begin(), h_->current.end(), path) != h_->current.end()) {
      out_ << ", fillcolor=\"#ffd54f\", color=\"#e65100\", penwidth=3";
    } else if (auto it = h_->visited.find(path); it != h_->visited.end()) {
      out_ << ", fillcolor=\"#c8e6c9\", color=\"#2e7d32\"";
      if (it->second > 1) out_ << ", xlabel=\"×" << it->second << "\"";
    }
  }

  // An edge end: a leaf node, or a cluster reached through its anchor leaf.
  struct End {
    std::string node;
    std::string cluster;  // empty for a leaf
  };
  static End end_of(const std::string& path) {
    if (is_composite(path)) return {node_id(anchor(path)), "cluster_" + node_id(path)};
    return {node_id(path), ""};
  }

  // The process starts in the initial state of the initial state of ...: the start point points
  // at the innermost composite it enters (Intake), as composites start in their first substate.
  static End start_target() {
    std::string path = "", composite;
    for (;;) {
      const auto kids = children(path);
      auto initial = std::find_if(kids.begin(), kids.end(),
                                  [](const std::string& k) { return state_of(k)->initial; });
      if (initial == kids.end()) break;
      if (is_composite(path)) composite = path;
      path = *initial;
    }
    return {node_id(path), composite.empty() ? "" : "cluster_" + node_id(composite)};
  }

  // Leaving the process's flow from a stage or from all of them (rejection, cancellation,
  // suspension and back) is dashed; ending it from a state of work (closing) is not.
  static bool dashed(const Edge& e) {
    const auto outside = [](const std::string& p) {
      const auto* s = state_of(p);
      return s && s->parent.empty() && s->kind == Kind::leaf;
    };
    return (outside(e.to) && is_composite(e.from)) || outside(e.from);
  }

  void edge(std::size_t index, const Edge& e) {
    End to = end_of(e.to);
    End from;
    if (e.from.rfind("[*]", 0) == 0) {
      if (e.from != "[*]") return;  // composites start in their first substate (drawn first)
      from = {"start", ""};
      to = start_target();
    } else {
      from = end_of(e.from);
    }
    // A stage with regions is entered in every region at once: invisible edges to each region's
    // first state keep the regions side by side, below the stage they are entered from.
    if (!to.cluster.empty() && e.from != "[*]" && has_regions(e.to))
      for (const auto& region : children(e.to))
        if (node_id(anchor(region)) != to.node)
          out_ << "  " << from.node << " -> " << node_id(anchor(region)) << " [style=invis];\n";
    out_ << "  " << from.node << " -> " << to.node << " [";
    std::vector<std::string> attrs;
    std::string label = edge_label(e);
    int count = 0;
    if (h_)
      if (auto it = h_->taken.find(index); it != h_->taken.end()) count = it->second;
    if (count > 1) label += "  ×" + std::to_string(count);
    if (!label.empty()) attrs.push_back("label=\"" + escape_dot(label) + "\"");
    const bool self = from.node == to.node && from.cluster == to.cluster;
    if (!self) {
      if (!from.cluster.empty()) attrs.push_back("ltail=" + from.cluster);
      if (!to.cluster.empty()) attrs.push_back("lhead=" + to.cluster);
    }
    if (dashed(e)) attrs.push_back("style=dashed");
    if (count > 0) attrs.push_back("color=\"#2e7d32\", fontcolor=\"#1b5e20\", penwidth=2.5");
    for (std::size_t i = 0; i < attrs.size(); ++i) out_ << (i ? ", " : "") << attrs[i];
    out_ << "];\n";
  }

  void legend() {
    out_ << "  subgraph cluster_legend {\n    label=\"Legend\"; style=\"rounded\"; "
            "color=\"#b0bec5\";\n"
            "    legend_current [label=\"where the case is\", fillcolor=\"#ffd54f\", "
            "color=\"#e65100\", "
            "penwidth=3];\n"
            "    legend_visited [label=\"visited (×n: loops)\", fillcolor=\"#c8e6c9\", "
            "color=\"#2e7d32\"];\n"
            "    legend_current -> legend_visited [label=\"taken\", color=\"#2e7d32\", "
            "penwidth=2.5];\n";
    if (h_->escalations)
      out_ << "    legend_escalations [label=\"" << h_->escalations
           << " deadline escalation(s)\", shape=note, fillcolor=\"#ffcdd2\"];\n";
    out_ << "  }\n";
  }

  const Highlight* h_;
  std::ostringstream out_;
};

}  // namespace

std::optional<Format> format_from_name(std::string_view name) noexcept {
  if (name == "mermaid" || name == "mmd") return Format::mermaid;
  if (name == "dot" || name == "graphviz") return Format::dot;
  return std::nullopt;
}

const std::vector<Edge>& edges() {
  static const std::vector<Edge> all = build_edges();
  return all;
}

const std::vector<std::string>& states() {
  return detail::ProcessMachine::all_state_paths();
}

Highlight trace(const CaseLedger& ledger) {
  Highlight h;
  std::vector<std::string> config = detail::ProcessMachine().configuration();  // where cases start
  for (const auto& leaf : config) h.visited[leaf] = 1;
  const auto& all = edges();
  for (const auto& entry : ledger.entries) {
    if (entry.kind == EntryKind::escalation) {
      ++h.escalations;
      continue;
    }
    const std::string name(event_name(entry.event));
    bool matched = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Edge& e = all[i];
      // A completion transition follows whichever event completed the work.
      if (e.completion.empty() &&
          std::find(e.events.begin(), e.events.end(), name) == e.events.end())
        continue;
      if (!in(config, e.from) || !in(entry.state, e.to)) continue;
      // A self-loop is taken only when the configuration did not move away from it.
      ++h.taken[i];
      matched = true;
    }
    if (!matched) h.unmatched.push_back(entry.seq);
    for (const auto& leaf : entry.state)
      if (std::find(config.begin(), config.end(), leaf) == config.end()) ++h.visited[leaf];
    config = entry.state;
  }
  h.current = config;
  return h;
}

Highlight highlight(const Case& c) {
  Highlight h = trace(c.case_ledger());
  h.current = c.state();
  std::string customer;
  if (const auto* data = c.record().if_contains("data"); data && data->is_object())
    if (const auto* cu = data->get_object().if_contains("customer"); cu && cu->is_object())
      if (const auto* name = cu->get_object().if_contains("name"); name && name->is_string())
        customer = std::string(name->get_string());
  h.title = "Case " + c.id() + (customer.empty() ? "" : " · " + customer) + " · now in " +
            c.stage() + " · " + std::to_string(c.revision()) + " ledger entries";
  return h;
}

std::string render(Format format, const Highlight* highlight) {
  return format == Format::mermaid ? MermaidWriter(highlight).write()
                                   : DotWriter(highlight).write();
}

}  // namespace diagram
UNDERTAKE_END_NAMESPACE
