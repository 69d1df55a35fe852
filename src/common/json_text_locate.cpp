// The error path of parse_json (json_text.cpp): finding again, in text order, the duplicate key
// or the number beyond double that the fast parse stopped at, with its JSON path and its line and
// column. Boost.JSON's handlers are not told where they are in the text, so the text is fed to
// the parser one byte at a time: at each callback the position is the byte being fed. Nothing is
// built; a few times slower than parsing, on the error path only.
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "common/json_pointer.hpp"
#include "common/json_text_detail.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

// One open object or array: where the parser is in it.
struct Frame {
  bool object = false;
  std::size_t index = 0;                              // arrays: the element being read
  std::string key;                                    // objects: the member being read
  std::unordered_map<std::string, std::size_t> seen;  // objects: key → offset of its '"'
};

// The offset of the '"' that opens the string whose closing '"' is at `close`: the nearest '"'
// before it that no backslash escapes (inside a string a '"' only appears escaped).
std::size_t opening_quote(std::string_view text, std::size_t close) {
  for (std::size_t i = close; i-- > 0;) {
    if (text[i] != '"') continue;
    std::size_t backslashes = 0;
    while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return 0;
}

std::string shown_number(std::string_view characters) {
  constexpr std::size_t kShown = 40;
  if (characters.size() <= kShown) return std::string(characters);
  return std::string(characters.substr(0, kShown)) + "...";
}

class Locator : public ParserSizes {
 public:
  explicit Locator(std::string_view text) : text_(text) {}

  std::size_t offset = 0;  // the byte being fed to the parser
  std::optional<LocatedProblem> problem;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    frames_.emplace_back().object = true;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) { return close(); }
  bool on_array_begin(json::error_code&) {
    frames_.emplace_back();
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) { return close(); }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key_.append(s.data(), s.size());
    Frame& frame = frames_.back();
    frame.key = std::move(key_);
    key_.clear();
    const std::size_t open = opening_quote(text_, offset);
    const auto [it, fresh] = frame.seen.emplace(frame.key, open);
    if (fresh) return true;
    return found(open,
                 "the key \"" + frame.key + "\" appears twice in one object (first at " +
                     line_column(text_, it->second) + "); each key may appear once",
                 ec);
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return value_done(); }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return number_done(); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return number_done(); }
  bool on_double(double approximate, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    if (exact_double(number_, approximate)) return number_done();
    // The parser calls back on the byte after the number (or at the end of the text).
    return found(offset - std::min(offset, number_.size()),
                 "a number too large for a double: " + shown_number(number_) +
                     " would read as infinity, which JSON cannot write back",
                 ec);
  }
  bool on_bool(bool, json::error_code&) { return value_done(); }
  bool on_null(json::error_code&) { return value_done(); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool close() {
    frames_.pop_back();
    return value_done();
  }
  bool number_done() {
    number_.clear();
    return value_done();
  }
  bool value_done() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  bool found(std::size_t at, std::string why, json::error_code& ec) {
    LocatedProblem p;
    p.offset = at;
    for (const Frame& f : frames_)
      if (f.object)
        append_pointer_token(p.path, f.key);
      else
        p.path += "/" + std::to_string(f.index);
    p.why = std::move(why);
    problem = std::move(p);
    ec = json::error::syntax;  // stops the parser
    return false;
  }

  std::string_view text_;
  std::vector<Frame> frames_;
  std::string key_;
  std::string number_;
};

}  // namespace

std::optional<LocatedProblem> locate_problem(std::string_view text,
                                             const json::parse_options& options) {
  json::basic_parser<Locator> parser(options, text);
  json::error_code ec;
  for (std::size_t i = 0; i < text.size() && !ec; ++i) {
    parser.handler().offset = i;
    parser.write_some(true, text.data() + i, 1, ec);
  }
  if (!ec) {
    parser.handler().offset = text.size();
    parser.write_some(false, text.data() + text.size(), 0, ec);
  }
  return std::move(parser.handler().problem);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
