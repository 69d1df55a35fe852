// The subcommands of the `undertake` tool; each lives in its own cmd_*.cpp file and registers
// itself on the app. A command's callback sets the process exit status through `exit_status`.
#pragma once

#include <CLI/CLI.hpp>

namespace undertake::cli {

struct Context {
  int exit_status = 0;
};

void add_run_command(CLI::App& app, Context& ctx);        // scenarios (process, rules, KPIs)
void add_jsonlogic_commands(CLI::App& app, Context& ctx);  // `jsonlogic` suites and `eval`
void add_kpi_command(CLI::App& app, Context& ctx);         // `kpi` report over ledger files
void add_check_command(CLI::App& app, Context& ctx);       // `check RULES_DIR`: every problem
void add_test_command(CLI::App& app, Context& ctx);        // `test RULES_DIR TESTS...`: rule tests

}  // namespace undertake::cli
