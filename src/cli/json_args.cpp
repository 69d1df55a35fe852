#include "cli/json_args.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

[[noreturn]] void too_large(const std::string& what, std::size_t bytes, const InputLimits& limits) {
  throw Error(ErrorKind::limit_exceeded, what,
              std::to_string(bytes) + " bytes, more than max_json_bytes (" +
                  std::to_string(limits.max_json_bytes) + ")");
}

// Parses one JSON text within the limits (json_text.hpp: numbers exact, duplicate keys refused).
// Text that is not JSON gives nullopt and `why` (the caller decides what that means); a limit
// throws.
std::optional<json::value> parse_within(const std::string& what, std::string_view text,
                                        const InputLimits& limits, std::string& why) {
  if (text.size() > limits.max_json_bytes) too_large(what, text.size(), limits);
  try {
    return parse_json(text, limits, what);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::invalid_json) throw;
    // where() is "<what>:<line>:<column>": keep the place, the option is named by the caller.
    const std::string& place = e.where();
    why =
        (place.size() > what.size() ? "at " + place.substr(what.size() + 1) + ": " : "") + e.why();
    return std::nullopt;
  }
}

const char* kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::array:
      return "an array";
    case json::kind::string:
      return "a string";
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::object:
      return "an object";
    default:
      return "a number";
  }
}

// Merges one `--set KEY=VALUE` into `target`.
void merge_set(json::object& target, const std::string& set, const InputLimits& limits) {
  std::size_t cut = std::min<std::size_t>(set.size(), 80);
  while (cut < set.size() && (static_cast<unsigned char>(set[cut]) & 0xC0) == 0x80) --cut;
  const std::string what = "--set " + set.substr(0, cut) + (cut < set.size() ? "..." : "");
  const auto eq = set.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorKind::invalid_argument, what, "expected KEY=VALUE");
  const std::string_view key = std::string_view(set).substr(0, eq);
  const std::string_view text = std::string_view(set).substr(eq + 1);
  // Each dot is one more level: count them before building anything.
  const std::size_t levels = 1 + static_cast<std::size_t>(std::count(key.begin(), key.end(), '.'));
  if (levels > limits.max_json_depth)
    throw Error(ErrorKind::limit_exceeded, what,
                "the key makes " + std::to_string(levels) +
                    " levels of objects, more than max_json_depth (" +
                    std::to_string(limits.max_json_depth) + ")");
  std::string why;
  std::optional<json::value> parsed = parse_within(what, text, limits, why);
  // Not JSON: the text itself (--set name=Acme), unless it was meant as an object, an array or a
  // string and is wrong.
  if (!parsed && !text.empty() &&
      std::string_view("{[\"").find(text.front()) != std::string_view::npos)
    throw Error(ErrorKind::invalid_argument, what, "not JSON (" + why + ")");
  json::value value = parsed ? std::move(*parsed) : json::value(json::string(text));
  json::object* at = &target;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = key.find('.', start);
    const std::string_view part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty())
      throw Error(ErrorKind::invalid_argument, what, "the key has an empty part between dots");
    if (dot == std::string::npos) {
      (*at)[part] = std::move(value);
      return;
    }
    json::value& child = (*at)[part];
    if (!child.is_object()) child = json::object{};
    at = &child.get_object();
    start = dot + 1;
  }
}

}  // namespace

std::string argument_text(std::string_view option, const std::string& text,
                          const InputLimits& limits) {
  if (text.empty() || text.front() != '@') return text;
  const std::string path = text.substr(1);
  std::error_code size_error;
  const auto size = std::filesystem::file_size(path, size_error);
  if (!size_error && size > limits.max_json_bytes)
    too_large(std::string(option) + " " + path, static_cast<std::size_t>(size), limits);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::not_found, path, "cannot open the file");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

json::object object_argument(std::string_view option, std::string_view json_text,
                             const std::vector<std::string>& sets, const InputLimits& limits) {
  const std::string what(option);
  json::object object;
  if (!json_text.empty()) {
    std::string why;
    std::optional<json::value> parsed = parse_within(what, json_text, limits, why);
    if (!parsed) throw Error(ErrorKind::invalid_argument, what, "not JSON (" + why + ")");
    json::value& v = *parsed;
    if (!v.is_object())
      throw Error(ErrorKind::invalid_argument, what,
                  std::string("expected a JSON object, got ") + kind_name(v));
    object = std::move(v.get_object());
  }
  for (const auto& set : sets) merge_set(object, set, limits);
  return object;
}

Actor actor_argument(const std::string& text, const InputLimits& limits) {
  if (!text.empty() && text.front() == '{') {
    std::string why;
    const std::optional<json::value> v = parse_within("--actor", text, limits, why);
    if (!v) throw Error(ErrorKind::invalid_argument, "--actor", "not JSON (" + why + ")");
    return actor_from_json(*v, "--actor");
  }
  const auto colon = text.find(':');
  Actor a;
  a.id = text.substr(0, colon);
  if (a.id.empty())
    throw Error(ErrorKind::invalid_argument, "--actor",
                "expected ID:ROLE[,ROLE...] (li:sales) or a JSON actor");
  if (colon != std::string::npos) {
    std::stringstream roles(text.substr(colon + 1));
    for (std::string role; std::getline(roles, role, ',');)
      if (!role.empty()) a.roles.push_back(role);
  }
  return a;
}

}  // namespace undertake::cli
