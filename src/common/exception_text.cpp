#include "common/exception_text.hpp"

#include <exception>
#include <new>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

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

}  // namespace detail
UNDERTAKE_END_NAMESPACE
