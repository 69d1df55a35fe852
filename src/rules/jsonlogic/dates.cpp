// The date operators of Operators::with_dates(): ISO-8601 instants in, numbers, booleans or an
// ISO-8601 date-time out. An argument that is not such an instant raises {"type": "Invalid Date"}.
#include "rules/jsonlogic/node.hpp"

#include "undertake/timestamp.hpp"

#include <cmath>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace {

Timestamp instant(const Node& n, Val v) {
  if (v.is_string())
    if (const auto at = parse_iso8601(v.str())) return *at;
  std::string shown;
  append_js_string(shown, v);
  throw_rule_error(n, "Invalid Date", "\"" + shown + "\" is not an ISO-8601 date or date-time");
}

double millis_between(const Node& n, const Val* args) {
  return static_cast<double>((instant(n, args[1]) - instant(n, args[0])).count());
}

Val days_between_op(const Node& n, Ctx&, const Val* args, std::size_t) {
  return Val::number(days_between(instant(n, args[0]), instant(n, args[1])));
}

Val hours_between_op(const Node& n, Ctx&, const Val* args, std::size_t) {
  return Val::number(millis_between(n, args) / 3'600'000.0);
}

Val add_days_op(const Node& n, Ctx& c, const Val* args, std::size_t) {
  const Timestamp from = instant(n, args[0]);
  const double days = args[1].is_composite() ? std::nan("") : to_number(args[1]);
  if (!std::isfinite(days) || std::fabs(days) > 3'700'000)
    throw_invalid_arguments(n, "the number of days is not a number in range");
  const Timestamp to = from + std::chrono::milliseconds(std::llround(days * 86'400'000.0));
  if (!in_iso8601_range(to)) throw_rule_error(n, "Invalid Date", "the date is out of range");
  char text[kIso8601MaxLength];  // formatted on the stack: the arena keeps the only copy
  return Val::string(c.arena.keep(std::string_view(text, format_iso8601(to, text))));
}

Val date_before_op(const Node& n, Ctx&, const Val* args, std::size_t) {
  return Val::boolean(instant(n, args[0]) < instant(n, args[1]));
}

Val date_on_or_before_op(const Node& n, Ctx&, const Val* args, std::size_t) {
  return Val::boolean(instant(n, args[0]) <= instant(n, args[1]));
}

}  // namespace

void add_date_operators(Operators::Impl& ops) {
  const auto add = [&ops](const char* name, NativeFn fn) {
    auto entry = std::make_shared<OperatorEntry>();
    entry->name = name;
    entry->native = fn;
    entry->min_args = 2;
    entry->max_args = 2;
    ops.put(std::move(entry));
  };
  add("days_between", days_between_op);
  add("hours_between", hours_between_op);
  add("add_days", add_days_op);
  add("date_before", date_before_op);
  add("date_on_or_before", date_on_or_before_op);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
