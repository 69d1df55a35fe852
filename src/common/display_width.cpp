// Display width (display_width.hpp) with utf8proc's character widths.
#include "common/display_width.hpp"

#include <utf8proc.h>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

std::size_t display_width(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  std::size_t columns = 0;
  for (utf8proc_ssize_t i = 0; i < size;) {
    utf8proc_int32_t code_point = 0;
    const utf8proc_ssize_t used = utf8proc_iterate(bytes + i, size - i, &code_point);
    if (used <= 0) {  // not UTF-8: one byte, one column (what a terminal shows for it)
      ++columns;
      ++i;
      continue;
    }
    const int width = utf8proc_charwidth(code_point);
    columns += width > 0 ? static_cast<std::size_t>(width) : 0;
    i += used;
  }
  return columns;
}

std::string pad(std::string_view text, std::size_t columns, Align align) {
  const std::size_t width = display_width(text);
  std::string out;
  if (width >= columns) return out.assign(text);
  const std::size_t spaces = columns - width;
  out.reserve(text.size() + spaces);
  if (align == Align::right) out.append(spaces, ' ');
  out.append(text);
  if (align == Align::left) out.append(spaces, ' ');
  return out;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
