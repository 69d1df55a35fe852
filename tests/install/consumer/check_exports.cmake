# What a shared C++ library of undertake exports (include/undertake/config.hpp: UNDERTAKE_API).
# Usage: cmake -DNM=<nm> -DLIBRARIES=<lib.so>,<lib.so>... -P check_exports.cmake
#
# Fails when a library exports a symbol of the engine's inside: one whose name (before its
# parameter list: a function, an object, a vtable or type information, a template instantiated
# over an internal type) is in a `detail` namespace (undertake::v1::detail, jsonlogic::detail,
# kpi_detail, ...) or any namespace of undertake::v1 but jsonlogic, or outside the versioned
# namespace undertake::v1. A member of a public class that merely takes an internal type
# (Policy's private constructor) is the class's, not the inside's.
# Fails too when libundertake does not export what every host uses: Engine, Case, Policy, the
# type information of Error (so that `catch (const undertake::Error&)` works across the
# boundary), and when nothing of undertake is exported at all.
string(REPLACE "," ";" libraries "${LIBRARIES}")
set(failed 0)
foreach(lib IN LISTS libraries)
  execute_process(COMMAND "${NM}" -D -C --defined-only "${lib}"
                  OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -D -C ${lib} failed (${rc})")
  endif()
  # One list item a line: CMake's lists split at `;` except inside `[...]` (`[abi:cxx11]`).
  string(REPLACE ";" "," lines "${symbols}")
  string(REPLACE "[" "{" lines "${lines}")
  string(REPLACE "]" "}" lines "${lines}")
  string(REPLACE "\n" ";" lines "${lines}")
  set(public 0)
  set(internal "")
  foreach(line IN LISTS lines)
    # "<address> <type> <demangled name>"
    if(NOT line MATCHES "^[0-9a-fA-F]+ [A-Za-z] (.*)$")
      continue()
    endif()
    set(full "${CMAKE_MATCH_1}")
    set(name "${full}")
    string(FIND "${name}" "(" paren)
    if(paren GREATER -1)
      string(SUBSTRING "${name}" 0 ${paren} name)
    endif()
    if(NOT name MATCHES "undertake::")
      continue()  # the standard library's, Boost's: instantiations the headers make
    endif()
    if(name MATCHES "[A-Za-z_]*detail::" OR name MATCHES "undertake::([^v]|v[^1]|v1[^:])")
      list(APPEND internal "${full}")
      continue()
    endif()
    # undertake::v1::<namespace>::...: the public namespaces are undertake::v1 and
    # undertake::v1::jsonlogic; the engine's inside has lower-case namespaces of its own (diagram,
    # kpi_detail, ...). Classes are written in CamelCase.
    string(REGEX REPLACE "^.*undertake::v1::" "" rest "${name}")
    set(leaks 0)
    while(rest MATCHES "^([A-Za-z0-9_]+)::(.*)$")
      set(component "${CMAKE_MATCH_1}")
      set(rest "${CMAKE_MATCH_2}")
      if(component MATCHES "^[a-z]" AND NOT component STREQUAL "jsonlogic")
        set(leaks 1)
      endif()
    endwhile()
    if(leaks)
      list(APPEND internal "${full}")
    else()
      math(EXPR public "${public} + 1")
    endif()
  endforeach()
  get_filename_component(lib_name "${lib}" NAME)
  list(LENGTH internal internal_count)
  message("${lib_name}: ${public} symbols of undertake::v1 exported, ${internal_count} internal")
  if(internal_count GREATER 0)
    list(JOIN internal "\n  " shown)
    message(SEND_ERROR "${lib_name} exports the engine's inside:\n  ${shown}")
    set(failed 1)
  endif()
  if(public EQUAL 0)
    message(SEND_ERROR "${lib_name} exports nothing of undertake::v1")
    set(failed 1)
  endif()
  if(lib_name MATCHES "^libundertake\\.so")
    foreach(wanted IN ITEMS "undertake::v1::Engine::create_case(" "undertake::v1::Case::fire("
                            "undertake::v1::Policy::load(" "typeinfo for undertake::v1::Error")
      string(FIND "${symbols}" "${wanted}" at)
      if(at EQUAL -1)
        message(SEND_ERROR "${lib_name} does not export ${wanted}")
        set(failed 1)
      endif()
    endforeach()
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "check_exports: failed")
endif()
message("check_exports: passed")
