// The per-person scorecard (undertake/people.hpp, policy §四(二)2): who did what, how timely. It
// replays cases through the engine, so it lives in the engine layer beside it.
#include "undertake/people.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <iomanip>
#include <set>
#include <sstream>

#include "kpi/kpi_detail.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

// What the ledgers say about one person.
struct Tally {
  std::set<std::string> roles;
  std::map<std::string, std::uint64_t> events_by_role;
  std::uint64_t events = 0;
  std::uint64_t steps = 0, steps_on_time = 0, steps_escalated = 0;
  std::uint64_t inspections = 0;
  std::uint64_t first_tests = 0, first_tests_passed = 0;
  std::uint64_t complaints = 0, complaints_in_time = 0;
};

bool flag(const json::object& payload, std::string_view key) {
  const json::value* v = payload.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::string text(const json::object& payload, std::string_view key) {
  const json::value* v = payload.if_contains(key);
  if (!v) return {};
  return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
}

// Replays one case through the engine, crediting each person with what their events did.
class CaseScorer {
 public:
  CaseScorer(const Engine& engine, const Policy& policy, Period period, double max_hours,
             std::map<std::string, Tally>& people)
      : engine_(engine), policy_(policy), period_(period), max_hours_(max_hours), people_(people) {}

  void score(const CaseLedger& ledger) {
    Case c = engine_.create_case(ledger.case_id, ledger.data);
    sample_builder_.clear();
    first_test_seen_ = false;
    complaints_.clear();
    for (const LedgerEntry& e : ledger.entries) {
      if (e.kind == EntryKind::escalation) {
        c.tick_unannounced(e.at);
        continue;
      }
      const std::vector<PendingDeadline> before = c.deadlines();
      const Outcome o = c.fire(event_name(e.event), e.actor, e.payload, e.at);
      if (!o.accepted)
        throw Error(ErrorKind::invalid_argument,
                    "case " + ledger.case_id + " seq " + std::to_string(e.seq) + " (" +
                        std::string(event_name(e.event)) + ")",
                    "the engine refuses this ledger entry on replay");
      const bool in_period = period_.contains(e.at);
      if (in_period) count_event(e);
      credit_deadlines(e, before, c.deadlines(), c.revision(), in_period);
      credit_quality(e, in_period);
    }
  }

 private:
  Tally& person(const std::string& id) { return people_[id]; }

  void count_event(const LedgerEntry& e) {
    Tally& t = person(e.actor.id);
    ++t.events;
    const auto& permitted = policy_.roles_for(e.event);
    for (const auto& role : e.actor.roles)
      if (std::find(permitted.begin(), permitted.end(), role) != permitted.end()) {
        t.roles.insert(role);
        ++t.events_by_role[role];
      }
  }

  // A pending deadline that waits for this event and is gone (or restarted by it) afterwards was
  // satisfied by it: on time when not yet due and never escalated.
  void credit_deadlines(const LedgerEntry& e, const std::vector<PendingDeadline>& before,
                        const std::vector<PendingDeadline>& after, std::uint64_t seq,
                        bool in_period) {
    if (!in_period) return;
    const std::string_view name = event_name(e.event);
    for (const PendingDeadline& d : before) {
      if (std::find(d.waiting_for.begin(), d.waiting_for.end(), name) == d.waiting_for.end())
        continue;
      auto now = std::find_if(after.begin(), after.end(), [&](const PendingDeadline& a) {
        return a.id == d.id && a.key == d.key;
      });
      if (now != after.end() && now->started_seq != seq) continue;  // still waiting
      Tally& t = person(e.actor.id);
      ++t.steps;
      if (d.escalations > 0) ++t.steps_escalated;
      if (d.escalations == 0 && (!d.due || e.at <= *d.due)) ++t.steps_on_time;
    }
  }

  void credit_quality(const LedgerEntry& e, bool in_period) {
    switch (e.event) {
      case EventId::prep_incoming_inspection:
      case EventId::production_inspect:
        if (in_period) ++person(e.actor.id).inspections;
        break;
      case EventId::sample_build:
        sample_builder_ = e.actor.id;
        break;
      case EventId::sample_test:
        if (!first_test_seen_ && in_period && !sample_builder_.empty()) {
          Tally& t = person(sample_builder_);
          ++t.first_tests;
          if (flag(e.payload, "passed")) ++t.first_tests_passed;
        }
        first_test_seen_ = true;
        break;
      case EventId::service_complaint:
        complaints_[text(e.payload, "id")] = Complaint{e.at, {}, false};
        break;
      case EventId::service_resolve:
        if (auto it = complaints_.find(text(e.payload, "id")); it != complaints_.end())
          it->second.resolver = e.actor.id;
        break;
      case EventId::service_verify:
        if (auto it = complaints_.find(text(e.payload, "id"));
            it != complaints_.end() && !it->second.verified &&
            !(e.payload.contains("satisfied") && !flag(e.payload, "satisfied"))) {
          it->second.verified = true;
          if (in_period && !it->second.resolver.empty()) {
            Tally& t = person(it->second.resolver);
            ++t.complaints;
            const double hours =
                std::chrono::duration<double, std::ratio<3600>>(e.at - it->second.at).count();
            if (hours <= max_hours_) ++t.complaints_in_time;
          }
        }
        break;
      default:
        break;
    }
  }

  struct Complaint {
    Timestamp at;
    std::string resolver;
    bool verified;
  };

  const Engine& engine_;
  const Policy& policy_;
  Period period_;
  double max_hours_;
  std::map<std::string, Tally>& people_;
  std::string sample_builder_;
  bool first_test_seen_ = false;
  std::map<std::string, Complaint> complaints_;
};

// A measure's value and data points from a person's tally.
PersonMeasure measure_of(const Tally& t, std::string_view id) {
  PersonMeasure m;
  auto ratio = [&](std::uint64_t num, std::uint64_t den) {
    m.data_points = den;
    if (den) m.value = static_cast<double>(num) / static_cast<double>(den);
  };
  auto count = [&](std::uint64_t n) {
    m.data_points = n;
    if (n) m.value = static_cast<double>(n);
  };
  if (id == person_measure::kEvents) count(t.events);
  if (id == person_measure::kTimeliness) ratio(t.steps_on_time, t.steps);
  if (id == person_measure::kInspections) count(t.inspections);
  if (id == person_measure::kFirstPass) ratio(t.first_tests_passed, t.first_tests);
  if (id == person_measure::kComplaints) ratio(t.complaints_in_time, t.complaints);
  return m;
}

PersonScore person_score(const std::string& id, const Tally& t,
                         const PeopleScorecardDefinition& def, const KpiCatalogue& catalogue) {
  PersonScore p;
  p.id = id;
  p.roles.assign(t.roles.begin(), t.roles.end());
  p.events_by_role = t.events_by_role;
  p.escalated_steps = t.steps_escalated;
  double weighted = 0, weights = 0;
  for (const auto& d : def.measures) {
    PersonMeasure m = measure_of(t, d.id);
    m.weight = d.weight;
    if (!m.value) {
      m.status = "no_data";
    } else if (m.data_points < def.min_data_points) {
      m.status = "too_few_data";
    } else {
      m.score = catalogue.score(d.scoring, *m.value);
      m.status = m.score ? "scored" : "unscored";
    }
    if (m.score) {
      weighted += d.weight * *m.score;
      weights += d.weight;
    }
    p.measures.emplace(d.id, std::move(m));
  }
  if (weights > 0) p.score = weighted / weights;
  return p;
}

json::value optional(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

PeopleScorecard compute_people_scorecard(const Engine& engine, const std::vector<CaseLedger>& cases,
                                         Period period) {
  const auto policy = engine.policy();
  const json::value* kpi = policy->part("kpi");
  const json::value* people_part =
      kpi && kpi->is_object() ? kpi->get_object().if_contains("people") : nullptr;
  const PeopleScorecardDefinition def = people_definition_from_json(people_part, "kpi.json");

  std::map<std::string, Tally> tallies;
  CaseScorer scorer(engine, *policy, period, def.complaint_max_hours, tallies);
  for (const CaseLedger& c : cases) scorer.score(c);

  PeopleScorecard card;
  card.period = period;
  card.cases = cases.size();
  card.min_data_points = def.min_data_points;
  std::map<std::string, PeopleScorecard::Ranking> rankings;
  for (const auto& [id, tally] : tallies) {
    card.people.push_back(person_score(id, tally, def, policy->kpi_catalogue()));
    for (const auto& role : tally.roles) rankings[role].department = role;
  }
  for (auto& [role, ranking] : rankings) {
    std::vector<const PersonScore*> members;
    for (const auto& p : card.people)
      if (std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end()) members.push_back(&p);
    std::stable_sort(members.begin(), members.end(),
                     [](const PersonScore* a, const PersonScore* b) {
                       return a->score.value_or(-1) > b->score.value_or(-1);
                     });
    for (const PersonScore* p : members)
      (p->score ? ranking.ranked : ranking.not_ranked).push_back(p->id);
    card.departments.push_back(std::move(ranking));
  }
  return card;
}

json::value PeopleScorecard::to_json() const {
  json::array list;
  std::map<std::string, const PersonScore*> by_id;
  for (const auto& p : people) {
    by_id[p.id] = &p;
    json::object measures_json;
    for (const auto& [id, m] : p.measures)
      measures_json[id] = json::object{{"value", optional(m.value)},
                                       {"data_points", m.data_points},
                                       {"score", optional(m.score)},
                                       {"weight", m.weight},
                                       {"status", m.status}};
    json::object by_role;
    for (const auto& [role, n] : p.events_by_role) by_role[role] = n;
    json::array roles;
    for (const auto& r : p.roles) roles.emplace_back(r);
    list.push_back(json::object{{"id", p.id},
                                {"roles", std::move(roles)},
                                {"events_by_role", std::move(by_role)},
                                {"escalated_steps", p.escalated_steps},
                                {"measures", std::move(measures_json)},
                                {"score", optional(p.score)},
                                {"ranked", p.score.has_value()}});
  }
  json::array depts;
  for (const auto& d : departments) {
    json::array ranking;
    for (std::size_t i = 0; i < d.ranked.size(); ++i)
      ranking.push_back(json::object{{"rank", i + 1},
                                     {"person", d.ranked[i]},
                                     {"score", optional(by_id.at(d.ranked[i])->score)}});
    json::array not_ranked;
    for (const auto& id : d.not_ranked) not_ranked.emplace_back(id);
    depts.push_back(json::object{{"id", d.department},
                                 {"ranking", std::move(ranking)},
                                 {"not_ranked", std::move(not_ranked)}});
  }
  return json::object{{"period", period.to_json()},
                      {"cases", cases},
                      {"min_data_points", min_data_points},
                      {"people", std::move(list)},
                      {"departments", std::move(depts)}};
}

std::string PeopleScorecard::to_text() const {
  std::ostringstream out;
  const json::value p = period.to_json();
  out << "People scorecard " << p.at("from").as_string().c_str() << " .. "
      << p.at("to").as_string().c_str() << " (" << cases << " cases; a measure needs "
      << min_data_points << " data points to be scored)\n";
  std::vector<std::string> measure_ids;
  if (!people.empty())
    for (const auto& [id, m] : people.front().measures) measure_ids.push_back(id);
  out << std::left << std::setw(12) << "person" << std::setw(24) << "roles";
  for (const auto& id : measure_ids) out << std::setw(24) << id;
  out << "score\n";
  for (const auto& person : people) {
    std::string roles;
    for (const auto& r : person.roles) roles += (roles.empty() ? "" : ",") + r;
    out << std::setw(12) << person.id << std::setw(24) << roles;
    for (const auto& id : measure_ids) {
      const PersonMeasure& m = person.measures.at(id);
      std::ostringstream cell;
      cell << std::setprecision(4);
      if (m.status == "no_data")
        cell << "-";
      else if (m.status == "too_few_data")
        cell << "few (" << m.data_points << ")";
      else
        cell << *m.value << " (" << m.data_points << ") "
             << (m.score ? kpi_detail::number_text(*m.score) : std::string("-"));
      out << std::setw(24) << cell.str();
    }
    out << (person.score ? kpi_detail::number_text(*person.score) : std::string("not ranked"))
        << "\n";
  }
  std::map<std::string, const PersonScore*> by_id;
  for (const auto& person : people) by_id[person.id] = &person;
  for (const auto& d : departments) {
    out << d.department << ":";
    for (std::size_t i = 0; i < d.ranked.size(); ++i)
      out << "  " << i + 1 << ". " << d.ranked[i] << " "
          << kpi_detail::number_text(*by_id.at(d.ranked[i])->score);
    if (!d.not_ranked.empty()) {
      out << "  not ranked (too few data):";
      for (const auto& id : d.not_ranked) out << " " << id;
    }
    out << "\n";
  }
  return out.str();
}

UNDERTAKE_END_NAMESPACE
