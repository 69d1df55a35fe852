// Payload validation: the fields of design.md §2 that the engine and the default rules rely on.
// A payload that fails is refused before anything else is looked at, so rules never see a price
// that is a string or a quantity that is negative.
//
// The fields are data (event_specs() below: per event, each field's name, type, whether it is
// required, its allowed values and what an object or array holds), checked by one loop
// (check_fields), and the same data is what rules/schema/payloads.schema.json is generated from
// (payload_schema(); tests/schema/payload_schema.cpp writes the file and a test checks that it is
// up to date). What a schema cannot say (a batch that exists, a department of the policy) is each
// event's `after` check.
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "case/case_impl.hpp"
#include "undertake/timestamp.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

enum class Type {
  text,    ///< a non-empty string
  string,  ///< any string
  boolean,
  number,
  non_negative,
  positive,
  score,  ///< a whole number 1–5
  count,  ///< a whole number ≥ 0
  date,
  object,
  array,
  defects,  ///< one cause (text), or an array of {cause, quantity}
};

struct Field;

/// A view of a constant array (C++17 has no std::span).
template <class T>
struct Span {
  const T* data = nullptr;
  std::size_t size = 0;
  const T* begin() const noexcept { return data; }
  const T* end() const noexcept { return data + size; }
  bool empty() const noexcept { return size == 0; }
};
template <class T, std::size_t N>
constexpr Span<T> span(const T (&a)[N]) {
  return {a, N};
}

using Fields = Span<Field>;
using Names = Span<std::string_view>;

struct Field {
  std::string_view name;
  Type type;
  bool required = false;
  Fields fields{};  ///< an object's fields, or those of the objects an array holds
  /// The type of an array's items when they are not objects (Type::array: any value).
  Type items = Type::array;
  Names values{};  ///< the strings allowed, when only some are (a choice: null is none)
  std::size_t min_items = 0;
  /// Whether null reads as absent (optional fields); a choice never takes null.
  bool nullable = true;
  /// Whether check_fields looks inside (an object's fields, an array's items); false where the
  /// event's own check does, in the order its refusals need.
  bool deep = true;
  std::string_view message{};  ///< replaces "must be <type>, got <value>" when given
  std::string_view description{};
};

constexpr Field req(std::string_view name, Type type, std::string_view description = {}) {
  Field f{name, type};
  f.required = true;
  f.description = description;
  return f;
}
constexpr Field opt(std::string_view name, Type type, std::string_view description = {}) {
  Field f{name, type};
  f.description = description;
  return f;
}
constexpr Field with_fields(Field f, Fields fields) {
  f.fields = fields;
  return f;
}
constexpr Field of_items(Field f, Type items) {
  f.items = items;
  return f;
}
constexpr Field shallow(Field f) {
  f.deep = false;
  return f;
}

/// What an event's own check reads.
struct Context {
  EventId event;
  const json::object& payload;
  const json::object& record;
  const Actor& actor;
  const Policy& policy;
};
using Check = std::string (*)(const Context&);

struct EventSpec {
  EventId event;
  Fields fields;
  std::string_view description{};
  Check before = nullptr;  ///< checked before the fields
  Check after = nullptr;   ///< checked once the fields are sound: the record, the policy
  /// Described for the schema only: another part of the engine checks it (and says so).
  std::string_view checked_by{};
  std::string_view schema_def{};  ///< the payload is this shared $defs entry
};

const char* describe(Type t) {
  switch (t) {
    case Type::text:
      return "a non-empty string";
    case Type::string:
      return "a string";
    case Type::boolean:
      return "true or false";
    case Type::number:
      return "a number";
    case Type::non_negative:
      return "a number ≥ 0";
    case Type::positive:
      return "a number > 0";
    case Type::score:
      return "a whole number from 1 to 5";
    case Type::count:
      return "a whole number ≥ 0";
    case Type::date:
      return "an ISO-8601 date or date-time";
    case Type::object:
      return "an object";
    case Type::array:
      return "an array";
    case Type::defects:
      return "a cause (a non-empty string) or an array [{cause, quantity}]";
  }
  return "";
}

bool finite_number(const json::value& v, double& out) {
  if (v.is_int64()) {
    out = static_cast<double>(v.get_int64());
    return true;
  }
  if (v.is_uint64()) {
    out = static_cast<double>(v.get_uint64());
    return true;
  }
  if (v.is_double()) {
    out = v.get_double();
    return std::isfinite(out);
  }
  return false;
}

bool matches(const json::value& v, Type t) {
  double d = 0;
  switch (t) {
    case Type::text:
      return v.is_string() && !v.get_string().empty();
    case Type::string:
      return v.is_string();
    case Type::boolean:
      return v.is_bool();
    case Type::number:
      return finite_number(v, d);
    case Type::non_negative:
      return finite_number(v, d) && d >= 0;
    case Type::positive:
      return finite_number(v, d) && d > 0;
    case Type::score:
      return finite_number(v, d) && d >= 1 && d <= 5 && d == std::floor(d);
    case Type::count:
      return finite_number(v, d) && d >= 0 && d == std::floor(d);
    case Type::date:
      return v.is_string() && parse_iso8601(v.get_string()).has_value();
    case Type::object:
      return v.is_object();
    case Type::array:
      return v.is_array();
    case Type::defects:
      return matches(v, Type::text) || v.is_array();
  }
  return false;
}

// `"key" or "regular"`
std::string choice(Names values) {
  std::string out;
  for (std::size_t i = 0; i < values.size; ++i) {
    if (i) out += i + 1 == values.size ? " or " : ", ";
    out += "\"" + std::string(values.data[i]) + "\"";
  }
  return out;
}

// `{name, due}`: what an item of an array of objects must be.
std::string object_of(Fields fields) {
  std::string out = "an object {";
  for (const auto& f : fields) out += (&f == fields.data ? "" : ", ") + std::string(f.name);
  return out + "}";
}

std::string check_fields(const json::object& o, Fields fields, const std::string& prefix);

// The items of an array field: each an object of the field's fields, or of its item type.
std::string check_items(const json::array& list, const Field& f, const std::string& path) {
  if (list.size() < f.min_items)
    return path + " must have at least " + std::to_string(f.min_items) + " item(s)";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    if (f.fields.empty()) {
      if (f.items != Type::array && !matches(list[i], f.items))
        return where + " must be " + describe(f.items) + ", got " + json::serialize(list[i]);
    } else if (!list[i].is_object()) {
      return where + " must be " + object_of(f.fields);
    } else if (auto e = check_fields(list[i].get_object(), f.fields, where + "."); !e.empty()) {
      return e;
    }
  }
  return {};
}

// The one loop: every field's presence, type and values first, then inside the objects, then
// inside the arrays (the order of the refusals callers have always seen).
std::string check_fields(const json::object& o, Fields fields, const std::string& prefix) {
  for (const auto& f : fields) {
    const json::value* v = o.if_contains(f.name);
    const std::string path = prefix + std::string(f.name);
    if (!v || (v->is_null() && f.nullable && f.values.empty())) {
      if (f.required) return path + " is required (" + describe(f.type) + ")";
      continue;
    }
    if (v->is_null() && !f.values.empty())
      return path + " must be " + choice(f.values) + ", got null";
    if (!matches(*v, f.type))
      return path + " " +
             (f.message.empty()
                  ? "must be " + std::string(describe(f.type)) + ", got " + json::serialize(*v)
                  : std::string(f.message));
    if (!f.values.empty() &&
        std::find(f.values.begin(), f.values.end(), v->get_string()) == f.values.end())
      return path + " must be " + choice(f.values) + ", got " + json::serialize(*v);
  }
  for (const Type pass : {Type::object, Type::array})
    for (const auto& f : fields) {
      const json::value* v = o.if_contains(f.name);
      if (!f.deep || !v) continue;
      const std::string path = prefix + std::string(f.name);
      if (pass == Type::object && v->is_object() && !f.fields.empty()) {
        if (auto e = check_fields(v->get_object(), f.fields, path + "."); !e.empty()) return e;
      } else if (pass == Type::array && v->is_array()) {
        if (auto e = check_items(v->get_array(), f, path); !e.empty()) return e;
      }
    }
  return {};
}

const json::object* child(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// ---------------------------------------------------------------------------------------------
// The fields of each event

constexpr std::string_view kTiers[] = {"key", "regular"};
constexpr Field kCustomer[] = {
    opt("name", Type::text),
    [] {
      Field tier = opt("tier", Type::text);
      tier.values = span(kTiers);
      return tier;
    }(),
};
constexpr Field kProduct[] = {opt("name", Type::text), opt("standard", Type::boolean)};
constexpr Field kRequirementForm[] = {
    with_fields(opt("customer", Type::object), span(kCustomer)),
    with_fields(opt("product", Type::object), span(kProduct)),
    opt("quantity", Type::positive),
    opt("delivery_date", Type::date),
    opt("estimated_amount", Type::non_negative),
    opt("spec", Type::text),
    opt("quality_requirements", Type::text),
    opt("channel", Type::text),
};

constexpr Field kQuote[] = {req("price", Type::positive), req("cost", Type::non_negative)};

constexpr std::string_view kRiskCategories[] = {"market", "technical", "production", "quality",
                                                "legal"};
constexpr Field kRisk[] = {
    req("id", Type::text),
    [] {
      Field category = opt("category", Type::text);
      category.values = span(kRiskCategories);
      return category;
    }(),
    opt("description", Type::string),
    [] {
      Field f = opt("probability", Type::score);
      f.nullable = false;
      return f;
    }(),
    [] {
      Field f = opt("impact", Type::score);
      f.nullable = false;
      return f;
    }(),
    opt("response", Type::string),
    opt("owner", Type::text),
};
constexpr Field kRisks[] = {
    with_fields(req("risks", Type::array,
                    "risks (design.md §5): a new id needs category, probability and impact, the "
                    "same id updates"),
                span(kRisk))};

constexpr Field kTechnical[] = {req("feasible", Type::boolean), opt("cost", Type::non_negative)};
constexpr Field kCapacity[] = {req("sufficient", Type::boolean)};

constexpr Field kOverrideReason[] = {req("reason", Type::text)};
constexpr Field kApprove[] = {[] {
  Field f = with_fields(
      opt("override", Type::object, "a management override of approval rules (design.md §4)"),
      span(kOverrideReason));
  f.nullable = false;
  f.message = "must be an object {\"reason\": \"...\"}";
  return f;
}()};

constexpr Field kDraft[] = {req("amount", Type::positive), req("delivery_date", Type::date),
                            req("payment_terms", Type::text)};
constexpr Field kLegalReject[] = {req("comments", Type::text)};

constexpr Field kMilestone[] = {req("name", Type::text), req("due", Type::date)};
constexpr Field kProductionPlan[] = {req("quantity", Type::positive),
                                     req("completion_date", Type::date),
                                     req("budget_cost", Type::non_negative)};
constexpr Field kKickoffMeeting[] = {
    with_fields(opt("milestones", Type::array), span(kMilestone)),
    with_fields(req("production_plan", Type::object), span(kProductionPlan)),
};
constexpr Field kKickoffAssign[] = {
    opt("department", Type::text,
        "one of the policy's kickoff departments that the actor belongs to; absent: the "
        "actor's first"),
    opt("tasks", Type::array),
};

constexpr Field kProblem[] = {req("id", Type::text), req("description", Type::text),
                              req("owner", Type::text), req("due", Type::date)};
constexpr Field kReport[] = {req("department", Type::text), req("progress", Type::text),
                             with_fields(opt("problems", Type::array), span(kProblem))};
constexpr Field kProgressMeeting[] = {
    req("date", Type::date),
    shallow([] {
      Field f = of_items(req("departments", Type::array), Type::text);
      f.min_items = 1;
      return f;
    }()),
    shallow(with_fields(req("reports", Type::array), span(kReport))),
    shallow(of_items(opt("closes", Type::array), Type::text)),
};
constexpr Field kCustomerMeeting[] = {
    req("date", Type::date),
    of_items(opt("attendees", Type::array), Type::text),
    of_items(opt("topics", Type::array), Type::text),
    opt("minutes", Type::text),
};

constexpr Field kInnovations[] = {opt("innovations", Type::count)};
constexpr Field kPassed[] = {req("passed", Type::boolean)};
constexpr Field kAccepted[] = {req("accepted", Type::boolean)};

constexpr Field kDefect[] = {req("cause", Type::text), opt("quantity", Type::count)};
constexpr Field kDefects = [] {
  Field f = with_fields(opt("defects", Type::defects,
                            "defects found, by cause (the quality report's Pareto, policy "
                            "§二(七)2); quantity default 1"),
                        span(kDefect));
  f.message = "must be a cause (a non-empty string) or an array [{cause, quantity}]";
  return f;
}();
constexpr Field kIncomingInspection[] = {req("passed", Type::boolean), kDefects};

constexpr std::string_view kBatch = "the batch id of a production.report";
constexpr Field kProductionReport[] = {req("batch", Type::text, kBatch),
                                       req("quantity", Type::positive),
                                       req("cost", Type::non_negative)};
constexpr Field kProductionInspect[] = {
    req("batch", Type::text, kBatch),
    req("passed", Type::boolean),
    opt("quantity_passed", Type::non_negative,
        "at most the batch's quantity; absent: the whole batch if passed, else 0"),
    kDefects,
};
constexpr Field kProductionRectify[] = {
    req("batch", Type::text, kBatch),
    opt("cost", Type::non_negative,
        "what the rework cost (policy §二(七)2); part of the actual cost (production.actual_cost, "
        "sales.profit, production.cost_control); absent or null: 0"),
    opt("quantity", Type::count,
        "units of the batch reworked, at most its reported quantity; first-pass yield does not "
        "read it"),
};

constexpr Field kFeedback[] = {req("score", Type::score)};
constexpr Field kComplaint[] = {req("id", Type::text), req("severity", Type::text),
                                req("description", Type::text)};
constexpr std::string_view kComplaintId = "the id of an open complaint (service.complaint)";
constexpr Field kInvestigate[] = {req("id", Type::text, kComplaintId),
                                  req("root_cause", Type::text), req("responsibility", Type::text)};
constexpr Field kResolve[] = {req("id", Type::text, kComplaintId), req("solution", Type::text)};
constexpr Field kVerify[] = {req("id", Type::text, kComplaintId), req("satisfied", Type::boolean)};
constexpr Field kReason[] = {req("reason", Type::text)};
constexpr Field kHandover[] = {req("from", Type::text), req("to", Type::text)};

// ---------------------------------------------------------------------------------------------
// What the fields cannot say

// The defects an inspection found, by cause (policy §二(七)2: the quality report's Pareto): checked
// before the other fields.
std::string check_defects(const Context& c) {
  constexpr Field defects[] = {kDefects};
  return check_fields(c.payload, span(defects), "payload.");
}

std::string check_kickoff_department(const Context& c) {
  const auto& departments = c.policy.kickoff_departments();
  // null reads as absent, as for every optional field (a null department once crashed here).
  if (const json::value* d = c.payload.if_contains("department"); d && !d->is_null()) {
    const std::string_view dept = d->get_string();
    if (std::find(departments.begin(), departments.end(), dept) == departments.end())
      return "payload.department \"" + std::string(dept) + "\" is not a kickoff department";
    if (!c.actor.has_role(dept))
      return "payload.department \"" + std::string(dept) + "\": actor " + c.actor.id +
             " is not in that department";
    return {};
  }
  for (const auto& dept : departments)
    if (c.actor.has_role(dept)) return {};
  return "payload.department is required: actor " + c.actor.id +
         " belongs to none of the kickoff departments";
}

// The problems raised at progress meetings so far (an object id → problem), or null.
const json::object* meeting_problems(const json::object& record) {
  const json::object* meetings = child(record, "meetings");
  const json::object* progress = meetings ? child(*meetings, "progress") : nullptr;
  return progress ? child(*progress, "problems") : nullptr;
}

// One department's report at a progress meeting: progress, and the problems it raises with an
// owner and a due date (policy §五(一)1: problems met are coordinated and resolved).
std::string check_department_report(const json::value& report, const std::string& where,
                                    const json::array& present, const json::object* problems,
                                    std::vector<std::string_view>& raised) {
  if (!report.is_object()) return where + " must be " + object_of(span(kReport));
  const json::object& r = report.get_object();
  constexpr Field top[] = {kReport[0], kReport[1], shallow(kReport[2])};
  if (auto e = check_fields(r, span(top), where + "."); !e.empty()) return e;
  if (std::find(present.begin(), present.end(), r.at("department")) == present.end())
    return where + ".department " + json::serialize(r.at("department")) +
           " is not among payload.departments (the departments present)";
  const json::value* list = r.if_contains("problems");
  if (!list || list->is_null()) return {};
  for (std::size_t i = 0; i < list->get_array().size(); ++i) {
    const std::string at = where + ".problems[" + std::to_string(i) + "]";
    const json::value& problem = list->get_array()[i];
    if (!problem.is_object()) return at + " must be " + object_of(span(kProblem));
    if (auto e = check_fields(problem.get_object(), span(kProblem), at + "."); !e.empty()) return e;
    const std::string_view id = problem.at("id").get_string();
    if ((problems && problems->contains(id)) ||
        std::find(raised.begin(), raised.end(), id) != raised.end())
      return at + ".id \"" + std::string(id) + "\": a problem with that id exists already";
    raised.push_back(id);
  }
  return {};
}

std::string check_present_departments(const json::array& present, const Policy& policy) {
  if (present.empty()) return "payload.departments must name the departments present";
  const auto& roles = policy.roles();
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!present[i].is_string() ||
        std::find(roles.begin(), roles.end(), present[i].get_string()) == roles.end())
      return "payload.departments[" + std::to_string(i) + "] " + json::serialize(present[i]) +
             " is not a department (role) of the policy";
  return {};
}

std::string check_closes(const json::object& payload, const json::object* problems) {
  const json::value* closes = payload.if_contains("closes");
  if (!closes || closes->is_null()) return {};
  if (auto e = check_items(closes->get_array(), kProgressMeeting[3], "payload.closes"); !e.empty())
    return e;
  for (std::size_t i = 0; i < closes->get_array().size(); ++i) {
    const std::string_view id = closes->get_array()[i].get_string();
    const json::value* p = problems ? problems->if_contains(id) : nullptr;
    if (!p || p->at("status") != "open")
      return "payload.closes[" + std::to_string(i) + "] \"" + std::string(id) +
             "\" names no open problem of an earlier progress meeting";
  }
  return {};
}

std::string check_progress_meeting(const Context& c) {
  const json::array& present = c.payload.at("departments").get_array();
  if (auto e = check_present_departments(present, c.policy); !e.empty()) return e;
  const json::object* problems = meeting_problems(c.record);
  std::vector<std::string_view> raised, reported;
  const json::array& reports = c.payload.at("reports").get_array();
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const std::string where = "payload.reports[" + std::to_string(i) + "]";
    if (auto e = check_department_report(reports[i], where, present, problems, raised); !e.empty())
      return e;
    const std::string_view dept = reports[i].at("department").get_string();
    if (std::find(reported.begin(), reported.end(), dept) != reported.end())
      return where + ".department \"" + std::string(dept) + "\" reported twice";
    reported.push_back(dept);
  }
  return check_closes(c.payload, problems);
}

const json::object& batches_of(const json::object& record) {
  return record.at("production").at("batches").get_object();
}

std::string check_new_batch(const Context& c) {
  const std::string_view batch = c.payload.at("batch").get_string();
  if (batches_of(c.record).contains(batch))
    return "payload.batch \"" + std::string(batch) + "\" was already reported";
  return {};
}

// The batch inspected or rectified: reported before, and never given more units than it has.
std::string check_reported_batch(const Context& c) {
  const std::string_view id = c.payload.at("batch").get_string();
  const json::value* batch = batches_of(c.record).if_contains(id);
  if (!batch) return "payload.batch \"" + std::string(id) + "\" has not been reported";
  const bool inspect = c.event == EventId::production_inspect;
  double given = 0, quantity = 0;
  const json::value* q = c.payload.if_contains(inspect ? "quantity_passed" : "quantity");
  if (!q || !finite_number(*q, given) || !finite_number(batch->at("quantity"), quantity) ||
      given <= quantity)
    return {};
  if (inspect)
    return "payload.quantity_passed " + json::serialize(*q) + " exceeds the batch's quantity " +
           json::serialize(batch->at("quantity"));
  // The units reworked are units of this batch (policy §二(七)2): never more than it has.
  return "payload.quantity " + json::serialize(*q) +
         " (units reworked) exceeds the batch's reported quantity " +
         json::serialize(batch->at("quantity"));
}

const json::object& complaints_of(const json::object& record) {
  return record.at("service").at("complaints").get_object();
}

std::string check_new_complaint(const Context& c) {
  const std::string_view id = c.payload.at("id").get_string();
  if (complaints_of(c.record).contains(id))
    return "payload.id \"" + std::string(id) + "\": a complaint with that id exists already";
  return {};
}

std::string check_open_complaint(const Context& c) {
  const std::string_view id = c.payload.at("id").get_string();
  const json::value* complaint = complaints_of(c.record).if_contains(id);
  if (!complaint || complaint->at("status") == "closed")
    return "payload.id \"" + std::string(id) + "\" names no open complaint";
  return {};
}

// ---------------------------------------------------------------------------------------------
// The events

EventSpec spec(EventId event, Fields fields, std::string_view description = {}) {
  return EventSpec{event, fields, description};
}
EventSpec spec(EventId event, Fields fields, Check before, Check after,
               std::string_view description = {}) {
  EventSpec s{event, fields, description};
  s.before = before;
  s.after = after;
  return s;
}

// In the order of the schema's `allOf` (the order the schema has always listed them in).
const std::vector<EventSpec>& event_specs() {
  static const std::vector<EventSpec> specs = [] {
    using E = EventId;
    std::vector<EventSpec> s{
        spec(E::intake_register, span(kRequirementForm)),
        spec(E::evaluation_quote, span(kQuote),
             "price (total quoted) and cost (estimated total cost); margin = (price − cost) ÷ "
             "price"),
        spec(E::evaluation_risks, span(kRisks)),
        spec(E::evaluation_technical, span(kTechnical)),
        spec(E::evaluation_capacity, span(kCapacity)),
        spec(E::evaluation_approve, span(kApprove)),
        spec(E::contract_draft, span(kDraft)),
        spec(E::contract_revise, span(kDraft)),
        spec(E::contract_legal_reject, span(kLegalReject)),
        spec(E::kickoff_meeting, span(kKickoffMeeting)),
        spec(E::kickoff_assign, span(kKickoffAssign), nullptr, check_kickoff_department),
        spec(E::project_progress_meeting, span(kProgressMeeting), nullptr, check_progress_meeting,
             "A progress meeting organised by sales (policy §五(一)1). `departments`: the roles "
             "present; each report is one department's progress and the problems it raises (ids "
             "new to the case); `closes`: ids of open problems of earlier meetings."),
        spec(E::design_submit, span(kInnovations)),
        spec(E::design_review, span(kPassed)),
        spec(E::sample_test, span(kPassed)),
        spec(E::prep_incoming_inspection, span(kIncomingInspection), check_defects, nullptr),
        spec(E::sample_confirm, span(kAccepted)),
        spec(E::delivery_confirm, span(kAccepted)),
        spec(E::production_report, span(kProductionReport), nullptr, check_new_batch,
             "a batch produced (a new batch id): its quantity and what it cost"),
        spec(E::production_inspect, span(kProductionInspect), check_defects, check_reported_batch),
        spec(E::production_rectify, span(kProductionRectify), nullptr, check_reported_batch,
             "the rectification of a nonconforming batch (policy §二(七)2)"),
        spec(E::service_feedback, span(kFeedback)),
        spec(E::service_complaint, span(kComplaint), nullptr, check_new_complaint,
             "a complaint (a new id)"),
        spec(E::service_investigate, span(kInvestigate), nullptr, check_open_complaint),
        spec(E::service_resolve, span(kResolve), nullptr, check_open_complaint),
        spec(E::service_verify, span(kVerify), nullptr, check_open_complaint),
        spec(E::service_customer_meeting, span(kCustomerMeeting),
             "A customer communication meeting (policy §五(二)3), required periodically for key "
             "customers and major projects."),
        spec(E::case_suspend, span(kReason)),
        spec(E::case_cancel, span(kReason)),
        spec(E::case_handover, span(kHandover)),
    };
    s[0].schema_def = "requirement_form";
    s[2].checked_by = "the risk register (src/risk/register.cpp)";
    return s;
  }();
  return specs;
}

// The spec of each event, or null (an event whose payload the engine does not read).
const std::array<const EventSpec*, kEventCount>& spec_by_event() {
  static const std::array<const EventSpec*, kEventCount> table = [] {
    std::array<const EventSpec*, kEventCount> t{};
    for (const auto& s : event_specs()) t[static_cast<std::size_t>(s.event)] = &s;
    return t;
  }();
  return table;
}

// ---------------------------------------------------------------------------------------------
// The JSON Schema

json::value type_schema(Type t) {
  switch (t) {
    case Type::text:
    case Type::number:
    case Type::non_negative:
    case Type::positive:
    case Type::count:
    case Type::date:
    case Type::defects: {
      const std::string name = t == Type::text           ? "text"
                               : t == Type::number       ? "number"
                               : t == Type::non_negative ? "non_negative"
                               : t == Type::positive     ? "positive"
                               : t == Type::count        ? "count"
                               : t == Type::date         ? "date"
                                                         : "defects";
      return json::object{{"$ref", "#/$defs/" + name}};
    }
    case Type::string:
      return json::object{{"type", "string"}};
    case Type::boolean:
      return json::object{{"type", "boolean"}};
    case Type::score:
      return json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", 5}};
    case Type::object:
      return json::object{{"type", "object"}};
    case Type::array:
      return json::object{{"type", "array"}};
  }
  return nullptr;
}

json::object object_schema(Fields fields);

json::value field_schema(const Field& f) {
  json::object s;
  if (!f.values.empty()) {
    json::array values;
    for (auto v : f.values) values.emplace_back(v);
    s["enum"] = std::move(values);
  } else if (f.type == Type::object && !f.fields.empty()) {
    s = object_schema(f.fields);
  } else {
    s = type_schema(f.type).as_object();
    if (f.type == Type::array) {
      if (f.min_items) s["minItems"] = f.min_items;
      if (!f.fields.empty())
        s["items"] = object_schema(f.fields);
      else if (f.items != Type::array)
        s["items"] = type_schema(f.items);
    }
  }
  // Optional fields may be null (read as absent): a choice and what says otherwise may not.
  const bool nullable = !f.required && f.nullable && f.values.empty() && f.type != Type::defects;
  if (nullable) {
    if (s.size() == 1 && s.contains("type") && s["type"].is_string())
      s["type"] = json::array{s["type"], "null"};
    else
      s = json::object{{"anyOf", json::array{std::move(s), json::object{{"type", "null"}}}}};
  }
  if (!f.description.empty()) s["description"] = f.description;
  return s;
}

json::object object_schema(Fields fields) {
  json::object s{{"type", "object"}};
  json::array required;
  json::object properties;
  for (const auto& f : fields) {
    if (f.required) required.emplace_back(f.name);
    properties[f.name] = field_schema(f);
  }
  if (!required.empty()) s["required"] = std::move(required);
  s["properties"] = std::move(properties);
  return s;
}

json::object shared_defs() {
  return json::object{
      {"text", {{"type", "string"}, {"minLength", 1}}},
      {"number", {{"type", "number"}}},
      {"non_negative", {{"type", "number"}, {"minimum", 0}}},
      {"positive", {{"type", "number"}, {"exclusiveMinimum", 0}}},
      {"count",
       {{"type", "integer"}, {"minimum", 0}, {"description", "a whole number ≥ 0 (2 or 2.0)"}}},
      {"date",
       {{"type", "string"},
        {"pattern",
         "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:"
         "[0-9]{2}))?$"},
        {"description",
         "ISO-8601: 2026-03-02 (midnight UTC) or 2026-03-02T09:00:00Z; the date must exist"}}},
      {"defects",
       {{"description", kDefects.description},
        {"anyOf",
         {{{"type", "array"}, {"items", object_schema(kDefects.fields)}},
          {{"$ref", "#/$defs/text"}, {"description", "one cause"}},
          {{"type", "null"}}}}}},
  };
}

}  // namespace

json::value payload_schema() {
  json::array all_of;
  json::object defs = shared_defs();
  for (const EventSpec& s : event_specs()) {
    const std::string name(event_name(s.event));
    all_of.push_back(
        json::object{{"if", {{"properties", {{"event", {{"const", name}}}}}}},
                     {"then", {{"properties", {{"payload", {{"$ref", "#/$defs/" + name}}}}}}}});
    json::object def = object_schema(s.fields);
    if (!s.schema_def.empty()) {
      def["description"] = "the requirement form (policy §二(一)1): case data at creation and " +
                           std::string(event_name(s.event));
      defs[s.schema_def] = std::move(def);
      def = json::object{{"$ref", "#/$defs/" + std::string(s.schema_def)}};
    } else if (!s.checked_by.empty()) {
      def["description"] = "checked by " + std::string(s.checked_by);
    } else if (!s.description.empty()) {
      def["description"] = s.description;
    }
    defs[name] = std::move(def);
  }
  return json::object{
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://undertake.example/schema/payloads.schema.json"},
      {"title", "undertake event payloads (design.md §2)"},
      {"description",
       "Generated from src/case/case_payload.cpp (tests/schema/payload_schema.cpp writes it): do "
       "not edit. An event with its payload, as in a scenario step or a ledger entry: {\"event\", "
       "\"payload\"}. The payload of each event is $defs/<event>; events not listed take any "
       "object. Fields may be more than these (extra fields are kept in the ledger); an optional "
       "field may be null (read as absent). The engine also checks what a schema cannot: dates "
       "that exist, batches and complaints that exist (or not yet), a quantity_passed or a "
       "reworked quantity at most the batch's quantity, the actor's kickoff department, "
       "progress-meeting departments that are roles of the policy, problem ids new to the case "
       "and closes of open ones."},
      {"type", "object"},
      {"required", {"event"}},
      {"properties",
       {{"event", {{"type", "string"}}}, {"payload", {{"type", {"object", "null"}}}}}},
      {"allOf", std::move(all_of)},
      {"$defs", std::move(defs)},
  };
}

std::string validate_requirement_form(const json::object& form, std::string_view where) {
  return check_fields(form, span(kRequirementForm), std::string(where) + ".");
}

std::string validate_payload(EventId event, const json::object& payload, const json::object& record,
                             const Actor& actor, const Policy& policy) {
  const EventSpec* s = spec_by_event()[static_cast<std::size_t>(event)];
  if (!s || !s->checked_by.empty()) return {};
  const Context c{event, payload, record, actor, policy};
  if (s->before)
    if (auto e = s->before(c); !e.empty()) return e;
  if (auto e = check_fields(payload, s->fields, "payload."); !e.empty()) return e;
  return s->after ? s->after(c) : std::string();
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
