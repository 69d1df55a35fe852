// `undertake --db URI verify [ID...|--all] [--json]`: the audit of stored cases (design.md §9):
// each case's head and ledger rows checked together by Engine::verify — the snapshot's digest,
// the ledger's hash chain, and a full replay that must arrive at the stored state. Prints each
// case's first problems; exit status 1 when any case has one.
//
//   undertake --db orders.db verify SO-1 SO-2
//   undertake --db orders.db verify --all --json
#include <boost/json.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

constexpr std::size_t kProblemsShown = 3;  // per case in the text form (--json has them all)

// The audit of one case; a case that cannot even be read (not stored, rows that do not parse) is
// a problem of that case, so that the other cases are audited regardless.
VerifyReport audit(const CaseStore& store, const Engine& engine, const std::string& id) {
  try {
    return verify_stored(store, engine, id);
  } catch (const Error& e) {
    VerifyReport r;
    r.case_id = id;
    r.problems.push_back({e.where(), e.why()});
    return r;
  }
}

void print_report(std::ostream& out, const VerifyReport& r) {
  out << pad(r.case_id, 14) << pad("revision " + std::to_string(r.revision), 14);
  if (r.ok()) {
    out << "ok\n";
    return;
  }
  out << r.problems.size() << (r.problems.size() == 1 ? " problem" : " problems") << "\n";
  for (std::size_t i = 0; i < r.problems.size() && i < kProblemsShown; ++i)
    out << "    " << r.problems[i].where << ": " << r.problems[i].why << "\n";
  if (r.problems.size() > kProblemsShown)
    out << "    ... and " << r.problems.size() - kProblemsShown << " more (--json lists them)\n";
}

}  // namespace

void add_verify_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::vector<std::string> ids;
    std::string rules;
    bool all = false, json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "verify", "Audit stored cases: digest, hash chain and a full replay of each ledger (--db)");
  auto* ids = cmd->add_option("ids", o->ids, "The cases to audit");
  cmd->add_flag("--all", o->all, "Audit every stored case")->excludes(ids);
  cmd->add_option("--rules", o->rules,
                  "A rules directory or policy file of the stored cases (default: built-in)");
  cmd->add_flag("--json", o->json, "Print {ok, cases: [{case_id, revision, ok, problems}]}");
  cmd->callback([o, &ctx] {
    if (o->ids.empty() && !o->all)
      throw Error(ErrorKind::invalid_argument, "verify", "name the cases to audit, or --all");
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    std::vector<std::string> ids = o->ids;
    if (o->all)
      for (const CaseSummary& s : store->list()) ids.push_back(s.case_id);
    std::size_t failed = 0;
    json::array reports;
    for (const std::string& id : ids) {
      const VerifyReport r = audit(*store, *engine, id);
      failed += !r.ok();
      if (o->json)
        reports.push_back(r.to_json());
      else
        print_report(std::cout, r);
    }
    if (o->json)
      print_json(std::cout, json::object{{"ok", failed == 0}, {"cases", std::move(reports)}});
    else
      std::cout << ids.size() << " case(s) audited, " << failed << " with problems\n";
    ctx.exit_status = failed == 0 ? 0 : 1;
  });
}

}  // namespace undertake::cli
