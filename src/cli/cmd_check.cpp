// `undertake check RULES_DIR` validates a policy (a rules directory or a single policy document)
// and prints every problem, one a line: "<file>: <JSON path>: <reason>". Exit status 1 when there
// is any.
#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/policy.hpp"

namespace undertake::cli {

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

/// Reads a policy file; on failure says where (line and column, JSON path) and why.
bool parse_file(const fs::path& file, json::value& out, std::string& problem) {
  try {
    out = read_json_file(file.string(), InputLimits{}, ErrorKind::invalid_policy);
    return true;
  } catch (const Error& e) {
    problem = e.what();
    return false;
  }
}

int check(const std::string& target, bool quiet) {
  std::vector<std::string> problems;
  PolicySource source;
  std::vector<std::string> unreadable_parts;
  std::error_code fec;
  if (fs::is_directory(target, fec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(target, fec))
      if (entry.is_regular_file() && entry.path().extension() == ".json")
        files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) problems.push_back(target + ": no *.json policy parts in the directory");
    for (const auto& file : files) {
      json::value doc;
      std::string problem;
      if (parse_file(file, doc, problem))
        source.parts.push_back(
            PolicySource::Part{file.stem().string(), file.string(), std::move(doc)});
      else {
        problems.push_back(problem);
        unreadable_parts.push_back(file.stem().string());
      }
    }
  } else if (fs::is_regular_file(target, fec)) {
    json::value doc;
    std::string problem;
    if (!parse_file(target, doc, problem)) {
      std::cout << problem << "\n1 problem\n";
      return 1;
    }
    try {
      source = PolicySource::from_document(doc, target);
    } catch (const Error& e) {
      std::cout << e.what() << "\n1 problem\n";
      return 1;
    }
  } else {
    std::cerr << "undertake check: " << target << ": no such rules directory or policy file\n";
    return 2;
  }
  for (auto& p : Policy::check(source)) {
    // A part that is not valid JSON was reported above; its absence is not a second problem.
    bool echo = false;
    for (const auto& part : unreadable_parts)
      echo = echo || p.rfind(part + ": missing part", 0) == 0;
    if (!echo) problems.push_back(std::move(p));
  }
  for (const auto& p : problems) std::cout << p << "\n";
  if (!problems.empty()) {
    std::cout << problems.size() << (problems.size() == 1 ? " problem" : " problems") << "\n";
    return 1;
  }
  if (!quiet) {
    const auto policy = Policy::load(source);
    std::size_t gates = 0;
    for (std::size_t e = 0; e < kEventCount; ++e)
      if (policy->has_gate(static_cast<EventId>(e))) ++gates;
    std::cout << target << ": valid (policy \"" << policy->name() << "\" " << policy->version()
              << ": " << policy->roles().size() << " roles, " << gates << " gated events, "
              << policy->table_names().size() << " decision tables)\n";
  }
  return 0;
}

}  // namespace

void add_check_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "check",
      "Validate a policy (a rules directory, or one JSON document whose keys are the parts) and "
      "print every problem as <file>: <JSON path>: <reason>; exit status 1 if there is any");
  auto target = std::make_shared<std::string>();
  auto quiet = std::make_shared<bool>(false);
  cmd->add_option("rules", *target, "the rules directory (e.g. rules/default) or policy file")
      ->required();
  cmd->add_flag("-q,--quiet", *quiet, "print nothing for a valid policy");
  cmd->callback([target, quiet, &ctx] { ctx.exit_status = check(*target, *quiet); });
}

}  // namespace undertake::cli
