// Fills `{fact.path}` placeholders of a rule's message from the facts it was evaluated against,
// so a refusal reads "margin 0.12 is below 0.15" rather than "margin too low".
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

std::string fill_message(std::string_view message, const boost::json::value& facts);

/// The value at a dotted path (`contract.draft.amount`, array indexes as numbers), or null.
const boost::json::value* lookup_path(const boost::json::value& root, std::string_view path);

/// A value as a person reads it: strings unquoted, whole numbers without a decimal point.
std::string display_value(const boost::json::value& v);

}  // namespace detail
UNDERTAKE_END_NAMESPACE
