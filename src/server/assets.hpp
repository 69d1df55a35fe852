// The files `undertake serve` serves itself — the console's pages, scripts and styles and the
// OpenAPI document — compiled into the binary (cmake/EmbedAssets.cmake over src/server/console/),
// so the server needs no installed data files and a request path can only name one of them: there
// is no directory to escape.
#pragma once

#include <string_view>

namespace undertake::server {

struct Asset {
  std::string_view name;          ///< `index.html`, `console.js`, `openapi.json`
  std::string_view content_type;  ///< from the name's extension
  std::string_view body;
};

/// The asset of that exact name, or null.
const Asset* find_asset(std::string_view name) noexcept;

}  // namespace undertake::server
