// Helpers shared by the risk sources (not installed).
#pragma once

#include "undertake/config.hpp"
#include "common/json_numbers.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

UNDERTAKE_BEGIN_NAMESPACE
namespace risk_detail {

/// A JSON number with a whole value (1, 1.0), or nothing.
using detail::as_integer;  // common/json_numbers.hpp

/// A short rendering of a value for error messages: `"abc"`, `7`, `an object`, ...
std::string describe(const boost::json::value& v);

}  // namespace risk_detail
UNDERTAKE_END_NAMESPACE
