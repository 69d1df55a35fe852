// Compiling a rule: JSON in, a tree of nodes out.
//
// Each operator is looked up once, here; its arguments are checked (count, shape) and compiled;
// `var`/`val` paths are split into steps; and a node whose arguments are all constants is
// evaluated on the spot and replaced by its value (unless that raises an error, which must then
// happen when the rule runs, where `try` can catch it). Recursion is bounded by max_depth, checked
// before going one level deeper.
#include "rules/jsonlogic/node.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace {

bool is_operation(const json::value& v) {
  return v.is_object() && v.get_object().size() == 1;
}

bool is_number(const json::value& v) {
  return v.is_int64() || v.is_uint64() || v.is_double();
}

double number_of(const json::value& v) {
  return from_json(v).d;
}

std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '~')
      out += "~0";
    else if (ch == '/')
      out += "~1";
    else
      out.push_back(ch);
  }
  return out;
}

/// A key written in a rule (a string or a number), as text.
bool key_text(const json::value& v, std::string& out) {
  if (v.is_string()) {
    out = std::string(v.get_string());
    return true;
  }
  if (is_number(v)) {
    out = format_number(number_of(v));
    return true;
  }
  return false;
}

class Compiler;
using Hook = void (Compiler::*)(Node&, const json::value& args, std::size_t depth);

enum class Style : std::uint8_t {
  list,    ///< an array of arguments is required (lazy operators, comparisons, iterators)
  spread,  ///< an array, a single value, or an operation whose array result is the arguments
  unary,   ///< ! and !!: an array (first element used) or a single value
  special  ///< compiled by its hook
};

constexpr std::size_t kAny = static_cast<std::size_t>(-1);

struct Builtin {
  std::string_view name;
  EvalFn fn;
  Style style;
  std::size_t min_args;
  std::size_t max_args;
  bool foldable;  ///< pure: may be computed at compile time when all arguments are constants
  Hook hook;
};

class Compiler {
 public:
  Compiler(const Operators& ops, std::string_view where, const Limits& limits)
      : ops_(OperatorsAccess::impl(ops)), where_(where), limits_(limits) {}

  std::unique_ptr<Node> compile(const json::value& v, std::size_t depth) {
    if (depth > limits_.max_depth)
      throw Error(
          ErrorKind::limit_exceeded, here(),
          "the rule nests deeper than max_depth (" + std::to_string(limits_.max_depth) + ")");
    if (v.is_array()) return compile_array(v.get_array(), depth);
    if (is_operation(v)) {
      const auto& member = *v.get_object().begin();
      return compile_operation(member.key(), member.value(), depth);
    }
    return literal(v);
  }

  // Hooks of the operators with their own argument rules.
  void compile_preserve(Node& n, const json::value& args, std::size_t depth);
  void compile_var(Node& n, const json::value& args, std::size_t depth);
  void compile_val(Node& n, const json::value& args, std::size_t depth);
  void compile_missing(Node& n, const json::value& args, std::size_t depth);
  void compile_missing_some(Node& n, const json::value& args, std::size_t depth);
  void compile_throw(Node& n, const json::value& args, std::size_t depth);
  void compile_lazy_or_dynamic(Node& n, const json::value& args, std::size_t depth);
  void compile_iterator(Node& n, const json::value& args, std::size_t depth);
  void compile_mapping_iterator(Node& n, const json::value& args, std::size_t depth);

 private:
  /// Appends a JSON-pointer step to the current path for the life of the scope.
  class Step {
   public:
    Step(Compiler& c, std::string_view segment) : c_(c), saved_(c.path_.size()) {
      c.path_.push_back('/');
      c.path_ += segment;
    }
    Step(Compiler& c, std::size_t index) : Step(c, std::to_string(index)) {}
    ~Step() { c_.path_.resize(saved_); }
    Step(const Step&) = delete;
    Step& operator=(const Step&) = delete;

   private:
    Compiler& c_;
    std::size_t saved_;
  };

  std::string here() const { return where_ + path_; }
  [[noreturn]] void fail(std::string why) const {
    throw Error(ErrorKind::invalid_rule, here(), std::move(why));
  }

  static std::unique_ptr<Node> literal(json::value v) {
    auto n = std::make_unique<Node>();
    n->fn = eval_literal;
    n->is_literal = true;
    n->value = std::move(v);
    n->lit = from_json(n->value);
    return n;
  }

  std::unique_ptr<Node> compile_array(const json::array& items, std::size_t depth) {
    // Scalars only (a list of names, of thresholds): a constant, without a node per element.
    if (std::none_of(items.begin(), items.end(),
                     [](const json::value& v) { return v.is_array() || v.is_object(); }))
      return literal(items);
    auto n = std::make_unique<Node>();
    n->fn = eval_array_literal;
    n->where = here();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Step step(*this, i);
      n->kids.push_back(compile(items[i], depth + 1));
    }
    finish(*n);
    if (!all_literal(*n)) return n;
    json::array values;
    values.reserve(n->kids.size());
    for (const auto& kid : n->kids) values.push_back(kid->value);
    return literal(std::move(values));
  }

  /// Compiles each element of an argument array, or the single argument.
  void compile_each(Node& n, const json::value& args, std::size_t depth) {
    if (!args.is_array()) {
      n.kids.push_back(compile(args, depth + 1));
      return;
    }
    const json::array& items = args.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Step step(*this, i);
      n.kids.push_back(compile(items[i], depth + 1));
    }
  }

  void check_count(const Node& n, std::size_t count, std::size_t min, std::size_t max) const {
    if (count < min)
      fail("\"" + std::string(n.name) + "\" needs at least " + std::to_string(min) + " argument" +
           (min == 1 ? "" : "s") + ", got " + std::to_string(count));
    if (count > max)
      fail("\"" + std::string(n.name) + "\" takes at most " + std::to_string(max) + " argument" +
           (max == 1 ? "" : "s") + ", got " + std::to_string(count));
  }

  void need_array(const Node& n, const json::value& args) const {
    if (!args.is_array()) fail("\"" + std::string(n.name) + "\" needs an array of arguments");
  }

  static bool all_literal(const Node& n) {
    return std::all_of(n.kids.begin(), n.kids.end(), [](const auto& k) { return k->is_literal; });
  }

  static void finish(Node& n) {
    n.size = 1;
    n.height = 1;
    for (const auto& kid : n.kids) {
      n.size += kid->size;
      n.height = std::max(n.height, kid->height + 1);
    }
  }

  std::unique_ptr<Node> compile_operation(std::string_view name, const json::value& args,
                                          std::size_t depth) {
    const Step step(*this, pointer_escape(name));
    auto n = std::make_unique<Node>();
    n->where = here();
    if (auto custom = ops_.find(name)) {
      n->name = custom->name;
      n->fn = eval_custom;
      compile_each(*n, args, depth);
      check_count(*n, n->kids.size(), custom->min_args, custom->max_args);
      n->custom = std::move(custom);
      finish(*n);
      return n;
    }
    const Builtin* b = find_builtin(name);
    if (!b) fail("unknown operator \"" + std::string(name) + "\"");
    n->name = b->name;
    n->fn = b->fn;
    switch (b->style) {
      case Style::list:
        need_array(*n, args);
        compile_each(*n, args, depth);
        check_count(*n, n->kids.size(), b->min_args, b->max_args);
        break;
      case Style::spread:
        if (!args.is_array() && is_operation(args)) {
          n->dynamic = true;  // the count is checked when the operation has run
          n->kids.push_back(compile(args, depth + 1));
        } else {
          compile_each(*n, args, depth);
          check_count(*n, n->kids.size(), b->min_args, b->max_args);
        }
        break;
      case Style::unary:
        compile_each(*n, args, depth);
        break;
      case Style::special:
        break;
    }
    if (b->hook) (this->*(b->hook))(*n, args, depth);
    if (!n->dynamic && n->path.climb == 0 && !n->path.steps.empty() && !n->path.has_dynamic) {
      // A constant path: looked up inline by the operators that use it (fetch).
      if (n->fn == eval_var) n->fn = eval_var_key;
      if (n->fn == eval_val) n->fn = eval_val_key;
    }
    if ((n->fn == eval_var || n->fn == eval_val) && !n->dynamic && n->path.climb == 0 &&
        n->path.steps.empty() && n->kids.empty())
      n->fn = eval_var_self;  // the whole context ({"var": ""}, {"val": []})
    finish(*n);
    if (b->foldable && all_literal(*n)) return fold(std::move(n));
    return n;
  }

  /// Computes a node whose arguments are all constants. An error is left for run time.
  std::unique_ptr<Node> fold(std::unique_ptr<Node> n) const {
    try {
      Ctx c(limits_, nullptr);
      Frame root;
      c.frame = &root;
      return literal(to_json(eval(*n, c)));
    } catch (const Error&) {
      return n;
    }
  }

  static const Builtin* find_builtin(std::string_view name);

  /// A val/exists path written in the rule: ["a", "b"], "a", 1, [[2], "a"], or null (the whole
  /// context); steps may be operations, evaluated at run time.
  void compile_val_path(Node& n, const json::value& args, std::size_t depth);
  void add_val_step(Node& n, const json::value& v, std::size_t depth);

  const Operators::Impl& ops_;
  std::string where_;
  const Limits& limits_;
  std::string path_;
};

void Compiler::compile_preserve(Node& n, const json::value& args, std::size_t) {
  // {"preserve": x} is x, not evaluated: the way to write an object or array as data.
  n.is_literal = true;
  n.value = args;
  n.lit = from_json(n.value);
}

void Compiler::compile_var(Node& n, const json::value& args, std::size_t depth) {
  static const json::value null_value;
  const json::value* path = &args;
  const json::value* fallback = nullptr;
  if (args.is_array()) {
    const json::array& items = args.get_array();
    check_count(n, items.size(), 0, 2);
    path = items.empty() ? &null_value : &items[0];
    if (items.size() == 2) fallback = &items[1];
  }
  {
    // Error paths point at the path argument: /var/0 when the arguments are an array.
    std::optional<Step> step;
    if (args.is_array() && !args.get_array().empty()) step.emplace(*this, 0);
    if (is_operation(*path)) {
      n.dynamic = true;
      n.kids.push_back(compile(*path, depth + 1));
    } else {
      std::string text;
      if (path->is_bool())
        text = path->get_bool() ? "true" : "false";
      else if (!path->is_null() && !key_text(*path, text))
        fail("a \"var\" path is a string, a number or an operation");
      split_var_path(text, n.path);
    }
  }
  if (fallback) {
    const Step step(*this, 1);
    n.kids.push_back(compile(*fallback, depth + 1));
  }
}

void Compiler::add_val_step(Node& n, const json::value& v, std::size_t depth) {
  if (v.is_null()) return;  // skipped, as in the reference implementation
  std::string key;
  if (key_text(v, key)) {
    if (!n.path.text.empty() || !n.path.steps.empty()) n.path.text.push_back('.');
    n.path.text += key;
    n.path.steps.push_back(make_segment(std::move(key)));
    return;
  }
  if (!is_operation(v)) fail("a path step is a string, a number or an operation");
  n.kids.push_back(compile(v, depth + 1));
  Segment s;
  s.dynamic = n.kids.back().get();
  n.path.steps.push_back(std::move(s));
  n.path.has_dynamic = true;
}

void Compiler::compile_val_path(Node& n, const json::value& args, std::size_t depth) {
  if (is_operation(args)) {
    n.dynamic = true;
    n.kids.push_back(compile(args, depth + 1));
    return;
  }
  if (!args.is_array()) {
    if (args.is_object() || args.is_bool())
      fail("\"" + std::string(n.name) + "\" needs a key, a path array or an operation");
    add_val_step(n, args, depth);
    return;
  }
  const json::array& items = args.get_array();
  std::size_t i = 0;
  if (!items.empty() && items[0].is_array()) {
    const json::array& climb = items[0].get_array();
    if (climb.size() != 1 || !is_number(climb[0])) {
      const Step step(*this, 0);
      fail("a scope climb is written [n], with n a number");
    }
    n.path.climb = static_cast<std::size_t>(std::fabs(number_of(climb[0])));
    i = 1;
  }
  for (; i < items.size(); ++i) {
    const Step step(*this, i);
    if (items[i].is_object() && !is_operation(items[i]))
      fail("a path step is a string, a number or an operation");
    if (items[i].is_array() || items[i].is_bool())
      fail("a path step is a string, a number or an operation");
    add_val_step(n, items[i], depth);
  }
}

void Compiler::compile_val(Node& n, const json::value& args, std::size_t depth) {
  compile_val_path(n, args, depth);
}

void Compiler::compile_missing(Node& n, const json::value& args, std::size_t depth) {
  // Constant keys (the usual case) are split once, here.
  const json::value* keys = &args;
  if (args.is_array() && !args.get_array().empty() && args.get_array()[0].is_array())
    keys = &args.get_array()[0];
  json::array list;
  if (keys->is_array()) {
    list = keys->get_array();
  } else if (keys->is_string() || is_number(*keys)) {
    list.push_back(*keys);
  } else {
    list.push_back(nullptr);  // not constant: compiled as an operation below
  }
  const bool constant = std::all_of(
      list.begin(), list.end(), [](const json::value& k) { return k.is_string() || is_number(k); });
  if (!constant) {
    if (!args.is_array() && is_operation(args)) {
      n.dynamic = true;
      n.kids.push_back(compile(args, depth + 1));
    } else {
      compile_each(n, args, depth);
    }
    return;
  }
  for (const json::value& k : list) {
    std::string text;
    key_text(k, text);
    Path p;
    split_var_path(text, p);
    n.paths.push_back(std::move(p));
  }
  n.value = std::move(list);
  n.lit = from_json(n.value);
  n.static_paths = true;
}

void Compiler::compile_missing_some(Node& n, const json::value&, std::size_t) {
  if (n.dynamic || n.kids.size() != 2 || !n.kids[1]->is_literal || !n.kids[1]->value.is_array())
    return;
  const json::array& keys = n.kids[1]->value.get_array();
  std::vector<Path> paths;
  for (const json::value& k : keys) {
    std::string text;
    if (!key_text(k, text)) return;
    Path p;
    split_var_path(text, p);
    paths.push_back(std::move(p));
  }
  n.paths = std::move(paths);
  n.static_paths = true;
}

void Compiler::compile_throw(Node& n, const json::value& args, std::size_t depth) {
  if (!args.is_array()) {
    n.kids.push_back(compile(args, depth + 1));
    return;
  }
  if (args.get_array().empty()) return;
  const Step step(*this, 0);
  n.kids.push_back(compile(args.get_array()[0], depth + 1));
}

void Compiler::compile_lazy_or_dynamic(Node& n, const json::value& args, std::size_t depth) {
  // try and ??: an array of alternatives, or one operation whose result is used as is.
  if (!args.is_array()) n.dynamic = true;
  compile_each(n, args, depth);
}

void Compiler::compile_iterator(Node& n, const json::value& args, std::size_t) {
  if (args.get_array()[0].is_null()) {
    const Step step(*this, 0);
    fail("\"" + std::string(n.name) + "\" needs an array to iterate over, not null");
  }
}

void Compiler::compile_mapping_iterator(Node& n, const json::value& args, std::size_t depth) {
  compile_iterator(n, args, depth);
  if (args.get_array()[1].is_null()) {
    const Step step(*this, 1);
    fail("\"" + std::string(n.name) + "\" needs an operation to apply, not null");
  }
}

const Builtin* Compiler::find_builtin(std::string_view name) {
  static const Builtin table[] = {
      {"preserve", eval_literal, Style::special, 0, kAny, false, &Compiler::compile_preserve},
      {"var", eval_var, Style::special, 0, kAny, false, &Compiler::compile_var},
      {"val", eval_val, Style::special, 0, kAny, false, &Compiler::compile_val},
      {"exists", eval_exists, Style::special, 0, kAny, false, &Compiler::compile_val},
      {"missing", eval_missing, Style::special, 0, kAny, false, &Compiler::compile_missing},
      {"missing_some", eval_missing_some, Style::spread, 2, 2, false,
       &Compiler::compile_missing_some},
      {"if", eval_if, Style::list, 0, kAny, true, nullptr},
      {"?:", eval_if, Style::list, 0, kAny, true, nullptr},
      {"and", eval_and, Style::list, 0, kAny, true, nullptr},
      {"or", eval_or, Style::list, 0, kAny, true, nullptr},
      {"!", eval_not, Style::unary, 0, kAny, true, nullptr},
      {"!!", eval_not_not, Style::unary, 0, kAny, true, nullptr},
      {"??", eval_coalesce, Style::special, 0, kAny, true, &Compiler::compile_lazy_or_dynamic},
      {"try", eval_try, Style::special, 0, kAny, false, &Compiler::compile_lazy_or_dynamic},
      {"throw", eval_throw, Style::special, 0, kAny, false, &Compiler::compile_throw},
      {"==", eval_loose_eq, Style::list, 2, kAny, true, nullptr},
      {"!=", eval_loose_ne, Style::list, 2, kAny, true, nullptr},
      {"===", eval_strict_eq, Style::list, 2, kAny, true, nullptr},
      {"!==", eval_strict_ne, Style::list, 2, kAny, true, nullptr},
      {"<", eval_less, Style::list, 2, kAny, true, nullptr},
      {"<=", eval_less_eq, Style::list, 2, kAny, true, nullptr},
      {">", eval_greater, Style::list, 2, kAny, true, nullptr},
      {">=", eval_greater_eq, Style::list, 2, kAny, true, nullptr},
      {"+", eval_plus, Style::spread, 0, kAny, true, nullptr},
      {"-", eval_minus, Style::spread, 1, kAny, true, nullptr},
      {"*", eval_multiply, Style::spread, 0, kAny, true, nullptr},
      {"/", eval_divide, Style::spread, 1, kAny, true, nullptr},
      {"%", eval_modulo, Style::spread, 2, kAny, true, nullptr},
      {"max", eval_max, Style::spread, 1, kAny, true, nullptr},
      {"min", eval_min, Style::spread, 1, kAny, true, nullptr},
      {"map", eval_map, Style::list, 2, 2, true, &Compiler::compile_mapping_iterator},
      {"filter", eval_filter, Style::list, 2, 2, true, &Compiler::compile_mapping_iterator},
      {"reduce", eval_reduce, Style::list, 2, 3, true, &Compiler::compile_iterator},
      {"all", eval_all, Style::list, 2, 2, true, &Compiler::compile_iterator},
      {"some", eval_some, Style::list, 2, 2, true, &Compiler::compile_iterator},
      {"none", eval_none, Style::list, 2, 2, true, &Compiler::compile_iterator},
      {"merge", eval_merge, Style::spread, 0, kAny, true, nullptr},
      {"in", eval_in, Style::spread, 2, 2, true, nullptr},
      {"cat", eval_cat, Style::spread, 0, kAny, true, nullptr},
      {"substr", eval_substr, Style::spread, 1, 3, true, nullptr},
      {"log", eval_log, Style::spread, 0, kAny, true, nullptr},
  };
  for (const Builtin& b : table)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace

std::unique_ptr<Node> compile_rule(const json::value& logic, const Operators& ops,
                                   std::string_view where, const Limits& limits) {
  Compiler compiler(ops, where, limits);
  return compiler.compile(logic, 1);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
