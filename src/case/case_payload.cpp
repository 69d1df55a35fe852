// Payload validation: the fields of design.md §2 that the engine and the default rules rely on.
// A payload that fails is refused before anything else is looked at, so rules never see a price
// that is a string or a quantity that is negative.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "case/case_impl.hpp"
#include "undertake/timestamp.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

enum class Type {
  text,
  boolean,
  number,
  non_negative,
  positive,
  score,
  count,
  date,
  object,
  array
};

struct Field {
  std::string_view name;
  Type type;
  bool required;
};

const char* describe(Type t) {
  switch (t) {
    case Type::text:
      return "a non-empty string";
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
  }
  return false;
}

std::string check_fields(const json::object& o, std::initializer_list<Field> fields,
                         std::string_view prefix) {
  for (const auto& f : fields) {
    const json::value* v = o.if_contains(f.name);
    if (!v || v->is_null()) {
      if (f.required)
        return std::string(prefix) + std::string(f.name) + " is required (" + describe(f.type) +
               ")";
      continue;
    }
    if (!matches(*v, f.type))
      return std::string(prefix) + std::string(f.name) + " must be " + describe(f.type) + ", got " +
             json::serialize(*v);
  }
  return {};
}

const json::object* child(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// The problems raised at progress meetings so far (an object id → problem), or null.
const json::object* meeting_problems(const json::object& record) {
  const json::object* meetings = child(record, "meetings");
  const json::object* progress = meetings ? child(*meetings, "progress") : nullptr;
  return progress ? child(*progress, "problems") : nullptr;
}

std::string check_text_list(const json::object& payload, std::string_view field) {
  const json::value* v = payload.if_contains(field);
  if (!v || v->is_null()) return {};
  const auto& list = v->get_array();  // check_fields made sure it is one
  for (std::size_t i = 0; i < list.size(); ++i)
    if (!matches(list[i], Type::text))
      return "payload." + std::string(field) + "[" + std::to_string(i) +
             "] must be a non-empty string, got " + json::serialize(list[i]);
  return {};
}

// One department's report at a progress meeting: progress, and the problems it raises with an
// owner and a due date (policy §五(一)1: problems met are coordinated and resolved).
std::string check_department_report(const json::value& report, const std::string& where,
                                    const json::array& present, const json::object* problems,
                                    std::vector<std::string_view>& raised) {
  if (!report.is_object()) return where + " must be an object {department, progress, problems}";
  const json::object& r = report.get_object();
  if (auto e = check_fields(r,
                            {{"department", Type::text, true},
                             {"progress", Type::text, true},
                             {"problems", Type::array, false}},
                            where + ".");
      !e.empty())
    return e;
  if (std::find(present.begin(), present.end(), r.at("department")) == present.end())
    return where + ".department " + json::serialize(r.at("department")) +
           " is not among payload.departments (the departments present)";
  const json::value* list = r.if_contains("problems");
  if (!list || list->is_null()) return {};
  for (std::size_t i = 0; i < list->get_array().size(); ++i) {
    const std::string at = where + ".problems[" + std::to_string(i) + "]";
    const json::value& problem = list->get_array()[i];
    if (!problem.is_object()) return at + " must be an object {id, description, owner, due}";
    if (auto e = check_fields(problem.get_object(),
                              {{"id", Type::text, true},
                               {"description", Type::text, true},
                               {"owner", Type::text, true},
                               {"due", Type::date, true}},
                              at + ".");
        !e.empty())
      return e;
    const std::string_view id = problem.at("id").get_string();
    if ((problems && problems->contains(id)) ||
        std::find(raised.begin(), raised.end(), id) != raised.end())
      return at + ".id \"" + std::string(id) + "\": a problem with that id exists already";
    raised.push_back(id);
  }
  return {};
}

std::string validate_progress_meeting(const json::object& payload, const json::object& record,
                                      const Policy& policy) {
  if (auto e = check_fields(payload,
                            {{"date", Type::date, true},
                             {"departments", Type::array, true},
                             {"reports", Type::array, true},
                             {"closes", Type::array, false}},
                            "payload.");
      !e.empty())
    return e;
  const json::array& present = payload.at("departments").get_array();
  if (present.empty()) return "payload.departments must name the departments present";
  const auto& roles = policy.roles();
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!present[i].is_string() ||
        std::find(roles.begin(), roles.end(), present[i].get_string()) == roles.end())
      return "payload.departments[" + std::to_string(i) + "] " + json::serialize(present[i]) +
             " is not a department (role) of the policy";
  const json::object* problems = meeting_problems(record);
  std::vector<std::string_view> raised, reported;
  const json::array& reports = payload.at("reports").get_array();
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const std::string where = "payload.reports[" + std::to_string(i) + "]";
    if (auto e = check_department_report(reports[i], where, present, problems, raised); !e.empty())
      return e;
    const std::string_view dept = reports[i].at("department").get_string();
    if (std::find(reported.begin(), reported.end(), dept) != reported.end())
      return where + ".department \"" + std::string(dept) + "\" reported twice";
    reported.push_back(dept);
  }
  if (auto e = check_text_list(payload, "closes"); !e.empty()) return e;
  if (const json::value* closes = payload.if_contains("closes"); closes && !closes->is_null())
    for (std::size_t i = 0; i < closes->get_array().size(); ++i) {
      const std::string_view id = closes->get_array()[i].get_string();
      const json::value* p = problems ? problems->if_contains(id) : nullptr;
      if (!p || p->at("status") != "open")
        return "payload.closes[" + std::to_string(i) + "] \"" + std::string(id) +
               "\" names no open problem of an earlier progress meeting";
    }
  return {};
}

// The defects an inspection found, by cause (policy §二(七)2: the quality report's Pareto).
std::string check_defects(const json::object& payload) {
  const json::value* v = payload.if_contains("defects");
  if (!v || v->is_null() || matches(*v, Type::text)) return {};  // a string: one cause
  if (!v->is_array())
    return "payload.defects must be a cause (a non-empty string) or an array [{cause, quantity}]";
  for (std::size_t i = 0; i < v->get_array().size(); ++i) {
    const std::string where = "payload.defects[" + std::to_string(i) + "]";
    const json::value& d = v->get_array()[i];
    if (!d.is_object()) return where + " must be an object {cause, quantity}";
    if (auto e = check_fields(d.get_object(),
                              {{"cause", Type::text, true}, {"quantity", Type::count, false}},
                              where + ".");
        !e.empty())
      return e;
  }
  return {};
}

std::string validate_customer_meeting(const json::object& payload) {
  if (auto e = check_fields(payload,
                            {{"date", Type::date, true},
                             {"attendees", Type::array, false},
                             {"topics", Type::array, false},
                             {"minutes", Type::text, false}},
                            "payload.");
      !e.empty())
    return e;
  if (auto e = check_text_list(payload, "attendees"); !e.empty()) return e;
  return check_text_list(payload, "topics");
}

}  // namespace

std::string validate_requirement_form(const json::object& form, std::string_view where) {
  const std::string prefix = std::string(where) + ".";
  if (auto p = check_fields(form,
                            {{"customer", Type::object, false},
                             {"product", Type::object, false},
                             {"quantity", Type::positive, false},
                             {"delivery_date", Type::date, false},
                             {"estimated_amount", Type::non_negative, false},
                             {"spec", Type::text, false},
                             {"quality_requirements", Type::text, false},
                             {"channel", Type::text, false}},
                            prefix);
      !p.empty())
    return p;
  if (const auto* customer = child(form, "customer")) {
    if (auto p = check_fields(*customer, {{"name", Type::text, false}, {"tier", Type::text, false}},
                              prefix + "customer.");
        !p.empty())
      return p;
    if (const auto* tier = customer->if_contains("tier");
        tier && *tier != "key" && *tier != "regular")
      return prefix + "customer.tier must be \"key\" or \"regular\", got " + json::serialize(*tier);
  }
  if (const auto* product = child(form, "product"))
    if (auto p = check_fields(*product,
                              {{"name", Type::text, false}, {"standard", Type::boolean, false}},
                              prefix + "product.");
        !p.empty())
      return p;
  return {};
}

std::string validate_payload(EventId event, const json::object& payload, const json::object& record,
                             const Actor& actor, const Policy& policy) {
  const std::string_view p = "payload.";
  switch (event) {
    case EventId::intake_register:
      return validate_requirement_form(payload, "payload");
    case EventId::evaluation_quote:
      return check_fields(payload,
                          {{"price", Type::positive, true}, {"cost", Type::non_negative, true}}, p);
    case EventId::evaluation_technical:
      return check_fields(
          payload, {{"feasible", Type::boolean, true}, {"cost", Type::non_negative, false}}, p);
    case EventId::evaluation_capacity:
      return check_fields(payload, {{"sufficient", Type::boolean, true}}, p);
    case EventId::evaluation_approve: {
      if (const json::value* ov = payload.if_contains("override")) {
        if (!ov->is_object()) return "payload.override must be an object {\"reason\": \"...\"}";
        return check_fields(ov->get_object(), {{"reason", Type::text, true}}, "payload.override.");
      }
      return {};
    }
    case EventId::contract_draft:
    case EventId::contract_revise:
      return check_fields(payload,
                          {{"amount", Type::positive, true},
                           {"delivery_date", Type::date, true},
                           {"payment_terms", Type::text, true}},
                          p);
    case EventId::contract_legal_reject:
      return check_fields(payload, {{"comments", Type::text, true}}, p);
    case EventId::kickoff_meeting: {
      if (auto e = check_fields(
              payload,
              {{"milestones", Type::array, false}, {"production_plan", Type::object, true}}, p);
          !e.empty())
        return e;
      if (auto e = check_fields(*child(payload, "production_plan"),
                                {{"quantity", Type::positive, true},
                                 {"completion_date", Type::date, true},
                                 {"budget_cost", Type::non_negative, true}},
                                "payload.production_plan.");
          !e.empty())
        return e;
      if (const json::value* m = payload.if_contains("milestones")) {
        const auto& list = m->get_array();
        for (std::size_t i = 0; i < list.size(); ++i) {
          const std::string where = "payload.milestones[" + std::to_string(i) + "]";
          if (!list[i].is_object()) return where + " must be an object {name, due}";
          if (auto e = check_fields(list[i].get_object(),
                                    {{"name", Type::text, true}, {"due", Type::date, true}},
                                    where + ".");
              !e.empty())
            return e;
        }
      }
      return {};
    }
    case EventId::kickoff_assign: {
      if (auto e = check_fields(
              payload, {{"department", Type::text, false}, {"tasks", Type::array, false}}, p);
          !e.empty())
        return e;
      const auto& departments = policy.kickoff_departments();
      if (const json::value* d = payload.if_contains("department")) {
        const std::string_view dept = d->get_string();
        if (std::find(departments.begin(), departments.end(), dept) == departments.end())
          return "payload.department \"" + std::string(dept) + "\" is not a kickoff department";
        if (!actor.has_role(dept))
          return "payload.department \"" + std::string(dept) + "\": actor " + actor.id +
                 " is not in that department";
        return {};
      }
      for (const auto& dept : departments)
        if (actor.has_role(dept)) return {};
      return "payload.department is required: actor " + actor.id +
             " belongs to none of the kickoff departments";
    }
    case EventId::project_progress_meeting:
      return validate_progress_meeting(payload, record, policy);
    case EventId::service_customer_meeting:
      return validate_customer_meeting(payload);
    case EventId::design_submit:
      return check_fields(payload, {{"innovations", Type::count, false}}, p);
    case EventId::prep_incoming_inspection:
      if (auto e = check_defects(payload); !e.empty()) return e;
      return check_fields(payload, {{"passed", Type::boolean, true}}, p);
    case EventId::design_review:
    case EventId::sample_test:
      return check_fields(payload, {{"passed", Type::boolean, true}}, p);
    case EventId::sample_confirm:
    case EventId::delivery_confirm:
      return check_fields(payload, {{"accepted", Type::boolean, true}}, p);
    case EventId::production_report: {
      if (auto e = check_fields(payload,
                                {{"batch", Type::text, true},
                                 {"quantity", Type::positive, true},
                                 {"cost", Type::non_negative, true}},
                                p);
          !e.empty())
        return e;
      const auto& batches = record.at("production").at("batches").get_object();
      if (batches.contains(payload.at("batch").get_string()))
        return "payload.batch \"" + std::string(payload.at("batch").get_string()) +
               "\" was already reported";
      return {};
    }
    case EventId::production_inspect:
    case EventId::production_rectify: {
      const bool inspect = event == EventId::production_inspect;
      if (auto e = inspect ? check_defects(payload) : std::string(); !e.empty()) return e;
      if (auto e = inspect ? check_fields(payload,
                                          {{"batch", Type::text, true},
                                           {"passed", Type::boolean, true},
                                           {"quantity_passed", Type::non_negative, false}},
                                          p)
                           : check_fields(payload,
                                          {{"batch", Type::text, true},
                                           {"cost", Type::non_negative, false},
                                           {"quantity", Type::count, false}},
                                          p);
          !e.empty())
        return e;
      const auto& batches = record.at("production").at("batches").get_object();
      const json::value* batch = batches.if_contains(payload.at("batch").get_string());
      if (!batch)
        return "payload.batch \"" + std::string(payload.at("batch").get_string()) +
               "\" has not been reported";
      if (inspect) {
        double passed = 0, quantity = 0;
        if (const json::value* q = payload.if_contains("quantity_passed");
            q && finite_number(*q, passed) && finite_number(batch->at("quantity"), quantity) &&
            passed > quantity)
          return "payload.quantity_passed " + json::serialize(*q) +
                 " exceeds the batch's quantity " + json::serialize(batch->at("quantity"));
      } else {
        // The units reworked are units of this batch (policy §二(七)2): never more than it has.
        double reworked = 0, quantity = 0;
        if (const json::value* q = payload.if_contains("quantity");
            q && finite_number(*q, reworked) && finite_number(batch->at("quantity"), quantity) &&
            reworked > quantity)
          return "payload.quantity " + json::serialize(*q) +
                 " (units reworked) exceeds the batch's reported quantity " +
                 json::serialize(batch->at("quantity"));
      }
      return {};
    }
    case EventId::service_feedback:
      return check_fields(payload, {{"score", Type::score, true}}, p);
    case EventId::service_complaint: {
      if (auto e = check_fields(payload,
                                {{"id", Type::text, true},
                                 {"severity", Type::text, true},
                                 {"description", Type::text, true}},
                                p);
          !e.empty())
        return e;
      if (record.at("service")
              .at("complaints")
              .get_object()
              .contains(payload.at("id").get_string()))
        return "payload.id \"" + std::string(payload.at("id").get_string()) +
               "\": a complaint with that id exists already";
      return {};
    }
    case EventId::service_investigate:
    case EventId::service_resolve:
    case EventId::service_verify: {
      std::string e;
      if (event == EventId::service_investigate)
        e = check_fields(payload,
                         {{"id", Type::text, true},
                          {"root_cause", Type::text, true},
                          {"responsibility", Type::text, true}},
                         p);
      else if (event == EventId::service_resolve)
        e = check_fields(payload, {{"id", Type::text, true}, {"solution", Type::text, true}}, p);
      else
        e = check_fields(payload, {{"id", Type::text, true}, {"satisfied", Type::boolean, true}},
                         p);
      if (!e.empty()) return e;
      const json::value* complaint = record.at("service")
                                         .at("complaints")
                                         .get_object()
                                         .if_contains(payload.at("id").get_string());
      if (!complaint || complaint->at("status") == "closed")
        return "payload.id \"" + std::string(payload.at("id").get_string()) +
               "\" names no open complaint";
      return {};
    }
    case EventId::case_suspend:
    case EventId::case_cancel:
      return check_fields(payload, {{"reason", Type::text, true}}, p);
    case EventId::case_handover:
      return check_fields(payload, {{"from", Type::text, true}, {"to", Type::text, true}}, p);
    default:
      return {};
  }
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
