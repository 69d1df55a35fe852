// Decision tables: loading a table definition and validating it (the shape of its columns and
// rows, the cells compiled, the hit policy's needs and the answer when no row matches); every
// problem found is reported with the file and JSON path of the definition.
#include <boost/json.hpp>
#include <boost/unordered/unordered_flat_set.hpp>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/json_checker.hpp"
#include "rules/decision_table_detail.hpp"
#include "undertake/decision_table.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE

namespace {

using detail::JsonChecker;
using namespace detail::dt;  // the compiled form of a table (decision_table_detail.hpp)

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
    input_columns(o);
    output_columns(o);
  }

  /// The name, description and type every input and output column has.
  template <class Column>
  void column_head(const json::object& c, const std::string& p, std::vector<std::string>& names,
                   Column& column) {
    column.name = column_name(c, p, names);
    names.push_back(column.name);
    if (const auto* s = check_.string(c, "description", false, file_, p))
      column.description = std::string(*s);
    column.type = type_of(c, p);
  }

  /// Calls `f(column, path)` for each column object of `o[key]` ("inputs" or "outputs"), its
  /// members checked against `allowed`; a problem when the list is missing or empty.
  template <class F>
  void each_column(const json::object& o, const std::string& key,
                   std::initializer_list<std::string_view> allowed, F&& f) {
    const json::value* columns = o.if_contains(key);
    if (!columns || !columns->is_array() || columns->get_array().empty()) {
      fail(path_ + "/" + key,
           "expected a non-empty array of " + key.substr(0, key.size() - 1) + " columns");
      return;
    }
    const auto& list = columns->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string p = JsonChecker::index(path_ + "/" + key, i);
      const auto* c = check_.object(list[i], file_, p);
      if (!c) continue;
      check_.only(*c, allowed, file_, p);
      f(*c, p);
    }
  }

  void input_columns(const json::object& o) {
    std::vector<std::string> names;
    each_column(o, "inputs", {"name", "description", "type", "values"},
                [&](const json::object& c, const std::string& p) {
                  DecisionTable::Input in;
                  column_head(c, p, names, in);
                  Cell allowed;
                  allowed.any = true;
                  if (const json::value* v = c.if_contains("values")) {
                    in.values = *v;
                    allowed = input_values(*v, in, p + "/values");
                  }
                  t_.inputs.push_back(std::move(in));
                  t_.allowed.push_back(std::move(allowed));
                });
  }

  void output_columns(const json::object& o) {
    std::vector<std::string> names;
    each_column(o, "outputs", {"name", "description", "type", "values", "default"},
                [&](const json::object& c, const std::string& p) {
                  DecisionTable::Output out;
                  column_head(c, p, names, out);
                  if (const json::value* v = c.if_contains("values"))
                    output_values(*v, p + "/values", out);
                  if (const json::value* d = c.if_contains("default")) {
                    out.has_default = true;
                    out.default_value = *d;
                    check_output_value(out, *d, p + "/default");
                  }
                  t_.outputs.push_back(std::move(out));
                });
  }

  /// An output's `values`: the values it may take, highest priority first (PRIORITY tables).
  void output_values(const json::value& v, const std::string& path, DecisionTable::Output& out) {
    if (!v.is_array() || v.get_array().empty()) {
      fail(path, "expected a non-empty array of the allowed values, highest priority first");
      return;
    }
    const auto& values = v.get_array();
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (!has_type(values[k], out.type)) fail(JsonChecker::index(path, k), "not a " + out.type);
      for (const auto& seen : out.values)
        if (same_value(seen, values[k])) fail(JsonChecker::index(path, k), "listed twice");
      out.values.push_back(values[k]);
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

}  // namespace

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

UNDERTAKE_END_NAMESPACE
