// The stages of the process (policy §二) in the order an order goes through them, with the
// policy's names for them (as §二 writes them, 售后 included): what the diagram titles its
// clusters with and the demo's funnel lists. They are the machine's stages (the top-level states
// inside Running); process_description_test checks that they are exactly those, in the order the
// full order visits them.
#pragma once

#include <string_view>

#include "undertake/config.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

struct ProcessStage {
  std::string_view id;     ///< the state path's first part: `Evaluation`
  std::string_view title;  ///< the policy's name, Chinese and English
};

inline constexpr ProcessStage kProcessStages[] = {
    {"Intake", "客戶需求溝通 Intake"},      {"Evaluation", "項目評估 Evaluation"},
    {"Contract", "合同簽訂 Contract"},      {"Kickoff", "項目啟動 Kickoff"},
    {"Design", "產品設計與開發 Design"},    {"Preparation", "生產準備 Preparation"},
    {"Production", "產品生產 Production"},  {"Delivery", "產品交付 Delivery"},
    {"AfterSales", "售后服務 After-sales"},
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
