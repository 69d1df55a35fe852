// `undertake --db URI store check|migrate`: the built-in stores' own upkeep (SQLite, PostgreSQL).
//
//   check    check_store (store.hpp): the store's invariants (for SQLite also its integrity
//            check), and for every case: its ledger rows against their hash chain
//            (Engine::check_chain), its head restored, and its worklist rows compared with the
//            work items of the restored case. Exit status 1 when anything is wrong. Reads only.
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
#include "undertake/postgres_store.hpp"
#include "undertake/sqlite_store.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

// What `store` prints of a built-in store: its name, schema versions and ledger row count.
struct StoreFacts {
  std::string name;
  int schema_before = 0, schema = 0;
  std::uint64_t entries = 0;
};

StoreFacts facts_of(const CaseStore& store, std::string_view command) {
  if (const auto* sqlite = dynamic_cast<const SqliteCaseStore*>(&store))
    return {sqlite->path(), sqlite->opened_schema_version(), sqlite->schema_version(),
            sqlite->entry_count()};
  if (const auto* pg = dynamic_cast<const PostgresCaseStore*>(&store))
    return {pg->where(), pg->opened_schema_version(), pg->schema_version(), pg->entry_count()};
  throw Error(ErrorKind::invalid_argument, std::string(command),
              "only for the built-in stores (sqlite:PATH, postgresql://...)");
}

using Rules = std::shared_ptr<const std::string>;  // --rules of `store`, read when a callback runs

void add_check(CLI::App& store_cmd, Context& ctx, const Rules& rules) {
  auto json_out = std::make_shared<bool>(false);
  auto* cmd = store_cmd.add_subcommand(
      "check", "The store's invariants, every case's hash chain and worklist");
  cmd->add_flag("--json", *json_out, "Print {path, schema_version, cases, entries, ok, problems}");
  cmd->callback([json_out, &ctx, rules] {
    auto store = open_store(ctx, false);
    const StoreFacts facts = facts_of(*store, "store check");
    auto engine = open_engine(*rules);
    const std::vector<std::string> problems = check_store(*store, *engine);
    const std::size_t cases = store->list().size();
    if (*json_out) {
      json::array list;
      for (const auto& p : problems) list.emplace_back(p);
      print_json(std::cout, json::object{{"path", facts.name},
                                         {"schema_version", facts.schema},
                                         {"cases", cases},
                                         {"entries", facts.entries},
                                         {"ok", problems.empty()},
                                         {"problems", std::move(list)}});
    } else {
      std::cout << "Store " << facts.name << ": schema version " << facts.schema << ", " << cases
                << " case(s), " << facts.entries << " ledger entries\n";
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
    auto store = open_store(ctx, false);  // opening migrates
    const StoreFacts facts = facts_of(*store, "store migrate");
    auto engine = open_engine(*rules);
    const int before = facts.schema_before, after = facts.schema;
    const std::size_t indexed = store->refresh_worklists(*engine);
    if (*json_out) {
      print_json(std::cout, json::object{{"path", facts.name},
                                         {"schema_before", before},
                                         {"schema_after", after},
                                         {"migrated", before != after},
                                         {"worklists_indexed", indexed}});
    } else {
      std::cout << "Store " << facts.name << ": schema version " << before;
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
  auto* cmd = app.add_subcommand("store", "The store's upkeep: check, migrate (--db)");
  cmd->require_subcommand(1);
  cmd->add_option("--rules", *rules,
                  "A rules directory or policy file of the stored cases (default: built-in)");
  add_check(*cmd, ctx, rules);
  add_migrate(*cmd, ctx, rules);
}

}  // namespace undertake::cli
