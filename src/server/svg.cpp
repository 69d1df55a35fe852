// Diagrams as SVG: the DOT text of src/diagram rendered by Graphviz's `dot` (a dependency of the
// CLI's `diagram --svg` already). Run with posix_spawnp and a fixed argument list — no shell, no
// request text on a command line — over files in a private temporary directory.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/api_internal.hpp"

extern char** environ;

namespace undertake::server {

std::string render_svg(const std::string& dot_text) {
  namespace fs = std::filesystem;
  std::string templ = (fs::temp_directory_path() / "undertake-svg-XXXXXX").string();
  if (!mkdtemp(templ.data()))
    throw Error(ErrorKind::io, "diagram", "cannot make a temporary directory");
  const fs::path dir = templ, in = dir / "in.dot", out = dir / "out.svg";
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  {
    std::ofstream f(in, std::ios::binary);
    f << dot_text;
    if (!f) throw Error(ErrorKind::io, in.string(), "cannot write the file");
  }
  std::string a0 = "dot", a1 = "-Tsvg", a2 = in.string(), a3 = "-o", a4 = out.string();
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "dot", nullptr, nullptr, argv, environ) != 0)
    throw Error(ErrorKind::io, "diagram",
                "Graphviz `dot` is not installed (apt-get install graphviz)");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error(ErrorKind::io, "diagram", "waiting for `dot` failed");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(ErrorKind::io, "diagram", "Graphviz `dot` failed");
  std::ifstream f(out, std::ios::binary);
  std::ostringstream text;
  text << f.rdbuf();
  return text.str();
}

}  // namespace undertake::server
