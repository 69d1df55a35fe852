# Installs the build tree into a fresh prefix for the consumer tests.
# Usage: cmake -DBUILD_DIR=<build> -DPREFIX=<prefix> -P install_tree.cmake
file(REMOVE_RECURSE "${PREFIX}")
# The consumers are configured afresh against this prefix: pkg_check_modules caches what it
# found, so a consumer build left from an older install would keep linking the old libraries.
file(REMOVE_RECURSE "${BUILD_DIR}/install-test/find_package" "${BUILD_DIR}/install-test/pkg-config")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f include/undertake/undertake.h include/undertake/undertake_version.h
          include/undertake/undertake.hpp)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(GLOB_RECURSE config "${PREFIX}/*/undertakeConfig.cmake")
file(GLOB_RECURSE pc "${PREFIX}/*/undertake.pc")
if(NOT config OR NOT pc)
  message(FATAL_ERROR "no CMake package or pkg-config file installed")
endif()
message("install_tree: 1 passed, 0 failed")
