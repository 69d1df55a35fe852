// The risk register: validated, atomic updates from event payloads.
#include <boost/json.hpp>

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

#include "risk/risk_detail.hpp"
#include "undertake/risk.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

constexpr std::string_view kCategoryNames[] = {"market", "technical", "production", "quality",
                                               "legal"};
constexpr std::string_view kResponseNames[] = {"avoid", "transfer", "mitigate", "accept",
                                               "escalate"};

[[noreturn]] void bad(std::string_view where, const std::string& path, std::string why) {
  throw Error(ErrorKind::invalid_argument, where.empty() ? path : std::string(where) + ": " + path,
              std::move(why));
}

int rating(const json::value& v, int lo, int hi, std::string_view where, const std::string& path) {
  const auto n = risk_detail::as_integer(v);
  if (!n || *n < lo || *n > hi)
    bad(where, path,
        "must be a whole number " + std::to_string(lo) + "–" + std::to_string(hi) + ", got " +
            risk_detail::describe(v));
  return static_cast<int>(*n);
}

std::optional<int> optional_rating(const json::value& v, int lo, int hi, std::string_view where,
                                   const std::string& path) {
  if (v.is_null()) return std::nullopt;
  return rating(v, lo, hi, where, path);
}

template <std::size_t N>
std::string one_of(const std::string_view (&names)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += i + 1 == N ? " or " : ", ";
    out += '"';
    out += names[i];
    out += '"';
  }
  return out;
}

// Applies one payload entry onto `risk`, validating every member.
void merge(Risk& risk, const json::object& item, std::string_view where, const std::string& path) {
  for (const auto& kv : item) {
    const std::string_view key = kv.key();
    const json::value& v = kv.value();
    const std::string field = path + "." + std::string(key);
    if (key == "id") continue;
    if (key == "category") {
      std::optional<RiskCategory> c;
      if (v.is_string()) c = risk_category_from_name(v.get_string());
      if (!c)
        bad(where, field,
            "must be " + one_of(kCategoryNames) + ", got " + risk_detail::describe(v));
      risk.category = *c;
    } else if (key == "description") {
      if (v.is_null())
        risk.description.clear();
      else if (v.is_string())
        risk.description = std::string(v.get_string());
      else
        bad(where, field, "must be a string, got " + risk_detail::describe(v));
    } else if (key == "probability") {
      risk.probability = rating(v, 1, 5, where, field);
    } else if (key == "impact") {
      risk.impact = rating(v, 1, 5, where, field);
    } else if (key == "response") {
      if (v.is_null()) {
        risk.response.reset();
      } else {
        std::optional<RiskResponse> r;
        if (v.is_string()) r = risk_response_from_name(v.get_string());
        if (!r)
          bad(where, field,
              "must be " + one_of(kResponseNames) + " or null, got " + risk_detail::describe(v));
        risk.response = *r;
      }
    } else if (key == "owner") {
      if (v.is_null())
        risk.owner.reset();
      else if (v.is_string() && !v.get_string().empty())
        risk.owner = std::string(v.get_string());
      else
        bad(where, field, "must be a non-empty string or null, got " + risk_detail::describe(v));
    } else if (key == "status") {
      if (v == "open")
        risk.status = RiskStatus::open;
      else if (v == "closed")
        risk.status = RiskStatus::closed;
      else
        bad(where, field, "must be \"open\" or \"closed\", got " + risk_detail::describe(v));
    } else if (key == "severity") {
      risk.severity = optional_rating(v, 1, 10, where, field);
    } else if (key == "occurrence") {
      risk.occurrence = optional_rating(v, 1, 10, where, field);
    } else if (key == "detection") {
      risk.detection = optional_rating(v, 1, 10, where, field);
    } else {
      risk.extra[key] = v;
    }
  }
}

}  // namespace

std::string_view risk_category_name(RiskCategory category) noexcept {
  return kCategoryNames[static_cast<std::size_t>(category)];
}

std::optional<RiskCategory> risk_category_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kRiskCategoryCount; ++i)
    if (kCategoryNames[i] == name) return static_cast<RiskCategory>(i);
  return std::nullopt;
}

std::string_view risk_response_name(RiskResponse response) noexcept {
  return kResponseNames[static_cast<std::size_t>(response)];
}

std::optional<RiskResponse> risk_response_from_name(std::string_view name) noexcept {
  for (std::size_t i = 0; i < std::size(kResponseNames); ++i)
    if (kResponseNames[i] == name) return static_cast<RiskResponse>(i);
  return std::nullopt;
}

std::string_view risk_status_name(RiskStatus status) noexcept {
  return status == RiskStatus::open ? "open" : "closed";
}

void RiskRegister::apply(const json::object& payload, std::string_view where) {
  const json::value* list = payload.if_contains("risks");
  if (!list) bad(where, "payload.risks", "missing: expected an array of risks");
  if (!list->is_array())
    bad(where, "payload.risks", "expected an array of risks, got " + risk_detail::describe(*list));
  const auto& items = list->get_array();

  // Work on a copy so that a bad entry anywhere leaves the register as it was.
  std::vector<Risk> next = risks_;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string path = "payload.risks[" + std::to_string(i) + "]";
    if (!items[i].is_object())
      bad(where, path,
          "expected a risk object {id, category, ...}, got " + risk_detail::describe(items[i]));
    const auto& item = items[i].get_object();
    const json::value* id = item.if_contains("id");
    if (!id) bad(where, path + ".id", "missing: every risk needs an id");
    if (!id->is_string() || id->get_string().empty())
      bad(where, path + ".id", "must be a non-empty string, got " + risk_detail::describe(*id));
    const std::string_view id_text = id->get_string();

    auto it =
        std::find_if(next.begin(), next.end(), [&](const Risk& r) { return r.id == id_text; });
    if (it == next.end()) {
      for (const char* required : {"category", "probability", "impact"})
        if (!item.contains(required))
          bad(where, path + "." + required,
              "missing: risk \"" + std::string(id_text) +
                  "\" is new and a new risk needs category, probability and impact");
      Risk risk;
      risk.id = std::string(id_text);
      merge(risk, item, where, path);
      next.push_back(std::move(risk));
    } else {
      Risk updated = *it;
      merge(updated, item, where, path);
      *it = std::move(updated);
    }
  }
  risks_ = std::move(next);
}

void RiskRegister::apply_ledger(const CaseLedger& ledger) {
  RiskRegister next = *this;
  for (const auto& entry : ledger.entries) {
    if (entry.kind != EntryKind::event || !entry.payload.contains("risks")) continue;
    next.apply(entry.payload, "case " + ledger.case_id + " seq " + std::to_string(entry.seq) +
                                  " (" + std::string(event_name(entry.event)) + ")");
  }
  *this = std::move(next);
}

RiskRegister RiskRegister::from_ledger(const CaseLedger& ledger) {
  RiskRegister r;
  r.apply_ledger(ledger);
  return r;
}

const Risk* RiskRegister::find(std::string_view id) const noexcept {
  for (const auto& r : risks_)
    if (r.id == id) return &r;
  return nullptr;
}

json::value RiskRegister::to_json() const {
  json::array list;
  list.reserve(risks_.size());
  for (const auto& r : risks_) {
    json::object o;
    o.reserve(11 + r.extra.size());
    o.emplace("id", r.id);
    o.emplace("category", risk_category_name(r.category));
    o.emplace("description", r.description);
    o.emplace("probability", r.probability);
    o.emplace("impact", r.impact);
    if (r.response) o.emplace("response", risk_response_name(*r.response));
    if (r.owner) o.emplace("owner", *r.owner);
    o.emplace("status", risk_status_name(r.status));
    if (r.severity) o.emplace("severity", *r.severity);
    if (r.occurrence) o.emplace("occurrence", *r.occurrence);
    if (r.detection) o.emplace("detection", *r.detection);
    for (const auto& kv : r.extra) o.emplace(kv.key(), kv.value());
    list.push_back(std::move(o));
  }
  return json::object{{"risks", std::move(list)}};
}

RiskRegister RiskRegister::from_json(const json::value& value, std::string_view where) {
  RiskRegister r;
  try {
    if (value.is_array()) {
      json::object wrapped;
      wrapped.emplace("risks", value);
      r.apply(wrapped, where);
    } else if (value.is_object()) {
      r.apply(value.get_object(), where);
    } else {
      throw Error(ErrorKind::invalid_argument, std::string(where),
                  "a risk register is {\"risks\": [...]} or an array of risks");
    }
  } catch (const Error& e) {
    throw Error(ErrorKind::invalid_snapshot, e.where(), e.why());
  }
  return r;
}

UNDERTAKE_END_NAMESPACE
