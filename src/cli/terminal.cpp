#include "cli/terminal.hpp"

#include <cstdio>
#include <iostream>

namespace undertake::cli {
namespace {

bool write_escape(std::streambuf* out, unsigned code) {
  char text[8];
  std::snprintf(text, sizeof text, "\\u%04x", code);
  return out->sputn(text, 6) == 6;
}

}  // namespace

ControlEscapingBuf::~ControlEscapingBuf() {
  if (held_c2_) out_->sputc(static_cast<char>(0xC2));
  out_->pubsync();
}

bool ControlEscapingBuf::put(unsigned char c) {
  if (held_c2_) {
    held_c2_ = false;
    if (c >= 0x80 && c <= 0x9F) return write_escape(out_, c);  // U+0080–U+009F
    if (out_->sputc(static_cast<char>(0xC2)) == traits_type::eof()) return false;
  }
  if (c == 0xC2) {
    held_c2_ = true;
    return true;
  }
  if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return write_escape(out_, c);
  return out_->sputc(static_cast<char>(c)) != traits_type::eof();
}

ControlEscapingBuf::int_type ControlEscapingBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  return put(static_cast<unsigned char>(traits_type::to_char_type(ch))) ? ch : traits_type::eof();
}

std::streamsize ControlEscapingBuf::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i)
    if (!put(static_cast<unsigned char>(s[i]))) return i;
  return n;
}

int ControlEscapingBuf::sync() {
  return out_->pubsync();
}

TerminalGuard::TerminalGuard()
    : cout_(std::cout.rdbuf()), cerr_(std::cerr.rdbuf()), out_(cout_), err_(cerr_) {
  std::cout.rdbuf(&out_);
  std::cerr.rdbuf(&err_);
}

TerminalGuard::~TerminalGuard() {
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(cout_);
  std::cerr.rdbuf(cerr_);
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

}  // namespace undertake::cli
