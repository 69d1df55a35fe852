// undertake — the one exception type the C++ API throws.
//
// Every error says what went wrong, where (file, JSON path, event, rule) and why, so that a host
// can show it to a person unchanged. The C API turns it into a status code and ut_last_error().
#pragma once

#include "undertake/config.hpp"
#include <stdexcept>
#include <string>

UNDERTAKE_BEGIN_NAMESPACE

enum class ErrorKind {
  invalid_argument,  ///< a caller passed something unusable (unknown case id, bad actor, ...)
  invalid_json,      ///< text that is not JSON, or JSON of the wrong shape
  invalid_policy,    ///< a rules/ file or policy document that does not validate
  invalid_rule,      ///< a JsonLogic rule that does not compile (unknown operator, bad arity)
  rule_failed,       ///< a rule raised an error while it ran (JsonLogic `throw`, NaN, ...)
  limit_exceeded,    ///< depth, work or size beyond the configured limits
  invalid_snapshot,  ///< a snapshot or ledger that cannot be restored
  conflict,          ///< a stale revision (optimistic concurrency)
  not_found,         ///< a case, rule or file that does not exist
  io,                ///< the file system or the store failed
};

/// Returns the stable lower-case name of an error kind (`invalid_policy`, ...).
UNDERTAKE_API const char* error_kind_name(ErrorKind kind) noexcept;

class UNDERTAKE_API Error : public std::runtime_error {
 public:
  /// `where` names the place (a file and JSON path, an event, a rule id); `why` the reason.
  Error(ErrorKind kind, std::string where, std::string why)
      : std::runtime_error(where.empty() ? why : where + ": " + why),
        kind_(kind),
        where_(std::move(where)),
        why_(std::move(why)) {}

  ErrorKind kind() const noexcept { return kind_; }
  const std::string& where() const noexcept { return where_; }
  const std::string& why() const noexcept { return why_; }

 private:
  ErrorKind kind_;
  std::string where_;
  std::string why_;
};

UNDERTAKE_END_NAMESPACE
