// `undertake kpi --from DATE --to DATE [--json] [--policy RULES] FILES...`: the KPI report of
// design.md §6 over case ledger files, per KPI and per department with bonus coefficients.
#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "cli/scenario.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/kpi.hpp"
#include "undertake/people.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace undertake::cli {
namespace {

// The catalogue: the built-in default; a rules directory or policy document loaded as the engine
// loads it (so kpi.json is read and checked the same way); or a directory or file holding just a
// kpi.json.
KpiCatalogue load_catalogue(const std::string& policy) {
  if (policy.empty()) return KpiCatalogue::defaults();
  if (fs::is_directory(policy)) {
    const fs::path dir(policy);
    if (!fs::exists(dir / "policy.json") && fs::exists(dir / "kpi.json"))
      return kpi_catalogue_from_json(read_json_file((dir / "kpi.json").string(), InputLimits{}),
                                     (dir / "kpi.json").string());
    return Policy::load(PolicySource::from_directory(policy))->kpi_catalogue();
  }
  if (!fs::exists(policy)) throw Error(ErrorKind::not_found, policy, "no such file or directory");
  const json::value doc = read_json_file(policy, InputLimits{});
  if (doc.is_object() && doc.get_object().contains("kpis"))
    return kpi_catalogue_from_json(doc, policy);
  return Policy::load(PolicySource::from_document(doc, policy))->kpi_catalogue();
}

// A scenario file (cases with steps) is run through the engine and its ledgers used; anything
// else is read as ledgers.
bool is_scenario(const json::value& doc) {
  if (!doc.is_object()) return false;
  const json::value* cases = doc.get_object().if_contains("cases");
  return cases && cases->is_array() && !cases->get_array().empty() &&
         cases->get_array()[0].is_object() && cases->get_array()[0].get_object().contains("steps");
}

}  // namespace

std::vector<CaseLedger> read_case_ledgers(const Context& ctx, const std::vector<std::string>& files,
                                          const std::string& policy, const char* command) {
  std::vector<CaseLedger> cases;
  if (files.empty() && ctx.db.empty())
    throw Error(ErrorKind::invalid_argument, command, "give scenario or ledger files, or --db URI");
  if (!ctx.db.empty()) {
    const Engine engine = policy.empty() ? Engine() : Engine(policy);
    cases = load_ledgers(*open_store(ctx, false), engine);
  }
  for (const auto& file : files) {
    const json::value doc = read_json_file(file, InputLimits{});
    std::vector<CaseLedger> more;
    if (is_scenario(doc)) {
      std::ostringstream failures;  // a scenario's own expectations are `undertake run`'s job
      more = run_scenario_file(file, ScenarioOptions{}, failures).ledgers;
    } else {
      more = case_ledgers_from_json(doc, file);
    }
    for (auto& c : more) cases.push_back(std::move(c));
  }
  return cases;
}

void add_kpi_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string from, to, policy;
    bool json = false;
    bool skip_bad_cases = false;
    std::string by = "department";
    std::vector<std::string> files;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "kpi",
      "KPI report for a period: each KPI's value, target and score; each department's "
      "weighted score and bonus coefficient");
  cmd->add_option("--from", opts->from, "First date of the period, YYYY-MM-DD (inclusive)")
      ->required();
  cmd->add_option("--to", opts->to, "Last date of the period, YYYY-MM-DD (inclusive)")->required();
  cmd->add_flag("--json", opts->json, "Print the report as JSON");
  cmd->add_option("--policy", opts->policy,
                  "A rules directory or policy file (loaded as the engine loads it), or a "
                  "kpi.json file; default: the built-in policy");
  cmd->add_option("--by", opts->by,
                  "department (the KPI report) or person (the per-person scorecard of kpi.json "
                  "`people`, policy §四(二)2)")
      ->check(CLI::IsMember({"department", "person"}));
  cmd->add_flag("--skip-bad-cases", opts->skip_bad_cases,
                "Leave cases with bad data out (and list them) instead of failing");
  cmd->add_option("files", opts->files,
                  "Scenario files (run through the engine) or ledger files: a case ledger "
                  "{case_id, data, ledger}, an array of them, or {\"cases\": [...]}; with --db, "
                  "the cases of the store are added")
      ->check(CLI::ExistingFile);
  cmd->callback([opts, &ctx] {
    const Period period = Period::days(opts->from, opts->to);
    const KpiCatalogue catalogue = load_catalogue(opts->policy);
    std::vector<CaseLedger> cases = read_case_ledgers(ctx, opts->files, opts->policy, "kpi");
    if (opts->by == "person") {
      const Engine engine = opts->policy.empty() ? Engine() : Engine(opts->policy);
      const PeopleScorecard card = compute_people_scorecard(engine, cases, period);
      if (opts->json)
        print_json(std::cout, card.to_json());
      else
        std::cout << card.to_text();
      ctx.exit_status = 0;
      return;
    }
    KpiOptions options;
    options.skip_bad_cases = opts->skip_bad_cases;
    const KpiReport report = compute_kpi_report(catalogue, cases, period, options);
    if (opts->json) {
      print_json(std::cout, report.to_json());  // numbers as people write them (case_cli.hpp)
    } else {
      std::cout << report.to_text();
    }
    ctx.exit_status = 0;
  });
}

}  // namespace undertake::cli
