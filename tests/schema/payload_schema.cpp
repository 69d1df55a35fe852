// Writes or checks rules/schema/payloads.schema.json, the JSON Schema of event payloads, which is
// generated from the field specs the engine validates payloads with (src/case/case_payload.cpp):
//
//   undertake_payload_schema                 prints it
//   undertake_payload_schema --write FILE    writes it (cmake --build ... --target payload_schema)
//   undertake_payload_schema --check FILE    exits 1 when FILE is not what it would write
#include <boost/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "case/case_impl.hpp"

namespace json = boost::json;

namespace {

constexpr std::size_t kWidth = 100;

std::string compact(const json::value& v) {
  std::string out;
  if (v.is_object()) {
    out += "{";
    bool first = true;
    for (const auto& kv : v.get_object()) {
      out += (first ? "" : ", ") + json::serialize(json::string(kv.key())) + ": " +
             compact(kv.value());
      first = false;
    }
    return out + "}";
  }
  if (v.is_array()) {
    out += "[";
    bool first = true;
    for (const auto& item : v.get_array()) {
      out += (first ? "" : ", ") + compact(item);
      first = false;
    }
    return out + "]";
  }
  return json::serialize(v);
}

// An object or array on one line when it fits in kWidth columns from `column`, else one member
// per line (the layout of the hand-written policy files).
void pretty(const json::value& v, std::size_t indent, std::size_t column, std::string& out) {
  const std::string one_line = compact(v);
  const bool empty =
      (v.is_object() && v.get_object().empty()) || (v.is_array() && v.get_array().empty());
  if ((!v.is_object() && !v.is_array()) || empty || column + one_line.size() + 1 <= kWidth) {
    out += one_line;
    return;
  }
  const std::string pad(indent + 2, ' ');
  out += v.is_object() ? "{\n" : "[\n";
  std::size_t i = 0;
  const std::size_t n = v.is_object() ? v.get_object().size() : v.get_array().size();
  const auto member = [&](const std::string& prefix, const json::value& item) {
    out += pad + prefix;
    pretty(item, indent + 2, pad.size() + prefix.size(), out);
    out += ++i < n ? ",\n" : "\n";
  };
  if (v.is_object())
    for (const auto& kv : v.get_object())
      member(json::serialize(json::string(kv.key())) + ": ", kv.value());
  else
    for (const auto& item : v.get_array()) member("", item);
  out += std::string(indent, ' ') + (v.is_object() ? "}" : "]");
}

std::string generated() {
  std::string out;
  pretty(undertake::detail::payload_schema(), 0, 0, out);
  return out + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = generated();
  if (argc == 1) {
    std::cout << text;
    return 0;
  }
  const std::string mode = argv[1];
  if (argc != 3 || (mode != "--write" && mode != "--check")) {
    std::cerr << "usage: " << argv[0] << " [--write FILE | --check FILE]\n";
    return 2;
  }
  const std::string path = argv[2];
  if (mode == "--write") {
    std::ofstream(path, std::ios::binary) << text;
    return 0;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream committed;
  committed << in.rdbuf();
  if (committed.str() == text) return 0;
  std::istringstream a(committed.str()), b(text);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ea = !std::getline(a, la), eb = !std::getline(b, lb);
    if (ea && eb) break;
    if (ea || eb || la != lb) {
      std::cerr << path << ":" << line << ": differs from the schema generated from "
                << "src/case/case_payload.cpp\n  file:      " << (ea ? "(end)" : la)
                << "\n  generated: " << (eb ? "(end)" : lb)
                << "\nRegenerate it: cmake --build <build dir> --target payload_schema\n";
      break;
    }
  }
  return 1;
}
