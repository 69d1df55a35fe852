// Rule: compile, evaluate, test; constants; the errors a rule raises while it runs.
#include "rules/jsonlogic/node.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic {

namespace detail {

Val eval_literal(const Node& n, Ctx&) {
  return n.lit;
}

Val eval_array_literal(const Node& n, Ctx& c) {
  ValArray* out = c.arena.new_array();
  out->reserve(n.kids.size());
  for (const auto& kid : n.kids) out->push_back(eval(*kid, c));
  return Val::array(out);
}

void throw_rule_error(const Node& n, std::string_view type, std::string why) {
  throw RuleError(json::object{{"type", type}}, n.where,
                  n.name.empty() ? std::move(why) : "\"" + std::string(n.name) + "\": " + why);
}

void throw_nan(const Node& n, std::string why) {
  throw_rule_error(n, "NaN", std::move(why));
}

void throw_invalid_arguments(const Node& n, std::string why) {
  throw_rule_error(n, "Invalid Arguments", std::move(why));
}

void throw_limit(const Node& n, std::string why) {
  throw Error(ErrorKind::limit_exceeded, n.where, std::move(why));
}

namespace {

[[noreturn, gnu::noinline]] void limits_refused(const Node& root, const Limits& limits) {
  if (root.height > limits.max_depth)
    throw Error(ErrorKind::limit_exceeded, root.where,
                "the rule nests " + std::to_string(root.height) + " deep, more than max_depth (" +
                    std::to_string(limits.max_depth) + ")");
  throw Error(ErrorKind::limit_exceeded, root.where,
              "the rule has " + std::to_string(root.size) + " nodes, more than max_steps (" +
                  std::to_string(limits.max_steps) + ")");
}

/// Work that is known before running: the nesting and the size of the tree.
inline void check_limits(const Node& root, const Limits& limits) {
  if (root.height > limits.max_depth || root.size > limits.max_steps) limits_refused(root, limits);
}

std::shared_ptr<const Node> null_rule() {
  static const std::shared_ptr<const Node> node = [] {
    auto n = std::make_shared<Node>();
    n->fn = eval_literal;
    n->is_literal = true;
    return n;
  }();
  return node;
}

std::shared_ptr<const json::value> null_source() {
  static const auto value = std::make_shared<const json::value>();
  return value;
}

}  // namespace

}  // namespace detail

Rule::Rule() : root_(detail::null_rule()), source_(detail::null_source()) {}

Rule Rule::compile(const boost::json::value& logic, const Operators& ops, std::string_view where,
                   const Limits& limits) {
  Rule rule;
  rule.root_ = detail::compile_rule(logic, ops, where, limits);
  rule.source_ = std::make_shared<const boost::json::value>(logic);
  return rule;
}

boost::json::value Rule::evaluate(const boost::json::value& data, const Limits& limits,
                                  Trace* trace) const {
  const detail::Node& root = *root_;
  detail::check_limits(root, limits);
  detail::Ctx c(limits, trace);
  c.steps = root.size;
  detail::Frame frame;
  frame.data = detail::from_json(data);
  c.frame = &frame;
  return detail::to_json(detail::eval(root, c));
}

bool Rule::test(const boost::json::value& data, const Limits& limits, Trace* trace) const {
  const detail::Node& root = *root_;
  detail::check_limits(root, limits);
  detail::Ctx c(limits, trace);
  c.steps = root.size;
  detail::Frame frame;
  frame.data = detail::from_json(data);
  c.frame = &frame;
  return detail::truthy(detail::eval(root, c));
}

const boost::json::value& Rule::source() const noexcept {
  return *source_;
}

bool truthy(const boost::json::value& v) noexcept {
  return detail::truthy(detail::from_json(v));
}

}  // namespace jsonlogic
UNDERTAKE_END_NAMESPACE
