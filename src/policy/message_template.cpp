#include "policy/message_template.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

const json::value* lookup_path(const json::value& root, std::string_view path) {
  const json::value* v = &root;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string_view key = path.substr(0, dot);
    if (v->is_object()) {
      v = v->get_object().if_contains(key);
    } else if (v->is_array()) {
      std::size_t index = 0;
      bool numeric = !key.empty();
      for (char c : key) {
        numeric = numeric && c >= '0' && c <= '9';
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      v = numeric ? v->get_array().if_contains(index) : nullptr;
    } else {
      v = nullptr;
    }
    if (!v) return nullptr;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return v;
}

std::string display_value(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_double()) {
    const double d = v.get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
      return std::to_string(static_cast<long long>(d));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", d);
    return buffer;
  }
  return json::serialize(v);
}

std::string fill_message(std::string_view message, const json::value& facts) {
  std::string out;
  out.reserve(message.size() + 16);
  std::size_t i = 0;
  while (i < message.size()) {
    const auto open = message.find('{', i);
    if (open == std::string_view::npos) break;
    const auto close = message.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(message.substr(i, open - i));
    const std::string_view path = message.substr(open + 1, close - open - 1);
    const json::value* v = lookup_path(facts, path);
    out += v ? display_value(*v) : std::string("(none)");
    i = close + 1;
  }
  out.append(message.substr(i));
  return out;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
