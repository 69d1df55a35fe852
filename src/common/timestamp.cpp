// ISO-8601 parsing and formatting.
//
// Calendar arithmetic comes from Howard Hinnant's date library; the scanner itself is written out
// because date::parse goes through iostreams (slow on ledger replay) and accepts more than we want
// to accept from a host (we refuse `2026-3-2` and trailing text rather than guess).
#include "undertake/timestamp.hpp"

#include <date/date.h>

UNDERTAKE_BEGIN_NAMESPACE
namespace {

bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) noexcept {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<Timestamp> parse_iso8601(std::string_view s) noexcept {
  int year = 0, month = 0, day = 0;
  if (!read_digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !read_digits(s, 5, 2, month) ||
      s[7] != '-' || !read_digits(s, 8, 2, day))
    return std::nullopt;
  if (year < 1) return std::nullopt;
  const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const auto midnight = date::sys_days{ymd};
  Timestamp at = std::chrono::time_point_cast<std::chrono::milliseconds>(midnight);
  if (s.size() == 10) return at;

  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0;
  std::size_t pos = 11;
  if (!read_digits(s, pos, 2, hour) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !read_digits(s, pos + 3, 2, minute))
    return std::nullopt;
  pos += 5;
  if (pos < s.size() && s[pos] == ':') {
    if (!read_digits(s, pos + 1, 2, second)) return std::nullopt;
    pos += 3;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const std::size_t first = pos;
      int scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        millis += (s[pos] - '0') * scale;  // digits past milliseconds are dropped, not rounded
        scale /= 10;
        ++pos;
      }
      if (pos == first) return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: a leap second
  int offset_minutes = 0;
  if (pos >= s.size()) return std::nullopt;  // a date-time without zone is ambiguous: refuse it
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!read_digits(s, pos + 1, 2, oh)) return std::nullopt;
    std::size_t next = pos + 3;
    if (next < s.size() && s[next] == ':') ++next;
    if (!read_digits(s, next, 2, om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos = next + 2;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  at += std::chrono::hours{hour} + std::chrono::minutes{minute - offset_minutes} +
        std::chrono::seconds{second} + std::chrono::milliseconds{millis};
  if (!in_iso8601_range(at)) return std::nullopt;  // 9999-12-31T23:00-05:00 is in year 10000
  return at;
}

namespace {

// Writes `value` as exactly `width` digits at `out` (values here are always in range).
char* put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// Formats by hand: snprintf showed up as a quarter of the cost of fire() (every record stamp and
// ledger entry is an ISO-8601 string).
char* put_date(char* out, const date::year_month_day& ymd) {
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // only from a host's own Timestamp: keep every digit
    const std::string digits = std::to_string(year);
    for (char c : digits) *out++ = c;
  } else {
    out = put_digits(out, static_cast<unsigned>(year), 4);
  }
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  return put_digits(out, static_cast<unsigned>(ymd.day()), 2);
}

}  // namespace

std::string format_iso8601(Timestamp at) {
  char buffer[kIso8601MaxLength];
  return std::string(buffer, format_iso8601(at, buffer));
}

std::size_t format_iso8601(Timestamp at, char (&buffer)[kIso8601MaxLength]) {
  // The longest: a 6-character year (date::year holds -32767..32767), 15 more, ".fff", "Z": 26.
  const auto day = date::floor<date::days>(at);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::milliseconds> tod{at - day};
  char* out = put_date(buffer, ymd);
  *out++ = 'T';
  out = put_digits(out, static_cast<unsigned>(tod.hours().count()), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(tod.minutes().count()), 2);
  *out++ = ':';
  out = put_digits(out, static_cast<unsigned>(tod.seconds().count()), 2);
  if (const auto ms = static_cast<unsigned>(tod.subseconds().count()); ms != 0) {
    *out++ = '.';
    out = put_digits(out, ms, 3);
  }
  *out++ = 'Z';
  return static_cast<std::size_t>(out - buffer);
}

std::string format_iso8601_date(Timestamp at) {
  char buffer[32];
  char* out = put_date(buffer, date::year_month_day{date::floor<date::days>(at)});
  return std::string(buffer, out);
}

double days_between(Timestamp from, Timestamp to) noexcept {
  return static_cast<double>((to - from).count()) / 86'400'000.0;
}

UNDERTAKE_END_NAMESPACE
