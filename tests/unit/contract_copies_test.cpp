// The departments that receive contract copies (policy §二(三)2) are policy data: process.json
// `contract.copies_to`, listed in the ledger row contract.archive writes.
#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include "support/order_driver.hpp"
#include "support/policy_parts.hpp"

using namespace undertake;
using namespace undertake::testing;

namespace {

// The ledger row's copies_to once a case of `engine` is archived.
boost::json::value archived_copies(const Engine& engine) {
  OrderDriver d(engine);
  d.advance_to("kickoff.meeting");
  return d.the_case().record().at("contract").at("archived").at("ledger_row").at("copies_to");
}

std::vector<std::string> problems_with_process(const char* json) {
  return Policy::check(builtin_with_text("process", json));
}

}  // namespace

TEST_CASE("the built-in policy sends contract copies to market, technical, production, quality",
          "[policy][process]") {
  const Engine engine;
  CHECK(archived_copies(engine) ==
        boost::json::parse(R"(["market", "technical", "production", "quality"])"));
  CHECK(Policy::load(PolicySource::builtin())->contract_copies_to() ==
        std::vector<std::string>{"market", "technical", "production", "quality"});
}

TEST_CASE("a policy that names other departments changes the contract's ledger row",
          "[policy][process]") {
  Engine engine;
  engine.load_policy(builtin_with_text("process", R"({
    "kickoff": {"departments": ["technical", "production", "quality"]},
    "contract": {"copies_to": ["production", "legal"]}})"));
  CHECK(archived_copies(engine) == boost::json::parse(R"(["production", "legal"])"));
}

TEST_CASE("a policy that does not name them keeps the built-in policy's departments",
          "[policy][process]") {
  Engine engine;
  engine.load_policy(builtin_with_text(
      "process", R"({"kickoff": {"departments": ["technical", "production", "quality"]}})"));
  CHECK(archived_copies(engine) ==
        boost::json::parse(R"(["market", "technical", "production", "quality"])"));
}

TEST_CASE("contract copies must go to departments the policy declares", "[policy][process]") {
  auto p = problems_with_process(R"({"contract": {"copies_to": ["market", "warehouse"]}})");
  REQUIRE(p.size() == 1);
  CHECK_THAT(p.front(), Catch::Contains("rules/default/process.json") &&
                            Catch::Contains("/contract/copies_to/1") &&
                            Catch::Contains("\"warehouse\" is not a role declared in roles"));
  p = problems_with_process(R"({"contract": {"copies_to": "market"}})");
  REQUIRE(p.size() == 1);
  CHECK_THAT(p.front(), Catch::Contains("/contract/copies_to") &&
                            Catch::Contains("expected an array of strings"));
  p = problems_with_process(R"({"contract": {"copies": ["market"]}})");
  REQUIRE(p.size() == 1);
  CHECK_THAT(p.front(), Catch::Contains("/contract/copies") && Catch::Contains("unknown field"));
  CHECK_THROWS_AS(
      Policy::load(builtin_with_text("process", R"({"contract": {"copies_to": ["warehouse"]}})")),
      Error);
}
