// The process as a graph, and its Mermaid and DOT renderings (diagram.hpp).
#include "diagram/diagram.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "process/process_machine.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace diagram {
namespace {

struct StageInfo {
  std::string_view id;
  std::string_view title;  // the policy's name (§二)
};

constexpr StageInfo kStages[] = {
    {"Intake", "客戶需求溝通 Intake"},      {"Evaluation", "項目評估 Evaluation"},
    {"Contract", "合同簽訂 Contract"},      {"Kickoff", "項目啟動 Kickoff"},
    {"Design", "產品設計與開發 Design"},    {"Preparation", "生產準備 Preparation"},
    {"Production", "產品生產 Production"},  {"Delivery", "產品交付 Delivery"},
    {"AfterSales", "售後服務 After-sales"},
};
constexpr std::string_view kOutside[] = {"Suspended", "Closed", "Rejected", "Cancelled"};

using Events = std::vector<std::string>;

std::vector<Edge> build_edges() {
  const Events prep_production{"prep.materials", "prep.equipment", "prep.training",
                               "prep.instructions"};
  Events prep_all = prep_production;
  prep_all.insert(prep_all.end(), {"prep.incoming_inspection", "prep.inspection_plan"});
  return {
      // Intake
      {"[*]Intake", "Intake.Registered", {}, ""},
      {"Intake.Registered", "Intake.Registered", {"intake.register"}, "update form"},
      {"Intake.Registered", "Intake.SalesReview", {"intake.forward"}, ""},
      {"Intake.SalesReview", "Intake.StrategyMeeting", {"intake.confirm"}, "key customer or ≥ 1M"},
      {"Intake.SalesReview", "Evaluation", {"intake.confirm"}, "requirement complete"},
      {"Intake.StrategyMeeting", "Evaluation", {"intake.strategy_meeting"}, ""},
      // Evaluation: four regions, joined by the approval gate
      {"[*]Evaluation.Commercial", "Evaluation.Commercial.Quoting", {}, ""},
      {"Evaluation.Commercial.Quoting", "Evaluation.Commercial.Quoted", {"evaluation.quote"}, ""},
      {"Evaluation.Commercial.Quoted",
       "Evaluation.Commercial.Quoted",
       {"evaluation.quote"},
       "requote"},
      {"[*]Evaluation.Technical", "Evaluation.Technical.Assessing", {}, ""},
      {"Evaluation.Technical.Assessing",
       "Evaluation.Technical.Assessed",
       {"evaluation.technical"},
       ""},
      {"Evaluation.Technical.Assessed",
       "Evaluation.Technical.Assessed",
       {"evaluation.technical"},
       "reassess"},
      {"[*]Evaluation.Capacity", "Evaluation.Capacity.Checking", {}, ""},
      {"Evaluation.Capacity.Checking", "Evaluation.Capacity.Checked", {"evaluation.capacity"}, ""},
      {"Evaluation.Capacity.Checked",
       "Evaluation.Capacity.Checked",
       {"evaluation.capacity"},
       "recheck"},
      {"[*]Evaluation.QualityRisk", "Evaluation.QualityRisk.Assessing", {}, ""},
      {"Evaluation.QualityRisk.Assessing",
       "Evaluation.QualityRisk.Assessed",
       {"evaluation.quality"},
       ""},
      {"Evaluation.QualityRisk.Assessed",
       "Evaluation.QualityRisk.Assessed",
       {"evaluation.quality"},
       "reassess"},
      {"Evaluation",
       "Contract",
       {"evaluation.approve"},
       "all regions done; feasible, margin, risks"},
      {"Evaluation", "Rejected", {"evaluation.reject"}, ""},
      // Contract
      {"[*]Contract", "Contract.Negotiation", {}, ""},
      {"Contract.Negotiation", "Contract.Drafting", {"contract.draft"}, ""},
      {"Contract.Drafting", "Contract.Drafting", {"contract.draft"}, "redraft"},
      {"Contract.Drafting", "Contract.LegalReview", {"contract.submit"}, ""},
      {"Contract.LegalReview", "Contract.Revision", {"contract.legal_reject"}, ""},
      {"Contract.Revision", "Contract.LegalReview", {"contract.revise"}, ""},
      {"Contract.LegalReview", "Contract.AwaitingSignature", {"contract.legal_approve"}, ""},
      {"Contract.LegalReview", "Contract.LegalReview", {"contract.approve"}, "management approval"},
      {"Contract.AwaitingSignature",
       "Contract.AwaitingSignature",
       {"contract.approve"},
       "management approval"},
      {"Contract.AwaitingSignature", "Contract.LegalReview", {"contract.revise"}, "approvals void"},
      {"Contract.AwaitingSignature",
       "Contract.Signed",
       {"contract.sign"},
       "legal ok; authority matrix"},
      {"Contract.Signed", "Kickoff", {"contract.archive"}, "ledger row, copies"},
      // Kickoff
      {"[*]Kickoff", "Kickoff.Meeting", {}, ""},
      {"Kickoff.Meeting", "Kickoff.TaskAssignment", {"kickoff.meeting"}, ""},
      {"Kickoff.TaskAssignment", "Kickoff.TaskAssignment", {"kickoff.assign"}, "a department"},
      {"Kickoff.TaskAssignment", "Design", {"kickoff.assign"}, "all assigned; custom product"},
      {"Kickoff.TaskAssignment",
       "Preparation",
       {"kickoff.assign"},
       "all assigned; standard product"},
      // Design
      {"[*]Design", "Design.Designing", {}, ""},
      {"Design.Designing", "Design.DesignReview", {"design.submit"}, ""},
      {"Design.DesignReview", "Design.SampleMaking", {"design.review"}, "passed"},
      {"Design.DesignReview", "Design.Designing", {"design.review"}, "rework"},
      {"Design.SampleMaking", "Design.SampleTesting", {"sample.build"}, ""},
      {"Design.SampleTesting", "Design.CustomerConfirmation", {"sample.test"}, "passed"},
      {"Design.SampleTesting", "Design.SampleMaking", {"sample.test"}, "fix"},
      {"Design.CustomerConfirmation", "Design.SampleMaking", {"sample.confirm"}, "optimise"},
      {"Design.CustomerConfirmation", "Preparation", {"sample.confirm"}, "accepted"},
      // Preparation: production and quality regions, joined when both are ready
      {"[*]Preparation.Production", "Preparation.Production.Preparing", {}, ""},
      {"Preparation.Production.Preparing", "Preparation.Production.Preparing", prep_production,
       "one of four"},
      {"Preparation.Production.Preparing", "Preparation.Production.Ready", prep_production,
       "all four done"},
      {"[*]Preparation.Quality", "Preparation.Quality.IncomingInspection", {}, ""},
      {"Preparation.Quality.IncomingInspection",
       "Preparation.Quality.IncomingInspection",
       {"prep.incoming_inspection"},
       "failed"},
      {"Preparation.Quality.IncomingInspection",
       "Preparation.Quality.InspectionPlanning",
       {"prep.incoming_inspection"},
       "passed"},
      {"Preparation.Quality.InspectionPlanning",
       "Preparation.Quality.Ready",
       {"prep.inspection_plan"},
       ""},
      {"Preparation", "Production", prep_all, "both regions ready"},
      // Production
      {"[*]Production", "Production.Producing", {}, ""},
      {"Production.Producing", "Production.Inspection", {"production.report"}, "batch"},
      {"Production.Inspection", "Production.Producing", {"production.inspect"}, "passed"},
      {"Production.Inspection",
       "Production.Rectification",
       {"production.inspect"},
       "nonconforming"},
      {"Production.Rectification", "Production.Inspection", {"production.rectify"}, ""},
      {"Production.Producing", "Delivery", {"production.complete"}, "planned quantity passed"},
      // Delivery
      {"[*]Delivery", "Delivery.Packing", {}, ""},
      {"Delivery.Packing", "Delivery.Packed", {"delivery.pack"}, ""},
      {"Delivery.Packed", "Delivery.Shipped", {"delivery.ship"}, "contract date and method"},
      {"Delivery.Shipped", "AfterSales", {"delivery.confirm"}, "customer receipt"},
      // After-sales with the complaint loop
      {"[*]AfterSales", "AfterSales.Service", {}, ""},
      {"AfterSales.Service", "AfterSales.Service", {"service.feedback"}, "revisit"},
      {"AfterSales.Service", "AfterSales.Complaint", {"service.complaint"}, ""},
      {"AfterSales.Complaint", "AfterSales.Investigation", {"service.investigate"}, ""},
      {"AfterSales.Investigation", "AfterSales.Resolution", {"service.resolve"}, ""},
      {"AfterSales.Resolution", "AfterSales.Service", {"service.verify"}, "satisfied"},
      {"AfterSales.Resolution", "AfterSales.Investigation", {"service.verify"}, "not satisfied"},
      {"AfterSales.Service", "Closed", {"case.close"}, "no open complaint"},
      // Cross-cutting
      {"[*]Running", "Intake", {}, ""},
      {"Running", "Running", {"evaluation.risks", "case.handover"}, "risk register, handover"},
      {"Running", "Running", {"project.progress_meeting"}, "progress meeting: kickoff to delivery"},
      {"Running", "Running", {"service.customer_meeting"}, "customer meeting: signed to close"},
      {"Running", "Suspended", {"case.suspend"}, "reason"},
      {"Suspended", "Running", {"case.resume"}, "history: back to the exact substates"},
      {"Suspended", "Suspended", {"case.handover"}, "handover"},
      {"Running", "Cancelled", {"case.cancel"}, "before delivery; reason"},
      {"Suspended", "Cancelled", {"case.cancel"}, "suspended before delivery"},
  };
}

bool is_outside(std::string_view leaf) {
  return std::find(std::begin(kOutside), std::end(kOutside), leaf) != std::end(kOutside);
}

// Whether the configuration contains `path` (or a state below it); `Running` stands for any stage.
bool in(const std::vector<std::string>& config, std::string_view path) {
  for (const auto& s : config) {
    if (path == "Running") {
      if (!is_outside(s)) return true;
      continue;
    }
    if (s == path ||
        (s.size() > path.size() && s.compare(0, path.size(), path) == 0 && s[path.size()] == '.'))
      return true;
  }
  return false;
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
  if (!e.guard.empty()) label += (label.empty() ? "" : " ") + std::string("[") + e.guard + "]";
  return label;
}

// The children of a composite path among the drawn states, in declared order.
std::vector<std::string> children(std::string_view parent) {
  std::vector<std::string> out;
  for (const auto& s : states()) {
    if (s.size() <= parent.size() + 1 || s.compare(0, parent.size(), parent) != 0 ||
        s[parent.size()] != '.')
      continue;
    if (s.find('.', parent.size() + 1) == std::string::npos) out.push_back(s);
  }
  return out;
}

bool is_composite(std::string_view path) {
  return !children(path).empty();
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

std::string stage_title(std::string_view id) {
  for (const auto& s : kStages)
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
    out_ << "  state Running {\n";
    for (std::size_t i = 0; i < std::size(kStages); ++i) stage(kStages[i].id, "    ");
    edges_inside("Running", "    ");
    out_ << "  }\n";
    for (auto o : kOutside) out_ << "  state \"" << o << "\" as " << o << "\n";
    edges_inside("", "  ");
    out_ << "  Closed --> [*]\n  Rejected --> [*]\n  Cancelled --> [*]\n";
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
  void stage(std::string_view id, const std::string& indent) {
    out_ << indent << "state " << node_id(id) << " {\n";
    const auto kids = children(id);
    const bool regions = !kids.empty() && is_composite(kids.front());
    if (regions) {
      for (std::size_t i = 0; i < kids.size(); ++i) {
        if (i) out_ << indent << "  --\n";
        out_ << indent << "  state " << node_id(kids[i]) << " {\n";
        for (const auto& leaf : children(kids[i]))
          out_ << indent << "    state \"" << last_segment(leaf) << "\" as " << node_id(leaf)
               << "\n";
        edges_inside(kids[i], indent + "    ");
        out_ << indent << "  }\n";
      }
    } else {
      for (const auto& leaf : kids)
        out_ << indent << "  state \"" << last_segment(leaf) << "\" as " << node_id(leaf) << "\n";
      edges_inside(std::string(id), indent + "  ");
    }
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
    if (path == "Running" || is_outside(path)) return {path};
    std::vector<std::string> out{"Running"};
    for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
      out.push_back(path.substr(0, dot));
    out.push_back(path);
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
    out_ << "  subgraph cluster_Running {\n    label=\"Running (stages keep history for "
            "case.resume)\"; "
            "style=\"rounded,dashed\"; color=\"#90a4ae\";\n";
    for (const auto& s : kStages) stage(s.id);
    out_ << "  }\n";
    for (auto o : kOutside) {
      out_ << "  " << o << " [label=\"" << o << "\"";
      if (o != "Suspended") out_ << ", shape=box, peripheries=2";
      style_node(std::string(o));
      out_ << "];\n";
    }
    const auto& all = edges();
    for (std::size_t i = 0; i < all.size(); ++i) edge(i, all[i]);
    if (h_) legend();
    out_ << "}\n";
    return out_.str();
  }

 private:
  void stage(std::string_view id) {
    const std::string sid(id);
    out_ << "    subgraph cluster_" << node_id(sid) << " {\n      label=\""
         << escape_dot(stage_title(sid)) << "\"; style=\"rounded,filled\"; fillcolor=\""
         << (h_ && in(h_->current, sid) ? "#fff8e1" : "#f5f7fa") << "\"; color=\"#78909c\";\n";
    const auto kids = children(sid);
    const bool regions = !kids.empty() && is_composite(kids.front());
    if (regions) {
      for (const auto& region : kids) {
        out_ << "      subgraph cluster_" << node_id(region) << " {\n        label=\""
             << last_segment(region) << "\"; style=\"dashed\"; color=\"#b0bec5\";\n";
        for (const auto& leaf : children(region)) leaf_node(leaf, "        ");
        out_ << "      }\n";
      }
    } else {
      for (const auto& leaf : kids) leaf_node(leaf, "      ");
    }
    out_ << "    }\n";
  }

  void leaf_node(const std::string& path, const std::string& indent) {
    out_ << indent << node_id(path) << " [label=\"" << last_segment(path) << "\"";
    style_node(path);
    out_ << "];\n";
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
    if (path == "Running") return {node_id(anchor("Intake")), "cluster_Running"};
    if (is_outside(path)) return {path, ""};
    if (is_composite(path)) return {node_id(anchor(path)), "cluster_" + node_id(path)};
    return {node_id(path), ""};
  }

  void edge(std::size_t index, const Edge& e) {
    End to = end_of(e.to);
    End from;
    if (e.from.rfind("[*]", 0) == 0) {
      const std::string parent = e.from.substr(3);
      if (parent != "Running") return;  // composites start in their first substate (drawn first)
      from = {"start", ""};
      to = {node_id("Intake.Registered"), "cluster_Intake"};
    } else {
      from = end_of(e.from);
    }
    // A stage with regions is entered in every region at once: invisible edges to each region's
    // first state keep the regions side by side, below the stage they are entered from.
    if (!to.cluster.empty() && e.to != "Running")
      for (const auto& region : children(e.to))
        if (is_composite(region) && node_id(anchor(region)) != to.node)
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
    if (e.to == "Suspended" || e.from == "Suspended" || e.to == "Cancelled" || e.to == "Rejected")
      attrs.push_back("style=dashed");
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
  std::vector<std::string> config{"Intake.Registered"};
  h.visited["Intake.Registered"] = 1;
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
      if (std::find(e.events.begin(), e.events.end(), name) == e.events.end()) continue;
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
