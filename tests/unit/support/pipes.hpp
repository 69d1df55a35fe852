// Test support: whole messages through a pipe, for tests that fork worker processes and collect
// what each one did.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <string>

namespace undertake::testing {

/// Writes all of `text` to `fd`; false when the pipe fails first.
inline bool write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

/// Everything `fd` gives until its end.
inline std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace undertake::testing
