// undertake — the rule language: JsonLogic compiled once to a tree of typed nodes.
//
// A rule is compiled from Boost.JSON once (operators resolved, `var`/`val` paths pre-split,
// constants folded) and then evaluated many times against data without looking operators up by
// name or re-reading the rule's JSON. Covers the classic specification and the community
// extensions (`val`, `exists`, `??`, `try`/`throw`, `preserve`, iterator scopes), with the error
// values of the compat suites (`{"type": "NaN"}`, `{"type": "Invalid Arguments"}`, ...).
//
// Thread safety: a compiled Rule and an Operators registry are immutable once built and may be
// evaluated from many threads at once. A Trace is owned by one evaluation.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic {

/// Bounds on one evaluation, so a hostile or mistaken rule gives an error instead of a stack
/// overflow or a hang. Exceeding one throws Error(ErrorKind::limit_exceeded).
struct UNDERTAKE_API Limits {
  std::size_t max_depth = 512;           ///< nesting of the rule and of iterator scopes
  std::uint64_t max_steps = 10'000'000;  ///< nodes evaluated, counting every iteration
  std::size_t max_items = 1'000'000;     ///< elements of any array built during evaluation
};

/// An error raised by the rule while it ran (`throw`, a NaN from arithmetic, invalid arguments).
/// `value()` is the JsonLogic error value, e.g. `{"type": "NaN"}`; it is what `try` catches.
class UNDERTAKE_API RuleError : public Error {
 public:
  RuleError(boost::json::value error_value, std::string where, std::string why)
      : Error(ErrorKind::rule_failed, std::move(where), std::move(why)),
        value_(std::move(error_value)) {}
  const boost::json::value& value() const noexcept { return value_; }

 private:
  boost::json::value value_;
};

/// What an evaluation read: every `var`/`val` path resolved and the value found (null when
/// missing), as a dotted path (`payload.price`); the keys `missing`, `missing_some` and `exists`
/// look at are listed too. Gate decisions include it so that a refusal says which values led to it.
struct UNDERTAKE_API Trace {
  std::vector<std::pair<std::string, boost::json::value>> reads;
};

/// A custom operator: gets its arguments already evaluated and returns a value, or throws
/// RuleError (to be catchable by `try`) or Error.
using OperatorFn = std::function<boost::json::value(const std::vector<boost::json::value>& args)>;

namespace detail {
struct OperatorsAccess;
}

/// The operators a rule may use beyond the built-in ones. Register before compiling; a rule that
/// names an operator that is neither built in nor registered is refused at compile time.
class UNDERTAKE_API Operators {
 public:
  Operators();
  ~Operators();
  Operators(const Operators&);
  Operators& operator=(const Operators&);
  /// A moved-from Operators may only be destroyed or assigned to.
  Operators(Operators&&) noexcept;
  Operators& operator=(Operators&&) noexcept;

  /// Registers (or replaces) `name`. `min_args`/`max_args` are checked when a rule compiles
  /// (max_args = SIZE_MAX: any number).
  void add(std::string name, OperatorFn fn, std::size_t min_args = 0,
           std::size_t max_args = static_cast<std::size_t>(-1));

  /// The built-in operators only.
  static const Operators& standard();
  /// The built-in operators plus the date operators used by the default policy:
  ///   `days_between(a, b)` fractional days from ISO-8601 a to b;
  ///   `hours_between(a, b)`; `add_days(a, n)` → ISO-8601 date-time string;
  ///   `date_before(a, b)`, `date_on_or_before(a, b)` → bool (instants compared, offsets honoured).
  ///   Invalid dates raise RuleError {"type": "Invalid Date"}.
  static const Operators& with_dates();

  struct Impl;

 private:
  // The compiler and the library's native operators reach the entries through
  // detail::OperatorsAccess (src/rules/jsonlogic/node.hpp); hosts only add().
  friend struct detail::OperatorsAccess;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
struct Node;
}

/// A compiled rule. Cheap to copy (shares the immutable tree).
class UNDERTAKE_API Rule {
 public:
  Rule();  ///< the rule `null`

  /// Compiles `logic`. `where` (e.g. `rules/default/gates.json: /gates/intake.confirm/0/when`) is
  /// put in front of every compile error, followed by the JSON path inside the rule
  /// (`/and/1/var`). Throws Error(ErrorKind::invalid_rule) for an unknown operator or a malformed
  /// argument list, and Error(ErrorKind::limit_exceeded) for nesting deeper than
  /// `limits.max_depth` (checked before going deeper, so hostile nesting cannot overflow the
  /// stack). Subtrees whose arguments are all constants are computed here, once.
  static Rule compile(const boost::json::value& logic, const Operators& ops = Operators::standard(),
                      std::string_view where = {}, const Limits& limits = {});

  /// Evaluates against `data`. Throws RuleError for errors raised by the rule (including
  /// JsonLogic errors such as NaN), Error(limit_exceeded) past `limits`. When `trace` is given,
  /// every variable read is appended to it.
  boost::json::value evaluate(const boost::json::value& data, const Limits& limits = {},
                              Trace* trace = nullptr) const;

  /// Evaluates and applies JsonLogic truthiness.
  bool test(const boost::json::value& data, const Limits& limits = {},
            Trace* trace = nullptr) const;

  /// The rule as it was given (for explanations and schemas).
  const boost::json::value& source() const noexcept;

 private:
  std::shared_ptr<const detail::Node> root_;
  std::shared_ptr<const boost::json::value> source_;
};

/// JsonLogic truthiness: false for false, null, 0, NaN, "" and []; true otherwise (including {}).
UNDERTAKE_API bool truthy(const boost::json::value& v) noexcept;

}  // namespace jsonlogic
UNDERTAKE_END_NAMESPACE
