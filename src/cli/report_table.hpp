// The demo report's tables (cmd_demo.cpp): each rendered as text for the terminal (columns
// padded by display width, so CJK text lines up), as Markdown and as HTML.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/display_width.hpp"

namespace undertake::cli {

// A table rendered as text (stdout), Markdown and HTML.
struct Table {
  std::string title;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right;  // right-aligned columns
  std::string note;

  std::string text() const {
    using detail::display_width;
    std::vector<std::size_t> w(head.size(), 0);
    for (std::size_t i = 0; i < head.size(); ++i) w[i] = display_width(head[i]);
    for (const auto& r : rows)
      for (std::size_t i = 0; i < r.size() && i < w.size(); ++i)
        w[i] = std::max(w[i], display_width(r[i]));
    auto line = [&](const std::vector<std::string>& cells) {
      std::string s = " ";
      for (std::size_t i = 0; i < cells.size() && i < w.size(); ++i) {
        const bool r = i < right.size() && right[i];
        const bool last = i + 1 == cells.size();
        s += "  " + (r      ? detail::pad(cells[i], w[i], detail::Align::right)
                     : last ? cells[i]
                            : detail::pad(cells[i], w[i]));
      }
      return s + "\n";
    };
    std::string out = title + "\n" + line(head);
    std::size_t total = 2;
    for (auto x : w) total += x + 2;
    out += " " + std::string(total - 1, '-') + "\n";
    for (const auto& r : rows) out += line(r);
    if (!note.empty()) out += "  " + note + "\n";
    return out;
  }
  std::string markdown() const {
    std::string out = "### " + title + "\n\n|";
    for (const auto& h : head) out += " " + h + " |";
    out += "\n|";
    for (std::size_t i = 0; i < head.size(); ++i)
      out += (i < right.size() && right[i]) ? "---:|" : "---|";
    out += "\n";
    for (const auto& r : rows) {
      out += "|";
      for (const auto& c : r) out += " " + c + " |";
      out += "\n";
    }
    if (!note.empty()) out += "\n" + note + "\n";
    return out + "\n";
  }
  static std::string esc(const std::string& s) {
    std::string o;
    for (char c : s)
      o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return o;
  }
  std::string html() const {
    std::string out = "<h3>" + esc(title) + "</h3>\n<table>\n<tr>";
    for (const auto& h : head) out += "<th>" + esc(h) + "</th>";
    out += "</tr>\n";
    for (const auto& r : rows) {
      out += "<tr>";
      for (std::size_t i = 0; i < r.size(); ++i)
        out += (i < right.size() && right[i] ? "<td class=r>" : "<td>") + esc(r[i]) + "</td>";
      out += "</tr>\n";
    }
    out += "</table>\n";
    if (!note.empty()) out += "<p class=note>" + esc(note) + "</p>\n";
    return out;
  }
};

}  // namespace undertake::cli
