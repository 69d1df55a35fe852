// ISO-8601 instants: what the engine accepts from hosts and how it writes them.
#include <catch2/catch.hpp>

#include "undertake/timestamp.hpp"

using namespace undertake;

TEST_CASE("ISO-8601 instants round-trip", "[time]") {
  for (const char* text : {"2026-03-02T09:00:00Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                           "9999-12-31T23:59:59.999Z", "2028-02-29T12:34:56.007Z"}) {
    INFO(text);
    const auto at = parse_iso8601(text);
    REQUIRE(at);
    CHECK(format_iso8601(*at) == text);
    char buffer[kIso8601MaxLength];
    CHECK(std::string_view(buffer, format_iso8601(*at, buffer)) == text);
  }
  // The longest text there is: the most negative year date::year holds, with milliseconds.
  const Timestamp far = Timestamp(std::chrono::milliseconds(-1'096'192'281'599'999LL));
  char buffer[kIso8601MaxLength];
  const std::size_t length = format_iso8601(far, buffer);
  CHECK(std::string_view(buffer, length) == format_iso8601(far));
  CHECK(length <= kIso8601MaxLength);
  CHECK(format_iso8601(*parse_iso8601("2026-03-02")) == "2026-03-02T00:00:00Z");
  CHECK(format_iso8601(*parse_iso8601("2026-03-02T09:00:00+08:00")) == "2026-03-02T01:00:00Z");
  CHECK(format_iso8601(*parse_iso8601("2026-03-02 09:00:00.5-01:30")) ==
        "2026-03-02T10:30:00.500Z");
  CHECK(format_iso8601_date(*parse_iso8601("2026-12-31T23:59:59Z")) == "2026-12-31");
  CHECK(days_between(*parse_iso8601("2026-03-12T13:00:00Z"),
                     *parse_iso8601("2026-04-10T09:00:00Z")) == Approx(28.833333333));
}

TEST_CASE("what is not an instant is refused", "[time]") {
  for (const char* text : {"", "2026", "2026-3-2", "2026-02-30", "2026-02-29", "2026-13-01",
                           "0000-01-01", "2026-03-02T09:00", "2026-03-02T24:00:00Z",
                           "2026-03-02T09:00:00+25:00", "2026-03-02T09:00:00Zjunk", "yesterday"}) {
    INFO(text);
    CHECK_FALSE(parse_iso8601(text).has_value());
  }
}
