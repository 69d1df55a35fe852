#include "undertake/engine.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

#include "case/case_impl.hpp"
#include "common/json_measure.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

namespace undertake {
namespace {

[[noreturn]] void damaged(const std::string& path, const std::string& why) {
  throw Error(ErrorKind::invalid_snapshot, "snapshot: " + path, why);
}

const json::value& field(const json::object& o, std::string_view key, const char* path) {
  const json::value* v = o.if_contains(key);
  if (!v) damaged(path, "missing");
  return *v;
}

// Whether two JSON numbers are the same number, exactly: no tolerance, since every double survives
// a trip through text bit for bit (json_text.hpp). The kind is not compared: 40 and 40.0 are the
// same number, and a JSON tool between the engine and its store may write one for the other
// (JavaScript's JSON.stringify writes the double 40.0 as 40, PostgreSQL's jsonb too); -0.0 and 0
// are the same number as well.
bool same_number(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();
  if (!a.is_double() && !b.is_double()) return a == b;  // int64 and uint64 compare by value
  const double d = a.is_double() ? a.get_double() : b.get_double();
  const json::value& whole = a.is_double() ? b : a;
  if (d != std::trunc(d)) return false;  // a fraction (or not finite)
  if (whole.is_int64())
    return d >= -0x1p63 && d < 0x1p63 && static_cast<std::int64_t>(d) == whole.get_int64();
  return d >= 0 && d < 0x1p64 && static_cast<std::uint64_t>(d) == whole.get_uint64();
}

// The first JSON path at which two values differ (for a precise "damaged snapshot" message).
// Recursion is bounded: it follows only containers both values have, and `b` is the engine's own
// replayed record, within max_json_depth; past the ceiling (limits.hpp) values count as different.
std::string first_difference(const json::value& a, const json::value& b, const std::string& path,
                             unsigned depth = 0) {
  if (a.kind() != b.kind() && !(a.is_number() && b.is_number())) return path;
  if ((a.is_object() || a.is_array()) && depth >= InputLimits::kMaxJsonDepthCeiling) return path;
  if (a.is_object()) {
    const auto& ao = a.get_object();
    const auto& bo = b.get_object();
    for (const auto& kv : ao) {
      const json::value* other = bo.if_contains(kv.key());
      if (!other) return path + "/" + std::string(kv.key());
      std::string d =
          first_difference(kv.value(), *other, path + "/" + std::string(kv.key()), depth + 1);
      if (!d.empty()) return d;
    }
    for (const auto& kv : bo)
      if (!ao.contains(kv.key())) return path + "/" + std::string(kv.key());
    return {};
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ba = b.get_array();
    for (std::size_t i = 0; i < std::min(aa.size(), ba.size()); ++i) {
      std::string d = first_difference(aa[i], ba[i], path + "/" + std::to_string(i), depth + 1);
      if (!d.empty()) return d;
    }
    return aa.size() == ba.size() ? std::string{} : path;
  }
  if (a.is_number()) return same_number(a, b) ? std::string{} : path;
  return a == b ? std::string{} : path;
}

// Refuses a value nested deeper than `max_depth` (before it is copied: Boost.JSON copies
// recursively).
void check_depth(const json::object& o, unsigned max_depth, const std::string& where) {
  if (const detail::JsonMeasure m = detail::measure_json(o, max_depth, where);
      m.problem == detail::JsonMeasure::Problem::too_deep)
    throw Error(ErrorKind::invalid_snapshot, m.path,
                "nested deeper than " + std::to_string(max_depth) + " levels (limits.hpp)");
}

}  // namespace

PolicySource policy_source_from_path(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return PolicySource::from_directory(path);
  if (!std::filesystem::exists(path, ec))
    throw Error(ErrorKind::not_found, path, "no such rules directory or policy file");
  return PolicySource::from_document(read_json_file(path, InputLimits{}, ErrorKind::invalid_policy),
                                     path);
}

Engine::Engine() : Engine(Policy::load(PolicySource::builtin(), Extensions{})) {}

Engine::Engine(const std::string& policy_path)
    : Engine(Policy::load(policy_source_from_path(policy_path), Extensions{})) {}

Engine::Engine(std::shared_ptr<const Policy> policy)
    : policy_(std::move(policy)),
      listener_(std::make_shared<std::shared_ptr<const Listener>>()),
      limits_(std::make_shared<detail::LimitsSlot>(InputLimits{})) {
  if (!policy_) throw Error(ErrorKind::invalid_argument, "Engine", "a policy is required");
  versions_[policy_->version()] = policy_;
}

void Engine::load_policy(const PolicySource& source) {
  auto policy = Policy::load(source, extensions_);  // compile outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  versions_[policy->version()] = policy;
  policy_ = std::move(policy);
}

void Engine::load_policy(const std::string& policy_path) {
  load_policy(policy_source_from_path(policy_path));
}

std::shared_ptr<const Policy> Engine::policy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return policy_;
}

std::shared_ptr<const Policy> Engine::policy_version(std::string_view version) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = versions_.find(version);
  return it == versions_.end() ? nullptr : it->second;
}

void Engine::set_rule_limits(const jsonlogic::Limits& limits) {
  if (limits.max_depth == 0 || limits.max_steps == 0 || limits.max_items == 0)
    throw Error(ErrorKind::invalid_argument, "rule limits",
                "max_depth, max_steps and max_items must each be at least 1");
  std::lock_guard<std::mutex> lock(mutex_);
  rule_limits_ = limits;
}

jsonlogic::Limits Engine::rule_limits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rule_limits_;
}

void Engine::set_listener(Listener listener) {
  std::shared_ptr<const Listener> fn =
      listener ? std::make_shared<const Listener>(std::move(listener)) : nullptr;
  std::atomic_store(listener_.get(), std::move(fn));
}

InputLimits Engine::limits() const noexcept {
  return limits_->load();
}

void Engine::set_limits(const InputLimits& limits) {
  if (std::string problem = limits_problem(limits); !problem.empty())
    throw Error(ErrorKind::invalid_argument, "limits", problem);
  limits_->store(limits);
}

Case Engine::make_case(std::string id, json::object data,
                       std::shared_ptr<const Policy> policy) const {
  auto impl = std::make_unique<Case::Impl>();
  impl->input_limits = limits_;
  impl->limits = rule_limits();
  impl->id = std::move(id);
  impl->data = std::move(data);
  impl->policy = std::move(policy);
  impl->deadlines.rules = detail::deadline_rules_for(impl->policy);  // compiled once per policy
  detail::check_new_case(*impl);  // before anything reads or copies the form
  if (std::string problem = detail::validate_requirement_form(impl->data, "data"); !problem.empty())
    throw Error(ErrorKind::invalid_argument, "case " + impl->id, problem);
  impl->world = detail::initial_record(impl->id, impl->data);
  impl->world.get_object()["risk"] = impl->policy->assess_risks(RiskRegister{}).to_json();
  detail::check_new_case_size(*impl);
  return Case(std::move(impl));
}

Case Engine::create_case(std::string id, json::object data) const {
  Case c = make_case(std::move(id), std::move(data), policy());
  c.impl_->listener = listener_;
  return c;
}

Case Engine::replay(const CaseLedger& ledger, std::shared_ptr<const Policy> policy) const {
  std::shared_ptr<const Policy> chosen =
      ledger.policy_version.empty() ? nullptr : policy_version(ledger.policy_version);
  if (!chosen) chosen = policy ? std::move(policy) : this->policy();
  // Measured before anything copies them: a ledger a C++ host built may nest without bound.
  const InputLimits limits = this->limits();
  check_depth(ledger.data, limits.max_form_depth(), "data");
  Case c =
      make_case(ledger.case_id, ledger.data, std::move(chosen));  // no listener while replaying
  for (std::size_t i = 0; i < ledger.entries.size(); ++i) {
    const LedgerEntry& e = ledger.entries[i];
    const std::string where = "ledger[" + std::to_string(i) + "]";
    if (e.kind != EntryKind::event) {
      c.impl_->ledger.push_back(e);  // escalations record what happened; they move nothing
      detail::deadlines_apply_escalation(*c.impl_, c.impl_->ledger.back(), where);
      continue;
    }
    check_depth(e.payload, limits.max_payload_depth(), where + ".payload");
    Outcome o = c.fire(event_name(e.event), e.actor, e.payload, e.at);
    if (!o.accepted)
      throw Error(ErrorKind::invalid_snapshot,
                  where + " (" + std::string(event_name(e.event)) + ")",
                  "the process refuses it on replay: " +
                      (o.reasons.empty() ? std::string("no reason") : o.reasons.front().message));
    if (!e.state.empty() && o.state != e.state)
      throw Error(ErrorKind::invalid_snapshot, where + ".state",
                  "replay reaches a different state than the ledger records");
  }
  c.impl_->listener = listener_;
  return c;
}

Case Engine::restore(const json::value& snapshot) const {
  // A value a C++ host built may be of any depth; before anything copies or walks it recursively,
  // it must be what a snapshot text within the limits can be.
  const InputLimits limits = this->limits();
  if (const detail::JsonMeasure m = detail::measure_json(snapshot, limits.max_json_depth, "");
      m.problem == detail::JsonMeasure::Problem::too_deep)
    throw Error(
        ErrorKind::limit_exceeded, "snapshot",
        "nested deeper than max_json_depth (" + std::to_string(limits.max_json_depth) + ")");
  if (!snapshot.is_object()) damaged("/", "a snapshot is a JSON object");
  const auto& o = snapshot.get_object();
  const auto& format = field(o, "format", "/format");
  if (format != "undertake.snapshot") damaged("/format", "not an undertake snapshot");
  const auto& format_version = field(o, "format_version", "/format_version");
  if (!format_version.is_int64() && !format_version.is_uint64())
    damaged("/format_version", "expected a whole number");
  const std::int64_t snapshot_version = format_version.to_number<std::int64_t>();
  if (snapshot_version < 1 || snapshot_version > kSnapshotFormatVersion)
    damaged("/format_version", "format version " + json::serialize(format_version) +
                                   " is not supported (this library reads versions 1 to " +
                                   std::to_string(kSnapshotFormatVersion) + ")");
  const auto& policy = field(o, "policy", "/policy");
  if (!policy.is_object() || !policy.get_object().if_contains("version") ||
      !policy.get_object().at("version").is_string())
    damaged("/policy/version", "expected the policy version as a string");
  const std::string version(policy.at("version").get_string());
  auto chosen = policy_version(version);
  if (!chosen)
    throw Error(ErrorKind::invalid_snapshot, "snapshot: /policy/version",
                "the case started under policy version " + version +
                    ", which this engine has not loaded (load it with load_policy first)");

  CaseLedger ledger;
  const auto& id = field(o, "case_id", "/case_id");
  if (!id.is_string() || id.get_string().empty())
    damaged("/case_id", "expected a non-empty string");
  ledger.case_id = std::string(id.get_string());
  ledger.policy_version = version;
  const auto& data = field(o, "data", "/data");
  if (!data.is_object()) damaged("/data", "expected an object");
  ledger.data = data.get_object();
  const auto& entries = field(o, "ledger", "/ledger");
  if (!entries.is_array()) damaged("/ledger", "expected an array of ledger entries");
  for (std::size_t i = 0; i < entries.get_array().size(); ++i) {
    try {
      ledger.entries.push_back(
          ledger_entry_from_json(entries.get_array()[i], "/ledger/" + std::to_string(i)));
    } catch (const Error& e) {
      throw Error(ErrorKind::invalid_snapshot, "snapshot: " + e.where(), e.why());
    }
    if (ledger.entries.back().seq != i + 1)
      damaged("/ledger/" + std::to_string(i) + "/seq", "sequence numbers must run 1, 2, 3, ...");
  }
  const auto& revision = field(o, "revision", "/revision");
  if (!revision.is_number() ||
      revision.to_number<double>() != static_cast<double>(entries.get_array().size()))
    damaged("/revision", "the revision must equal the number of ledger entries");

  Case c = [&] {
    try {
      return replay(ledger, chosen);
    } catch (const Error& e) {
      throw Error(ErrorKind::invalid_snapshot, "snapshot: /" + e.where(), e.why());
    }
  }();
  json::value expected_state = json::value_from(c.state());
  std::string diff = first_difference(field(o, "state", "/state"), expected_state, "/state");
  if (!diff.empty()) damaged(diff, "does not match the state its ledger leads to");
  diff = first_difference(field(o, "record", "/record"), c.impl_->world, "/record");
  if (!diff.empty()) damaged(diff, "does not match the record its ledger leads to");
  if (snapshot_version >= 2) {  // version 1 has no deadlines: the replay rebuilt them (migration)
    diff = first_difference(field(o, "deadlines", "/deadlines"), detail::deadlines_json(*c.impl_),
                            "/deadlines");
    if (!diff.empty()) damaged(diff, "does not match the deadlines its ledger leads to");
  }
  return c;
}

}  // namespace undertake
