#include "common/json_measure.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>

#include <cmath>

#include "undertake/limits.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

// Boost.JSON writes a double in at most this many characters (detail::max_number_chars).
constexpr std::size_t kMaxDoubleChars = 27;
constexpr std::size_t kMaxPathBytes = 200;

std::size_t digits(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 10) v /= 10, ++n;
  return n;
}

std::size_t scalar_bytes(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null:
    case json::kind::bool_:
      return v.is_null() || v.get_bool() ? 4 : 5;
    case json::kind::int64: {
      const std::int64_t i = v.get_int64();
      return i < 0 ? 1 + digits(0 - static_cast<std::uint64_t>(i))
                   : digits(static_cast<std::uint64_t>(i));
    }
    case json::kind::uint64:
      return digits(v.get_uint64());
    case json::kind::double_:
      return kMaxDoubleChars;
    case json::kind::string:
      return json_string_bytes(v.get_string());
    default:
      return 0;
  }
}

// One container being walked (an array or an object): the next child to visit.
struct Frame {
  const json::array* array;
  const json::object* object;
  std::size_t next = 0;
};

// The walk's own stack: a payload of a few levels needs no allocation.
using Stack = boost::container::small_vector<Frame, 16>;

// The path through the children last taken from the first `frames` frames (`next - 1` of each),
// cut at kMaxPathBytes.
std::string path_of(const Stack& stack, std::size_t frames, std::string_view where,
                    PathStyle style) {
  std::string path(where);
  for (std::size_t i = 0; i < frames; ++i) {
    const Frame& f = stack[i];
    if (path.size() > kMaxPathBytes) return path + "...";
    if (f.array) {
      const std::string index = std::to_string(f.next - 1);
      path += style == PathStyle::pointer ? "/" + index : "[" + index + "]";
      continue;
    }
    const std::string_view key = f.object->begin()[f.next - 1].key();
    if (style == PathStyle::dotted) {
      path += ".";
      path += key;
      continue;
    }
    path += '/';
    for (const char c : key) path += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  }
  return path;
}

}  // namespace

std::size_t json_string_bytes(std::string_view s) noexcept {
  // What each byte takes in JSON text: 1 as it is, 2 escaped by a letter, 6 as \u00XX.
  static constexpr struct Widths {
    unsigned char of[256] = {};
    constexpr Widths() {
      for (int c = 0; c < 256; ++c) of[c] = c < 0x20 ? 6 : 1;
      for (const char c : {'"', '\\', '\b', '\f', '\n', '\r', '\t'})
        of[static_cast<unsigned char>(c)] = 2;
    }
  } kWidths;
  std::size_t n = 2 + s.size();
  for (const char ch : s) n += kWidths.of[static_cast<unsigned char>(ch)] - 1u;
  return n;
}

namespace {

// The walk itself, from a root that is an array or object (`root`) or any value (`value`).
JsonMeasure walk(const json::value* value, const Frame* root, unsigned max_depth,
                 std::string_view where, PathStyle style) {
  JsonMeasure m;
  Stack stack;
  // Enters a container, or reports that it is one level too deep.
  auto enter = [&](Frame frame) {
    if (stack.size() >= max_depth) {
      m.problem = JsonMeasure::Problem::too_deep;
      m.path = path_of(stack, stack.size(), where, style);
      return;
    }
    m.bytes += 2;  // [] or {}
    stack.push_back(frame);
    if (stack.size() > m.depth) m.depth = static_cast<unsigned>(stack.size());
  };
  // Visits one value: a scalar is counted and checked, a container entered (children come later).
  auto visit = [&](const json::value& v) {
    if (v.is_array()) return enter(Frame{&v.get_array(), nullptr});
    if (v.is_object()) return enter(Frame{nullptr, &v.get_object()});
    if (v.is_string() && !valid_utf8(v.get_string()))
      m.problem = JsonMeasure::Problem::invalid_utf8;
    else if (v.is_double() && !std::isfinite(v.get_double()))
      m.problem = JsonMeasure::Problem::not_finite;
    else
      return void(m.bytes += scalar_bytes(v));
    m.path = path_of(stack, stack.size(), where, style);
  };
  if (root)
    enter(*root);
  else
    visit(*value);
  while (m.ok() && !stack.empty()) {
    Frame& f = stack.back();
    if (f.array) {
      if (f.next == f.array->size()) {
        stack.pop_back();
        continue;
      }
      if (f.next) ++m.bytes;  // ,
      visit((*f.array)[f.next++]);
      continue;
    }
    if (f.next == f.object->size()) {
      stack.pop_back();
      continue;
    }
    const json::key_value_pair& kv = f.object->begin()[f.next];
    if (!valid_utf8(kv.key())) {
      m.problem = JsonMeasure::Problem::invalid_utf8_key;
      m.path = path_of(stack, stack.size() - 1, where, style);  // the object's own path
      break;
    }
    m.bytes += (f.next ? 2 : 1) + json_string_bytes(kv.key());  // [,]"key":
    ++f.next;
    visit(kv.value());
  }
  return m;
}

}  // namespace

JsonMeasure measure_json(const json::value& v, unsigned max_depth, std::string_view where,
                         PathStyle style) {
  return walk(&v, nullptr, max_depth, where, style);
}

JsonMeasure measure_json(const json::object& o, unsigned max_depth, std::string_view where,
                         PathStyle style) {
  const Frame root{nullptr, &o};
  return walk(nullptr, &root, max_depth, where, style);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
