// `undertake --db URI case new|fire|show|history|available|tick|list`: cases kept in a store
// (`sqlite:PATH` or a plain path), for people at a terminal and for scripts (`--json` on every
// subcommand).
//
//   undertake --db orders.db case new SO-1 --data-file form.json
//   undertake --db orders.db case fire SO-1 intake.forward --actor mei:market
//   undertake --db orders.db case fire SO-1 evaluation.quote --actor li:sales
//       --set price=420000 --set cost=320000 --request-id web-7f3a
//   undertake --db orders.db case show SO-1
//   undertake --db orders.db case tick --now 2026-04-07
#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "cli/json_args.hpp"
#include "cli/terminal.hpp"
#include "common/display_width.hpp"
#include "undertake/deadlines.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;

namespace undertake::cli {

// ---------------------------------------------------------------------------------------------
// Helpers (case_cli.hpp)

namespace {

// The file of an SQLite store URI (`sqlite:PATH` or a plain path), or nothing for a store of
// another kind.
std::optional<std::string> sqlite_file(const std::string& uri) {
  constexpr std::string_view scheme = "sqlite:";
  constexpr std::string_view postgresql = "postgresql:";  // libpq keyword settings
  if (uri.compare(0, scheme.size(), scheme) == 0)
    return uri.substr(scheme.size(), uri.find('?') - scheme.size());
  if (uri.find("://") == std::string::npos && uri.compare(0, postgresql.size(), postgresql) != 0)
    return uri;
  return std::nullopt;
}

}  // namespace

std::unique_ptr<CaseStore> open_store(const Context& ctx, bool create) {
  std::string uri = ctx.db;
  if (uri.empty())
    if (const char* env = std::getenv("UNDERTAKE_DB")) uri = env;
  if (uri.empty())
    throw Error(ErrorKind::invalid_argument, "--db",
                "name the case store: undertake --db URI ... (sqlite:PATH, a plain path or "
                "postgresql://...; or set UNDERTAKE_DB)");
  if (!create)
    if (const auto file = sqlite_file(uri);
        file && !file->empty() && !std::filesystem::exists(*file))
      throw Error(ErrorKind::not_found, "--db " + uri,
                  "no such store (a store is created by `undertake --db " + uri + " case new`)");
  return undertake::open_store(uri);
}

std::unique_ptr<Engine> open_engine(const std::string& rules) {
  return rules.empty() ? std::make_unique<Engine>() : std::make_unique<Engine>(rules);
}

Timestamp parse_time(const std::string& text, const char* option) {
  if (text.empty())
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  auto t = parse_iso8601(text);
  if (!t)
    throw Error(ErrorKind::invalid_argument, option,
                "expected an ISO-8601 date or date-time, got \"" + text + "\"");
  return *t;
}

std::string short_time(Timestamp t) {
  const std::string iso = format_iso8601(t);  // YYYY-MM-DDThh:mm:ss[.fff]Z
  const std::size_t sep = iso.find('T');      // at 10 but for a C++ host's years past 9999
  return iso.substr(0, sep) + " " + iso.substr(sep + 1, 5);
}

std::string relative(Timestamp target, Timestamp now) {
  const double hours = std::chrono::duration<double>(target - now).count() / 3600.0;
  const double h = std::fabs(hours);
  std::ostringstream s;
  if (h >= 48)
    s << static_cast<long long>(h / 24) << " d";
  else if (h >= 1)
    s << static_cast<long long>(h) << " h";
  else
    s << static_cast<long long>(h * 60) << " min";
  return hours >= 0 ? "in " + s.str() : s.str() + " overdue";
}

namespace {

// Pretty-prints `v`. Recursive, bounded: past the depth no JSON text may exceed (limits.hpp) the
// rest is written on one line by Boost.JSON's serializer, which keeps its own stack.
void write_json(std::ostream& out, const json::value& v, int indent) {
  if (static_cast<unsigned>(indent) >= InputLimits::kMaxJsonDepthCeiling) {
    out << json::serialize(v);
    return;
  }
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

void print_json(std::ostream& out, const json::value& v) {
  write_json(out, v, 0);
  out << "\n";
}

// ---------------------------------------------------------------------------------------------
// The `case` command

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

namespace {

std::string text_of(const json::object& o, std::initializer_list<std::string_view> path) {
  const json::value* v = nullptr;
  const json::object* cur = &o;
  for (auto key : path) {
    if (!cur) return {};
    v = cur->if_contains(key);
    if (!v) return {};
    cur = v->is_object() ? &v->get_object() : nullptr;
  }
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_null()) return {};
  if (v->is_number()) {  // 170383 and 1.6, not 1.70383E5 and 1.6E0
    const double d = v->to_number<double>();
    char buf[64];
    std::snprintf(buf, sizeof buf, d == std::floor(d) && std::fabs(d) < 1e15 ? "%.0f" : "%.4g", d);
    return buf;
  }
  return json::serialize(*v);
}

void print_deadlines(std::ostream& out, const std::vector<PendingDeadline>& list, Timestamp now) {
  if (list.empty()) {
    out << "Deadlines: none pending\n";
    return;
  }
  out << "Deadlines:\n";
  for (const auto& d : list) {
    const DeadlineStatus status = d.status(now);
    const char* mark = status == DeadlineStatus::overdue    ? "OVERDUE "
                       : status == DeadlineStatus::due_soon ? "due soon"
                                                            : "        ";
    out << "  " << mark << "  " << pad(d.id + (d.key.empty() ? "" : " [" + d.key + "]"), 26)
        << (d.due ? "due " + short_time(*d.due) + " (" + relative(*d.due, now) + ")"
                  : std::string("due when the record has the date"))
        << "  waiting for " << join(d.waiting_for, " or ") << "  → " << join(d.escalate_to);
    if (d.escalations) out << "  escalated ×" << d.escalations;
    out << "\n";
  }
}

void print_case(std::ostream& out, const Case& c, Timestamp now) {
  const auto& record = c.record();
  const std::string customer = one_line(text_of(record, {"data", "customer", "name"}));
  const std::string tier = text_of(record, {"data", "customer", "tier"});
  const std::string product = one_line(text_of(record, {"data", "product", "name"}));
  out << "Case " << c.id();
  if (!customer.empty()) out << " · " << customer << (tier == "key" ? " (key customer)" : "");
  if (!product.empty()) out << " · " << product;
  out << "\n";
  out << "Policy:    " << c.policy()->name() << " " << c.policy_version() << "   revision "
      << c.revision() << "\n";
  out << "Stage:     " << c.stage() << "\n";
  out << "State:     " << join(c.state()) << "\n";
  if (!c.ledger().empty()) {
    const LedgerEntry& e = c.ledger().back();
    out << "Last:      #" << e.seq << " "
        << (e.kind == EntryKind::escalation
                ? "escalation of " + text_of(e.payload, {"deadline"})
                : std::string(event_name(e.event)) + " by " + e.actor.id)
        << " at " << short_time(e.at) << "\n";
  }
  const std::string amount = text_of(record, {"contract", "draft", "amount"});
  if (!amount.empty())
    out << "Contract:  amount " << amount << ", delivery "
        << text_of(record, {"contract", "draft", "delivery_date"}) << ", version "
        << text_of(record, {"contract", "version"}) << "\n";
  const std::string margin = text_of(record, {"evaluation", "quote", "margin"});
  if (!margin.empty()) {
    std::ostringstream m;
    m << std::fixed << std::setprecision(1) << std::stod(margin) * 100 << " %";
    out << "Margin:    " << m.str() << "\n";
  }
  out << "Risk:      level " << text_of(record, {"risk", "level"}) << ", index "
      << text_of(record, {"risk", "index"}) << "\n";
  print_deadlines(out, c.deadlines(), now);
}

void print_history(std::ostream& out, const Case& c) {
  for (const auto& e : c.ledger()) {
    std::string what;
    if (e.kind == EntryKind::escalation) {
      what = "⚠ escalation: " + text_of(e.payload, {"deadline"}) +
             (e.payload.contains("key") ? " [" + text_of(e.payload, {"key"}) + "]" : "") +
             " level " + text_of(e.payload, {"level"}) + " → " + join([&] {
               std::vector<std::string> r;
               if (auto* a = e.payload.if_contains("escalate_to"); a && a->is_array())
                 for (const auto& x : a->get_array())
                   if (x.is_string()) r.emplace_back(x.get_string());
               return r;
             }());
    } else {
      what = pad(std::string(event_name(e.event)), 26) +
             pad(e.actor.id + " (" + join(e.actor.roles) + ")", 24);
      if (!e.payload.empty()) {
        std::string p = json::serialize(e.payload);
        if (p.size() > 60) p = p.substr(0, 57) + "...";
        what += " " + p;
      }
    }
    out << pad("#" + std::to_string(e.seq), 5) << short_time(e.at) << "  " << what << "\n";
    out << "      → " << join(e.state) << "\n";
  }
}

}  // namespace

namespace {

// The options of every `case` subcommand (CLI11 writes each into its field).
struct CaseOptions {
  std::string id, event, actor, payload, at, rules, data, data_file, stage, request_id;
  std::vector<std::string> sets;
  bool json = false, open_only = false;
};

void add_case_new(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* create = cmd.add_subcommand("new", "Create a case from a requirement form");
  create->add_option("id", o->id, "Case id (e.g. the sales order number)")->required();
  create->add_option("--data", o->data, "The requirement form as JSON");
  create->add_option("--data-file", o->data_file, "The requirement form from a JSON file")
      ->check(CLI::ExistingFile);
  create->add_option("--set", o->sets, "KEY=VALUE fields (customer.name=Acme, quantity=500)");
  create->add_flag("--json", o->json, "Print the case summary as JSON");
  create->callback([o, &ctx] {
    auto store = open_store(ctx);
    auto engine = open_engine(o->rules);
    const InputLimits limits = engine->limits();
    const bool file = !o->data_file.empty();
    json::object data = object_argument(
        file ? "--data-file" : "--data",
        file ? argument_text("--data-file", "@" + o->data_file, limits) : o->data, o->sets, limits);
    Case c = engine->create_case(o->id, std::move(data));
    store->create(c);
    if (o->json)
      print_json(std::cout, CaseSummary::of(c).to_json());
    else
      std::cout << "Created case " << c.id() << " (policy " << c.policy()->name() << " "
                << c.policy_version() << ") → " << join(c.state()) << "\n";
  });
}

void print_fired(std::ostream& out, const CaseOptions& o, const StoredFire& r) {
  out << o.id << ": " << r.outcome.summary() << "\n";
  out << "  revision " << r.revision << ", " << r.attempts
      << (r.attempts == 1 ? " attempt" : " attempts");
  if (r.repeated)
    out << "; a repeat of request " << o.request_id << ": its first outcome, nothing fired";
  out << "\n";
}

void add_case_fire(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* fire = cmd.add_subcommand("fire", "Fire an event on a case and store it when accepted");
  fire->add_option("id", o->id, "Case id")->required();
  fire->add_option("event", o->event, "Event, e.g. contract.sign")->required();
  fire->add_option("--actor,--as", o->actor, "Who: ID:ROLE[,ROLE] or a JSON actor")->required();
  fire->add_option("--payload", o->payload, "Payload JSON object (or @file.json)");
  fire->add_option("--set", o->sets, "KEY=VALUE payload fields (price=420000)");
  fire->add_option("--at", o->at, "When (ISO-8601; default: now)");
  fire->add_option("--request-id", o->request_id,
                   "Names the request: a repeat of it (a retry after a timeout) gets the first "
                   "outcome back and fires nothing");
  fire->add_flag("--json", o->json,
                 "Print the outcome as JSON (with revision, attempts, repeated)");
  fire->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    const InputLimits limits = engine->limits();
    FireOptions options;
    options.request_id = o->request_id;
    const StoredFire r =
        fire_stored(*store, *engine, o->id, o->event, actor_argument(o->actor, limits),
                    object_argument("--payload", argument_text("--payload", o->payload, limits),
                                    o->sets, limits),
                    parse_time(o->at, "--at"), options);
    if (o->json)
      print_json(std::cout, r.to_json(o->id, o->request_id));
    else
      print_fired(std::cout, *o, r);
    ctx.exit_status = r.outcome.accepted ? 0 : 1;
  });
}

void add_case_show(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* show =
      cmd.add_subcommand("show", "Where a case stands: stage, state, contract, risk, deadlines");
  show->add_option("id", o->id, "Case id")->required();
  show->add_option("--at", o->at, "Judge deadlines at this instant (default: now)");
  show->add_flag("--json", o->json, "Print the snapshot as JSON");
  show->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    Case c = load_case(*store, *engine, o->id);
    if (o->json)
      print_json(std::cout, c.snapshot());
    else
      print_case(std::cout, c, parse_time(o->at, "--at"));
  });
}

void add_case_history(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* history = cmd.add_subcommand("history", "The ledger of a case: every event and escalation");
  history->add_option("id", o->id, "Case id")->required();
  history->add_flag("--json", o->json, "Print the case ledger as JSON");
  history->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto ledger = store->ledger(o->id);
    if (!ledger) throw Error(ErrorKind::not_found, "case " + o->id, "no such case in the store");
    if (o->json) {
      print_json(std::cout, to_json(*ledger));
      return;
    }
    auto engine = open_engine(o->rules);
    print_history(std::cout, engine->replay(*ledger));
  });
}

void add_case_available(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* available = cmd.add_subcommand("available", "The events an actor may fire now");
  available->add_option("id", o->id, "Case id")->required();
  available->add_option("--actor,--as", o->actor, "Who: ID:ROLE[,ROLE] or a JSON actor")
      ->required();
  available->add_flag("--json", o->json, "Print as JSON");
  available->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    Case c = load_case(*store, *engine, o->id);
    const Actor actor = actor_argument(o->actor, engine->limits());
    const auto events = c.available(actor);
    if (o->json) {
      json::array a;
      for (const auto& e : events)
        a.push_back(json::object{{"event", e.event}, {"gated", e.gated}});
      print_json(std::cout, a);
      return;
    }
    if (events.empty())
      std::cout << "Nothing " << actor.id << " may fire on " << c.id() << " now.\n";
    for (const auto& e : events)
      std::cout << "  " << pad(e.event, 26)
                << (e.gated ? "(gate rules are checked when fired)" : "") << "\n";
  });
}

void print_tick(std::ostream& out, const StoreTickReport& r, Timestamp now) {
  out << "Tick at " << short_time(now) << " UTC: " << r.cases_checked << " case(s) checked, "
      << r.escalated << " escalation(s) recorded\n";
  for (const auto& c : r.cases)
    for (const auto& item : c.items) {
      const auto& d = item.deadline;
      out << "  " << pad(c.case_id, 12)
          << (item.status == DeadlineStatus::overdue ? "OVERDUE   " : "due soon  ")
          << pad(d.id + (d.key.empty() ? "" : " [" + d.key + "]"), 26) << "due "
          << (d.due ? short_time(*d.due) + " (" + relative(*d.due, now) + ")" : "?") << "  → "
          << join(d.escalate_to)
          << (item.escalation_seq ? "  escalated now (#" + std::to_string(item.escalation_seq) + ")"
                                  : std::string())
          << "\n";
    }
  for (const auto& [id, why] : r.failures)
    out << "  " << pad(id, 12) << "NOT CHECKED  " << why << "\n";
}

void add_case_tick(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* tick = cmd.add_subcommand(
      "tick", "Check every open case's deadlines; record and report escalations");
  tick->add_option("--now", o->at, "The instant to judge (ISO-8601; default: now)");
  tick->add_flag("--json", o->json, "Print the report as JSON");
  tick->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto engine = open_engine(o->rules);
    const Timestamp now = parse_time(o->at, "--now");
    const StoreTickReport r = tick_stored(*store, *engine, now);
    if (o->json)
      print_json(std::cout, r.to_json());
    else
      print_tick(std::cout, r, now);
    ctx.exit_status = r.failures.empty() ? 0 : 1;
  });
}

void print_case_list(std::ostream& out, const std::vector<CaseSummary>& cases) {
  out << pad("case", 14) << pad("stage", 13) << pad("rev", 5) << pad("updated", 18)
      << pad("attention", 18) << "customer\n";
  for (const auto& s : cases)
    out << pad(s.case_id, 14) << pad(s.stage, 13) << pad(std::to_string(s.revision), 5)
        << pad(s.updated ? short_time(*s.updated) : "-", 18)
        << pad(s.attention ? short_time(*s.attention) : "-", 18) << one_line(s.customer) << "\n";
  out << cases.size() << " case(s)\n";
}

void add_case_list(CLI::App& cmd, const std::shared_ptr<CaseOptions>& o, Context& ctx) {
  auto* list = cmd.add_subcommand("list", "The stored cases");
  list->add_option("--stage", o->stage, "Only cases in this stage");
  list->add_flag("--open", o->open_only, "Only cases not closed, rejected or cancelled");
  list->add_flag("--json", o->json, "Print as JSON");
  list->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    CaseFilter filter;
    if (!o->stage.empty()) filter.stage = o->stage;
    filter.open_only = o->open_only;
    const auto cases = store->list(filter);
    if (o->json) {
      json::array a;
      for (const auto& s : cases) a.push_back(s.to_json());
      print_json(std::cout, a);
      return;
    }
    print_case_list(std::cout, cases);
  });
}

}  // namespace

void add_case_command(CLI::App& app, Context& ctx) {
  if (!app.get_option_no_throw("--db"))
    app.add_option("--db", ctx.db,
                   "The case store: sqlite:PATH or a plain path (SQLite; created by `case new`)")
        ->envname("UNDERTAKE_DB");

  auto o = std::make_shared<CaseOptions>();
  auto* cmd = app.add_subcommand(
      "case", "Cases in the --db store: new, fire, show, history, available, tick, list");
  cmd->require_subcommand(1);
  cmd->add_option("--rules", o->rules,
                  "A rules directory or policy file (default: the built-in policy)");
  add_case_new(*cmd, o, ctx);
  add_case_fire(*cmd, o, ctx);
  add_case_show(*cmd, o, ctx);
  add_case_history(*cmd, o, ctx);
  add_case_available(*cmd, o, ctx);
  add_case_tick(*cmd, o, ctx);
  add_case_list(*cmd, o, ctx);
}

}  // namespace undertake::cli
