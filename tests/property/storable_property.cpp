// Property (issue 13, limits.hpp): everything the engine accepts, it can store, load and restore.
//
// Each sequence sets random limits on one engine (mostly the defaults, sometimes a small depth or
// byte limit, so that the limits are reached), then creates a case with a random id and a random
// requirement form, and fires random events along the main path with random payloads — random
// JSON with deep nesting around the payload budget, long strings, invalid UTF-8, huge and tiny
// numbers, infinities, control characters, many keys — and now and then a hostile actor.
//
//   * whenever the engine accepts, the SQLite store takes it (create, save), and after the store
//     is reopened load_case gives a case whose snapshot equals the live one; the snapshot's text
//     is within max_json_bytes and max_json_depth (so ut_case_restore reads it) and restores;
//   * whenever the engine refuses a case or an event for what it was given, the refusal names
//     the limit or the rule (max_json_depth, max_json_bytes, UTF-8, finite, the id rules).
#include <rapidcheck.h>

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <string>

#include <unistd.h>

#include "../unit/support/order_driver.hpp"
#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

// A number in [lo, hi], uniform (inRange alone is scaled down by RapidCheck's size at first).
int pick(int lo, int hi) {
  return *rc::gen::resize(rc::kNominalSize, rc::gen::inRange(lo, hi + 1));
}
bool chance(int percent) {
  return pick(1, 100) <= percent;
}

std::string random_string() {
  const int kind = pick(0, 99);
  if (kind < 50) return *rc::gen::container<std::string>(rc::gen::inRange('a', 'z'));
  if (kind < 65) return "客戶 ✓ é";
  if (kind < 77) {  // control characters (valid UTF-8, storable: JSON escapes them)
    std::string s = "a";
    s += static_cast<char>(pick(0, 31));
    s += "\x1b[31m\x7f\xc2\x9b";
    return s;
  }
  if (kind < 80) {  // invalid UTF-8
    const char* bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ab\xe2\x82"};
    return std::string("x") + bad[pick(0, 4)];
  }
  if (kind < 90) return std::string(static_cast<std::size_t>(pick(1000, 5000)), 'l');
  if (kind < 95) return std::string(static_cast<std::size_t>(pick(20000, 150000)), 'L');
  return "";
}

json::value random_number() {
  switch (pick(0, 23)) {
    case 0:
      return std::numeric_limits<std::int64_t>::min();
    case 1:
      return std::numeric_limits<std::uint64_t>::max();
    case 2:
      return 1e308;
    case 3:
      return -1.7976931348623157e308;
    case 4:
      return 5e-324;
    case 5:
      return 1e-300;
    case 6:
      return std::numeric_limits<double>::infinity();  // a C++ host can build these
    case 7:
      return std::nan("");
    case 8:
      return 0.1;
    case 9:
      return -0.0;
    default:
      return pick(-1000000, 1000000);
  }
}

json::value random_json(int depth);

// A chain of arrays and objects `levels` deep around a scalar (deep nesting near the budget).
json::value chain(int levels) {
  json::value v = random_number();
  for (int i = 0; i < levels; ++i) {
    if (chance(50))
      v = json::array{std::move(v)};
    else
      v = json::object{{"k", std::move(v)}};
  }
  return v;
}

json::object random_object(int depth, int max_keys) {
  json::object o;
  const int n = pick(0, max_keys);
  for (int i = 0; i < n; ++i) o[random_string().substr(0, 40)] = random_json(depth + 1);
  return o;
}

json::value random_json(int depth) {
  const int kind = pick(0, 99);
  if (kind < 15) return nullptr;
  if (kind < 25) return chance(50);
  if (kind < 45) return random_number();
  if (kind < 65 || depth > 4) return json::value(random_string());
  if (kind < 75) {
    json::array a;
    const int n = chance(10) ? pick(50, 300) : pick(0, 4);
    for (int i = 0; i < n; ++i) a.push_back(random_json(depth + 1));
    return a;
  }
  if (kind < 88) return random_object(depth, chance(10) ? 200 : 4);
  return chain(pick(0, 1) ? pick(50, 66) : pick(0, 12));  // around the budget (60 by default)
}

// Extra fields for a payload or form: the rest is what the engine validates.
void add_random_fields(json::object& o) {
  const int n = pick(0, 3);
  for (int i = 0; i < n; ++i)
    o[chance(80) ? "note" + std::to_string(i) : random_string()] = random_json(1);
}

std::string random_id(int serial) {
  const std::string plain = "P-" + std::to_string(serial);
  switch (pick(0, 39)) {
    case 0:
      return "";
    case 1:
      return plain + "\xff";
    case 2:
      return plain + "\n";
    case 3:
      return plain + "\x1b[2J";
    case 4:
      return plain + "\xc2\x9b";
    case 5:
      return std::string(4097, 'i');
    case 6:
      return plain + std::string(4096 - plain.size(), 'i');  // exactly the limit
    default:
      return plain;
  }
}

Actor random_actor(const Actor& right) {
  if (chance(92)) return right;
  Actor a = right;
  const int kind = pick(0, 3);
  if (kind == 0) a.id = "";
  if (kind == 1) a.id += "\xff";
  if (kind == 2) a.roles.push_back("sales\n");
  if (kind == 3) a.id = std::string(5000, 'a');
  return a;
}

InputLimits random_limits() {
  InputLimits l;
  if (chance(60)) return l;
  if (chance(50))
    l.max_json_depth =
        static_cast<unsigned>(pick(static_cast<int>(InputLimits::kMinJsonDepth), 64));
  if (chance(60)) l.max_json_bytes = std::size_t{1} << pick(15, 20);  // 32 KiB to 1 MiB
  return l;
}

// Values equal but for the last bits of doubles (Boost.JSON 1.81 does not read every decimal
// back as the nearest double: docs/security.md).
bool same(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& kv : p) {
      const json::value* other = q.if_contains(kv.key());
      if (!other || !same(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool contains(const std::string& text, std::initializer_list<const char*> any) {
  for (const char* s : any)
    if (text.find(s) != std::string::npos) return true;
  return false;
}

// The refusal of a new case must say what broke which rule.
void check_creation_error(const Error& e) {
  const std::string m = e.what();
  if (std::getenv("STORABLE_DEBUG")) std::cerr << m.substr(0, 200) << "\n";
  RC_TAG(std::string("case refused: ") + error_kind_name(e.kind()));
  if (e.kind() == ErrorKind::limit_exceeded)
    RC_ASSERT(contains(m, {"max_json_depth", "max_json_bytes"}));
  else
    RC_ASSERT(e.kind() == ErrorKind::invalid_argument);
  if (e.where() == "case id")
    RC_ASSERT(
        contains(m, {"non-empty id", "max_id_bytes", "not valid UTF-8", "a control character"}));
  else
    RC_ASSERT(contains(m, {"max_json", "UTF-8", "finite", "data."}));
}

void check_refusal(const Outcome& o) {
  for (const auto& r : o.reasons) {
    RC_ASSERT(!r.message.empty());
    if (r.kind == ReasonKind::limit)
      RC_ASSERT(contains(r.message, {"max_json_depth", "max_json_bytes"}));
  }
}

// The snapshot's text reads back within the limits (as ut_case_restore reads it) and restores.
void check_text_round_trip(const Engine& engine, const Case& c, const InputLimits& limits) {
  const std::string text = json::serialize(c.snapshot());
  RC_ASSERT(text.size() <= limits.max_json_bytes);
  json::parse_options options;
  options.max_depth = limits.max_json_depth;
  json::error_code ec;
  const json::value parsed = json::parse(text, ec, {}, options);
  RC_ASSERT(!ec);
  RC_ASSERT(same(engine.restore(parsed).snapshot(), c.snapshot()));
  // The case ledger as KPI input (an array of ledgers) is within the depth limit too.
  json::array ledgers{to_json(c.case_ledger())};
  options.max_depth = limits.max_json_depth;
  (void)json::parse(json::serialize(ledgers), ec, {}, options);
  RC_ASSERT(!ec);
}

struct Figures {
  std::size_t sequences = 0, cases = 0, events = 0, accepted = 0, limit_refusals = 0;
};

}  // namespace

int main() {
  const auto dir =
      std::filesystem::temp_directory_path() / ("undertake-storable-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "cases.db").string();
  Engine engine;
  Figures fig;
  int serial = 0;

  const bool ok = rc::check("accepted ⇒ storable, loadable, restorable", [&] {
    ++fig.sequences;
    const InputLimits limits = random_limits();
    engine.set_limits(limits);
    SqliteOptions options;
    options.synchronous = SqliteOptions::Sync::off;
    options.limits = limits;
    const std::string id = random_id(++serial);
    json::object form = chance(90) ? regular_order() : random_object(0, 6);
    if (chance(50)) add_random_fields(form);
    if (limits.max_json_bytes <= (1u << 20) && chance(10))
      form["spec"] = std::string(limits.max_json_bytes * pick(5, 60) / 100, 'S');

    std::optional<Case> live;
    try {
      live.emplace(engine.create_case(id, form));
    } catch (const Error& e) {
      check_creation_error(e);
      return;
    }
    ++fig.cases;
    {
      SqliteCaseStore store(path, options);
      store.create(*live);
      const auto steps = main_path();
      std::size_t next = 0;
      Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
      const int n = pick(1, 24);
      bool limited = false;
      for (int i = 0; i < n && next < steps.size(); ++i) {
        const Step& step = steps[next];
        json::object payload = json::parse(step.payload).as_object();
        if (chance(15))
          payload = random_object(0, 5);
        else if (chance(70))
          add_random_fields(payload);
        if (limits.max_json_bytes <= (1u << 20) && chance(12))  // a share of the byte limit
          payload["big"] = std::string(limits.max_json_bytes * pick(5, 60) / 100, 'B');
        at += std::chrono::hours(1);
        const std::uint64_t before = live->revision();
        const Outcome o = live->fire(step.event, random_actor(step.actor), payload, at);
        ++fig.events;
        if (o.accepted) {
          ++fig.accepted;
          ++next;
          store.save(*live, before);  // must not throw: what was accepted can be stored
        } else {
          for (const auto& r : o.reasons) {
            fig.limit_refusals += r.kind == ReasonKind::limit;
            limited = limited || r.kind == ReasonKind::limit;
          }
          check_refusal(o);
          RC_ASSERT(live->revision() == before);
        }
      }
      if (limited) RC_TAG("an event refused for a limit");
    }
    SqliteCaseStore reopened(path, options);
    const Case loaded = load_case(reopened, engine, id);
    // A loaded case is its head; the store gives the whole snapshot, ledger rows included.
    const SnapshotOptions head{false};
    RC_ASSERT(same(loaded.snapshot(head), live->snapshot(head)));
    RC_ASSERT(same(*reopened.snapshot(id), live->snapshot()));
    RC_ASSERT(reopened.ledger(id).has_value());
    check_text_round_trip(engine, *live, limits);
    RC_TAG(live->revision() > 10 ? "11+ events stored" : "0-10 events stored");
  });

  std::cout << "storable property: " << fig.sequences << " sequences, " << fig.cases
            << " cases created and stored, " << fig.events << " events fired, " << fig.accepted
            << " accepted and stored, " << fig.limit_refusals << " refused for a limit\n";
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}
