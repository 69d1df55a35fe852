// The inside of json_text.cpp that its error path (json_text_locate.cpp) shares.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/string.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// The double that the characters of a JSON number denote, correctly rounded (std::from_chars).
/// `approximate` is Boost.JSON's reading of the same characters: it tells a number too large for
/// a double (nullopt) from one too small (±0, as JavaScript reads it).
std::optional<double> exact_double(std::string_view characters, double approximate) noexcept;

/// The sizes a handler of boost::json::basic_parser allows: those of Boost.JSON's own parser.
struct ParserSizes {
  static constexpr std::size_t max_object_size = boost::json::object::max_size();
  static constexpr std::size_t max_array_size = boost::json::array::max_size();
  static constexpr std::size_t max_key_size = boost::json::string::max_size();
  static constexpr std::size_t max_string_size = boost::json::string::max_size();
};

/// What the fast parse found that Boost.JSON itself accepts.
enum class JsonProblemKind { none, duplicate_key, number_out_of_range };

/// One problem located in the text: the byte it starts at, the JSON path, and why.
struct LocatedProblem {
  std::size_t offset = 0;
  std::string path;  ///< a JSON Pointer (RFC 6901): "/gates/contract.sign"; "" is the document
  std::string why;
};

/// The first duplicate key or number beyond double in `text`, in text order, with the line and
/// column of both occurrences of a key. Slow (it feeds the parser a byte at a time to know where
/// it is): only for the error path, after the fast parse found that there is such a problem.
std::optional<LocatedProblem> locate_problem(std::string_view text,
                                             const boost::json::parse_options& options);

/// "LINE:COLUMN" of a byte offset, both from 1; the column counts UTF-8 characters.
std::string line_column(std::string_view text, std::size_t offset);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
