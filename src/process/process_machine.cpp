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

namespace undertake::detail {
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
  /// True for the state that ends a region's work (joins wait for it in every region). A virtual
  /// rather than an MSM flag: MSM's is_flag_active rewrites a function-static table on every
  /// call, a data race when cases run on several threads.
  virtual bool region_done() const { return false; }
};

#define UT_LEAF(Type, Path)                                                                \
  struct Type : msmf::state<NamedState> {                                                  \
    void collect(std::vector<std::string>& out) const override { out.emplace_back(Path); } \
  }
#define UT_DONE_LEAF(Type, Path)                                                           \
  struct Type : msmf::state<NamedState> {                                                  \
    bool region_done() const override { return true; }                                     \
    void collect(std::vector<std::string>& out) const override { out.emplace_back(Path); } \
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
                    Row<Running, EvaluationRisks, none, none, StageNotIntake>> {};
  void collect(std::vector<std::string>&) const override {}
};
using Process = msm::back::state_machine<Process_>;

template <class Event>
bool handled(Process& machine, MachineContext& ctx) {
  return machine.process_event(Event{&ctx}) == msm::back::HANDLED_TRUE;
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

bool ProcessMachine::terminated() const {
  const std::string_view s = stage();
  return s == "Closed" || s == "Rejected" || s == "Cancelled";
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

}  // namespace undertake::detail
