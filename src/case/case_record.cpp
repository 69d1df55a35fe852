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

// The department a kickoff.assign is for: named in the payload (null reads as absent), or the
// actor's first kickoff department (validation made sure there is one).
std::string assigning_department(const json::object& payload, const Actor& actor,
                                 const Policy& policy) {
  if (const json::value* d = payload.if_contains("department"); d && !d->is_null())
    return std::string(d->get_string());
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

namespace {

// What one accepted event gives its handler: the payload, who and when, and the case's stage.
struct Applied {
  EventId event;
  const json::object& payload;
  const Actor& actor;
  std::string_view when;
  std::string_view stage;
  const Policy& policy;

  json::object stamped() const { return with_stamp(payload, actor, when); }
  json::object stamp() const { return detail::stamp(actor, when); }
};

using Handler = void (*)(const Applied&, RecordChange&);

// An event that leaves the record as it is (its effect is the state it moves the case to).
void no_change(const Applied&, RecordChange&) {}

void on_intake_register(const Applied& a, RecordChange& record) {
  auto& data = record["data"].as_object();  // whole: a form may have any number of fields
  for (const auto& kv : a.payload) data[kv.key()] = kv.value();
}

void on_intake_forward(const Applied& a, RecordChange& record) {
  obj(record, "intake")["forwarded"] = a.stamp();
}

void on_intake_confirm(const Applied& a, RecordChange& record) {
  obj(record, "intake")["confirmed"] = a.stamp();
}

void on_intake_strategy_meeting(const Applied& a, RecordChange& record) {
  obj(record, "intake")["strategy_meeting"] = a.stamped();
}

void on_evaluation_quote(const Applied& a, RecordChange& record) {
  json::object quote = a.stamped();
  const double price = number(a.payload.at("price"));
  quote["margin"] =
      finite_number((price - number(a.payload.at("cost"))) / price, "evaluation.quote.margin");
  obj(record, "evaluation")["quote"] = std::move(quote);
}

// The risk register is applied by the case itself (case.cpp).
constexpr Handler on_evaluation_risks = no_change;

void on_evaluation_technical(const Applied& a, RecordChange& record) {
  obj(record, "evaluation")["technical"] = a.stamped();
}

void on_evaluation_capacity(const Applied& a, RecordChange& record) {
  obj(record, "evaluation")["capacity"] = a.stamped();
}

void on_evaluation_quality(const Applied& a, RecordChange& record) {
  obj(record, "evaluation")["quality"] = a.stamped();
}

void evaluation_decision(const Applied& a, RecordChange& record, bool approved) {
  json::object decision = a.stamped();
  decision["approved"] = approved;
  obj(record, "evaluation")["decision"] = std::move(decision);
}

void on_evaluation_approve(const Applied& a, RecordChange& record) {
  evaluation_decision(a, record, true);
}

void on_evaluation_reject(const Applied& a, RecordChange& record) {
  evaluation_decision(a, record, false);
}

void on_contract_draft(const Applied& a, RecordChange& record) {
  auto& c = obj(record, "contract");
  add_number(c, "version", 1, "contract.version");
  if (a.event == EventId::contract_revise) add_number(c, "revisions", 1, "contract.revisions");
  c["draft"] = json::object{{"amount", a.payload.at("amount")},
                            {"delivery_date", a.payload.at("delivery_date")},
                            {"payment_terms", a.payload.at("payment_terms")}};
  c["drafted_by"] = a.actor.id;
  // Approvals are for one draft: a new draft voids them (design.md §4).
  c["approvals"] = json::array{};
  c["approvers"] = json::array{};
  c["approval_count"] = 0;
}

constexpr Handler on_contract_revise = on_contract_draft;

void on_contract_submit(const Applied&, RecordChange& record) {
  auto& c = obj(record, "contract");
  c["submitted_version"] = c["version"];
}

void on_contract_legal_approve(const Applied& a, RecordChange& record) {
  auto& c = obj(record, "contract");
  c["legal_approved_version"] = c["version"];
  c["legal_approval"] = a.stamp();
}

void on_contract_legal_reject(const Applied& a, RecordChange& record) {
  auto& c = obj(record, "contract");
  json::object comment = a.stamped();
  comment["version"] = c["version"];
  json::array list;
  if (const json::value* old = c.if_contains("legal_rejections"); old && old->is_array())
    list = old->get_array();
  list.push_back(std::move(comment));
  c["legal_rejections"] = std::move(list);
}

void on_contract_approve(const Applied& a, RecordChange& record) {
  auto& c = obj(record, "contract");
  c["approvals"].as_array().push_back(a.stamp());
  auto& approvers = c["approvers"].as_array();
  if (std::find(approvers.begin(), approvers.end(), json::value(a.actor.id)) == approvers.end())
    approvers.emplace_back(a.actor.id);
  c["approval_count"] = approvers.size();
}

void on_contract_sign(const Applied& a, RecordChange& record) {
  auto& c = obj(record, "contract");
  json::object signed_ = a.stamp();
  signed_["amount"] = c.at("draft").at("amount");
  signed_["version"] = c["version"];
  c["signed"] = std::move(signed_);
}

// The departments a policy sends contract copies to, as the ledger row lists them.
json::array contract_copies(const Policy& policy) {
  json::array copies;
  copies.reserve(policy.contract_copies_to().size());
  for (const auto& dept : policy.contract_copies_to()) copies.emplace_back(dept);
  return copies;
}

// The contract ledger row of policy §二(三)2: signing date, customer, content, amount, delivery
// date, and the departments that receive copies (the policy's process.json, contract.copies_to).
void on_contract_archive(const Applied& a, RecordChange& record) {
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
  row["copies_to"] = contract_copies(a.policy);
  json::object archived = a.stamp();
  archived["ledger_row"] = std::move(row);
  c["archived"] = std::move(archived);
}

void on_kickoff_meeting(const Applied& a, RecordChange& record) {
  auto& k = obj(record, "kickoff");
  k["meeting"] = a.stamp();
  if (const json::value* m = a.payload.if_contains("milestones")) k["milestones"] = *m;
  k["production_plan"] = a.payload.at("production_plan");
  auto& production = obj(record, "production");
  const auto& plan = a.payload.at("production_plan").get_object();
  production["planned_quantity"] = plan.at("quantity");
  production["planned_completion"] = plan.at("completion_date");
  production["budget_cost"] = plan.at("budget_cost");
}

void on_kickoff_assign(const Applied& a, RecordChange& record) {
  auto& k = obj(record, "kickoff");
  const std::string dept = assigning_department(a.payload, a.actor, a.policy);
  auto& assigned = k["assigned"].as_array();
  if (std::find(assigned.begin(), assigned.end(), json::value(dept)) == assigned.end())
    assigned.emplace_back(dept);
  json::object task = a.stamped();
  task["department"] = dept;
  k["tasks"].as_array().push_back(std::move(task));
}

void on_project_progress_meeting(const Applied& a, RecordChange& record) {
  apply_progress_meeting(a.payload, a.actor, a.when, record);
}

void on_service_customer_meeting(const Applied& a, RecordChange& record) {
  json::object& book = meeting_book(record, "customer");
  add_number(book, "held", 1, "meetings.customer.held");
  book["last"] = a.stamped();
}

void on_design_submit(const Applied& a, RecordChange& record) {
  auto& d = obj(record, "design");
  add_number(d, "submissions", 1, "design.submissions");
  if (const json::value* n = a.payload.if_contains("innovations"))
    add_number(d, "innovations", number(*n), "design.innovations");
  d["submitted"] = a.stamp();
}

void on_design_review(const Applied& a, RecordChange& record) {
  auto& d = obj(record, "design");
  add_number(d, "reviews", 1, "design.reviews");
  d["last_review_passed"] = a.payload.at("passed");
}

void on_sample_build(const Applied&, RecordChange& record) {
  add_number(obj(record, "sample"), "builds", 1, "sample.builds");
}

void on_sample_test(const Applied& a, RecordChange& record) {
  auto& s = obj(record, "sample");
  add_number(s, "tests", 1, "sample.tests");
  if (!s.contains("first_test_passed")) s["first_test_passed"] = a.payload.at("passed");
  s["last_test_passed"] = a.payload.at("passed");
}

void on_sample_confirm(const Applied& a, RecordChange& record) {
  auto& s = obj(record, "sample");
  s["accepted"] = a.payload.at("accepted");
  if (const json::value* f = a.payload.if_contains("feedback")) s["feedback"] = *f;
}

void on_prep_materials(const Applied&, RecordChange& record) {
  obj(record, "preparation")["materials"] = true;
}

void on_prep_equipment(const Applied&, RecordChange& record) {
  obj(record, "preparation")["equipment"] = true;
}

void on_prep_training(const Applied&, RecordChange& record) {
  obj(record, "preparation")["training"] = true;
}

void on_prep_instructions(const Applied&, RecordChange& record) {
  obj(record, "preparation")["instructions"] = true;
}

void on_prep_incoming_inspection(const Applied& a, RecordChange& record) {
  obj(record, "preparation")["incoming_inspection_passed"] = a.payload.at("passed");
}

void on_prep_inspection_plan(const Applied& a, RecordChange& record) {
  obj(record, "preparation")["inspection_plan"] = a.stamped();
}

void on_production_report(const Applied& a, RecordChange& record) {
  auto& p = obj(record, "production");
  const double quantity = number(a.payload.at("quantity"));
  const double cost = number(a.payload.at("cost"));
  p["batches"].as_object()[a.payload.at("batch").get_string()] =
      json::object{{"quantity", a.payload.at("quantity")},
                   {"cost", a.payload.at("cost")},
                   {"reported_by", a.actor.id},
                   {"reported_at", a.when},
                   {"inspections", 0},
                   {"passed", false},
                   {"quantity_passed", 0},
                   {"rectifications", 0}};
  add_number(p, "reported_quantity", quantity, "production.reported_quantity");
  add_number(p, "actual_cost", cost, "production.actual_cost");
}

void on_production_inspect(const Applied& a, RecordChange& record) {
  auto& p = obj(record, "production");
  auto& batch = p["batches"].as_object()[a.payload.at("batch").get_string()].as_object();
  const bool passed = a.payload.at("passed").as_bool();
  add_number(batch, "inspections", 1, "production.batches.*.inspections");
  batch["passed"] = passed;
  batch["inspected_by"] = a.actor.id;
  double quantity_passed = passed ? number(batch.at("quantity")) : 0.0;
  if (const json::value* q = a.payload.if_contains("quantity_passed")) quantity_passed = number(*q);
  batch["quantity_passed"] = amount(quantity_passed, "production.batches.*.quantity_passed");
  add_number(p, "inspections", 1, "production.inspections");
  p["last_inspection_passed"] = passed;
  double total = 0;
  for (const auto& kv : p["batches"].as_object())
    if (kv.value().at("passed").as_bool()) total += number(kv.value().at("quantity_passed"));
  p["passed_quantity"] = amount(total, "production.passed_quantity");
}

// Rework costs money (policy §二(七)2): the batch keeps its own rework, and actual_cost — Σ cost
// of every report and every rectification, as the KPIs of kpi.hpp read it — grows. The batch's
// rework fields appear with the first rectification that gives them, so the records (and
// snapshots) of cases that never gave one stay as they were.
void on_production_rectify(const Applied& a, RecordChange& record) {
  auto& p = obj(record, "production");
  auto& batch = p["batches"].as_object()[a.payload.at("batch").get_string()].as_object();
  add_number(batch, "rectifications", 1, "production.batches.*.rectifications");
  if (const json::value* cost = a.payload.if_contains("cost"); cost && !cost->is_null()) {
    add_number(batch, "rectification_cost", number(*cost),
               "production.batches.*.rectification_cost");
    add_number(p, "actual_cost", number(*cost), "production.actual_cost");
  }
  if (const json::value* q = a.payload.if_contains("quantity"); q && !q->is_null())
    add_number(batch, "reworked_quantity", number(*q), "production.batches.*.reworked_quantity");
}

void on_production_complete(const Applied& a, RecordChange& record) {
  auto& p = obj(record, "production");
  p["completed"] = true;
  p["completed_at"] = a.when;
}

void on_delivery_pack(const Applied& a, RecordChange& record) {
  obj(record, "delivery")["packed"] = a.stamp();
}

void on_delivery_ship(const Applied& a, RecordChange& record) {
  obj(record, "delivery")["shipped"] = a.stamp();
}

void on_delivery_confirm(const Applied& a, RecordChange& record) {
  obj(record, "delivery")["confirmed"] = a.stamped();
}

void on_service_feedback(const Applied& a, RecordChange& record) {
  auto& s = obj(record, "service");
  s["feedback"].as_array().push_back(a.payload.at("score"));
  s["last_feedback"] = a.stamped();
}

void on_service_complaint(const Applied& a, RecordChange& record) {
  auto& s = obj(record, "service");
  json::object complaint = a.stamped();
  complaint["status"] = "open";
  complaint["opened_at"] = a.when;
  s["complaints"].as_object()[a.payload.at("id").get_string()] = std::move(complaint);
  add_number(s, "open_complaints", 1, "service.open_complaints");
}

// investigate, resolve and verify: the payload's fields join the complaint, whose status moves.
void on_service_investigate(const Applied& a, RecordChange& record) {
  auto& s = obj(record, "service");
  auto& complaint = s["complaints"].as_object()[a.payload.at("id").get_string()].as_object();
  for (const auto& kv : a.payload)
    if (kv.key() != "id") complaint[kv.key()] = kv.value();
  if (a.event == EventId::service_investigate) {
    complaint["status"] = "investigated";
  } else if (a.event == EventId::service_resolve) {
    complaint["status"] = "resolved";
  } else if (a.payload.at("satisfied").as_bool()) {
    complaint["status"] = "closed";
    complaint["closed_at"] = a.when;
    add_number(s, "open_complaints", -1, "service.open_complaints");
  } else {
    complaint["status"] = "reopened";
  }
}

constexpr Handler on_service_resolve = on_service_investigate;
constexpr Handler on_service_verify = on_service_investigate;

void on_case_suspend(const Applied& a, RecordChange& record) {
  json::object suspension = a.stamped();
  suspension["stage"] = a.stage;
  record["suspension"] = std::move(suspension);
}

void on_case_resume(const Applied&, RecordChange& record) {
  record.erase("suspension");
}

void on_case_cancel(const Applied& a, RecordChange& record) {
  record["cancellation"] = a.stamped();
}

void on_case_handover(const Applied& a, RecordChange& record) {
  record["handovers"].as_array().push_back(a.stamped());
}

void on_case_close(const Applied& a, RecordChange& record) {
  record["closed"] = a.stamp();
}

// One handler per event, in the order of EventId: the X-macro names on_<event> for each, so an
// event without a handler does not compile.
constexpr Handler kHandlers[] = {
#define UNDERTAKE_EVENT_HANDLER(id, name) on_##id,
    UNDERTAKE_EVENTS(UNDERTAKE_EVENT_HANDLER)
#undef UNDERTAKE_EVENT_HANDLER
};
static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == kEventCount);

}  // namespace

void apply_to_record(EventId event, const json::object& payload, const Actor& actor,
                     std::string_view when, std::string_view stage, const Policy& policy,
                     RecordChange& record) {
  kHandlers[static_cast<std::size_t>(event)](Applied{event, payload, actor, when, stage, policy},
                                             record);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
