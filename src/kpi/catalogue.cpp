// The KPI catalogue: definitions, calculators, departments and the bonus table, from kpi.json.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "kpi/kpi_detail.hpp"
#include "policy/builtin_policy.hpp"
#include "undertake/json_text.hpp"
#include "undertake/kpi.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

KpiCalculator::~KpiCalculator() = default;

struct KpiCatalogue::Impl {
  std::vector<KpiDefinition> kpis;
  std::vector<std::shared_ptr<const KpiCalculator>> calculators;  // parallel to kpis
  std::vector<KpiDepartment> departments;
  std::vector<BonusBand> bonus;
  double min = 0;
  double max = 120;

  std::optional<std::size_t> index(std::string_view id) const noexcept {
    for (std::size_t i = 0; i < kpis.size(); ++i)
      if (kpis[i].id == id) return i;
    return std::nullopt;
  }
};

KpiCatalogue::KpiCatalogue() : impl_(std::make_unique<Impl>()) {}
KpiCatalogue::~KpiCatalogue() = default;
KpiCatalogue::KpiCatalogue(const KpiCatalogue& o) : impl_(std::make_unique<Impl>(*o.impl_)) {}
KpiCatalogue& KpiCatalogue::operator=(const KpiCatalogue& o) {
  if (this != &o) impl_ = std::make_unique<Impl>(*o.impl_);
  return *this;
}
KpiCatalogue::KpiCatalogue(KpiCatalogue&&) noexcept = default;
KpiCatalogue& KpiCatalogue::operator=(KpiCatalogue&&) noexcept = default;

void KpiCatalogue::add(std::shared_ptr<const KpiCalculator> calculator) {
  if (!calculator) throw Error(ErrorKind::invalid_argument, "kpi", "the calculator is null");
  std::string id = calculator->id();
  if (id.empty()) throw Error(ErrorKind::invalid_argument, "kpi", "a KPI calculator needs an id");
  if (const auto i = impl_->index(id)) {
    impl_->calculators[*i] = std::move(calculator);
    return;
  }
  KpiDefinition def;
  def.department = id.substr(0, id.find('.'));
  def.title = id;
  def.id = std::move(id);
  impl_->kpis.push_back(std::move(def));
  impl_->calculators.push_back(std::move(calculator));
}

void KpiCatalogue::define(KpiDefinition definition) {
  if (definition.id.empty())
    throw Error(ErrorKind::invalid_argument, "kpi", "a KPI definition needs an id");
  if (definition.department.empty())
    definition.department = definition.id.substr(0, definition.id.find('.'));
  if (const auto i = impl_->index(definition.id)) {
    impl_->kpis[*i] = std::move(definition);
    return;
  }
  std::shared_ptr<const KpiCalculator> calc;
  if (const auto b = builtin_kpi_from_id(definition.id))
    calc = std::make_shared<BuiltinKpiCalculator>(*b);
  impl_->kpis.push_back(std::move(definition));
  impl_->calculators.push_back(std::move(calc));
}

void KpiCatalogue::set_departments(std::vector<KpiDepartment> departments) {
  impl_->departments = std::move(departments);
}
void KpiCatalogue::set_bonus(std::vector<BonusBand> bands) {
  std::stable_sort(bands.begin(), bands.end(),
                   [](const BonusBand& a, const BonusBand& b) { return a.min < b.min; });
  impl_->bonus = std::move(bands);
}
void KpiCatalogue::set_score_range(double min, double max) {
  if (!(min < max))
    throw Error(ErrorKind::invalid_argument, "kpi scoring", "min must be below max");
  impl_->min = min;
  impl_->max = max;
}

const std::vector<KpiDefinition>& KpiCatalogue::kpis() const noexcept {
  return impl_->kpis;
}
const std::vector<KpiDepartment>& KpiCatalogue::departments() const noexcept {
  return impl_->departments;
}
const std::vector<BonusBand>& KpiCatalogue::bonus() const noexcept {
  return impl_->bonus;
}
double KpiCatalogue::score_min() const noexcept {
  return impl_->min;
}
double KpiCatalogue::score_max() const noexcept {
  return impl_->max;
}

const KpiDefinition* KpiCatalogue::find(std::string_view id) const noexcept {
  const auto i = impl_->index(id);
  return i ? &impl_->kpis[*i] : nullptr;
}

const KpiCalculator* KpiCatalogue::calculator(std::string_view id) const noexcept {
  const auto i = impl_->index(id);
  return i ? impl_->calculators[*i].get() : nullptr;
}

std::shared_ptr<const KpiCalculator> KpiCatalogue::calculator_ptr(
    std::string_view id) const noexcept {
  const auto i = impl_->index(id);
  return i ? impl_->calculators[*i] : nullptr;
}

std::optional<double> KpiCatalogue::score(const KpiDefinition& kpi, double value) const noexcept {
  if (!kpi.target || !std::isfinite(value)) return std::nullopt;
  const double target = *kpi.target;
  double raw = 0;
  if (kpi.scoring.method == KpiScoring::Method::linear) {
    const double span = target - kpi.scoring.floor;
    if (span == 0) return std::nullopt;
    raw = 100.0 * (value - kpi.scoring.floor) / span;
  } else if (kpi.direction == KpiDirection::higher_is_better) {
    if (!(target > 0)) return std::nullopt;
    raw = 100.0 * value / target;
  } else {
    if (!(target > 0)) return std::nullopt;
    raw = value > 0 ? 100.0 * target / value : impl_->max;
  }
  return std::clamp(raw, impl_->min, impl_->max);
}

double KpiCatalogue::bonus_coefficient(double department_score) const noexcept {
  double c = 0;
  for (const auto& band : impl_->bonus)
    if (band.min <= department_score) c = band.coefficient;
  return c;
}

// ---------------------------------------------------------------------------------------------
// kpi.json

namespace {

class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  [[noreturn]] void fail(const std::string& pointer, std::string why) const {
    throw Error(ErrorKind::invalid_policy, file_.empty() ? pointer : file_ + ": " + pointer,
                std::move(why));
  }

  const json::object& object(const json::value& v, const std::string& pointer) const {
    if (!v.is_object()) fail(pointer, "expected an object, got " + kpi_detail::describe(v));
    return v.get_object();
  }

  const json::array& array(const json::value& v, const std::string& pointer) const {
    if (!v.is_array()) fail(pointer, "expected an array, got " + kpi_detail::describe(v));
    return v.get_array();
  }

  void only(const json::object& o, const std::string& pointer,
            std::initializer_list<std::string_view> allowed) const {
    for (const auto& kv : o) {
      if (std::find(allowed.begin(), allowed.end(), kv.key()) != allowed.end()) continue;
      if (kv.key() == "$comment" || kv.key() == "description") continue;
      std::string list;
      for (auto a : allowed) {
        if (a.front() == '$') continue;
        if (!list.empty()) list += ", ";
        list += a;
      }
      fail(pointer + "/" + std::string(kv.key()), "unknown member (expected " + list + ")");
    }
  }

  double number(const json::value& v, const std::string& pointer) const {
    double x = 0;
    if (!kpi_detail::number_of(v, x))
      fail(pointer, "must be a number, got " + kpi_detail::describe(v));
    return x;
  }

  std::string text(const json::value& v, const std::string& pointer) const {
    if (!v.is_string()) fail(pointer, "must be a string, got " + kpi_detail::describe(v));
    return std::string(v.get_string());
  }

  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
};

KpiScoring::Method read_method(const Reader& r, const json::value& v, const std::string& pointer) {
  if (v == "ratio") return KpiScoring::Method::ratio;
  if (v == "linear") return KpiScoring::Method::linear;
  r.fail(pointer, "must be \"ratio\" or \"linear\", got " + kpi_detail::describe(v));
}

// Built-in parameters: which KPI takes which parameter.
void read_builtin_parameters(const Reader& r, BuiltinKpi kpi, const json::object& params,
                             const std::string& pointer, BuiltinKpiParameters& out) {
  std::string_view name;
  double* slot = nullptr;
  if (kpi == BuiltinKpi::sales_contract_timeliness) {
    name = "max_days";
    slot = &out.contract_max_days;
  } else if (kpi == BuiltinKpi::quality_issue_timeliness) {
    name = "max_hours";
    slot = &out.issue_max_hours;
  }
  for (const auto& kv : params) {
    if (kv.key() == "$comment") continue;
    if (!slot || kv.key() != name)
      r.fail(pointer + "/" + std::string(kv.key()),
             slot ? "unknown parameter (this KPI takes " + std::string(name) + ")"
                  : "unknown parameter (this KPI takes none)");
    const double x = r.number(kv.value(), pointer + "/" + std::string(kv.key()));
    if (!(x > 0)) r.fail(pointer + "/" + std::string(kv.key()), "must be a number > 0");
    *slot = x;
  }
}

// /scoring: the default method and the score range.
KpiScoring::Method read_scoring(const Reader& r, const json::object& o, KpiCatalogue& cat) {
  KpiScoring::Method default_method = KpiScoring::Method::ratio;
  double min = 0, max = 120;
  if (const json::value* s = o.if_contains("scoring")) {
    const auto& scoring = r.object(*s, "/scoring");
    r.only(scoring, "/scoring", {"method", "min", "max"});
    if (const json::value* m = scoring.if_contains("method"))
      default_method = read_method(r, *m, "/scoring/method");
    if (const json::value* v = scoring.if_contains("min")) min = r.number(*v, "/scoring/min");
    if (const json::value* v = scoring.if_contains("max")) max = r.number(*v, "/scoring/max");
    if (!(min < max)) r.fail("/scoring/max", "must be above min");
  }
  cat.set_score_range(min, max);
  return default_method;
}

KpiDirection read_direction(const Reader& r, const json::value& d, const std::string& pointer) {
  if (d == "higher") return KpiDirection::higher_is_better;
  if (d == "lower") return KpiDirection::lower_is_better;
  r.fail(pointer,
         "must be \"higher\" or \"lower\" (which is better), got " + kpi_detail::describe(d));
}

// A KPI's scoring (method, floor) and the target it is scored against, checked together.
void read_kpi_scoring(const Reader& r, const json::object& k, const std::string& p,
                      KpiScoring::Method default_method, KpiDefinition& def) {
  def.scoring.method = default_method;
  bool floor_given = false;
  if (const json::value* s = k.if_contains("scoring")) {
    const auto& sc = r.object(*s, p + "/scoring");
    r.only(sc, p + "/scoring", {"method", "floor"});
    if (const json::value* m = sc.if_contains("method"))
      def.scoring.method = read_method(r, *m, p + "/scoring/method");
    if (const json::value* f = sc.if_contains("floor")) {
      def.scoring.floor = r.number(*f, p + "/scoring/floor");
      floor_given = true;
    }
  }
  if (!def.target) return;
  if (def.scoring.method == KpiScoring::Method::ratio && !(*def.target > 0))
    r.fail(p + "/target", "the ratio score needs a target > 0 (or use scoring.method linear)");
  if (def.scoring.method == KpiScoring::Method::linear) {
    if (!floor_given)
      r.fail(p + "/scoring/floor", "missing: the linear score needs the value that scores 0");
    const bool higher = def.direction == KpiDirection::higher_is_better;
    if (higher ? !(def.scoring.floor < *def.target) : !(def.scoring.floor > *def.target))
      r.fail(p + "/scoring/floor", higher ? "must be below the target when higher is better"
                                          : "must be above the target when lower is better");
  }
}

// /kpis/<i> without its calculator: id, title, department, unit, direction, target, scoring.
KpiDefinition read_definition(const Reader& r, const json::object& k, const std::string& p,
                              KpiScoring::Method default_method, const KpiCatalogue& cat) {
  KpiDefinition def;
  const json::value* id = k.if_contains("id");
  if (!id || !id->is_string() || id->get_string().empty())
    r.fail(p + "/id", "must be a non-empty string (e.g. \"sales.revenue\")");
  def.id = std::string(id->get_string());
  if (cat.find(def.id)) r.fail(p + "/id", "KPI \"" + def.id + "\" is defined twice");
  def.title = k.contains("title") ? r.text(k.at("title"), p + "/title") : def.id;
  def.department = k.contains("department") ? r.text(k.at("department"), p + "/department")
                                            : def.id.substr(0, def.id.find('.'));
  if (def.department.empty()) r.fail(p + "/department", "must not be empty");
  if (k.contains("unit")) def.unit = r.text(k.at("unit"), p + "/unit");
  if (const json::value* d = k.if_contains("direction"))
    def.direction = read_direction(r, *d, p + "/direction");
  if (const json::value* t = k.if_contains("target"); t && !t->is_null())
    def.target = r.number(*t, p + "/target");
  read_kpi_scoring(r, k, p, default_method, def);
  return def;
}

// The calculator of /kpis/<i>: its `compute` expression, the built-in of its id (with its
// parameters), or none for a KPI marked external (a host registers it).
std::shared_ptr<const KpiCalculator> read_calculator(const Reader& r, const json::object& k,
                                                     const std::string& p, const KpiDefinition& def,
                                                     const jsonlogic::Operators& ops) {
  const json::value* external = k.if_contains("external");
  if (external && !external->is_bool()) r.fail(p + "/external", "must be true or false");
  if (const json::value* compute = k.if_contains("compute")) {
    if (k.contains("parameters"))
      r.fail(p + "/parameters", "a KPI with `compute` takes no parameters");
    return kpi_detail::make_json_kpi(def.id, *compute, r.file(), p + "/compute", ops);
  }
  if (const auto builtin = builtin_kpi_from_id(def.id)) {
    BuiltinKpiParameters params;
    if (const json::value* ps = k.if_contains("parameters"))
      read_builtin_parameters(r, *builtin, r.object(*ps, p + "/parameters"), p + "/parameters",
                              params);
    return std::make_shared<BuiltinKpiCalculator>(*builtin, params);
  }
  if (!external || !external->get_bool()) {
    std::string ids;
    for (std::size_t b = 0; b < kBuiltinKpiCount; ++b)
      ids += (b ? ", " : "") + std::string(builtin_kpi_id(static_cast<BuiltinKpi>(b)));
    r.fail(p + "/id", "\"" + def.id + "\" is not a built-in KPI (" + ids +
                          "); give it a `compute` expression, or `\"external\": true` when a "
                          "host registers its calculator in C++");
  }
  if (k.contains("parameters"))
    r.fail(p + "/parameters", "an external KPI takes no parameters here");
  return nullptr;
}

void read_kpis(const Reader& r, const json::object& o, KpiScoring::Method default_method,
               const jsonlogic::Operators& ops, KpiCatalogue& cat) {
  const json::value* kpis = o.if_contains("kpis");
  if (!kpis) r.fail("/kpis", "missing: the list of KPIs");
  const auto& list = r.array(*kpis, "/kpis");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = "/kpis/" + std::to_string(i);
    const auto& k = r.object(list[i], p);
    r.only(k, p,
           {"id", "title", "department", "unit", "direction", "target", "scoring", "parameters",
            "compute", "external"});
    KpiDefinition def = read_definition(r, k, p, default_method, cat);
    std::shared_ptr<const KpiCalculator> calc = read_calculator(r, k, p, def, ops);
    cat.define(std::move(def));
    if (calc) cat.add(std::move(calc));
  }
}

KpiDepartment read_department(const Reader& r, const json::value& v, const std::string& p,
                              const std::vector<KpiDepartment>& earlier, const KpiCatalogue& cat) {
  const auto& dep = r.object(v, p);
  r.only(dep, p, {"id", "title", "weights"});
  KpiDepartment department;
  const json::value* id = dep.if_contains("id");
  if (!id || !id->is_string() || id->get_string().empty())
    r.fail(p + "/id", "must be a non-empty string (e.g. \"sales\")");
  department.id = std::string(id->get_string());
  for (const auto& e : earlier)
    if (e.id == department.id)
      r.fail(p + "/id", "department \"" + department.id + "\" is listed twice");
  department.title = dep.contains("title") ? r.text(dep.at("title"), p + "/title") : department.id;
  const json::value* w = dep.if_contains("weights");
  if (!w) r.fail(p + "/weights", "missing: {\"<kpi id>\": weight, ...}");
  for (const auto& kv : r.object(*w, p + "/weights")) {
    const std::string wp = p + "/weights/" + std::string(kv.key());
    if (!cat.find(kv.key())) r.fail(wp, "no KPI of that id is defined in /kpis");
    const double x = r.number(kv.value(), wp);
    if (!(x > 0)) r.fail(wp, "must be a number > 0");
    department.weights.emplace_back(std::string(kv.key()), x);
  }
  return department;
}

void read_departments(const Reader& r, const json::object& o, KpiCatalogue& cat) {
  const json::value* d = o.if_contains("departments");
  if (!d) return;
  const auto& deps = r.array(*d, "/departments");
  std::vector<KpiDepartment> out;
  for (std::size_t i = 0; i < deps.size(); ++i)
    out.push_back(read_department(r, deps[i], "/departments/" + std::to_string(i), out, cat));
  cat.set_departments(std::move(out));
}

void read_bonus(const Reader& r, const json::object& o, KpiCatalogue& cat) {
  const json::value* b = o.if_contains("bonus");
  if (!b) return;
  const auto& bonus = r.object(*b, "/bonus");
  r.only(bonus, "/bonus", {"bands"});
  const json::value* bands = bonus.if_contains("bands");
  if (!bands) r.fail("/bonus/bands", "missing: [{\"min\": score, \"coefficient\": c}, ...]");
  const auto& list = r.array(*bands, "/bonus/bands");
  std::vector<BonusBand> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string p = "/bonus/bands/" + std::to_string(i);
    const auto& band = r.object(list[i], p);
    r.only(band, p, {"min", "coefficient"});
    if (!band.contains("min")) r.fail(p + "/min", "missing");
    if (!band.contains("coefficient")) r.fail(p + "/coefficient", "missing");
    BonusBand bb;
    bb.min = r.number(band.at("min"), p + "/min");
    bb.coefficient = r.number(band.at("coefficient"), p + "/coefficient");
    if (bb.coefficient < 0) r.fail(p + "/coefficient", "must be ≥ 0");
    if (!out.empty() && !(bb.min > out.back().min))
      r.fail(p + "/min", "bands must be in ascending order of min");
    out.push_back(bb);
  }
  cat.set_bonus(std::move(out));
}

}  // namespace

KpiCatalogue kpi_catalogue_from_json(const json::value& doc, std::string_view file,
                                     const jsonlogic::Operators& ops) {
  const Reader r(file);
  const auto& o = r.object(doc, "");
  r.only(o, "", {"$schema", "scoring", "kpis", "departments", "bonus", "people"});
  KpiCatalogue cat;
  const KpiScoring::Method default_method = read_scoring(r, o, cat);
  read_kpis(r, o, default_method, ops, cat);
  read_departments(r, o, cat);
  read_bonus(r, o, cat);
  return cat;
}

const KpiCatalogue& KpiCatalogue::defaults() {
  static const KpiCatalogue catalogue = [] {
    for (const auto& f : detail::builtin_policy_files())
      if (f.name == "kpi.json")
        return kpi_catalogue_from_json(
            parse_json(f.content, InputLimits{}, "rules/default/kpi.json"),
            "rules/default/kpi.json");
    KpiCatalogue c;  // only when the library was built without rules/default/kpi.json
    for (std::size_t b = 0; b < kBuiltinKpiCount; ++b) {
      KpiDefinition def;
      def.id = std::string(builtin_kpi_id(static_cast<BuiltinKpi>(b)));
      c.define(std::move(def));
    }
    return c;
  }();
  return catalogue;
}

UNDERTAKE_END_NAMESPACE
