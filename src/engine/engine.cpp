#include "undertake/engine.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

#include "case/case_impl.hpp"
#include "engine/engine_impl.hpp"
#include "common/json_measure.hpp"
#include "integrity/seal.hpp"
#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
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

namespace {

// An engine's inside with the policy of `origin` current (no lock: nothing else sees it yet).
std::unique_ptr<Engine::Impl> opened(detail::PolicyOrigin origin) {
  auto impl = std::make_unique<Engine::Impl>();
  impl->load(std::move(origin));
  return impl;
}

}  // namespace

Engine::Engine() : impl_(opened(detail::PolicyOrigin{})) {}

Engine::Engine(const std::string& policy_path)
    : impl_(opened(detail::PolicyOrigin{detail::PolicyOrigin::Kind::path, policy_path, {}, {}})) {}

Engine::Engine(const PolicySource& source)
    : impl_(opened(detail::PolicyOrigin{detail::PolicyOrigin::Kind::source, {}, source, {}})) {}

Engine::Engine(std::shared_ptr<const Policy> policy) : impl_(std::make_unique<Impl>()) {
  if (!policy) throw Error(ErrorKind::invalid_argument, "Engine", "a policy is required");
  impl_->origin.kind = detail::PolicyOrigin::Kind::compiled;
  impl_->install(std::move(policy));
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::set_rule_limits(const jsonlogic::Limits& limits) {
  if (limits.max_depth == 0 || limits.max_steps == 0 || limits.max_items == 0)
    throw Error(ErrorKind::invalid_argument, "rule limits",
                "max_depth, max_steps and max_items must each be at least 1");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->rule_limits = limits;
}

jsonlogic::Limits Engine::rule_limits() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->rule_limits;
}

void Engine::set_host_key(std::string_view key) {
  auto seal = std::make_shared<const detail::Seal>(key);
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->seal = std::move(seal);
}

void Engine::set_listener(Listener listener) {
  std::shared_ptr<const Listener> fn =
      listener ? std::make_shared<const Listener>(std::move(listener)) : nullptr;
  std::atomic_store(impl_->listener.get(), std::move(fn));
}

InputLimits Engine::limits() const noexcept {
  return impl_->limits->load();
}

void Engine::set_limits(const InputLimits& limits) {
  if (std::string problem = limits_problem(limits); !problem.empty())
    throw Error(ErrorKind::invalid_argument, "limits", problem);
  impl_->limits->store(limits);
}

Case Engine::make_case(std::string id, json::object data,
                       std::shared_ptr<const Policy> policy) const {
  auto impl = std::make_unique<Case::Impl>();
  impl->input_limits = impl_->limits;
  impl->limits = rule_limits();
  impl->id = std::move(id);
  impl->data = std::move(data);
  impl->policy = std::move(policy);
  impl->deadlines.rules = detail::deadline_rules_for(impl->policy);  // compiled once per policy
  detail::check_new_case(*impl);  // before anything reads or copies the form
  if (std::string problem = detail::validate_requirement_form(impl->data, "data"); !problem.empty())
    throw Error(ErrorKind::invalid_argument, "case " + impl->id, problem);
  impl->record = detail::initial_record(impl->id, impl->data);
  impl->record.get_object()["risk"] = impl->policy->assess_risks(RiskRegister{}).to_json();
  impl->seal = impl_->current_seal();
  impl->base = detail::genesis_of(*impl);  // the form checked first: the seal reads it
  detail::check_new_case_size(*impl);      // measures the sealed snapshot
  return Case(std::move(impl));
}

Case Engine::create_case(std::string id, json::object data) const {
  Case c = make_case(std::move(id), std::move(data), policy());
  c.impl_->listener = impl_->listener;
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
      detail::append_entry(*c.impl_, e);  // escalations record what happened; they move nothing
      detail::deadlines_apply_escalation(*c.impl_, c.impl_->ledger.back(), where);
    } else {
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
    // Ledgers written before hash chains carry no hashes; a chained ledger must chain the same.
    if (e.hash != LedgerHash{}) detail::seal_entries(*c.impl_);
    if (e.hash != LedgerHash{} && c.impl_->head.hash != e.hash)
      throw Error(ErrorKind::invalid_snapshot, where + ".hash",
                  "the entry replayed hashes differently: it was edited, or the ledger was "
                  "sealed under another host key");
  }
  c.impl_->listener = impl_->listener;
  return c;
}

namespace {

// What every snapshot format starts with: format, version, policy, case id, creation data.
struct SnapshotHeader {
  std::int64_t format_version = 0;
  std::shared_ptr<const Policy> policy;
  std::string case_id;
  const json::object* data = nullptr;
};

SnapshotHeader read_header(const Engine& engine, const json::value& snapshot) {
  if (!snapshot.is_object()) damaged("/", "a snapshot is a JSON object");
  const auto& o = snapshot.get_object();
  const auto& format = field(o, "format", "/format");
  if (format != "undertake.snapshot") damaged("/format", "not an undertake snapshot");
  const auto& format_version = field(o, "format_version", "/format_version");
  if (!format_version.is_int64() && !format_version.is_uint64())
    damaged("/format_version", "expected a whole number");
  SnapshotHeader h;
  h.format_version = format_version.to_number<std::int64_t>();
  if (h.format_version < 1 || h.format_version > kSnapshotFormatVersion)
    damaged("/format_version", "format version " + json::serialize(format_version) +
                                   " is not supported (this library reads versions 1 to " +
                                   std::to_string(kSnapshotFormatVersion) + ")");
  const auto& policy = field(o, "policy", "/policy");
  if (!policy.is_object() || !policy.get_object().if_contains("version") ||
      !policy.get_object().at("version").is_string())
    damaged("/policy/version", "expected the policy version as a string");
  const std::string version(policy.at("version").get_string());
  h.policy = engine.policy_version(version);
  if (!h.policy)
    throw Error(ErrorKind::invalid_snapshot, "snapshot: /policy/version",
                "the case started under policy version " + version +
                    ", which this engine has not loaded (load it with load_policy first)");
  const auto& id = field(o, "case_id", "/case_id");
  if (!id.is_string() || id.get_string().empty())
    damaged("/case_id", "expected a non-empty string");
  h.case_id = std::string(id.get_string());
  const auto& data = field(o, "data", "/data");
  if (!data.is_object()) damaged("/data", "expected an object");
  h.data = &data.get_object();
  return h;
}

// The ledger a snapshot holds, as the case's ledger (Error(invalid_snapshot) at the entry).
CaseLedger ledger_of(const json::object& o, const SnapshotHeader& h) {
  CaseLedger ledger;
  ledger.case_id = h.case_id;
  ledger.policy_version = h.policy->version();
  ledger.data = *h.data;
  const auto& entries = field(o, "ledger", "/ledger");
  if (!entries.is_array()) damaged("/ledger", "expected an array of ledger entries");
  ledger.entries.reserve(entries.get_array().size());
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
  return ledger;
}

// "snapshot: /record/x" → "/record/x"
std::string snapshot_path(const Error& e) {
  constexpr std::string_view prefix = "snapshot: ";
  const std::string& where = e.where();
  return where.compare(0, prefix.size(), prefix) == 0 ? where.substr(prefix.size()) : where;
}

// A value a C++ host built may be of any depth; before anything copies or walks it recursively,
// it must be what a snapshot text within the limits can be. Returns its measure (among others
// its length as JSON text, at most).
detail::JsonMeasure measure_snapshot(const json::value& snapshot, const InputLimits& limits) {
  detail::JsonMeasure m =
      detail::measure_json(snapshot, limits.max_json_depth, "", detail::PathStyle::pointer);
  if (m.problem == detail::JsonMeasure::Problem::too_deep)
    throw Error(
        ErrorKind::limit_exceeded, "snapshot",
        "nested deeper than max_json_depth (" + std::to_string(limits.max_json_depth) + ")");
  return m;
}

}  // namespace

Case Engine::restore(const json::value& snapshot) const {
  return restore_from(snapshot, nullptr);
}

Case Engine::restore(json::value&& snapshot) const {
  return restore_from(snapshot, snapshot.is_object() ? &snapshot.get_object() : nullptr);
}

Case Engine::restore_from(const json::value& snapshot, json::object* movable) const {
  const InputLimits limits = this->limits();
  const detail::JsonMeasure measure = measure_snapshot(snapshot, limits);
  const SnapshotHeader h = read_header(*this, snapshot);
  const auto& o = snapshot.get_object();
  if (h.format_version >= 3) {
    // Restored from state, not replayed: nothing re-checks what the snapshot holds, so it must be
    // what JSON text can hold (a C++ host may have built it).
    if (!measure.ok())
      damaged(measure.path, measure.problem == detail::JsonMeasure::Problem::not_finite
                                ? "not a finite number (JSON has no infinity)"
                                : "not valid UTF-8");
    auto impl = std::make_unique<Case::Impl>();
    impl->id = h.case_id;
    impl->policy = h.policy;
    impl->seal = impl_->current_seal();
    impl->input_limits = impl_->limits;
    impl->limits = rule_limits();
    impl->deadlines.rules = detail::deadline_rules_for(impl->policy);
    detail::restore_sealed(*impl, o, movable);
    detail::restored_snapshot_bytes(*impl, measure.bytes);
    Case c(std::move(impl));
    c.impl_->listener = impl_->listener;
    return c;
  }

  // Formats 1 and 2: no digest, so the ledger is replayed and must lead where the snapshot says.
  const CaseLedger ledger = ledger_of(o, h);
  Case c = [&] {
    try {
      return replay(ledger, h.policy);
    } catch (const Error& e) {
      throw Error(ErrorKind::invalid_snapshot, "snapshot: /" + e.where(), e.why());
    }
  }();
  json::value expected_state = json::value_from(c.state());
  std::string diff = first_difference(field(o, "state", "/state"), expected_state, "/state");
  if (!diff.empty()) damaged(diff, "does not match the state its ledger leads to");
  diff = first_difference(field(o, "record", "/record"), c.impl_->record, "/record");
  if (!diff.empty()) damaged(diff, "does not match the record its ledger leads to");
  if (h.format_version >= 2) {  // version 1 has no deadlines: the replay rebuilt them (migration)
    diff = first_difference(field(o, "deadlines", "/deadlines"), detail::deadlines_json(*c.impl_),
                            "/deadlines");
    if (!diff.empty()) damaged(diff, "does not match the deadlines its ledger leads to");
  }
  return c;
}

void Engine::check_chain(const CaseLedger& ledger) const {
  const std::shared_ptr<const detail::Seal> seal = impl_->current_seal();
  if (ledger.entries.empty() || ledger.entries.front().hash == LedgerHash{}) {
    // A ledger begun before hash chains: its entries since the migration carry hashes that link
    // to hashes only a replay computes (verify does). Once hashed, every later entry is.
    bool hashed = false;
    for (const auto& e : ledger.entries) {
      if (hashed && e.hash == LedgerHash{})
        throw Error(ErrorKind::invalid_snapshot,
                    "case " + ledger.case_id + " seq " + std::to_string(e.seq),
                    "an entry without its hash after hashed ones: the hash was removed");
      hashed |= e.hash != LedgerHash{};
    }
    return;
  }
  const std::shared_ptr<const Policy> policy = policy_version(ledger.policy_version);
  if (!policy)
    throw Error(ErrorKind::invalid_snapshot, "case " + ledger.case_id,
                "policy version " + ledger.policy_version + " is not loaded on this engine");
  detail::Digest previous =
      seal->genesis(ledger.case_id, policy->name(), policy->version(), ledger.data);
  for (const auto& e : ledger.entries) {
    if (e.hash != seal->link(previous, e))
      throw Error(ErrorKind::invalid_snapshot,
                  "case " + ledger.case_id + " seq " + std::to_string(e.seq),
                  "the entry does not follow from the one before it in the hash chain: it was "
                  "edited, or sealed under another host key");
    previous = e.hash;
  }
}

VerifyReport Engine::verify(const json::value& snapshot) const {
  (void)measure_snapshot(snapshot, limits());
  const SnapshotHeader h = read_header(*this, snapshot);
  const auto& o = snapshot.get_object();
  VerifyReport report;
  report.case_id = h.case_id;
  if (const json::value* r = o.if_contains("revision"); r && (r->is_uint64() || r->is_int64()))
    report.revision = r->to_number<std::uint64_t>();
  auto problem = [&](std::string where, std::string why) {
    report.problems.push_back(VerifyReport::Problem{std::move(where), std::move(why)});
  };
  if (!o.contains("ledger")) {
    problem("/ledger",
            "the snapshot holds no ledger to replay (verify the stored case instead: its store "
            "reads the ledger rows)");
    return report;
  }
  if (h.format_version >= 3) {
    try {
      (void)restore(snapshot);  // the digest and the hash chain
    } catch (const Error& e) {
      problem(snapshot_path(e), e.why());
    }
  }
  std::optional<Case> replayed;
  try {
    replayed.emplace(replay(ledger_of(o, h), h.policy));
  } catch (const Error& e) {
    problem(e.kind() == ErrorKind::invalid_snapshot && e.where().rfind("snapshot: ", 0) == 0
                ? snapshot_path(e)
                : "/" + e.where(),
            e.why());
    return report;
  }
  const json::value expected = replayed->snapshot(SnapshotOptions{false});
  std::vector<std::string_view> parts = {"state", "stage", "record"};
  if (h.format_version >= 2) parts.push_back("deadlines");
  if (h.format_version >= 3)
    parts.insert(parts.end(), {"resume_state", "risk_register", "ledger_head"});
  for (const std::string_view part : parts) {
    const std::string path = "/" + std::string(part);
    const json::value* stored = o.if_contains(part);
    const json::value* replay_gives = expected.get_object().if_contains(part);
    if (!stored && !replay_gives) continue;
    if (!stored || !replay_gives) {
      problem(path, stored
                        ? "the snapshot has it; replaying the ledger does not reach it"
                        : "missing; replaying the ledger gives " + json::serialize(*replay_gives));
      continue;
    }
    const std::string diff = first_difference(*stored, *replay_gives, path);
    if (diff.empty()) continue;
    json::error_code ec;
    const json::value* mine = snapshot.find_pointer(diff, ec);
    const json::value* theirs = expected.find_pointer(diff, ec);
    problem(diff, "the snapshot says " + (mine ? json::serialize(*mine) : std::string("nothing")) +
                      "; replaying the ledger gives " +
                      (theirs ? json::serialize(*theirs) : std::string("nothing")));
  }
  return report;
}

json::value VerifyReport::to_json() const {
  json::array list;
  for (const auto& p : problems) list.push_back(json::object{{"where", p.where}, {"why", p.why}});
  return json::object{
      {"case_id", case_id}, {"revision", revision}, {"ok", ok()}, {"problems", std::move(list)}};
}

UNDERTAKE_END_NAMESPACE
