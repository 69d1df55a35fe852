// The routes of the process: the choice points the machine asks about and the policy decides
// (routes.json). The one list of them: the machine's guards name the enum, the policy checks that
// routes.json defines exactly these names, the case asks the policy by name.
#pragma once

#include "undertake/config.hpp"
#include <cstddef>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

// X(identifier) — the route's name in routes.json is its identifier.
//   strategy_meeting_required  key customers and major projects meet before evaluation (§二(一)2)
//   design_required            standard catalogue products skip design and samples (design.md §2)
#define UNDERTAKE_ROUTES(X)    \
  X(strategy_meeting_required) \
  X(design_required)

enum class Route {
#define UNDERTAKE_ROUTE_ENUM(id) id,
  UNDERTAKE_ROUTES(UNDERTAKE_ROUTE_ENUM)
#undef UNDERTAKE_ROUTE_ENUM
};

inline constexpr std::string_view kRouteNames[] = {
#define UNDERTAKE_ROUTE_NAME(id) #id,
    UNDERTAKE_ROUTES(UNDERTAKE_ROUTE_NAME)
#undef UNDERTAKE_ROUTE_NAME
};

constexpr std::string_view route_name(Route route) noexcept {
  return kRouteNames[static_cast<std::size_t>(route)];
}

/// `strategy_meeting_required, design_required`: the routes for a message.
inline std::string route_names_text() {
  std::string out;
  for (std::string_view name : kRouteNames) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
