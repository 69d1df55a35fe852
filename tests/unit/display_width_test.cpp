// Display width (common/display_width.hpp): the columns text takes in a terminal, on the labels
// the demo and the KPI report print and on the hard cases (emoji, combining marks, bad UTF-8).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <string>

#include "common/display_width.hpp"
#include "undertake/kpi.hpp"

using undertake::detail::Align;
using undertake::detail::display_width;
using undertake::detail::pad;

namespace {

// Columns counted the plain way, independently of utf8proc, for text whose only wide characters
// are CJK ideographs and CJK or fullwidth punctuation (true of the default policy's labels).
std::size_t cjk_columns(const std::string& s) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    const bool wide = (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3000 && cp <= 0x303F) ||
                      (cp >= 0xFF01 && cp <= 0xFF60);
    columns += wide ? 2 : 1;
    i += n;
  }
  return columns;
}

}  // namespace

TEST_CASE("display width: ASCII, CJK, emoji, combining marks", "[display_width]") {
  CHECK(display_width("") == 0);
  CHECK(display_width("sales.revenue") == 13);
  CHECK(display_width("銷售部門 Sales") == 4 * 2 + 6);
  CHECK(display_width("質量") == 4);
  CHECK(display_width("ｶﾀｶﾅ") == 4);    // halfwidth katakana: one column each
  CHECK(display_width("ＫＰＩ") == 6);  // fullwidth Latin: two each
  CHECK(display_width("한국어") == 6);  // hangul syllables are wide
  CHECK(display_width("😀") == 2);
  CHECK(display_width("ok 👍") == 5);
  CHECK(display_width("e\xCC\x81") == 1);                 // e + COMBINING ACUTE ACCENT
  CHECK(display_width("cafe\xCC\x81 caf\xC3\xA9") == 9);  // decomposed and composed é alike
  CHECK(display_width("a\xE2\x80\x8B"
                      "b") == 2);  // ZERO WIDTH SPACE
  CHECK(display_width("—") == 1);  // EM DASH (ambiguous: narrow)
  CHECK(display_width("÷ – …") == 5);
  CHECK(display_width("12.5 %") == 6);
}

TEST_CASE("display width: bytes that are not UTF-8 count one column each", "[display_width]") {
  CHECK(display_width("\xFF") == 1);
  CHECK(display_width("a\xC3") == 2);     // truncated sequence
  CHECK(display_width("\xE9\x8A") == 2);  // truncated CJK character: two stray bytes
  CHECK(display_width("\xC0\xAF"
                      "x") == 3);  // overlong form
}

TEST_CASE("pad: fills to display columns, on either side", "[display_width]") {
  CHECK(pad("銷售", 6) == "銷售  ");
  CHECK(pad("銷售", 6, Align::right) == "  銷售");
  CHECK(pad("sales", 6) == "sales ");
  CHECK(pad("e\xCC\x81", 3) == "e\xCC\x81  ");
  CHECK(pad("質量部門", 4) == "質量部門");  // wider than asked: unchanged, never cut
  CHECK(pad("", 2, Align::right) == "  ");
}

TEST_CASE("display width: every KPI and department label of the default policy",
          "[display_width]") {
  const undertake::KpiCatalogue& catalogue = undertake::KpiCatalogue::defaults();
  std::size_t labels = 0;
  for (const auto& k : catalogue.kpis()) {
    INFO(k.title);
    CHECK(display_width(k.title) == cjk_columns(k.title));
    ++labels;
  }
  for (const auto& d : catalogue.departments()) {
    INFO(d.title);
    CHECK(display_width(d.title) == cjk_columns(d.title));
    ++labels;
  }
  CHECK(labels == 13 + 4);
  // 產品合格率 First-pass yield: five ideographs (10 columns), a space and 16 ASCII
  CHECK(display_width("產品合格率 First-pass yield") == 27);
}
