// What the command-line tool prints comes partly from its input: case ids, actor ids, payload
// values, rule files, error messages that quote them. A raw escape sequence (ESC [ ... ) or
// carriage return in that text could recolour, hide or forge lines on the terminal of whoever
// reads the output, so every byte the tool writes to stdout and stderr goes through a filter that
// writes control characters as JSON escapes (`\u001b`): C0 controls except newline and tab, DEL,
// and the C1 controls U+0080–U+009F. JSON output keeps its meaning (the serializer already
// escapes C0 controls inside strings; DEL and C1 only occur inside strings).
#pragma once

#include <iosfwd>
#include <streambuf>
#include <string>
#include <string_view>

namespace undertake::cli {

class ControlEscapingBuf final : public std::streambuf {
 public:
  explicit ControlEscapingBuf(std::streambuf* out) : out_(out) {}
  ~ControlEscapingBuf() override;
  ControlEscapingBuf(const ControlEscapingBuf&) = delete;
  ControlEscapingBuf& operator=(const ControlEscapingBuf&) = delete;

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  bool put(unsigned char c);
  std::streambuf* out_;
  bool held_c2_ = false;  ///< a 0xC2 byte that may start a C1 control
};

/// Puts the filter between std::cout / std::cerr and the terminal for its lifetime.
class TerminalGuard {
 public:
  TerminalGuard();
  ~TerminalGuard();
  TerminalGuard(const TerminalGuard&) = delete;
  TerminalGuard& operator=(const TerminalGuard&) = delete;

 private:
  std::streambuf* cout_;
  std::streambuf* cerr_;
  ControlEscapingBuf out_, err_;
};

/// `text` with newlines and carriage returns written as `\n` and `\r`, for text from input that
/// is printed as one line (an error message, a customer's name).
std::string one_line(std::string_view text);

}  // namespace undertake::cli
