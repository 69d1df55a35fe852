// `undertake kpi --from DATE --to DATE [--json] [--policy RULES] FILES...`: the KPI report of
// design.md §6 over case ledger files, per KPI and per department with bonus coefficients.
#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "undertake/error.hpp"
#include "undertake/kpi.hpp"
#include "undertake/policy.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace undertake::cli {
namespace {

json::value read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::io, path, "cannot open the file");
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(ss.str(), ec);
  if (ec) throw Error(ErrorKind::invalid_json, path, "not JSON: " + ec.message());
  return v;
}

// The catalogue: the built-in default; a rules directory or policy document loaded as the engine
// loads it (so kpi.json is read and checked the same way); or a directory or file holding just a
// kpi.json.
KpiCatalogue load_catalogue(const std::string& policy) {
  if (policy.empty()) return KpiCatalogue::defaults();
  if (fs::is_directory(policy)) {
    const fs::path dir(policy);
    if (!fs::exists(dir / "policy.json") && fs::exists(dir / "kpi.json"))
      return kpi_catalogue_from_json(read_json_file((dir / "kpi.json").string()),
                                     (dir / "kpi.json").string());
    return Policy::load(PolicySource::from_directory(policy))->kpi_catalogue();
  }
  if (!fs::exists(policy)) throw Error(ErrorKind::not_found, policy, "no such file or directory");
  const json::value doc = read_json_file(policy);
  if (doc.is_object() && doc.get_object().contains("kpis"))
    return kpi_catalogue_from_json(doc, policy);
  return Policy::load(PolicySource::from_document(doc, policy))->kpi_catalogue();
}

// JSON with numbers as people write them (0.94, 180000) rather than Boost's 9.4E-1, indented.
void write_json(std::ostream& out, const json::value& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  switch (v.kind()) {
    case json::kind::double_: {
      const double d = v.get_double();
      if (d == std::floor(d) && std::fabs(d) < 1e15) {
        out << static_cast<long long>(d);
        return;
      }
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof buf, d);
      out.write(buf, res.ptr - buf);
      return;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out << "{}";
        return;
      }
      out << "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out << ",\n";
        first = false;
        out << pad << "  " << json::serialize(json::value(kv.key())) << ": ";
        write_json(out, kv.value(), indent + 1);
      }
      out << "\n" << pad << "}";
      return;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) {
        out << "[]";
        return;
      }
      out << "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out << ",\n";
        out << pad << "  ";
        write_json(out, a[i], indent + 1);
      }
      out << "\n" << pad << "]";
      return;
    }
    default:
      out << json::serialize(v);
      return;
  }
}

}  // namespace

void add_kpi_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string from, to, policy;
    bool json = false;
    bool skip_bad_cases = false;
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
  cmd->add_flag("--skip-bad-cases", opts->skip_bad_cases,
                "Leave cases with bad data out (and list them) instead of failing");
  cmd->add_option("files", opts->files,
                  "Ledger files: a case ledger {case_id, data, ledger}, an array of them, or "
                  "{\"cases\": [...]}")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->callback([opts, &ctx] {
    const Period period = Period::days(opts->from, opts->to);
    const KpiCatalogue catalogue = load_catalogue(opts->policy);
    std::vector<CaseLedger> cases;
    for (const auto& file : opts->files) {
      std::vector<CaseLedger> more = case_ledgers_from_json(read_json_file(file), file);
      for (auto& c : more) cases.push_back(std::move(c));
    }
    KpiOptions options;
    options.skip_bad_cases = opts->skip_bad_cases;
    const KpiReport report = compute_kpi_report(catalogue, cases, period, options);
    if (opts->json) {
      write_json(std::cout, report.to_json(), 0);
      std::cout << "\n";
    } else {
      std::cout << report.to_text();
    }
    ctx.exit_status = 0;
  });
}

}  // namespace undertake::cli
