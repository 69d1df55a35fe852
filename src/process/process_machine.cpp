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

#include <boost/mpl/for_each.hpp>

#include <algorithm>
#include <type_traits>
#include <utility>

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
// a stage's work is done. kCompletion says what completed (description(), the diagram).
struct KickoffDone {
  static constexpr std::string_view kCompletion = "every department assigned";
  MachineContext* ctx;
};
struct PreparationProductionDone {
  static constexpr std::string_view kCompletion = "materials, equipment, training, instructions";
  MachineContext* ctx;
};
struct PreparationDone {
  static constexpr std::string_view kCompletion = "preparation done";
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
    static constexpr std::string_view kPath = Path;                                        \
    void collect(std::vector<std::string>& out) const override { out.emplace_back(Path); } \
    std::string_view path() const override { return Path; }                                \
  }
#define UT_DONE_LEAF(Type, Path)                                                           \
  struct Type : msmf::state<NamedState> {                                                  \
    static constexpr std::string_view kPath = Path;                                        \
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

// A type of an MPL sequence (a row, a state) as a value (mpl::for_each passes values): no nested
// `type`, which MPL's lambda would take for the result of a metafunction.
template <class R>
struct Wrap {
  using row = R;
};

// ---------------------------------------------------------------------------------------------
// Guards. Each says what it asks (describe()), for description(): a label, the policy route it
// asks, or the active substate it requires (a stage exit then leaves from that substate).

struct GuardText {
  std::string label;
  std::string_view source;
  std::string_view route;
  void add(std::string_view text) { label += (label.empty() ? "" : "; ") + std::string(text); }
  void add_flag(std::string_view name, bool expected) {
    add(expected ? std::string(name) : "not " + std::string(name));
  }
};

// The source submachine is in substate Leaf (a structural guard: real even when probing).
template <class Leaf>
struct At {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& src, Tgt&) const {
    return active<Src, Leaf>(src);
  }
  static void describe(GuardText& g) { g.source = Leaf::kPath; }
};

// Every region of the source submachine is in its done state (a join).
struct AllRegionsDone {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& src, Tgt&) const {
    for (int region = 0; region < Src::nr_regions::value; ++region)
      if (!src.get_state_by_id(src.current_state()[region])->region_done()) return false;
    return true;
  }
  static void describe(GuardText& g) { g.add("all regions done"); }
};

template <MachineContext::Route R, bool Expected = true>
struct Route {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm&, Src&, Tgt&) const {
    return e.ctx->probe || e.ctx->route(R) == Expected;
  }
  static void describe(GuardText& g) {
    g.route = route_name(R);
    g.add_flag(route_name(R), Expected);
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
  static void describe(GuardText& g) { g.add_flag(Field::field, Expected); }
};

template <class G1, class G2>
struct And {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E& e, Fsm& fsm, Src& src, Tgt& tgt) const {
    return G1{}(e, fsm, src, tgt) && G2{}(e, fsm, src, tgt);
  }
  static void describe(GuardText& g) {
    G1::describe(g);
    G2::describe(g);
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
  static constexpr std::string_view kPath = "Intake";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Evaluation";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Contract";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Kickoff";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Design";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Preparation";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Production";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "Delivery";
  std::string_view path() const override { return kPath; }
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
  static constexpr std::string_view kPath = "AfterSales";
  std::string_view path() const override { return kPath; }
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
  static void describe(GuardText& g) { g.add("after intake"); }
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
  static constexpr std::string_view kPath = "Running";
  std::string_view path() const override { return kPath; }
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

// Cancellation is allowed only before delivery (design.md §2): the one statement of it, asked of
// the stage a running case is in and of the stage a suspended one returns to (Case::accepts).
bool cancellable_stage(int stage_id) {
  return stage_id != state_id<Running, Delivery>() && stage_id != state_id<Running, AfterSales>();
}
struct Cancellable {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return cancellable_stage(running.current_state()[0]);
  }
  static void describe(GuardText& g) { g.add("before delivery"); }
};
struct SuspendedCancellable {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm& fsm, Src&, Tgt&) const {
    auto history = fsm.template get_state<Running&>().get_history();  // history_entry isn't const
    return cancellable_stage(history.history_entry(CaseResume{nullptr})[0]);
  }
  static void describe(GuardText& g) { g.add("suspended before delivery"); }
};
template <class Stage>
struct InStage {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, Stage>(running);
  }
  static void describe(GuardText& g) { g.source = Stage::kPath; }
};
struct InService {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, AfterSales>(running) &&
           active<AfterSales, Service>(running.template get_state<AfterSales&>());
  }
  static void describe(GuardText& g) { g.source = Service::kPath; }
};

// Progress meetings (policy §五(一)1) are held from kickoff until delivery.
struct ProjectUnderWay {
  template <class E, class Fsm, class Src, class Tgt>
  bool operator()(const E&, Fsm&, Src& running, Tgt&) const {
    return active<Src, Kickoff>(running) || active<Src, Design>(running) ||
           active<Src, Preparation>(running) || active<Src, Production>(running) ||
           active<Src, Delivery>(running);
  }
  static void describe(GuardText& g) { g.add("kickoff to delivery"); }
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
  static void describe(GuardText& g) { g.add("contract signed to close"); }
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
  static constexpr std::string_view kPath = "";
  std::string_view path() const override { return kPath; }
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

// Running's stages (the states of its table), for the operations that go from a stage's name or
// id to its type.
struct Stages {
  // Makes `stage` the stage case.resume returns to, with `leaves` (one per region, in region
  // order; empty: its initial substates) as the substates it resumes in. False: not one of these.
  static bool set_resume_point(Running& running, std::string_view stage,
                               const std::vector<std::string>& leaves) {
    bool found = false;
    mpl::for_each<Running::state_list, Wrap<mpl::_1>>([&](auto s) {
      found = found || set_resume_point_of<typename decltype(s)::row>(running, stage, leaves);
    });
    return found;
  }
  // The substates the stage with id `stage_id` resumes in, appended to `out`.
  static void resume_leaves(const Running& running, int stage_id, std::vector<std::string>& out) {
    mpl::for_each<Running::state_list, Wrap<mpl::_1>>(
        [&](auto s) { resume_leaves_of<typename decltype(s)::row>(running, stage_id, out); });
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

namespace {

// Puts a fresh machine in the terminal state `terminal` the way a case gets there: by the first
// transition into it, from where that transition leaves (the initial substates of its stage, or
// the start when it leaves from every stage).
void reach_terminal(ProcessMachine& machine, Process& m, std::string_view terminal) {
  const auto& d = ProcessMachine::description();
  for (const auto& t : d.transitions) {
    if (t.target != terminal || t.completion) continue;
    const auto source = std::find_if(d.states.begin(), d.states.end(),
                                     [&](const auto& s) { return s.path == t.source; });
    if (source != d.states.end() && !source->parent.empty()) {
      const std::string stage = t.source.substr(0, t.source.find('.'));
      std::vector<std::string> leaves;
      if (source->kind == ProcessDescription::Kind::leaf) leaves.push_back(t.source);
      place(m, stage, leaves);
    }
    RestoreContext ctx;
    machine.dispatch(*event_from_name(t.event), ctx);
    return;
  }
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
  if (top != state_id<Process, Running>()) return m.get_state_by_id(top)->path();
  const Running& running = m.get_state<const Running&>();
  return running.get_state_by_id(running.current_state()[0])->path();
}

ProcessMachine ProcessMachine::restored(const std::vector<std::string>& configuration,
                                        const std::vector<std::string>& resume_configuration) {
  ProcessMachine restored;
  Process& m = restored.impl_->machine;
  RestoreContext ctx;
  const std::string_view top =
      configuration.size() == 1 ? std::string_view(configuration.front()) : std::string_view();
  if (top == Suspended::kPath) {
    place(m, resume_configuration);
    handled<CaseSuspend>(m, ctx);
  } else if (is_terminal_stage(top)) {
    reach_terminal(restored, m, top);
  } else {
    place(m, configuration);
  }
  if (restored.configuration() != configuration)
    unrestorable("the states given are not a configuration the process can be in");
  if (restored.resume_configuration() !=
      (top == Suspended::kPath ? resume_configuration : std::vector<std::string>{}))
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

// ---------------------------------------------------------------------------------------------
// The machine as data (description()), walked from the transition tables at compile time, as
// boost-ext/sml's plant_uml example walks its table: every row gives a transition, its source and
// target give the states, a submachine among them is walked in turn.

namespace {

// A submachine (a back end: it has a history policy and a table of its own).
template <class T, class = void>
struct IsMachine : std::false_type {};
template <class T>
struct IsMachine<T, std::void_t<typename T::history_policy, typename T::stt>> : std::true_type {};

template <EventId Id>
std::pair<std::string_view, bool> event_of(const Ev<Id>*) {
  return {event_name(Id), false};
}
template <class Completion>
std::pair<std::string_view, bool> event_of(const Completion*) {
  return {Completion::kCompletion, true};
}

template <class Guard>
GuardText guard_text() {
  GuardText g;
  if constexpr (!std::is_same_v<Guard, none>) Guard::describe(g);
  return g;
}

template <class Policy>
struct HistoryEvents {
  static void add(std::vector<std::string>&) {}
};
template <class Events>
struct HistoryEvents<msm::back::ShallowHistory<Events>> {
  static void add(std::vector<std::string>& out) {
    mpl::for_each<Events, Wrap<mpl::_1>>([&](auto event) {
      out.emplace_back(event_of(static_cast<const typename decltype(event)::row*>(nullptr)).first);
    });
  }
};

class Describer {
 public:
  explicit Describer(ProcessDescription& out) : out_(out) {}

  // The states and transitions of `Machine` (a back end), whose path is `path`.
  template <class Machine>
  void machine(std::string_view path) {
    constexpr int regions = Machine::nr_regions::value;
    mpl::for_each<typename Machine::initial_states, Wrap<mpl::_1>>([&](auto initial) {
      this->template state<typename decltype(initial)::row>(path, regions, true);
    });
    mpl::for_each<typename Machine::transition_table, Wrap<mpl::_1>>(
        [&](auto row) { this->row(row, path, regions); });
  }

  // What shows only once every table was walked: top-level states no transition leaves are where
  // the process ends; an unguarded transition beside a guarded one on the same event from the
  // same state is the outer row MSM tries when the inner one refuses (SalesReview: a strategy
  // meeting when the route says so, otherwise evaluation).
  void finish() {
    for (auto& s : out_.states) {
      if (!s.parent.empty() || s.kind != ProcessDescription::Kind::leaf) continue;
      s.terminal = std::none_of(out_.transitions.begin(), out_.transitions.end(),
                                [&](const auto& t) { return t.source == s.path; });
    }
    for (auto& t : out_.transitions)
      if (t.guard.empty() &&
          std::any_of(out_.transitions.begin(), out_.transitions.end(), [&](const auto& other) {
            return &other != &t && other.source == t.source && other.event == t.event &&
                   !other.guard.empty();
          }))
        t.guard = "otherwise";
  }

 private:
  bool has(std::string_view path) const {
    return std::any_of(out_.states.begin(), out_.states.end(),
                       [&](const auto& s) { return s.path == path; });
  }

  // Adds State (a state of the machine at `machine_path` with `regions` regions) once; a leaf of
  // a machine with several regions lies in the region its path names.
  template <class State>
  void state(std::string_view machine_path, int regions, bool initial) {
    const std::string_view path = State::kPath;
    if (has(path)) return;
    std::string parent(machine_path);
    if (regions > 1) {
      parent = std::string(path.substr(0, path.rfind('.')));
      if (!has(parent)) {
        ProcessDescription::State region;
        region.path = parent;
        region.parent = std::string(machine_path);
        region.kind = ProcessDescription::Kind::region;
        out_.states.push_back(std::move(region));
      }
    }
    ProcessDescription::State s;
    s.path = std::string(path);
    s.parent = std::move(parent);
    s.initial = initial;
    if constexpr (IsMachine<State>::value) {
      s.kind = ProcessDescription::Kind::composite;
      HistoryEvents<typename State::history_policy>::add(s.history_events);
    }
    out_.states.push_back(std::move(s));
    if constexpr (IsMachine<State>::value) machine<State>(path);
  }

  template <class Source, class Event, class Target, class Action, class Guard>
  void row(Wrap<msmf::Row<Source, Event, Target, Action, Guard>>, std::string_view machine_path,
           int regions) {
    constexpr bool internal = std::is_same_v<Target, none>;
    state<Source>(machine_path, regions, false);
    if constexpr (!internal) state<Target>(machine_path, regions, false);
    const GuardText g = guard_text<Guard>();
    const auto [event, completion] = event_of(static_cast<const Event*>(nullptr));
    ProcessDescription::Transition t;
    t.source = std::string(g.source.empty() ? Source::kPath : g.source);
    t.event = std::string(event);
    t.completion = completion;
    if constexpr (internal) {
      t.target = t.source;
    } else {
      t.target = std::string(Target::kPath);
    }
    t.internal = internal;
    t.guard = g.label;
    t.route = std::string(g.route);
    out_.transitions.push_back(std::move(t));
  }

  ProcessDescription& out_;
};

// Whether a row of Table leaves State.
template <class Table, class State>
bool leaves_from() noexcept {
  bool found = false;
  mpl::for_each<Table, Wrap<mpl::_1>>([&](auto row) {
    found = found || std::is_same_v<typename decltype(row)::row::Source, State>;
  });
  return found;
}

}  // namespace

const ProcessDescription& ProcessMachine::description() {
  static const ProcessDescription description = [] {
    ProcessDescription d;
    Describer describer(d);
    describer.machine<Process>("");
    describer.finish();
    return d;
  }();
  return description;
}

const std::vector<std::string>& ProcessMachine::all_state_paths() {
  static const std::vector<std::string> paths = [] {
    std::vector<std::string> out;
    for (const auto& s : description().states) out.push_back(s.path);
    return out;
  }();
  return paths;
}

bool ProcessMachine::terminated() const {
  return is_terminal_stage(stage());
}

}  // namespace detail

// A top-level state no row of the process leaves (description() says the same, `terminal`).
// Walked without allocating: it is noexcept.
bool is_terminal_stage(std::string_view stage) noexcept {
  using Table = detail::Process::transition_table;
  bool terminal = false;
  boost::mpl::for_each<Table, detail::Wrap<boost::mpl::_1>>([&](auto row) {
    using Target = typename decltype(row)::row::Target;  // the source for an internal row
    terminal = terminal || (Target::kPath == stage && !detail::leaves_from<Table, Target>());
  });
  return terminal;
}

UNDERTAKE_END_NAMESPACE
