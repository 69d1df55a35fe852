// `undertake test RULES_DIR TESTS...` runs rule test files (or directories of them) against a
// policy: every failure is printed with the test's name, what was expected and what came, and the
// trace of the gate's rules; the last line is "N passed, M failed". Exit status 1 on a failure.
#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/policy.hpp"
#include "undertake/rule_tests.hpp"

namespace undertake::cli {

namespace {

namespace fs = std::filesystem;

struct Options {
  std::string rules;
  std::vector<std::string> tests;
  bool verbose = false;
  bool coverage = false;
};

int run_tests(const Options& o) {
  std::shared_ptr<const Policy> policy;
  try {
    policy = Policy::load(policy_source_from_path(o.rules));
  } catch (const Error& e) {
    std::cout << "undertake test: the policy does not load: " << e.what() << "\n"
              << "(`undertake check " << o.rules << "` lists every problem)\n";
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& t : o.tests) {
    std::error_code ec;
    if (fs::is_directory(t, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(t, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
          found.push_back(entry.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(t);
    }
  }
  RuleTestRunner runner(policy);
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (const auto& file : files) {
    for (const auto& r : runner.run_file(file)) {
      if (r.passed) {
        ++passed;
        if (o.verbose) std::cout << "ok   " << r.file << ": " << r.name << "\n";
        continue;
      }
      ++failed;
      std::cout << "FAIL " << r.file << ": " << r.name << "\n" << r.report;
    }
  }
  bool gaps = false;
  if (o.coverage) {
    const RuleTestCoverage c = runner.coverage();
    for (const auto& g : c.gaps) std::cout << "NOT COVERED " << g << "\n";
    std::cout << c.summary() << "\n";
    gaps = !c.complete();
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed || gaps ? 1 : 0;
}

}  // namespace

void add_test_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "test",
      "Run rule test files (facts + event → expected decision, failing rules, routes, table "
      "outputs) against a policy; ends with \"N passed, M failed\", exit status 1 on a failure");
  auto o = std::make_shared<Options>();
  cmd->add_option("rules", o->rules, "the rules directory of the policy (e.g. rules/default)")
      ->required();
  cmd->add_option("tests", o->tests, "test files, or directories of them")->required();
  cmd->add_flag("-v,--verbose", o->verbose, "also list the tests that pass");
  cmd->add_flag("--coverage", o->coverage,
                "report gate rules never both passed and failed, routes never both true and "
                "false, and table rows never matched; any of them fails the run");
  cmd->callback([o, &ctx] { ctx.exit_status = run_tests(*o); });
}

}  // namespace undertake::cli
