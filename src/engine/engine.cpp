#include "undertake/engine.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "case/case_impl.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

namespace undertake {

PolicySource policy_source_from_path(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return PolicySource::from_directory(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::not_found, path, "no such rules directory or policy file");
  std::ostringstream text;
  text << in.rdbuf();
  json::error_code jec;
  json::value doc = json::parse(text.str(), jec);
  if (jec) throw Error(ErrorKind::invalid_policy, path, "not valid JSON: " + jec.message());
  return PolicySource::from_document(doc, path);
}

Engine::Engine() : policy_(Policy::load(PolicySource::builtin(), extensions_)) {}

Engine::Engine(const std::string& policy_path)
    : policy_(Policy::load(policy_source_from_path(policy_path), extensions_)) {}

Engine::Engine(std::shared_ptr<const Policy> policy) : policy_(std::move(policy)) {
  if (!policy_) throw Error(ErrorKind::invalid_argument, "Engine", "a policy is required");
}

void Engine::load_policy(const PolicySource& source) {
  auto policy = Policy::load(source, extensions_);  // compile outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  policy_ = std::move(policy);
}

void Engine::load_policy(const std::string& policy_path) {
  load_policy(policy_source_from_path(policy_path));
}

std::shared_ptr<const Policy> Engine::policy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return policy_;
}

Case Engine::create_case(std::string id, json::object data) const {
  if (id.empty()) throw Error(ErrorKind::invalid_argument, "case id", "a case needs a non-empty id");
  if (std::string problem = detail::validate_requirement_form(data, "data"); !problem.empty())
    throw Error(ErrorKind::invalid_argument, "case " + id, problem);
  auto impl = std::make_unique<Case::Impl>();
  impl->policy = policy();
  impl->world = detail::initial_record(id, data);
  impl->id = std::move(id);
  impl->data = std::move(data);
  return Case(std::move(impl));
}

Case Engine::replay(const CaseLedger& ledger, std::shared_ptr<const Policy> policy) const {
  Case c = create_case(ledger.case_id, ledger.data);
  if (policy) c.impl_->policy = std::move(policy);
  for (std::size_t i = 0; i < ledger.entries.size(); ++i) {
    const LedgerEntry& e = ledger.entries[i];
    const std::string where = "ledger[" + std::to_string(i) + "]";
    if (e.kind != EntryKind::event) {
      c.impl_->ledger.push_back(e);  // escalations record what happened; they move nothing
      continue;
    }
    Outcome o = c.fire(event_name(e.event), e.actor, e.payload, e.at);
    if (!o.accepted)
      throw Error(ErrorKind::invalid_snapshot, where + " (" + std::string(event_name(e.event)) + ")",
                  "the process refuses it on replay: " +
                      (o.reasons.empty() ? std::string("no reason") : o.reasons.front().message));
    if (!e.state.empty() && o.state != e.state)
      throw Error(ErrorKind::invalid_snapshot, where + ".state",
                  "replay reaches a different state than the ledger records");
  }
  return c;
}

}  // namespace undertake
