// The registry of operators beyond the built-in ones, and how a rule calls them.
#include "rules/jsonlogic/node.hpp"

#include <algorithm>

UNDERTAKE_BEGIN_NAMESPACE
namespace jsonlogic {

std::shared_ptr<const detail::OperatorEntry> Operators::Impl::find(std::string_view name) const {
  const auto it = std::lower_bound(entries.begin(), entries.end(), name,
                                   [](const auto& e, std::string_view n) { return e->name < n; });
  if (it == entries.end() || (*it)->name != name) return nullptr;
  return *it;
}

void Operators::Impl::put(std::shared_ptr<const detail::OperatorEntry> entry) {
  const auto it = std::lower_bound(entries.begin(), entries.end(), entry->name,
                                   [](const auto& e, const std::string& n) { return e->name < n; });
  if (it != entries.end() && (*it)->name == entry->name)
    *it = std::move(entry);
  else
    entries.insert(it, std::move(entry));
}

Operators::Operators() : impl_(std::make_unique<Impl>()) {}
Operators::~Operators() = default;
Operators::Operators(const Operators& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
Operators& Operators::operator=(const Operators& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
Operators::Operators(Operators&&) noexcept = default;
Operators& Operators::operator=(Operators&&) noexcept = default;

void Operators::add(std::string name, OperatorFn fn, std::size_t min_args, std::size_t max_args) {
  if (name.empty()) throw Error(ErrorKind::invalid_argument, "Operators::add", "empty name");
  if (!fn)
    throw Error(ErrorKind::invalid_argument, "Operators::add",
                "no function given for operator \"" + name + "\"");
  if (min_args > max_args)
    throw Error(ErrorKind::invalid_argument, "Operators::add",
                "operator \"" + name + "\": min_args is greater than max_args");
  auto entry = std::make_shared<detail::OperatorEntry>();
  entry->name = std::move(name);
  entry->fn = std::move(fn);
  entry->min_args = min_args;
  entry->max_args = max_args;
  impl_->put(std::move(entry));
}

namespace detail {
void add_native_operator(Operators& ops, std::shared_ptr<OperatorEntry> entry) {
  OperatorsAccess::impl(ops).put(std::move(entry));
}
}  // namespace detail

const Operators& Operators::standard() {
  static const Operators ops;
  return ops;
}

const Operators& Operators::with_dates() {
  static const Operators ops = [] {
    Operators o;
    detail::add_date_operators(*o.impl_);
    return o;
  }();
  return ops;
}

namespace detail {

Val eval_custom(const Node& n, Ctx& c) {
  const OperatorEntry& op = *n.custom;
  const std::size_t count = n.kids.size();
  if (op.native) {
    constexpr std::size_t kInline = 8;
    Val inline_args[kInline];
    std::vector<Val> heap_args;
    Val* args = inline_args;
    if (count > kInline) {
      heap_args.resize(count);
      args = heap_args.data();
    }
    for (std::size_t i = 0; i < count; ++i) args[i] = eval(*n.kids[i], c);
    return op.native(n, c, args, count);
  }
  std::vector<json::value> args;
  args.reserve(count);
  for (const auto& kid : n.kids) args.push_back(to_json(eval(*kid, c)));
  json::value result = op.fn(args);
  switch (result.kind()) {
    case json::kind::string:
    case json::kind::array:
    case json::kind::object:
      return from_json(*c.arena.keep(std::move(result)));
    default:
      return from_json(result);
  }
}

}  // namespace detail

}  // namespace jsonlogic
UNDERTAKE_END_NAMESPACE
