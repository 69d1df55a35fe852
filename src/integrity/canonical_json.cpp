#include "integrity/canonical_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace json = boost::json;

namespace undertake::detail {
namespace {

// Buffers small writes so a digest sink sees few large updates.
class BufferedSink {
 public:
  explicit BufferedSink(ByteSink& out) : out_(out) {}
  ~BufferedSink() { flush(); }
  BufferedSink(const BufferedSink&) = delete;
  BufferedSink& operator=(const BufferedSink&) = delete;

  void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }
  void put(std::string_view s) {
    if (s.size() > sizeof buffer_ - used_) {
      flush();
      if (s.size() >= sizeof buffer_) return out_.write(s);
    }
    std::copy(s.begin(), s.end(), buffer_ + used_);
    used_ += s.size();
  }
  void flush() {
    if (used_) out_.write(std::string_view(buffer_, used_));
    used_ = 0;
  }

 private:
  ByteSink& out_;
  char buffer_[4096];
  std::size_t used_ = 0;
};

constexpr double kExactIntegers = 9007199254740992.0;  // 2^53

void put_string(BufferedSink& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.put('"');
  std::size_t plain = 0;  // start of the run of bytes written as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.put(s.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out.put("\\\"");
        break;
      case '\\':
        out.put("\\\\");
        break;
      case '\b':
        out.put("\\b");
        break;
      case '\f':
        out.put("\\f");
        break;
      case '\n':
        out.put("\\n");
        break;
      case '\r':
        out.put("\\r");
        break;
      case '\t':
        out.put("\\t");
        break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.put(std::string_view(escaped, sizeof escaped));
      }
    }
  }
  out.put(s.substr(plain));
  out.put('"');
}

template <class Number>
void put_integer(BufferedSink& out, Number n) {
  char text[24];
  const auto r = std::to_chars(text, text + sizeof text, n);
  out.put(std::string_view(text, static_cast<std::size_t>(r.ptr - text)));
}

void put_double(BufferedSink& out, double d) {
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= kExactIntegers)
    return put_integer(out, static_cast<std::int64_t>(d));  // also turns -0 into 0
  char text[32];
  // Shortest round trip; not finite numbers cannot be in JSON the engine accepted, but the
  // writer must not fail on them: they come out as to_chars writes them ("inf", "nan").
  const auto r = std::to_chars(text, text + sizeof text, d);
  out.put(std::string_view(text, static_cast<std::size_t>(r.ptr - text)));
}

void put_scalar(BufferedSink& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return out.put("null");
    case json::kind::bool_:
      return out.put(v.get_bool() ? "true" : "false");
    case json::kind::int64:
      return put_integer(out, v.get_int64());
    case json::kind::uint64:
      return put_integer(out, v.get_uint64());
    case json::kind::double_:
      return put_double(out, v.get_double());
    case json::kind::string:
      return put_string(out, v.get_string());
    default:
      return;  // containers are written by write_canonical
  }
}

// One container being written: its members in canonical order and how far it has got.
struct Frame {
  const json::value* container;
  std::vector<const json::key_value_pair*> members;  // objects: sorted by key
  std::size_t next = 0;
};

Frame open(BufferedSink& out, const json::value& v,
           std::initializer_list<std::string_view> except = {}) {
  Frame f{&v, {}, 0};
  if (v.is_object()) {
    out.put('{');
    const json::object& o = v.get_object();
    f.members.reserve(o.size());
    for (const auto& kv : o)
      if (std::find(except.begin(), except.end(), kv.key()) == except.end())
        f.members.push_back(&kv);
    std::sort(f.members.begin(), f.members.end(),
              [](const json::key_value_pair* a, const json::key_value_pair* b) {
                return a->key() < b->key();  // string_view: compares bytes (char_traits<char>)
              });
  } else {
    out.put('[');
  }
  return f;
}

}  // namespace

void write_canonical(const json::value& value, ByteSink& sink,
                     std::initializer_list<std::string_view> except) {
  BufferedSink out(sink);
  if (value.is_primitive()) return put_scalar(out, value);
  std::vector<Frame> stack;
  stack.push_back(open(out, value, except));
  while (!stack.empty()) {
    Frame& f = stack.back();
    const json::value* child = nullptr;
    if (f.container->is_object()) {
      if (f.next < f.members.size()) {
        const json::key_value_pair& kv = *f.members[f.next];
        if (f.next) out.put(',');
        put_string(out, kv.key());
        out.put(':');
        child = &kv.value();
      }
    } else if (const json::array& a = f.container->get_array(); f.next < a.size()) {
      if (f.next) out.put(',');
      child = &a[f.next];
    }
    if (!child) {
      out.put(f.container->is_object() ? '}' : ']');
      stack.pop_back();
      continue;
    }
    ++f.next;
    if (child->is_object() || child->is_array())
      stack.push_back(open(out, *child));  // may reallocate: `f` is not used after this
    else
      put_scalar(out, *child);
  }
}

std::string canonical_json(const json::value& value) {
  struct StringSink final : ByteSink {
    std::string text;
    void write(std::string_view bytes) override { text.append(bytes); }
  } sink;
  write_canonical(value, sink);
  return std::move(sink.text);
}

}  // namespace undertake::detail
