// The engine's policy versions and registrations (engine.hpp): reload_policy, patch_policy (a new
// version per patch, the one before kept), extend / add_rule / add_kpi_calculator (at once, under
// the current version, cases already open unchanged), their strong guarantee, and the open cases.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "support/errors.hpp"
#include "support/order_driver.hpp"
#include "support/policy_parts.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

// The gate of intake.confirm as a host rule named `credit` (what the C and binding tests use).
const char* const kCreditGate = R"({"gates": {"gates": {"intake.confirm": {"rules": [
  {"id": "credit-ok", "rule": "credit", "message": "over the credit limit"}]}}}})";

struct Answer final : CustomRule {
  explicit Answer(bool pass) : pass(pass) {}
  RuleVerdict check(const RuleInput&) const override {
    return {pass, pass ? "" : "over the credit limit", json::object{}};
  }
  bool pass;
};

// Fires intake.forward and intake.confirm on a new case: whether both were accepted (no Catch2
// assertion: threads call it).
bool confirmed(const Engine& engine, const std::string& id) {
  OrderDriver d(engine, id);
  return d.fire("intake.forward", kMarket).accepted && d.fire("intake.confirm", kSales).accepted;
}

struct CountCases final : KpiCalculator {
  std::string id() const override { return "sales.orders"; }
  std::optional<double> compute(const std::vector<const CaseLedger*>& cases,
                                Period) const override {
    return static_cast<double>(cases.size());
  }
};

}  // namespace

TEST_CASE("a merge patch is a new policy version; the one before stays loaded", "[api][policy]") {
  Engine engine;
  REQUIRE(engine.policy()->version() == "2026.1");
  OrderDriver before(engine, "P-1");
  const json::value snapshot = before.the_case().snapshot();

  const auto patched = engine.patch_policy(json::parse(R"({"roles": {"roles": {"auditor": {}}}})"));
  CHECK(patched->version() == "2026.1+patch.1");
  CHECK(engine.policy() == patched);
  CHECK(engine.policy_version("2026.1") != nullptr);  // not replaced in place
  CHECK(engine.restore(snapshot).policy_version() == "2026.1");
  CHECK(engine.create_case("P-2", regular_order()).policy_version() == "2026.1+patch.1");

  CHECK(engine.patch_policy(json::parse(R"({"roles": {"roles": {"auditor": null}}})"))->version() ==
        "2026.1+patch.2");
  // A patch that names its version gets it; reloading gives the versions the patches gave.
  CHECK(engine.patch_policy(json::parse(R"({"policy": {"version": "host-7"}})"))->version() ==
        "host-7");
  engine.reload_policy();
  CHECK(engine.policy()->version() == "host-7");
  CHECK(engine.patch_policy(json::object{})->version() == "host-7+patch.1");
  engine.reload_policy();
  CHECK(engine.policy()->version() == "host-7+patch.1");
}

TEST_CASE("a patch or reload that fails changes nothing", "[api][policy]") {
  Engine engine;
  const auto current = engine.policy();
  CHECK_THROWS_MATCHES(engine.patch_policy(json::parse("[1]")), Error,
                       ErrorIs(ErrorKind::invalid_json).at("patch"));
  CHECK_THROWS_MATCHES(engine.patch_policy(json::parse(kCreditGate)), Error,
                       ErrorIs(ErrorKind::invalid_policy).saying("credit"));
  json::value deep = json::object{};
  json::value* at = &deep;
  for (unsigned i = 0; i <= InputLimits::kMaxJsonDepthCeiling; ++i)
    at = &(at->as_object()["x"] = json::object{});
  CHECK_THROWS_MATCHES(engine.patch_policy(json::object{{"kpi", deep}}), Error,
                       ErrorIs(ErrorKind::limit_exceeded).at("patch"));
  CHECK(engine.policy() == current);
  CHECK(engine.policy_version("2026.1+patch.1") == nullptr);
  engine.reload_policy();  // the failed patches did not become part of the source
  CHECK(engine.policy()->version() == "2026.1");

  Engine compiled(Policy::load(PolicySource::builtin()));
  CHECK_THROWS_MATCHES(compiled.reload_policy(), Error,
                       ErrorIs(ErrorKind::invalid_argument).saying("compiled policy"));
  CHECK_THROWS_MATCHES(compiled.patch_policy(json::object{}), Error,
                       ErrorIs(ErrorKind::invalid_argument));
  compiled.load_policy(PolicySource::builtin());
  CHECK(compiled.patch_policy(json::object{})->version() == "2026.1+patch.1");
}

TEST_CASE("reload_policy reads the rules directory again", "[api][policy]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("undertake-reload-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::copy(UNDERTAKE_SOURCE_DIR "/rules/default", dir);
  Engine engine(dir.string());
  CHECK(engine.policy()->version() == "2026.1");
  { std::ofstream(dir / "policy.json") << R"({"name": "default", "version": "2026.2"})"; }
  engine.reload_policy();
  CHECK(engine.policy()->version() == "2026.2");
  CHECK(engine.policy_version("2026.1") != nullptr);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a rule registered takes effect at once, for cases created from then on",
          "[api][plugin]") {
  Engine engine;
  engine.add_rule("credit", std::make_shared<Answer>(false));
  engine.patch_policy(json::parse(kCreditGate));
  const std::string version = engine.policy()->version();
  OrderDriver open(engine, "R-1");
  REQUIRE(open.fire("intake.forward", kMarket).accepted);

  engine.add_rule("credit", std::make_shared<Answer>(true));  // no reload needed
  CHECK(engine.policy()->version() == version);               // a version names the policy's data
  CHECK(confirmed(engine, "R-2"));
  CHECK_FALSE(open.fire("intake.confirm", kSales).accepted);  // an open case keeps its rule

  // Strong guarantee: a change that throws changes nothing.
  const auto current = engine.policy();
  CHECK_THROWS_AS(engine.extend([](Extensions& e) {
    e.add_rule("other", std::make_shared<Answer>(true));
    throw std::runtime_error("host gave up");
  }),
                  std::runtime_error);
  CHECK_THROWS_MATCHES(
      engine.extend([](Extensions& e) { e.operators().add("", [](const auto&) { return 1; }); }),
      Error, ErrorIs(ErrorKind::invalid_argument));
  CHECK(engine.policy() == current);
  CHECK(engine.extensions().find_rule("other") == nullptr);
}

TEST_CASE("a KPI calculator registered takes effect at once, with its definition changes",
          "[api][kpi]") {
  Engine engine;
  KpiDefinitionChanges changes;
  changes.title = "Orders";
  changes.set_target = true;
  changes.target = 2;
  engine.add_kpi_calculator(std::make_shared<CountCases>(), changes);
  const KpiCatalogue& catalogue = engine.policy()->kpi_catalogue();
  const KpiDefinition* orders = catalogue.find("sales.orders");
  REQUIRE(orders);
  CHECK(orders->title == "Orders");
  CHECK(orders->department == "sales");
  CHECK(orders->target == 2);

  OrderDriver d(engine, "K-1");
  const KpiReport report =
      compute_kpi_report(catalogue, std::vector<CaseLedger>{d.the_case().case_ledger()},
                         Period::days("2026-01-01", "2026-12-31"));
  REQUIRE(report.find("sales.orders"));
  CHECK(report.find("sales.orders")->value == 1);
  CHECK(report.find("sales.orders")->score == 50);

  // A registration replaces the one before, changes included; a definition of kpi.json keeps what
  // the changes leave.
  engine.add_kpi_calculator(std::make_shared<CountCases>());
  CHECK(engine.policy()->kpi_catalogue().find("sales.orders")->title == "sales.orders");
  const KpiDefinition revenue = *engine.policy()->kpi_catalogue().find("sales.revenue");
  struct Revenue final : KpiCalculator {
    std::string id() const override { return "sales.revenue"; }
    std::optional<double> compute(const std::vector<const CaseLedger*>&, Period) const override {
      return 7;
    }
  };
  KpiDefinitionChanges unit;
  unit.unit = "kEUR";
  engine.add_kpi_calculator(std::make_shared<Revenue>(), unit);
  const KpiDefinition* replaced = engine.policy()->kpi_catalogue().find("sales.revenue");
  CHECK(replaced->unit == "kEUR");
  CHECK(replaced->title == revenue.title);
  CHECK(replaced->target == revenue.target);
  // The registrations stay for the policies loaded later.
  engine.load_policy(PolicySource::builtin());
  CHECK(engine.policy()->kpi_catalogue().find("sales.revenue")->unit == "kEUR");
  CHECK_THROWS_MATCHES(engine.add_kpi_calculator(nullptr), Error,
                       ErrorIs(ErrorKind::invalid_argument));
}

TEST_CASE("open cases are found by id until closed or dropped", "[api]") {
  Engine engine;
  Engine& mutable_engine = engine;
  std::shared_ptr<Case> open = mutable_engine.open_case(engine.create_case("O-1", regular_order()));
  CHECK(engine.find_case("O-1") == open);
  CHECK(engine.find_case("O-2") == nullptr);
  CHECK_THROWS_MATCHES(mutable_engine.open_case(engine.create_case("O-1", regular_order())), Error,
                       ErrorIs(ErrorKind::conflict).at("case O-1"));
  // Closing another case of the same id does nothing; closing this one ends it.
  const Case other = engine.create_case("O-1", regular_order());
  mutable_engine.close_case(other);
  CHECK(engine.find_case("O-1") == open);
  mutable_engine.close_case(*open);
  CHECK(engine.find_case("O-1") == nullptr);
  mutable_engine.open_case(open);
  open.reset();  // the engine holds it weakly
  CHECK(engine.find_case("O-1") == nullptr);
  for (int i = 0; i < 200; ++i)  // entries of dropped cases are swept, ids opened again
    mutable_engine.open_case(engine.create_case("O-" + std::to_string(i % 3), regular_order()));
  CHECK(engine.find_case("O-1") == nullptr);
}

TEST_CASE("reports read ledgers and snapshots alike", "[api][kpi]") {
  const Engine engine;
  OrderDriver d(engine, "L-1");
  d.advance_to("contract.sign");
  const CaseLedger ledger = d.the_case().case_ledger();
  const json::value as_ledger = to_json(ledger);
  const json::value snapshot = d.the_case().snapshot();
  for (const json::value& doc :
       {json::value(json::array{as_ledger, snapshot}),
        json::value(json::object{{"cases", json::array{snapshot}}}), snapshot}) {
    const std::vector<CaseLedger> read = report_ledgers_from_json(doc, "ledgers");
    REQUIRE_FALSE(read.empty());
    CHECK(to_json(read.back()) == as_ledger);
  }
  CHECK_THROWS_MATCHES(report_ledgers_from_json(json::parse("[1]"), "ledgers"), Error,
                       ErrorIs(ErrorKind::invalid_json));
}

TEST_CASE("registrations and patches while other threads create cases", "[api][threads]") {
  Engine engine;
  engine.add_rule("credit", std::make_shared<Answer>(true));
  engine.patch_policy(json::parse(kCreditGate));
  std::atomic<bool> done{false};
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 3; ++t)
    workers.emplace_back([&, t] {
      for (int n = 0; !done.load() || n < 5; ++n) {
        const std::string id = "T-" + std::to_string(t) + "-" + std::to_string(n);
        ++(confirmed(engine, id) ? created : refused);
      }
    });
  for (int i = 0; i < 20; ++i) {
    engine.add_rule("credit", std::make_shared<Answer>(true));
    if (i % 5 == 0) engine.patch_policy(json::object{});
  }
  done = true;
  for (auto& w : workers) w.join();
  CHECK(refused.load() == 0);
  CHECK(created.load() >= 15);
  CHECK(engine.policy()->version() == "2026.1+patch.5");
}
