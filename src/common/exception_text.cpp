#include "common/exception_text.hpp"

#include <exception>
#include <new>

namespace undertake::detail {

std::string current_exception_text() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "it threw an exception that is not a std::exception";
  }
}

}  // namespace undertake::detail
