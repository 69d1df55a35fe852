'use strict';
// Case#head / Case#entries and Engine#restoreEntries / verifyEntries: a host keeping cases in its
// own database as a head and an append-only table of entries (undertake.h, design.md §9).
const test = require('node:test');
const assert = require('node:assert/strict');

const ut = require('..');
const { DATA, STEPS, run } = require('./support');

function withEngine(fn) {
  const engine = new ut.Engine();
  try {
    fn(engine);
  } finally {
    engine.close();
  }
}

test('head and entries after a revision', () => {
  withEngine((engine) => {
    const c = engine.createCase('OWN-1', DATA);
    assert.equal(c.head().ledger, undefined);
    assert.deepEqual(c.entries(), []);
    run(c, STEPS.slice(0, 3));
    assert.deepEqual(
      c.entries().map((e) => e.seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      c.entries(2).map((e) => e.seq),
      [3],
    );
    assert.match(c.entries()[0].hash, /^[0-9a-f]{64}$/);
    assert.equal(c.head().ledger_head.hash, c.entries()[2].hash);
    assert.deepEqual(JSON.parse(c.headJson()), c.head());
    assert.throws(() => c.entries(4), ut.InvalidArgument);
    const head = c.headJson();
    c.close();
    const restored = engine.restore(head); // the head alone
    assert.throws(() => restored.entries(1), /after seq 3 only/);
    assert.deepEqual(restored.entries(3), []);
    restored.close();
  });
});

test('save what changed, restore the whole with its rows checked', () => {
  withEngine((engine) => {
    let c = engine.createCase('OWN-2', DATA);
    let head = c.headJson();
    c.close();
    const rows = [];
    for (const steps of [STEPS.slice(0, 2), STEPS.slice(2, 5)]) {
      c = engine.restore(head);
      const read = c.revision;
      run(c, steps);
      rows.push(...c.entries(read).map((e) => JSON.stringify(e))); // as a table keeps them
      head = c.headJson();
      c.close();
    }
    const whole = engine.restoreEntries(head, rows);
    assert.equal(whole.revision, 5);
    assert.equal(whole.ledger().ledger.length, 5);
    whole.close();
    assert.equal(engine.verifyEntries(head, rows).ok, true);

    const edited = rows.map((r) => JSON.parse(r));
    edited[1].actor.id = 'someone';
    assert.throws(
      () => engine.restoreEntries(head, edited),
      (e) => e instanceof ut.SnapshotError && /\/ledger\/1/.test(e.message),
    );
    assert.throws(() => engine.restoreEntries(head, rows.slice(0, 4)), ut.SnapshotError);
    assert.equal(engine.verifyEntries(head, edited).ok, false);
    assert.throws(() => engine.restoreEntries(head, { seq: 1 }), ut.InvalidArgument);
    assert.throws(() => engine.restoreEntries(head, '{}'), ut.InvalidJson);
  });
});
