// parse_json and read_json_file (json_text.hpp): doubles read exactly (correctly rounded, and
// every double back bit for bit from Boost.JSON's serializer), integers as Boost.JSON reads them,
// duplicate keys and numbers beyond double refused with where and why, the limits.
#include "undertake/json_text.hpp"

#include <boost/json.hpp>

#include <catch2/catch.hpp>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/double_samples.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

namespace {

json::value parse(std::string_view text) {
  return parse_json(text, InputLimits{}, "test");
}

/// The error parse_json throws for `text`.
Error refusal(std::string_view text, const InputLimits& limits = {},
              ErrorKind invalid = ErrorKind::invalid_json) {
  try {
    (void)parse_json(text, limits, "doc.json", invalid);
  } catch (const Error& e) {
    return e;
  }
  FAIL("accepted: " << text);
  throw;  // not reached
}

double strtod_of(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace

TEST_CASE("json_text: the literals Boost.JSON misreads are read correctly rounded", "[json]") {
  for (const auto& literal : kMisreadLiterals) {
    INFO(literal);
    const json::value v = parse(literal);
    REQUIRE(v.is_double());
    CHECK(bits_of(v.get_double()) == bits_of(strtod_of(literal)));
  }
  // glibc's strtod rounds correctly: the same double as the 17 digits printed back.
  CHECK(parse("975000.1000000001").get_double() == 975000.1000000001);
}

TEST_CASE("json_text: decimals of 15 to 17 digits at every magnitude round correctly", "[json]") {
  std::mt19937_64 rng(7);
  std::size_t wrong = 0;
  std::string first_wrong;
  std::string doc = "[";
  std::vector<double> expected;
  for (int i = 0; i < 200'000; ++i) {
    const std::string text = random_decimal(rng, 15 + i % 3);
    expected.push_back(strtod_of(text));
    doc += (i ? "," : "") + text;
  }
  doc += "]";
  const json::array got = parse(doc).as_array();
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].is_double() && bits_of(got[i].get_double()) == bits_of(expected[i])) continue;
    if (wrong++ == 0) first_wrong = json::serialize(got[i]);
  }
  INFO("first wrong: " << first_wrong);
  CHECK(wrong == 0);
}

TEST_CASE("json_text: 10^6 doubles survive serialize and parse_json bit for bit", "[json]") {
  const std::vector<double> samples = sample_doubles(1'000'000);
  constexpr std::size_t kPerText = 100'000;  // several texts: the array is not the only shape
  for (std::size_t start = 0; start < samples.size(); start += kPerText) {
    json::array a;
    for (std::size_t i = start; i < std::min(samples.size(), start + kPerText); ++i)
      a.push_back(samples[i]);
    const json::value doc = json::object{{"values", std::move(a)}};
    std::string where;
    const bool same = identical(doc, parse(json::serialize(doc)), where);
    INFO("the text from sample " << start << ", first difference at " << where);
    REQUIRE(same);
  }
  // And the quoted margins, every one of them (a quarter do not survive boost::json::parse).
  const std::vector<double> margins = margin_sweep();
  const json::value doc = json::value_from(margins);
  std::string where;
  const bool same = identical(doc, parse(json::serialize(doc)), where);
  INFO("first difference at " << where);
  CHECK(same);
}

TEST_CASE("json_text: Boost.JSON writes each double with the fewest digits", "[json]") {
  // Its serializer uses Ryu: the digits are those of std::to_chars' shortest round trip, so the
  // writer needs no fixing and a text is no longer than it must be.
  const auto digits = [](std::string_view text) {
    std::string d;
    for (const char c : text.substr(0, text.find_first_of("eE")))
      if (c >= '0' && c <= '9') d += c;
    return d;
  };
  std::size_t longer = 0;
  for (const double d : sample_doubles(100'000, 5)) {
    if (d == 0) continue;
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    if (digits(json::serialize(json::value(d))) != digits(std::string_view(buf, r.ptr - buf)))
      ++longer;
  }
  CHECK(longer == 0);
}

TEST_CASE("json_text: integers stay int64 and uint64, as Boost.JSON reads them", "[json]") {
  CHECK(parse("9223372036854775807").is_int64());
  CHECK(parse("-9223372036854775808").get_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(parse("18446744073709551615").get_uint64() == std::numeric_limits<std::uint64_t>::max());
  CHECK(parse("0").is_int64());
  CHECK(parse("-0").is_int64());  // an integer zero (JavaScript reads -0, a number equal to 0)
  CHECK(parse("1.0").is_double());
  CHECK(parse("1E0").is_double());  // how Boost.JSON writes the double 1.0: it stays a double
  CHECK(bits_of(parse("-0.0").get_double()) == bits_of(-0.0));
  CHECK(bits_of(parse("-0E0").get_double()) == bits_of(-0.0));
  // Beyond uint64 an integer is a double, correctly rounded.
  const json::value big = parse("123456789012345678901234567890");
  REQUIRE(big.is_double());
  CHECK(big.get_double() == 123456789012345678901234567890.0);
}

TEST_CASE("json_text: numbers beyond double are refused, below it they are zero", "[json]") {
  const Error huge = refusal(R"({"a": [1, 1e400]})");
  CHECK(huge.kind() == ErrorKind::invalid_json);
  CHECK(huge.where() == "doc.json:1:11");
  CHECK_THAT(
      huge.why(),
      Catch::StartsWith("/a/1: a number too large for a double: 1e400 would read as infinity"));
  CHECK(refusal("-1.8e308").kind() == ErrorKind::invalid_json);
  CHECK(refusal("17976931348623159e292").kind() == ErrorKind::invalid_json);  // rounds to inf
  CHECK(parse("1.7976931348623157e308").get_double() == std::numeric_limits<double>::max());
  CHECK(bits_of(parse("1e-400").get_double()) == bits_of(0.0));
  CHECK(bits_of(parse("-1e-400").get_double()) == bits_of(-0.0));
  CHECK(parse("2.4703282292062328e-324").get_double() ==
        std::numeric_limits<double>::denorm_min());             // just above half of it: rounds up
  CHECK(parse("2.4703282292062327e-324").get_double() == 0.0);  // just below: rounds to zero
  // An exponent that does not fit an int: Boost.JSON does not read the number at all.
  const Error exponent = refusal("[1e99999999999]");
  CHECK(exponent.kind() == ErrorKind::invalid_json);
  CHECK_THAT(exponent.why(), Catch::Contains("exponent is beyond the range of a double"));
}

TEST_CASE("json_text: text that is not JSON is refused with its line and column", "[json]") {
  const Error e = refusal("{\n  \"a\": 1,\n  \"b\": tru\n}");
  CHECK(e.kind() == ErrorKind::invalid_json);
  CHECK(e.where() == "doc.json:3:8");  // where the literal starts
  CHECK_THAT(e.why(), Catch::StartsWith("not valid JSON: "));
  CHECK(refusal("{\"\xE4\xB8\xAD\": x}").where() == "doc.json:1:7");  // columns count characters
  CHECK(refusal("[1, 2] 3").where() == "doc.json:1:8");               // extra data
  CHECK(refusal("[1, 2,]").kind() == ErrorKind::invalid_json);        // trailing comma
  CHECK(refusal("[1] // note").kind() == ErrorKind::invalid_json);    // comment
  CHECK(refusal("\"\xC3\x28\"").kind() == ErrorKind::invalid_json);   // invalid UTF-8
  CHECK(refusal("").kind() == ErrorKind::invalid_json);
  CHECK(refusal("{", {}, ErrorKind::invalid_policy).kind() == ErrorKind::invalid_policy);
}

TEST_CASE("json_text: the limits are limit_exceeded, naming the limit", "[json]") {
  InputLimits small;
  small.max_json_bytes = 10;
  small.max_json_depth = 3;
  const Error big = refusal("[1, 2, 3, 4, 5]", small);
  CHECK(big.kind() == ErrorKind::limit_exceeded);
  CHECK(big.what() == std::string("doc.json: larger than the limit of 10 bytes (max_json_bytes)"));
  const Error deep = refusal("[[[[1]]]]", small);
  CHECK(deep.kind() == ErrorKind::limit_exceeded);
  CHECK_THAT(deep.why(), Catch::Contains("nested deeper than the limit of 3 (max_json_depth)"));
  CHECK(parse_json("[[[1]]]", small, "ok").is_array());
  // A duplicate key is not a limit, whatever the limits.
  CHECK(refusal(R"({"a":1,"a":2})", InputLimits{}, ErrorKind::invalid_policy).kind() ==
        ErrorKind::invalid_policy);
}

TEST_CASE("json_text: a key named twice in one object is refused, with both places", "[json]") {
  const std::string text =
      "{\n"
      "  \"gates\": {\n"
      "    \"contract.sign\": {\"rules\": [1]},\n"
      "    \"contract.draft\": {},\n"
      "    \"contract.sign\": {\"rules\": []}\n"
      "  }\n"
      "}\n";
  const Error e = refusal(text, {}, ErrorKind::invalid_policy);
  CHECK(e.kind() == ErrorKind::invalid_policy);
  CHECK(e.where() == "doc.json:5:5");
  CHECK(e.why() ==
        "/gates/contract.sign: the key \"contract.sign\" appears twice in one object (first at "
        "3:5); each key may appear once");

  // The same key once escaped: the same key.
  CHECK_THAT(refusal(R"({"ab": 1, "a\u0062": 2})").what(),
             Catch::Contains("doc.json:1:11: /ab: the key \"ab\" appears twice") &&
                 Catch::Contains("first at 1:2"));
  // Inside arrays, and keys with "/" and "~" written as JSON Pointer does.
  CHECK_THAT(refusal(R"({"x": [{"k": 1}, {"k": 1, "a/b~": 0, "a/b~": 2}]})").why(),
             Catch::StartsWith("/x/1/a~1b~0: the key \"a/b~\" appears twice"));
  // A large object (found by sorting its keys).
  std::string many = "{";
  for (int i = 0; i < 1000; ++i)
    many += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  CHECK(parse(many + "\"last\": 0}").as_object().size() == 1001);
  CHECK_THAT(refusal(many + "\"k500\": 0}").why(), Catch::StartsWith("/k500: the key \"k500\""));
  // The same key in different objects is fine.
  CHECK(parse(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}], "c": {"a": {"a": 0}}})").is_object());
  CHECK(parse(R"({"": 1, " ": 2})").as_object().size() == 2);
}

TEST_CASE("json_text: read_json_file names the file", "[json]") {
  const auto dir = std::filesystem::temp_directory_path();
  const std::string path = (dir / "undertake-json-text-test.json").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\n  \"price\": 975000.1000000001,\n  \"price\": 1\n}";
  }
  try {
    (void)read_json_file(path, InputLimits{});
    FAIL("read");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::invalid_json);
    CHECK(e.where() == path + ":3:3");
  }
  {
    std::ofstream out(path, std::ios::binary);
    out << "[975000.1000000001]";
  }
  CHECK(read_json_file(path, InputLimits{}).at(0) == 975000.1000000001);
  InputLimits tiny;
  tiny.max_json_bytes = 5;
  try {
    (void)read_json_file(path, tiny);
    FAIL("read");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::limit_exceeded);
    CHECK(e.where() == path);
  }
  std::filesystem::remove(path);
  try {
    (void)read_json_file(path, InputLimits{});
    FAIL("read");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::not_found);
    CHECK(e.where() == path);
  }
}
