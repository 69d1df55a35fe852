// The C header compiles as C++ too (extern "C", no C-only constructs), next to the C++ API.
#include "undertake/undertake.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace {

// An RAII owner for strings the library returns, the way a C++ host wraps the C API.
struct Freer {
  void operator()(char* p) const noexcept { ut_free(p); }
};
using owned = std::unique_ptr<char, Freer>;

}  // namespace

int main() {
  int passed = 0, failed = 0;
  auto check = [&](bool ok, const char* what) {
    ok ? ++passed : ++failed;
    if (!ok) std::fprintf(stderr, "CHECK failed: %s (%s)\n", what, ut_last_error());
  };
  static_assert(UT_OK == 0 && UT_REFUSED == 1 && UT_E_INVALID_ARGUMENT < 0, "status codes");
  check(std::string(ut_version()) == UT_VERSION_STRING, "version");
  ut_engine* e = nullptr;
  check(ut_engine_open_default(&e) == UT_OK, "open");
  char* text = nullptr;
  check(ut_policy_builtin_json(&text) == UT_OK, "builtin policy");
  owned policy(text);
  check(policy && std::strstr(policy.get(), "\"roles\"") != nullptr, "policy has roles");
  ut_engine_close(e);
  std::printf("capi_header_cxx: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
