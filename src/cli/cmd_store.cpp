// `undertake --db URI store check|migrate`: the SQLite store's own upkeep.
//
//   check    SqliteCaseStore::check() (SQLite's integrity check and the store's invariants), and
//            for every case: its ledger rows against their hash chain (Engine::check_chain), its
//            head restored, and its worklist rows compared with the work items of the restored
//            case. Exit status 1 when anything is wrong. Reads only.
//   migrate  Opening a store migrates an older schema (in one transaction); this prints the
//            schema version before and after, then indexes the worklists of the cases that have
//            none for their revision (a store migrated from version 1) and says how many.
//
//   undertake --db orders.db store check --json
//   undertake --db orders.db store migrate
#include <boost/json.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

// Work items in one order, each with its roles sorted and once, without events nobody may fire:
// the form the worklist rows have (one row per case, role and event).
std::vector<WorkItem> normalised(std::vector<WorkItem> items) {
  items.erase(
      std::remove_if(items.begin(), items.end(), [](const WorkItem& i) { return i.roles.empty(); }),
      items.end());
  for (auto& i : items) {
    std::sort(i.roles.begin(), i.roles.end());
    i.roles.erase(std::unique(i.roles.begin(), i.roles.end()), i.roles.end());
  }
  std::sort(items.begin(), items.end(),
            [](const WorkItem& a, const WorkItem& b) { return a.event < b.event; });
  return items;
}

// `contract.sign* (legal, sales); intake.forward (market)`
std::string items_text(const std::vector<WorkItem>& items) {
  if (items.empty()) return "none";
  std::string out;
  for (const auto& i : items)
    out += (out.empty() ? "" : "; ") + i.event + (i.gated ? "*" : "") + " (" + join(i.roles) + ")";
  return out;
}

bool same_items(const std::vector<WorkItem>& a, const std::vector<WorkItem>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.event == y.event && x.gated == y.gated && x.roles == y.roles;
  });
}

// What is wrong with one stored case (nothing: empty): its hash chain, its head, its worklist.
std::vector<std::string> case_problems(const SqliteCaseStore& store, const Engine& engine,
                                       const std::string& id) {
  std::vector<std::string> problems;
  const std::string where = "case " + id + ": ";
  try {
    const std::optional<CaseLedger> ledger = store.ledger(id);
    if (!ledger) return {where + "listed but not stored (deleted meanwhile?)"};
    engine.check_chain(*ledger);
  } catch (const Error& e) {
    problems.push_back(where + "ledger: " + e.what());
  }
  try {
    const Case c = load_case(store, engine, id);
    const std::vector<WorkItem> expected = normalised(work_items(c));
    const std::vector<WorkItem> stored = normalised(store.worklist(id));
    if (!same_items(expected, stored))
      problems.push_back(where + "worklist rows " + items_text(stored) + ", but its state " +
                         join(c.state()) + " gives " + items_text(expected));
  } catch (const Error& e) {
    problems.push_back(where + "head: " + e.what());
  }
  return problems;
}

using Rules = std::shared_ptr<const std::string>;  // --rules of `store`, read when a callback runs

void add_check(CLI::App& store_cmd, Context& ctx, const Rules& rules) {
  auto json_out = std::make_shared<bool>(false);
  auto* cmd = store_cmd.add_subcommand(
      "check", "SQLite integrity, the store's invariants, every case's hash chain and worklist");
  cmd->add_flag("--json", *json_out, "Print {path, schema_version, cases, entries, ok, problems}");
  cmd->callback([json_out, &ctx, rules] {
    auto opened = open_store(ctx, false);
    const SqliteCaseStore& store = sqlite_store(*opened, "store check");
    auto engine = open_engine(*rules);
    std::vector<std::string> problems = store.check();
    const std::vector<CaseSummary> cases = store.list();
    for (const CaseSummary& s : cases)
      for (auto& p : case_problems(store, *engine, s.case_id)) problems.push_back(std::move(p));
    if (*json_out) {
      json::array list;
      for (const auto& p : problems) list.emplace_back(p);
      print_json(std::cout, json::object{{"path", store.path()},
                                         {"schema_version", store.schema_version()},
                                         {"cases", cases.size()},
                                         {"entries", store.entry_count()},
                                         {"ok", problems.empty()},
                                         {"problems", std::move(list)}});
    } else {
      std::cout << "Store " << store.path() << ": schema version " << store.schema_version() << ", "
                << cases.size() << " case(s), " << store.entry_count() << " ledger entries\n";
      for (const auto& p : problems) std::cout << "  " << p << "\n";
      std::cout << (problems.empty() ? std::string("sound")
                                     : std::to_string(problems.size()) + " problem(s)")
                << "\n";
    }
    ctx.exit_status = problems.empty() ? 0 : 1;
  });
}

void add_migrate(CLI::App& store_cmd, Context& ctx, const Rules& rules) {
  auto json_out = std::make_shared<bool>(false);
  auto* cmd = store_cmd.add_subcommand(
      "migrate", "Bring the store to this library's schema and index the worklists it lacks");
  cmd->add_flag("--json", *json_out,
                "Print {path, schema_before, schema_after, migrated, worklists_indexed}");
  cmd->callback([json_out, &ctx, rules] {
    auto opened = open_store(ctx, false);  // opening migrates
    SqliteCaseStore& store = sqlite_store(*opened, "store migrate");
    auto engine = open_engine(*rules);
    const int before = store.opened_schema_version(), after = store.schema_version();
    const std::size_t indexed = store.refresh_worklists(*engine);
    if (*json_out) {
      print_json(std::cout, json::object{{"path", store.path()},
                                         {"schema_before", before},
                                         {"schema_after", after},
                                         {"migrated", before != after},
                                         {"worklists_indexed", indexed}});
    } else {
      std::cout << "Store " << store.path() << ": schema version " << before;
      if (before != after)
        std::cout << " → " << after << " (migrated)\n";
      else
        std::cout << " (current; nothing to migrate)\n";
      std::cout << "Worklists indexed for " << indexed << " case(s)\n";
    }
  });
}

}  // namespace

void add_store_command(CLI::App& app, Context& ctx) {
  auto rules = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("store", "The SQLite store's upkeep: check, migrate (--db)");
  cmd->require_subcommand(1);
  cmd->add_option("--rules", *rules,
                  "A rules directory or policy file of the stored cases (default: built-in)");
  add_check(*cmd, ctx, rules);
  add_migrate(*cmd, ctx, rules);
}

}  // namespace undertake::cli
