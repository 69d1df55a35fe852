'use strict';
// ut.Store: the built-in SQLite store through the binding (design.md §9).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ut = require('..');
const { DATA, STEPS, SALES, MARKET } = require('./support');

const TECHNICAL = { id: 'zhao', roles: ['technical'] };

// A fresh store in a temporary directory, closed and removed after `fn`.
function withStore(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ut_store_node_'));
  const file = path.join(dir, 'cases.db');
  const engine = new ut.Engine();
  const store = ut.Store.open(`sqlite:${file}?synchronous=off`);
  const add = (id, customer = 'Hengda Machinery') => {
    const c = engine.createCase(id, { ...DATA, customer: { name: customer, tier: 'regular' } });
    try {
      store.create(c);
    } finally {
      c.close();
    }
  };
  try {
    fn({ dir, file, engine, store, add });
  } finally {
    store.close();
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('opening: missing directories, junk, unknown kinds, read-only', () => {
  withStore(({ dir, file, engine, store, add }) => {
    assert.throws(() => ut.Store.open(path.join(dir, 'no', 'such', 'dir.db')), (e) => {
      assert.ok(e instanceof ut.IOFailure);
      assert.equal(e.statusName, 'UT_E_IO');
      assert.match(e.message, /no\/such\/dir\.db/);
      return true;
    });
    const junk = path.join(dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database '.repeat(512));
    assert.throws(() => ut.Store.open(junk), ut.IOFailure);
    assert.throws(() => ut.Store.open('mysql://db/erp'), ut.InvalidArgument);
    assert.throws(() => ut.Store.open('postgresql:///erp?host=/nonexistent-undertake'), ut.IOFailure);
    assert.throws(() => ut.Store.open(`sqlite:${file}?mode=readonly`), ut.InvalidArgument);

    add('RO-1');
    const ro = ut.Store.open(`sqlite:${file}?mode=ro`);
    assert.deepEqual(
      ro.list().map((c) => c.case_id),
      ['RO-1'],
    );
    assert.throws(
      () => ro.fire(engine, 'RO-1', 'intake.forward', MARKET, {}, '2026-03-02'),
      /read-only/,
    );
    ro.close();
    assert.ok(ro.closed);
    assert.throws(() => ro.list(), ut.Closed);
    assert.equal(store.list().length, 1);
  });
});

test('create, load, save: Conflict for a stale revision or an existing id', () => {
  withStore(({ engine, store, add }) => {
    add('SO-1');
    assert.throws(() => add('SO-1'), (e) => e instanceof ut.Conflict && /SO-1/.test(e.message));
    const first = store.load(engine, 'SO-1');
    const second = store.load(engine, 'SO-1');
    assert.throws(() => engine.findCase('SO-1'), ut.NotFound); // not registered on the engine
    first.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
    second.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
    store.save(first, 0);
    assert.throws(() => store.save(second, 0), (e) => {
      assert.ok(e instanceof ut.Conflict);
      assert.ok(e instanceof ut.UndertakeError);
      assert.match(e.message, /revision/);
      return true;
    });
    first.close();
    second.close();
    assert.equal(store.load(engine, 'SO-1').revision, 1);
    assert.throws(() => store.load(engine, 'SO-404'), ut.NotFound);
    assert.throws(() => store.ledger('SO-404'), ut.NotFound);
    assert.equal(store.ledger('SO-1').ledger[0].event, 'intake.forward');
  });
});

test('fire: a whole order, the listener once per fire, request ids, refusals', () => {
  withStore(({ engine, store, add }) => {
    const heard = [];
    engine.setListener((caseId, event, accepted) => heard.push([event, accepted]));
    add('SO-2026-001');
    for (const s of STEPS) {
      const out = store.fire(engine, 'SO-2026-001', s.event, s.actor, s.payload, s.at, {
        check: true,
      });
      assert.ok(out instanceof ut.Outcome);
      assert.equal(out.attempts, 1);
      assert.equal(out.repeated, false);
    }
    assert.deepEqual(
      heard,
      STEPS.map((s) => [s.event, true]),
    );
    assert.deepEqual(store.load(engine, 'SO-2026-001').state, ['Closed']);

    heard.length = 0;
    add('REQ-1');
    const at = new Date('2026-03-02T09:00:00Z');
    const first = store.fire(engine, 'REQ-1', 'intake.forward', MARKET, null, at, {
      requestId: 'req-7f3a',
    });
    assert.equal(first.requestId, 'req-7f3a');
    const feed = store.changes(0, 10000);
    const again = store.fire(engine, 'REQ-1', 'intake.forward', MARKET, null, at, {
      requestId: 'req-7f3a',
    });
    assert.equal(again.accepted, true);
    assert.equal(again.repeated, true);
    assert.equal(again.revision, first.revision);
    assert.deepEqual(store.changes(0, 10000), feed); // nothing fired twice
    assert.deepEqual(heard, [['intake.forward', true]]);

    const refused = store.fire(engine, 'REQ-1', 'contract.sign', SALES, {}, '2026-03-03');
    assert.equal(refused.accepted, false);
    assert.equal(refused.reasons[0].kind, 'state');
    assert.throws(
      () => store.fire(engine, 'REQ-1', 'contract.sign', SALES, {}, '2026-03-03', { check: true }),
      ut.Refused,
    );
    assert.throws(() => store.fire(engine, 'REQ-1', 'intake.confirm', SALES), /at: required/);
    assert.throws(
      () => store.fire(engine, 'SO-404', 'intake.forward', MARKET, {}, '2026-03-02'),
      ut.NotFound,
    );
    assert.throws(
      () => store.fire(engine, 'REQ-1', 'intake.confirm', SALES, '{', '2026-03-03'),
      ut.InvalidJson,
    );
    assert.equal(store.load(engine, 'REQ-1').revision, 1);
  });
});

test('inbox, list and the change feed', () => {
  withStore(({ engine, store, add }) => {
    for (const [id, customer] of [
      ['IN-1', 'Acme'],
      ['IN-2', 'Bolt'],
      ['IN-3', 'Acme'],
      ['IN-4', 'Cobalt'],
      ['IN-5', 'Acme'],
    ])
      add(id, customer);
    store.fire(engine, 'IN-1', 'intake.forward', MARKET, {}, '2026-03-02');
    store.fire(engine, 'IN-2', 'intake.forward', MARKET, {}, '2026-03-02');
    store.fire(engine, 'IN-1', 'intake.confirm', SALES, {}, '2026-03-03');
    const ids = (page) => page.items.map((i) => i.case_id);

    const page = store.inbox(engine, new ut.Actor('mei', 'market'));
    const forwards = (i) => i.events.some((e) => e.event === 'intake.forward');
    const forwardable = page.items.filter(forwards);
    assert.deepEqual(ids({ items: forwardable }), ['IN-3', 'IN-4', 'IN-5']);
    assert.equal(page.next, null);
    const acme = store.inbox(engine, MARKET, { customer: 'Acme' });
    assert.deepEqual(ids(acme), ['IN-1', 'IN-3', 'IN-5']);
    const first = store.inbox(engine, MARKET, { limit: 2 });
    assert.deepEqual(ids(first), ['IN-1', 'IN-2']);
    const rest = store.inbox(engine, MARKET, { limit: 2, after: first.next });
    assert.deepEqual(ids(rest), ['IN-3', 'IN-4']);
    assert.deepEqual(ids(store.inbox(engine, MARKET, { stage: 'Contract' })), []);
    const due = store.inbox(engine, TECHNICAL, { dueBy: new Date('2026-03-20T00:00:00Z') });
    assert.deepEqual(ids(due), ['IN-1']);
    assert.equal(due.items[0].due, '2026-03-17T00:00:00Z');
    assert.deepEqual(ids(store.inbox(engine, TECHNICAL, { dueBy: '2026-03-10' })), []);
    assert.throws(() => store.inbox(engine, MARKET, { limit: 0 }), ut.InvalidArgument);

    assert.equal(store.list().length, 5);
    assert.deepEqual(
      store.list({ stage: 'Evaluation' }).map((c) => c.case_id),
      ['IN-1'],
    );
    assert.equal(store.list({ open: true, limit: 2 }).length, 2);
    assert.equal(store.list({ updatedSince: '2026-03-03' }).length, 1);
    assert.throws(() => store.list({ attentionBy: 'soon' }), ut.InvalidArgument);

    const feed = store.changes();
    assert.deepEqual(
      feed.map((c) => [c.position, c.case_id, c.entry.event]),
      [
        [1, 'IN-1', 'intake.forward'],
        [2, 'IN-2', 'intake.forward'],
        [3, 'IN-1', 'intake.confirm'],
      ],
    );
    assert.deepEqual(store.changes(1, 1), feed.slice(1, 2));
    assert.throws(() => store.changes(0, 0), ut.InvalidArgument);
  });
});

test('tick once, KPIs, the audit of an edited ledger row', () => {
  withStore(({ engine, store, add }) => {
    add('SO-2026-001');
    for (const s of STEPS)
      store.fire(engine, 'SO-2026-001', s.event, s.actor, s.payload, s.at, { check: true });
    add('LATE');
    store.fire(engine, 'LATE', 'intake.forward', MARKET, {}, '2026-03-02');
    store.fire(engine, 'LATE', 'intake.confirm', SALES, {}, '2026-03-03');

    const heard = [];
    engine.setListener((caseId, event) => heard.push(event));
    assert.equal(store.tick(engine, '2026-03-10').escalated, 0);
    const report = store.tick(engine, new Date('2026-03-20T00:00:00Z'));
    assert.equal(report.escalated, 1);
    assert.deepEqual(report.failures, []);
    assert.equal(store.tick(engine, '2026-03-21').escalated, 0);
    assert.deepEqual(heard, ['deadline.escalated']);
    assert.throws(() => store.tick(engine), /now: required/);

    const kpis = store.kpi(engine, '2026-01-01', '2026-12-31');
    assert.equal(kpis.cases, 2);
    assert.notEqual(kpis.kpis['sales.revenue'].value, null);
    const audit = store.verify(engine, 'SO-2026-001');
    assert.equal(audit.ok, true);
    assert.equal(audit.revision, STEPS.length);
    assert.throws(() => store.verify(engine, 'SO-404'), ut.NotFound);
  });
});

test('engine.verify and host keys', () => {
  const keyed = new ut.Engine();
  const same = new ut.Engine();
  const plain = new ut.Engine();
  keyed.setHostKey(Buffer.from('erp-host-key\u0000-2026'));
  same.setHostKey(new Uint8Array(Buffer.from('erp-host-key\u0000-2026')));
  assert.throws(() => keyed.setHostKey(''), ut.InvalidArgument);
  assert.throws(() => keyed.setHostKey(42), ut.InvalidArgument);
  const c = keyed.createCase('K-1', DATA);
  c.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
  const snapshot = c.snapshot();
  c.close();
  assert.equal(keyed.verify(snapshot).ok, true);
  assert.throws(() => plain.restore(snapshot), ut.SnapshotError);
  same.restore(snapshot).close();

  const v = plain.createCase('V-1', DATA);
  v.fireOrThrow('intake.forward', MARKET, {}, '2026-03-02');
  const snap = v.snapshot();
  v.close();
  assert.deepEqual(plain.verify(snap), { case_id: 'V-1', revision: 1, ok: true, problems: [] });
  snap.ledger[0].actor.id = 'someone else';
  assert.equal(plain.verify(snap).ok, false);
  assert.throws(() => plain.verify({}), ut.SnapshotError);
  keyed.close();
  same.close();
  plain.close();
});
