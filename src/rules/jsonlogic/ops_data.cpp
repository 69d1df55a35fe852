// Reading the data: var, val (with iterator scopes), exists, missing, missing_some.
#include "rules/jsonlogic/node.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

Segment make_segment(std::string key) {
  Segment s;
  // An array index is a canonical non-negative integer ("0", "12"; not "01" or "+1").
  if (!key.empty() && key.size() <= 18 && (key.size() == 1 || key[0] != '0')) {
    std::size_t index = 0;
    bool digits = true;
    for (char ch : key) {
      if (ch < '0' || ch > '9') {
        digits = false;
        break;
      }
      index = index * 10 + static_cast<std::size_t>(ch - '0');
    }
    if (digits) s.index = index;
  }
  s.key = std::move(key);
  return s;
}

void split_var_path(std::string_view text, Path& path) {
  path.text = std::string(text);
  if (text.empty()) return;  // the whole context
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = text.find('.', start);
    path.steps.push_back(make_segment(std::string(text.substr(start, dot - start))));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

namespace {

bool step(Val cur, std::string_view key, std::size_t index, Val& out) {
  if (cur.kind == Kind::jobject) {
    const json::value* v = cur.jo->if_contains(key);
    if (!v) return false;
    out = from_json(*v);
    return true;
  }
  if (cur.is_array()) {
    if (index == Segment::npos || index >= cur.size()) return false;
    out = cur.at(index);
    return true;
  }
  return false;
}

/// A step with a constant segment (uses the segment's hint).
inline bool step(Val cur, const Segment& s, Val& out) {
  if (cur.kind == Kind::jobject) {
    const json::value* v = find_member(*cur.jo, s);
    if (!v) return false;
    out = from_json(*v);
    return true;
  }
  if (cur.is_array()) {
    if (s.index >= cur.size()) return false;
    out = cur.at(s.index);
    return true;
  }
  return false;
}

/// A key computed at run time (val's dynamic steps): strings and numbers; null is skipped.
bool dynamic_key(Val v, std::string& key, std::size_t& index) {
  if (v.is_null()) return false;
  key.clear();
  append_js_string(key, v);
  Segment s = make_segment(key);
  index = s.index;
  return true;
}

/// Where a path starts after climbing: the context of `frame`, or its iteration metadata.
struct Base {
  const Frame* frame;
  bool meta;
};

Val materialize(Ctx& c, Base base) {
  const Frame& f = *base.frame;
  if (base.meta) {
    if (f.type != Frame::Type::item && f.type != Frame::Type::reduce) return Val::null();
    json::object o;
    o["index"] = static_cast<std::int64_t>(f.index);
    return from_json(*c.arena.keep(json::value(std::move(o))));
  }
  if (f.type != Frame::Type::reduce) return f.data;
  json::object o;
  o["current"] = to_json(f.data);
  o["accumulator"] = to_json(f.accumulator);
  return from_json(*c.arena.keep(json::value(std::move(o))));
}

/// The first step from a base (which may be reduce's {current, accumulator} or the metadata).
bool first_step(Base base, std::string_view key, std::size_t index, Val& out) {
  const Frame& f = *base.frame;
  if (base.meta) {
    if ((f.type == Frame::Type::item || f.type == Frame::Type::reduce) && key == "index") {
      out = Val::number(static_cast<double>(f.index));
      return true;
    }
    return false;
  }
  if (f.type == Frame::Type::reduce) {
    if (key == "current") {
      out = f.data;
      return true;
    }
    if (key == "accumulator") {
      out = f.accumulator;
      return true;
    }
    return false;
  }
  return step(f.data, key, index, out);
}

[[gnu::noinline]] bool resolve_general(Ctx& c, const Path& p, Val& out) {
  Base base{c.frame, false};
  for (std::size_t i = 0; i < p.climb; ++i) {
    if (!base.meta) {
      base.meta = true;
    } else {
      base.frame = base.frame->parent;
      base.meta = false;
      if (!base.frame) return false;
    }
  }
  bool at_base = true;
  Val cur;
  std::string scratch;
  for (const Segment& s : p.steps) {
    std::string_view key = s.key;
    std::size_t index = s.index;
    if (s.dynamic) {
      if (!dynamic_key(eval(*s.dynamic, c), scratch, index)) continue;
      key = scratch;
    }
    if (at_base) {
      if (!first_step(base, key, index, cur)) return false;
      at_base = false;
    } else if (!step(cur, key, index, cur)) {
      return false;
    }
  }
  out = at_base ? materialize(c, base) : cur;
  if (at_base && base.meta && out.is_null()) return false;
  return true;
}

void trace_read(Ctx& c, std::string path, bool found, Val v) {
  c.trace->reads.emplace_back(std::move(path), found ? to_json(v) : json::value(nullptr));
}

std::string path_text(Ctx& c, const Path& p) {
  if (!p.has_dynamic) return p.text;
  std::string text;
  for (const Segment& s : p.steps) {
    std::string key = s.key;
    if (s.dynamic) {
      std::size_t index = 0;
      if (!dynamic_key(eval(*s.dynamic, c), key, index)) continue;
    }
    if (!text.empty()) text.push_back('.');
    text += key;
  }
  return text;
}

/// val's argument computed at run time: an array is a path (which may start with a [n] climb),
/// anything else a single key; null is the whole context.
Path val_path_from(Val v) {
  Path p;
  if (v.is_array()) {
    std::size_t i = 0;
    const std::size_t n = v.size();
    if (n > 0) {
      const Val first = v.at(0);
      if (first.is_array() && first.size() == 1) {
        const double levels = to_number(first.at(0));
        p.climb = levels == levels ? static_cast<std::size_t>(levels < 0 ? -levels : levels) : 0;
        i = 1;
      }
    }
    for (; i < n; ++i) {
      std::string key;
      std::size_t index = 0;
      if (!dynamic_key(v.at(i), key, index)) continue;
      if (!p.text.empty()) p.text.push_back('.');
      p.text += key;
      p.steps.push_back(make_segment(std::move(key)));
    }
    return p;
  }
  std::string key;
  std::size_t index = 0;
  if (dynamic_key(v, key, index)) {
    p.text = key;
    p.steps.push_back(make_segment(std::move(key)));
  }
  return p;
}

}  // namespace

bool resolve(Ctx& c, const Path& p, Val& out) {
  const Frame* f = c.frame;
  if (p.climb == 0 && !p.has_dynamic && f->type != Frame::Type::reduce) {
    Val cur = f->data;
    for (const Segment& s : p.steps)
      if (!step(cur, s, cur)) return false;
    out = cur;
    return true;
  }
  return resolve_general(c, p, out);
}

Val eval_var(const Node& n, Ctx& c) {
  Val v;
  bool found;
  const Node* fallback = nullptr;
  if (n.dynamic) {
    // {"var": [{"if": ...}, default]}: the path is computed first.
    Path p;
    std::string text;
    append_js_string(text, eval(*n.kids[0], c));
    split_var_path(text, p);
    found = resolve(c, p, v);
    if (c.trace) trace_read(c, p.text, found, v);
    if (n.kids.size() > 1) fallback = n.kids[1].get();
  } else {
    found = resolve(c, n.path, v);
    if (c.trace) trace_read(c, n.path.text, found, v);
    if (!n.kids.empty()) fallback = n.kids[0].get();
  }
  if (found) return v;
  return fallback ? eval(*fallback, c) : Val::null();
}

Val eval_var_key(const Node& n, Ctx& c) {
  Val v;
  if (!c.trace && lookup_static(*c.frame, n.path, v)) return v;
  return eval_var(n, c);
}

Val eval_var_self(const Node& n, Ctx& c) {
  const Frame& f = *c.frame;
  if (f.type != Frame::Type::reduce && !c.trace) return f.data;
  return eval_var(n, c);
}

Val eval_val_key(const Node& n, Ctx& c) {
  Val v;
  if (!c.trace && lookup_static(*c.frame, n.path, v)) return v;
  return eval_val(n, c);
}

Val eval_val(const Node& n, Ctx& c) {
  Val v;
  bool found;
  if (n.dynamic) {
    const Path p = val_path_from(eval(*n.kids[0], c));
    found = resolve(c, p, v);
    if (c.trace) trace_read(c, p.text, found, v);
  } else {
    found = resolve(c, n.path, v);
    if (c.trace) trace_read(c, path_text(c, n.path), found, v);
  }
  return found ? v : Val::null();
}

Val eval_exists(const Node& n, Ctx& c) {
  Val v;
  bool found;
  if (n.dynamic) {
    const Path p = val_path_from(eval(*n.kids[0], c));
    found = resolve(c, p, v);
    if (c.trace) trace_read(c, p.text, found, v);
  } else {
    found = resolve(c, n.path, v);
    if (c.trace) trace_read(c, path_text(c, n.path), found, v);
  }
  return Val::boolean(found);
}

namespace {

/// Adds to `out` every key of `keys` whose value is missing, null or "" (classic `missing`).
/// `paths`, when given, are the keys' paths already split at compile time.
std::size_t collect_missing(Ctx& c, const Node& n, Val keys, const std::vector<Path>* paths,
                            ValArray*& out) {
  const std::size_t count = keys.is_array() ? keys.size() : 1;
  std::size_t missing = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Val key = keys.is_array() ? keys.at(i) : keys;
    Path local;
    const Path* p = nullptr;
    if (paths) {
      p = &(*paths)[i];
    } else {
      std::string text;
      append_js_string(text, key);
      split_var_path(text, local);
      p = &local;
    }
    Val v;
    const bool found = resolve(c, *p, v);
    if (c.trace) trace_read(c, p->text, found, v);
    if (!found || v.is_null() || (v.is_string() && v.str().empty())) {
      if (!out) out = c.arena.new_array();
      out->push_back(key);
      ++missing;
    }
  }
  if (out) check_items(c, n, out->size());
  return missing;
}

const ValArray kEmpty;

}  // namespace

Val eval_missing(const Node& n, Ctx& c) {
  ValArray* out = nullptr;
  if (n.static_paths) {
    collect_missing(c, n, n.lit, &n.paths, out);
  } else {
    const Args args(n, c);
    if (args.size() > 0) {
      const Val first = args[0];
      if (first.is_array()) {
        collect_missing(c, n, first, nullptr, out);
      } else {
        for (std::size_t i = 0; i < args.size(); ++i)
          collect_missing(c, n, i == 0 ? first : args[i], nullptr, out);
      }
    }
  }
  return Val::array(out ? out : &kEmpty);
}

Val eval_missing_some(const Node& n, Ctx& c) {
  const Args args(n, c);
  if (args.size() < 2) throw_invalid_arguments(n, "missing_some needs [minimum, [keys]]");
  const double need = to_number(args[0]);
  const Val keys = args[1];
  if (!keys.is_array()) throw_invalid_arguments(n, "missing_some needs an array of keys");
  ValArray* out = nullptr;
  const std::size_t missing = collect_missing(c, n, keys, n.static_paths ? &n.paths : nullptr, out);
  if (static_cast<double>(keys.size() - missing) >= need) return Val::array(&kEmpty);
  return Val::array(out ? out : &kEmpty);
}

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
