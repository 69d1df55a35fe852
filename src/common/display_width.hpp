// Display width of UTF-8 text in terminal columns, and padding to a width, for the text tables the
// engine (KpiReport::to_text) and the CLI print. Internal, not installed.
//
// Bytes and code points are not columns: a CJK character (銷售部) takes two columns, a combining
// mark none. The width of each character is its East Asian Width as utf8proc tabulates it
// (Unicode 15): Wide and Fullwidth (CJK, kana, hangul, most emoji) 2; combining marks, format and
// other zero-width characters 0; everything else 1 (Ambiguous, e.g. "—", counts 1, as in
// terminals outside CJK locales). utf8proc reads no locale, so the result is the same on every
// machine, also where no UTF-8 locale is installed (wcswidth would need one, set globally).
#pragma once

#include "undertake/config.hpp"
#include <cstddef>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Terminal columns `text` (UTF-8) takes. A byte that is not valid UTF-8 counts one column.
std::size_t display_width(std::string_view text);

enum class Align { left, right };

/// `text` with spaces added after it (left) or before it (right) until it is `columns` display
/// columns wide; unchanged when it is already that wide or wider.
std::string pad(std::string_view text, std::size_t columns, Align align = Align::left);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
