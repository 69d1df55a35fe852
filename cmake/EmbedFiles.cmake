# Writes a C++ source that holds the JSON files of a directory as string literals, so the built-in
# default policy needs no installed data files.
# Run as: cmake -DDIR=<rules dir> -DOUT=<file.cpp> -P EmbedFiles.cmake
file(GLOB files RELATIVE "${DIR}" "${DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  file(READ "${DIR}/${f}" content)
  string(APPEND body "    {\"${f}\", R\"undertake_embed(${content})undertake_embed\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from ${DIR} by cmake/EmbedFiles.cmake. Do not edit.
#include \"policy/builtin_policy.hpp\"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

const std::vector<EmbeddedFile>& builtin_policy_files() {
  static const std::vector<EmbeddedFile> files = {
${body}  };
  return files;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
