// undertake — statistics of quality data (policy §二(七)2, §三(五)4
// 定期對生產過程中的質量數據進行統計 分析, 採取措施預防質量問題的再次發生).
//
// A quality report for a period, from case ledgers (an entry counts when its time is in the
// period; escalations are left out):
//   inspections     `prep.incoming_inspection` and `production.inspect`: count, passed, pass rate —
//                   in total, per product (the case's `data.product.name`) and per month
//                   (`YYYY-MM`); for in-process inspections also Σ `quantity_passed` ÷ Σ batch
//                   quantity (a passed inspection without quantity_passed passes the batch).
//   defects         the Pareto of causes: each inspection's `defects: [{cause, quantity}]`
//                   (quantity default 1; a string is one cause of quantity 1) and each complaint's
//                   `root_cause` (service.investigate, count 1), biggest first, with share and
//                   cumulative share of the total. `occurrences` counts the inspections and
//                   complaints naming the cause; a cause named by 2 or more of them is flagged
//                   `repeat` (a recurrence to prevent), with the cases it came from.
//   rectifications  `production.rectify`: count, Σ cost, Σ reworked quantity, per product.
//   complaints      `service.complaint` opened in the period by severity; root causes of the
//                   investigations in the period.
// Counts with no data are 0 and rates null, never NaN.
#pragma once

#include "undertake/config.hpp"
#include <boost/json/value.hpp>

#include <string>
#include <vector>

#include "undertake/kpi.hpp"
#include "undertake/ledger.hpp"

UNDERTAKE_BEGIN_NAMESPACE

/// The quality report as JSON: `{period, cases, inspections: {total: {count, passed, pass_rate,
/// quantity, quantity_passed, yield}, by_product: {name: {...}}, by_month: {"2026-01": {...}}},
/// defects: [{cause, count, share, cumulative_share, occurrences, cases, repeat, sources:
/// {inspection, complaint}}], repeat_causes: [cause, ...], rectifications: {count, cost,
/// reworked_quantity, by_product: {name: {count, cost, reworked_quantity}}}, complaints: {count,
/// by_severity: {...}, by_root_cause: {...}}}`. Throws Error(invalid_argument) naming `case <id>
/// seq <n> (<event>): payload.<field>` for a defect list that is not [{cause, quantity}].
UNDERTAKE_API boost::json::value compute_quality_report(const std::vector<CaseLedger>& cases,
                                                        Period period);

/// The report as text: pass rates, the Pareto table with the repeat causes marked, rectifications
/// and complaints.
UNDERTAKE_API std::string quality_report_text(const boost::json::value& report);

UNDERTAKE_END_NAMESPACE
