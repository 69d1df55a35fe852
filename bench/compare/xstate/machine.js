'use strict';
// The product undertaking process (design.md §2) as an XState v5 statechart: the equivalent of
// src/process/process_machine.cpp driven by the default policy (rules/default), for the comparison
// of bench/compare/run.
//
// Shape, as in ours:
// - `Running` is a compound state holding the nine stages, with a deep history state: case.resume
//   returns to the exact substate of every region (ours: shallow history at two levels, the same
//   thing for this machine).
// - `Evaluation` is a parallel state (Commercial, Technical, Capacity, QualityRisk); its join is
//   evaluation.approve guarded by `stateIn` every region's done state plus the approval gate.
// - `Preparation` is a parallel state (Production, Quality) whose regions end in final states;
//   `onDone` is the join.
// - Completion transitions (kickoff done, production preparation done) are eventless (`always`).
// - Terminal states `Closed`, `Rejected`, `Cancelled` are final.
//
// Guards are plain JS functions over the machine context evaluating the same conditions as the
// default policy: the role table (rules/default/roles.json, read from the file), the gates of
// gates.json and the routes of routes.json (written out here as code: margin >= 0.15, the
// authority matrix, segregation of duties, ...), and the few payload checks of
// src/case/case_payload.cpp that the guards depend on (a batch or complaint must exist, a reason
// is given). assign() actions update the context as src/case/case_record.cpp updates our record.
//
// Not done here (ours does it on every event): validation of every payload field, the ledger,
// the explanation trace of every rule, deadlines, atomic refusal with reasons, the engine's
// JSON-data model for rules that a process owner edits without code.

const { createMachine, assign, and, stateIn } = require('xstate');
const path = require('path');
const fs = require('fs');

const ROLES = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'rules', 'default', 'roles.json'), 'utf8'),
).events;
const KICKOFF_DEPARTMENTS = ['technical', 'production', 'quality']; // rules/default/process.json

// ---------------------------------------------------------------------------------------------
// Helpers

function permitted(event) {
  const allowed = ROLES[event.type];
  if (!allowed) return false;
  const held = event.actor.roles;
  for (let i = 0; i < allowed.length; ++i) if (held.includes(allowed[i])) return true;
  return false;
}
const hasRole = (actor, role) => actor.roles.includes(role);
const missing = (v) => v === undefined || v === null || v === '';
const stamp = (e) => ({ by: e.actor.id, at: e.at });
const withStamp = (e) => ({ ...e.payload, by: e.actor.id, at: e.at });
const flag = (e, field) => e.payload[field] === true;
const dayMs = 24 * 3600 * 1000;
const onOrBefore = (a, b) => Date.parse(a) <= Date.parse(b);
const nonEmptyText = (v) => typeof v === 'string' && v.length > 0;

/** A transition: role check + optional gate (context, event) + optional assign. */
function tr(target, { gate, act, also } = {}) {
  const check = gate
    ? ({ context, event }) => permitted(event) && gate(context, event)
    : ({ event }) => permitted(event);
  const t = { guard: also ? and([...also, check]) : check };
  if (target !== undefined) t.target = target;
  if (act) t.actions = assign(act);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Gates (rules/default/gates.json) and routes (routes.json)

const gates = {
  requirementComplete: (c) =>
    !missing(c.data.spec) &&
    !missing(c.data.quantity) &&
    !missing(c.data.delivery_date) &&
    !missing(c.data.quality_requirements),
  strategyMeetingRequired: (c) =>
    (c.data.customer && c.data.customer.tier === 'key') || (c.data.estimated_amount ?? 0) >= 1000000,
  designRequired: (c) => !(c.data.product && c.data.product.standard),
  evaluationApprove(c, e) {
    const ev = c.evaluation;
    if (!(ev.technical && ev.technical.feasible === true)) return false; // technically-feasible
    if (!(ev.capacity && ev.capacity.sufficient === true)) return false; // capacity-sufficient
    if (c.risk.unmitigated_high !== 0) return false; // high-risks-handled
    const override =
      hasRole(e.actor, 'management') && e.payload.override && nonEmptyText(e.payload.override.reason);
    if (!(ev.quote && ev.quote.margin >= 0.15) && !override) return false; // minimum-margin
    if (c.risk.critical !== 0 && !override) return false; // no-critical-risk
    return true;
  },
  contractApprove: (c, e) =>
    e.actor.id !== c.contract.drafted_by && !c.contract.approvers.includes(e.actor.id),
  contractSign(c) {
    const k = c.contract;
    if (k.legal_approved_version !== k.version) return false; // legal-approval-of-current-draft
    const amount = k.draft.amount; // authority-matrix
    const needed = amount >= 1000000 ? 2 : amount >= 100000 ? 1 : 0;
    return k.approval_count >= needed;
  },
  batchReported: (c, e) => Object.prototype.hasOwnProperty.call(c.production.batches, e.payload.batch),
  batchNew: (c, e) => !Object.prototype.hasOwnProperty.call(c.production.batches, e.payload.batch),
  reporterMayNotInspect(c, e) {
    const batch = c.production.batches[e.payload.batch];
    if (!batch) return false; // payload: the batch must have been reported
    if (e.payload.quantity_passed !== undefined && e.payload.quantity_passed > batch.quantity) return false;
    return e.actor.id !== batch.reported_by;
  },
  plannedQuantityPassed: (c) => c.production.passed_quantity >= c.production.planned_quantity,
  productionCompletedAndPassed: (c) =>
    c.production.completed === true && c.production.last_inspection_passed === true,
  complaintNew: (c, e) => !Object.prototype.hasOwnProperty.call(c.service.complaints, e.payload.id),
  complaintOpen(c, e) {
    const complaint = c.service.complaints[e.payload.id];
    return complaint !== undefined && complaint.status !== 'closed';
  },
  noOpenComplaint: (c) => c.service.open_complaints === 0,
  reason: (c, e) => nonEmptyText(e.payload.reason),
  kickoffComplete: (c) => KICKOFF_DEPARTMENTS.every((d) => c.kickoff.assigned.includes(d)),
  productionPrepared: (c) => {
    const p = c.preparation;
    return p.materials && p.equipment && p.training && p.instructions;
  },
};

// Warning rules (severity "warn") are evaluated; they never block, the result is kept as a count.
function warn(c, ok) {
  return ok ? c.warnings : c.warnings + 1;
}

// ---------------------------------------------------------------------------------------------
// Record updates (src/case/case_record.cpp)

const RISK_ATTENTION = 10; // high: 10-15, critical: 16-25 (rules/default/risk.json)
const RISK_CRITICAL = 16;
function assessRisks(risks) {
  let unmitigated = 0;
  let critical = 0;
  let open = 0;
  let worst = 0;
  for (const r of risks) {
    if (r.status === 'closed') continue;
    const score = r.probability * r.impact;
    ++open;
    worst = Math.max(worst, score);
    if (score >= RISK_ATTENTION && (missing(r.response) || missing(r.owner))) ++unmitigated;
    if (score >= RISK_CRITICAL) ++critical;
  }
  const level =
    worst === 0 ? null : worst >= 16 ? 'critical' : worst >= 10 ? 'high' : worst >= 5 ? 'medium' : 'low';
  return { open, unmitigated_high: unmitigated, critical, level };
}

const act = {
  register: ({ context: c, event: e }) => ({ data: { ...c.data, ...e.payload } }),
  intake: (key, withPayload) => ({ context: c, event: e }) => ({
    intake: { ...c.intake, [key]: withPayload ? withStamp(e) : stamp(e) },
  }),
  quote({ context: c, event: e }) {
    const price = e.payload.price;
    return {
      evaluation: { ...c.evaluation, quote: { ...withStamp(e), margin: (price - e.payload.cost) / price } },
    };
  },
  evaluation: (key) => ({ context: c, event: e }) => ({
    evaluation: { ...c.evaluation, [key]: withStamp(e) },
  }),
  decision: (approved) => ({ context: c, event: e }) => ({
    evaluation: { ...c.evaluation, decision: { ...withStamp(e), approved } },
  }),
  risks({ context: c, event: e }) {
    const risks = c.risks.slice();
    for (const item of e.payload.risks) {
      const i = risks.findIndex((r) => r.id === item.id);
      if (i < 0) risks.push({ status: 'open', ...item });
      else risks[i] = { ...risks[i], ...item };
    }
    return { risks, risk: assessRisks(risks) };
  },
  draft: (revision) => ({ context: c, event: e }) => ({
    contract: {
      ...c.contract,
      version: c.contract.version + 1,
      revisions: c.contract.revisions + (revision ? 1 : 0),
      draft: {
        amount: e.payload.amount,
        delivery_date: e.payload.delivery_date,
        payment_terms: e.payload.payment_terms,
      },
      drafted_by: e.actor.id,
      approvals: [],
      approvers: [],
      approval_count: 0,
    },
  }),
  submit: ({ context: c }) => ({ contract: { ...c.contract, submitted_version: c.contract.version } }),
  legalApprove: ({ context: c, event: e }) => ({
    contract: { ...c.contract, legal_approved_version: c.contract.version, legal_approval: stamp(e) },
  }),
  legalReject: ({ context: c, event: e }) => ({
    contract: {
      ...c.contract,
      legal_rejections: [
        ...(c.contract.legal_rejections || []),
        { ...withStamp(e), version: c.contract.version },
      ],
    },
  }),
  approve({ context: c, event: e }) {
    const approvers = c.contract.approvers.includes(e.actor.id)
      ? c.contract.approvers
      : [...c.contract.approvers, e.actor.id];
    return {
      contract: {
        ...c.contract,
        approvals: [...c.contract.approvals, stamp(e)],
        approvers,
        approval_count: approvers.length,
      },
    };
  },
  sign: ({ context: c, event: e }) => ({
    contract: {
      ...c.contract,
      signed: { ...stamp(e), amount: c.contract.draft.amount, version: c.contract.version },
    },
  }),
  archive({ context: c, event: e }) {
    const k = c.contract;
    const row = {
      signed_at: k.signed.at,
      customer: c.data.customer && c.data.customer.name,
      content: c.data.product && c.data.product.name,
      amount: k.draft.amount,
      delivery_date: k.draft.delivery_date,
      copies_to: ['market', 'technical', 'production', 'quality'],
    };
    return { contract: { ...k, archived: { ...stamp(e), ledger_row: row } } };
  },
  meeting({ context: c, event: e }) {
    const plan = e.payload.production_plan;
    return {
      kickoff: {
        ...c.kickoff,
        meeting: stamp(e),
        milestones: e.payload.milestones,
        production_plan: plan,
      },
      production: {
        ...c.production,
        planned_quantity: plan.quantity,
        planned_completion: plan.completion_date,
        budget_cost: plan.budget_cost,
      },
      // plan-meets-delivery-date (warn)
      warnings: warn(c, onOrBefore(plan.completion_date, c.contract.draft.delivery_date)),
    };
  },
  assignTask({ context: c, event: e }) {
    const dept = e.payload.department || KICKOFF_DEPARTMENTS.find((d) => hasRole(e.actor, d));
    const assigned = c.kickoff.assigned.includes(dept) ? c.kickoff.assigned : [...c.kickoff.assigned, dept];
    return {
      kickoff: { ...c.kickoff, assigned, tasks: [...c.kickoff.tasks, { ...withStamp(e), department: dept }] },
    };
  },
  designSubmit: ({ context: c, event: e }) => ({
    design: {
      ...c.design,
      submissions: c.design.submissions + 1,
      innovations: c.design.innovations + (e.payload.innovations || 0),
      submitted: stamp(e),
    },
  }),
  designReview: ({ context: c, event: e }) => ({
    design: { ...c.design, reviews: c.design.reviews + 1, last_review_passed: e.payload.passed },
  }),
  sampleBuild: ({ context: c }) => ({ sample: { ...c.sample, builds: c.sample.builds + 1 } }),
  sampleTest: ({ context: c, event: e }) => ({
    sample: {
      ...c.sample,
      tests: c.sample.tests + 1,
      first_test_passed: 'first_test_passed' in c.sample ? c.sample.first_test_passed : e.payload.passed,
      last_test_passed: e.payload.passed,
    },
  }),
  sampleConfirm: ({ context: c, event: e }) => ({
    sample: { ...c.sample, accepted: e.payload.accepted, feedback: e.payload.feedback },
  }),
  prep: (key) => ({ context: c }) => ({ preparation: { ...c.preparation, [key]: true } }),
  incoming: ({ context: c, event: e }) => ({
    preparation: { ...c.preparation, incoming_inspection_passed: e.payload.passed },
  }),
  inspectionPlan: ({ context: c, event: e }) => ({
    preparation: { ...c.preparation, inspection_plan: withStamp(e) },
  }),
  report({ context: c, event: e }) {
    const p = c.production;
    const batch = {
      quantity: e.payload.quantity,
      cost: e.payload.cost,
      reported_by: e.actor.id,
      reported_at: e.at,
      inspections: 0,
      passed: false,
      quantity_passed: 0,
      rectifications: 0,
    };
    return {
      production: {
        ...p,
        batches: { ...p.batches, [e.payload.batch]: batch },
        reported_quantity: p.reported_quantity + e.payload.quantity,
        actual_cost: p.actual_cost + e.payload.cost,
      },
    };
  },
  inspect({ context: c, event: e }) {
    const p = c.production;
    const old = p.batches[e.payload.batch];
    const passed = e.payload.passed;
    const quantityPassed =
      e.payload.quantity_passed !== undefined ? e.payload.quantity_passed : passed ? old.quantity : 0;
    const batch = {
      ...old,
      inspections: old.inspections + 1,
      passed,
      inspected_by: e.actor.id,
      quantity_passed: quantityPassed,
    };
    const batches = { ...p.batches, [e.payload.batch]: batch };
    let total = 0;
    for (const id in batches) if (batches[id].passed) total += batches[id].quantity_passed;
    return {
      production: {
        ...p,
        batches,
        inspections: p.inspections + 1,
        last_inspection_passed: passed,
        passed_quantity: total,
      },
    };
  },
  rectify({ context: c, event: e }) {
    const p = c.production;
    const old = p.batches[e.payload.batch];
    return {
      production: {
        ...p,
        batches: { ...p.batches, [e.payload.batch]: { ...old, rectifications: old.rectifications + 1 } },
      },
    };
  },
  complete: ({ context: c, event: e }) => ({
    production: { ...c.production, completed: true, completed_at: e.at },
  }),
  delivery: (key, withPayload) => ({ context: c, event: e }) => ({
    delivery: { ...c.delivery, [key]: withPayload ? withStamp(e) : stamp(e) },
  }),
  ship: ({ context: c, event: e }) => ({
    delivery: { ...c.delivery, shipped: stamp(e) },
    // ship-by-contract-date (warn)
    warnings: warn(c, Date.parse(e.at) <= Date.parse(c.contract.draft.delivery_date) + dayMs),
  }),
  feedback: ({ context: c, event: e }) => ({
    service: { ...c.service, feedback: [...c.service.feedback, e.payload.score], last_feedback: withStamp(e) },
  }),
  complaint: ({ context: c, event: e }) => ({
    service: {
      ...c.service,
      complaints: {
        ...c.service.complaints,
        [e.payload.id]: { ...withStamp(e), status: 'open', opened_at: e.at },
      },
      open_complaints: c.service.open_complaints + 1,
    },
  }),
  complaintStep: (step) => ({ context: c, event: e }) => {
    const s = c.service;
    const complaint = { ...s.complaints[e.payload.id] };
    for (const k in e.payload) if (k !== 'id') complaint[k] = e.payload[k];
    let open = s.open_complaints;
    if (step === 'investigate') complaint.status = 'investigated';
    else if (step === 'resolve') complaint.status = 'resolved';
    else if (e.payload.satisfied) {
      complaint.status = 'closed';
      complaint.closed_at = e.at;
      --open;
    } else complaint.status = 'reopened';
    return {
      service: { ...s, complaints: { ...s.complaints, [e.payload.id]: complaint }, open_complaints: open },
    };
  },
  suspend: (stage) => ({ event: e }) => ({ suspension: { ...withStamp(e), stage } }),
  resume: () => ({ suspension: undefined }),
  cancel: ({ event: e }) => ({ cancellation: withStamp(e) }),
  handover: ({ context: c, event: e }) => ({ handovers: [...c.handovers, withStamp(e)] }),
  close: ({ event: e }) => ({ closed: stamp(e) }),
};

// ---------------------------------------------------------------------------------------------
// Stages

const CANCELLABLE = new Set(['Intake', 'Evaluation', 'Contract', 'Kickoff', 'Design', 'Preparation', 'Production']);

/** A stage: suspension (remembering the stage), cancellation before delivery, risk updates after
 *  intake — the rows of ours that leave from `Running` in any stage. */
function stage(name, config) {
  const on = { ...(config.on || {}) };
  on['case.suspend'] = tr('#Suspended', { gate: gates.reason, act: act.suspend(name) });
  if (CANCELLABLE.has(name)) on['case.cancel'] = tr('#Cancelled', { gate: gates.reason, act: act.cancel });
  if (name !== 'Intake') on['evaluation.risks'] = tr(undefined, { act: act.risks });
  return { ...config, id: name, on };
}

const Intake = stage('Intake', {
  initial: 'Registered',
  states: {
    Registered: {
      on: {
        'intake.register': tr(undefined, { act: act.register }),
        'intake.forward': tr('SalesReview', { act: act.intake('forwarded') }),
      },
    },
    SalesReview: {
      on: {
        'intake.confirm': [
          tr('StrategyMeeting', {
            gate: (c) => gates.requirementComplete(c) && gates.strategyMeetingRequired(c),
            act: act.intake('confirmed'),
          }),
          tr('#Evaluation', { gate: gates.requirementComplete, act: act.intake('confirmed') }),
        ],
      },
    },
    StrategyMeeting: {
      on: { 'intake.strategy_meeting': tr('#Evaluation', { act: act.intake('strategy_meeting', true) }) },
    },
  },
});

const region = (name, busy, done, event, action) => ({
  initial: busy,
  states: {
    [busy]: { on: { [event]: tr(done, { act: action }) } },
    [done]: { id: `${name}.${done}`.replace(/\./g, '_'), on: { [event]: tr(undefined, { act: action }) } },
  },
});

const Evaluation = stage('Evaluation', {
  type: 'parallel',
  states: {
    Commercial: region('Commercial', 'Quoting', 'Quoted', 'evaluation.quote', act.quote),
    Technical: region('Technical', 'Assessing', 'Assessed', 'evaluation.technical', act.evaluation('technical')),
    Capacity: region('Capacity', 'Checking', 'Checked', 'evaluation.capacity', act.evaluation('capacity')),
    QualityRisk: region('QualityRisk', 'Assessing', 'Assessed', 'evaluation.quality', act.evaluation('quality')),
  },
  on: {
    // The join: every region done, then the approval gate.
    'evaluation.approve': tr('#Contract', {
      also: [
        stateIn('#Commercial_Quoted'),
        stateIn('#Technical_Assessed'),
        stateIn('#Capacity_Checked'),
        stateIn('#QualityRisk_Assessed'),
      ],
      gate: gates.evaluationApprove,
      act: act.decision(true),
    }),
    'evaluation.reject': tr('#Rejected', { act: act.decision(false) }),
  },
});

const Contract = stage('Contract', {
  initial: 'Negotiation',
  states: {
    Negotiation: { on: { 'contract.draft': tr('Drafting', { act: act.draft(false) }) } },
    Drafting: {
      on: {
        'contract.draft': tr(undefined, { act: act.draft(false) }),
        'contract.submit': tr('LegalReview', { act: act.submit }),
      },
    },
    LegalReview: {
      on: {
        'contract.legal_reject': tr('Revision', { act: act.legalReject }),
        'contract.legal_approve': tr('AwaitingSignature', { act: act.legalApprove }),
        'contract.approve': tr(undefined, { gate: gates.contractApprove, act: act.approve }),
      },
    },
    Revision: { on: { 'contract.revise': tr('LegalReview', { act: act.draft(true) }) } },
    AwaitingSignature: {
      on: {
        'contract.revise': tr('LegalReview', { act: act.draft(true) }),
        'contract.approve': tr(undefined, { gate: gates.contractApprove, act: act.approve }),
        'contract.sign': tr('Signed', { gate: gates.contractSign, act: act.sign }),
      },
    },
    Signed: { on: { 'contract.archive': tr('#Kickoff', { act: act.archive }) } },
  },
});

const Kickoff = stage('Kickoff', {
  initial: 'Meeting',
  states: {
    Meeting: { on: { 'kickoff.meeting': tr('TaskAssignment', { act: act.meeting }) } },
    TaskAssignment: {
      on: { 'kickoff.assign': tr(undefined, { act: act.assignTask }) },
      always: [
        { target: '#Design', guard: ({ context: c }) => gates.kickoffComplete(c) && gates.designRequired(c) },
        { target: '#Preparation', guard: ({ context: c }) => gates.kickoffComplete(c) && !gates.designRequired(c) },
      ],
    },
  },
});

const Design = stage('Design', {
  initial: 'Designing',
  states: {
    Designing: { on: { 'design.submit': tr('DesignReview', { act: act.designSubmit }) } },
    DesignReview: {
      on: {
        'design.review': [
          tr('SampleMaking', { gate: (c, e) => flag(e, 'passed'), act: act.designReview }),
          tr('Designing', { gate: (c, e) => !flag(e, 'passed'), act: act.designReview }),
        ],
      },
    },
    SampleMaking: { on: { 'sample.build': tr('SampleTesting', { act: act.sampleBuild }) } },
    SampleTesting: {
      on: {
        'sample.test': [
          tr('CustomerConfirmation', { gate: (c, e) => flag(e, 'passed'), act: act.sampleTest }),
          tr('SampleMaking', { gate: (c, e) => !flag(e, 'passed'), act: act.sampleTest }),
        ],
      },
    },
    CustomerConfirmation: {
      on: {
        'sample.confirm': [
          tr('#Preparation', { gate: (c, e) => flag(e, 'accepted'), act: act.sampleConfirm }),
          tr('SampleMaking', { gate: (c, e) => !flag(e, 'accepted'), act: act.sampleConfirm }),
        ],
      },
    },
  },
});

const Preparation = stage('Preparation', {
  type: 'parallel',
  states: {
    Production: {
      initial: 'Preparing',
      states: {
        Preparing: {
          on: {
            'prep.materials': tr(undefined, { act: act.prep('materials') }),
            'prep.equipment': tr(undefined, { act: act.prep('equipment') }),
            'prep.training': tr(undefined, { act: act.prep('training') }),
            'prep.instructions': tr(undefined, { act: act.prep('instructions') }),
          },
          always: { target: 'Ready', guard: ({ context: c }) => gates.productionPrepared(c) },
        },
        Ready: { type: 'final' },
      },
    },
    Quality: {
      initial: 'IncomingInspection',
      states: {
        IncomingInspection: {
          on: {
            'prep.incoming_inspection': [
              tr('InspectionPlanning', { gate: (c, e) => flag(e, 'passed'), act: act.incoming }),
              tr(undefined, { gate: (c, e) => !flag(e, 'passed'), act: act.incoming }),
            ],
          },
        },
        InspectionPlanning: { on: { 'prep.inspection_plan': tr('Ready', { act: act.inspectionPlan }) } },
        Ready: { type: 'final' },
      },
    },
  },
  onDone: '#Production', // the join
});

const Production = stage('Production', {
  initial: 'Producing',
  states: {
    Producing: {
      on: {
        'production.report': tr('Inspection', { gate: gates.batchNew, act: act.report }),
        'production.complete': tr('#Delivery', { gate: gates.plannedQuantityPassed, act: act.complete }),
      },
    },
    Inspection: {
      on: {
        'production.inspect': [
          tr('Producing', { gate: (c, e) => gates.reporterMayNotInspect(c, e) && flag(e, 'passed'), act: act.inspect }),
          tr('Rectification', {
            gate: (c, e) => gates.reporterMayNotInspect(c, e) && !flag(e, 'passed'),
            act: act.inspect,
          }),
        ],
      },
    },
    Rectification: {
      on: { 'production.rectify': tr('Inspection', { gate: gates.batchReported, act: act.rectify }) },
    },
  },
});

const Delivery = stage('Delivery', {
  initial: 'Packing',
  states: {
    Packing: {
      on: { 'delivery.pack': tr('Packed', { gate: gates.productionCompletedAndPassed, act: act.delivery('packed') }) },
    },
    Packed: { on: { 'delivery.ship': tr('Shipped', { act: act.ship }) } },
    Shipped: { on: { 'delivery.confirm': tr('#AfterSales', { act: act.delivery('confirmed', true) }) } },
  },
});

const AfterSales = stage('AfterSales', {
  initial: 'Service',
  on: { 'service.feedback': tr(undefined, { act: act.feedback }) },
  states: {
    Service: {
      on: {
        'service.complaint': tr('Complaint', { gate: gates.complaintNew, act: act.complaint }),
        'case.close': tr('#Closed', { gate: gates.noOpenComplaint, act: act.close }),
      },
    },
    Complaint: {
      on: { 'service.investigate': tr('Investigation', { gate: gates.complaintOpen, act: act.complaintStep('investigate') }) },
    },
    Investigation: {
      on: { 'service.resolve': tr('Resolution', { gate: gates.complaintOpen, act: act.complaintStep('resolve') }) },
    },
    Resolution: {
      on: {
        'service.verify': [
          tr('Service', { gate: (c, e) => gates.complaintOpen(c, e) && flag(e, 'satisfied'), act: act.complaintStep('verify') }),
          tr('Investigation', {
            gate: (c, e) => gates.complaintOpen(c, e) && !flag(e, 'satisfied'),
            act: act.complaintStep('verify'),
          }),
        ],
      },
    },
  },
});

// ---------------------------------------------------------------------------------------------
// The case

function initialContext({ input }) {
  return {
    data: input,
    intake: {},
    evaluation: {},
    contract: { version: 0, legal_approved_version: 0, approvals: [], approvers: [], approval_count: 0, revisions: 0 },
    kickoff: { assigned: [], tasks: [] },
    design: { submissions: 0, innovations: 0, reviews: 0 },
    sample: { builds: 0, tests: 0 },
    preparation: { materials: false, equipment: false, training: false, instructions: false, incoming_inspection_passed: false },
    production: { batches: {}, reported_quantity: 0, passed_quantity: 0, actual_cost: 0, inspections: 0, completed: false },
    delivery: {},
    service: { feedback: [], complaints: {}, open_complaints: 0 },
    handovers: [],
    risks: [],
    risk: assessRisks([]),
    warnings: 0,
  };
}

const machine = createMachine({
  id: 'process',
  context: initialContext,
  initial: 'Running',
  states: {
    Running: {
      initial: 'Intake',
      states: {
        History: { id: 'RunningHistory', type: 'history', history: 'deep' },
        Intake,
        Evaluation,
        Contract,
        Kickoff,
        Design,
        Preparation,
        Production,
        Delivery,
        AfterSales,
      },
      on: { 'case.handover': tr(undefined, { act: act.handover }) },
    },
    Suspended: {
      id: 'Suspended',
      on: {
        'case.resume': tr('#RunningHistory', { act: act.resume }),
        'case.cancel': tr('#Cancelled', {
          gate: (c, e) => gates.reason(c, e) && CANCELLABLE.has(c.suspension.stage),
          act: act.cancel,
        }),
        'case.handover': tr(undefined, { act: act.handover }),
      },
    },
    Closed: { id: 'Closed', type: 'final' },
    Rejected: { id: 'Rejected', type: 'final' },
    Cancelled: { id: 'Cancelled', type: 'final' },
  },
});

/** The configuration as our state paths: `Contract.Drafting`, `Evaluation.Commercial.Quoted`, ...,
 *  or `Suspended` / `Closed` / ...; and the top-level stage. */
function statePaths(value) {
  if (typeof value === 'string') return [value];
  const out = [];
  const walk = (prefix, v) => {
    if (typeof v === 'string') out.push(`${prefix}.${v}`);
    else for (const k of Object.keys(v)) walk(`${prefix}.${k}`, v[k]);
  };
  const running = value.Running;
  for (const k of Object.keys(running)) walk(k, running[k]);
  return out;
}
function stageOf(value) {
  return typeof value === 'string' ? value : Object.keys(value.Running)[0];
}

module.exports = { machine, statePaths, stageOf };
