// The subcommands of the `undertake` tool; each lives in its own cmd_*.cpp file and registers
// itself on the app. A command's callback sets the process exit status through `exit_status`.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "undertake/ledger.hpp"

namespace undertake::cli {

struct Context {
  int exit_status = 0;
  /// --db URI (or $UNDERTAKE_DB): the case store, `sqlite:PATH` or a plain path; registered by
  /// add_case_command
  std::string db;
};

void add_run_command(CLI::App& app, Context& ctx);         // scenarios (process, rules, KPIs)
void add_jsonlogic_commands(CLI::App& app, Context& ctx);  // `jsonlogic` suites and `eval`
void add_kpi_command(CLI::App& app, Context& ctx);         // `kpi` report over ledger files
void add_quality_command(CLI::App& app, Context& ctx);     // `quality` report (policy §二(七)2)

/// The ledgers `kpi` and `quality` report on: scenario files (run through the engine), ledger
/// files, and with --db the stored cases. `command` names the command in errors.
std::vector<CaseLedger> read_case_ledgers(const Context& ctx, const std::vector<std::string>& files,
                                          const std::string& policy, const char* command);

void add_check_command(CLI::App& app, Context& ctx);  // `check RULES_DIR`: every problem
void add_test_command(CLI::App& app, Context& ctx);   // `test RULES_DIR TESTS...`: rule tests

void add_case_command(CLI::App& app,
                      Context& ctx);  // `case new|fire|show|history|available|tick|list` (--db)
void add_inbox_command(CLI::App& app, Context& ctx);    // `inbox --as ID:ROLE`: a worklist (--db)
void add_changes_command(CLI::App& app, Context& ctx);  // `changes [--follow]`: the change feed
void add_verify_command(CLI::App& app, Context& ctx);   // `verify ID...|--all`: the audit (--db)
void add_store_command(CLI::App& app, Context& ctx);    // `store check|migrate` (SQLite --db)
void add_diagram_command(CLI::App& app,
                         Context& ctx);               // `diagram [--case ID] --format mermaid|dot`
void add_demo_command(CLI::App& app, Context& ctx);   // `demo`: a simulated quarter and its report
void add_serve_command(CLI::App& app, Context& ctx);  // `serve`: the HTTP API and console (--db)

}  // namespace undertake::cli
