// Strings: cat, substr (counting characters, not bytes) and log (a pass-through: the engine does
// not write to the host's console).
#include "rules/jsonlogic/node.hpp"

#include <algorithm>
#include <cmath>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

Val eval_cat(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() == 1) {
    const Val only = args[0];
    if (only.is_string()) return only;
    ArenaString* text = c.arena.new_string();
    append_js_string(*text, only);
    return Val::string(text);
  }
  ArenaString* text = c.arena.new_string();
  for (std::size_t i = 0; i < args.size(); ++i) append_js_string(*text, args[i]);
  // Strings built in a loop (reduce with cat) are paid for by their length, so that a rule cannot
  // fill the memory with ever longer intermediate strings.
  charge(c, n, text->size() / 4);
  return Val::string(text);
}

namespace {

/// JavaScript's ToIntegerOrInfinity, clamped to [-limit, limit].
double to_integer(Val v, double limit) {
  const double d = to_number(v);
  if (d != d) return 0;
  const double t = std::trunc(d);
  return t < -limit ? -limit : (t > limit ? limit : t);
}

/// The byte offsets of the first byte of each UTF-8 character, plus the end.
std::vector<std::size_t> char_starts(std::string_view s) {
  std::vector<std::size_t> starts;
  starts.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  starts.push_back(s.size());
  return starts;
}

}  // namespace

Val eval_substr(const Node& n, Ctx& c) {
  const Args args(n, c);
  std::string text;
  if (args.size() > 0) append_js_string(text, args[0]);
  const std::vector<std::size_t> starts = char_starts(text);
  const double len = static_cast<double>(starts.size() - 1);
  double start = args.size() > 1 ? to_integer(args[1], len) : 0;
  if (start < 0) start = std::max(len + start, 0.0);
  double end = len;
  const Val length_arg = args.size() > 2 ? args[2] : Val::null();
  if (!length_arg.is_null()) {
    const double length = to_integer(length_arg, len);
    // A negative length leaves that many characters off the end.
    end = length < 0 ? std::max(len + length, start) : std::min(start + length, len);
  }
  const std::size_t from = starts[static_cast<std::size_t>(start)];
  const std::size_t to = starts[static_cast<std::size_t>(std::max(end, start))];
  return Val::string(c.arena.keep(std::string_view(text).substr(from, to - from)));
}

Val eval_log(const Node& n, Ctx& c) {
  const Args args(n, c);
  return args.size() > 0 ? args[0] : Val::null();
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
