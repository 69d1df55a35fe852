// A one-line progress bar on stderr for long commands (`undertake demo`), drawn only when stderr
// is a terminal.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>

#include "common/display_width.hpp"

namespace undertake::cli {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && ::isatty(2)) {}
  void show(double fraction, const std::string& label) {
    if (!enabled_) return;
    const int width = 36;
    const int filled = static_cast<int>(fraction * width + 0.5);
    const int pct = static_cast<int>(fraction * 100 + 0.5);
    if (pct == last_ && label == label_) return;
    last_ = pct;
    label_ = label;
    std::fprintf(stderr, "\r  [%s%s] %3d%%  %s",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(width - filled), '.').c_str(), pct,
                 detail::pad(label, 28).c_str());
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r%80s\r", "");
  }

 private:
  bool enabled_;
  int last_ = -1;
  std::string label_;
};

}  // namespace undertake::cli
