// The cases a host keeps open on an engine, by id (open_cases.hpp, Engine::open_case).
#include "engine/open_cases.hpp"

#include <algorithm>
#include <iterator>

#include "engine/engine_impl.hpp"
#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

void OpenCases::open(const std::shared_ptr<Case>& c) {
  if (!c) throw Error(ErrorKind::invalid_argument, "open_case", "a case is required");
  const std::string& id = c->id();
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = cases_.find(id);
  if (it != cases_.end() && !it->second.expired())
    throw Error(ErrorKind::conflict, "case " + id,
                "already open on this engine (close it first, or find the open one)");
  if (it != cases_.end()) {
    it->second = c;
    return;
  }
  cases_.emplace(id, c);
  if (cases_.size() >= sweep_at_) sweep();
}

std::shared_ptr<Case> OpenCases::find(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = cases_.find(id);
  return it == cases_.end() ? nullptr : it->second.lock();
}

void OpenCases::close(const Case& c) noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = cases_.find(c.id());
  if (it == cases_.end()) return;
  const std::shared_ptr<Case> open = it->second.lock();
  if (!open || open.get() == &c) cases_.erase(it);
}

void OpenCases::sweep() noexcept {
  for (auto it = cases_.begin(); it != cases_.end();)
    it = it->second.expired() ? cases_.erase(it) : std::next(it);
  sweep_at_ = std::max<std::size_t>(64, 2 * cases_.size());
}

}  // namespace detail

void Engine::open_case(const std::shared_ptr<Case>& c) {
  impl_->open_cases.open(c);
}

std::shared_ptr<Case> Engine::open_case(Case c) {
  auto shared = std::make_shared<Case>(std::move(c));
  impl_->open_cases.open(shared);
  return shared;
}

std::shared_ptr<Case> Engine::find_case(std::string_view id) const {
  return impl_->open_cases.find(id);
}

void Engine::close_case(const Case& c) noexcept {
  impl_->open_cases.close(c);
}

UNDERTAKE_END_NAMESPACE
