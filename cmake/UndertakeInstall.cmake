# Installation: libraries, headers, the CMake package (find_package(undertake CONFIG)) and the
# pkg-config files. Included from src/CMakeLists.txt once the targets exist.
#
#   cmake --install <build> --prefix <prefix>
#
# installs
#   lib/libundertake.a|so                 the C++ engine (static or shared per BUILD_SHARED_LIBS)
#   lib/libundertake_c.so                 the C API (exports ut_* only; the engine inside, hidden)
#   include/undertake/*.hpp, *.h          the C++ and C headers (+ the generated version header)
#   lib/libundertake_store_sqlite, _store_postgres, _stores  the SQLite and PostgreSQL stores and
#                                         open_store(uri)
#   lib/cmake/undertake/                  undertakeConfig.cmake: targets undertake::undertake (C++),
#                                         undertake::store_sqlite, undertake::store_postgres,
#                                         undertake::stores and
#                                         undertake::undertake_c (C)
#   lib/pkgconfig/undertake.pc            the C API;  undertake-cpp.pc: the C++ engine
#   bin/undertake, share/undertake/rules  the command-line tool and the default policy (if built)
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(UNDERTAKE_INSTALL "Generate the install rules" ${PROJECT_IS_TOP_LEVEL})
if(NOT UNDERTAKE_INSTALL)
  return()
endif()

set(UNDERTAKE_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/undertake")
set(undertake_install_targets undertake undertake_store_sqlite undertake_store_postgres
    undertake_stores undertake_c)
if(TARGET undertake_c_static)
  list(APPEND undertake_install_targets undertake_c_static)
endif()

install(TARGETS ${undertake_install_targets}
  EXPORT undertakeTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/undertake"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT development
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/generated/include/undertake/undertake_version.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/undertake" COMPONENT development)

# The packages the engine links: a consumer of the package must find them too (a static
# libundertake carries even its PRIVATE ones as link-only dependencies). Known imported targets
# map to a find_dependency() call for the config file and to linker flags for pkg-config.
get_target_property(undertake_link_libraries undertake LINK_LIBRARIES)
get_target_property(store_sqlite_link_libraries undertake_store_sqlite LINK_LIBRARIES)
get_target_property(store_postgres_link_libraries undertake_store_postgres LINK_LIBRARIES)
list(APPEND undertake_link_libraries ${store_sqlite_link_libraries} ${store_postgres_link_libraries})
list(REMOVE_DUPLICATES undertake_link_libraries)
list(REMOVE_ITEM undertake_link_libraries undertake)
set(UNDERTAKE_FIND_DEPENDENCIES "")
set(undertake_pc_dependency_libs "")
foreach(lib IN LISTS undertake_link_libraries)
  if(lib STREQUAL "Boost::json")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES
           "find_dependency(Boost ${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}.${Boost_VERSION_PATCH} EXACT CONFIG COMPONENTS json)\n")
    list(APPEND undertake_pc_dependency_libs -lboost_json)
  elseif(lib STREQUAL "SQLite::SQLite3")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES "find_dependency(SQLite3)\n")
    list(APPEND undertake_pc_dependency_libs -lsqlite3)
  elseif(lib STREQUAL "OpenSSL::Crypto")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES "find_dependency(OpenSSL 3 COMPONENTS Crypto)\n")
    list(APPEND undertake_pc_dependency_libs -lcrypto)
  elseif(lib STREQUAL "PkgConfig::UTF8PROC")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES "find_dependency(PkgConfig)\n"
           "pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)\n")
    list(APPEND undertake_pc_dependency_libs -lutf8proc)
  elseif(lib STREQUAL "PkgConfig::LIBPQ")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES "find_dependency(PkgConfig)\n"
           "pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)\n")
    list(APPEND undertake_pc_dependency_libs -lpq)
  elseif(lib STREQUAL "Threads::Threads")
    string(APPEND UNDERTAKE_FIND_DEPENDENCIES "find_dependency(Threads)\n")
    list(APPEND undertake_pc_dependency_libs -pthread)
  elseif(lib MATCHES "::")
    message(WARNING "UndertakeInstall: the engine links ${lib}; add it to cmake/UndertakeInstall.cmake "
                    "so that the installed package finds it")
  endif()
endforeach()
list(JOIN undertake_pc_dependency_libs " " undertake_pc_dependency_libs)

install(EXPORT undertakeTargets
  NAMESPACE undertake::
  DESTINATION "${UNDERTAKE_CMAKE_INSTALL_DIR}" COMPONENT development)
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/undertakeConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/undertakeConfig.cmake"
  INSTALL_DESTINATION "${UNDERTAKE_CMAKE_INSTALL_DIR}")
# 0.x: minor versions may break the API; from 1.0 on, SameMajorVersion would do.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/cmake/undertakeConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/cmake/undertakeConfig.cmake"
              "${PROJECT_BINARY_DIR}/cmake/undertakeConfigVersion.cmake"
  DESTINATION "${UNDERTAKE_CMAKE_INSTALL_DIR}" COMPONENT development)

# pkg-config: relocatable (the prefix is found from the .pc file's own place), so the tree may
# be installed anywhere with `cmake --install --prefix`.
set(pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH PC_PREFIX_FROM_PCFILEDIR "/prefix/${pc_dir}" "/prefix")
string(REGEX REPLACE "/$" "" PC_PREFIX_FROM_PCFILEDIR "${PC_PREFIX_FROM_PCFILEDIR}")
get_target_property(undertake_type undertake TYPE)

set(PC_NAME undertake)
set(PC_DESCRIPTION "undertake rules/workflow engine for the product undertaking process (C API)")
set(PC_LIBS "-lundertake_c")
set(PC_LIBS_PRIVATE "")
set(PC_CFLAGS "")
configure_file("${PROJECT_SOURCE_DIR}/cmake/undertake.pc.in"
               "${PROJECT_BINARY_DIR}/pkgconfig/undertake.pc" @ONLY)

set(PC_NAME undertake-cpp)
set(PC_DESCRIPTION "undertake rules/workflow engine for the product undertaking process (C++ API)")
if(undertake_type STREQUAL "STATIC_LIBRARY")
  set(PC_LIBS "-lundertake_stores -lundertake_store_sqlite -lundertake_store_postgres -lundertake ${undertake_pc_dependency_libs}")
else()
  set(PC_LIBS "-lundertake_stores -lundertake_store_sqlite -lundertake_store_postgres -lundertake -lboost_json")
  set(PC_LIBS_PRIVATE "${undertake_pc_dependency_libs}")
endif()
set(PC_CFLAGS "-std=c++17")
if(undertake_type STREQUAL "SHARED_LIBRARY")
  string(APPEND PC_CFLAGS " -DUNDERTAKE_SHARED")  # config.hpp: the shared library's UNDERTAKE_API
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/undertake.pc.in"
               "${PROJECT_BINARY_DIR}/pkgconfig/undertake-cpp.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/undertake.pc"
              "${PROJECT_BINARY_DIR}/pkgconfig/undertake-cpp.pc"
  DESTINATION "${pc_dir}" COMPONENT development)

if(TARGET undertake_cli)
  install(TARGETS undertake_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
          OPTIONAL)  # not an error when the tool was not built
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/rules/default" "${PROJECT_SOURCE_DIR}/rules/schema"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/undertake/rules" COMPONENT runtime)
