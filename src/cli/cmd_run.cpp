// `undertake run SCENARIO.json...`: runs scenario files and counts their expectations.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/scenario.hpp"
#include "undertake/error.hpp"

namespace undertake::cli {

void add_run_command(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("run", "Run scenario files: create cases, fire steps, check expectations");
  static std::vector<std::string> files;
  static bool verbose = false;
  cmd->add_option("scenarios", files, "Scenario files (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("-v,--verbose", verbose, "Print every step's outcome");
  cmd->callback([&ctx] {
    ScenarioTally total;
    bool broken = false;
    for (const auto& file : files) {
      try {
        ScenarioRun run = run_scenario_file(file, ScenarioOptions{verbose}, std::cout);
        total.passed += run.tally.passed;
        total.failed += run.tally.failed;
      } catch (const Error& e) {
        std::cout << "ERROR " << e.what() << "\n";
        broken = true;
      }
    }
    std::cout << total.passed << " passed, " << total.failed << " failed\n";
    ctx.exit_status = broken ? 2 : (total.failed ? 1 : 0);
  });
}

}  // namespace undertake::cli
