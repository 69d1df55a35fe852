// Control: if / ?:, and, or, !, !!, ?? (first non-null), throw and try. All lazy: an argument is
// evaluated only when the result depends on it.
#include "rules/jsonlogic/node.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

Val eval_if(const Node& n, Ctx& c) {
  const std::size_t count = n.kids.size();
  std::size_t i = 0;
  for (; i + 1 < count; i += 2)
    if (truthy(eval(*n.kids[i], c))) return eval(*n.kids[i + 1], c);
  return i < count ? eval(*n.kids[i], c) : Val::null();
}

Val eval_and(const Node& n, Ctx& c) {
  Val v = Val::boolean(false);
  for (const auto& kid : n.kids) {
    v = eval(*kid, c);
    if (!truthy(v)) return v;
  }
  return v;
}

Val eval_or(const Node& n, Ctx& c) {
  Val v = Val::boolean(false);
  for (const auto& kid : n.kids) {
    v = eval(*kid, c);
    if (truthy(v)) return v;
  }
  return v;
}

Val eval_not(const Node& n, Ctx& c) {
  return Val::boolean(n.kids.empty() || !truthy(eval(*n.kids[0], c)));
}

Val eval_not_not(const Node& n, Ctx& c) {
  return Val::boolean(!n.kids.empty() && truthy(eval(*n.kids[0], c)));
}

Val eval_coalesce(const Node& n, Ctx& c) {
  if (n.dynamic) {
    const Val v = eval(*n.kids[0], c);
    if (!v.is_array()) return v;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!v.at(i).is_null()) return v.at(i);
    return Val::null();
  }
  for (const auto& kid : n.kids) {
    const Val v = eval(*kid, c);
    if (!v.is_null()) return v;
  }
  return Val::null();
}

Val eval_throw(const Node& n, Ctx& c) {
  const Val v = n.kids.empty() ? Val::null() : eval(*n.kids[0], c);
  json::value error;
  std::string type;
  if (v.is_object()) {
    error = to_json(v);
    if (const json::value* t = error.get_object().if_contains("type"); t && t->is_string())
      type = std::string(t->get_string());
  } else {
    append_js_string(type, v);
    error = json::object{{"type", to_json(v)}};
  }
  throw RuleError(std::move(error), n.where, "the rule threw \"" + type + "\"");
}

Val eval_try(const Node& n, Ctx& c) {
  if (n.dynamic) return eval(*n.kids[0], c);
  const std::size_t count = n.kids.size();
  if (count == 0) return Val::null();
  // After an error, the next alternative runs with the error ({"type": ...}) as its context; the
  // context the `try` ran in is two scope levels up ({"val": [[2], "key"]}).
  Frame error_frame;
  error_frame.type = Frame::Type::error;
  error_frame.parent = c.frame;
  for (std::size_t i = 0;; ++i) {
    try {
      if (i == 0) return eval(*n.kids[0], c);
      const FrameGuard guard(c, &error_frame);
      return eval(*n.kids[i], c);
    } catch (const RuleError& e) {
      if (i + 1 == count) throw;
      json::value context = e.value().is_object() ? e.value() : json::object{{"type", e.value()}};
      error_frame.data = from_json(*c.arena.keep(std::move(context)));
    }
  }
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
