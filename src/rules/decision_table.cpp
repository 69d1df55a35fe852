// Decision tables: loading and validating a table definition, and evaluating it.
#include "undertake/decision_table.hpp"

#include <boost/json.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "common/json_checker.hpp"
#include "rules/decision_table_detail.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

const char* hit_policy_name(HitPolicy p) noexcept {
  switch (p) {
    case HitPolicy::unique:
      return "UNIQUE";
    case HitPolicy::first:
      return "FIRST";
    case HitPolicy::priority:
      return "PRIORITY";
    case HitPolicy::any:
      return "ANY";
    case HitPolicy::collect:
      return "COLLECT";
    case HitPolicy::rule_order:
      return "RULE ORDER";
  }
  return "UNIQUE";
}

const char* aggregation_name(Aggregation a) noexcept {
  switch (a) {
    case Aggregation::none:
      return "";
    case Aggregation::sum:
      return "sum";
    case Aggregation::min:
      return "min";
    case Aggregation::max:
      return "max";
    case Aggregation::count:
      return "count";
  }
  return "";
}

namespace detail {

namespace {
thread_local DecisionLog* tls_decision_log = nullptr;
}  // namespace

DecisionLog* current_decision_log() noexcept {
  return tls_decision_log;
}

DecisionLogScope::DecisionLogScope(DecisionLog* log) noexcept : saved_(tls_decision_log) {
  tls_decision_log = log;
}
DecisionLogScope::~DecisionLogScope() {
  tls_decision_log = saved_;
}

}  // namespace detail

namespace {

using detail::JsonChecker;
using detail::dt::Atom;
using detail::dt::Cell;
using detail::dt::number_of;
using detail::dt::same_value;

constexpr std::string_view kTypes[] = {"number", "integer", "string", "boolean", "any"};

bool valid_table_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

bool valid_column_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9') || s[0] == '-') return false;
  return valid_table_name(s);
}

bool has_type(const json::value& v, std::string_view type) {
  if (type == "number") return v.is_int64() || v.is_uint64() || v.is_double();
  if (type == "integer")
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() && std::isfinite(v.get_double()) &&
            v.get_double() == std::floor(v.get_double()));
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  return true;
}

/// A number as JSON: whole numbers as integers (Boost.JSON writes 3.0 as 3E0).
json::value number_value(double d) {
  if (d == std::floor(d) && std::fabs(d) < 9e15) return static_cast<std::int64_t>(d);
  return d;
}

std::string value_text(const json::value& v) {
  double d = 0;
  if (number_of(v, d)) return detail::dt::number_text(d);
  return json::serialize(v);
}

class Loader {
 public:
  Loader(DecisionTable::Impl& t, std::string_view file, std::string path,
         std::vector<std::string>& problems, const jsonlogic::Operators& ops)
      : t_(t), file_(file), path_(std::move(path)), check_(problems), ops_(ops) {}

  void load(const json::value& def) {
    const auto* o = check_.object(def, file_, path_);
    if (!o) return;
    check_.only(*o, {"description", "hit_policy", "aggregation", "inputs", "outputs", "rules"},
                file_, path_);
    if (const auto* s = check_.string(*o, "description", false, file_, path_))
      t_.description = std::string(*s);
    hit_policy(*o);
    columns(*o);
    rows(*o);
    finish();
  }

 private:
  void fail(const std::string& path, const std::string& why) { check_.fail(file_, path, why); }

  void hit_policy(const json::object& o) {
    if (const auto* s = check_.string(o, "hit_policy", false, file_, path_)) {
      static const std::pair<std::string_view, HitPolicy> names[] = {
          {"UNIQUE", HitPolicy::unique},     {"FIRST", HitPolicy::first},
          {"PRIORITY", HitPolicy::priority}, {"ANY", HitPolicy::any},
          {"COLLECT", HitPolicy::collect},   {"RULE ORDER", HitPolicy::rule_order}};
      bool found = false;
      for (const auto& [name, policy] : names)
        if (*s == name) {
          t_.hit_policy = policy;
          found = true;
        }
      if (!found)
        fail(
            path_ + "/hit_policy",
            "expected \"UNIQUE\", \"FIRST\", \"PRIORITY\", \"ANY\", \"COLLECT\" or \"RULE ORDER\"");
    }
    if (const auto* s = check_.string(o, "aggregation", false, file_, path_)) {
      std::string a(*s);
      for (char& c : a) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      if (a == "sum")
        t_.aggregation = Aggregation::sum;
      else if (a == "min")
        t_.aggregation = Aggregation::min;
      else if (a == "max")
        t_.aggregation = Aggregation::max;
      else if (a == "count")
        t_.aggregation = Aggregation::count;
      else
        fail(path_ + "/aggregation", "expected \"sum\", \"min\", \"max\" or \"count\"");
      if (t_.hit_policy != HitPolicy::collect)
        fail(path_ + "/aggregation", "only a COLLECT table aggregates its matches");
    }
  }

  std::string type_of(const json::object& o, const std::string& path) {
    const auto* s = check_.string(o, "type", false, file_, path);
    if (!s) return "any";
    if (std::find(std::begin(kTypes), std::end(kTypes), *s) == std::end(kTypes)) {
      fail(path + "/type", "expected \"number\", \"integer\", \"string\", \"boolean\" or \"any\"");
      return "any";
    }
    return std::string(*s);
  }

  /// The name of an input or output column; problems for a bad or duplicate name.
  std::string column_name(const json::object& o, const std::string& path,
                          const std::vector<std::string>& taken) {
    const auto* s = check_.string(o, "name", true, file_, path);
    if (!s) return {};
    std::string name(*s);
    if (!valid_column_name(name))
      fail(path + "/name",
           "a column name is a word of letters, digits, _ and - (it is a variable name in "
           "JsonLogic cells)");
    else if (std::find(taken.begin(), taken.end(), name) != taken.end())
      fail(path + "/name", "duplicate column name \"" + name + "\"");
    return name;
  }

  void columns(const json::object& o) {
    std::vector<std::string> names;
    const json::value* inputs = o.if_contains("inputs");
    if (!inputs || !inputs->is_array() || inputs->get_array().empty()) {
      fail(path_ + "/inputs", "expected a non-empty array of input columns");
    } else {
      const auto& list = inputs->get_array();
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string p = JsonChecker::index(path_ + "/inputs", i);
        const auto* c = check_.object(list[i], file_, p);
        if (!c) continue;
        check_.only(*c, {"name", "description", "type", "values"}, file_, p);
        DecisionTable::Input in;
        in.name = column_name(*c, p, names);
        names.push_back(in.name);
        if (const auto* s = check_.string(*c, "description", false, file_, p))
          in.description = std::string(*s);
        in.type = type_of(*c, p);
        Cell allowed;
        allowed.any = true;
        if (const json::value* v = c->if_contains("values")) {
          in.values = *v;
          allowed = input_values(*v, in, p + "/values");
        }
        t_.inputs.push_back(std::move(in));
        t_.allowed.push_back(std::move(allowed));
      }
    }
    names.clear();
    const json::value* outputs = o.if_contains("outputs");
    if (!outputs || !outputs->is_array() || outputs->get_array().empty()) {
      fail(path_ + "/outputs", "expected a non-empty array of output columns");
      return;
    }
    const auto& list = outputs->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = JsonChecker::index(path_ + "/outputs", i);
      const auto* c = check_.object(list[i], file_, p);
      if (!c) continue;
      check_.only(*c, {"name", "description", "type", "values", "default"}, file_, p);
      DecisionTable::Output out;
      out.name = column_name(*c, p, names);
      names.push_back(out.name);
      if (const auto* s = check_.string(*c, "description", false, file_, p))
        out.description = std::string(*s);
      out.type = type_of(*c, p);
      if (const json::value* v = c->if_contains("values")) {
        if (!v->is_array() || v->get_array().empty()) {
          fail(p + "/values",
               "expected a non-empty array of the allowed values, highest priority first");
        } else {
          const auto& values = v->get_array();
          for (std::size_t k = 0; k < values.size(); ++k) {
            if (!has_type(values[k], out.type))
              fail(JsonChecker::index(p + "/values", k), "not a " + out.type);
            for (const auto& seen : out.values)
              if (same_value(seen, values[k]))
                fail(JsonChecker::index(p + "/values", k), "listed twice");
            out.values.push_back(values[k]);
          }
        }
      }
      if (const json::value* d = c->if_contains("default")) {
        out.has_default = true;
        out.default_value = *d;
        check_output_value(out, *d, p + "/default");
      }
      t_.outputs.push_back(std::move(out));
    }
  }

  /// An input's `values`: the values it may take, written as a cell of literals and intervals.
  Cell input_values(const json::value& v, const DecisionTable::Input& in, const std::string& path) {
    Cell cell;
    if (!compile_cell(v, in, path, cell)) {
      cell = Cell{};
      cell.any = true;
      return cell;
    }
    if (cell.any)
      fail(path, "\"-\" allows every value: leave \"values\" out instead");
    else if (!cell.exact())
      fail(path,
           "the values of an input are literals and intervals (no JsonLogic or string "
           "comparison), so that the check can tell which inputs no row covers");
    return cell;
  }

  void check_output_value(const DecisionTable::Output& out, const json::value& v,
                          const std::string& path) {
    if (!has_type(v, out.type)) {
      fail(path, "output \"" + out.name + "\" is a " + out.type + ", got " + value_text(v));
      return;
    }
    if (!out.values.empty() && std::none_of(out.values.begin(), out.values.end(),
                                            [&](const json::value& a) { return same_value(a, v); }))
      fail(path, value_text(v) + " is not one of the values of output \"" + out.name + "\"");
  }

  /// Compiles one input cell; false (with a problem recorded) when it is unusable.
  bool compile_cell(const json::value& v, const DecisionTable::Input& in, const std::string& path,
                    Cell& cell) {
    std::string why;
    switch (v.kind()) {
      case json::kind::string:
        if (!detail::dt::parse_unary_tests(v.get_string(), cell, why)) {
          fail(path, why);
          return false;
        }
        break;
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_: {
        double d = 0;
        number_of(v, d);
        Atom a;
        a.iv = detail::dt::Interval{d, d, false, false};
        cell.atoms.push_back(std::move(a));
        break;
      }
      case json::kind::bool_:
      case json::kind::null: {
        Atom a;
        a.kind = Atom::Kind::equal;
        a.value = v;
        cell.atoms.push_back(std::move(a));
        break;
      }
      case json::kind::array: {
        const auto& items = v.get_array();
        if (items.empty()) {
          fail(path, "an empty list never matches (use \"-\" for any value)");
          return false;
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
          Atom a;
          double d = 0;
          if (number_of(items[i], d)) {
            a.iv = detail::dt::Interval{d, d, false, false};
          } else if (items[i].is_string() || items[i].is_bool() || items[i].is_null()) {
            a.kind = Atom::Kind::equal;
            a.value = items[i];
          } else {
            fail(JsonChecker::index(path, i),
                 "a list cell holds values (numbers, strings, booleans, null)");
            return false;
          }
          cell.atoms.push_back(std::move(a));
        }
        break;
      }
      case json::kind::object: {
        Atom a;
        a.kind = Atom::Kind::logic;
        try {
          a.rule = std::make_unique<const jsonlogic::Rule>(
              jsonlogic::Rule::compile(v, ops_, std::string(file_) + ": " + path));
        } catch (const Error& e) {
          fail(path, "JsonLogic cell: " + e.why() +
                         (e.where().empty() ? std::string() : " (at " + e.where() + ")"));
          return false;
        }
        cell.atoms.push_back(std::move(a));
        t_.has_logic = true;
        break;
      }
    }
    // Tests that can never match a column of a declared type are mistakes.
    if (in.type == "any" || cell.any) return true;
    for (const Atom& a : cell.atoms) {
      const char* bad = nullptr;
      if (a.kind == Atom::Kind::interval && in.type != "number" && in.type != "integer")
        bad = "a number test";
      if (a.kind == Atom::Kind::string_compare && in.type != "string") bad = "a string comparison";
      if (a.kind == Atom::Kind::equal && !has_type(a.value, in.type))
        bad = "a test of another type";
      if (bad) {
        fail(path,
             std::string(bad) + " in the " + in.type + " column \"" + in.name + "\" never matches");
        return false;
      }
    }
    return true;
  }

  void rows(const json::object& o) {
    const json::value* rules = o.if_contains("rules");
    if (!rules || !rules->is_array()) {
      fail(path_ + "/rules", "expected an array of rows {id, when: [...], then: [...]}");
      return;
    }
    const auto& list = rules->get_array();
    if (t_.inputs.empty() || t_.outputs.empty()) return;  // reported; cells cannot be checked
    t_.rows.reserve(list.size());
    t_.cells.reserve(list.size() * t_.inputs.size());
    t_.compiled.reserve(list.size());
    ids_.reserve(list.size());
    for (std::size_t r = 0; r < list.size(); ++r) row(list[r], r);
  }

  /// Loads row r (its number is its place in `rules`, also when it is unusable).
  void row(const json::value& v, std::size_t r) {
    char number[24];
    const auto end = std::to_chars(number, number + sizeof number, r).ptr;
    row_path_.assign(path_).append("/rules/").append(number, end);
    const std::string& p = row_path_;
    const std::size_t first_cell = t_.cells.size();
    t_.cells.resize(first_cell + t_.inputs.size());
    const auto* ro = check_.object(v, file_, p);
    if (!ro) {
      t_.compiled.push_back(false);
      t_.rows.emplace_back();
      return;
    }
    check_.only(*ro, {"id", "description", "when", "then"}, file_, p);
    DecisionTable::Row row;
    if (const auto* s = check_.string(*ro, "id", false, file_, p)) {
      row.id = std::string(*s);
      // Views into the definition, which outlives the loader. (A list searched row by row made
      // loading quadratic: 10^5 rows took a minute.)
      if (!ids_.insert(std::string_view(*s)).second)
        fail(p + "/id", "duplicate row id \"" + row.id + "\"");
    }
    if (const auto* s = check_.string(*ro, "description", false, file_, p))
      row.description = std::string(*s);
    const json::value* when = ro->if_contains("when");
    part_path_.assign(p).append("/when");
    bool ok = entries(when, part_path_, true, row.when);
    const bool shaped = ok;  // every cell is compiled, to report every problem
    for (std::size_t c = 0; shaped && c < t_.inputs.size(); ++c)
      ok = compile_cell(row.when[c], t_.inputs[c], cell_path(when, part_path_, c, true),
                        t_.cells[first_cell + c]) &&
           ok;
    t_.compiled.push_back(ok);
    const json::value* then = ro->if_contains("then");
    part_path_.assign(p).append("/then");
    if (entries(then, part_path_, false, row.then)) {
      for (std::size_t c = 0; c < t_.outputs.size(); ++c)
        check_output_value(t_.outputs[c], row.then[c], cell_path(then, part_path_, c, false));
      if (t_.outputs.size() == 1) {
        row.output = row.then[0];
      } else {
        json::object out;
        for (std::size_t c = 0; c < t_.outputs.size(); ++c) out[t_.outputs[c].name] = row.then[c];
        row.output = std::move(out);
      }
    }
    t_.rows.push_back(std::move(row));
  }

  /// The path of a cell of `when` or `then` (at `path`), in a buffer reused from cell to cell.
  const std::string& cell_path(const json::value* v, const std::string& path, std::size_t c,
                               bool input) {
    if (v && v->is_object()) {
      cell_path_ = JsonChecker::join(path, input ? t_.inputs[c].name : t_.outputs[c].name);
    } else {
      char number[24];
      const auto end = std::to_chars(number, number + sizeof number, c).ptr;
      cell_path_.assign(path).append("/").append(number, end);
    }
    return cell_path_;
  }

  /// A row's `when` or `then`: an array in column order, or an object by column name (inputs
  /// left out are "-"). Fills `out` with one value per column.
  bool entries(const json::value* v, const std::string& path, bool input,
               std::vector<json::value>& out) {
    const std::size_t count = input ? t_.inputs.size() : t_.outputs.size();
    const char* what = input ? "input" : "output";
    if (!v) {
      fail(path, std::string("missing: one ") + what + " entry per " + what + " column");
      return false;
    }
    if (v->is_array()) {
      const auto& a = v->get_array();
      if (a.size() != count) {
        fail(path, "expected " + std::to_string(count) + " " + what + " entr" +
                       (count == 1 ? "y" : "ies") + " (" + column_list(input) + "), got " +
                       std::to_string(a.size()));
        return false;
      }
      out.assign(a.begin(), a.end());
      return true;
    }
    if (v->is_object()) {
      const auto& o = v->get_object();
      bool ok = true;
      for (const auto& kv : o) {
        bool known = false;
        for (std::size_t c = 0; c < count; ++c)
          known = known || (input ? t_.inputs[c].name : t_.outputs[c].name) == kv.key();
        if (!known) {
          fail(JsonChecker::join(path, kv.key()),
               std::string("not an ") + what + " column (" + column_list(input) + ")");
          ok = false;
        }
      }
      out.clear();
      for (std::size_t c = 0; c < count; ++c) {
        const std::string& name = input ? t_.inputs[c].name : t_.outputs[c].name;
        if (const json::value* e = o.if_contains(name)) {
          out.push_back(*e);
        } else if (input) {
          out.emplace_back("-");
        } else {
          fail(JsonChecker::join(path, name), "missing: every output needs a value");
          ok = false;
        }
      }
      return ok;
    }
    fail(path, std::string("expected an array of ") + what + " entries (" + column_list(input) +
                   ") or an object by column name");
    return false;
  }

  std::string column_list(bool input) const {
    std::string s;
    const std::size_t count = input ? t_.inputs.size() : t_.outputs.size();
    for (std::size_t c = 0; c < count; ++c)
      s += (c ? ", " : "") + (input ? t_.inputs[c].name : t_.outputs[c].name);
    return s;
  }

  void finish() {
    if (t_.outputs.empty()) return;
    const bool numeric_aggregate = t_.aggregation == Aggregation::sum ||
                                   t_.aggregation == Aggregation::min ||
                                   t_.aggregation == Aggregation::max;
    if (numeric_aggregate) {
      if (t_.outputs.size() != 1)
        fail(path_ + "/aggregation", std::string("\"") + aggregation_name(t_.aggregation) +
                                         "\" aggregates a single output column");
      for (std::size_t r = 0; r < t_.rows.size(); ++r) {
        double d = 0;
        if (!t_.rows[r].then.empty() && !number_of(t_.rows[r].then[0], d))
          fail(JsonChecker::index(path_ + "/rules", r) + "/then",
               std::string("\"") + aggregation_name(t_.aggregation) + "\" needs numbers");
      }
    }
    if (t_.hit_policy == HitPolicy::priority) {
      bool any_values = false;
      for (const auto& out : t_.outputs) any_values = any_values || !out.values.empty();
      if (!any_values)
        fail(path_ + "/outputs",
             "a PRIORITY table needs \"values\" (highest priority first) on at least one output");
      for (const auto& row : t_.rows) {
        std::vector<std::size_t> rank;
        for (std::size_t c = 0; c < t_.outputs.size() && c < row.then.size(); ++c) {
          const auto& values = t_.outputs[c].values;
          if (values.empty()) continue;
          std::size_t k = 0;
          while (k < values.size() && !same_value(values[k], row.then[c])) ++k;
          rank.push_back(k);
        }
        t_.priority.push_back(std::move(rank));
      }
    }
    defaults();
  }

  /// The answer when no row matches: [] or 0 for COLLECT and RULE ORDER tables (min and max
  /// excepted), else the outputs' defaults; without them an input no row matches is an error
  /// (DecisionTable::Impl::must_match), so that a gate reading the table fails closed.
  void defaults() {
    std::size_t with_default = 0;
    for (const auto& out : t_.outputs) with_default += out.has_default ? 1 : 0;
    const bool collects =
        t_.hit_policy == HitPolicy::collect || t_.hit_policy == HitPolicy::rule_order;
    const bool extreme = t_.aggregation == Aggregation::min || t_.aggregation == Aggregation::max;
    if (collects && !extreme) {
      t_.no_hit = t_.aggregation == Aggregation::none ? json::value(json::array{}) : json::value(0);
      for (std::size_t c = 0; c < t_.outputs.size(); ++c)
        if (t_.outputs[c].has_default)
          fail(JsonChecker::index(path_ + "/outputs", c) + "/default",
               std::string("a ") + hit_policy_name(t_.hit_policy) +
                   (t_.aggregation == Aggregation::none ? " table answers [] "
                                                        : " table answers 0 ") +
                   "when no row matches: the default is never used");
      return;
    }
    if (with_default != 0 && with_default != t_.outputs.size()) {
      for (std::size_t c = 0; c < t_.outputs.size(); ++c)
        if (!t_.outputs[c].has_default)
          fail(JsonChecker::index(path_ + "/outputs", c),
               "output \"" + t_.outputs[c].name +
                   "\" has no default while others have one: the answer when no row matches "
                   "needs a default for every output (or none, to refuse such inputs)");
      return;
    }
    t_.has_default = with_default != 0;
    if (!t_.has_default) return;
    if (t_.outputs.size() == 1) {
      t_.no_hit = t_.outputs[0].default_value;
    } else {
      json::object o;
      for (const auto& out : t_.outputs) o[out.name] = out.default_value;
      t_.no_hit = std::move(o);
    }
  }

  DecisionTable::Impl& t_;
  std::string_view file_;
  std::string path_;
  JsonChecker check_;
  const jsonlogic::Operators& ops_;
  boost::unordered_flat_set<std::string_view> ids_;  ///< the row ids so far
  // Paths of the row being loaded, in buffers reused from row to row: only an error needs
  // them, and a table of 10^6 rows would otherwise build millions of strings.
  std::string row_path_;
  std::string part_path_;
  std::string cell_path_;
};

/// Evaluates the cells of rows against one set of inputs.
class Matcher {
 public:
  Matcher(const DecisionTable::Impl& t, const json::value* const* values,
          const jsonlogic::Limits& limits)
      : t_(t), values_(values), limits_(limits) {}

  bool row(std::size_t r) {
    const std::size_t columns = t_.inputs.size();
    const Cell* cells = &t_.cells[r * columns];
    for (std::size_t c = 0; c < columns; ++c)
      if (!cell(cells[c], c)) return false;
    return true;
  }

 private:
  bool cell(const Cell& cell, std::size_t c) {
    if (cell.any) return true;
    const json::value& v = *values_[c];
    bool hit = false;
    for (const Atom& a : cell.atoms) {
      hit = a.kind == Atom::Kind::logic ? a.rule->test(logic_data(c), limits_)
                                        : detail::dt::atom_accepts(a, v);
      if (hit) break;
    }
    return cell.negated ? !hit : hit;
  }

  /// {"?": this column's input, <input name>: value, ...} for JsonLogic cells.
  const json::value& logic_data(std::size_t c) {
    if (data_.is_null()) {
      json::object o;
      for (std::size_t i = 0; i < t_.inputs.size(); ++i) o[t_.inputs[i].name] = *values_[i];
      data_ = std::move(o);
    }
    data_.as_object()["?"] = *values_[c];
    return data_;
  }

  const DecisionTable::Impl& t_;
  const json::value* const* values_;
  const jsonlogic::Limits& limits_;
  json::value data_;
};

std::string inputs_text(const DecisionTable::Impl& t, const json::value* const* values) {
  std::string s;
  for (std::size_t i = 0; i < t.inputs.size(); ++i)
    s += (i ? ", " : "") + t.inputs[i].name + " = " + value_text(*values[i]);
  return s;
}

[[noreturn]] void throw_count(const DecisionTable::Impl& t, std::size_t got) {
  const std::size_t n = t.inputs.size();
  std::string names;
  for (std::size_t i = 0; i < n; ++i) names += (i ? ", " : "") + t.inputs[i].name;
  throw Error(ErrorKind::rule_failed, t.where,
              "table \"" + t.name + "\" takes " + std::to_string(n) + " input" +
                  (n == 1 ? "" : "s") + " (" + names + "), got " + std::to_string(got));
}

void check_inputs(const DecisionTable::Impl& t, const json::value* const* values) {
  for (std::size_t i = 0; i < t.inputs.size(); ++i) {
    const auto& in = t.inputs[i];
    if (!has_type(*values[i], in.type))
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\": input \"" + in.name + "\" must be " +
                      (in.type == "integer" ? "an " : "a ") + in.type + ", got " +
                      value_text(*values[i]));
    if (!t.allowed[i].accepts_value(*values[i]))
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\": input \"" + in.name +
                      "\" = " + value_text(*values[i]) + " is not among its values " +
                      (in.values.is_string() ? std::string(in.values.get_string())
                                             : json::serialize(in.values)));
  }
}

/// No row matched an input of a table that must match: the rule reading the table fails (closed).
[[noreturn]] void throw_no_match(const DecisionTable::Impl& t, const json::value* const* values) {
  const bool collects = t.hit_policy == HitPolicy::collect;
  throw Error(ErrorKind::rule_failed, t.where,
              "table \"" + t.name + "\": no row matched " + inputs_text(t, values) + " (" +
                  (collects ? std::string("COLLECT ") + aggregation_name(t.aggregation) +
                                  " of no rows, and the output has no default)"
                            : std::string("hit policy ") + hit_policy_name(t.hit_policy) +
                                  ", and the outputs have no default)"));
}

/// Calls `f(row)` for every row that may match, in row order, until it returns false.
template <class F>
void for_candidates(const DecisionTable::Impl& t, const json::value* const* values, F&& f) {
  const detail::dt::ColumnIndex* best = nullptr;
  detail::dt::RowSpan best_span;
  std::size_t best_cost = t.rows.size();
  for (std::size_t c = 0; c < t.index.size(); ++c) {
    const auto& index = t.index[c];
    if (!index.enabled) continue;
    const detail::dt::RowSpan span = index.lookup(*values[c]);
    const std::size_t cost = span.size + index.always.size();
    if (cost < best_cost || (!best && cost == best_cost)) {
      best = &index;
      best_span = span;
      best_cost = cost;
    }
  }
  if (!best) {
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      if (!f(r)) return;
    return;
  }
  // Merge the index's rows and the rows it cannot rule out, both ascending and disjoint.
  const std::uint32_t* a = best_span.data;
  const std::uint32_t* a_end = a + best_span.size;
  const std::uint32_t* b = best->always.data();
  const std::uint32_t* b_end = b + best->always.size();
  while (a != a_end || b != b_end) {
    std::uint32_t r;
    if (b == b_end || (a != a_end && *a < *b))
      r = *a++;
    else
      r = *b++;
    if (!f(r)) return;
  }
}

TableResult run(const DecisionTable::Impl& t, const json::value* const* values,
                const jsonlogic::Limits& limits) {
  check_inputs(t, values);
  Matcher matcher(t, values, limits);
  TableResult result;
  const bool single = t.hit_policy == HitPolicy::first || t.hit_policy == HitPolicy::unique;
  for_candidates(t, values, [&](std::size_t r) {
    if (!matcher.row(r)) return true;
    result.rows.push_back(r);
    if (t.hit_policy == HitPolicy::first) return false;
    return !(single && result.rows.size() == 2);
  });
  if (result.rows.empty() && t.must_match()) throw_no_match(t, values);
  auto label = [&](std::size_t r) {
    std::string s = "row " + std::to_string(r + 1);
    if (!t.rows[r].id.empty()) s += " \"" + t.rows[r].id + "\"";
    return s;
  };
  switch (t.hit_policy) {
    case HitPolicy::unique:
      if (result.rows.size() > 1)
        throw Error(ErrorKind::rule_failed, t.where,
                    "table \"" + t.name + "\" has hit policy UNIQUE but " + label(result.rows[0]) +
                        " and " + label(result.rows[1]) + " both match " + inputs_text(t, values));
      [[fallthrough]];
    case HitPolicy::first:
      result.output = result.rows.empty() ? t.no_hit : t.rows[result.rows[0]].output;
      break;
    case HitPolicy::any:
      for (std::size_t k = 1; k < result.rows.size(); ++k)
        if (!same_value(t.rows[result.rows[0]].output, t.rows[result.rows[k]].output))
          throw Error(ErrorKind::rule_failed, t.where,
                      "table \"" + t.name + "\" has hit policy ANY but " + label(result.rows[0]) +
                          " and " + label(result.rows[k]) + " both match with different outputs (" +
                          value_text(t.rows[result.rows[0]].output) + " and " +
                          value_text(t.rows[result.rows[k]].output) + ") for " +
                          inputs_text(t, values));
      result.output = result.rows.empty() ? t.no_hit : t.rows[result.rows[0]].output;
      if (result.rows.size() > 1) result.rows.resize(1);
      break;
    case HitPolicy::priority: {
      if (result.rows.empty()) {
        result.output = t.no_hit;
        break;
      }
      std::size_t chosen = result.rows[0];
      for (std::size_t r : result.rows)
        if (t.priority[r] < t.priority[chosen]) chosen = r;
      result.rows.assign(1, chosen);
      result.output = t.rows[chosen].output;
      break;
    }
    case HitPolicy::collect:
    case HitPolicy::rule_order:
      switch (t.aggregation) {
        case Aggregation::none: {
          json::array list;
          list.reserve(result.rows.size());
          for (std::size_t r : result.rows) list.push_back(t.rows[r].output);
          result.output = std::move(list);
          break;
        }
        case Aggregation::count:
          result.output = static_cast<std::int64_t>(result.rows.size());
          break;
        case Aggregation::sum: {
          double sum = 0;
          for (std::size_t r : result.rows) {
            double d = 0;
            number_of(t.rows[r].then[0], d);
            sum += d;
          }
          result.output = number_value(sum);
          break;
        }
        case Aggregation::min:
        case Aggregation::max: {
          if (result.rows.empty()) {
            result.output = t.no_hit;  // the default (must_match() without one)
            break;
          }
          const bool want_min = t.aggregation == Aggregation::min;
          std::size_t best = result.rows[0];
          double best_value = 0;
          number_of(t.rows[best].then[0], best_value);
          for (std::size_t r : result.rows) {
            double d = 0;
            number_of(t.rows[r].then[0], d);
            if (want_min ? d < best_value : d > best_value) {
              best = r;
              best_value = d;
            }
          }
          result.output = t.rows[best].then[0];
          break;
        }
      }
      break;
  }
  return result;
}

}  // namespace

bool DecisionTable::Impl::must_match() const noexcept {
  if (has_default) return false;
  switch (hit_policy) {
    case HitPolicy::collect:
      return aggregation == Aggregation::min || aggregation == Aggregation::max;
    case HitPolicy::rule_order:
      return false;
    default:
      return true;
  }
}

DecisionTable::DecisionTable(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DecisionTable::~DecisionTable() = default;

std::shared_ptr<const DecisionTable> DecisionTable::compile(
    std::string name, const json::value& definition, std::string_view where, std::string_view path,
    std::vector<std::string>& problems, const jsonlogic::Operators& ops) {
  const std::size_t before = problems.size();
  auto impl = std::make_unique<Impl>();
  if (!valid_table_name(name))
    JsonChecker(problems).fail(
        where, path, "a table name is a word of letters, digits, _ and - (got \"" + name + "\")");
  impl->name = std::move(name);
  impl->file = std::string(where);
  impl->path = std::string(path);
  impl->where = std::string(where) + ": " + std::string(path.empty() ? "/" : path);
  Loader(*impl, where, std::string(path), problems, ops).load(definition);
  // Overlaps are worth knowing even when some other row has a problem: rows that did not
  // compile are left out of the check.
  impl->check_overlaps(problems);
  if (problems.size() != before) return nullptr;
  impl->build_index();
  return std::shared_ptr<const DecisionTable>(new DecisionTable(std::move(impl)));
}

std::shared_ptr<const DecisionTable> DecisionTable::compile(std::string name,
                                                            const json::value& definition,
                                                            std::string_view where,
                                                            const jsonlogic::Operators& ops) {
  std::vector<std::string> problems;
  auto t = compile(std::move(name), definition, where, "", problems, ops);
  if (!problems.empty()) {
    std::string why = problems.front();
    if (problems.size() > 1)
      why += " (and " + std::to_string(problems.size() - 1) + " more problem" +
             (problems.size() > 2 ? "s" : "") + ")";
    throw Error(ErrorKind::invalid_policy, "", why);
  }
  return t;
}

const std::string& DecisionTable::name() const noexcept {
  return impl_->name;
}
const std::string& DecisionTable::description() const noexcept {
  return impl_->description;
}
const std::string& DecisionTable::where() const noexcept {
  return impl_->where;
}
HitPolicy DecisionTable::hit_policy() const noexcept {
  return impl_->hit_policy;
}
Aggregation DecisionTable::aggregation() const noexcept {
  return impl_->aggregation;
}
const std::vector<DecisionTable::Input>& DecisionTable::inputs() const noexcept {
  return impl_->inputs;
}
const std::vector<DecisionTable::Output>& DecisionTable::outputs() const noexcept {
  return impl_->outputs;
}
const std::vector<DecisionTable::Row>& DecisionTable::rows() const noexcept {
  return impl_->rows;
}

std::string DecisionTable::row_label(std::size_t row) const {
  std::string s = "row " + std::to_string(row + 1);
  if (row < impl_->rows.size() && !impl_->rows[row].id.empty())
    s += " \"" + impl_->rows[row].id + "\"";
  return s;
}

std::size_t DecisionTable::find_row(std::string_view id_or_number) const noexcept {
  const auto& rows = impl_->rows;
  for (std::size_t r = 0; r < rows.size(); ++r)
    if (rows[r].id == id_or_number) return r;
  std::size_t n = 0;
  if (id_or_number.empty()) return npos;
  for (char c : id_or_number) {
    if (c < '0' || c > '9' || n > rows.size()) return npos;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n >= 1 && n <= rows.size() ? n - 1 : npos;
}

TableResult DecisionTable::evaluate(const json::value& inputs,
                                    const jsonlogic::Limits& limits) const {
  static const json::value null_value;
  const Impl& t = *impl_;
  const std::size_t n = t.inputs.size();
  constexpr std::size_t kInline = 8;
  const json::value* inline_values[kInline];
  std::vector<const json::value*> heap;
  const json::value** values = inline_values;
  if (n > kInline) {
    heap.resize(n);
    values = heap.data();
  }
  if (inputs.is_object()) {
    const auto& o = inputs.get_object();
    for (std::size_t i = 0; i < n; ++i) {
      const json::value* v = o.if_contains(t.inputs[i].name);
      values[i] = v ? v : &null_value;
    }
  } else if (inputs.is_array()) {
    const auto& a = inputs.get_array();
    if (a.size() != n) throw_count(t, a.size());
    for (std::size_t i = 0; i < n; ++i) values[i] = &a[i];
  } else {
    if (n != 1)
      throw Error(ErrorKind::rule_failed, t.where,
                  "table \"" + t.name + "\" takes " + std::to_string(n) +
                      " inputs: give an object {name: value} or an array");
    values[0] = &inputs;
  }
  return run(t, values, limits);
}

TableResult DecisionTable::evaluate_values(const json::value* values, std::size_t count,
                                           const jsonlogic::Limits& limits) const {
  const Impl& t = *impl_;
  if (count != t.inputs.size()) throw_count(t, count);
  constexpr std::size_t kInline = 8;
  const json::value* inline_values[kInline];
  std::vector<const json::value*> heap;
  const json::value** pointers = inline_values;
  if (count > kInline) {
    heap.resize(count);
    pointers = heap.data();
  }
  for (std::size_t i = 0; i < count; ++i) pointers[i] = &values[i];
  return run(t, pointers, limits);
}

json::object DecisionTable::input_object(const json::value& inputs) const {
  const Impl& t = *impl_;
  json::object o;
  for (std::size_t i = 0; i < t.inputs.size(); ++i) {
    const json::value* v = nullptr;
    if (inputs.is_object())
      v = inputs.get_object().if_contains(t.inputs[i].name);
    else if (inputs.is_array())
      v = inputs.get_array().if_contains(i);
    else if (t.inputs.size() == 1)
      v = &inputs;
    o[t.inputs[i].name] = v ? *v : json::value();
  }
  return o;
}

json::value DecisionTable::explain(const json::object& inputs, const TableResult& result) const {
  const Impl& t = *impl_;
  json::object o;
  o["table"] = t.name;
  o["hit_policy"] = hit_policy_name(t.hit_policy);
  if (t.aggregation != Aggregation::none) o["aggregation"] = aggregation_name(t.aggregation);
  o["inputs"] = inputs;
  constexpr std::size_t kShown = 20;
  json::array matched;
  for (std::size_t k = 0; k < result.rows.size() && k < kShown; ++k) {
    const std::size_t r = result.rows[k];
    const Row& row = t.rows[r];
    json::object m;
    m["row"] = r + 1;
    if (!row.id.empty()) m["id"] = row.id;
    if (!row.description.empty()) m["description"] = row.description;
    json::object when;
    for (std::size_t c = 0; c < t.inputs.size(); ++c) when[t.inputs[c].name] = row.when[c];
    m["when"] = std::move(when);
    m["output"] = row.output;
    matched.push_back(std::move(m));
  }
  o["matched"] = std::move(matched);
  if (result.rows.size() > kShown) o["matched_count"] = result.rows.size();
  o["output"] = result.output;
  return o;
}

UNDERTAKE_END_NAMESPACE
