#include "undertake/events.hpp"

UNDERTAKE_BEGIN_NAMESPACE

std::optional<EventId> event_from_name(std::string_view name) noexcept {
  // 51 names: a linear scan costs less than hashing at this size and needs no static table.
  for (std::size_t i = 0; i < kEventCount; ++i)
    if (kEventNames[i] == name) return static_cast<EventId>(i);
  return std::nullopt;
}

UNDERTAKE_END_NAMESPACE
