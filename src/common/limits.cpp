// The input limits' checks that every front end shares (limits.hpp): UTF-8 and the identifier
// rules, stated once.
#include "undertake/limits.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

UNDERTAKE_BEGIN_NAMESPACE

std::string limits_problem(const InputLimits& limits) {
  if (limits.max_json_depth < InputLimits::kMinJsonDepth ||
      limits.max_json_depth > InputLimits::kMaxJsonDepthCeiling)
    return "max_json_depth must be from " + std::to_string(InputLimits::kMinJsonDepth) + " to " +
           std::to_string(InputLimits::kMaxJsonDepthCeiling) + ", got " +
           std::to_string(limits.max_json_depth);
  if (limits.max_json_bytes == 0) return "max_json_bytes must be at least 1";
  if (limits.max_id_bytes == 0) return "max_id_bytes must be at least 1";
  return {};
}

bool valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Eight ASCII bytes at a time: most of the text a case holds is ASCII (keys, ids, times).
    std::uint64_t word;
    while (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080u) == 0)) p += 8;
    if (p == end) break;
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (std::size_t i = 2; i <= n; ++i)
      if ((p[i] & 0xC0) != 0x80) return false;
    p += n + 1;
  }
  return true;
}

std::string identifier_problem(std::string_view text, const InputLimits& limits) {
  if (text.empty()) return "empty: a non-empty id is required";
  if (text.size() > limits.max_id_bytes)
    return "longer than max_id_bytes (" + std::to_string(limits.max_id_bytes) + ")";
  if (!valid_utf8(text)) return "not valid UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // C1 controls are U+0080–U+009F, in UTF-8 the two bytes C2 80 … C2 9F.
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      char code[8];
      std::snprintf(code, sizeof code, "U+%04X",
                    c1 ? static_cast<unsigned>(static_cast<unsigned char>(text[i + 1])) : c);
      return std::string("a control character (") + code + ") at byte " + std::to_string(i);
    }
  }
  return {};
}

UNDERTAKE_END_NAMESPACE
