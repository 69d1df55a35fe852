// Reading JSON text (json_text.hpp): Boost.JSON's parser with a handler that builds the value as
// boost::json::parser does, except that each double is converted from its own characters, and
// that an object naming a key twice is refused.
#include "undertake/json_text.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <forward_list>
#include <functional>
#include <vector>

#include "common/json_text_detail.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

std::optional<double> exact_double(std::string_view characters, double approximate) noexcept {
  double d = 0;
  const auto [end, ec] =
      std::from_chars(characters.data(), characters.data() + characters.size(), d);
  if (ec == std::errc::result_out_of_range) {
    // Boost.JSON's reading is a few units in the last place off at most: >= 1 means the number
    // overflows a double, below 1 that it underflows to zero.
    if (std::fabs(approximate) >= 1) return std::nullopt;
    return !characters.empty() && characters.front() == '-' ? -0.0 : 0.0;
  }
  // The parser has checked the grammar; from_chars reads every JSON number whole.
  if (ec != std::errc{} || end != characters.data() + characters.size()) return approximate;
  return d;
}

std::string line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;  // not a UTF-8 continuation byte: a character starts here
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace detail

namespace {

using detail::JsonProblemKind;

// The handler of json::basic_parser: json::parser's own (boost/json/detail/handler.hpp) with
// exact doubles and the keys of the open objects kept to find duplicates when an object closes.
class ExactHandler : public detail::ParserSizes {
 public:
  // `scratch` holds the value stack's own stack while it is small (as boost::json::parse does).
  ExactHandler(std::string_view text, unsigned char* scratch, std::size_t size)
      : text_(text), stack_(json::storage_ptr(), scratch, size) {
    stack_.reset();
  }

  json::value release() { return stack_.release(); }
  JsonProblemKind problem() const noexcept { return problem_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    if (has_duplicate(n)) return fail(JsonProblemKind::duplicate_key, ec);
    keys_.resize(keys_.size() - n);
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (key_.empty() && in_text(s)) {
      keys_.emplace_back(s.data(), s.size());  // the text outlives the parse: no copy
    } else {
      key_.append(s.data(), s.size());  // escaped, or in parts: the parser's buffer is reused
      keys_.emplace_back(copies_.emplace_front(std::move(key_)));
      key_.clear();
    }
    stack_.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double approximate, json::string_view s, json::error_code& ec) {
    std::string_view characters(s.data(), s.size());
    if (!number_.empty()) characters = number_.append(s.data(), s.size());
    const std::optional<double> d = detail::exact_double(characters, approximate);
    number_.clear();
    if (!d) return fail(JsonProblemKind::number_out_of_range, ec);
    stack_.push_double(*d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool in_text(json::string_view s) const noexcept {
    return std::less_equal<>()(text_.data(), s.data()) &&
           std::less_equal<>()(s.data() + s.size(), text_.data() + text_.size());
  }
  bool fail(JsonProblemKind kind, json::error_code& ec) {
    problem_ = kind;
    ec = json::error::syntax;  // stops the parser; problem_ says what it was
    return false;
  }
  // Whether the innermost object's n keys (the last n in keys_) name one key twice.
  bool has_duplicate(std::size_t n) {
    if (n < 2) return false;
    const auto first = keys_.end() - static_cast<std::ptrdiff_t>(n);
    if (n <= 16) {  // most objects: fewer comparisons than sorting
      for (auto i = first; i != keys_.end(); ++i)
        if (std::find(i + 1, keys_.end(), *i) != keys_.end()) return true;
      return false;
    }
    sorted_.assign(first, keys_.end());
    std::sort(sorted_.begin(), sorted_.end());
    return std::adjacent_find(sorted_.begin(), sorted_.end()) != sorted_.end();
  }

  std::string_view text_;
  json::value_stack stack_;
  std::string number_;  // a number's characters delivered in parts
  std::string key_;     // a key's characters delivered in parts
  // The keys of the open objects, innermost last; most texts need no allocation for them.
  boost::container::small_vector<std::string_view, 64> keys_;
  std::forward_list<std::string> copies_;  // keys not in the text as they are (stable, no
                                           // allocation until the first)
  std::vector<std::string_view> sorted_;
  JsonProblemKind problem_ = JsonProblemKind::none;
};

bool is_limit(const json::error_code& ec) {
  return ec == json::error::too_deep || ec == json::error::object_too_large ||
         ec == json::error::array_too_large || ec == json::error::key_too_large ||
         ec == json::error::string_too_large;
}

[[noreturn]] void refuse(std::string_view text, std::size_t offset, std::string_view where,
                         ErrorKind kind, const std::string& why) {
  throw Error(kind, std::string(where) + ":" + detail::line_column(text, offset), why);
}

// A problem of the fast parse that Boost.JSON does not know of: found again, slowly, to say
// where it is and what it is.
[[noreturn]] void refuse_located(std::string_view text, std::size_t fallback_offset,
                                 JsonProblemKind kind, const json::parse_options& options,
                                 std::string_view where, ErrorKind invalid) {
  if (const auto p = detail::locate_problem(text, options))
    refuse(text, p->offset, where, invalid, p->path.empty() ? p->why : p->path + ": " + p->why);
  refuse(text, fallback_offset, where, invalid,
         kind == JsonProblemKind::duplicate_key
             ? "an object names a key twice (each key may appear once)"
             : "a number too large for a double (it would read as infinity)");
}

}  // namespace

json::value parse_json(std::string_view text, const InputLimits& limits, std::string_view where,
                       ErrorKind invalid) {
  if (text.size() > limits.max_json_bytes)
    throw Error(ErrorKind::limit_exceeded, std::string(where),
                "larger than the limit of " + std::to_string(limits.max_json_bytes) +
                    " bytes (max_json_bytes)");
  json::parse_options options;
  options.max_depth = limits.max_json_depth;
  unsigned char scratch[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<ExactHandler> parser(options, text, scratch, sizeof scratch);
  json::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (!ec) return parser.handler().release();
  if (parser.handler().problem() != JsonProblemKind::none)
    refuse_located(text, used, parser.handler().problem(), options, where, invalid);
  if (ec == json::error::too_deep)
    refuse(text, used, where, ErrorKind::limit_exceeded,
           "nested deeper than the limit of " + std::to_string(limits.max_json_depth) +
               " (max_json_depth)");
  if (is_limit(ec)) refuse(text, used, where, ErrorKind::limit_exceeded, ec.message());
  if (ec == json::error::exponent_overflow)  // 1e99999999999: Boost.JSON does not read it at all
    refuse(text, used, where, invalid,
           "a number whose exponent is beyond the range of a double (it would read as infinity "
           "or zero)");
  refuse(text, used, where, invalid, "not valid JSON: " + ec.message());
}

json::value read_json_file(const std::string& path, const InputLimits& limits, ErrorKind invalid) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw Error(ErrorKind::not_found, path, "no such file");
    throw Error(ErrorKind::io, path, "cannot open the file");
  }
  // Read no more than one byte past the limit: parse_json refuses the text, naming the limit,
  // without a huge file being read whole first.
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= limits.max_json_bytes && (in.read(chunk, sizeof chunk) || in.gcount() > 0))
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw Error(ErrorKind::io, path, "cannot read the file");
  return parse_json(text, limits, path, invalid);
}

UNDERTAKE_END_NAMESPACE
