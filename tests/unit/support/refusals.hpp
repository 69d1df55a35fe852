// Test support: an event that must be refused and leave the case exactly as it was.
#pragma once

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "order_driver.hpp"

namespace undertake::testing {

/// Fires an event that must be refused, checks the refusal's kind (and that it says why) and that
/// the case's whole snapshot (state, record, ledger) is byte-for-byte what it was.
inline Outcome refuse(OrderDriver& d, const std::string& event, const Actor& who,
                      std::string_view payload, ReasonKind kind) {
  const std::string before = boost::json::serialize(d.the_case().snapshot());
  const Outcome o = d.fire(event, who, payload);
  INFO(o.summary());
  REQUIRE_FALSE(o.accepted);
  REQUIRE_FALSE(o.reasons.empty());
  CHECK(o.reasons.front().kind == kind);
  CHECK_FALSE(o.reasons.front().message.empty());
  CHECK(boost::json::serialize(d.the_case().snapshot()) == before);
  return o;
}

}  // namespace undertake::testing
