// The cases a host keeps open on an engine, by id (Engine::open_case, find_case, close_case).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "undertake/case.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// Open cases by id, held weakly: a case whose last shared_ptr is gone is no longer open. Every
/// member is thread-safe.
class OpenCases {
 public:
  /// Registers `c` under its id; Error(conflict) when another live case holds that id. Strong
  /// guarantee.
  void open(const std::shared_ptr<Case>& c);
  std::shared_ptr<Case> find(std::string_view id) const;
  /// Removes the registration of `c`, if it is the case open under its id.
  void close(const Case& c) noexcept;

 private:
  // Drops the entries of cases gone without close(), when there are twice as many entries as
  // after the last sweep: amortised O(1) per open. Call with mutex_ held.
  void sweep() noexcept;

  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<Case>, std::less<>> cases_;
  std::size_t sweep_at_ = 64;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
