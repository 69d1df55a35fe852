// `undertake demo [--seed N] [--orders N] [--out DIR]`: a quarter of a small factory. A few hundred
// orders (key customers, thin margins, infeasible specs, legal revisions, failed samples,
// rectifications, late deliveries, complaints, suspensions, cancellations) go through the engine
// and the SQLite store, with daily deadline ticks; then the manager's report: the funnel per
// stage, why orders were refused or lost, deadlines missed, the risk distribution, and the KPI
// report per department with bonus coefficients. Seeded and reproducible.
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <queue>
#include <set>
#include <sstream>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/report_table.hpp"
#include "cli/simulate.hpp"
#include "diagram/diagram.hpp"
#include "process/stages.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/kpi.hpp"
#include "undertake/people.hpp"
#include "undertake/quality.hpp"
#include "undertake/sqlite_store.hpp"

namespace json = boost::json;
namespace fs = std::filesystem;

namespace undertake::cli {

void render_svg(const std::string& dot_text, const std::string& svg_path);  // cmd_diagram.cpp

namespace {

using ms = std::chrono::milliseconds;
constexpr ms kDay{24LL * 3600 * 1000};

// The funnel's rows: the stages in process order (process/stages.hpp), then the end.
const std::vector<std::string>& stage_order() {
  static const std::vector<std::string> s = [] {
    std::vector<std::string> order;
    for (const auto& stage : detail::kProcessStages) order.emplace_back(stage.id);
    order.emplace_back("Closed");
    return order;
  }();
  return s;
}

std::string stage_of(const std::string& path) {
  return path.substr(0, path.find('.'));
}

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
std::string percent(double part, double whole) {
  return whole > 0 ? fixed(100.0 * part / whole, 1) + " %" : "—";
}
std::string grouped(double v) {  // 1 234 567
  std::string digits = fixed(std::round(v), 0);
  std::string out;
  const bool neg = !digits.empty() && digits[0] == '-';
  if (neg) digits.erase(0, 1);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (neg ? "-" : "") + out;
}
std::string shown(const std::optional<double>& v, int digits = 2) {
  if (!v) return "—";
  if (std::fabs(*v) >= 1000) return grouped(*v);
  return fixed(*v, digits);
}

struct DemoOptions {
  std::uint64_t seed = 2026;
  int orders = 300;
  std::string out = "demo-output";
  std::string from = "2026-01-01", to = "2026-03-31";
  bool quiet = false;
};

// The time the demo simulates: the KPI period, with orders carried in from the last quarter
// arriving from 60 days before it and the last order ten days before its end.
struct Quarter {
  Period period;
  Timestamp start, end, last_arrival;

  static Quarter of(const DemoOptions& o) {
    const Period period = Period::days(o.from, o.to);
    return Quarter{period, period.from - 60 * kDay, period.until, period.until - 10 * kDay};
  }
};

struct Order {
  sim::OrderScript script;
  std::optional<Case> live;
  std::uint64_t stored = 0;  // the revision in the store
};

struct Stats {
  std::size_t attempts = 0, accepted = 0, refused = 0, escalations = 0, notifications = 0;
  std::map<std::string, std::size_t> refusal_count;  // rule (or kind) → count
  std::map<std::string, std::string> refusal_example;
  std::map<std::string, std::string> refusal_kind;
  std::map<std::string, std::size_t> escalations_by_deadline;
};

// The orders of the quarter, numbered SO-260001... in the order they arrive.
std::vector<Order> draw_orders(int count, const Quarter& q, sim::Chooser& ch) {
  std::vector<Order> orders;
  orders.reserve(static_cast<std::size_t>(count));
  std::vector<Timestamp> arrivals;
  for (int i = 0; i < count; ++i)
    arrivals.push_back(
        q.start + ms(static_cast<long long>(
                      ch.real(0, 1) * static_cast<double>((q.last_arrival - q.start).count()))));
  std::sort(arrivals.begin(), arrivals.end());
  for (int i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "SO-26%04d", i + 1);
    orders.push_back(Order{sim::OrderScript::draw(id, arrivals[static_cast<std::size_t>(i)], ch),
                           std::nullopt, 0});
  }
  return orders;
}

// The orders' scripts played against the engine and the store: each order arrives, its people
// act when their script says, and every night the deadlines are checked.
class Simulation {
 public:
  Simulation(Engine& engine, CaseStore& store, std::vector<Order>& orders, Stats& stats)
      : engine_(engine), store_(store), orders_(orders), stats_(stats) {}

  void run(const Quarter& q, sim::Chooser& ch, Progress& progress) {
    // The calendar: (time, order index); arrivals first, then each order's next action.
    using Item = std::pair<Timestamp, std::size_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> calendar;
    std::vector<std::optional<sim::Action>> planned(orders_.size());
    for (std::size_t i = 0; i < orders_.size(); ++i)
      calendar.push({orders_[i].script.arrival(), i});

    Timestamp next_tick = q.start + kDay;
    const double span = static_cast<double>((q.end - q.start).count());
    while (!calendar.empty()) {
      const auto [when, index] = calendar.top();
      if (when >= q.end) break;
      calendar.pop();
      while (next_tick <= when) {  // the nightly deadline check
        tick_day(next_tick);
        next_tick += kDay;
      }
      progress.show(static_cast<double>((when - q.start).count()) / span,
                    "day " + format_iso8601_date(when));
      Order& order = orders_[index];
      if (!order.live) {  // the order arrives
        order.live.emplace(engine_.create_case(order.script.id(), order.script.form()));
        store_.create(*order.live);
      } else if (planned[index]) {
        const sim::Action action = std::move(*planned[index]);
        planned[index].reset();
        attempt(order, action);
      }
      if (auto next = order.script.next(*order.live, when, ch)) {
        calendar.push({next->at, index});
        planned[index] = std::move(next);
      }
    }
    while (next_tick <= q.end) {
      tick_day(next_tick);
      next_tick += kDay;
    }
    progress.done();
  }

 private:
  // Someone does what the script planned; the store keeps what the engine accepts.
  void attempt(Order& order, const sim::Action& action) {
    Case& c = *order.live;
    ++stats_.attempts;
    const Outcome outcome = c.fire(action.event, action.actor, action.payload, action.at);
    order.script.observe(action, outcome);
    if (outcome.accepted) {
      ++stats_.accepted;
      store_.save(c, order.stored);
      order.stored = c.revision();
    } else {
      ++stats_.refused;
      const Reason& r = outcome.reasons.front();
      const std::string kind = reason_kind_name(r.kind);
      const std::string key = r.rule.empty() ? kind + ": " + action.event : r.rule;
      ++stats_.refusal_count[key];
      stats_.refusal_kind[key] = kind;
      if (!stats_.refusal_example.count(key)) stats_.refusal_example[key] = r.message;
    }
  }

  void tick_day(Timestamp day) {
    for (auto& order : orders_) {
      if (!order.live) continue;
      Case& c = *order.live;
      const auto before = c.revision();
      const TickResult r = c.tick(day);
      if (r.escalated) {
        for (std::size_t k = before; k < c.revision(); ++k)
          ++stats_.escalations_by_deadline[std::string(
              c.ledger()[k].payload.at("deadline").get_string())];
        stats_.escalations += r.escalated;
        store_.save(c, order.stored);
        order.stored = c.revision();
      }
    }
  }

  Engine& engine_;
  CaseStore& store_;
  std::vector<Order>& orders_;
  Stats& stats_;
};

// What the orders went through by the end of the quarter, for the report.
struct Summary {
  std::map<std::string, std::size_t> reached, now_in;  // stage → orders
  std::map<std::string, std::size_t> lost_reasons;
  std::size_t rejected = 0, cancelled = 0, closed = 0;
  std::map<std::string, std::size_t> risk_levels;
  std::vector<double> risk_indexes;
  std::size_t late = 0, delivered = 0;
  std::string most_eventful;  // the case with the longest ledger (not a cancelled one)
  std::size_t most_entries = 0;

  void add(const Case& c) {
    std::set<std::string> stages;
    for (const auto& e : c.ledger())
      for (const auto& s : e.state) stages.insert(stage_of(s));
    stages.insert("Intake");
    for (const auto& s : stages) ++reached[s];
    const std::string stage = c.stage();
    ++now_in[stage];
    if (stage == "Rejected" || stage == "Cancelled") {
      stage == "Rejected" ? ++rejected : ++cancelled;
      const auto& last = c.ledger().back();
      std::string reason =
          last.payload.contains("reason") ? std::string(last.payload.at("reason").as_string()) : "";
      ++lost_reasons[(stage == "Rejected" ? "rejected: " : "cancelled: ") + reason];
    }
    if (stage == "Closed") ++closed;
    const auto& risk = c.record().at("risk").as_object();
    if (stages.count("Evaluation") && c.ledger().size() > 3) {
      ++risk_levels[std::string(risk.at("level").as_string())];
      risk_indexes.push_back(risk.at("index").to_number<double>());
    }
    for (const auto& e : c.ledger())
      if (e.kind == EntryKind::event && e.event == EventId::delivery_confirm) {
        ++delivered;
        const auto* d = c.record().at("contract").as_object().if_contains("draft");
        if (d) {
          auto due = parse_iso8601(d->at("delivery_date").as_string());
          if (due && e.at >= *due + kDay) ++late;
        }
      }
    if (c.ledger().size() > most_entries && stage != "Cancelled") {
      most_entries = c.ledger().size();
      most_eventful = c.id();
    }
  }
};

Summary summarize(const std::vector<Order>& orders) {
  Summary s;
  for (const auto& order : orders)
    if (order.live) s.add(*order.live);
  return s;
}

std::size_t count_of(const std::map<std::string, std::size_t>& counts, const std::string& key) {
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

// Funnel: stages reached, and where orders stand at the end of the quarter.
Table funnel_table(const Summary& s, std::size_t orders, const Quarter& q) {
  Table t{"Funnel — how far the orders got",
          {"stage", "reached", "of all orders", "still there at quarter end"},
          {},
          {false, true, true, true},
          ""};
  const double total = static_cast<double>(orders);
  for (const auto& stage : stage_order())
    t.rows.push_back({stage, std::to_string(count_of(s.reached, stage)),
                      percent(static_cast<double>(count_of(s.reached, stage)), total),
                      stage == "Closed" ? "" : std::to_string(count_of(s.now_in, stage))});
  t.rows.push_back(
      {"Suspended (on hold)", "", "", std::to_string(count_of(s.now_in, "Suspended"))});
  t.rows.push_back({"Rejected at evaluation", std::to_string(s.rejected),
                    percent(static_cast<double>(s.rejected), total), ""});
  t.rows.push_back({"Cancelled", std::to_string(s.cancelled),
                    percent(static_cast<double>(s.cancelled), total), ""});
  t.note = std::to_string(orders) + " orders arrived between " + format_iso8601_date(q.start) +
           " and " + format_iso8601_date(q.last_arrival) + "; " + std::to_string(s.delivered) +
           " delivered, " + std::to_string(s.late) + " of them after the contract date.";
  return t;
}

Table lost_table(const Summary& s) {
  Table t{"Why orders were lost", {"reason", "orders"}, {}, {false, true}, ""};
  std::vector<std::pair<std::size_t, std::string>> v;
  for (const auto& [k, n] : s.lost_reasons) v.push_back({n, k});
  std::sort(v.rbegin(), v.rend());
  for (const auto& [n, k] : v) t.rows.push_back({k, std::to_string(n)});
  return t;
}

Table refusals_table(const Stats& stats) {
  Table t{"Top refusal reasons — what the rules stopped",
          {"rule", "kind", "times", "example"},
          {},
          {false, false, true, false},
          ""};
  std::vector<std::pair<std::size_t, std::string>> v;
  for (const auto& [k, n] : stats.refusal_count) v.push_back({n, k});
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (std::size_t i = 0; i < v.size() && i < 10; ++i) {
    std::string example = stats.refusal_example.at(v[i].second);
    if (example.size() > 90) example = example.substr(0, 87) + "...";
    t.rows.push_back(
        {v[i].second, stats.refusal_kind.at(v[i].second), std::to_string(v[i].first), example});
  }
  t.note = std::to_string(stats.attempts) + " actions attempted, " +
           std::to_string(stats.accepted) + " accepted, " + std::to_string(stats.refused) +
           " refused (nothing changed on a refusal).";
  return t;
}

Table deadlines_table(const Stats& stats, const Policy& policy,
                      const StoreTickReport& quarter_end) {
  Table t{"Deadlines missed — escalations recorded",
          {"deadline", "escalations", "escalated to"},
          {},
          {false, true, false},
          ""};
  const json::value* part = policy.part("deadlines");
  std::vector<std::pair<std::size_t, std::string>> v;
  for (const auto& [k, n] : stats.escalations_by_deadline) v.push_back({n, k});
  std::sort(v.rbegin(), v.rend());
  for (const auto& [n, k] : v) {
    std::string roles;
    if (part)
      if (const auto* d = part->at("deadlines").as_object().if_contains(k))
        for (const auto& r : d->at("escalate_to").as_array())
          roles += (roles.empty() ? "" : ", ") + std::string(r.as_string());
    t.rows.push_back({k, std::to_string(n), roles});
  }
  std::size_t overdue_now = 0;
  for (const auto& c : quarter_end.cases)
    for (const auto& i : c.items) overdue_now += i.status == DeadlineStatus::overdue;
  t.note = std::to_string(stats.escalations) + " escalations (listener notified " +
           std::to_string(stats.notifications) + " times); at quarter end " +
           std::to_string(overdue_now) + " deadlines are overdue in " +
           std::to_string(quarter_end.cases.size()) + " open orders.";
  return t;
}

Table risk_table(const Summary& s) {
  Table t{"Risk distribution (orders evaluated)",
          {"case risk level", "orders", "share"},
          {},
          {false, true, true},
          ""};
  std::size_t n = 0;
  for (const auto& [k, v] : s.risk_levels) n += v;
  for (const char* level : {"none", "low", "medium", "high", "critical"})
    if (s.risk_levels.count(level))
      t.rows.push_back(
          {level, std::to_string(s.risk_levels.at(level)),
           percent(static_cast<double>(s.risk_levels.at(level)), static_cast<double>(n))});
  if (!s.risk_indexes.empty()) {
    std::vector<double> indexes = s.risk_indexes;
    std::sort(indexes.begin(), indexes.end());
    double sum = 0;
    for (double x : indexes) sum += x;
    t.note = "risk index: mean " + fixed(sum / static_cast<double>(indexes.size()), 1) +
             ", median " + fixed(indexes[indexes.size() / 2], 1) + ", max " +
             fixed(indexes.back(), 1) + " (0–100)";
  }
  return t;
}

// The KPIs of the period, then the departments' scores and bonus coefficients.
std::vector<Table> kpi_tables(const KpiReport& kpi, const DemoOptions& o) {
  Table t{"KPIs " + o.from + " to " + o.to,
          {"KPI", "department", "value", "target", "score"},
          {},
          {false, false, true, true, true},
          ""};
  for (const auto& k : kpi.kpis) {
    const bool ratio = k.unit == "ratio" || k.unit == "share" || k.unit == "%";
    auto val = [&](const std::optional<double>& v) {
      return v && ratio ? fixed(*v * 100, 1) + " %" : shown(v);
    };
    t.rows.push_back({k.title.empty() ? k.id : k.title, k.department, val(k.value), val(k.target),
                      shown(k.score, 0)});
  }
  Table d{"Departments — score and bonus coefficient (policy §四(二))",
          {"department", "score", "bonus coefficient"},
          {},
          {false, true, true},
          ""};
  for (const auto& dep : kpi.departments)
    d.rows.push_back({dep.title.empty() ? dep.id : dep.title, shown(dep.score, 1),
                      shown(dep.bonus_coefficient, 2)});
  if (!kpi.excluded.empty())
    d.note = std::to_string(kpi.excluded.size()) + " case(s) left out for bad data";
  return {std::move(t), std::move(d)};
}

// The best three of each department (policy §四(二)2 評選優秀個人).
Table people_table(const PeopleScorecard& card) {
  Table t{"People — the best of each department (policy §四(二)2)",
          {"department", "rank", "person", "score", "deadline steps on time", "not ranked"},
          {},
          {false, true, false, true, true, true},
          ""};
  std::map<std::string, const PersonScore*> by_id;
  for (const auto& p : card.people) by_id[p.id] = &p;
  for (const auto& d : card.departments) {
    for (std::size_t i = 0; i < d.ranked.size() && i < 3; ++i) {
      const PersonScore& p = *by_id.at(d.ranked[i]);
      const PersonMeasure* steps =
          p.measures.count("deadline_timeliness") ? &p.measures.at("deadline_timeliness") : nullptr;
      t.rows.push_back({i == 0 ? d.department : "", std::to_string(i + 1), p.id, shown(p.score, 1),
                        steps && steps->value ? fixed(*steps->value * 100, 1) + " % of " +
                                                    std::to_string(steps->data_points)
                                              : "-",
                        i == 0 ? std::to_string(d.not_ranked.size()) : ""});
    }
    if (d.ranked.empty())
      t.rows.push_back({d.department, "", "", "", "", std::to_string(d.not_ranked.size())});
  }
  t.note = "not ranked: fewer than " + std::to_string(card.min_data_points) +
           " data points in every measure (undertake kpi --by person for the whole scorecard)";
  return t;
}

// The Pareto of defect causes with the repeat causes flagged (policy §二(七)2, §三(五)4).
Table quality_table(const json::value& report) {
  Table t{"Quality — defect causes, biggest first (policy §二(七)2)",
          {"cause", "count", "share", "cumulative", "repeat"},
          {},
          {false, true, true, true, false},
          ""};
  for (const auto& d : report.at("defects").as_array()) {
    const auto& o = d.as_object();
    t.rows.push_back({std::string(o.at("cause").as_string()),
                      fixed(o.at("count").to_number<double>(), 0),
                      fixed(o.at("share").to_number<double>() * 100, 1) + " %",
                      fixed(o.at("cumulative_share").to_number<double>() * 100, 1) + " %",
                      o.at("repeat").as_bool() ? "yes" : "no"});
  }
  const auto& total = report.at("inspections").at("total").as_object();
  const auto& rework = report.at("rectifications").as_object();
  t.note = std::to_string(total.at("count").to_number<std::int64_t>()) + " inspections, " +
           (total.at("pass_rate").is_number()
                ? fixed(total.at("pass_rate").to_number<double>() * 100, 1) + " % passed"
                : std::string("none")) +
           "; " + std::to_string(rework.at("count").to_number<std::int64_t>()) +
           " rectifications costing " + fixed(rework.at("cost").to_number<double>(), 0) + "; " +
           std::to_string(report.at("complaints").at("count").to_number<std::int64_t>()) +
           " complaints (undertake quality for the whole report)";
  return t;
}

// The manager's report: the tables in the order they are shown.
std::vector<Table> report_tables(const DemoOptions& o, const Quarter& q, const Engine& engine,
                                 const std::vector<Order>& orders, const Summary& summary,
                                 const Stats& stats, const StoreTickReport& quarter_end,
                                 const std::vector<CaseLedger>& ledgers) {
  const auto policy = engine.policy();
  std::vector<Table> tables;
  tables.push_back(funnel_table(summary, orders.size(), q));
  tables.push_back(lost_table(summary));
  tables.push_back(refusals_table(stats));
  tables.push_back(deadlines_table(stats, *policy, quarter_end));
  tables.push_back(risk_table(summary));
  const KpiReport kpi =
      compute_kpi_report(policy->kpi_catalogue(), ledgers, q.period, KpiOptions{true});
  for (auto& t : kpi_tables(kpi, o)) tables.push_back(std::move(t));
  tables.push_back(people_table(compute_people_scorecard(engine, ledgers, q.period)));
  tables.push_back(quality_table(compute_quality_report(ledgers, q.period)));
  return tables;
}

// The diagrams written beside the report: the process, and the busiest order's path on it.
struct Diagrams {
  std::string note;      // what was written, for the list of files
  std::string case_svg;  // the busiest order's diagram ("" when there is none)
};

Diagrams write_diagrams(const std::string& out, const std::vector<Order>& orders,
                        const std::string& most_eventful) {
  const std::string dot = diagram::render(diagram::Format::dot);
  std::ofstream(fs::path(out) / "process.dot") << dot;
  std::ofstream(fs::path(out) / "process.mmd") << diagram::render(diagram::Format::mermaid);
  Diagrams written;
  try {
    render_svg(dot, (fs::path(out) / "process.svg").string());
    if (!most_eventful.empty()) {
      for (auto& order : orders)
        if (order.live && order.live->id() == most_eventful) {
          const diagram::Highlight h = diagram::highlight(*order.live);
          written.case_svg = "case-" + most_eventful + ".svg";
          render_svg(diagram::render(diagram::Format::dot, &h),
                     (fs::path(out) / written.case_svg).string());
        }
    }
    written.note = "process.svg, " + written.case_svg;
  } catch (const Error& e) {
    written.note = std::string("process.dot and process.mmd (no SVG: ") + e.why() + ")";
  }
  return written;
}

// The report as files: report.md and report.html in the output directory.
void write_report_files(const DemoOptions& o, std::size_t orders, const std::vector<Table>& tables,
                        const Diagrams& diagrams, const std::string& most_eventful) {
  std::ofstream md(fs::path(o.out) / "report.md");
  md << "# Product undertaking — quarter report\n\n"
     << "Seed " << o.seed << ", " << orders << " orders, KPI period " << o.from << " to " << o.to
     << ". Generated by `undertake demo`.\n\n";
  if (!diagrams.case_svg.empty())
    md << "![process](process.svg)\n\nThe busiest order, " << most_eventful << ": ![case]("
       << diagrams.case_svg << ")\n\n";
  for (const auto& t : tables) md << t.markdown();
  std::ofstream html(fs::path(o.out) / "report.html");
  html << "<!doctype html><meta charset=utf-8><title>undertake — quarter report</title>\n"
          "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em "
          "auto;color:#263238}"
          "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border-bottom:1px solid "
          "#cfd8dc;padding:.25em .8em;text-align:left}"
          "td.r{text-align:right}th{background:#eceff1}.note{color:#546e7a;font-size:.9em}img{"
          "max-width:100%}</style>\n"
       << "<h1>Product undertaking — quarter report</h1>\n<p>Seed " << o.seed << ", " << orders
       << " orders, KPI period " << o.from << " to " << o.to << ".</p>\n";
  for (const auto& t : tables) html << t.html();
  if (!diagrams.case_svg.empty())
    html << "<h3>The process</h3><img src=process.svg alt=process>\n<h3>The busiest order: "
         << most_eventful << "</h3><img src=\"" << diagrams.case_svg << "\" alt=case>\n";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The whole demo: simulate the quarter through the engine and the store, then report on it.
void run_demo(const DemoOptions& o) {
  const auto wall_start = std::chrono::steady_clock::now();
  const Quarter q = Quarter::of(o);

  fs::create_directories(o.out);
  const std::string db_path = (fs::path(o.out) / "demo.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path + suffix);
  SqliteOptions store_options;
  store_options.synchronous = SqliteOptions::Sync::normal;
  SqliteCaseStore store(db_path, store_options);
  Engine engine;
  Stats stats;
  engine.set_listener([&stats](const Case&, const Outcome& outcome) {
    if (outcome.event == "deadline.escalated") ++stats.notifications;
  });

  sim::RandomChooser ch(o.seed);
  std::vector<Order> orders = draw_orders(o.orders, q, ch);
  Progress progress(!o.quiet);
  Simulation(engine, store, orders, stats).run(q, ch, progress);
  // The end-of-quarter check through the store (what a host's scheduler runs).
  const StoreTickReport quarter_end = tick_stored(store, engine, q.end);
  const double simulate_seconds = seconds_since(wall_start);

  const std::vector<CaseLedger> ledgers = load_ledgers(store, engine);
  const Summary summary = summarize(orders);
  const std::vector<Table> tables =
      report_tables(o, q, engine, orders, summary, stats, quarter_end, ledgers);
  const Diagrams diagrams = write_diagrams(o.out, orders, summary.most_eventful);
  const double total_seconds = seconds_since(wall_start);

  // Output: stdout, report.md, report.html.
  std::ostringstream head;
  head << "undertake demo — a quarter of a small factory (seed " << o.seed << ")\n"
       << orders.size() << " orders, " << store.entry_count() << " ledger entries in " << db_path
       << "; KPI period " << o.from << " to " << o.to << "\n";
  std::cout << head.str() << "\n";
  for (const auto& t : tables) std::cout << t.text() << "\n";
  std::cout << "Files in " << o.out << ": demo.db (open it: undertake --db " << db_path
            << " case list), report.md, report.html, " << diagrams.note << "\n";
  std::cerr << "simulated in " << fixed(simulate_seconds, 2) << " s, report and diagrams in "
            << fixed(total_seconds - simulate_seconds, 2) << " s\n";
  write_report_files(o, orders.size(), tables, diagrams, summary.most_eventful);
}

}  // namespace

void add_demo_command(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DemoOptions>();
  auto* cmd = app.add_subcommand(
      "demo", "Simulate a quarter of a small factory and print the manager's report");
  cmd->add_option("--seed", o->seed, "Random seed (same seed, same quarter)");
  cmd->add_option("--orders", o->orders, "Orders arriving (default 300)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--out", o->out, "Output directory for the store, diagrams and reports");
  cmd->add_option("--from", o->from, "First day of the quarter reported");
  cmd->add_option("--to", o->to, "Last day of the quarter reported");
  cmd->add_flag("--quiet", o->quiet, "No progress bar");
  cmd->callback([o, &ctx] {
    run_demo(*o);
    ctx.exit_status = 0;
  });
}

}  // namespace undertake::cli
