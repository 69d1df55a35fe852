'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');

const ut = require('..');
const { DATA, STEPS, SALES, MARKET, run } = require('./support');

test('version', () => {
  assert.match(ut.version(), /^\d+\.\d+\.\d+$/);
  assert.equal(ut.version().split('.').slice(0, 2).join('.'),
    require('../package.json').version.split('.').slice(0, 2).join('.'));
  assert.ok(ut.libraryPath());
});

test('a whole order, snapshot, restore, replay', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('SO-2026-001', DATA);
  assert.deepEqual(c.state, ['Intake.Registered']);
  const outcomes = run(c);
  outcomes.forEach((o, i) => {
    assert.equal(o.accepted, true);
    assert.equal(o.event, STEPS[i].event);
    if (STEPS[i].expect && STEPS[i].expect.state) assert.ok(o.state.includes(STEPS[i].expect.state));
  });
  assert.deepEqual(c.state, ['Closed']);
  assert.equal(c.stage, 'Closed');
  assert.equal(c.revision, STEPS.length);
  assert.ok('level' in c.risk());
  assert.ok('contract' in c.record());
  const snapshot = c.snapshot();
  const ledger = c.ledger();
  assert.throws(() => engine.restore(snapshot), ut.Conflict);
  c.close();
  const restored = engine.restore(snapshot);
  assert.deepEqual(restored.snapshot(), snapshot);
  assert.equal(engine.findCase('SO-2026-001'), restored);
  restored.close();
  assert.throws(() => engine.findCase('SO-2026-001'), ut.NotFound);
  const replayed = engine.replay(ledger);
  assert.equal(replayed.revision, STEPS.length);
  engine.close();
});

test('refusals: an outcome, or Refused on request', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('R-1', DATA);
  const out = c.fire('intake.forward', SALES, {}, '2026-03-02');
  assert.equal(out.accepted, false);
  assert.equal(out.reasons[0].kind, 'role');
  assert.throws(() => out.throwIfRefused(), ut.Refused);
  assert.throws(
    () => c.fire('intake.forward', SALES, {}, '2026-03-02', { check: true }),
    (e) => e instanceof ut.Refused && e.reasons[0].kind === 'role' && e instanceof ut.UndertakeError,
  );
  assert.throws(() => c.fireOrThrow('contract.sign', SALES, null, '2026-03-02'), ut.Refused);
  assert.equal(c.revision, 0);
  assert.ok(c.available(MARKET).some((e) => e.event === 'intake.forward'));
  assert.ok(!c.available(new ut.Actor('li', 'sales')).some((e) => e.event === 'intake.forward'));
  engine.close();
});

test('errors carry the status and the library message', () => {
  const engine = new ut.Engine();
  assert.throws(() => engine.createCase('', DATA), ut.InvalidArgument);
  assert.throws(() => engine.createCase('X-1', '{not json'), ut.InvalidJson);
  const c = engine.createCase('X-1', DATA);
  assert.throws(() => engine.createCase('X-1', DATA), ut.Conflict);
  assert.throws(() => c.fire('intake.forward', MARKET, [1], '2026-03-02'), ut.InvalidJson);
  assert.throws(() => c.fire('intake.forward', MARKET, {}, 'someday'), ut.InvalidArgument);
  assert.throws(() => engine.restore({ format: 'undertake.snapshot' }),
    (e) => e instanceof ut.SnapshotError && e.statusName === 'UT_E_SNAPSHOT' && /snapshot/.test(e.message));
  assert.throws(() => new ut.Engine({ roles: 3 }), ut.PolicyError);
  assert.throws(() => new ut.Engine('/nonexistent/rules'), ut.NotFound);
  assert.throws(() => engine.findCase('NOPE'), ut.NotFound);
  c.fireOrThrow('intake.forward', MARKET, {}, new Date('2026-03-02T09:00:00Z'));
  assert.throws(() => c.fire('intake.confirm', SALES, {}, '2026-03-03', { expectedRevision: 0 }),
    ut.Conflict);
  engine.setLimits({ maxJsonBytes: 256 });
  assert.throws(() => c.fire('intake.confirm', SALES, { note: 'x'.repeat(1000) }, '2026-03-03'),
    ut.LimitExceeded);
  engine.close();
});

test('close with open cases: readable, not fireable', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('L-1', DATA);
  c.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
  engine.close();
  engine.close();
  assert.deepEqual(c.state, ['Intake.SalesReview']);
  assert.throws(() => c.fire('intake.confirm', SALES, {}, '2026-03-03'), ut.Closed);
  assert.throws(() => engine.createCase('L-2', DATA), ut.Closed);
  c.close();
  c.close();
});

test('policies: built-in document, patch, reload', () => {
  const policy = ut.builtinPolicy();
  policy.policy.version = 'node-1';
  const engine = new ut.Engine(policy);
  assert.equal(engine.policyInfo.version, 'node-1');
  engine.patchPolicy({ policy: { version: 'node-2' } });
  engine.reload();
  assert.equal(engine.policyInfo.version, 'node-2');
  engine.close();
});
