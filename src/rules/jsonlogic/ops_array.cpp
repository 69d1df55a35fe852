// Arrays: the iterators map, filter, reduce, all, some, none (each opening a scope whose context
// is the item), merge and in.
//
// Every iteration counts the steps of the subtree it runs again, and every array built is checked
// against max_items, so a huge input stops with Error(limit_exceeded) instead of running on.
#include "rules/jsonlogic/node.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace {

const ValArray kEmpty;

Val empty_array() {
  return Val::array(&kEmpty);
}

/// The array an iterator runs over. `null_is_empty`: map, filter and reduce take null (a missing
/// variable) as []; all, some and none refuse it.
bool source(const Node& n, Ctx& c, Val& out, bool null_is_empty) {
  out = eval(*n.kids[0], c);
  if (out.is_array()) return true;
  if (out.is_null() && null_is_empty) return false;
  throw_invalid_arguments(n, "\"" + std::string(n.name) + "\" needs an array to iterate over");
}

/// Runs `body` for each item in an item scope; `visit(i, result)` returns false to stop early.
template <typename Visit>
void iterate(const Node& n, Ctx& c, Val items, Visit visit) {
  const Node& body = *n.kids[1];
  Frame frame;
  frame.type = Frame::Type::item;
  frame.parent = c.frame;
  const FrameGuard guard(c, &frame);
  const std::size_t count = items.size();
  for (std::size_t i = 0; i < count; ++i) {
    charge(c, n, body.size);
    frame.data = items.at(i);
    frame.index = i;
    if (!visit(i, eval(body, c))) return;
  }
}

}  // namespace

Val eval_map(const Node& n, Ctx& c) {
  Val items;
  if (!source(n, c, items, true) || items.size() == 0) return empty_array();
  check_items(c, n, items.size());
  ValArray* out = c.arena.new_array();
  out->reserve(items.size());
  iterate(n, c, items, [out](std::size_t, Val v) {
    out->push_back(v);
    return true;
  });
  return Val::array(out);
}

Val eval_filter(const Node& n, Ctx& c) {
  Val items;
  if (!source(n, c, items, true) || items.size() == 0) return empty_array();
  check_items(c, n, items.size());
  ValArray* out = c.arena.new_array();
  iterate(n, c, items, [out, items](std::size_t i, Val v) {
    if (truthy(v)) out->push_back(items.at(i));
    return true;
  });
  return Val::array(out);
}

Val eval_reduce(const Node& n, Ctx& c) {
  const bool has_initial = n.kids.size() > 2;
  Val accumulator = has_initial ? eval(*n.kids[2], c) : Val::null();
  Val items;
  if (!source(n, c, items, true)) return accumulator;
  const std::size_t count = items.size();
  std::size_t start = 0;
  if (!has_initial) {
    // As Array.prototype.reduce: without an initial value the first item is the start.
    if (count == 0) return Val::null();
    accumulator = items.at(0);
    start = 1;
  }
  const Node& body = *n.kids[1];
  Frame frame;
  frame.type = Frame::Type::reduce;
  frame.parent = c.frame;
  const FrameGuard guard(c, &frame);
  for (std::size_t i = start; i < count; ++i) {
    charge(c, n, body.size);
    frame.data = items.at(i);
    frame.accumulator = accumulator;
    frame.index = i;
    accumulator = eval(body, c);
  }
  return accumulator;
}

Val eval_all(const Node& n, Ctx& c) {
  Val items;
  source(n, c, items, false);
  if (items.size() == 0) return Val::boolean(false);
  bool all = true;
  iterate(n, c, items, [&all](std::size_t, Val v) { return all = truthy(v); });
  return Val::boolean(all);
}

Val eval_some(const Node& n, Ctx& c) {
  Val items;
  source(n, c, items, false);
  bool some = false;
  iterate(n, c, items, [&some](std::size_t, Val v) { return !(some = truthy(v)); });
  return Val::boolean(some);
}

Val eval_none(const Node& n, Ctx& c) {
  return Val::boolean(!eval_some(n, c).b);
}

Val eval_merge(const Node& n, Ctx& c) {
  const Args args(n, c);
  ValArray* out = c.arena.new_array();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Val v = args[i];
    if (v.is_array()) {
      const std::size_t count = v.size();
      check_items(c, n, out->size() + count);
      charge(c, n, count);
      for (std::size_t j = 0; j < count; ++j) out->push_back(v.at(j));
    } else {
      check_items(c, n, out->size() + 1);
      out->push_back(v);
    }
  }
  return Val::array(out);
}

Val eval_in(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() < 2) return Val::boolean(false);
  const Val item = args[0];
  const Val container = args[1];
  if (container.is_string()) {
    std::string needle;
    append_js_string(needle, item);
    return Val::boolean(container.str().find(needle) != std::string_view::npos);
  }
  if (container.is_array()) {
    const std::size_t count = container.size();
    for (std::size_t i = 0; i < count; ++i)
      if (strict_equal(item, container.at(i))) return Val::boolean(true);
  }
  return Val::boolean(false);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
