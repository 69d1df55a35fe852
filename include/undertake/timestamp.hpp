// undertake — instants in time, as the engine sees them.
//
// The engine never reads the wall clock: every instant is passed in by the host (an event's
// `at`, a `tick(now)`, a KPI period). Instants are UTC milliseconds since the Unix epoch, written
// and read as ISO-8601 (`2026-03-02` or `2026-03-02T09:00:00Z`, optional fraction and offset).
#pragma once

#include "undertake/config.hpp"
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE

/// A UTC instant with millisecond resolution.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

/// The instants ISO-8601 writes with four-digit years (no expansion): 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.999Z. One rule for every instant: text outside is refused when parsed
/// (also when its zone offset moves it out), an event time outside is refused, and instants the
/// engine computes (a due date a number of days after a date) are clamped into it.
inline constexpr Timestamp kFirstInstant{std::chrono::milliseconds{-62'135'596'800'000}};
inline constexpr Timestamp kLastInstant{std::chrono::milliseconds{253'402'300'799'999}};
constexpr bool in_iso8601_range(Timestamp t) noexcept {
  return t >= kFirstInstant && t <= kLastInstant;
}
constexpr Timestamp clamp_to_iso8601_range(Timestamp t) noexcept {
  return t < kFirstInstant ? kFirstInstant : t > kLastInstant ? kLastInstant : t;
}

/// Parses an ISO-8601 date (`YYYY-MM-DD`, taken as midnight UTC) or date-time
/// (`YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm`; a space may stand for `T`).
/// Returns nothing when the text is not such an instant or names an impossible date (2026-02-30).
/// Years are limited to 0001–9999, and so is the instant after its offset is applied.
UNDERTAKE_API std::optional<Timestamp> parse_iso8601(std::string_view text) noexcept;

/// Formats an instant as `YYYY-MM-DDThh:mm:ssZ`, with `.fff` only when milliseconds are not zero.
/// An instant outside kFirstInstant..kLastInstant (only a C++ host can make one) is written with
/// all the digits of its year, which parse_iso8601 does not read back.
UNDERTAKE_API std::string format_iso8601(Timestamp at);

/// The same text written into `out` without allocating; returns its length (at most
/// kIso8601MaxLength, no NUL is written).
inline constexpr std::size_t kIso8601MaxLength = 40;
UNDERTAKE_API std::size_t format_iso8601(Timestamp at, char (&out)[kIso8601MaxLength]);

/// Formats the calendar date of an instant (UTC) as `YYYY-MM-DD`.
UNDERTAKE_API std::string format_iso8601_date(Timestamp at);

/// Fractional days from `from` to `to` (negative when `to` is earlier).
UNDERTAKE_API double days_between(Timestamp from, Timestamp to) noexcept;

UNDERTAKE_END_NAMESPACE
