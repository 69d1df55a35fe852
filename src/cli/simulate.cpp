// The simulated factory (simulate.hpp). Probabilities and durations are those of a small
// make-to-order factory: most orders go through, some are turned down at evaluation, a few are
// withdrawn; design and production loop now and then; complaints come weeks after delivery.
#include "cli/simulate.hpp"

#include <algorithm>
#include <cmath>

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace sim {
namespace {

using ms = std::chrono::milliseconds;

Timestamp after(Timestamp t, Chooser& ch, double lo_hours, double hi_hours) {
  return t + ms(std::llround(ch.real(lo_hours, hi_hours) * 3'600'000.0));
}
double days(double d) {
  return d * 24.0;
}

double number(const json::value* v) {
  if (!v) return 0;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return 0;
}

const json::value* at_path(const json::object& o, std::initializer_list<std::string_view> path) {
  const json::value* v = nullptr;
  const json::object* cur = &o;
  for (auto key : path) {
    if (!cur) return nullptr;
    v = cur->if_contains(key);
    if (!v) return nullptr;
    cur = v->is_object() ? &v->get_object() : nullptr;
  }
  return v;
}

bool flag(const json::object& record, std::initializer_list<std::string_view> path) {
  const json::value* v = at_path(record, path);
  return v && v->is_bool() && v->get_bool();
}

double money(double v) {
  return std::round(v);
}

struct Customer {
  const char* name;
  bool key;
};
constexpr Customer kCustomers[] = {
    {"Hengda Machinery", true},     {"Sanyo Pumps", false},       {"Dongfang Valves", true},
    {"Minghua Auto Parts", false},  {"Kaiyuan Electric", false},  {"Jinlong HVAC", false},
    {"Baosteel Fittings", true},    {"Xinghai Marine", false},    {"Taihe Medical", false},
    {"Lianfa Robotics", false},     {"Huarun Packaging", false},  {"Zhongtian Rail", true},
    {"Greenfield Agritech", false}, {"Nordic Hydraulics", false}, {"Pacific Motion", false},
    {"Ruitai Instruments", false}};
constexpr const char* kProducts[] = {"Gearbox housing", "Pump impeller",      "Valve body",
                                     "Motor end cap",   "Hydraulic manifold", "Bearing seat",
                                     "Heat-sink plate", "Control cabinet",    "Drive shaft",
                                     "Flange coupling", "Sensor bracket",     "Compressor casing"};
constexpr const char* kChannels[] = {"email", "phone", "visit", "trade fair", "portal"};

std::string date_only(Timestamp t) {
  return format_iso8601_date(t);
}

}  // namespace

double Chooser::real(double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(between(0, 1'000'000)) / 1'000'000.0;
}

bool RandomChooser::chance(double p) {
  return real(0, 1) < p;
}
int RandomChooser::between(int lo, int hi) {
  if (hi <= lo) return lo;
  const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<int>(rng_() % span);
}
double RandomChooser::real(double lo, double hi) {
  const double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * u;
}

const Actor& Staff::market() {
  static const Actor a{"mei", {"market"}};
  return a;
}
const Actor& Staff::sales(int i) {
  static const Actor a{"li", {"sales"}};
  static const Actor b{"wang", {"sales"}};
  return i % 2 ? b : a;
}
const Actor& Staff::technical_head() {
  static const Actor a{"zhao", {"technical"}};
  return a;
}
const Actor& Staff::engineer() {
  static const Actor a{"wu", {"technical"}};
  return a;
}
const Actor& Staff::production_head() {
  static const Actor a{"sun", {"production"}};
  return a;
}
const Actor& Staff::operator_() {
  static const Actor a{"zhang", {"production"}};
  return a;
}
const Actor& Staff::quality_head() {
  static const Actor a{"qian", {"quality"}};
  return a;
}
const Actor& Staff::inspector() {
  static const Actor a{"he", {"quality"}};
  return a;
}
const Actor& Staff::legal() {
  static const Actor a{"zhou", {"legal"}};
  return a;
}
const Actor& Staff::manager(int i) {
  static const Actor a{"boss", {"management"}};
  static const Actor b{"cfo", {"management"}};
  return i % 2 ? b : a;
}

json::object Traits::to_json() const {
  return json::object{{"key_customer", key_customer},
                      {"standard_product", standard_product},
                      {"incomplete_form", incomplete_form},
                      {"thin_margin", thin_margin},
                      {"infeasible", infeasible},
                      {"capacity_short", capacity_short},
                      {"unhandled_risk", unhandled_risk},
                      {"critical_risk", critical_risk},
                      {"legal_rejections", legal_rejections},
                      {"slow_contract", slow_contract},
                      {"design_reworks", design_reworks},
                      {"sample_failures", sample_failures},
                      {"sample_rejected", sample_rejected},
                      {"failed_inspections", failed_inspections},
                      {"late_production", late_production},
                      {"complaints", complaints},
                      {"cancel_in", cancel_in},
                      {"suspend_in", suspend_in}};
}

OrderScript OrderScript::draw(std::string id, Timestamp arrival, Chooser& ch) {
  OrderScript s;
  s.id_ = std::move(id);
  s.arrival_ = arrival;
  Traits& t = s.traits_;
  const Customer& customer = kCustomers[ch.between(0, static_cast<int>(std::size(kCustomers)) - 1)];
  t.key_customer = customer.key;
  t.standard_product = ch.chance(0.3);
  t.incomplete_form = ch.chance(0.06);
  t.thin_margin = ch.chance(0.14);
  t.infeasible = !t.standard_product && ch.chance(0.06);
  t.capacity_short = ch.chance(0.06);
  t.unhandled_risk = ch.chance(0.08);
  t.critical_risk = ch.chance(0.04);
  t.legal_rejections = ch.chance(0.25) ? (ch.chance(0.3) ? 2 : 1) : 0;
  t.slow_contract = ch.chance(0.1);
  t.design_reworks = !t.standard_product && ch.chance(0.25) ? ch.between(1, 2) : 0;
  t.sample_failures = !t.standard_product && ch.chance(0.2) ? 1 : 0;
  t.sample_rejected = !t.standard_product && ch.chance(0.12);
  t.failed_inspections = ch.chance(0.08) ? ch.between(1, 2) : 0;
  t.late_production = ch.chance(0.12);
  t.complaints = ch.chance(0.18) ? (ch.chance(0.2) ? 2 : 1) : 0;
  t.complaint_unsatisfied = ch.chance(0.3);
  t.slow_complaint = ch.chance(0.3);
  static const char* const kCancelStages[] = {"Evaluation", "Contract", "Design", "Preparation",
                                              "Production"};
  if (ch.chance(0.04)) t.cancel_in = kCancelStages[ch.between(0, 4)];
  static const char* const kSuspendStages[] = {"Contract", "Design", "Production"};
  if (ch.chance(0.05)) {
    t.suspend_in = kSuspendStages[ch.between(0, 2)];
    t.resume_after_suspension = ch.chance(0.7);
  }

  // Mostly orders of a few ten thousand; key customers order more; now and then a big project.
  const bool big_project = ch.chance(0.05);
  s.quantity_ = ch.between(2, 60) * 10.0 * (big_project ? 8 : 1);
  const double unit =
      ch.between(15, 160) * (t.key_customer ? 2.0 : 1.0) * (big_project ? 1.6 : 1.0);
  s.price_ = money(s.quantity_ * unit);
  const double margin = t.thin_margin ? ch.real(0.04, 0.14) : ch.real(0.17, 0.38);
  s.cost_ = money(s.price_ * (1 - margin));
  s.batches_ = s.quantity_ >= 1000 ? ch.between(2, 3) : (s.quantity_ >= 300 ? ch.between(1, 2) : 1);
  const int lead_days = t.standard_product ? ch.between(60, 100) : ch.between(85, 150);
  s.delivery_date_ = date_only(arrival + ms(std::llround(days(lead_days) * 3'600'000.0)));

  const std::string product =
      std::string(kProducts[ch.between(0, static_cast<int>(std::size(kProducts)) - 1)]) + " " +
      static_cast<char>('A' + ch.between(0, 25)) + std::to_string(ch.between(10, 99));
  s.form_ = json::object{
      {"customer",
       json::object{{"name", customer.name}, {"tier", t.key_customer ? "key" : "regular"}}},
      {"product", json::object{{"name", product}, {"standard", t.standard_product}}},
      {"spec",
       product + ", drawing rev " + std::string(1, static_cast<char>('A' + ch.between(0, 5)))},
      {"quantity", s.quantity_},
      {"delivery_date", s.delivery_date_},
      {"channel", kChannels[ch.between(0, 4)]},
      {"estimated_amount", money(s.price_ * ch.real(0.9, 1.1))}};
  if (!t.incomplete_form) s.form_["quality_requirements"] = "ISO 2768-m, incoming AQL 1.0";
  return s;
}

Action OrderScript::act(std::string event, const Actor& actor, Timestamp at,
                        json::object payload) const {
  return Action{std::move(event), actor, std::move(payload), at};
}

void OrderScript::observe(const Action& action, const Outcome& outcome) {
  ++steps_;
  if (outcome.accepted) {
    last_refusal_rule_.clear();
    return;
  }
  ++refusals_[action.event];
  last_refusal_rule_ = outcome.reasons.empty() ? "" : outcome.reasons.front().rule;
  if (last_refusal_rule_.empty() && !outcome.reasons.empty())
    last_refusal_rule_ = reason_kind_name(outcome.reasons.front().kind);
}

std::optional<Action> OrderScript::next(const Case& c, Timestamp not_before, Chooser& ch) {
  if (steps_ > 400) return std::nullopt;  // a backstop; no script takes that long
  Timestamp t = std::max(not_before, arrival_);
  if (!c.ledger().empty()) t = std::max(t, c.ledger().back().at);
  return plan(c, t, ch);
}

// What one planning step works with: the case as it stands, the earliest time, the dice, and the
// salesperson who looks after the order.
struct OrderScript::Moment {
  const Case& c;
  const std::string& stage;
  const json::object& record;
  Timestamp t;
  Chooser& ch;
  const Actor& sales;
};

std::optional<Action> OrderScript::plan(const Case& c, Timestamp t, Chooser& ch) {
  const std::string stage = c.stage();
  if (is_terminal_stage(stage)) return std::nullopt;

  // Three refusals of one event: the order is stuck; sales withdraws it when it still may.
  for (const auto& [event, n] : refusals_)
    if (n >= 3) {
      if (!c.accepts("case.cancel")) return std::nullopt;
      const std::string reason = "blocked: " + event + " refused three times";
      refusals_.clear();
      return act("case.cancel", Staff::sales(), after(t, ch, 4, 48), {{"reason", reason}});
    }
  if (auto a = plan_interruption(stage, t, ch)) return a;

  const Moment m{c, stage, c.record(), t, ch, Staff::sales(id_.size() % 2 ? 1 : 0)};
  if (auto a = plan_intake(m)) return a;
  if (stage == "Evaluation") return plan_evaluation(m);
  if (auto a = plan_contract(m)) return a;
  if (auto a = plan_kickoff(m)) return a;
  if (auto a = plan_design(m)) return a;
  if (stage == "Preparation") return plan_preparation(m);
  if (auto a = plan_production(m)) return a;
  if (auto a = plan_delivery(m)) return a;
  return plan_after_sales(m);
}

std::optional<Action> OrderScript::plan_interruption(const std::string& stage, Timestamp t,
                                                     Chooser& ch) {
  const Traits& tr = traits_;
  if (stage == "Suspended") {
    if (tr.resume_after_suspension)
      return act("case.resume", Staff::sales(), after(t, ch, days(5), days(25)));
    return act("case.cancel", Staff::manager(), after(t, ch, days(5), days(20)),
               {{"reason", "customer withdrew the order while it was on hold"}});
  }
  if (!tr.suspend_in.empty() && stage == tr.suspend_in && !suspended_done_) {
    suspended_done_ = true;
    return act("case.suspend", Staff::sales(), after(t, ch, 12, days(6)),
               {{"reason", "customer put the order on hold (budget review)"}});
  }
  if (!tr.cancel_in.empty() && stage == tr.cancel_in)
    return act("case.cancel", Staff::sales(), after(t, ch, days(1), days(8)),
               {{"reason", "customer withdrew the order"}});
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_intake(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  if (c.in("Intake.Registered")) {
    if (tr.incomplete_form && !form_fixed_ && !forwarded_too_early_) {
      if (ch.chance(0.4)) {
        forwarded_too_early_ = true;
        return act("intake.forward", Staff::market(), after(t, ch, 2, 24));
      }
      form_fixed_ = true;
      return act("intake.register", Staff::market(), after(t, ch, 2, 30),
                 {{"quality_requirements", "ISO 2768-m, incoming AQL 1.0"}});
    }
    return act("intake.forward", Staff::market(), after(t, ch, 2, 30));
  }
  if (c.in("Intake.SalesReview")) {
    if (refusals_["intake.confirm"] > 0)
      return act("case.cancel", sales, after(t, ch, 4, 48),
                 {{"reason", "requirement incomplete: customer to resubmit the form"}});
    return act("intake.confirm", sales, after(t, ch, 12, days(3)));
  }
  if (c.in("Intake.StrategyMeeting"))
    return act("intake.strategy_meeting", sales, after(t, ch, days(1), days(5)),
               {{"attendees", json::array{"sales", "technical", "production", "quality"}},
                {"strategy", "accept with dedicated line capacity"}});
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_evaluation(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  std::vector<int> pending;
  if (c.in("Evaluation.Commercial.Quoting")) pending.push_back(0);
  if (c.in("Evaluation.Technical.Assessing")) pending.push_back(1);
  if (c.in("Evaluation.Capacity.Checking")) pending.push_back(2);
  if (c.in("Evaluation.QualityRisk.Assessing")) pending.push_back(3);
  const bool risks_registered = number(at_path(record, {"risk", "open"})) > 0 || risks_fixed_;
  if (!risks_registered) pending.push_back(4);
  if (!pending.empty()) {
    const int pick =
        pending[static_cast<std::size_t>(ch.between(0, static_cast<int>(pending.size()) - 1))];
    const Timestamp when = after(t, ch, 4, days(2.5));  // departments assess in parallel
    return plan_assessment(m, pick, when);
  }
  // Every assessment is in: management decides.
  const Timestamp when = after(t, ch, 12, days(3));
  if (reject_next_)
    return act("evaluation.reject", Staff::manager(), when, {{"reason", reject_reason_}});
  if (!last_refusal_rule_.empty() && refusals_["evaluation.approve"] > 0)
    if (auto a = plan_after_refused_approval(m, when)) return a;
  json::object payload;
  if (override_next_)
    payload["override"] = json::object{
        {"reason", tr.key_customer ? "strategic key customer: accept below-target margin"
                                   : "accepted by management after review"}};
  return act("evaluation.approve", Staff::manager(), when, std::move(payload));
}

// One department's assessment: 0 the quote, 1 technical, 2 capacity, 3 quality, 4 the risks.
Action OrderScript::plan_assessment(const Moment& m, int pick, Timestamp when) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  switch (pick) {
    case 0:
      if (refusals_["evaluation.quote"] == 0 && ch.chance(0.03))  // someone outside sales tries
        return act("evaluation.quote", Staff::market(), when, {{"price", price_}, {"cost", cost_}});
      return act("evaluation.quote", sales, when, {{"price", price_}, {"cost", cost_}});
    case 1:
      return act("evaluation.technical", Staff::technical_head(), when,
                 {{"feasible", !tr.infeasible},
                  {"solution", tr.infeasible ? "tolerance beyond our machining capability"
                                             : "casting + CNC machining"},
                  {"cost", money(cost_ * 0.08)}});
    case 2:
      return act("evaluation.capacity", Staff::production_head(), when,
                 {{"sufficient", !tr.capacity_short}});
    case 3:
      return act("evaluation.quality", Staff::quality_head(), when,
                 {{"assessment", "porosity and dimensional risk; first-article inspection"}});
    default: {
      json::array risks;
      risks.push_back(json::object{{"id", "R1"},
                                   {"category", "market"},
                                   {"description", "raw material price swings"},
                                   {"probability", ch.between(1, 3)},
                                   {"impact", ch.between(1, 4)},
                                   {"response", "mitigate"},
                                   {"owner", sales.id}});
      if (tr.unhandled_risk)
        risks.push_back(json::object{{"id", "R2"},
                                     {"category", "production"},
                                     {"description", "single supplier for castings"},
                                     {"probability", 3},
                                     {"impact", 4}});
      if (tr.critical_risk)
        risks.push_back(json::object{{"id", "R3"},
                                     {"category", "quality"},
                                     {"description", "leak test failures at 2 bar"},
                                     {"probability", 4},
                                     {"impact", 4},
                                     {"response", "mitigate"},
                                     {"owner", "qian"}});
      return act("evaluation.risks", Staff::quality_head(), when, {{"risks", std::move(risks)}});
    }
  }
}

// Management's approval was refused by a rule: fix what the rule found, reject the order, or
// (nothing returned) approve again, with an override when one was decided.
std::optional<Action> OrderScript::plan_after_refused_approval(const Moment& m, Timestamp when) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  const std::string rule = last_refusal_rule_;
  last_refusal_rule_.clear();
  if (rule == "technically-feasible") {
    reject_next_ = true;
    reject_reason_ = "technically infeasible: the spec cannot be met";
    return act("evaluation.reject", sales, when, {{"reason", reject_reason_}});
  }
  if (rule == "capacity-sufficient") {
    if (ch.chance(0.5)) {
      traits_.capacity_short = false;  // the plan is adjusted: a second shift
      return act("evaluation.capacity", Staff::production_head(), when,
                 {{"sufficient", true}, {"plan_adjustment", "second shift in weeks 3-6"}});
    }
    return act("evaluation.reject", Staff::manager(), when,
               {{"reason", "no production capacity for the requested date"}});
  }
  if (rule == "high-risks-handled") {
    risks_fixed_ = true;
    return act("evaluation.risks", sales, when,
               {{"risks", json::array{json::object{
                              {"id", "R2"}, {"response", "mitigate"}, {"owner", "sun"}}}}});
  }
  if (rule == "minimum-margin") {
    const double r = ch.real(0, 1);
    if (r < (tr.key_customer ? 0.7 : 0.35)) {
      override_next_ = true;
    } else if (r < 0.7 && requotes_ == 0) {
      ++requotes_;
      price_ = money(price_ * 1.15);
      return act("evaluation.quote", sales, when, {{"price", price_}, {"cost", cost_}});
    } else {
      return act("evaluation.reject", sales, when,
                 {{"reason", "margin below 15 %: customer would not accept a higher price"}});
    }
  }
  if (rule == "no-critical-risk") {
    if (ch.chance(0.6))
      override_next_ = true;
    else
      return act("evaluation.reject", Staff::manager(), when,
                 {{"reason", "critical quality risk not acceptable"}});
  }
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_contract(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  const double amount = number(at_path(record, {"contract", "draft", "amount"}));
  auto terms = [&](bool revised) {
    return json::object{{"amount", revised ? money(amount * 0.98) : price_},
                        {"delivery_date", delivery_date_},
                        {"payment_terms", revised ? "30% advance, 70% within 30 days of delivery"
                                                  : "30% advance, 70% on delivery"}};
  };
  if (c.in("Contract.Negotiation"))
    return act("contract.draft", sales, after(t, ch, days(1), days(tr.slow_contract ? 20 : 5)),
               terms(false));
  if (c.in("Contract.Drafting")) return act("contract.submit", sales, after(t, ch, 4, days(2)));
  if (c.in("Contract.LegalReview")) {
    const Timestamp when = after(t, ch, 12, days(ch.chance(0.15) ? 8 : 4));
    if (legal_rejections_done_ < tr.legal_rejections) {
      ++legal_rejections_done_;
      return act(
          "contract.legal_reject", Staff::legal(), when,
          {{"comments", legal_rejections_done_ == 1 ? "penalty clause unbalanced; add force majeure"
                                                    : "IP ownership of tooling unclear"}});
    }
    return act("contract.legal_approve", Staff::legal(), when);
  }
  if (c.in("Contract.Revision"))
    return act("contract.revise", sales, after(t, ch, days(1), days(4)), terms(true));
  if (c.in("Contract.AwaitingSignature")) {
    const int required = amount < 100'000 ? 0 : (amount < 1'000'000 ? 1 : 2);
    const int have = static_cast<int>(number(at_path(record, {"contract", "approval_count"})));
    if (have < required) {
      if (!try_sign_early_ && refusals_["contract.sign"] == 0 && ch.chance(0.2)) {
        try_sign_early_ = true;
        return act("contract.sign", sales, after(t, ch, 4, days(2)));
      }
      return act("contract.approve", Staff::manager(have), after(t, ch, 4, days(3)));
    }
    return act("contract.sign", sales, after(t, ch, days(1), days(tr.slow_contract ? 30 : 5)));
  }
  if (c.in("Contract.Signed")) return act("contract.archive", sales, after(t, ch, 1, 24));
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_kickoff(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  if (c.in("Kickoff.Meeting")) {
    const Timestamp delivery = *parse_iso8601(delivery_date_);
    const std::string completion = date_only(delivery - ms(std::llround(days(7) * 3'600'000.0)));
    return act("kickoff.meeting", sales, after(t, ch, days(1), days(4)),
               {{"milestones",
                 json::array{json::object{{"name", "production done"}, {"due", completion}}}},
                {"production_plan", json::object{{"quantity", quantity_},
                                                 {"completion_date", completion},
                                                 {"budget_cost", money(cost_ * 0.8)}}}});
  }
  if (c.in("Kickoff.TaskAssignment")) {
    const auto* assigned = at_path(record, {"kickoff", "assigned"});
    auto done = [&](std::string_view dept) {
      if (!assigned || !assigned->is_array()) return false;
      for (const auto& d : assigned->get_array())
        if (d.is_string() && d.get_string() == dept) return true;
      return false;
    };
    const Timestamp when = after(t, ch, 2, days(2));
    if (!done("technical"))
      return act(
          "kickoff.assign", Staff::technical_head(), when,
          {{"tasks", json::array{json::object{{"owner", "wu"}, {"task", "design and samples"}}}}});
    if (!done("production")) return act("kickoff.assign", Staff::production_head(), when);
    return act("kickoff.assign", Staff::quality_head(), when);
  }
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_design(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  if (c.in("Design.Designing"))
    return act("design.submit", Staff::engineer(), after(t, ch, days(4), days(12)),
               {{"innovations", ch.chance(0.07) ? 1 : 0}});
  if (c.in("Design.DesignReview")) {
    const bool passed = reworks_done_ >= tr.design_reworks;
    if (!passed) ++reworks_done_;
    return act("design.review", ch.chance(0.5) ? Staff::technical_head() : Staff::quality_head(),
               after(t, ch, 12, days(3)), {{"passed", passed}});
  }
  if (c.in("Design.SampleMaking"))
    return act("sample.build", Staff::engineer(), after(t, ch, days(2), days(7)));
  if (c.in("Design.SampleTesting")) {
    const bool passed = sample_failures_done_ >= tr.sample_failures;
    if (!passed) ++sample_failures_done_;
    return act("sample.test", Staff::inspector(), after(t, ch, 12, days(3)), {{"passed", passed}});
  }
  if (c.in("Design.CustomerConfirmation")) {
    const bool accepted = !(tr.sample_rejected && !sample_rejected_done_);
    if (!accepted) sample_rejected_done_ = true;
    return act("sample.confirm", sales, after(t, ch, days(2), days(8)),
               {{"accepted", accepted},
                {"feedback", accepted ? "approved" : "surface finish to be improved"}});
  }
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_preparation(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const double slow = traits_.late_production ? 2.0 : 1.0;
  std::vector<Action> options;
  const Timestamp when =
      after(t, ch, 6, days(2) * slow);  // production and quality prepare in parallel
  if (c.in("Preparation.Production.Preparing"))
    for (const char* step : {"materials", "equipment", "training", "instructions"})
      if (!flag(record, {"preparation", step}))
        options.push_back(
            act(std::string("prep.") + step,
                std::string(step) == "materials" ? Staff::operator_() : Staff::production_head(),
                when));
  if (c.in("Preparation.Quality.IncomingInspection"))
    options.push_back(
        act("prep.incoming_inspection", Staff::inspector(), when, {{"passed", ch.chance(0.9)}}));
  if (c.in("Preparation.Quality.InspectionPlanning"))
    options.push_back(act("prep.inspection_plan", Staff::quality_head(), when,
                          {{"items", json::array{"dimensions", "leak test"}},
                           {"methods", json::array{"CMM", "pressure decay"}},
                           {"standards", json::array{"ISO 2768-m"}}}));
  if (options.empty()) return std::nullopt;
  return options[static_cast<std::size_t>(ch.between(0, static_cast<int>(options.size()) - 1))];
}

std::optional<Action> OrderScript::plan_production(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  const double slow = tr.late_production ? 2.0 : 1.0;
  if (c.in("Production.Producing")) {
    const double planned = number(at_path(record, {"production", "planned_quantity"}));
    const double passed = number(at_path(record, {"production", "passed_quantity"}));
    if (passed >= planned && planned > 0)
      return act("production.complete", Staff::production_head(), after(t, ch, 4, days(2)));
    ++batch_no_;
    open_batch_ = "B" + std::to_string(batch_no_);
    const double per = std::floor(quantity_ / batches_);
    const double qty = batch_no_ >= batches_ ? std::max(planned - passed, 1.0) : per;
    const double budget = number(at_path(record, {"production", "budget_cost"}));
    return act("production.report", Staff::operator_(), after(t, ch, days(3), days(9) * slow),
               {{"batch", open_batch_},
                {"quantity", qty},
                {"cost", money(budget / batches_ * ch.real(0.9, tr.late_production ? 1.3 : 1.1))}});
  }
  if (c.in("Production.Inspection")) {
    const bool passed = failed_inspections_done_ >= tr.failed_inspections;
    if (!passed) ++failed_inspections_done_;
    const double qty = number(at_path(record, {"production", "batches", open_batch_, "quantity"}));
    const Actor& who = ch.chance(0.02) && refusals_["production.inspect"] == 0 ? Staff::operator_()
                                                                               : Staff::inspector();
    return act(
        "production.inspect", who, after(t, ch, 4, days(2)),
        {{"batch", open_batch_}, {"passed", passed}, {"quantity_passed", passed ? qty : 0.0}});
  }
  if (c.in("Production.Rectification")) {
    // Rework (policy §二(七)2): a share of the batch is reworked at about half what making those
    // units cost, which the KPIs of actual cost then include.
    const double qty = number(at_path(record, {"production", "batches", open_batch_, "quantity"}));
    const double made = number(at_path(record, {"production", "batches", open_batch_, "cost"}));
    double reworked = std::floor(qty * ch.real(0.1, 0.6));  // whole units, at most the batch
    if (reworked < 1 && qty >= 1) reworked = 1;
    const double share = ch.real(0.3, 0.7);
    const double cost = qty > 0 ? money(made * reworked / qty * share) : 0.0;
    return act("production.rectify", Staff::operator_(),
               after(t, ch, days(1), days(ch.chance(0.2) ? 9 : 5)),
               {{"batch", open_batch_},
                {"action", "rework and re-machine"},
                {"quantity", static_cast<std::int64_t>(reworked)},
                {"cost", cost}});
  }
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_delivery(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  if (c.in("Delivery.Packing"))
    return act("delivery.pack", Staff::operator_(), after(t, ch, 6, days(2)));
  if (c.in("Delivery.Packed"))
    return act("delivery.ship", Staff::production_head(), after(t, ch, 6, days(3)),
               {{"method", "truck"}});
  if (c.in("Delivery.Shipped"))
    return act("delivery.confirm", sales, after(t, ch, days(1), days(5)), {{"accepted", true}});
  return std::nullopt;
}

std::optional<Action> OrderScript::plan_after_sales(const Moment& m) {
  const auto& [c, stage, record, t, ch, sales] = m;
  const Traits& tr = traits_;
  const double complaint_hours = tr.slow_complaint ? 40 : 12;
  if (c.in("AfterSales.Complaint")) {
    if (!tried_close_with_complaint_ && ch.chance(0.25)) {
      tried_close_with_complaint_ = true;
      return act("case.close", sales, after(t, ch, 1, 12));
    }
    return act("service.investigate", Staff::quality_head(), after(t, ch, 4, complaint_hours),
               {{"id", open_complaint_},
                {"root_cause", "porosity in casting lot"},
                {"responsibility", "supplier"}});
  }
  if (c.in("AfterSales.Investigation"))
    return act(
        "service.resolve", Staff::quality_head(), after(t, ch, 6, complaint_hours),
        {{"id", open_complaint_}, {"solution", "replace affected parts, tighten X-ray sampling"}});
  if (c.in("AfterSales.Resolution")) {
    const bool satisfied = !(tr.complaint_unsatisfied && !complaint_unsatisfied_done_);
    if (!satisfied) complaint_unsatisfied_done_ = true;
    return act("service.verify", Staff::quality_head(), after(t, ch, 6, 24),
               {{"id", open_complaint_}, {"satisfied", satisfied}});
  }
  if (c.in("AfterSales.Service")) {
    if (complaints_done_ < tr.complaints && (feedback_done_ || ch.chance(0.5))) {
      ++complaints_done_;
      open_complaint_ = "K" + std::to_string(complaints_done_);
      return act("service.complaint", sales, after(t, ch, days(5), days(40)),
                 {{"id", open_complaint_},
                  {"severity", ch.chance(0.3) ? "major" : "minor"},
                  {"description", "leak at flange after installation"}});
    }
    if (!feedback_done_) {
      feedback_done_ = true;
      const int score = complaints_done_ ? ch.between(2, 4) : ch.between(3, 5);
      return act("service.feedback", sales, after(t, ch, days(10), days(40)), {{"score", score}});
    }
    return act("case.close", sales, after(t, ch, days(7), days(45)));
  }
  return std::nullopt;
}

}  // namespace sim
UNDERTAKE_END_NAMESPACE
