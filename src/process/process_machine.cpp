// The product undertaking process (design.md §2, policy §二) as a Boost.MSM hierarchical machine.
//
// Shape: the top level holds `Running` (a composite of the nine stages, with shallow history so
// that case.resume returns to the stage it left) beside `Suspended` and the terminal states. Each
// stage is a submachine with shallow history on case.resume, which restores the exact substate of
// every region. Orthogonal regions: Evaluation (Commercial, Technical, Capacity, QualityRisk) and
// Preparation (Production, Quality). Joins: a region's done state says so (region_done()) and the
// join guard asks every region.
//
// MSM gives an inner transition priority over a transition of the containing machine (UML), and
// tries the outer one when the inner guard refuses. Stage exits therefore are rows of `Running`
// guarded by the substate they leave from, and choices inside a stage are inner rows: e.g.
// SalesReview --intake.confirm [strategy meeting required]--> StrategyMeeting, otherwise the outer
// row Intake --intake.confirm [in SalesReview]--> Evaluation.
//
// This is the only translation unit that includes MSM.
#define BOOST_MPL_CFG_NO_PREPROCESSED_HEADERS
#define BOOST_MPL_LIMIT_VECTOR_SIZE 30
#define BOOST_MPL_LIMIT_MAP_SIZE 30

#include "process/process_machine.hpp"

#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

#include <algorithm>

#include "undertake/case.hpp"
#include "undertake/error.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

namespace msm = boost::msm;
namespace msmf = boost::msm::front;
namespace mpl = boost::mpl;
using msmf::none;
using msmf::Row;

// ---------------------------------------------------------------------------------------------
// Events: one type per event of the vocabulary, carrying the context the guards ask.

template <EventId Id>
struct Ev {
  MachineContext* ctx;
};
using IntakeRegister = Ev<EventId::intake_register>;
using IntakeForward = Ev<EventId::intake_forward>;
using IntakeConfirm = Ev<EventId::intake_confirm>;
using IntakeStrategyMeeting = Ev<EventId::intake_strategy_meeting>;
using EvaluationQuote = Ev<EventId::evaluation_quote>;
using EvaluationRisks = Ev<EventId::evaluation_risks>;
using EvaluationTechnical = Ev<EventId::evaluation_technical>;
using EvaluationCapacity = Ev<EventId::evaluation_capacity>;
using EvaluationQuality = Ev<EventId::evaluation_quality>;
using EvaluationApprove = Ev<EventId::evaluation_approve>;
using EvaluationReject = Ev<EventId::evaluation_reject>;
using ContractDraft = Ev<EventId::contract_draft>;
using ContractSubmit = Ev<EventId::contract_submit>;
using ContractRevise = Ev<EventId::contract_revise>;
using ContractApprove = Ev<EventId::contract_approve>;
using ContractLegalApprove = Ev<EventId::contract_legal_approve>;
using ContractLegalReject = Ev<EventId::contract_legal_reject>;
using ContractSign = Ev<EventId::contract_sign>;
using ContractArchive = Ev<EventId::contract_archive>;
using KickoffMeeting = Ev<EventId::kickoff_meeting>;
using KickoffAssign = Ev<EventId::kickoff_assign>;
using ProjectProgressMeeting = Ev<EventId::project_progress_meeting>;
using DesignSubmit = Ev<EventId::design_submit>;
using DesignReviewed = Ev<EventId::design_review>;
using SampleBuild = Ev<EventId::sample_build>;
using SampleTest = Ev<EventId::sample_test>;
using SampleConfirm = Ev<EventId::sample_confirm>;
using PrepMaterials = Ev<EventId::prep_materials>;
using PrepEquipment = Ev<EventId::prep_equipment>;
using PrepTraining = Ev<EventId::prep_training>;
using PrepInstructions = Ev<EventId::prep_instructions>;
using PrepIncomingInspection = Ev<EventId::prep_incoming_inspection>;
using PrepInspectionPlan = Ev<EventId::prep_inspection_plan>;
using ProductionReport = Ev<EventId::production_report>;
using ProductionInspect = Ev<EventId::production_inspect>;
using ProductionRectify = Ev<EventId::production_rectify>;
using ProductionComplete = Ev<EventId::production_complete>;
using DeliveryPack = Ev<EventId::delivery_pack>;
using DeliveryShip = Ev<EventId::delivery_ship>;
using DeliveryConfirm = Ev<EventId::delivery_confirm>;
using ServiceFeedback = Ev<EventId::service_feedback>;
using ServiceComplaint = Ev<EventId::service_complaint>;
using ServiceInvestigate = Ev<EventId::service_investigate>;
using ServiceResolve = Ev<EventId::service_resolve>;
using ServiceVerify = Ev<EventId::service_verify>;
using ServiceCustomerMeeting = Ev<EventId::service_customer_meeting>;
using CaseSuspend = Ev<EventId::case_suspend>;
using CaseResume = Ev<EventId::case_resume>;
using CaseCancel = Ev<EventId::case_cancel>;
using CaseHandover = Ev<EventId::case_handover>;
using CaseClose = Ev<EventId::case_close>;

// Completion events: not in the vocabulary, sent by settle() once the case's record shows that
// a stage's work is done.
struct KickoffDone {
  MachineContext* ctx;
};
struct PreparationProductionDone {
  MachineContext* ctx;
};
struct PreparationDone {
  MachineContext* ctx;
};

// ---------------------------------------------------------------------------------------------
// States. Every state can name its active leaves, so the configuration is read without MSM's
// visitor machinery.

struct NamedState {
  virtual ~NamedState() = default;
  virtual void collect(std::vector<std::string>& out) const = 0;
  /// The state's path: `Design.SampleTesting` for a leaf, `Design` for a stage.
  virtual std::string_view path() const = 0;
  /// True for the state that ends a region's work (joins wait for it in every region). A virtual
  /// rather than an MSM flag: MSM's is_flag_active rewrites a function-static table on every
  /// call, a data race when cases run on several threads.
  virtual bool region_done() const { return false; }
};

#define UT_LEAF(Type, Path)                                                                \
  struct Type : msmf::state<NamedState> {                                                  \
    void collect(std::vector<std::string>& out) const override { out.emplace_back(Path); } \
    std::string_view path() const override { return Path; }                                \
  }
#define UT_DONE_LEAF(Type, Path)                                                           \
  struct Type : msmf::state<NamedState> {                                                  \
    bool region_done() const override { return true; }                                     \
    void collect(std::vector<std::string>& out) const override { out.emplace_back(Path); } \
    std::string_view path() const override { return Path; }                                \
  }

// Every machine definition: no queue (guards and actions never post events), no exceptions
// swallowed (a throwing guard aborts the whole fire(), whose copy is then thrown away), and no
// assertion on an unhandled event (the engine turns it into a refusal).
template <class Derived>
struct MachineDef : msmf::state_machine_def<Derived, NamedState> {
  typedef int no_exception_thrown;
  typedef int no_message_queue;
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {}
};

// Collects the leaves of every region of a submachine's back end.
template <class Back>
void collect_regions(const Back& back, std::vector<std::string>& out) {
  for (int region = 0; region < Back::nr_regions::value; ++region)
    back.get_state_by_id(back.current_state()[region])->collect(out);
}

template <class Back, class State>
constexpr int state_id() {
  return msm::back::get_state_id<typename Back::stt, State>::value;
}

template <class Back, class State>
bool active(const Back& back) {
  const int* ids = back.current_state();
  return std::find(ids, ids + Back::nr_regions::value, state_id<Back, State>()) !=
         ids + Back::nr_regions::value;
}

// ---------------------------------------------------------------------------------------------
// Guards.

// The source submachine is in substate Leaf (a structural guard: real even when probing).
template <class Leaf>
struct At {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& src, Tgt&) const {
    return active<Src, Leaf>(src);
  }
};

// Every region of the source submachine is in its done state (a join).
struct AllRegionsDone {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& src, Tgt&) const {
    for (int region = 0; region < Src::nr_regions::value; ++region)
      if (!src.get_state_by_id(src.current_state()[region])->region_done()) return false;
    return true;
  }
};

template <MachineContext::Route R, bool Expected = true>
struct Route {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm&, Src&, Tgt&) const {
    return e.ctx->probe || e.ctx->route(R) == Expected;
  }
};

struct Passed {
  static constexpr std::string_view field = "passed";
};
struct Accepted {
  static constexpr std::string_view field = "accepted";
};
struct Satisfied {
  static constexpr std::string_view field = "satisfied";
};

template <class Field, bool Expected>
struct Payload {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm&, Src&, Tgt&) const {
    return e.ctx->probe || e.ctx->payload_flag(Field::field) == Expected;
  }
};

template <class G1, class G2>
struct And {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm& fsm, Src& src, Tgt& tgt) const {
    return G1{}(e, fsm, src, tgt) && G2{}(e, fsm, src, tgt);
  }
};

// ---------------------------------------------------------------------------------------------
// Stages. Each is entered afresh, except by case.resume, which restores its history.

using ResumeHistory = msm::back::ShallowHistory<mpl::vector1<CaseResume>>;

// Intake 客戶需求溝通 (policy §二(一))
UT_LEAF(Registered, "Intake.Registered");
UT_LEAF(SalesReview, "Intake.SalesReview");
UT_LEAF(StrategyMeeting, "Intake.StrategyMeeting");
struct Intake_ : MachineDef<Intake_> {
  typedef Registered initial_state;
  struct transition_table
      : mpl::vector<Row<Registered, IntakeRegister, none>,
                    Row<Registered, IntakeForward, SalesReview>,
                    Row<SalesReview, IntakeConfirm, StrategyMeeting, none,
                        Route<MachineContext::Route::strategy_meeting_required>>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Intake"; }
};
using Intake = msm::back::state_machine<Intake_, ResumeHistory>;
void Intake_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Intake&>(*this), out);
}

// Evaluation 項目評估 (policy §二(二), §三(五)1): four regions, joined by evaluation.approve.
UT_LEAF(Quoting, "Evaluation.Commercial.Quoting");
UT_DONE_LEAF(Quoted, "Evaluation.Commercial.Quoted");
UT_LEAF(TechnicalAssessing, "Evaluation.Technical.Assessing");
UT_DONE_LEAF(TechnicalAssessed, "Evaluation.Technical.Assessed");
UT_LEAF(CapacityChecking, "Evaluation.Capacity.Checking");
UT_DONE_LEAF(CapacityChecked, "Evaluation.Capacity.Checked");
UT_LEAF(QualityAssessing, "Evaluation.QualityRisk.Assessing");
UT_DONE_LEAF(QualityAssessed, "Evaluation.QualityRisk.Assessed");
struct Evaluation_ : MachineDef<Evaluation_> {
  typedef mpl::vector4<Quoting, TechnicalAssessing, CapacityChecking, QualityAssessing>
      initial_state;
  struct transition_table
      : mpl::vector<Row<Quoting, EvaluationQuote, Quoted>,  //
                    Row<Quoted, EvaluationQuote, none>,     // a revised quotation
                    Row<TechnicalAssessing, EvaluationTechnical, TechnicalAssessed>,
                    Row<TechnicalAssessed, EvaluationTechnical, none>,
                    Row<CapacityChecking, EvaluationCapacity, CapacityChecked>,
                    Row<CapacityChecked, EvaluationCapacity, none>,
                    Row<QualityAssessing, EvaluationQuality, QualityAssessed>,
                    Row<QualityAssessed, EvaluationQuality, none>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Evaluation"; }
};
using Evaluation = msm::back::state_machine<Evaluation_, ResumeHistory>;
void Evaluation_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Evaluation&>(*this), out);
}

// Contract 合同簽訂 (policy §二(三)): legal review ⇄ revision, approvals, signature.
UT_LEAF(Negotiation, "Contract.Negotiation");
UT_LEAF(Drafting, "Contract.Drafting");
UT_LEAF(LegalReview, "Contract.LegalReview");
UT_LEAF(Revision, "Contract.Revision");
UT_LEAF(AwaitingSignature, "Contract.AwaitingSignature");
UT_LEAF(Signed, "Contract.Signed");
struct Contract_ : MachineDef<Contract_> {
  typedef Negotiation initial_state;
  struct transition_table
      : mpl::vector<Row<Negotiation, ContractDraft, Drafting>,  //
                    Row<Drafting, ContractDraft, none>,         // redrafting before submission
                    Row<Drafting, ContractSubmit, LegalReview>,
                    Row<LegalReview, ContractLegalReject, Revision>,
                    Row<LegalReview, ContractLegalApprove, AwaitingSignature>,
                    Row<Revision, ContractRevise, LegalReview>,           // back to legal
                    Row<AwaitingSignature, ContractRevise, LegalReview>,  // approvals void
                    Row<LegalReview, ContractApprove, none>,
                    Row<AwaitingSignature, ContractApprove, none>,
                    Row<AwaitingSignature, ContractSign, Signed>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Contract"; }
};
using Contract = msm::back::state_machine<Contract_, ResumeHistory>;
void Contract_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Contract&>(*this), out);
}

// Kickoff 項目啟動 (policy §二(四))
UT_LEAF(Meeting, "Kickoff.Meeting");
UT_LEAF(TaskAssignment, "Kickoff.TaskAssignment");
struct Kickoff_ : MachineDef<Kickoff_> {
  typedef Meeting initial_state;
  struct transition_table : mpl::vector<Row<Meeting, KickoffMeeting, TaskAssignment>,
                                        Row<TaskAssignment, KickoffAssign, none>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Kickoff"; }
};
using Kickoff = msm::back::state_machine<Kickoff_, ResumeHistory>;
void Kickoff_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Kickoff&>(*this), out);
}

// Design 產品設計與開發 (policy §二(五)): review → rework, sample test → fix, customer → optimise.
UT_LEAF(Designing, "Design.Designing");
UT_LEAF(DesignReview, "Design.DesignReview");
UT_LEAF(SampleMaking, "Design.SampleMaking");
UT_LEAF(SampleTesting, "Design.SampleTesting");
UT_LEAF(CustomerConfirmation, "Design.CustomerConfirmation");
struct Design_ : MachineDef<Design_> {
  typedef Designing initial_state;
  struct transition_table
      : mpl::vector<
            Row<Designing, DesignSubmit, DesignReview>,
            Row<DesignReview, DesignReviewed, SampleMaking, none, Payload<Passed, true>>,
            Row<DesignReview, DesignReviewed, Designing, none, Payload<Passed, false>>,
            Row<SampleMaking, SampleBuild, SampleTesting>,
            Row<SampleTesting, SampleTest, CustomerConfirmation, none, Payload<Passed, true>>,
            Row<SampleTesting, SampleTest, SampleMaking, none, Payload<Passed, false>>,
            Row<CustomerConfirmation, SampleConfirm, SampleMaking, none,
                Payload<Accepted, false>>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Design"; }
};
using Design = msm::back::state_machine<Design_, ResumeHistory>;
void Design_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Design&>(*this), out);
}

// Preparation 生產準備 (policy §二(六)): production and quality regions, joined when both are done.
UT_LEAF(Preparing, "Preparation.Production.Preparing");
UT_DONE_LEAF(ProductionReady, "Preparation.Production.Ready");
UT_LEAF(IncomingInspection, "Preparation.Quality.IncomingInspection");
UT_LEAF(InspectionPlanning, "Preparation.Quality.InspectionPlanning");
UT_DONE_LEAF(QualityReady, "Preparation.Quality.Ready");
struct Preparation_ : MachineDef<Preparation_> {
  typedef mpl::vector2<Preparing, IncomingInspection> initial_state;
  struct transition_table
      : mpl::vector<
            Row<Preparing, PrepMaterials, none>, Row<Preparing, PrepEquipment, none>,
            Row<Preparing, PrepTraining, none>, Row<Preparing, PrepInstructions, none>,
            Row<Preparing, PreparationProductionDone, ProductionReady>,
            Row<IncomingInspection, PrepIncomingInspection, InspectionPlanning, none,
                Payload<Passed, true>>,
            Row<IncomingInspection, PrepIncomingInspection, none, none, Payload<Passed, false>>,
            Row<InspectionPlanning, PrepInspectionPlan, QualityReady>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Preparation"; }
};
using Preparation = msm::back::state_machine<Preparation_, ResumeHistory>;
void Preparation_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Preparation&>(*this), out);
}

// Production 產品生產 (policy §二(七)): producing ⇄ inspection, rectification on nonconformance.
UT_LEAF(Producing, "Production.Producing");
UT_LEAF(Inspection, "Production.Inspection");
UT_LEAF(Rectification, "Production.Rectification");
struct Production_ : MachineDef<Production_> {
  typedef Producing initial_state;
  struct transition_table
      : mpl::vector<Row<Producing, ProductionReport, Inspection>,
                    Row<Inspection, ProductionInspect, Producing, none, Payload<Passed, true>>,
                    Row<Inspection, ProductionInspect, Rectification, none, Payload<Passed, false>>,
                    Row<Rectification, ProductionRectify, Inspection>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Production"; }
};
using Production = msm::back::state_machine<Production_, ResumeHistory>;
void Production_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Production&>(*this), out);
}

// Delivery 產品交付 (policy §二(八))
UT_LEAF(Packing, "Delivery.Packing");
UT_LEAF(Packed, "Delivery.Packed");
UT_LEAF(Shipped, "Delivery.Shipped");
struct Delivery_ : MachineDef<Delivery_> {
  typedef Packing initial_state;
  struct transition_table
      : mpl::vector<Row<Packing, DeliveryPack, Packed>, Row<Packed, DeliveryShip, Shipped>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Delivery"; }
};
using Delivery = msm::back::state_machine<Delivery_, ResumeHistory>;
void Delivery_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Delivery&>(*this), out);
}

// AfterSales 售後服務 (policy §二(九), §五(二)): service with the complaint loop.
UT_LEAF(Service, "AfterSales.Service");
UT_LEAF(Complaint, "AfterSales.Complaint");
UT_LEAF(Investigation, "AfterSales.Investigation");
UT_LEAF(Resolution, "AfterSales.Resolution");
struct AfterSales_ : MachineDef<AfterSales_> {
  typedef Service initial_state;
  struct transition_table
      : mpl::vector<
            Row<Service, ServiceComplaint, Complaint>,
            Row<Complaint, ServiceInvestigate, Investigation>,
            Row<Investigation, ServiceResolve, Resolution>,
            Row<Resolution, ServiceVerify, Service, none, Payload<Satisfied, true>>,
            Row<Resolution, ServiceVerify, Investigation, none, Payload<Satisfied, false>>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "AfterSales"; }
};
using AfterSales = msm::back::state_machine<AfterSales_, ResumeHistory>;
void AfterSales_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const AfterSales&>(*this), out);
}

// ---------------------------------------------------------------------------------------------
// Running: the nine stages in order. Stage exits are rows here, guarded by the substate left.

struct StageNotIntake {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& src, Tgt&) const {
    return !active<Src, Intake>(src);
  }
};

struct Running_ : MachineDef<Running_> {
  typedef Intake initial_state;
  using DesignNeeded = Route<MachineContext::Route::design_required, true>;
  using DesignSkipped = Route<MachineContext::Route::design_required, false>;
  struct transition_table
      : mpl::vector<
            Row<Intake, IntakeConfirm, Evaluation, none, At<SalesReview>>,
            Row<Intake, IntakeStrategyMeeting, Evaluation, none, At<StrategyMeeting>>,
            Row<Evaluation, EvaluationApprove, Contract, none, AllRegionsDone>,
            Row<Contract, ContractArchive, Kickoff, none, At<Signed>>,
            Row<Kickoff, KickoffDone, Design, none, And<At<TaskAssignment>, DesignNeeded>>,
            Row<Kickoff, KickoffDone, Preparation, none, And<At<TaskAssignment>, DesignSkipped>>,
            Row<Design, SampleConfirm, Preparation, none,
                And<At<CustomerConfirmation>, Payload<Accepted, true>>>,
            Row<Preparation, PreparationDone, Production, none, AllRegionsDone>,
            Row<Production, ProductionComplete, Delivery, none, At<Producing>>,
            Row<Delivery, DeliveryConfirm, AfterSales, none, At<Shipped>>,
            Row<AfterSales, ServiceFeedback, none>> {};
  void collect(std::vector<std::string>& out) const override;
  std::string_view path() const override { return "Running"; }
};
using Running = msm::back::state_machine<Running_, ResumeHistory>;
void Running_::collect(std::vector<std::string>& out) const {
  collect_regions(static_cast<const Running&>(*this), out);
}

// ---------------------------------------------------------------------------------------------
// The case: running, suspended, or ended.

UT_LEAF(Suspended, "Suspended");
UT_LEAF(Closed, "Closed");
UT_LEAF(Rejected, "Rejected");
UT_LEAF(Cancelled, "Cancelled");

// Cancellation is allowed only before delivery (design.md §2).
struct Cancellable {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return !active<Src, Delivery>(running) && !active<Src, AfterSales>(running);
  }
};
struct SuspendedCancellable {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm&, Src&, Tgt&) const {
    return e.ctx->suspended_stage_cancellable();
  }
};
template <class Stage>
struct InStage {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, Stage>(running);
  }
};
struct InService {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, AfterSales>(running) &&
           active<AfterSales, Service>(running.template get_state<AfterSales&>());
  }
};

// Progress meetings (policy §五(一)1) are held from kickoff until delivery.
struct ProjectUnderWay {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, Kickoff>(running) || active<Src, Design>(running) ||
           active<Src, Preparation>(running) || active<Src, Production>(running) ||
           active<Src, Delivery>(running);
  }
};
// Customer communication meetings (policy §五(二)3) are held from the contract's signature until
// the case closes.
struct ContractSignedOrLater {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm& fsm, Src& running, Tgt& tgt) const {
    if (active<Src, Contract>(running))
      return active<Contract, Signed>(running.template get_state<Contract&>());
    return active<Src, AfterSales>(running) || ProjectUnderWay{}(e, fsm, running, tgt);
  }
};

struct Process_ : MachineDef<Process_> {
  typedef Running initial_state;
  struct transition_table
      : mpl::vector<Row<Running, CaseSuspend, Suspended>,  //
                    Row<Suspended, CaseResume, Running>,   // history: back where it was
                    Row<Running, CaseCancel, Cancelled, none, Cancellable>,
                    Row<Suspended, CaseCancel, Cancelled, none, SuspendedCancellable>,
                    Row<Running, EvaluationReject, Rejected, none, InStage<Evaluation>>,
                    Row<Running, CaseClose, Closed, none, InService>,
                    Row<Running, CaseHandover, none>,  //
                    Row<Suspended, CaseHandover, none>,
                    Row<Running, EvaluationRisks, none, none, StageNotIntake>,
                    Row<Running, ProjectProgressMeeting, none, none, ProjectUnderWay>,
                    Row<Running, ServiceCustomerMeeting, none, none, ContractSignedOrLater>> {};
  void collect(std::vector<std::string>&) const override {}
  std::string_view path() const override { return ""; }
};
using Process = msm::back::state_machine<Process_>;

template <class Event>
bool handled(Process& machine, MachineContext& ctx) {
  return machine.process_event(Event{&ctx}) == msm::back::HANDLED_TRUE;
}

// ---------------------------------------------------------------------------------------------
// Restoring a machine without replaying the events that led to it (snapshot format 3).
//
// What of a case's machine can influence anything later is its configuration and, while it is
// suspended, the configuration case.resume returns to: MSM enters a stage in its initial substates
// unless case.resume enters it, and then in the substates saved when it was last left — for the
// stage being resumed, those it had when the case was suspended. Every other stage's saved
// substates are overwritten before they could be used (a stage is left before another is entered
// by anything but case.resume). So a machine is restored by putting the stage and its substates
// in place, through MSM's public history interface: suspend a fresh machine, set Running's and the
// stage's shallow history to the target, resume. Terminal states are then reached by their own
// transition, from a configuration that allows it.

[[noreturn]] void unrestorable(const std::string& why) {
  throw Error(ErrorKind::invalid_snapshot, "snapshot: /state", why);
}

// The guards of the rows used to restore are structural: nothing may ask the context.
class RestoreContext final : public MachineContext {
 public:
  bool route(Route) const override { return asked(); }
  bool payload_flag(std::string_view) const override { return asked(); }
  bool kickoff_complete() const override { return asked(); }
  bool production_preparation_complete() const override { return asked(); }
  bool suspended_stage_cancellable() const override { return asked(); }

 private:
  static bool asked() { throw std::logic_error("restoring a machine asked a guard of the case"); }
};

// The id of the state of `machine` whose path is `path`, or -1.
template <class Machine>
int id_of(const Machine& machine, std::string_view path) {
  for (int id = 0;; ++id) {
    const NamedState* s = machine.get_state_by_id(id);
    if (!s) return -1;
    if (s->path() == path) return id;
  }
}

// `Evaluation.Commercial.Quoted` → `Commercial`; `Design.Designing` → "" (a single region).
std::string_view region_of(std::string_view leaf) {
  const auto first = leaf.find('.');
  const auto second = leaf.find('.', first + 1);
  return second == std::string_view::npos ? std::string_view()
                                          : leaf.substr(first + 1, second - first - 1);
}

// Running's stages, for the operations that go from a stage's name or id to its type.
template <class... Stages>
struct StageList {
  // Makes `stage` the stage case.resume returns to, with `leaves` (one per region, in region
  // order; empty: its initial substates) as the substates it resumes in. False: not one of these.
  static bool set_resume_point(Running& running, std::string_view stage,
                               const std::vector<std::string>& leaves) {
    return (set_resume_point_of<Stages>(running, stage, leaves) || ...);
  }
  // The substates the stage with id `stage_id` resumes in, appended to `out`.
  static void resume_leaves(const Running& running, int stage_id, std::vector<std::string>& out) {
    (void)(resume_leaves_of<Stages>(running, stage_id, out) || ...);
  }

 private:
  template <class Stage>
  static bool set_resume_point_of(Running& running, std::string_view name,
                                  const std::vector<std::string>& leaves) {
    Stage& stage = running.template get_state<Stage&>();
    if (stage.path() != name) return false;
    constexpr int regions = Stage::nr_regions::value;
    if (!leaves.empty()) {
      if (leaves.size() != regions)
        unrestorable("stage " + std::string(name) + " has " + std::to_string(regions) +
                     " region(s); the snapshot gives " + std::to_string(leaves.size()) +
                     " state(s)");
      const Stage initial;  // its current states are the initial state of each region
      int ids[regions];
      for (int r = 0; r < regions; ++r) {
        ids[r] = id_of(stage, leaves[r]);
        if (ids[r] < 0)
          unrestorable("\"" + leaves[r] + "\" is not a state of stage " + std::string(name));
        const std::string_view region =
            region_of(initial.get_state_by_id(initial.current_state()[r])->path());
        if (region_of(leaves[r]) != region)
          unrestorable("\"" + leaves[r] + "\" is not a state of region " + std::string(name) + "." +
                       std::string(region) + " (regions are listed in their declared order)");
      }
      stage.get_history().history_exit(ids);
    }
    int stage_id[1] = {state_id<Running, Stage>()};
    running.get_history().history_exit(stage_id);
    return true;
  }

  template <class Stage>
  static bool resume_leaves_of(const Running& running, int stage_id,
                               std::vector<std::string>& out) {
    if (stage_id != state_id<Running, Stage>()) return false;
    const Stage& stage = running.template get_state<const Stage&>();
    auto history = stage.get_history();  // a copy: history_entry is not const
    const int* ids = history.history_entry(CaseResume{nullptr});
    for (int r = 0; r < Stage::nr_regions::value; ++r)
      out.emplace_back(stage.get_state_by_id(ids[r])->path());
    return true;
  }
};
using Stages = StageList<Intake, Evaluation, Contract, Kickoff, Design, Preparation, Production,
                         Delivery, AfterSales>;

// Puts a fresh (started) machine in the running configuration `leaves` (all of one stage), or in
// the initial substates of `stage` when `leaves` is empty.
void place(Process& machine, std::string_view stage, const std::vector<std::string>& leaves) {
  RestoreContext ctx;
  handled<CaseSuspend>(machine, ctx);
  if (!Stages::set_resume_point(machine.get_state<Running&>(), stage, leaves))
    unrestorable("\"" + std::string(stage) + "\" is not a stage of the process");
  handled<CaseResume>(machine, ctx);
}

void place(Process& machine, const std::vector<std::string>& leaves) {
  if (leaves.empty()) unrestorable("a configuration names at least one state");
  const std::string_view first = leaves.front();
  const std::string_view stage = first.substr(0, first.find('.'));
  for (const auto& leaf : leaves)
    if (leaf.size() <= stage.size() || leaf.compare(0, stage.size(), stage) != 0 ||
        leaf[stage.size()] != '.')
      unrestorable("\"" + leaf + "\" is not a state of stage " + std::string(stage) +
                   " (a running configuration lies in one stage)");
  place(machine, stage, leaves);
}

}  // namespace

struct ProcessMachine::Impl {
  Process machine;
  Impl() { machine.start(); }
};

ProcessMachine::ProcessMachine() : impl_(std::make_unique<Impl>()) {}
ProcessMachine::ProcessMachine(const ProcessMachine& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
ProcessMachine& ProcessMachine::operator=(const ProcessMachine& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
ProcessMachine::ProcessMachine(ProcessMachine&&) noexcept = default;
ProcessMachine& ProcessMachine::operator=(ProcessMachine&&) noexcept = default;
ProcessMachine::~ProcessMachine() = default;

bool ProcessMachine::dispatch(EventId event, MachineContext& ctx) {
  Process& m = impl_->machine;
  switch (event) {
#define UT_DISPATCH(id, name) \
  case EventId::id:           \
    return handled<Ev<EventId::id>>(m, ctx);
    UNDERTAKE_EVENTS(UT_DISPATCH)
#undef UT_DISPATCH
  }
  return false;
}

void ProcessMachine::settle(MachineContext& ctx) {
  Process& m = impl_->machine;
  for (int round = 0; round < 8; ++round) {  // each completion moves forward; 8 is a backstop
    bool moved = false;
    if (ctx.kickoff_complete()) moved |= handled<KickoffDone>(m, ctx);
    if (ctx.production_preparation_complete()) moved |= handled<PreparationProductionDone>(m, ctx);
    moved |= handled<PreparationDone>(m, ctx);
    if (!moved) return;
  }
}

std::vector<std::string> ProcessMachine::configuration() const {
  std::vector<std::string> out;
  out.reserve(4);
  const Process& m = impl_->machine;
  m.get_state_by_id(m.current_state()[0])->collect(out);
  return out;
}

std::string_view ProcessMachine::stage() const {
  const Process& m = impl_->machine;
  const int top = m.current_state()[0];
  if (top == state_id<Process, Suspended>()) return "Suspended";
  if (top == state_id<Process, Closed>()) return "Closed";
  if (top == state_id<Process, Rejected>()) return "Rejected";
  if (top == state_id<Process, Cancelled>()) return "Cancelled";
  const Running& running = m.get_state<const Running&>();
  const int stage = running.current_state()[0];
  if (stage == state_id<Running, Intake>()) return "Intake";
  if (stage == state_id<Running, Evaluation>()) return "Evaluation";
  if (stage == state_id<Running, Contract>()) return "Contract";
  if (stage == state_id<Running, Kickoff>()) return "Kickoff";
  if (stage == state_id<Running, Design>()) return "Design";
  if (stage == state_id<Running, Preparation>()) return "Preparation";
  if (stage == state_id<Running, Production>()) return "Production";
  if (stage == state_id<Running, Delivery>()) return "Delivery";
  return "AfterSales";
}

ProcessMachine ProcessMachine::restored(const std::vector<std::string>& configuration,
                                        const std::vector<std::string>& resume_configuration) {
  ProcessMachine restored;
  Process& m = restored.impl_->machine;
  RestoreContext ctx;
  const std::string_view top =
      configuration.size() == 1 ? std::string_view(configuration.front()) : std::string_view();
  if (top == "Suspended") {
    place(m, resume_configuration);
    handled<CaseSuspend>(m, ctx);
  } else if (top == "Closed") {
    place(m, "AfterSales", {});  // case.close leaves from the service substate, its initial one
    handled<CaseClose>(m, ctx);
  } else if (top == "Rejected") {
    place(m, "Evaluation", {});
    handled<EvaluationReject>(m, ctx);
  } else if (top == "Cancelled") {
    handled<CaseCancel>(m, ctx);  // from the initial configuration, where cancelling is allowed
  } else {
    place(m, configuration);
  }
  if (restored.configuration() != configuration)
    unrestorable("the states given are not a configuration the process can be in");
  if (restored.resume_configuration() !=
      (top == "Suspended" ? resume_configuration : std::vector<std::string>{}))
    unrestorable("the states case.resume returns to are not a configuration of the process");
  return restored;
}

std::vector<std::string> ProcessMachine::resume_configuration() const {
  const Process& m = impl_->machine;
  std::vector<std::string> out;
  if (m.current_state()[0] != state_id<Process, Suspended>()) return out;
  const Running& running = m.get_state<const Running&>();
  auto history = running.get_history();  // a copy: history_entry is not const
  Stages::resume_leaves(running, history.history_entry(CaseResume{nullptr})[0], out);
  return out;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE

UNDERTAKE_BEGIN_NAMESPACE
bool is_terminal_stage(std::string_view stage) noexcept {
  return stage == "Closed" || stage == "Rejected" || stage == "Cancelled";
}
UNDERTAKE_END_NAMESPACE

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

bool ProcessMachine::terminated() const {
  return is_terminal_stage(stage());
}

const std::vector<std::string>& ProcessMachine::all_state_paths() {
  static const std::vector<std::string> paths = {"Intake",
                                                 "Intake.Registered",
                                                 "Intake.SalesReview",
                                                 "Intake.StrategyMeeting",
                                                 "Evaluation",
                                                 "Evaluation.Commercial",
                                                 "Evaluation.Commercial.Quoting",
                                                 "Evaluation.Commercial.Quoted",
                                                 "Evaluation.Technical",
                                                 "Evaluation.Technical.Assessing",
                                                 "Evaluation.Technical.Assessed",
                                                 "Evaluation.Capacity",
                                                 "Evaluation.Capacity.Checking",
                                                 "Evaluation.Capacity.Checked",
                                                 "Evaluation.QualityRisk",
                                                 "Evaluation.QualityRisk.Assessing",
                                                 "Evaluation.QualityRisk.Assessed",
                                                 "Contract",
                                                 "Contract.Negotiation",
                                                 "Contract.Drafting",
                                                 "Contract.LegalReview",
                                                 "Contract.Revision",
                                                 "Contract.AwaitingSignature",
                                                 "Contract.Signed",
                                                 "Kickoff",
                                                 "Kickoff.Meeting",
                                                 "Kickoff.TaskAssignment",
                                                 "Design",
                                                 "Design.Designing",
                                                 "Design.DesignReview",
                                                 "Design.SampleMaking",
                                                 "Design.SampleTesting",
                                                 "Design.CustomerConfirmation",
                                                 "Preparation",
                                                 "Preparation.Production",
                                                 "Preparation.Production.Preparing",
                                                 "Preparation.Production.Ready",
                                                 "Preparation.Quality",
                                                 "Preparation.Quality.IncomingInspection",
                                                 "Preparation.Quality.InspectionPlanning",
                                                 "Preparation.Quality.Ready",
                                                 "Production",
                                                 "Production.Producing",
                                                 "Production.Inspection",
                                                 "Production.Rectification",
                                                 "Delivery",
                                                 "Delivery.Packing",
                                                 "Delivery.Packed",
                                                 "Delivery.Shipped",
                                                 "AfterSales",
                                                 "AfterSales.Service",
                                                 "AfterSales.Complaint",
                                                 "AfterSales.Investigation",
                                                 "AfterSales.Resolution",
                                                 "Suspended",
                                                 "Closed",
                                                 "Rejected",
                                                 "Cancelled"};
  return paths;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
