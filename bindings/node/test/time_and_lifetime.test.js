'use strict';
// The host's time (no wall-clock default; a clock the host gives the engine) and engines closed
// by the garbage collector when the host drops them.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const ut = require('..');
const native = require('../lib/native');
const { DATA, MARKET, SALES } = require('./support');

test('no wall-clock default: leaving the time out needs a clock', () => {
  const engine = new ut.Engine();
  const c = engine.createCase('T-0', DATA);
  assert.throws(() => c.fire('intake.forward', MARKET, {}),
    (e) => e instanceof ut.InvalidArgument && e.where === 'at' && /clock/.test(e.message));
  assert.throws(() => c.tick(), (e) => e instanceof ut.InvalidArgument && e.where === 'now');
  assert.throws(() => engine.kpi([], undefined, '2026-12-31'),
    (e) => e instanceof ut.InvalidArgument && e.where === 'from');
  assert.equal(c.revision, 0);
  assert.throws(() => new ut.Engine(null, { clock: '2026-03-02' }), ut.InvalidArgument);
  engine.close();
});

test('a clock the host gives the engine', () => {
  const times = ['2026-03-02T09:00:00Z', new Date('2026-03-03T00:00:00Z'), '2026-03-20T08:00:00Z'];
  const engine = new ut.Engine(null, { clock: () => times.shift() });
  const c = engine.createCase('T-1', DATA);
  c.fireOrThrow('intake.forward', MARKET, {});
  c.fireOrThrow('intake.confirm', SALES);
  c.fireOrThrow('evaluation.quote', SALES, { price: 1, cost: 1 }, '2026-03-04'); // given: wins
  assert.deepEqual(c.entries().map((e) => e.at),
    ['2026-03-02T09:00:00Z', '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z']);
  assert.equal(c.tick().now, '2026-03-20T08:00:00Z');
  engine.close();
});

test("a store's fire and tick use the engine's clock too", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'undertake-clock-'));
  const times = ['2026-03-02T09:00:00Z', '2026-03-20T08:00:00Z'];
  const engine = new ut.Engine(null, { clock: () => times.shift() });
  const store = ut.Store.open(path.join(dir, 'cases.db'));
  try {
    store.create(engine.createCase('S-1', DATA));
    assert.ok(store.fire(engine, 'S-1', 'intake.forward', MARKET).accepted);
    assert.equal(store.ledger('S-1').ledger[0].at, '2026-03-02T09:00:00Z');
    assert.equal(store.tick(engine).now, '2026-03-20T08:00:00Z');
    const noClock = new ut.Engine();
    assert.throws(() => store.fire(noClock, 'S-1', 'intake.confirm', SALES), ut.InvalidArgument);
    noClock.close();
  } finally {
    store.close();
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an engine dropped without close() is closed by the garbage collector', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const api = native.load();
  const { ut_engine_close: realClose } = api;
  const realUnregister = api.koffi.unregister;
  const closed = [];
  let unregistered = 0;
  api.ut_engine_close = (handle) => {
    closed.push(handle);
    return realClose(handle);
  };
  api.koffi.unregister = (cb) => {
    unregistered += 1;
    return realUnregister(cb);
  };
  try {
    let opened = null;
    (() => {
      const engine = new ut.Engine();
      engine.registerRule('credit_check', () => true);
      engine.setListener(() => {});
      opened = engine._handle;
      const c = engine.createCase('G-1', DATA); // a case keeps its engine until it goes too
      c.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
    })();
    for (let i = 0; i < 50 && !closed.includes(opened); i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(closed.includes(opened), 'the dropped engine was not closed');
    assert.ok(unregistered >= 2, `its callbacks were not unregistered (${unregistered})`);

    // Closed by the host, then dropped: closed once, not again by the finalizer.
    closed.length = 0;
    (() => new ut.Engine().close())();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(closed.length, 1);
  } finally {
    api.ut_engine_close = realClose;
    api.koffi.unregister = realUnregister;
  }
});
