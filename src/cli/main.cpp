// `undertake`: the command-line face of the engine, for process owners and for scripts.
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/terminal.hpp"
#include "undertake/error.hpp"

int main(int argc, char** argv) {
  const undertake::cli::TerminalGuard terminal;  // no control character from input reaches it
  CLI::App app{"undertake — product undertaking process engine"};
  app.require_subcommand(1);
  undertake::cli::Context ctx;
  undertake::cli::add_run_command(app, ctx);
  undertake::cli::add_jsonlogic_commands(app, ctx);
  undertake::cli::add_case_command(app, ctx);  // registers the global --db option (ctx.db)
  undertake::cli::add_inbox_command(app, ctx);
  undertake::cli::add_changes_command(app, ctx);
  undertake::cli::add_verify_command(app, ctx);
  undertake::cli::add_store_command(app, ctx);
  undertake::cli::add_kpi_command(app, ctx);
  undertake::cli::add_quality_command(app, ctx);
  undertake::cli::add_diagram_command(app, ctx);
  undertake::cli::add_demo_command(app, ctx);
  undertake::cli::add_serve_command(app, ctx);
  undertake::cli::add_check_command(app, ctx);
  undertake::cli::add_test_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {  // undertake::Error and the others alike: one line
    std::cerr << "undertake: " << undertake::cli::one_line(e.what()) << "\n";
    return 2;
  }
  return ctx.exit_status;
}
