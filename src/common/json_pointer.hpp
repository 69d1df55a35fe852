// JSON Pointer (RFC 6901) paths, as every error names a place in a JSON text:
// "/gates/contract.sign".
#pragma once

#include "undertake/config.hpp"
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Appends "/<key>" to `path`, with "~" written "~0" and "/" written "~1", so that a path can be
/// followed in an editor and a key holding "/" stays one step.
inline void append_pointer_token(std::string& path, std::string_view key) {
  path += '/';
  for (const char c : key) {
    if (c == '~')
      path += "~0";
    else if (c == '/')
      path += "~1";
    else
      path += c;
  }
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
