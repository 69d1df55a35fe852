// Deadline steps in scenario files (scenario_tick.hpp).
#include "cli/scenario_tick.hpp"

#include <algorithm>
#include <ostream>
#include <set>

#include "undertake/deadlines.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

[[noreturn]] void bad(const std::string& file, const std::string& path, const std::string& why) {
  throw Error(ErrorKind::invalid_json, file + ": " + path, why);
}

std::string name_of(const PendingDeadline& d) {
  return d.key.empty() ? d.id : d.id + " [" + d.key + "]";
}

std::string text(const std::set<std::string>& s) {
  std::string out = "[";
  for (const auto& x : s) out += (out.size() > 1 ? ", " : "") + x;
  return out + "]";
}

}  // namespace

bool is_tick_step(const json::object& step) {
  return step.contains("tick");
}

void run_tick_step(Case& c, const json::object& step, const std::string& file,
                   const std::string& step_path, const std::string& where, bool verbose,
                   ScenarioTally& tally, std::ostream& out) {
  for (const auto& kv : step)
    if (kv.key() != "tick" && kv.key() != "expect" && kv.key() != "note")
      bad(file, step_path + "/" + std::string(kv.key()),
          "unknown field in a tick step (expected tick, expect, note)");
  const json::value& when = step.at("tick");
  std::optional<Timestamp> now;
  if (when.is_string()) now = parse_iso8601(when.get_string());
  if (!now) bad(file, step_path + "/tick", "expected an ISO-8601 date or date-time");

  std::set<std::string> escalated, overdue, due_soon, pending;
  std::string error;
  try {
    const auto first_new = c.revision();
    const TickResult r = c.tick(*now);
    for (std::size_t i = first_new; i < c.ledger().size(); ++i) {
      const auto& p = c.ledger()[i].payload;
      std::string name(p.at("deadline").as_string());
      if (const auto* k = p.if_contains("key")) name += " [" + std::string(k->as_string()) + "]";
      escalated.insert(name);
    }
    for (const auto& item : r.items)
      (item.status == DeadlineStatus::overdue ? overdue : due_soon).insert(name_of(item.deadline));
    for (const auto& d : c.deadlines()) pending.insert(name_of(d));
    if (verbose)
      out << "  " << c.id() << " tick " << format_iso8601(*now) << ": " << r.escalated
          << " escalation(s), overdue " << text(overdue) << ", due soon " << text(due_soon) << "\n";
  } catch (const Error& e) {
    error = e.what();
  }
  if (!error.empty()) {
    ++tally.failed;
    out << "FAIL " << where << ": tick failed: " << error << "\n";
    return;
  }
  const json::value* expect = step.if_contains("expect");
  if (!expect) return;
  if (!expect->is_object()) bad(file, step_path + "/expect", "expected an object");
  for (const auto& kv : expect->get_object()) {
    const std::string key(kv.key());
    const std::set<std::string>* got = key == "escalations" ? &escalated
                                       : key == "overdue"   ? &overdue
                                       : key == "due_soon"  ? &due_soon
                                       : key == "pending"   ? &pending
                                                            : nullptr;
    if (!got)
      bad(file, step_path + "/expect/" + key,
          "unknown expectation (expected escalations, overdue, due_soon, pending)");
    if (!kv.value().is_array())
      bad(file, step_path + "/expect/" + key, "expected an array of deadline ids");
    std::set<std::string> want;
    for (const auto& v : kv.value().get_array()) {
      if (!v.is_string())
        bad(file, step_path + "/expect/" + key, "expected an array of deadline ids");
      want.insert(std::string(v.get_string()));
    }
    if (want == *got) {
      ++tally.passed;
    } else {
      ++tally.failed;
      out << "FAIL " << where << ": expected " << key << " " << text(want) << ", got " << text(*got)
          << "\n";
    }
  }
}

}  // namespace undertake::cli
