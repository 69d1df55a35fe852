// The subcommands of the `undertake` tool; each lives in its own cmd_*.cpp file and registers
// itself on the app. A command's callback sets the process exit status through `exit_status`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace undertake::cli {

struct Context {
  int exit_status = 0;
  std::string
      db;  ///< --db FILE (or $UNDERTAKE_DB): the SQLite case store; registered by add_case_command
};

void add_run_command(CLI::App& app, Context& ctx);         // scenarios (process, rules, KPIs)
void add_jsonlogic_commands(CLI::App& app, Context& ctx);  // `jsonlogic` suites and `eval`
void add_kpi_command(CLI::App& app, Context& ctx);         // `kpi` report over ledger files

void add_check_command(CLI::App& app, Context& ctx);  // `check RULES_DIR`: every problem
void add_test_command(CLI::App& app, Context& ctx);   // `test RULES_DIR TESTS...`: rule tests

void add_case_command(CLI::App& app,
                      Context& ctx);  // `case new|fire|show|history|available|tick|list` (--db)
void add_diagram_command(CLI::App& app,
                         Context& ctx);              // `diagram [--case ID] --format mermaid|dot`
void add_demo_command(CLI::App& app, Context& ctx);  // `demo`: a simulated quarter and its report

}  // namespace undertake::cli
