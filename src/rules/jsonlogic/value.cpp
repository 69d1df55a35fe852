// Conversions of the internal value: to JSON, JavaScript number parsing and printing, String().
#include "rules/jsonlogic/value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "undertake/error.hpp"
#include "undertake/limits.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

json::value number_to_json(double d) {
  // 2^53: every integer below is exact in a double, so the int64 prints the same number.
  constexpr double exact = 9007199254740992.0;
  if (d == std::trunc(d) && std::fabs(d) <= exact) return json::value(static_cast<std::int64_t>(d));
  return json::value(d);
}

namespace {

// The deepest value to_json builds: a rule can nest arrays without bound (reduce with
// [accumulator]), and a json::value's copy and destruction recurse in Boost.JSON.
constexpr std::size_t kMaxValueDepth = InputLimits::kMaxJsonDepthCeiling;

/// Writes `v` into `slot` (a null value); an array built during evaluation is entered rather than
/// written (its elements are pushed onto `pending`).
struct PendingArray {
  json::array* out;
  const ValArray* in;
  std::size_t next;
};

void put(json::value& slot, Val v, std::vector<PendingArray>& pending) {
  switch (v.kind) {
    case Kind::null:
      return;
    case Kind::boolean:
      slot = v.b;
      return;
    case Kind::number: {
      constexpr double exact = 9007199254740992.0;  // 2^53
      const double d = v.d;
      if (d == std::trunc(d) && std::fabs(d) <= exact)
        slot.emplace_int64() = static_cast<std::int64_t>(d);
      else
        slot.emplace_double() = d;
      return;
    }
    case Kind::jstring:
      slot.emplace_string() = *v.js;
      return;
    case Kind::cstring:
      slot.emplace_string().assign(v.cs->data(), v.cs->size());
      return;
    case Kind::jarray:
      slot.emplace_array() = *v.ja;
      return;
    case Kind::varray: {
      if (pending.size() >= kMaxValueDepth)
        throw Error(ErrorKind::limit_exceeded, "JsonLogic value",
                    "arrays nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
      json::array& out = slot.emplace_array();
      out.resize(v.va->size());
      pending.push_back(PendingArray{&out, v.va, 0});
      return;
    }
    case Kind::jobject:
      slot.emplace_object() = *v.jo;
      return;
  }
}

}  // namespace

json::value to_json(Val v) {
  json::value out;
  std::vector<PendingArray> pending;  // without recursion: arrays built by a rule may nest deeply
  put(out, v, pending);
  while (!pending.empty()) {
    PendingArray& p = pending.back();
    if (p.next == p.in->size()) {
      pending.pop_back();
      continue;
    }
    const std::size_t i = p.next++;
    json::value& slot = (*p.out)[i];
    put(slot, (*p.in)[i], pending);  // may push (and move `p`): nothing of it is used after
  }
  return out;
}

namespace {

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

double parse_radix(std::string_view digits, int radix) noexcept {
  if (digits.empty()) return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'z') d = c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') d = c - 'A' + 10;
    if (d < 0 || d >= radix) return std::numeric_limits<double>::quiet_NaN();
    value = value * radix + d;
  }
  return value;
}

}  // namespace

double string_to_number(std::string_view s) noexcept {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  if (s.empty()) return 0;
  if (s.size() > 2 && s[0] == '0') {
    const char p = s[1];
    if (p == 'x' || p == 'X') return parse_radix(s.substr(2), 16);
    if (p == 'o' || p == 'O') return parse_radix(s.substr(2), 8);
    if (p == 'b' || p == 'B') return parse_radix(s.substr(2), 2);
  }
  bool negative = false;
  std::string_view body = s;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  // Validate the StrDecimalLiteral grammar before handing it to from_chars, which would also
  // accept "inf", "nan" and hexadecimal floats.
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++int_digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return nan;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return nan;
  }
  if (i != body.size()) return nan;
  double value = 0;
  const auto result = std::from_chars(body.data(), body.data() + body.size(), value);
  if (result.ec == std::errc::result_out_of_range) {
    // Overflow is Infinity, underflow 0, as in JavaScript.
    const bool big = body.find_first_of("eE") == std::string_view::npos ||
                     body[body.find_first_of("eE") + 1] != '-';
    value = big ? HUGE_VAL : 0.0;
  } else if (result.ec != std::errc()) {
    return nan;
  }
  return negative ? -value : value;
}

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  char buf[64];
  // The shortest digits that read back as `d`, in the form d.ddde±x.
  const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  std::string out;
  if (text.front() == '-') {
    out.push_back('-');
    text.remove_prefix(1);
  }
  const std::size_t e_pos = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e_pos))
    if (c != '.') digits.push_back(c);
  const int exponent = std::atoi(std::string(text.substr(e_pos + 1)).c_str());
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the position of the decimal point after the first digit
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

namespace {

template <typename String>
void append_scalar_js(String& out, Val v) {
  switch (v.kind) {
    case Kind::null:
      return;
    case Kind::boolean:
      out += v.b ? "true" : "false";
      return;
    case Kind::number: {
      const double d = v.d;
      if (d == std::trunc(d) && std::fabs(d) < 1e15) {
        char buf[24];
        const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(d));
        out.append(buf, static_cast<std::size_t>(r.ptr - buf));
      } else {
        const std::string text = format_number(d);
        out.append(text.data(), text.size());
      }
      return;
    }
    case Kind::jstring:
    case Kind::cstring: {
      const std::string_view s = v.str();
      out.append(s.data(), s.size());
      return;
    }
    case Kind::jobject:
      out += "[object Object]";
      return;
    default:
      return;
  }
}

// String(v): arrays are their elements joined with commas, nested arrays flattened. Without
// recursion: a rule can build arrays nested as deep as it iterates.
template <typename String>
void append_js(String& out, Val v) {
  if (!v.is_array()) return append_scalar_js(out, v);
  struct Pending {
    Val array;
    std::size_t next;
  };
  std::vector<Pending> pending{Pending{v, 0}};
  while (!pending.empty()) {
    Pending& p = pending.back();
    if (p.next == p.array.size()) {
      pending.pop_back();
      continue;
    }
    if (p.next) out.push_back(',');
    const Val item = p.array.at(p.next++);
    if (item.is_array())
      pending.push_back(Pending{item, 0});
    else
      append_scalar_js(out, item);
  }
}

}  // namespace

void append_js_string(std::string& out, Val v) {
  append_js(out, v);
}
void append_js_string(ArenaString& out, Val v) {
  append_js(out, v);
}

void Arena::release() noexcept {
  for (Kept* k = kept_; k; k = k->next) k->value.~value();
  while (blocks_) {
    Block* next = blocks_->next;
    ::operator delete(blocks_);
    blocks_ = next;
  }
}

void* Arena::allocate_slow(std::size_t bytes, std::size_t align) {
  // A new block: at least twice the last one (up to 1 MiB), or just big enough for a large array.
  const std::size_t header =
      (sizeof(Block) + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
  std::size_t size = std::max(next_block_, bytes + align + header);
  next_block_ = std::min<std::size_t>(next_block_ * 2, std::size_t(1) << 20);
  auto* block = static_cast<Block*>(::operator new(size));
  block->next = blocks_;
  blocks_ = block;
  cur_ = reinterpret_cast<char*>(block) + header;
  end_ = reinterpret_cast<char*>(block) + size;
  return allocate(bytes, align);
}

const json::value* Arena::keep(json::value v) {
  auto* k = new (allocate(sizeof(Kept), alignof(Kept))) Kept{std::move(v), kept_};
  kept_ = k;
  return &k->value;
}

namespace {

// Compares scalars, and containers as far as their size (or identity, for objects) tells; for
// containers that must be compared element by element: nullopt.
std::optional<bool> shallow_equal(Val a, Val b) noexcept {
  if (a.is_string() && b.is_string()) return a.str() == b.str();
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    if (a.size() == 0) return true;
    return std::nullopt;
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::null:
      return true;
    case Kind::boolean:
      return a.b == b.b;
    case Kind::number:
      return a.d == b.d;
    case Kind::jobject:
      if (a.jo == b.jo) return true;
      if (a.jo->size() != b.jo->size()) return false;
      return std::nullopt;
    default:
      return false;
  }
}

}  // namespace

bool strict_equal(Val a, Val b) {
  if (const auto equal = shallow_equal(a, b)) return *equal;
  // Deep: pairs of containers still to compare, without recursion (see append_js).
  struct Pending {
    Val a, b;
    std::size_t next;
  };
  std::vector<Pending> pending{Pending{a, b, 0}};
  while (!pending.empty()) {
    Pending& p = pending.back();
    const std::size_t n = p.a.is_object() ? p.a.jo->size() : p.a.size();
    if (p.next == n) {
      pending.pop_back();
      continue;
    }
    Val x, y;
    if (p.a.is_object()) {
      const auto& member = p.a.jo->begin()[p.next++];
      const json::value* other = p.b.jo->if_contains(member.key());
      if (!other) return false;
      x = from_json(member.value());
      y = from_json(*other);
    } else {
      x = p.a.at(p.next);
      y = p.b.at(p.next++);
    }
    if (const auto equal = shallow_equal(x, y)) {
      if (!*equal) return false;
    } else {
      pending.push_back(Pending{x, y, 0});
    }
  }
  return true;
}

namespace {

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void append_scalar_text(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      break;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      break;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      break;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      break;
    case json::kind::double_: {
      const double d = v.get_double();
      out += std::isfinite(d) ? format_number(d) : "null";
      break;
    }
    case json::kind::string:
      append_quoted(out, v.get_string());
      break;
    default:
      break;
  }
}

}  // namespace

std::string to_text(const json::value& v) {
  std::string out;
  // Containers being written, without recursion: the text may be of any depth a host built.
  struct Pending {
    const json::value* container;
    std::size_t next;
  };
  std::vector<Pending> pending;
  auto open = [&](const json::value& item) {
    if (item.is_array() || item.is_object()) {
      out.push_back(item.is_array() ? '[' : '{');
      pending.push_back(Pending{&item, 0});
    } else {
      append_scalar_text(out, item);
    }
  };
  open(v);
  while (!pending.empty()) {
    Pending& p = pending.back();
    const bool array = p.container->is_array();
    const std::size_t n =
        array ? p.container->get_array().size() : p.container->get_object().size();
    if (p.next == n) {
      out.push_back(array ? ']' : '}');
      pending.pop_back();
      continue;
    }
    if (p.next) out.push_back(',');
    const std::size_t i = p.next++;
    if (array) {
      open(p.container->get_array()[i]);
    } else {
      const auto& member = p.container->get_object().begin()[i];
      append_quoted(out, member.key());
      out.push_back(':');
      open(member.value());
    }
  }
  return out;
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
