# Writes a C++ source holding the text files of a directory (the console of `undertake serve`) as
# string literals with their content types (src/server/assets.hpp).
# Run as: cmake -DDIR=<dir> -DOUT=<file.cpp> [-DEXTRA=<file>|<file>...] -P EmbedAssets.cmake
# (EXTRA: more files, named by their file name, separated by |).
file(GLOB files "${DIR}/*")
if(EXTRA)
  string(REPLACE "|" ";" extra_files "${EXTRA}")
  list(APPEND files ${extra_files})
endif()
list(SORT files)
set(body "")
foreach(path IN LISTS files)
  get_filename_component(f "${path}" NAME)
  file(READ "${path}" content)
  get_filename_component(ext "${f}" LAST_EXT)
  set(type "application/octet-stream")
  if(ext STREQUAL ".html")
    set(type "text/html; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(type "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(type "text/css; charset=utf-8")
  elseif(ext STREQUAL ".json")
    set(type "application/json")
  elseif(ext STREQUAL ".svg")
    set(type "image/svg+xml")
  endif()
  string(APPEND body "    {\"${f}\", \"${type}\", R\"undertake_asset(${content})undertake_asset\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from ${DIR} by cmake/EmbedAssets.cmake. Do not edit.
#include \"server/assets.hpp\"

namespace undertake::server {

const Asset* find_asset(std::string_view name) noexcept {
  static const Asset assets[] = {
${body}  };
  for (const Asset& a : assets)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace undertake::server
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
