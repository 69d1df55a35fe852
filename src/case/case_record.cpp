// The case's record: what each accepted event adds to the facts that rules, KPIs and hosts read.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "case/case_impl.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

double number(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.is_double() ? v.get_double() : 0.0;
}

// Whether `d` is a whole number an int64 holds (checked before the cast: casting a double out of
// range is undefined behaviour).
bool whole_int64(double d) {
  constexpr double kTwo63 = 9223372036854775808.0;
  return d >= -kTwo63 && d < kTwo63 && d == static_cast<double>(static_cast<std::int64_t>(d));
}

// A computed amount as JSON: a whole number when it is one (readable records and snapshots).
json::value amount(double d, std::string_view field) {
  d = finite_number(d, field);
  if (whole_int64(d)) return static_cast<std::int64_t>(d);
  return d;
}

// Who and when, on what an event records. `at` is the event's time already formatted: formatting
// it once per event instead of once per stamp is a visible share of fire().
json::object stamp(const Actor& actor, std::string_view at) {
  return json::object{{"by", actor.id}, {"at", at}};
}

json::object with_stamp(const json::object& payload, const Actor& actor, std::string_view at) {
  json::object o(payload, payload.storage());
  o.reserve(payload.size() + 2);
  o["by"] = actor.id;
  o["at"] = at;
  return o;
}

RecordChange::Section& obj(RecordChange& record, std::string_view key) {
  return record.section(key);
}

// Counters stay whole numbers (the record reads `2`, not `2E0`) while the sum fits an int64;
// amounts may be fractional, and sums beyond an int64 (or a double) are doubles checked finite.
// `field` names the member in the record, for the refusal.
template <class Object>  // a json::object or a RecordChange::Section
void add_number(Object& o, std::string_view key, double delta, std::string_view field) {
  json::value& v = o[key];
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  if ((v.is_int64() || v.is_null()) && whole_int64(delta)) {
    const std::int64_t a = v.is_int64() ? v.get_int64() : 0;
    const auto b = static_cast<std::int64_t>(delta);
    if ((b >= 0 && a <= kMax - b) || (b < 0 && a >= kMin - b)) {
      v = a + b;
      return;
    }
  }
  v = finite_number(number(v) + delta, field);
}

// The department a kickoff.assign is for: named in the payload, or the actor's first kickoff
// department (validation made sure there is one).
std::string assigning_department(const json::object& payload, const Actor& actor,
                                 const Policy& policy) {
  if (const json::value* d = payload.if_contains("department")) return std::string(d->get_string());
  for (const auto& dept : policy.kickoff_departments())
    if (actor.has_role(dept)) return dept;
  return {};
}

// The `meetings` member of the record: `{progress, customer}`, made on the first meeting (records
// and snapshots of cases without meetings stay as they were).
json::object& meeting_book(RecordChange& record, std::string_view kind) {
  json::value& meetings = record["meetings"];
  if (!meetings.is_object()) meetings = json::object{};
  json::value& book = meetings.as_object()[kind];
  if (!book.is_object()) book = json::object{{"held", 0}};
  return book.as_object();
}

// A progress meeting (policy §五(一)1): the problems each department raises become open items
// with owners and due dates; `closes` closes items of earlier meetings.
void apply_progress_meeting(const json::object& payload, const Actor& actor, std::string_view when,
                            RecordChange& record) {
  json::object& book = meeting_book(record, "progress");
  add_number(book, "held", 1, "meetings.progress.held");
  const json::value& date = payload.at("date");
  book["last"] = json::object{
      {"date", date}, {"departments", payload.at("departments")}, {"by", actor.id}, {"at", when}};
  json::value& problems_value = book["problems"];
  if (!problems_value.is_object()) problems_value = json::object{};
  json::object& problems = problems_value.as_object();
  double opened = 0;
  for (const auto& report : payload.at("reports").get_array()) {
    const json::value* list = report.get_object().if_contains("problems");
    if (!list || !list->is_array()) continue;
    for (const auto& p : list->get_array()) {
      json::object item = p.get_object();
      item["department"] = report.at("department");
      item["status"] = "open";
      item["raised_on"] = date;
      item["raised_by"] = actor.id;
      problems[p.at("id").get_string()] = std::move(item);
      ++opened;
    }
  }
  double closed = 0;
  if (const json::value* closes = payload.if_contains("closes"); closes && closes->is_array())
    for (const auto& id : closes->get_array()) {
      json::object& item = problems[id.get_string()].as_object();
      item["status"] = "closed";
      item["closed_on"] = date;
      ++closed;
    }
  add_number(book, "open_problems", opened - closed, "meetings.progress.open_problems");
}

}  // namespace

double finite_number(double d, std::string_view field) {
  if (!std::isfinite(d)) throw UnstorableNumber{std::string(field), d};
  return d;
}

json::value initial_record(const std::string& case_id, const json::object& data) {
  return json::object{
      {"case", json::object{{"id", case_id}}},
      {"data", data},
      {"intake", json::object{}},
      {"evaluation", json::object{}},
      {"contract", json::object{{"version", 0},
                                {"legal_approved_version", 0},
                                {"approvals", json::array{}},
                                {"approvers", json::array{}},
                                {"approval_count", 0},
                                {"revisions", 0}}},
      {"kickoff", json::object{{"assigned", json::array{}}, {"tasks", json::array{}}}},
      {"design", json::object{{"submissions", 0}, {"innovations", 0}, {"reviews", 0}}},
      {"sample", json::object{{"builds", 0}, {"tests", 0}}},
      {"preparation", json::object{{"materials", false},
                                   {"equipment", false},
                                   {"training", false},
                                   {"instructions", false},
                                   {"incoming_inspection_passed", false}}},
      {"production", json::object{{"batches", json::object{}},
                                  {"reported_quantity", 0},
                                  {"passed_quantity", 0},
                                  {"actual_cost", 0},
                                  {"inspections", 0},
                                  {"completed", false}}},
      {"delivery", json::object{}},
      {"service",
       json::object{
           {"feedback", json::array{}}, {"complaints", json::object{}}, {"open_complaints", 0}}},
      {"handovers", json::array{}},
  };
}

void add_event_facts(EventId event, const json::object& payload, json::object& facts) {
  switch (event) {
    case EventId::production_inspect:
    case EventId::production_rectify:
      if (const json::value* b = payload.if_contains("batch"); b && b->is_string())
        if (const json::value* batch =
                facts.at("production").at("batches").get_object().if_contains(b->get_string()))
          facts["batch"] = *batch;
      break;
    case EventId::service_investigate:
    case EventId::service_resolve:
    case EventId::service_verify:
      if (const json::value* id = payload.if_contains("id"); id && id->is_string())
        if (const json::value* c =
                facts.at("service").at("complaints").get_object().if_contains(id->get_string()))
          facts["complaint"] = *c;
      break;
    default:
      break;
  }
}

void apply_to_record(EventId event, const json::object& payload, const Actor& actor,
                     std::string_view when, std::string_view stage, const Policy& policy,
                     RecordChange& record) {
  switch (event) {
    case EventId::intake_register: {
      auto& data = record["data"].as_object();  // whole: a form may have any number of fields
      for (const auto& kv : payload) data[kv.key()] = kv.value();
      break;
    }
    case EventId::intake_forward:
      obj(record, "intake")["forwarded"] = stamp(actor, when);
      break;
    case EventId::intake_confirm:
      obj(record, "intake")["confirmed"] = stamp(actor, when);
      break;
    case EventId::intake_strategy_meeting:
      obj(record, "intake")["strategy_meeting"] = with_stamp(payload, actor, when);
      break;
    case EventId::evaluation_quote: {
      json::object quote = with_stamp(payload, actor, when);
      const double price = number(payload.at("price"));
      quote["margin"] =
          finite_number((price - number(payload.at("cost"))) / price, "evaluation.quote.margin");
      obj(record, "evaluation")["quote"] = std::move(quote);
      break;
    }
    case EventId::evaluation_risks:
      break;  // the risk register is applied by the case itself
    case EventId::evaluation_technical:
      obj(record, "evaluation")["technical"] = with_stamp(payload, actor, when);
      break;
    case EventId::evaluation_capacity:
      obj(record, "evaluation")["capacity"] = with_stamp(payload, actor, when);
      break;
    case EventId::evaluation_quality:
      obj(record, "evaluation")["quality"] = with_stamp(payload, actor, when);
      break;
    case EventId::evaluation_approve: {
      json::object decision = with_stamp(payload, actor, when);
      decision["approved"] = true;
      obj(record, "evaluation")["decision"] = std::move(decision);
      break;
    }
    case EventId::evaluation_reject: {
      json::object decision = with_stamp(payload, actor, when);
      decision["approved"] = false;
      obj(record, "evaluation")["decision"] = std::move(decision);
      break;
    }
    case EventId::contract_draft:
    case EventId::contract_revise: {
      auto& c = obj(record, "contract");
      add_number(c, "version", 1, "contract.version");
      if (event == EventId::contract_revise) add_number(c, "revisions", 1, "contract.revisions");
      c["draft"] = json::object{{"amount", payload.at("amount")},
                                {"delivery_date", payload.at("delivery_date")},
                                {"payment_terms", payload.at("payment_terms")}};
      c["drafted_by"] = actor.id;
      // Approvals are for one draft: a new draft voids them (design.md §4).
      c["approvals"] = json::array{};
      c["approvers"] = json::array{};
      c["approval_count"] = 0;
      break;
    }
    case EventId::contract_submit: {
      auto& c = obj(record, "contract");
      c["submitted_version"] = c["version"];
      break;
    }
    case EventId::contract_legal_approve: {
      auto& c = obj(record, "contract");
      c["legal_approved_version"] = c["version"];
      c["legal_approval"] = stamp(actor, when);
      break;
    }
    case EventId::contract_legal_reject: {
      auto& c = obj(record, "contract");
      json::object comment = with_stamp(payload, actor, when);
      comment["version"] = c["version"];
      json::array list;
      if (const json::value* old = c.if_contains("legal_rejections"); old && old->is_array())
        list = old->get_array();
      list.push_back(std::move(comment));
      c["legal_rejections"] = std::move(list);
      break;
    }
    case EventId::contract_approve: {
      auto& c = obj(record, "contract");
      c["approvals"].as_array().push_back(stamp(actor, when));
      auto& approvers = c["approvers"].as_array();
      if (std::find(approvers.begin(), approvers.end(), json::value(actor.id)) == approvers.end())
        approvers.emplace_back(actor.id);
      c["approval_count"] = approvers.size();
      break;
    }
    case EventId::contract_sign: {
      auto& c = obj(record, "contract");
      json::object signed_ = stamp(actor, when);
      signed_["amount"] = c.at("draft").at("amount");
      signed_["version"] = c["version"];
      c["signed"] = std::move(signed_);
      break;
    }
    case EventId::contract_archive: {
      // The contract ledger row of policy §二(三)2: signing date, customer, content, amount,
      // delivery date; copies go to market, technical, production and quality.
      auto& c = obj(record, "contract");
      const auto& data = record.at("data").get_object();
      json::object row;
      row["signed_at"] = c.at("signed").at("at");
      if (const auto* customer = data.if_contains("customer"); customer && customer->is_object())
        if (const auto* name = customer->get_object().if_contains("name")) row["customer"] = *name;
      if (const auto* product = data.if_contains("product"); product && product->is_object())
        if (const auto* name = product->get_object().if_contains("name")) row["content"] = *name;
      row["amount"] = c.at("draft").at("amount");
      row["delivery_date"] = c.at("draft").at("delivery_date");
      row["copies_to"] = json::array{"market", "technical", "production", "quality"};
      json::object archived = stamp(actor, when);
      archived["ledger_row"] = std::move(row);
      c["archived"] = std::move(archived);
      break;
    }
    case EventId::kickoff_meeting: {
      auto& k = obj(record, "kickoff");
      k["meeting"] = stamp(actor, when);
      if (const json::value* m = payload.if_contains("milestones")) k["milestones"] = *m;
      k["production_plan"] = payload.at("production_plan");
      auto& production = obj(record, "production");
      const auto& plan = payload.at("production_plan").get_object();
      production["planned_quantity"] = plan.at("quantity");
      production["planned_completion"] = plan.at("completion_date");
      production["budget_cost"] = plan.at("budget_cost");
      break;
    }
    case EventId::kickoff_assign: {
      auto& k = obj(record, "kickoff");
      const std::string dept = assigning_department(payload, actor, policy);
      auto& assigned = k["assigned"].as_array();
      if (std::find(assigned.begin(), assigned.end(), json::value(dept)) == assigned.end())
        assigned.emplace_back(dept);
      json::object task = with_stamp(payload, actor, when);
      task["department"] = dept;
      k["tasks"].as_array().push_back(std::move(task));
      break;
    }
    case EventId::project_progress_meeting:
      apply_progress_meeting(payload, actor, when, record);
      break;
    case EventId::service_customer_meeting: {
      json::object& book = meeting_book(record, "customer");
      add_number(book, "held", 1, "meetings.customer.held");
      book["last"] = with_stamp(payload, actor, when);
      break;
    }
    case EventId::design_submit: {
      auto& d = obj(record, "design");
      add_number(d, "submissions", 1, "design.submissions");
      if (const json::value* n = payload.if_contains("innovations"))
        add_number(d, "innovations", number(*n), "design.innovations");
      d["submitted"] = stamp(actor, when);
      break;
    }
    case EventId::design_review: {
      auto& d = obj(record, "design");
      add_number(d, "reviews", 1, "design.reviews");
      d["last_review_passed"] = payload.at("passed");
      break;
    }
    case EventId::sample_build:
      add_number(obj(record, "sample"), "builds", 1, "sample.builds");
      break;
    case EventId::sample_test: {
      auto& s = obj(record, "sample");
      add_number(s, "tests", 1, "sample.tests");
      if (!s.contains("first_test_passed")) s["first_test_passed"] = payload.at("passed");
      s["last_test_passed"] = payload.at("passed");
      break;
    }
    case EventId::sample_confirm: {
      auto& s = obj(record, "sample");
      s["accepted"] = payload.at("accepted");
      if (const json::value* f = payload.if_contains("feedback")) s["feedback"] = *f;
      break;
    }
    case EventId::prep_materials:
      obj(record, "preparation")["materials"] = true;
      break;
    case EventId::prep_equipment:
      obj(record, "preparation")["equipment"] = true;
      break;
    case EventId::prep_training:
      obj(record, "preparation")["training"] = true;
      break;
    case EventId::prep_instructions:
      obj(record, "preparation")["instructions"] = true;
      break;
    case EventId::prep_incoming_inspection:
      obj(record, "preparation")["incoming_inspection_passed"] = payload.at("passed");
      break;
    case EventId::prep_inspection_plan:
      obj(record, "preparation")["inspection_plan"] = with_stamp(payload, actor, when);
      break;
    case EventId::production_report: {
      auto& p = obj(record, "production");
      const double quantity = number(payload.at("quantity"));
      const double cost = number(payload.at("cost"));
      p["batches"].as_object()[payload.at("batch").get_string()] =
          json::object{{"quantity", payload.at("quantity")},
                       {"cost", payload.at("cost")},
                       {"reported_by", actor.id},
                       {"reported_at", when},
                       {"inspections", 0},
                       {"passed", false},
                       {"quantity_passed", 0},
                       {"rectifications", 0}};
      add_number(p, "reported_quantity", quantity, "production.reported_quantity");
      add_number(p, "actual_cost", cost, "production.actual_cost");
      break;
    }
    case EventId::production_inspect: {
      auto& p = obj(record, "production");
      auto& batch = p["batches"].as_object()[payload.at("batch").get_string()].as_object();
      const bool passed = payload.at("passed").as_bool();
      add_number(batch, "inspections", 1, "production.batches.*.inspections");
      batch["passed"] = passed;
      batch["inspected_by"] = actor.id;
      double quantity_passed = passed ? number(batch.at("quantity")) : 0.0;
      if (const json::value* q = payload.if_contains("quantity_passed"))
        quantity_passed = number(*q);
      batch["quantity_passed"] = amount(quantity_passed, "production.batches.*.quantity_passed");
      add_number(p, "inspections", 1, "production.inspections");
      p["last_inspection_passed"] = passed;
      double total = 0;
      for (const auto& kv : p["batches"].as_object())
        if (kv.value().at("passed").as_bool()) total += number(kv.value().at("quantity_passed"));
      p["passed_quantity"] = amount(total, "production.passed_quantity");
      break;
    }
    case EventId::production_rectify: {
      // Rework costs money (policy §二(七)2): the batch keeps its own rework, and actual_cost —
      // Σ cost of every report and every rectification, as the KPIs of kpi.hpp read it — grows.
      // The batch's rework fields appear with the first rectification that gives them, so the
      // records (and snapshots) of cases that never gave one stay as they were.
      auto& p = obj(record, "production");
      auto& batch = p["batches"].as_object()[payload.at("batch").get_string()].as_object();
      add_number(batch, "rectifications", 1, "production.batches.*.rectifications");
      if (const json::value* cost = payload.if_contains("cost"); cost && !cost->is_null()) {
        add_number(batch, "rectification_cost", number(*cost),
                   "production.batches.*.rectification_cost");
        add_number(p, "actual_cost", number(*cost), "production.actual_cost");
      }
      if (const json::value* q = payload.if_contains("quantity"); q && !q->is_null())
        add_number(batch, "reworked_quantity", number(*q),
                   "production.batches.*.reworked_quantity");
      break;
    }
    case EventId::production_complete: {
      auto& p = obj(record, "production");
      p["completed"] = true;
      p["completed_at"] = when;
      break;
    }
    case EventId::delivery_pack:
      obj(record, "delivery")["packed"] = stamp(actor, when);
      break;
    case EventId::delivery_ship:
      obj(record, "delivery")["shipped"] = stamp(actor, when);
      break;
    case EventId::delivery_confirm: {
      json::object confirmed = with_stamp(payload, actor, when);
      obj(record, "delivery")["confirmed"] = std::move(confirmed);
      break;
    }
    case EventId::service_feedback: {
      auto& s = obj(record, "service");
      s["feedback"].as_array().push_back(payload.at("score"));
      s["last_feedback"] = with_stamp(payload, actor, when);
      break;
    }
    case EventId::service_complaint: {
      auto& s = obj(record, "service");
      json::object complaint = with_stamp(payload, actor, when);
      complaint["status"] = "open";
      complaint["opened_at"] = when;
      s["complaints"].as_object()[payload.at("id").get_string()] = std::move(complaint);
      add_number(s, "open_complaints", 1, "service.open_complaints");
      break;
    }
    case EventId::service_investigate:
    case EventId::service_resolve:
    case EventId::service_verify: {
      auto& s = obj(record, "service");
      auto& complaint = s["complaints"].as_object()[payload.at("id").get_string()].as_object();
      for (const auto& kv : payload)
        if (kv.key() != "id") complaint[kv.key()] = kv.value();
      if (event == EventId::service_investigate) {
        complaint["status"] = "investigated";
      } else if (event == EventId::service_resolve) {
        complaint["status"] = "resolved";
      } else if (payload.at("satisfied").as_bool()) {
        complaint["status"] = "closed";
        complaint["closed_at"] = when;
        add_number(s, "open_complaints", -1, "service.open_complaints");
      } else {
        complaint["status"] = "reopened";
      }
      break;
    }
    case EventId::case_suspend: {
      json::object suspension = with_stamp(payload, actor, when);
      suspension["stage"] = stage;
      record["suspension"] = std::move(suspension);
      break;
    }
    case EventId::case_resume: {
      record.erase("suspension");
      break;
    }
    case EventId::case_cancel:
      record["cancellation"] = with_stamp(payload, actor, when);
      break;
    case EventId::case_handover:
      record["handovers"].as_array().push_back(with_stamp(payload, actor, when));
      break;
    case EventId::case_close:
      record["closed"] = stamp(actor, when);
      break;
  }
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
