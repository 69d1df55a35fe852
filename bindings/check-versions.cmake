# CTest bindings_version: every binding says the project's version, the one source of which is
# CMakeLists.txt's project(VERSION) (the C header and the Java manifest are generated from it).
# The Python and Node packages keep theirs in their own files, as `pip install bindings/python`
# and `npm install bindings/node` from the source tree read them; this fails when one differs.
#   cmake -DVERSION=<project version> -DROOT=<source dir> -P bindings/check-versions.cmake
if(NOT VERSION OR NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DVERSION=x.y.z -DROOT=<source dir> -P ${CMAKE_CURRENT_LIST_FILE}")
endif()

set(passed 0)
set(failed 0)
function(expect what found)
  if(found STREQUAL VERSION)
    math(EXPR n "${passed} + 1")
    set(passed ${n} PARENT_SCOPE)
    message(STATUS "ok: ${what} is ${found}")
  else()
    math(EXPR n "${failed} + 1")
    set(failed ${n} PARENT_SCOPE)
    message(STATUS "FAILED: ${what} is \"${found}\", the project (CMakeLists.txt) is ${VERSION}")
  endif()
endfunction()

file(READ "${ROOT}/bindings/python/pyproject.toml" text)
string(REGEX MATCH "\nversion = \"([^\"]*)\"" _ "${text}")
expect("bindings/python/pyproject.toml [project] version" "${CMAKE_MATCH_1}")

file(READ "${ROOT}/bindings/python/undertake/__init__.py" text)
string(REGEX MATCH "\n__version__ = \"([^\"]*)\"" _ "${text}")
expect("bindings/python/undertake/__init__.py __version__" "${CMAKE_MATCH_1}")

file(READ "${ROOT}/bindings/node/package.json" text)
string(JSON found ERROR_VARIABLE error GET "${text}" version)
expect("bindings/node/package.json version" "${found}")

file(READ "${ROOT}/bindings/node/package-lock.json" text)
string(JSON found ERROR_VARIABLE error GET "${text}" version)
expect("bindings/node/package-lock.json version" "${found}")
string(JSON found ERROR_VARIABLE error GET "${text}" packages "" version)
expect("bindings/node/package-lock.json packages[\"\"] version" "${found}")

message(STATUS "bindings_version: ${passed} passed, ${failed} failed")
if(failed)
  message(FATAL_ERROR "the bindings' versions differ from the project's")
endif()
