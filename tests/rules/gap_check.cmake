# `undertake check` on the default policy with a gap in the authority matrix (issue 13): the row
# [100000..1000000) moved to [200000..1000000) must be reported with file, JSON path and the
# amounts no row covers, and the check must fail. The policy is made here from rules/default, so
# that no copy of it lives in the source tree.
#   cmake -DCLI=<undertake> -DRULES=<rules/default> -DOUT=<scratch directory> -P gap_check.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
file(GLOB parts "${RULES}/*.json")
file(COPY ${parts} DESTINATION "${OUT}")
file(READ "${OUT}/tables.json" tables)
string(REPLACE "[100000..1000000)" "[200000..1000000)" gapped "${tables}")
if(gapped STREQUAL tables)
  message(FATAL_ERROR "the authority matrix has no row [100000..1000000) to move")
endif()
file(WRITE "${OUT}/tables.json" "${gapped}")
execute_process(COMMAND "${CLI}" check "${OUT}" RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message(STATUS "undertake check: exit ${status}\n${out}${err}")
set(expected "${OUT}/tables.json: /tables/authority-matrix/rules: no row covers amount in [100000, 200000) (an input there is refused")
string(FIND "${out}" "${expected}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "expected the gap to be reported as\n  ${expected}")
endif()
if(NOT status EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got ${status}")
endif()
if(NOT out MATCHES "\n1 problem\n")
  message(FATAL_ERROR "expected exactly one problem")
endif()
