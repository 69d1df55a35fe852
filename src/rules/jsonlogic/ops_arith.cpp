// Arithmetic: + - * / % max min. Numbers are doubles; strings, booleans and null are coerced as
// JavaScript's unary plus does; arrays and objects, and any result that is not a finite number,
// raise {"type": "NaN"}.
#include "rules/jsonlogic/node.hpp"

#include <cmath>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace {

double operand(const Node& n, Val v) {
  if (v.is_composite()) throw_nan(n, "an array or object is not a number");
  return to_number(v);
}

Val result(const Node& n, double r) {
  if (!std::isfinite(r)) throw_nan(n);
  return Val::number(r);
}

}  // namespace

Val eval_plus(const Node& n, Ctx& c) {
  const Args args(n, c);
  double sum = 0;
  for (std::size_t i = 0; i < args.size(); ++i) sum += operand(n, args[i]);
  return result(n, sum);
}

Val eval_minus(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() == 0) throw_invalid_arguments(n, "\"-\" needs at least one argument");
  double r = operand(n, args[0]);
  if (args.size() == 1) return result(n, -r);
  for (std::size_t i = 1; i < args.size(); ++i) r -= operand(n, args[i]);
  return result(n, r);
}

Val eval_multiply(const Node& n, Ctx& c) {
  const Args args(n, c);
  double product = 1;
  for (std::size_t i = 0; i < args.size(); ++i) product *= operand(n, args[i]);
  return result(n, product);
}

Val eval_divide(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() == 0) throw_invalid_arguments(n, "\"/\" needs at least one argument");
  double r = operand(n, args[0]);
  if (args.size() == 1) {
    if (r == 0) throw_nan(n, "division by zero");
    return result(n, 1 / r);
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    const double d = operand(n, args[i]);
    if (d == 0) throw_nan(n, "division by zero");
    r /= d;
  }
  return result(n, r);
}

Val eval_modulo(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() < 2) throw_invalid_arguments(n, "\"%\" needs at least two arguments");
  double r = operand(n, args[0]);
  for (std::size_t i = 1; i < args.size(); ++i) r = std::fmod(r, operand(n, args[i]));
  return result(n, r);
}

namespace {

template <bool Max>
Val extreme(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() == 0) throw_invalid_arguments(n, "needs at least one number");
  double best = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Val v = args[i];
    if (!v.is_number()) throw_invalid_arguments(n, "takes numbers only");
    if (i == 0 || (Max ? v.d > best : v.d < best)) best = v.d;
  }
  return Val::number(best);
}

}  // namespace

Val eval_max(const Node& n, Ctx& c) {
  return extreme<true>(n, c);
}
Val eval_min(const Node& n, Ctx& c) {
  return extreme<false>(n, c);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
