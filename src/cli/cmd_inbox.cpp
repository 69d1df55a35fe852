// `undertake --db URI inbox --as ID:ROLE[,ROLE] [--stage S] [--customer C] [--due-by TIME]
// [--after ID] [--limit N] [--json]`: an actor's worklist (design.md §9) — the cases in which one
// of its roles may fire an event now, with those events — answered by the store's worklist index,
// one page at a time, without loading any case.
//
//   undertake --db orders.db inbox --as li:sales
//   undertake --db orders.db inbox --as wang:legal --stage Contract --limit 20 --json
#include <iostream>
#include <memory>
#include <string>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "cli/json_args.hpp"
#include "undertake/store.hpp"

namespace undertake::cli {
namespace {

// `contract.approve*, contract.sign`: the events of a case, `*` marking those with gate rules.
std::string events_text(const InboxItem& item) {
  std::string out;
  for (const auto& e : item.events)
    out += (out.empty() ? "" : ", ") + e.event + (e.gated ? "*" : "");
  return out;
}

void print_page(std::ostream& out, const InboxPage& page, const Actor& actor) {
  if (page.items.empty()) {
    out << "Nothing for " << actor.id << " (" << join(actor.roles) << ") to do.\n";
    return;
  }
  out << pad("case", 14) << pad("stage", 13) << pad("customer", 18) << pad("due", 18)
      << "events (* gated)\n";
  for (const auto& item : page.items) {
    const CaseSummary& s = item.summary;
    out << pad(s.case_id, 14) << pad(s.stage, 13) << pad(s.customer.empty() ? "-" : s.customer, 18)
        << pad(s.due ? short_time(*s.due) : "-", 18) << events_text(item) << "\n";
  }
  out << page.items.size() << " case(s)";
  if (!page.next.empty()) out << "; more after " << page.next << " (--after " << page.next << ")";
  out << "\n";
}

}  // namespace

void add_inbox_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::string actor, stage, customer, due_by, after, rules;
    std::size_t limit = 100;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "inbox", "An actor's worklist: the cases in which it may fire an event now (--db)");
  cmd->add_option("--as,--actor", o->actor, "Whose worklist: ID:ROLE[,ROLE] or a JSON actor")
      ->required();
  cmd->add_option("--stage", o->stage, "Only cases in this stage (Contract, ...)");
  cmd->add_option("--customer", o->customer, "Only cases of this customer (data.customer.name)");
  cmd->add_option("--due-by", o->due_by, "Only cases with a deadline due by then (ISO-8601)");
  cmd->add_option("--after", o->after, "The page after this case id (the `next` of a page)");
  cmd->add_option("--limit", o->limit, "Cases per page (1 to 1000; default 100)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--rules", o->rules,
                  "A rules directory or policy file of the stored cases (default: built-in)");
  cmd->add_flag("--json", o->json, "Print the page as JSON: {items: [...], next}");
  cmd->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    store->refresh_worklists(*engine);  // cases stored before the worklist index existed
    InboxQuery query;
    query.actor = actor_argument(o->actor, engine->limits());
    if (!o->stage.empty()) query.stage = o->stage;
    if (!o->customer.empty()) query.customer = o->customer;
    if (!o->due_by.empty()) query.due_by = parse_time(o->due_by, "--due-by");
    query.after = o->after;
    query.limit = o->limit;
    const InboxPage page = store->inbox(query);
    if (o->json)
      print_json(std::cout, page.to_json());
    else
      print_page(std::cout, page, query.actor);
  });
}

}  // namespace undertake::cli
