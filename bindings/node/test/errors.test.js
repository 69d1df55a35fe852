'use strict';
// Errors: the library's last error read whole and first, its parts on the error objects, status
// names from the library, Closed for whatever was closed.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ut = require('..');
const native = require('../lib/native');
const { DATA, MARKET, SALES } = require('./support');

const READERS = new Set([
  'ut_last_error',
  'ut_last_error_kind',
  'ut_last_error_where',
  'ut_last_error_status',
]);

// The C library held to its header's word on ut_last_error(): "valid until the next call into
// the library on this thread". Before every call other than the ut_last_error* readers, it
// clears the thread's last error the way the library's own calls do (a real call that succeeds:
// ut_engine_set_limits on a spare engine), so a binding that calls anything (ut_free of an
// output, ut_case_free, ...) between a failing call and reading its error reads '' and the
// assertions on the message fail. It also notes every call made in that window.
function holdToItsWord(fn) {
  const api = native.load();
  const real = {};
  for (const name of Object.keys(api).filter((n) => n.startsWith('ut_'))) real[name] = api[name];
  const spare = [null];
  assert.equal(real.ut_engine_open_default(spare), 0);
  const between = [];
  let failed = null;
  for (const name of Object.keys(real)) {
    api[name] = READERS.has(name)
      ? (...args) => {
          failed = null;
          return real[name](...args);
        }
      : (...args) => {
          if (failed) between.push([failed, name]);
          assert.equal(real.ut_engine_set_limits(spare[0], 0, 0), 0);
          const result = real[name](...args);
          failed = typeof result === 'number' && result < 0 ? name : null;
          return result;
        };
  }
  try {
    fn(between, api);
  } finally {
    Object.assign(api, real);
    real.ut_engine_close(spare[0]);
  }
}

function assertReported(between, Cls, fn, kind, where, words) {
  let caught = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Cls, `expected ${Cls.name}, got ${caught}`);
  assert.deepEqual([caught.kind, caught.where], [kind, where]);
  assert.match(caught.message, words);
  assert.deepEqual(between, []);
  return caught;
}

test('the error survives until the binding has read it', () => {
  holdToItsWord((between) => {
    assertReported(between, ut.PolicyError, () => new ut.Engine({ roles: 3 }), 'invalid_policy',
      '', /policy\.json/);
    const engine = new ut.Engine();
    assertReported(between, ut.InvalidJson, () => engine.createCase('X-1', '{no'),
      'invalid_json', 'data:1:2', /not valid JSON/);
    const c = engine.createCase('X-1', DATA);
    assertReported(between, ut.Conflict, () => engine.createCase('X-1', DATA), 'conflict',
      'case X-1', /already open/);
    assertReported(between, ut.InvalidJson, () => c.fire('intake.forward', MARKET, [1], '2026-03-02'),
      'invalid_json', 'payload', /expected a JSON object/);
    assertReported(between, ut.Conflict,
      () => c.fire('intake.forward', MARKET, {}, '2026-03-02', { expectedRevision: 4 }),
      'conflict', 'case X-1', /expected revision 4/);
    assertReported(between, ut.SnapshotError, () => engine.restore({ format: 'undertake.snapshot' }),
      'invalid_snapshot', 'snapshot: /format_version', /missing/);
    engine.close();
    assertReported(between, ut.Closed, () => c.fire('intake.forward', MARKET, {}, '2026-03-02'),
      'closed', "the case's engine was closed (ut_engine_close)", /read-only/);
    c.close();
  });
});

test("a store's error is read first too", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'undertake-errors-'));
  try {
    holdToItsWord((between) => {
      const engine = new ut.Engine();
      const store = ut.Store.open(path.join(dir, 'cases.db'));
      assertReported(between, ut.NotFound,
        () => store.fire(engine, 'SO-404', 'intake.forward', MARKET, {}, '2026-03-02'),
        'not_found', 'case SO-404', /SO-404/);
      store.close();
      engine.close();
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the check would fail a binding that calls in between', () => {
  holdToItsWord((between, api) => {
    const engine = new ut.Engine();
    const out = [null];
    assert.equal(api.ut_case_create(engine._h(), 'Y-1', '{no', out), ut.STATUS.INVALID_JSON);
    api.ut_free(null);
    assert.deepEqual(between, [['ut_case_create', 'ut_free']]);
    assert.equal(api.ut_last_error(), '');
    engine.close();
  });
});

test('a call in between replaces the last error (why the binding reads it first)', () => {
  // Every call that returns a status replaces the thread's last error (a success clears it); the
  // functions that return nothing, like the ut_engine_close of a dropped Engine's finalizer,
  // leave it as it was.
  const api = native.load();
  const spare = [null];
  assert.equal(api.ut_engine_open_default(spare), 0);
  const status = api.ut_case_create(spare[0], '', '{}', [null]);
  assert.equal(status, ut.STATUS.INVALID_ARGUMENT);
  const message = api.ut_last_error();
  assert.notEqual(message, '');
  assert.equal(api.ut_last_error_status(), status);
  api.ut_engine_close(spare[0]);
  assert.deepEqual([api.ut_last_error(), api.ut_last_error_status()], [message, status]);
  const other = [null];
  assert.equal(api.ut_engine_open_default(other), 0);
  assert.deepEqual([api.ut_last_error(), api.ut_last_error_kind(), api.ut_last_error_status()],
    ['', '', 0]);
  api.ut_engine_close(other[0]);
});

// The Python binding's error classes and their statuses, as that binding itself says.
function pythonErrorClasses() {
  const script =
    'import json, undertake\n' +
    'print(json.dumps({n: getattr(undertake, n).status for n in undertake.__all__\n' +
    '  if isinstance(getattr(undertake, n), type) and n != "UndertakeError"\n' +
    '  and issubclass(getattr(undertake, n), undertake.UndertakeError)}))';
  const r = spawnSync('python3', ['-c', script], {
    env: { ...process.env, PYTHONPATH: path.join(__dirname, '..', '..', 'python') },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('status names come from the library; the classes are those of the Python binding', () => {
  const api = native.load();
  const python = pythonErrorClasses();
  const ours = Object.fromEntries(
    Object.entries(ut)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof ut.UndertakeError)
      .map(([name, cls]) => [name, name === 'Refused' ? ut.STATUS.REFUSED : cls.status]),
  );
  assert.deepEqual(ours, python);
  for (const name of Object.keys(ours).filter((n) => n !== 'Refused')) {
    const e = new ut[name]('x');
    assert.ok(e instanceof ut.UndertakeError);
    assert.equal(e.name, name);
    assert.equal(e.statusName, api.ut_status_name(ut[name].status));
    assert.match(e.statusName, /^UT_E_/);
    assert.deepEqual([e.kind, e.where], ['', '']);
  }
  assert.equal(new ut.Closed('x').statusName, 'UT_E_CLOSED');
  assert.equal(new ut.UndertakeError('x', 42).statusName, 'UT_UNKNOWN');

  const engine = new ut.Engine();
  const c = engine.createCase('R-1', DATA);
  assert.throws(() => c.fireOrThrow('intake.forward', SALES, {}, '2026-03-02'),
    (e) => e instanceof ut.Refused && e.statusName === 'UT_REFUSED' && e.kind === 'refused' &&
      e.where === 'intake.forward' && e.reasons[0].kind === 'role');
  engine.close();
});

test('whatever was closed throws Closed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'undertake-closed-'));
  const engine = new ut.Engine();
  const c = engine.createCase('C-1', DATA);
  const store = ut.Store.open(path.join(dir, 'cases.db'));
  store.create(c);
  engine.close();
  assert.throws(() => store.fire(engine, 'C-1', 'intake.forward', MARKET, {}, '2026-03-02'),
    ut.Closed); // a store given a closed engine
  assert.deepEqual(store.list().map((s) => s.case_id), ['C-1']);
  store.close();
  assert.throws(() => store.list(), ut.Closed);
  for (const use of [
    () => engine.createCase('C-2', DATA),
    () => engine.policyInfo,
    () => c.fire('intake.forward', MARKET, {}, '2026-03-02'),
    () => c.tick('2026-03-02'),
  ])
    assert.throws(use, (e) => e instanceof ut.Closed && e.statusName === 'UT_E_CLOSED');
  assert.deepEqual(c.state, ['Intake.Registered']); // still readable
  c.close();
  assert.throws(() => c.snapshot(), (e) => e instanceof ut.Closed && e.where === 'C-1');
  fs.rmSync(dir, { recursive: true, force: true });
});
