// The rule language's internal value: a small, trivially copyable view used while a rule runs.
//
// Scalars are held inline (numbers as double, as in JavaScript); strings, arrays and objects are
// pointers, either into the caller's data or the rule's constants (never copied) or into the
// evaluation's Arena (values built while the rule runs). Only the final result is turned back into
// an owning boost::json::value.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace undertake::jsonlogic::detail {

namespace json = boost::json;

enum class Kind : std::uint8_t {
  null,
  boolean,
  number,
  jstring,  ///< a json::string (data or rule constant)
  cstring,  ///< a std::string built during evaluation
  jarray,   ///< a json::array (data or rule constant)
  varray,   ///< a ValArray built during evaluation
  jobject,  ///< a json::object
};

struct Val;
using ValArray = std::vector<Val>;

struct Val {
  Kind kind;
  union {
    bool b;
    double d;
    const json::string* js;
    const std::string* cs;
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
  static Val string(const std::string* s) noexcept {
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

/// An owning copy; integral numbers become int64 so that `3` prints as `3`.
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

/// Strict equality (`===`): same type and value; arrays and objects compared deeply.
bool strict_equal(Val a, Val b) noexcept;

/// Values built while a rule runs. Addresses stay valid until the arena is destroyed, which is
/// at the end of the evaluation (after the result has been copied out).
class Arena {
 public:
  const std::string* keep(std::string s) {
    strings_.push_back(std::make_unique<std::string>(std::move(s)));
    return strings_.back().get();
  }
  ValArray* new_array() {
    arrays_.push_back(std::make_unique<ValArray>());
    return arrays_.back().get();
  }
  const json::value* keep(json::value v) {
    values_.push_back(std::make_unique<json::value>(std::move(v)));
    return values_.back().get();
  }

 private:
  std::vector<std::unique_ptr<std::string>> strings_;
  std::vector<std::unique_ptr<ValArray>> arrays_;
  std::vector<std::unique_ptr<json::value>> values_;
};

/// A JSON text of `v` with JavaScript number formatting (`0.5`, not `5E-1`); used by the CLI and
/// in error messages.
std::string to_text(const json::value& v);

}  // namespace undertake::jsonlogic::detail
