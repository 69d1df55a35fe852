// undertake — instants in time, as the engine sees them.
//
// The engine never reads the wall clock: every instant is passed in by the host (an event's
// `at`, a `tick(now)`, a KPI period). Instants are UTC milliseconds since the Unix epoch, written
// and read as ISO-8601 (`2026-03-02` or `2026-03-02T09:00:00Z`, optional fraction and offset).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace undertake {

/// A UTC instant with millisecond resolution.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

/// Parses an ISO-8601 date (`YYYY-MM-DD`, taken as midnight UTC) or date-time
/// (`YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm`; a space may stand for `T`).
/// Returns nothing when the text is not such an instant or names an impossible date (2026-02-30).
/// Years are limited to 0001–9999.
std::optional<Timestamp> parse_iso8601(std::string_view text) noexcept;

/// Formats an instant as `YYYY-MM-DDThh:mm:ssZ`, with `.fff` only when milliseconds are not zero.
std::string format_iso8601(Timestamp at);

/// The same text written into `out` without allocating; returns its length (at most
/// kIso8601MaxLength, no NUL is written).
inline constexpr std::size_t kIso8601MaxLength = 40;
std::size_t format_iso8601(Timestamp at, char (&out)[kIso8601MaxLength]);

/// Formats the calendar date of an instant (UTC) as `YYYY-MM-DD`.
std::string format_iso8601_date(Timestamp at);

/// Fractional days from `from` to `to` (negative when `to` is earlier).
double days_between(Timestamp from, Timestamp to) noexcept;

}  // namespace undertake
