// undertake — the event vocabulary of the product undertaking process (design.md §2, contract).
//
// Events are named `stage.action`. Inside the engine they are small integers so that hot paths
// (dispatch, ledgers, KPIs) never compare strings; hosts and rule files use the names.
#pragma once

#include "undertake/config.hpp"
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE

// X(identifier, "name") — the order is the order of the process and is part of no contract.
#define UNDERTAKE_EVENTS(X)                               \
  X(intake_register, "intake.register")                   \
  X(intake_forward, "intake.forward")                     \
  X(intake_confirm, "intake.confirm")                     \
  X(intake_strategy_meeting, "intake.strategy_meeting")   \
  X(evaluation_quote, "evaluation.quote")                 \
  X(evaluation_risks, "evaluation.risks")                 \
  X(evaluation_technical, "evaluation.technical")         \
  X(evaluation_capacity, "evaluation.capacity")           \
  X(evaluation_quality, "evaluation.quality")             \
  X(evaluation_approve, "evaluation.approve")             \
  X(evaluation_reject, "evaluation.reject")               \
  X(contract_draft, "contract.draft")                     \
  X(contract_submit, "contract.submit")                   \
  X(contract_revise, "contract.revise")                   \
  X(contract_approve, "contract.approve")                 \
  X(contract_legal_approve, "contract.legal_approve")     \
  X(contract_legal_reject, "contract.legal_reject")       \
  X(contract_sign, "contract.sign")                       \
  X(contract_archive, "contract.archive")                 \
  X(kickoff_meeting, "kickoff.meeting")                   \
  X(kickoff_assign, "kickoff.assign")                     \
  X(project_progress_meeting, "project.progress_meeting") \
  X(design_submit, "design.submit")                       \
  X(design_review, "design.review")                       \
  X(sample_build, "sample.build")                         \
  X(sample_test, "sample.test")                           \
  X(sample_confirm, "sample.confirm")                     \
  X(prep_materials, "prep.materials")                     \
  X(prep_equipment, "prep.equipment")                     \
  X(prep_training, "prep.training")                       \
  X(prep_instructions, "prep.instructions")               \
  X(prep_incoming_inspection, "prep.incoming_inspection") \
  X(prep_inspection_plan, "prep.inspection_plan")         \
  X(production_report, "production.report")               \
  X(production_inspect, "production.inspect")             \
  X(production_rectify, "production.rectify")             \
  X(production_complete, "production.complete")           \
  X(delivery_pack, "delivery.pack")                       \
  X(delivery_ship, "delivery.ship")                       \
  X(delivery_confirm, "delivery.confirm")                 \
  X(service_feedback, "service.feedback")                 \
  X(service_complaint, "service.complaint")               \
  X(service_investigate, "service.investigate")           \
  X(service_resolve, "service.resolve")                   \
  X(service_verify, "service.verify")                     \
  X(service_customer_meeting, "service.customer_meeting") \
  X(case_suspend, "case.suspend")                         \
  X(case_resume, "case.resume")                           \
  X(case_cancel, "case.cancel")                           \
  X(case_handover, "case.handover")                       \
  X(case_close, "case.close")

enum class EventId : std::uint8_t {
#define UNDERTAKE_EVENT_ENUM(id, name) id,
  UNDERTAKE_EVENTS(UNDERTAKE_EVENT_ENUM)
#undef UNDERTAKE_EVENT_ENUM
};

inline constexpr std::string_view kEventNames[] = {
#define UNDERTAKE_EVENT_NAME(id, name) name,
    UNDERTAKE_EVENTS(UNDERTAKE_EVENT_NAME)
#undef UNDERTAKE_EVENT_NAME
};

inline constexpr std::size_t kEventCount = sizeof(kEventNames) / sizeof(kEventNames[0]);

/// The contract name of an event (`contract.sign`).
constexpr std::string_view event_name(EventId id) noexcept {
  return kEventNames[static_cast<std::size_t>(id)];
}

/// The event with that name, or nothing for a name outside the vocabulary.
UNDERTAKE_API std::optional<EventId> event_from_name(std::string_view name) noexcept;

UNDERTAKE_END_NAMESPACE
