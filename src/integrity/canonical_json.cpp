#include "integrity/canonical_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
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

// The bytes a JSON string must escape: controls, the quote and the backslash.
struct EscapeTable {
  bool escaped[256] = {};
  constexpr EscapeTable() {
    for (int c = 0; c < 0x20; ++c) escaped[c] = true;
    escaped[static_cast<unsigned char>('"')] = true;
    escaped[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr EscapeTable kEscape;

void put_string(BufferedSink& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.put('"');
  std::size_t plain = 0;  // start of the run of bytes written as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kEscape.escaped[c]) continue;
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

// One container being written: an object, whose members in canonical order are
// members[first, last) of the writer, or an array; and how far it has got.
struct Frame {
  const json::array* array = nullptr;  // null: an object
  std::size_t first = 0, last = 0;     // an object's members in Writer::members_
  std::size_t next = 0;                // the next member or element, counted from 0
};

// Writes containers without recursion. The members of the objects being written share one
// vector, a stack of sorted runs (an object's run is dropped when it is closed), so writing
// allocates twice however many objects there are.
class Writer {
 public:
  explicit Writer(BufferedSink& out) : out_(out) {}

  void open(const json::object& o, std::initializer_list<std::string_view> except = {}) {
    out_.put('{');
    Frame f;
    f.first = members_.size();
    for (const auto& kv : o)
      if (except.size() == 0 || std::find(except.begin(), except.end(), kv.key()) == except.end())
        members_.push_back(&kv);
    f.last = members_.size();
    std::sort(members_.begin() + static_cast<std::ptrdiff_t>(f.first), members_.end(),
              [](const json::key_value_pair* a, const json::key_value_pair* b) {
                return a->key() < b->key();  // string_view: compares bytes (char_traits<char>)
              });
    stack_.push_back(f);
  }
  void open(const json::array& a) {
    out_.put('[');
    Frame f;
    f.array = &a;
    stack_.push_back(f);
  }

  // Writes what the open frames still hold.
  void run() {
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      const json::value* child = nullptr;
      if (!f.array) {
        if (f.first + f.next < f.last) {
          const json::key_value_pair& kv = *members_[f.first + f.next];
          if (f.next) out_.put(',');
          put_string(out_, kv.key());
          out_.put(':');
          child = &kv.value();
        }
      } else if (f.next < f.array->size()) {
        if (f.next) out_.put(',');
        child = &(*f.array)[f.next];
      }
      if (!child) {
        out_.put(f.array ? ']' : '}');
        if (!f.array) members_.resize(f.first);
        stack_.pop_back();
        continue;
      }
      ++f.next;
      if (child->is_object())
        open(child->get_object());  // may reallocate: `f` is not used after this
      else if (child->is_array())
        open(child->get_array());
      else
        put_scalar(out_, *child);
    }
  }

 private:
  BufferedSink& out_;
  std::vector<Frame> stack_;
  std::vector<const json::key_value_pair*> members_;
};

}  // namespace

void write_canonical(const json::value& value, ByteSink& sink) {
  BufferedSink out(sink);
  if (value.is_primitive()) return put_scalar(out, value);
  Writer w(out);
  if (value.is_object())
    w.open(value.get_object());
  else
    w.open(value.get_array());
  w.run();
}

void write_canonical(const json::object& object, ByteSink& sink,
                     std::initializer_list<std::string_view> except) {
  BufferedSink out(sink);
  Writer w(out);
  w.open(object, except);
  w.run();
}

void write_canonical_string(std::string_view text, ByteSink& sink) {
  BufferedSink out(sink);
  put_string(out, text);
}

std::string canonical_json(const json::value& value) {
  struct StringSink final : ByteSink {
    std::string text;
    void write(std::string_view bytes) override { text.append(bytes); }
  } sink;
  write_canonical(value, sink);
  return std::move(sink.text);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
