// open_store: a store by URI (store.hpp). The one place that knows every kind of store, so that a
// host linking undertake::stores gets them all and a host with its own CaseStore links none.
#include <string>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/sqlite_store.hpp"
#include "undertake/store.hpp"

namespace undertake {

std::unique_ptr<CaseStore> open_store(const std::string& uri) {
  constexpr std::string_view sqlite = "sqlite:";
  if (uri.empty()) throw Error(ErrorKind::invalid_argument, "store URI", "empty");
  if (uri.compare(0, sqlite.size(), sqlite) == 0) {
    const std::string path = uri.substr(sqlite.size());
    if (path.empty())
      throw Error(ErrorKind::invalid_argument, "store URI " + uri, "sqlite: needs a file path");
    return open_sqlite_store(path);
  }
  if (uri.find("://") != std::string::npos)
    throw Error(ErrorKind::invalid_argument, "store URI " + uri,
                "unknown kind of store: this library opens \"sqlite:PATH\" and plain paths");
  return open_sqlite_store(uri);  // a plain path
}

}  // namespace undertake
