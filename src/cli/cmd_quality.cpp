// `undertake quality --from DATE --to DATE [--json] FILES... | --db URI`: the quality report of
// policy §二(七)2 and §三(五)4 (undertake/quality.hpp) over case ledgers.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "undertake/quality.hpp"

namespace undertake::cli {

void add_quality_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string from, to, policy;
    bool json = false;
    std::vector<std::string> files;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "quality",
      "Quality report for a period: inspections and pass rates per product and month, the "
      "Pareto of defect causes with repeat causes flagged, rectifications and their cost, "
      "complaints by severity and root cause");
  cmd->add_option("--from", opts->from, "First date of the period, YYYY-MM-DD (inclusive)")
      ->required();
  cmd->add_option("--to", opts->to, "Last date of the period, YYYY-MM-DD (inclusive)")->required();
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->add_option("--policy", opts->policy,
                  "The rules directory or policy file scenarios run under (default: built-in)");
  cmd->add_option("files", opts->files,
                  "Scenario files (run through the engine) or ledger files; with --db, the "
                  "cases of the store are added")
      ->check(CLI::ExistingFile);
  cmd->callback([opts, &ctx] {
    const Period period = Period::days(opts->from, opts->to);
    const auto cases = read_case_ledgers(ctx, opts->files, opts->policy, "quality");
    const boost::json::value report = compute_quality_report(cases, period);
    if (opts->json)
      print_json(std::cout, report);
    else
      std::cout << quality_report_text(report);
    ctx.exit_status = 0;
  });
}

}  // namespace undertake::cli
