// Comparison: == != === !== < <= > >=, chained over two or more arguments and evaluated lazily
// ({"<": [1, 2, 3]} is the "between" form; evaluation stops at the first pair that fails).
//
// Two strings compare as strings; otherwise both sides are coerced to numbers (null is 0, booleans
// 0/1) and a side that is not a number (an array, an object, "A") raises {"type": "NaN"}; for ==
// and != only, null and a string are simply not equal.
// Strict equality compares type and value without coercion.
#include "rules/jsonlogic/node.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace {

[[noreturn, gnu::noinline]] void not_comparable(const Node& n, Val a, Val b) {
  if (a.is_composite() || b.is_composite()) throw_nan(n, "cannot compare an array or object");
  throw_nan(n, "cannot compare a string that is not a number with a number");
}

/// -1, 0, 1 for a < b, a == b, a > b under the loose rules above.
inline int loose_compare(const Node& n, Val a, Val b) {
  if (a.kind <= Kind::number && b.kind <= Kind::number) {
    // null, booleans and numbers: no conversion beyond 0/1 for null and booleans.
    const double x = a.kind == Kind::number ? a.d : (a.kind == Kind::boolean && a.b ? 1 : 0);
    const double y = b.kind == Kind::number ? b.d : (b.kind == Kind::boolean && b.b ? 1 : 0);
    if (x != x || y != y) not_comparable(n, a, b);
    return (x > y) - (x < y);
  }
  if (a.is_string() && b.is_string()) {
    const int r = a.str().compare(b.str());
    return (r > 0) - (r < 0);
  }
  if (a.is_composite() || b.is_composite()) not_comparable(n, a, b);
  const double x = to_number(a);
  const double y = to_number(b);
  if (x != x || y != y) not_comparable(n, a, b);
  return (x > y) - (x < y);
}

/// Loose equality: as loose_compare, except that null is never equal to a string (as in
/// JavaScript; coercing both to numbers would make a missing value equal "0" or "", and a NaN
/// error of a missing value compared with a name, e.g. {"==": [{"var": "tier"}, "key"]}).
inline bool loose_equal(const Node& n, Val a, Val b) {
  if ((a.is_null() && b.is_string()) || (a.is_string() && b.is_null())) return false;
  return loose_compare(n, a, b) == 0;
}

template <typename Pass>
inline Val chain(const Node& n, Ctx& c, Pass pass) {
  const std::size_t count = n.kids.size();
  Val prev = fetch(*n.kids[0], c);
  Val cur = fetch(*n.kids[1], c);
  if (!pass(prev, cur)) return Val::boolean(false);
  for (std::size_t i = 2; i < count; ++i) {
    prev = cur;
    cur = fetch(*n.kids[i], c);
    if (!pass(prev, cur)) return Val::boolean(false);
  }
  return Val::boolean(true);
}

}  // namespace

Val eval_loose_eq(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return loose_equal(n, a, b); });
}
Val eval_loose_ne(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return !loose_equal(n, a, b); });
}
Val eval_strict_eq(const Node& n, Ctx& c) {
  return chain(n, c, [](Val a, Val b) { return strict_equal(a, b); });
}
Val eval_strict_ne(const Node& n, Ctx& c) {
  return chain(n, c, [](Val a, Val b) { return !strict_equal(a, b); });
}
Val eval_less(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return loose_compare(n, a, b) < 0; });
}
Val eval_less_eq(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return loose_compare(n, a, b) <= 0; });
}
Val eval_greater(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return loose_compare(n, a, b) > 0; });
}
Val eval_greater_eq(const Node& n, Ctx& c) {
  return chain(n, c, [&n](Val a, Val b) { return loose_compare(n, a, b) >= 0; });
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
