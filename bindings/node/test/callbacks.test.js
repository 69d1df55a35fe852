'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');

const ut = require('..');
const { DATA, STEPS, SALES, MARKET, run } = require('./support');

const CREDIT_GATE = {
  policy: { version: 'credit-node' },
  gates: {
    gates: {
      'intake.confirm': {
        rules: [{
          id: 'credit-ok',
          description: 'The customer is within its credit limit (host ERP).',
          rule: 'credit_check',
          message: 'the customer is over its credit limit',
        }],
      },
    },
  },
};

function confirm(engine, id = 'K-1') {
  const c = engine.createCase(id, DATA);
  c.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
  return [c, c.fire('intake.confirm', SALES, {}, '2026-03-03')];
}

test('a custom rule in JavaScript', () => {
  const engine = new ut.Engine();
  assert.throws(() => engine.patchPolicy(CREDIT_GATE), /credit_check/);
  const calls = [];
  const answers = [false, [false, 'owes 120000'], new ut.Verdict(false, 'over', { owed: 1 }), true];
  engine.registerRule('credit_check', (facts, event, actor) => {
    calls.push([facts.data.customer.name, event, actor.id]);
    return answers[calls.length - 1];
  });
  engine.patchPolicy(CREDIT_GATE);
  const [c, first] = confirm(engine);
  assert.equal(first.accepted, false);
  assert.equal(first.reasons[0].rule, 'credit-ok');
  assert.match(first.reasons[0].message, /over its credit limit/);
  assert.equal(c.fire('intake.confirm', SALES, {}, '2026-03-03').reasons[0].message, 'owes 120000');
  assert.deepEqual(c.fire('intake.confirm', SALES, {}, '2026-03-03').trace.rules[0].details, { owed: 1 });
  assert.equal(c.fire('intake.confirm', SALES, {}, '2026-03-03').accepted, true);
  assert.deepEqual(calls[0], ['Hengda Machinery', 'intake.confirm', 'li']);
  engine.close();
});

test('a throwing rule fails closed', () => {
  const engine = new ut.Engine();
  engine.registerRule('credit_check', () => {
    throw new TypeError('credit service down');
  });
  engine.patchPolicy(CREDIT_GATE);
  const [, out] = confirm(engine);
  assert.equal(out.accepted, false);
  assert.match(out.reasons[0].message, /TypeError: credit service down/);
  engine.close();
});

test('the listener hears accepted and refused events', () => {
  const engine = new ut.Engine();
  const heard = [];
  engine.setListener((caseId, event, accepted, outcome) => heard.push([caseId, event, accepted, outcome]));
  const c = engine.createCase('N-1', DATA);
  c.fire('intake.forward', MARKET, {}, '2026-03-02');
  c.fire('contract.sign', SALES, {}, '2026-03-03');
  assert.deepEqual(heard.map(([a, b, d]) => [a, b, d]),
    [['N-1', 'intake.forward', true], ['N-1', 'contract.sign', false]]);
  assert.deepEqual(heard[0][3].state, ['Intake.SalesReview']);
  engine.setListener(null);
  c.fire('intake.confirm', SALES, {}, '2026-03-03');
  assert.equal(heard.length, 2);
  engine.close();
});

test('KPI report with a JavaScript KPI', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('SO-2026-001', DATA);
  run(c);
  let period = null;
  engine.registerKpi('sales.orders', (ledgers, p) => {
    period = p;
    return ledgers.length || null;
  }, { title: 'Orders', unit: 'count', target: 2 });
  const report = engine.kpi([c.ledger()], '2026-01-01', '2026-12-31');
  assert.equal(report.cases, 1);
  assert.equal(report.kpis['sales.revenue'].value, 420000);
  assert.equal(report.kpis['sales.orders'].value, 1);
  assert.equal(report.kpis['sales.orders'].score, 50);
  assert.equal(period.from, '2026-01-01');
  const snapReport = engine.kpi({ cases: [c.snapshot()] }, '2026-01-01', '2026-12-31');
  assert.equal(snapReport.kpis['sales.revenue'].value, 420000);
  engine.registerKpi('sales.orders', () => null);
  assert.equal(engine.kpi([c.ledger()], '2026-01-01', '2026-12-31').kpis['sales.orders'].value, null);
  assert.equal(STEPS.length, c.revision);
  engine.close();
});

test('the person scorecard and the quality report', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('SO-2026-001', DATA);
  run(c);
  const card = engine.kpiPeople([c.ledger()], '2026-01-01', '2026-12-31');
  assert.equal(card.cases, 1);
  const li = card.people.find((p) => p.id === 'li');
  assert.ok(li.events_by_role.sales > 3);
  const sales = card.departments.find((d) => d.id === 'sales');
  assert.ok(sales.not_ranked.includes('li') || sales.ranking.some((r) => r.person === 'li'));
  const report = engine.quality({ cases: [c.snapshot()] }, '2026-01-01', '2026-12-31');
  assert.ok(report.inspections.total.count > 0);
  assert.throws(() => engine.quality([], '2026-12-31', '2026-01-01'), ut.InvalidArgument);
  engine.close();
});

test('deadlines: a tick past the due date escalates and notifies', () => {
  const engine = new ut.Engine();
  const heard = [];
  engine.setListener((caseId, event) => heard.push(event));
  const c = engine.createCase('D-1', DATA);
  c.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
  c.fireOrThrow('intake.confirm', SALES, {}, '2026-03-03');
  assert.ok(c.deadlines().some((d) => d.id === 'evaluation-decision'));
  const result = c.tick('2026-03-20T09:00:00Z');
  assert.equal(result.escalated, 1);
  assert.equal(heard.at(-1), 'deadline.escalated');
  assert.equal(c.revision, 3);
  assert.throws(() => c.tick('2026-03-01'), ut.InvalidArgument);
  engine.close();
});
