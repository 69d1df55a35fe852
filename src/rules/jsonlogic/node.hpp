// The compiled form of a rule: a tree of nodes, each with the function that evaluates it.
//
// Operators are resolved when the rule compiles: a node holds a plain function pointer, its
// argument nodes, and whatever the operator needs pre-computed (a split `var` path, a constant).
// Evaluation walks the tree with a Ctx that carries the limits, the scope chain of iterators and
// the arena for values built on the way.
#pragma once

#include "undertake/jsonlogic.hpp"

#include "rules/jsonlogic/value.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

struct Node;
struct Ctx;

using EvalFn = Val (*)(const Node&, Ctx&);
/// A built-in operator registered through an Operators registry (the date operators): gets the
/// evaluated arguments as values.
using NativeFn = Val (*)(const Node&, Ctx&, const Val* args, std::size_t count);

/// One step of a data path: an object key, which is also an array index when it is a canonical
/// non-negative integer. `dynamic` (when set) is evaluated at run time to give the step.
struct Segment {
  std::string key;
  std::size_t index = npos;
  const Node* dynamic = nullptr;
  /// Where the key was found in the last object looked at: data of one shape hits it every time,
  /// which saves the search. Shared by threads evaluating the rule, hence atomic (relaxed: a stale
  /// or torn-free hint is only a wrong guess, checked before use).
  mutable std::atomic<std::uint32_t> hint{0};
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  Segment() = default;
  Segment(const Segment& o) : key(o.key), index(o.index), dynamic(o.dynamic) {}
  Segment(Segment&& o) noexcept : key(std::move(o.key)), index(o.index), dynamic(o.dynamic) {}
  Segment& operator=(const Segment& o) {
    key = o.key;
    index = o.index;
    dynamic = o.dynamic;
    return *this;
  }
  Segment& operator=(Segment&& o) noexcept {
    key = std::move(o.key);
    index = o.index;
    dynamic = o.dynamic;
    return *this;
  }
};

/// Equality of short strings (object keys) without a call to memcmp.
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t u, v;
    std::memcpy(&u, x + i, 8);
    std::memcpy(&v, y + i, 8);
    if (u != v) return false;
  }
  if (i + 4 <= n) {
    std::uint32_t u, v;
    std::memcpy(&u, x + i, 4);
    std::memcpy(&v, y + i, 4);
    if (u != v) return false;
    i += 4;
  }
  for (; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

/// The member `s.key` of `o`, or null.
inline const json::value* find_member(const json::object& o, const Segment& s) noexcept {
  const std::size_t count = o.size();
  const json::key_value_pair* members = count ? &*o.begin() : nullptr;
  const std::uint32_t hint = s.hint.load(std::memory_order_relaxed);
  if (hint < count && same_key(members[hint].key(), s.key)) return &members[hint].value();
  const json::key_value_pair* found = nullptr;
  if (count <= 16) {
    for (std::size_t i = 0; i < count; ++i)
      if (same_key(members[i].key(), s.key)) {
        found = &members[i];
        break;
      }
  } else {
    const auto it = o.find(s.key);
    if (it != o.end()) found = &*it;
  }
  if (!found) return nullptr;
  s.hint.store(static_cast<std::uint32_t>(found - members), std::memory_order_relaxed);
  return &found->value();
}

/// A `var`/`val`/`exists` path: first `climb` scope levels up (val's `[[n], ...]`), then the steps.
struct Path {
  std::size_t climb = 0;
  std::vector<Segment> steps;
  bool has_dynamic = false;
  std::string text;  ///< dotted, for traces
};

/// An entry of an Operators registry: a host function (JSON arguments) or a native one.
struct OperatorEntry {
  std::string name;
  OperatorFn fn;
  NativeFn native = nullptr;
  /// What a native operator of the library reads besides its arguments (the policy's decision
  /// tables for `decide`), reached through Node::custom.
  std::shared_ptr<const void> native_state;
  std::size_t min_args = 0;
  std::size_t max_args = static_cast<std::size_t>(-1);
};

/// Registers (or replaces) an operator that works on views of its arguments (no JSON copies, no
/// std::function): for the library's own operators, such as the policy's `decide`.
void add_native_operator(Operators& ops, std::shared_ptr<OperatorEntry> entry);

struct Node {
  EvalFn fn = nullptr;
  std::vector<std::unique_ptr<Node>> kids;
  /// The arguments come from evaluating kids[0] at run time (e.g. `{"+": {"val": "list"}}`): an
  /// array result is the argument list, anything else a single argument.
  bool dynamic = false;
  bool is_literal = false;
  json::value value;        ///< the constant of a literal node
  Val lit;                  ///< a view of `value`
  Path path;                ///< var, val, exists
  std::vector<Path> paths;  ///< missing, missing_some: the constant keys, split
  bool static_paths = false;
  std::shared_ptr<const OperatorEntry> custom;
  std::string where;       ///< for run-time errors: the rule's `where` and the JSON path
  std::string_view name;   ///< the operator
  std::uint64_t size = 1;  ///< nodes in this subtree (steps per evaluation)
  std::size_t height = 1;  ///< nesting below and including this node
};

/// One level of scope: the data a rule starts with, an iteration's item, reduce's
/// {current, accumulator}, or the error a `try` caught. Lives on the C++ stack of the operator
/// that opened it.
struct Frame {
  enum class Type : std::uint8_t { root, item, reduce, error };
  Type type = Type::root;
  Val data;         ///< root, item, error: the context; reduce: `current`
  Val accumulator;  ///< reduce
  std::size_t index = 0;
  const Frame* parent = nullptr;
};

struct Ctx {
  Ctx(const Limits& l, Trace* t) : limits(l), trace(t) {}
  const Limits& limits;
  Trace* trace;
  std::uint64_t steps = 0;
  const Frame* frame = nullptr;
  Arena arena;
};

inline Val eval(const Node& n, Ctx& c) {
  return n.is_literal ? n.lit : n.fn(n, c);
}

Val eval_var_key(const Node&, Ctx&);
/// eval() with the most common leaf, a `var`/`val` of a constant path that exists, done inline.
inline Val fetch(const Node& n, Ctx& c);

/// Restores the scope chain when an iterator or `try` leaves, also by exception.
class FrameGuard {
 public:
  FrameGuard(Ctx& c, const Frame* f) : c_(c), saved_(c.frame) { c.frame = f; }
  ~FrameGuard() { c_.frame = saved_; }
  FrameGuard(const FrameGuard&) = delete;
  FrameGuard& operator=(const FrameGuard&) = delete;

 private:
  Ctx& c_;
  const Frame* saved_;
};

// Errors. Run-time JsonLogic errors are RuleError with the value `{"type": ...}`.
[[noreturn]] void throw_rule_error(const Node& n, std::string_view type, std::string why);
[[noreturn]] void throw_nan(const Node& n, std::string why = "the result is not a number");
[[noreturn]] void throw_invalid_arguments(const Node& n, std::string why);
[[noreturn]] void throw_limit(const Node& n, std::string why);

/// Counts `amount` more steps (iterations run a subtree again) and stops past the limit.
inline void charge(Ctx& c, const Node& n, std::uint64_t amount) {
  c.steps += amount;
  if (c.steps > c.limits.max_steps)
    throw_limit(
        n, "more than max_steps (" + std::to_string(c.limits.max_steps) + ") evaluation steps");
}
/// Refuses to build an array longer than max_items.
inline void check_items(Ctx& c, const Node& n, std::size_t count) {
  if (count > c.limits.max_items)
    throw_limit(n, "an array of " + std::to_string(count) + " items, more than max_items (" +
                       std::to_string(c.limits.max_items) + ")");
}

/// The arguments of an eager operator, evaluated on access: the argument nodes, or the elements
/// of a dynamic argument list.
class Args {
 public:
  Args(const Node& n, Ctx& c) : n_(n), c_(c) {
    if (n.dynamic) {
      list_ = eval(*n.kids[0], c);
      count_ = list_.is_array() ? list_.size() : 1;
    } else {
      count_ = n.kids.size();
    }
  }
  std::size_t size() const noexcept { return count_; }
  Val operator[](std::size_t i) const {
    if (!n_.dynamic) return fetch(*n_.kids[i], c_);
    return list_.is_array() ? list_.at(i) : list_;
  }

 private:
  const Node& n_;
  Ctx& c_;
  Val list_;
  std::size_t count_ = 0;
};

// Data access (ops_data.cpp).
/// Resolves `path` in the current scope; false when it does not exist.
bool resolve(Ctx& c, const Path& path, Val& out);
/// Splits a `var` path ("a.b.0") into steps.
void split_var_path(std::string_view text, Path& path);
/// Makes a step from a key (sets the array index when the key is one).
Segment make_segment(std::string key);

/// Compiles a rule (compile.cpp).
std::unique_ptr<Node> compile_rule(const json::value& logic, const Operators& ops,
                                   std::string_view where, const Limits& limits);
/// Registers days_between, hours_between, add_days, date_before, date_on_or_before (dates.cpp).
void add_date_operators(Operators::Impl& ops);

// Evaluation functions of the built-in operators, by file.
Val eval_literal(const Node&, Ctx&);
Val eval_array_literal(const Node&, Ctx&);
// ops_data.cpp
Val eval_var(const Node&, Ctx&);
Val eval_var_self(const Node&, Ctx&);  ///< {"var": ""}: the current context
Val eval_val(const Node&, Ctx&);
Val eval_val_key(const Node&, Ctx&);
Val eval_exists(const Node&, Ctx&);
Val eval_missing(const Node&, Ctx&);
Val eval_missing_some(const Node&, Ctx&);
// ops_arith.cpp
Val eval_plus(const Node&, Ctx&);
Val eval_minus(const Node&, Ctx&);
Val eval_multiply(const Node&, Ctx&);
Val eval_divide(const Node&, Ctx&);
Val eval_modulo(const Node&, Ctx&);
Val eval_max(const Node&, Ctx&);
Val eval_min(const Node&, Ctx&);
// ops_compare.cpp
Val eval_loose_eq(const Node&, Ctx&);
Val eval_loose_ne(const Node&, Ctx&);
Val eval_strict_eq(const Node&, Ctx&);
Val eval_strict_ne(const Node&, Ctx&);
Val eval_less(const Node&, Ctx&);
Val eval_less_eq(const Node&, Ctx&);
Val eval_greater(const Node&, Ctx&);
Val eval_greater_eq(const Node&, Ctx&);
// ops_logic.cpp
Val eval_if(const Node&, Ctx&);
Val eval_and(const Node&, Ctx&);
Val eval_or(const Node&, Ctx&);
Val eval_not(const Node&, Ctx&);
Val eval_not_not(const Node&, Ctx&);
Val eval_coalesce(const Node&, Ctx&);
Val eval_throw(const Node&, Ctx&);
Val eval_try(const Node&, Ctx&);
// ops_array.cpp
Val eval_map(const Node&, Ctx&);
Val eval_filter(const Node&, Ctx&);
Val eval_reduce(const Node&, Ctx&);
Val eval_all(const Node&, Ctx&);
Val eval_some(const Node&, Ctx&);
Val eval_none(const Node&, Ctx&);
Val eval_merge(const Node&, Ctx&);
Val eval_in(const Node&, Ctx&);
// ops_string.cpp
Val eval_cat(const Node&, Ctx&);
Val eval_substr(const Node&, Ctx&);
Val eval_log(const Node&, Ctx&);
// operators.cpp
Val eval_custom(const Node&, Ctx&);

/// A constant path (no scope climb, no computed step) from the current context, inline; false
/// when the path does not exist or needs the general lookup (reduce's virtual context).
inline bool lookup_static(const Frame& f, const Path& p, Val& out) noexcept {
  if (f.type == Frame::Type::reduce) return false;
  Val cur = f.data;
  for (const Segment& s : p.steps) {
    if (cur.kind == Kind::jobject) {
      const json::value* v = find_member(*cur.jo, s);
      if (!v) return false;
      cur = from_json(*v);
    } else if (cur.kind == Kind::jarray || cur.kind == Kind::varray) {
      if (s.index >= cur.size()) return false;
      cur = cur.at(s.index);
    } else {
      return false;
    }
  }
  out = cur;
  return true;
}

inline Val fetch(const Node& n, Ctx& c) {
  if (n.is_literal) return n.lit;
  if (n.fn == eval_var_key && !c.trace) {
    Val v;
    if (lookup_static(*c.frame, n.path, v)) return v;
  }
  return n.fn(n, c);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic {

struct Operators::Impl {
  std::vector<std::shared_ptr<const detail::OperatorEntry>> entries;  ///< sorted by name
  std::shared_ptr<const detail::OperatorEntry> find(std::string_view name) const;
  /// Adds or replaces the entry of that name.
  void put(std::shared_ptr<const detail::OperatorEntry> entry);
};

namespace detail {
/// The library's own way to an operator set's entries (hosts register with Operators::add).
struct OperatorsAccess {
  static const Operators::Impl& impl(const Operators& ops) noexcept { return *ops.impl_; }
  static Operators::Impl& impl(Operators& ops) noexcept { return *ops.impl_; }
};
}  // namespace detail

}  // namespace jsonlogic
UNDERTAKE_END_NAMESPACE
