// Test support: the built-in policy with one part replaced, added or edited in place.
#pragma once

#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "undertake/json_text.hpp"
#include "undertake/policy.hpp"

namespace undertake::testing {

/// The document of part `name` of `source` (e.g. "gates", "deadlines"), to edit in place.
/// Throws std::logic_error when the source has no such part.
inline boost::json::value& part_of(PolicySource& source, std::string_view name) {
  for (auto& p : source.parts)
    if (p.name == name) return p.document;
  throw std::logic_error("the policy source has no part " + std::string(name));
}

/// The built-in policy with part `name` replaced by `document`, or added (as
/// rules/test/<name>.json) when the built-in policy has no such part.
inline PolicySource builtin_with(std::string_view name, boost::json::value document) {
  PolicySource source = PolicySource::builtin();
  for (auto& p : source.parts)
    if (p.name == name) {
      p.document = std::move(document);
      return source;
    }
  source.parts.push_back(PolicySource::Part{
      std::string(name), "rules/test/" + std::string(name) + ".json", std::move(document)});
  return source;
}

/// As builtin_with, the part given as JSON text.
inline PolicySource builtin_with_text(std::string_view name, std::string_view json_text) {
  return builtin_with(name,
                      parse_json(json_text, InputLimits{}, "rules/test/" + std::string(name)));
}

}  // namespace undertake::testing
