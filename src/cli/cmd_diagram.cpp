// `undertake diagram [--case ID] [--format mermaid|dot] [-o FILE] [--svg FILE]`: the process as a
// diagram; with --case (from the --db store), where that case is and the path it took.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "diagram/diagram.hpp"
#include "undertake/error.hpp"

namespace undertake::cli {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

/// Renders DOT text to SVG with Graphviz's `dot`; Error(io) when dot is missing or fails.
void render_svg(const std::string& dot_text, const std::string& svg_path) {
  const std::string dot_path = svg_path + ".dot.tmp";
  {
    std::ofstream out(dot_path, std::ios::binary);
    if (!out) throw Error(ErrorKind::io, dot_path, "cannot write the file");
    out << dot_text;
  }
  const std::string command = "dot -Tsvg " + quoted(dot_path) + " -o " + quoted(svg_path) + " 2>&1";
  const int rc = std::system(command.c_str());
  std::error_code ec;
  std::filesystem::remove(dot_path, ec);
  if (rc != 0)
    throw Error(ErrorKind::io, svg_path,
                "Graphviz `dot` failed or is not installed (apt-get install graphviz); use "
                "--format dot and render it elsewhere");
}

void add_diagram_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string case_id, format = "mermaid", output, svg, rules;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("diagram",
                                 "Draw the process (stages, substates, regions, loops); with "
                                 "--case, where a case is and its path");
  cmd->add_option("--case", o->case_id, "Highlight this case of the --db store");
  cmd->add_option("--format", o->format, "mermaid (default) or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  cmd->add_option("-o,--output", o->output, "Write the diagram text to FILE (default: stdout)");
  cmd->add_option("--svg", o->svg, "Also render an SVG with Graphviz (implies the DOT form)");
  cmd->add_option("--rules", o->rules, "Rules directory or policy file of the stored cases");
  cmd->callback([o, &ctx] {
    diagram::Highlight h;
    const diagram::Highlight* highlight = nullptr;
    if (!o->case_id.empty()) {
      auto store = open_store(ctx, false);
      auto engine = open_engine(o->rules);
      h = diagram::highlight(load_case(*store, *engine, o->case_id));
      highlight = &h;
    }
    const auto format = *diagram::format_from_name(o->format);
    const std::string text = diagram::render(format, highlight);
    if (o->output.empty()) {
      if (o->svg.empty() || format == diagram::Format::mermaid) std::cout << text;
    } else {
      std::ofstream out(o->output, std::ios::binary);
      if (!out) throw Error(ErrorKind::io, o->output, "cannot write the file");
      out << text;
    }
    if (!o->svg.empty()) {
      render_svg(
          format == diagram::Format::dot ? text : diagram::render(diagram::Format::dot, highlight),
          o->svg);
      std::cerr << "wrote " << o->svg << "\n";
    }
  });
}

}  // namespace undertake::cli
