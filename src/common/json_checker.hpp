// Small helpers to validate rule files: read typed fields and collect problems as
// "<file>: <JSON path>: <why>", so `undertake check` can list every problem at once.
#pragma once

#include "undertake/config.hpp"
#include <boost/json.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_pointer.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

class JsonChecker {
 public:
  explicit JsonChecker(std::vector<std::string>& problems) : problems_(problems) {}

  void fail(std::string_view where, std::string_view path, std::string_view why) {
    std::string p(where);
    p += ": ";
    p += path.empty() ? std::string_view("/") : path;
    p += ": ";
    p += why;
    problems_.push_back(std::move(p));
  }

  /// The object at `v`, or null after recording a problem.
  const boost::json::object* object(const boost::json::value& v, std::string_view where,
                                    std::string_view path) {
    if (v.is_object()) return &v.get_object();
    fail(where, path, "expected an object");
    return nullptr;
  }

  /// Records every key of `o` that is not in `allowed` (unknown fields are mistakes, not extras).
  void only(const boost::json::object& o, std::initializer_list<std::string_view> allowed,
            std::string_view where, std::string_view path) {
    for (const auto& kv : o) {
      bool known = false;
      for (auto a : allowed) known = known || kv.key() == a;
      if (!known) {
        std::string list;
        for (auto a : allowed) {
          if (!list.empty()) list += ", ";
          list += a;
        }
        fail(where, join(path, kv.key()), "unknown field (expected one of: " + list + ")");
      }
    }
  }

  /// A string field; `required` records a problem when absent.
  const boost::json::string* string(const boost::json::object& o, std::string_view key,
                                    bool required, std::string_view where, std::string_view path) {
    const auto* v = o.if_contains(key);
    if (!v) {
      if (required) fail(where, join(path, key), "missing (a string is required)");
      return nullptr;
    }
    if (!v->is_string()) {
      fail(where, join(path, key), "expected a string");
      return nullptr;
    }
    return &v->get_string();
  }

  /// An array of strings; empty result and a problem when it is anything else.
  std::vector<std::string> strings(const boost::json::value& v, std::string_view where,
                                   std::string_view path) {
    std::vector<std::string> out;
    if (!v.is_array()) {
      fail(where, path, "expected an array of strings");
      return out;
    }
    const auto& a = v.get_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!a[i].is_string())
        fail(where, index(path, i), "expected a string");
      else
        out.emplace_back(a[i].get_string());
    }
    return out;
  }

  static std::string join(std::string_view path, std::string_view key) {
    std::string p(path);
    append_pointer_token(p, key);
    return p;
  }
  static std::string index(std::string_view path, std::size_t i) {
    return std::string(path) + "/" + std::to_string(i);
  }

 private:
  std::vector<std::string>& problems_;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
