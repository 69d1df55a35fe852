// What the exception being handled says, whatever its type: host code (custom rules, operators,
// risk scorers) may throw anything, and a refusal must still say what went wrong.
#pragma once

#include "undertake/config.hpp"
#include <string>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Call inside a catch block only. Returns the text of the exception being handled: what() of a
/// std::exception, a fixed sentence for anything else. Rethrows std::bad_alloc: running out of
/// memory is not the failure of the code that was running, and the caller must not turn it into
/// an answer (fire() then throws it, changing nothing; the C API returns UT_E_NO_MEMORY).
std::string current_exception_text();

}  // namespace detail
UNDERTAKE_END_NAMESPACE
