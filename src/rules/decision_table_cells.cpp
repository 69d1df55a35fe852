// Unary tests: the text of a decision table's input cells ("< 100000", "[1..5]", "not(\"a\")"),
// and the value helpers cells, loading and evaluation share (equality, types, message text).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "undertake/limits.hpp"
#include "rules/decision_table_detail.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail::dt {

namespace {

class Parser {
 public:
  Parser(std::string_view text, std::string& why) : s_(text), why_(why) {}

  bool cell(Cell& out) {
    skip();
    if (at_end() || (rest() == "-")) {
      out.any = true;
      return true;
    }
    if (starts_word("not")) {
      const std::size_t save = i_;
      i_ += 3;
      skip();
      if (peek() == '(') {
        ++i_;
        out.negated = true;
        if (!list(out.atoms, ')')) return false;
        if (peek() != ')') return fail("\"not(\" is not closed by \")\"");
        ++i_;
        skip();
        if (!at_end()) return fail("unexpected text after \"not(...)\"");
        return true;
      }
      i_ = save;  // the word "not" itself
    }
    if (!list(out.atoms, '\0')) return false;
    if (!at_end()) return fail("unexpected \"" + std::string(rest()) + "\"");
    return true;
  }

  /// Whether every number read is finite; a problem otherwise (1e400 would be read as infinity).
  bool finite() { return !infinite_ || fail("a number beyond the range of double"); }

 private:
  bool list(Atoms& atoms, char close) {
    for (;;) {
      skip();
      if (at_end() || peek() == close) return fail("a test is missing");
      if (peek() == '-' &&
          (i_ + 1 == s_.size() || s_[i_ + 1] == ',' || s_[i_ + 1] == ' ' || s_[i_ + 1] == close))
        return fail("\"-\" (any value) stands alone in a cell, not in a list");
      Atom a;
      if (!test(a)) return false;
      atoms.push_back(std::move(a));
      skip();
      if (peek() != ',') return true;
      ++i_;
    }
  }

  bool test(Atom& a) {
    const char c = peek();
    if (c == '<' || c == '>') {
      const bool less = c == '<';
      ++i_;
      const bool eq = peek() == '=';
      if (eq) ++i_;
      skip();
      double d = 0;
      std::string str;
      if (peek() == '"') {
        if (!quoted(str)) return false;
        a.kind = Atom::Kind::string_compare;
        a.value = json::string(str);
        a.cmp = less ? (eq ? Atom::Cmp::le : Atom::Cmp::lt) : (eq ? Atom::Cmp::ge : Atom::Cmp::gt);
        return true;
      }
      if (!number(d)) return fail("a comparison needs a number or a quoted string after it");
      a.kind = Atom::Kind::interval;
      if (less) {
        a.iv.hi = d;
        a.iv.hi_open = !eq;
      } else {
        a.iv.lo = d;
        a.iv.lo_open = !eq;
      }
      return true;
    }
    if (c == '=' || c == '!')
      return fail("write a value alone for equality, and not(...) for inequality");
    if (c == '[' || c == '(' || c == ']') return range(a);
    if (c == '"') {
      std::string str;
      if (!quoted(str)) return false;
      a.kind = Atom::Kind::equal;
      a.value = json::string(str);
      return true;
    }
    double d = 0;
    const std::size_t save = i_;
    if (number(d)) {
      if (at_end() || peek() == ',' || peek() == ' ' || peek() == ')' || peek() == '\t') {
        a.kind = Atom::Kind::interval;
        a.iv = Interval{d, d, false, false};
        return true;
      }
      i_ = save;  // e.g. 3rd: a word
    }
    std::string w;
    if (!word(w)) return fail("unexpected \"" + std::string(rest()) + "\"");
    a.kind = Atom::Kind::equal;
    if (w == "true")
      a.value = true;
    else if (w == "false")
      a.value = false;
    else if (w == "null")
      a.value = nullptr;
    else
      a.value = json::string(w);
    return true;
  }

  bool range(Atom& a) {
    const char open = s_[i_++];
    skip();
    double lo = 0;
    double hi = 0;
    if (!number(lo)) return fail("an interval starts with a number: [1..5]");
    skip();
    if (s_.substr(i_, 2) != "..") return fail("an interval is written [low..high]");
    i_ += 2;
    skip();
    if (!number(hi)) return fail("an interval ends with a number: [1..5]");
    skip();
    const char close = peek();
    if (close != ']' && close != ')' && close != '[')
      return fail("an interval is closed by \"]\" (inclusive) or \")\" (exclusive)");
    ++i_;
    a.kind = Atom::Kind::interval;
    a.iv = Interval{lo, hi, open != '[', close != ']'};
    if (a.iv.empty()) return fail("the interval is empty (its low end is above its high end)");
    return true;
  }

  bool quoted(std::string& out) {
    ++i_;  // the opening quote
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out.push_back(s_[i_++]);
    }
    if (i_ >= s_.size()) return fail("a string is not closed by \"");
    ++i_;
    return true;
  }

  /// A JSON-style number; leaves the position unchanged when there is none.
  bool number(double& out) {
    std::size_t j = i_;
    if (j < s_.size() && (s_[j] == '-' || s_[j] == '+')) ++j;
    const std::size_t digits = j;
    while (j < s_.size() && is_digit(s_[j])) ++j;
    if (j < s_.size() && s_[j] == '.' && j + 1 < s_.size() && is_digit(s_[j + 1])) {
      ++j;
      while (j < s_.size() && is_digit(s_[j])) ++j;
    }
    if (j == digits) return false;
    if (j < s_.size() && (s_[j] == 'e' || s_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < s_.size() && (s_[k] == '-' || s_[k] == '+')) ++k;
      if (k < s_.size() && is_digit(s_[k])) {
        j = k;
        while (j < s_.size() && is_digit(s_[j])) ++j;
      }
    }
    const std::string token(s_.substr(i_, j - i_));
    out = std::strtod(token.c_str(), nullptr);
    infinite_ = infinite_ || !std::isfinite(out);
    i_ = j;
    return true;
  }

  /// A plain word (letters, digits, _ - . : / @ and any non-ASCII byte), starting with no digit.
  bool word(std::string& out) {
    const std::size_t start = i_;
    while (i_ < s_.size()) {
      const unsigned char ch = static_cast<unsigned char>(s_[i_]);
      const bool ok = ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      is_digit(s_[i_]) || ch == '_' || ch == '-' || ch == '.' || ch == ':' ||
                      ch == '/' || ch == '@';
      if (!ok) break;
      ++i_;
    }
    if (i_ == start) return false;
    out = std::string(s_.substr(start, i_ - start));
    return true;
  }

  bool starts_word(std::string_view w) const {
    if (s_.substr(i_, w.size()) != w) return false;
    const std::size_t j = i_ + w.size();
    return j == s_.size() || s_[j] == '(' || s_[j] == ' ';
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
  }
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  std::string_view rest() const { return s_.substr(i_); }
  bool fail(std::string why) {
    why_ = std::move(why) + " in \"" + std::string(s_) + "\"";
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  bool infinite_ = false;  ///< a number beyond double was read
  std::string& why_;
};

}  // namespace

bool parse_unary_tests(std::string_view text, Cell& cell, std::string& why) {
  Parser p(text, why);
  return p.cell(cell) && p.finite();
}

bool Cell::accepts_value(const json::value& v) const noexcept {
  if (any) return true;
  bool hit = false;
  for (const Atom& a : atoms) hit = hit || atom_accepts(a, v);
  return negated ? !hit : hit;
}

namespace {

// Recursion bounded by the depth JSON may have (limits.hpp): values nested deeper than any text
// the engine reads are never the same as anything.
bool same_value_at(const json::value& a, const json::value& b, unsigned depth) noexcept {
  double x = 0;
  double y = 0;
  const bool an = number_of(a, x);
  const bool bn = number_of(b, y);
  if (an || bn) return an && bn && x == y;
  if (a.kind() != b.kind()) return false;
  if ((a.is_array() || a.is_object()) && depth >= InputLimits::kMaxJsonDepthCeiling) return false;
  if (a.is_array()) {
    const auto& p = a.get_array();
    const auto& q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same_value_at(p[i], q[i], depth + 1)) return false;
    return true;
  }
  if (a.is_object()) {
    const auto& p = a.get_object();
    const auto& q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& kv : p) {
      const json::value* other = q.if_contains(kv.key());
      if (!other || !same_value_at(kv.value(), *other, depth + 1)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace

bool same_value(const json::value& a, const json::value& b) noexcept {
  return same_value_at(a, b, 0);
}

std::string number_text(double d) {
  if (std::isinf(d)) return d > 0 ? "infinity" : "-infinity";
  if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", d);
  return buffer;
}

std::string value_text(const json::value& v) {
  double d = 0;
  if (number_of(v, d)) return number_text(d);
  return json::serialize(v);
}

bool has_type(const json::value& v, std::string_view type) {
  if (type == "number") return v.is_int64() || v.is_uint64() || v.is_double();
  if (type == "integer")
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() && std::isfinite(v.get_double()) &&
            v.get_double() == std::floor(v.get_double()));
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  return true;
}

}  // namespace detail::dt
UNDERTAKE_END_NAMESPACE
