// open_store: a store by URI (store.hpp). The one place that knows every kind of store, so that a
// host linking undertake::stores gets them all and a host with its own CaseStore links none.
#include <algorithm>
#include <string>
#include <string_view>

#include "undertake/error.hpp"
#include "undertake/postgres_store.hpp"
#include "undertake/sqlite_store.hpp"
#include "undertake/store.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace {

// The parameters of `sqlite:PATH?name=value&...`: what a host without C++ (the C API, the
// bindings) can choose of SqliteOptions.
SqliteOptions sqlite_options(const std::string& uri, std::string_view query) {
  SqliteOptions options;
  const std::string where = "store URI " + uri;
  while (!query.empty()) {
    const std::string_view item = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), item.size() + 1));
    const std::size_t eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (name == "mode" && value == "ro") {
      options.read_only = true;
      options.create = false;
    } else if (name == "mode" && value == "rw") {
      options.create = false;
    } else if (name == "mode" && value == "rwc") {
      options.create = true;
    } else if (name == "synchronous" && value == "full") {
      options.synchronous = SqliteOptions::Sync::full;
    } else if (name == "synchronous" && value == "normal") {
      options.synchronous = SqliteOptions::Sync::normal;
    } else if (name == "synchronous" && value == "off") {
      options.synchronous = SqliteOptions::Sync::off;
    } else {
      throw Error(ErrorKind::invalid_argument, where,
                  "unknown parameter \"" + std::string(item) +
                      "\" (expected mode=ro|rw|rwc, synchronous=full|normal|off)");
    }
  }
  return options;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::unique_ptr<CaseStore> open_store(const std::string& uri) {
  constexpr std::string_view sqlite = "sqlite:";
  if (uri.empty()) throw Error(ErrorKind::invalid_argument, "store URI", "empty");
  if (uri.compare(0, sqlite.size(), sqlite) == 0) {
    const std::string rest = uri.substr(sqlite.size());
    const std::size_t mark = rest.find('?');
    const std::string path = rest.substr(0, mark);
    if (path.empty())
      throw Error(ErrorKind::invalid_argument, "store URI " + uri, "sqlite: needs a file path");
    const std::string_view query =
        mark == std::string::npos ? std::string_view() : std::string_view(rest).substr(mark + 1);
    return open_sqlite_store(path, sqlite_options(uri, query));
  }
  // libpq reads its own URIs (postgresql:// and postgres://) and keyword/value settings.
  if (starts_with(uri, "postgresql://") || starts_with(uri, "postgres://"))
    return open_postgres_store(uri);
  constexpr std::string_view postgresql = "postgresql:";
  if (starts_with(uri, postgresql)) {
    const std::string settings = uri.substr(postgresql.size());
    if (settings.find('=') == std::string::npos)
      throw Error(ErrorKind::invalid_argument, "store URI " + uri,
                  "postgresql: needs libpq settings (\"postgresql:host=/run/postgresql "
                  "dbname=erp\") or a URI (\"postgresql://host/db\")");
    return open_postgres_store(settings);
  }
  if (uri.find("://") != std::string::npos)
    throw Error(ErrorKind::invalid_argument, "store URI " + uri,
                "unknown kind of store: this library opens \"sqlite:PATH\", plain paths and "
                "\"postgresql://...\"");
  return open_sqlite_store(uri);  // a plain path, taken as it is (a '?' is part of the name)
}

UNDERTAKE_END_NAMESPACE
