#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE

const char* error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument:
      return "invalid_argument";
    case ErrorKind::invalid_json:
      return "invalid_json";
    case ErrorKind::invalid_policy:
      return "invalid_policy";
    case ErrorKind::invalid_rule:
      return "invalid_rule";
    case ErrorKind::rule_failed:
      return "rule_failed";
    case ErrorKind::limit_exceeded:
      return "limit_exceeded";
    case ErrorKind::invalid_snapshot:
      return "invalid_snapshot";
    case ErrorKind::conflict:
      return "conflict";
    case ErrorKind::not_found:
      return "not_found";
    case ErrorKind::io:
      return "io";
  }
  return "unknown";
}

UNDERTAKE_END_NAMESPACE
