// Test support: what an undertake::Error must be. One definition for every Catch2 test.
//
//   CHECK_THROWS_MATCHES(f(), Error, ErrorIs(ErrorKind::invalid_argument).at("payload.x"));
//   const Error e = error_of([&] { f(); });  // when the test reads the error further
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "undertake/error.hpp"

namespace undertake::testing {

/// Runs `f`, expects an undertake::Error and returns it; the test fails when `f` returns.
template <typename F>
Error error_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const Error& e) {
    return e;
  }
  FAIL("expected an undertake::Error");
  return Error(ErrorKind::io, "", "");  // not reached: FAIL throws
}

/// Matches an undertake::Error by kind and, when given, its where() exactly and a part of what().
class ErrorIs : public Catch::MatcherBase<Error> {
 public:
  explicit ErrorIs(ErrorKind kind) : kind_(kind) {}
  ErrorIs at(std::string where) && {
    where_ = std::move(where);
    return std::move(*this);
  }
  ErrorIs saying(std::string text) && {
    text_ = std::move(text);
    return std::move(*this);
  }

  bool match(const Error& e) const override {
    return e.kind() == kind_ && (!where_ || e.where() == *where_) &&
           (!text_ || std::string(e.what()).find(*text_) != std::string::npos);
  }
  std::string describe() const override {
    std::ostringstream out;
    out << "is an undertake::Error of kind " << error_kind_name(kind_);
    if (where_) out << " at \"" << *where_ << "\"";
    if (text_) out << " saying \"" << *text_ << "\"";
    return out.str();
  }

 private:
  ErrorKind kind_;
  std::optional<std::string> where_;
  std::optional<std::string> text_;
};

}  // namespace undertake::testing
