// undertake — decision tables (DMN style): the thresholds and matrices of a policy as rows.
//
// A table has input columns, output columns, a hit policy and rows. Each row has one input cell
// per input column and one output value per output column; a row matches when every input cell
// accepts its input. Tables live in the `tables` part of a policy (rules/default/tables.json), are
// called from JsonLogic conditions with `{"decide": ["table-name", input, ...]}` and from C++ with
// `Policy::table(name).evaluate(...)`.
//
// Input cells:
//   "-" (or "")                any value
//   "< 100000", ">= 5"          a comparison with a number (or a quoted string: `< "m"`)
//   "[100000..1000000)"         an interval; `[`/`]` closed ends, `(`/`)` (or outward `]`/`[`) open
//   "5", "true", "null"         equality with a literal
//   "\"key\"" or "key"          equality with a string (quotes optional for plain words)
//   "\"a\",\"b\"", "1, [5..9]"  a list: any of its tests
//   "not(\"a\", \"b\")"         none of the tests of the list
//   5, true, null (JSON)        equality with that value
//   ["a", "b"] (JSON array)     one of these values
//   {"<=": [{"var": "?"}, {"var": "limit"}]} (JSON object)
//                               a JsonLogic expression; `?` is this column's input and every input
//                               is readable by its name; the cell accepts when the result is truthy
// Values are compared by type: numbers with numbers (3 equals 3.0), strings with strings; there is
// no coercion ("5" does not equal 5).
//
// Hit policies: UNIQUE (at most one row may match; two matches are an error naming both rows),
// FIRST (the first match in row order), PRIORITY (the match whose outputs come first in the
// output columns' `values` lists), ANY (several rows may match if their outputs agree), COLLECT
// (every match, in row order; with an aggregation: sum, min or max of the single output, or the
// count of matching rows) and RULE ORDER (every match, in row order).
//
// What a table answers (`TableResult::output`): the output value for a one-output table, an
// object {output name: value} otherwise; for COLLECT and RULE ORDER an array of those; for COLLECT
// with an aggregation a number (count and sum of no rows: 0).
//
// When no row matches: a COLLECT or RULE ORDER table answers [] (count and sum: 0). A single-hit
// table (UNIQUE, FIRST, PRIORITY, ANY) or a COLLECT min or max answers the outputs' `default`
// values when they have them (every output or none has one); without defaults an input no row
// matches is an error (Error rule_failed naming the table and the inputs), so a gate that reads
// the table refuses the event instead of reading null: gates fail closed.
//
// Inputs: `type` is "number", "integer" (a whole number), "string", "boolean" or "any" (checked
// on every evaluation); `values` (optional) lists the values the input may take, written like a
// cell of literals and intervals ("[1..25]", ["key", "regular"]): any other value is an error.
// Both tell the gap check below which inputs can come.
//
// Checks when a table loads (errors: the table does not load): bad cells, types and names, and
// rows that overlap in a UNIQUE table (or with different outputs in an ANY table). Checked by
// `undertake check` (Policy::check) but not stopping a load: gaps(), the inputs no row covers in
// a table that must match. Both checks are exact for cells of literals, intervals, comparisons
// with numbers and not(...) of those, in any number of columns (they sweep the rows column by
// column: O(n log n) for n rows). Of cells they cannot analyse — JsonLogic and string
// comparisons (`< "m"`) — the overlap check leaves their rows out and the gap check takes them as
// covering every value, so neither reports what is not there. Of the strings (and other non-number
// values) of a column without `values`, the gap check considers those the column names and "any
// other", so a string column without a catch-all row ("-" or not(...)) has a gap for the strings it
// does not name; a number column is considered over all numbers (integers for "integer"), or its
// `values`. A check that would exceed a fixed amount of work (tens of millions of row visits:
// intervals nested deeply in several columns) stops there: what it reported holds, the rest is
// unchecked.
//
// Performance: tables are indexed when they load. Columns whose cells are literals, intervals or
// comparisons with numbers get a sorted segment index (numbers) and a sorted value index
// (strings, booleans, null), so a hit in a table of 10,000 rows costs a binary search and the test
// of a few candidate rows; cells that are JsonLogic, `not(...)` or string comparisons are tested
// row by row.
//
// Thread safety: a compiled table is immutable and may be evaluated from many threads at once.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "undertake/jsonlogic.hpp"

UNDERTAKE_BEGIN_NAMESPACE

enum class HitPolicy { unique, first, priority, any, collect, rule_order };
/// "UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER".
UNDERTAKE_API const char* hit_policy_name(HitPolicy p) noexcept;

enum class Aggregation { none, sum, min, max, count };
/// "", "sum", "min", "max", "count".
UNDERTAKE_API const char* aggregation_name(Aggregation a) noexcept;

/// What one evaluation of a table gave.
struct UNDERTAKE_API TableResult {
  boost::json::value output;  ///< the answer (see the header comment)
  std::vector<std::size_t>
      rows;  ///< matching rows (0-based), in row order (PRIORITY: the chosen one)

  bool hit() const noexcept { return !rows.empty(); }
};

class UNDERTAKE_API DecisionTable {
 public:
  struct Input {
    std::string name;
    std::string description;
    std::string type;           ///< "number", "integer", "string", "boolean" or "any"
    boost::json::value values;  ///< the values it may take, as written (null: any of its type)
  };
  struct Output {
    std::string name;
    std::string description;
    std::string type;  ///< "number", "integer", "string", "boolean" or "any"
    std::vector<boost::json::value>
        values;  ///< allowed values, highest priority first (may be empty)
    bool has_default = false;
    boost::json::value default_value;
  };
  struct Row {
    std::string id;  ///< may be empty
    std::string description;
    std::vector<boost::json::value> when;  ///< the input cells as written
    std::vector<boost::json::value> then;  ///< the output values
    boost::json::value output;             ///< what the row answers (one value or an object)
  };

  /// Compiles a table definition (`{"description", "hit_policy", "aggregation", "inputs",
  /// "outputs", "rules"}`). Every problem is appended to `problems` as
  /// "<where>: <JSON path>: <why>" with paths under `path` (e.g. `/tables/authority-matrix`);
  /// returns null when there is any. `ops` are the operators JsonLogic cells may use.
  static std::shared_ptr<const DecisionTable> compile(
      std::string name, const boost::json::value& definition, std::string_view where,
      std::string_view path, std::vector<std::string>& problems,
      const jsonlogic::Operators& ops = jsonlogic::Operators::with_dates());
  /// The same, throwing Error(invalid_policy) with the first problem (and the count of others).
  static std::shared_ptr<const DecisionTable> compile(
      std::string name, const boost::json::value& definition, std::string_view where = "table",
      const jsonlogic::Operators& ops = jsonlogic::Operators::with_dates());

  ~DecisionTable();
  DecisionTable(const DecisionTable&) = delete;
  DecisionTable& operator=(const DecisionTable&) = delete;

  const std::string& name() const noexcept;
  const std::string& description() const noexcept;
  /// Where it was defined (`rules/default/tables.json: /tables/authority-matrix`).
  const std::string& where() const noexcept;
  HitPolicy hit_policy() const noexcept;
  Aggregation aggregation() const noexcept;
  const std::vector<Input>& inputs() const noexcept;
  const std::vector<Output>& outputs() const noexcept;
  const std::vector<Row>& rows() const noexcept;
  /// "row 2 \"medium\"" (1-based, as people count rows), for messages.
  std::string row_label(std::size_t row) const;
  /// The row with that id, or the 1-based row number given as text ("2"); npos when none.
  std::size_t find_row(std::string_view id_or_number) const noexcept;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// Evaluates the table. `inputs` is an object {input name: value} (missing inputs are null,
  /// other members are ignored), an array of the values in column order, or, for a table with one
  /// input, the value itself. Throws Error(rule_failed) naming the table and the rows when a
  /// UNIQUE table has two matches or an ANY table's matches disagree; naming the table and the
  /// inputs when no row matches a table without defaults that must match (see the header
  /// comment), or an input has the wrong type, value or count; a JsonLogic cell may throw
  /// jsonlogic::RuleError.
  TableResult evaluate(const boost::json::value& inputs,
                       const jsonlogic::Limits& limits = {}) const;
  /// Evaluates with the values in column order (`count` must equal inputs().size()).
  TableResult evaluate_values(const boost::json::value* values, std::size_t count,
                              const jsonlogic::Limits& limits = {}) const;

  /// The inputs as an object {name: value}, from any form `evaluate` accepts.
  boost::json::object input_object(const boost::json::value& inputs) const;
  /// The inputs no row covers, when the table must match (no defaults; see the header comment):
  /// "<file>: <JSON path>/rules: no row covers amount in [100000, 200000) ...", at most 10 and a
  /// line saying there are more. Empty when every input is covered, or what is left is beyond
  /// the check. Policy::check (`undertake check`) reports them; loading does not stop for them,
  /// as such inputs are refused when they come.
  std::vector<std::string> gaps() const;

  /// An explanation for traces: {"table", "inputs", "hit_policy", "matched": [{"row", "id",
  /// "output"}], "output"}; rows are 1-based there.
  boost::json::value explain(const boost::json::object& inputs, const TableResult& result) const;

  struct Impl;

 private:
  explicit DecisionTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

UNDERTAKE_END_NAMESPACE
