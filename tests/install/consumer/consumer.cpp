// A C++ host: the same order through the C++ API, kept in a SQLite store, with an error the
// library throws caught by the host (across the shared library's boundary when it is shared).
#include <undertake/sqlite_store.hpp>
#include <undertake/undertake.hpp>

#include <cstdio>
#include <iostream>
#include <string>

namespace {

// An Error thrown inside the library, caught here by its type: a shared library must export the
// type's information (UNDERTAKE_API), or the handler would not match and the host would abort.
bool refuses_bad_id(const undertake::Engine& engine) {
  try {
    engine.create_case("", boost::json::object{});
  } catch (const undertake::Error& e) {
    std::cout << "undertake (C++): " << undertake::error_kind_name(e.kind()) << ": " << e.what()
              << "\n";
    return e.kind() == undertake::ErrorKind::invalid_argument;
  }
  return false;
}

}  // namespace

int main() {
  try {
    undertake::Engine engine;
    const std::shared_ptr<const undertake::Policy> policy = engine.policy();
    undertake::Case order = engine.create_case(
        "SO-1", boost::json::object{{"customer", {{"name", "ACME"}, {"tier", "regular"}}},
                                    {"quantity", 10}});
    const auto at = undertake::parse_iso8601("2026-03-02T09:00:00Z");
    const undertake::Outcome outcome =
        order.fire("intake.forward", undertake::Actor{"mei", {"market"}}, {}, *at);
    std::cout << "undertake (C++): " << outcome.summary() << "\n";
    const undertake::Outcome refused =
        order.fire("contract.sign", undertake::Actor{"li", {"sales"}}, {}, *at);
    const bool refused_by_state =
        !refused.reasons.empty() && refused.reasons.front().kind == undertake::ReasonKind::state &&
        std::string(undertake::reason_kind_name(refused.reasons.front().kind)) == "state";

    std::remove("consumer.sqlite");
    const auto store = undertake::open_sqlite_store("consumer.sqlite");
    store->create(order);
    const undertake::Case loaded = undertake::load_case(*store, engine, "SO-1");
    std::cout << "undertake (C++): policy " << policy->name() << " " << policy->version()
              << ", stored case " << loaded.id() << " at revision " << loaded.revision() << "\n";
    return outcome.accepted && order.in("Intake.SalesReview") && refused_by_state &&
                   loaded.in("Intake.SalesReview") && refuses_bad_id(engine)
               ? 0
               : 1;
  } catch (const undertake::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
