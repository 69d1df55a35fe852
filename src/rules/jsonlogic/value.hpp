// The rule language's internal value: a small, trivially copyable view used while a rule runs.
//
// Scalars are held inline (numbers as double, as in JavaScript); strings, arrays and objects are
// pointers, either into the caller's data or the rule's constants (never copied) or into the
// evaluation's Arena (values built while the rule runs). Only the final result is turned back into
// an owning boost::json::value.
#pragma once

#include "undertake/config.hpp"
#include <boost/json.hpp>

#include <cstddef>
#include <new>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic::detail {

namespace json = boost::json;

enum class Kind : std::uint8_t {
  null,
  boolean,
  number,
  jstring,  ///< a json::string (data or rule constant)
  cstring,  ///< an ArenaString built during evaluation
  jarray,   ///< a json::array (data or rule constant)
  varray,   ///< a ValArray built during evaluation
  jobject,  ///< a json::object
};

struct Val;
class Arena;

/// Allocates from the evaluation's Arena; freeing is a no-op (the arena is released at once).
template <typename T>
struct ArenaAllocator {
  using value_type = T;
  Arena* arena;
  ArenaAllocator() noexcept : arena(nullptr) {}  ///< for constant empty arrays only
  explicit ArenaAllocator(Arena& a) noexcept : arena(&a) {}
  template <typename U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena(other.arena) {}
  T* allocate(std::size_t n);
  void deallocate(T*, std::size_t) noexcept {}
  template <typename U>
  bool operator==(const ArenaAllocator<U>& other) const noexcept {
    return arena == other.arena;
  }
  template <typename U>
  bool operator!=(const ArenaAllocator<U>& other) const noexcept {
    return arena != other.arena;
  }
};

/// An array built during evaluation (map, filter, merge...).
using ValArray = std::vector<Val, ArenaAllocator<Val>>;
/// A string built during evaluation (cat, substr...).
using ArenaString = std::basic_string<char, std::char_traits<char>, ArenaAllocator<char>>;

struct Val {
  Kind kind;
  union {
    bool b;
    double d;
    const json::string* js;
    const ArenaString* cs;
    const json::array* ja;
    const ValArray* va;
    const json::object* jo;
  };

  constexpr Val() noexcept : kind(Kind::null), d(0) {}
  static constexpr Val null() noexcept { return Val{}; }
  static Val boolean(bool v) noexcept {
    Val r;
    r.kind = Kind::boolean;
    r.b = v;
    return r;
  }
  static Val number(double v) noexcept {
    Val r;
    r.kind = Kind::number;
    r.d = v;
    return r;
  }
  static Val string(const json::string* s) noexcept {
    Val r;
    r.kind = Kind::jstring;
    r.js = s;
    return r;
  }
  static Val string(const ArenaString* s) noexcept {
    Val r;
    r.kind = Kind::cstring;
    r.cs = s;
    return r;
  }
  static Val array(const json::array* a) noexcept {
    Val r;
    r.kind = Kind::jarray;
    r.ja = a;
    return r;
  }
  static Val array(const ValArray* a) noexcept {
    Val r;
    r.kind = Kind::varray;
    r.va = a;
    return r;
  }
  static Val object(const json::object* o) noexcept {
    Val r;
    r.kind = Kind::jobject;
    r.jo = o;
    return r;
  }

  bool is_null() const noexcept { return kind == Kind::null; }
  bool is_bool() const noexcept { return kind == Kind::boolean; }
  bool is_number() const noexcept { return kind == Kind::number; }
  bool is_string() const noexcept { return kind == Kind::jstring || kind == Kind::cstring; }
  bool is_array() const noexcept { return kind == Kind::jarray || kind == Kind::varray; }
  bool is_object() const noexcept { return kind == Kind::jobject; }
  /// Arrays and objects: the values arithmetic refuses.
  bool is_composite() const noexcept { return is_array() || is_object(); }

  std::string_view str() const noexcept {
    return kind == Kind::jstring ? std::string_view(js->data(), js->size()) : std::string_view(*cs);
  }
  std::size_t size() const noexcept { return kind == Kind::jarray ? ja->size() : va->size(); }
  Val at(std::size_t i) const noexcept;
};

/// A view of a JSON value (no copy: strings, arrays and objects are referenced).
inline Val from_json(const json::value& v) noexcept {
  switch (v.kind()) {
    case json::kind::null:
      return Val::null();
    case json::kind::bool_:
      return Val::boolean(v.get_bool());
    case json::kind::int64:
      return Val::number(static_cast<double>(v.get_int64()));
    case json::kind::uint64:
      return Val::number(static_cast<double>(v.get_uint64()));
    case json::kind::double_:
      return Val::number(v.get_double());
    case json::kind::string:
      return Val::string(&v.get_string());
    case json::kind::array:
      return Val::array(&v.get_array());
    case json::kind::object:
      return Val::object(&v.get_object());
  }
  return Val::null();
}

inline Val Val::at(std::size_t i) const noexcept {
  return kind == Kind::jarray ? from_json((*ja)[i]) : (*va)[i];
}

/// An owning copy; integral numbers become int64 so that `3` prints as `3`. Throws
/// Error(limit_exceeded) for arrays built by a rule nested deeper than 1000 levels (limits.hpp).
json::value to_json(Val v);
/// A number as JSON: int64 when integral and exactly representable, double otherwise.
json::value number_to_json(double d);

/// JsonLogic truthiness: false for false, null, 0, NaN, "" and []; true otherwise.
inline bool truthy(Val v) noexcept {
  switch (v.kind) {
    case Kind::null:
      return false;
    case Kind::boolean:
      return v.b;
    case Kind::number:
      return v.d != 0 && v.d == v.d;
    case Kind::jstring:
      return !v.js->empty();
    case Kind::cstring:
      return !v.cs->empty();
    case Kind::jarray:
      return !v.ja->empty();
    case Kind::varray:
      return !v.va->empty();
    case Kind::jobject:
      return true;
  }
  return false;
}

/// JavaScript's Number(text): trims white space, "" is 0, accepts decimal, exponent, 0x/0o/0b and
/// Infinity; anything else is NaN.
double string_to_number(std::string_view text) noexcept;

/// JavaScript's unary plus for JSON values: null 0, booleans 0/1, strings as above; arrays and
/// objects give NaN (JsonLogic refuses them in arithmetic).
inline double to_number(Val v) noexcept {
  switch (v.kind) {
    case Kind::null:
      return 0;
    case Kind::boolean:
      return v.b ? 1 : 0;
    case Kind::number:
      return v.d;
    case Kind::jstring:
    case Kind::cstring:
      return string_to_number(v.str());
    default:
      return std::numeric_limits<double>::quiet_NaN();
  }
}

/// JavaScript's Number.prototype.toString() (shortest round trip, `1e+21`, `1.5e-7`).
std::string format_number(double d);

/// JavaScript's String(v) as `cat` uses it (null is the empty string, arrays are joined with
/// commas, objects are "[object Object]"), appended to `out`.
void append_js_string(std::string& out, Val v);
void append_js_string(ArenaString& out, Val v);

/// Strict equality (`===`): same type and value; arrays and objects compared deeply (without
/// recursion; may allocate, so it may throw std::bad_alloc).
bool strict_equal(Val a, Val b);

/// Values built while a rule runs: bump-allocated, first from a buffer inside the arena (no heap
/// allocation for a small evaluation), then from blocks that grow. Nothing is freed before the end
/// of the evaluation (after the result has been copied out), so addresses stay valid.
class Arena {
 public:
  Arena() noexcept : cur_(inline_), end_(inline_ + sizeof inline_) {}
  ~Arena() {
    if (kept_ || blocks_) release();
  }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(std::size_t bytes, std::size_t align) {
    std::uintptr_t p = (reinterpret_cast<std::uintptr_t>(cur_) + (align - 1)) & ~(align - 1);
    if (p + bytes <= reinterpret_cast<std::uintptr_t>(end_)) {
      cur_ = reinterpret_cast<char*>(p + bytes);
      return reinterpret_cast<void*>(p);
    }
    return allocate_slow(bytes, align);
  }

  const ArenaString* keep(std::string_view s) {
    return new (allocate(sizeof(ArenaString), alignof(ArenaString)))
        ArenaString(s.data(), s.size(), ArenaAllocator<char>(*this));
  }
  ArenaString* new_string() {
    return new (allocate(sizeof(ArenaString), alignof(ArenaString)))
        ArenaString(ArenaAllocator<char>(*this));
  }
  ValArray* new_array() {
    return new (allocate(sizeof(ValArray), alignof(ValArray))) ValArray(ArenaAllocator<Val>(*this));
  }
  /// Keeps a JSON value (a host operator's result, an error) until the end of the evaluation.
  const json::value* keep(json::value v);

 private:
  void* allocate_slow(std::size_t bytes, std::size_t align);
  void release() noexcept;

  struct Block {
    Block* next;
  };
  struct Kept {
    json::value value;
    Kept* next;
  };
  char* cur_;
  char* end_;
  Block* blocks_ = nullptr;
  Kept* kept_ = nullptr;
  std::size_t next_block_ = 4096;
  alignas(std::max_align_t) char inline_[768];
};

template <typename T>
T* ArenaAllocator<T>::allocate(std::size_t n) {
  return static_cast<T*>(arena->allocate(n * sizeof(T), alignof(T)));
}

/// A JSON text of `v` with JavaScript number formatting (`0.5`, not `5E-1`); used by the CLI and
/// in error messages.
std::string to_text(const json::value& v);

}  // namespace jsonlogic::detail
UNDERTAKE_END_NAMESPACE
