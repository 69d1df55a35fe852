// Diagrams of the process (design.md §2): stages, substates, orthogonal regions, loops and the
// cross-cutting suspend/resume/cancel transitions, as Mermaid (stateDiagram-v2) or Graphviz DOT.
// For a case, the diagram highlights where it is now and the path it took (states visited and
// transitions taken, with counts for loops).
//
// The graph is generated from the Boost.MSM machine in src/process/process_machine.cpp (its
// transition tables, walked at compile time: ProcessMachine::description()); nothing of it is
// written here. tests/unit/process_description_test.cpp proves the drawing has exactly the
// machine's states and transitions, and that the machine does what its description says.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/ledger.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace diagram {

enum class Format { mermaid, dot };
std::optional<Format> format_from_name(std::string_view name) noexcept;

/// A transition of the drawing. `from`/`to` are state paths (`Contract.LegalReview`), a stage or
/// region composite (`Evaluation`), `Running` (any of the nine stages), or `[*]` + path for the
/// initial pseudo-state of a composite (`[*]Intake`; `[*]` alone: the process's).
struct Edge {
  std::string from;
  std::string to;
  /// Events that take it (empty: an initial or a completion transition).
  std::vector<std::string> events;
  std::string guard;       ///< shown as [guard]
  std::string completion;  ///< what completes, for a completion transition (any event's settle)
};

/// Every transition drawn, in a stable order (indexes are used by Highlight): generated from the
/// machine's description (ProcessMachine::description()), transitions with the same ends and
/// guard on one edge.
const std::vector<Edge>& edges();

/// The states drawn: every path of ProcessMachine::all_state_paths().
const std::vector<std::string>& states();

/// What to highlight for a case.
struct Highlight {
  std::string title;                   ///< e.g. `SO-1 · Hengda Machinery · Contract`
  std::vector<std::string> current;    ///< the active configuration
  std::map<std::string, int> visited;  ///< leaf path → times entered
  std::map<std::size_t, int> taken;    ///< edge index → times taken
  std::size_t escalations = 0;         ///< escalation entries in the ledger
  /// Ledger entries whose transition the graph does not show (should be none).
  std::vector<std::uint64_t> unmatched;
};

/// The path of a ledger: states visited and transitions taken.
Highlight trace(const CaseLedger& ledger);
/// trace() of the case plus its current configuration and a title.
Highlight highlight(const Case& c);

/// The diagram text; with a highlight, the case's position and path are marked.
std::string render(Format format, const Highlight* highlight = nullptr);

}  // namespace diagram
UNDERTAKE_END_NAMESPACE
