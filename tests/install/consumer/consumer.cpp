// A C++ host: the same order through the C++ API.
#include <undertake/undertake.hpp>

#include <iostream>

int main() {
  try {
    undertake::Engine engine;
    undertake::Case order = engine.create_case(
        "SO-1", boost::json::object{{"customer", {{"name", "ACME"}, {"tier", "regular"}}},
                                    {"quantity", 10}});
    const auto at = undertake::parse_iso8601("2026-03-02T09:00:00Z");
    const undertake::Outcome outcome =
        order.fire("intake.forward", undertake::Actor{"mei", {"market"}}, {}, *at);
    std::cout << "undertake (C++): " << outcome.summary() << "\n";
    return outcome.accepted && order.in("Intake.SalesReview") ? 0 : 1;
  } catch (const undertake::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
