'use strict';
// undertake for Node: Engine, Case, Outcome, Refused — the C API through koffi.
//
//   const { Engine } = require('undertake');
//   const engine = new Engine();                            // the built-in policy
//   const order = engine.createCase('SO-1', { customer: { name: 'ACME', tier: 'regular' } });
//   const out = order.fire('intake.forward', { id: 'mei', roles: ['market'] }, {}, '2026-03-02');
//   out.accepted; out.state;                                // true, ['Intake.SalesReview']
//   order.fireOrThrow('contract.sign', { id: 'li', roles: ['sales'] }, {}, '2026-03-03'); // Refused
//   engine.close();
//
// The engine never reads the wall clock: fire and tick are told when, or the host opens the
// engine with a clock it chooses, new Engine(policy, { clock: () => new Date() }). Errors are
// UndertakeError subclasses with the library's status, statusName, kind and where; whatever was
// closed throws Closed. Types: lib/index.d.ts.
//
// Between requests an ERP keeps its cases in a store (lib/store.js): Store.open('sqlite:PATH'),
// store.fire(engine, caseId, event, actor, payload, at, { requestId }), store.inbox(engine, actor).
//
// JSON goes in and out as plain objects; every string the library returns is copied and released
// with ut_free at once; callbacks (custom rules, KPI calculators, the listener) are JS functions
// kept registered while the library may call them. An engine and its cases are used from the
// thread (event loop) that created them.

const native = require('./native');

const STATUS = {
  OK: 0,
  REFUSED: 1,
  INVALID_ARGUMENT: -1,
  INVALID_JSON: -2,
  POLICY: -3,
  SNAPSHOT: -4,
  NOT_FOUND: -5,
  CONFLICT: -6,
  LIMIT: -7,
  RULE: -8,
  IO: -9,
  NO_MEMORY: -10,
  CLOSED: -11,
  INTERNAL: -12,
};

// ---------------------------------------------------------------------------------------------
// Errors

/** An error reported by the library, or by the binding for an argument it cannot pass on:
 *  `status` the C status code, `statusName` its stable name (the library's ut_status_name),
 *  `message` what, where and why, `kind` the library's kind of error ("invalid_policy",
 *  "limit_exceeded", ... as ut_last_error_kind; "" when the binding raised it itself), `where`
 *  the place it names (argument, file and JSON path, event, rule, case, ledger seq; "" if none).
 *  The same classes and fields as the Python binding's (status_name there). */
class UndertakeError extends Error {
  constructor(message, status = STATUS.INTERNAL, { kind = '', where = '' } = {}) {
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.kind = kind;
    this.where = where;
  }

  get statusName() {
    return native.load().ut_status_name(this.status);
  }
}

const errorClass = (name, status) => {
  const cls = class extends UndertakeError {
    constructor(message, parts) {
      super(message, status, parts);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  cls.status = status;
  return cls;
};

const InvalidArgument = errorClass('InvalidArgument', STATUS.INVALID_ARGUMENT);
const InvalidJson = errorClass('InvalidJson', STATUS.INVALID_JSON);
const PolicyError = errorClass('PolicyError', STATUS.POLICY);
const SnapshotError = errorClass('SnapshotError', STATUS.SNAPSHOT);
const NotFound = errorClass('NotFound', STATUS.NOT_FOUND);
const Conflict = errorClass('Conflict', STATUS.CONFLICT);
const LimitExceeded = errorClass('LimitExceeded', STATUS.LIMIT);
const RuleError = errorClass('RuleError', STATUS.RULE);
const IOFailure = errorClass('IOFailure', STATUS.IO);
const OutOfMemory = errorClass('OutOfMemory', STATUS.NO_MEMORY);
/** Something used after it was closed: an engine after close() (its cases stay readable,
 *  firing on them throws Closed too), or a case or store after its own close(). */
const Closed = errorClass('Closed', STATUS.CLOSED);
const InternalError = errorClass('InternalError', STATUS.INTERNAL);

/** The process refused an event (thrown only on request: {check: true} or fireOrThrow); kind
 *  'refused' and where the event, as the library reports a refusal. */
class Refused extends UndertakeError {
  constructor(outcome) {
    super(
      [`${outcome.event} refused`, ...outcome.reasons.map((r) => `(${r.kind}) ${r.message}`)].join(
        '; ',
      ),
      STATUS.REFUSED,
      { kind: 'refused', where: outcome.event || '' },
    );
    this.outcome = outcome;
    this.reasons = outcome.reasons;
  }
}

const ERRORS = new Map(
  [
    InvalidArgument, InvalidJson, PolicyError, SnapshotError, NotFound, Conflict, LimitExceeded,
    RuleError, IOFailure, OutOfMemory, Closed, InternalError,
  ].map((cls) => [cls.status, cls]),
);

/** The error of a call that returned `status`, with this thread's last error. Called first
 *  thing after the failing call: the header keeps ut_last_error valid only until the next call
 *  into the library (a ut_free of an output included). */
function libraryError(status) {
  const api = native.load();
  const message = api.ut_last_error();
  const kind = api.ut_last_error_kind();
  const where = api.ut_last_error_where();
  const Cls = ERRORS.get(status) || InternalError;
  const err = new Cls(message, { kind, where });
  err.status = status;
  return err;
}

function check(status) {
  if (status < 0) throw libraryError(status);
  return status;
}

// ---------------------------------------------------------------------------------------------
// Values in and out

/** Copies a string the library returned and releases it with ut_free. */
function take(ptr) {
  if (!ptr) return null;
  const api = native.load();
  try {
    return api.koffi.decode(ptr, 'char', -1);
  } finally {
    api.ut_free(ptr);
  }
}

function takeJson(ptr) {
  const text = take(ptr);
  return text === null ? null : JSON.parse(text);
}

function text(value, what) {
  if (typeof value !== 'string')
    throw new InvalidArgument(`${what}: expected a string`, { where: what });
  return value;
}

function toJson(value, what) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (k, v) => (v instanceof Actor ? v.toJSON() : v));
  } catch (e) {
    throw new InvalidJson(`${what}: not representable as JSON: ${e.message}`, { where: what });
  }
}

// Ledger entries (Case#entries) as one JSON array: an array of objects and/or the JSON text of
// single rows as a host's table gives them back, or the JSON text of the whole array.
function entriesJson(entries) {
  if (typeof entries === 'string') return entries;
  if (!Array.isArray(entries))
    throw new InvalidArgument('entries: expected an array of entries or JSON text', {
      where: 'entries',
    });
  return `[${entries.map((row, i) => toJson(row, `entries[${i}]`)).join(',')}]`;
}

/** A time (an ISO-8601 string or a Date) as the library's text; `what` names it in errors. */
function iso(at, what = 'at') {
  if (at instanceof Date) {
    if (Number.isNaN(at.getTime()))
      throw new InvalidArgument(`${what}: an invalid Date`, { where: what });
    return at.toISOString();
  }
  if (typeof at === 'string') return at;
  throw new InvalidArgument(`${what}: expected an ISO-8601 string or a Date`, { where: what });
}

const day = (at, what) => iso(at, what).slice(0, 10);

class Actor {
  /** new Actor('li', 'sales') or new Actor('boss', ['management']). */
  constructor(id, roles = []) {
    this.id = id;
    this.roles = typeof roles === 'string' ? [roles] : [...roles];
  }

  toJSON() {
    return { id: this.id, roles: this.roles };
  }
}

class Outcome {
  /** From the outcome JSON (an object, or text parsed on first use: a host that only checks
   *  `accepted`, known from the status code, pays nothing for the rest). */
  constructor(json, accepted) {
    if (typeof json === 'string') {
      this._text = json;
      this._json = null;
    } else {
      this._json = json;
    }
    this.accepted = accepted === undefined ? !!this.json.accepted : accepted;
  }

  get json() {
    if (this._json === null) {
      this._json = JSON.parse(this._text);
      this._text = null;
    }
    return this._json;
  }

  get event() {
    return this.json.event;
  }

  get seq() {
    return this.json.seq;
  }

  get state() {
    return this.json.state || [];
  }

  /** [{kind, message, rule}]: kind is unknown_event, invalid_payload, role, state, gate,
   *  segregation, approval, time, or rule_error (a gate rule, route, deadline condition or risk
   *  scorer could not be evaluated, or a host rule callback threw: fail closed; rule names it). */
  get reasons() {
    return this.json.reasons || [];
  }

  get warnings() {
    return this.json.warnings || [];
  }

  get trace() {
    return this.json.trace || {};
  }

  get caseId() {
    return this.json.case_id;
  }

  get revision() {
    return this.json.revision;
  }

  throwIfRefused() {
    if (!this.accepted) throw new Refused(this);
    return this;
  }
}

/** What a custom rule may return instead of a boolean. */
class Verdict {
  constructor(passed, message = null, details = undefined) {
    this.passed = !!passed;
    this.message = message;
    this.details = details;
  }
}

function builtinPolicy() {
  const api = native.load();
  const out = [null];
  check(api.ut_policy_builtin_json(out));
  return takeJson(out[0]);
}

function version() {
  return native.load().ut_version();
}

/** The answer of a call that fired an event (ut_case_fire, ut_store_fire): its Outcome (of
 *  class Cls), the library's error, or Refused when throwIfRefused and the event was refused. */
function outcomeOf(status, ptr, Cls, throwIfRefused) {
  if (status < 0) {
    const error = libraryError(status); // before ut_free: nothing may call in between
    take(ptr);
    throw error;
  }
  const outcome = new Cls(take(ptr), status === STATUS.OK);
  if (throwIfRefused && !outcome.accepted) throw new Refused(outcome);
  return outcome;
}

// Cases dropped without close() are freed when garbage-collected.
const caseFinalizer = new FinalizationRegistry((handle) => native.load().ut_case_free(handle));

// What an engine holds of the library: its handle and the koffi callbacks registered for it.
// Kept apart from the Engine object so that the finalizer can release them once the Engine is
// gone (a held value that referred to the Engine would keep it alive).
function closeEngineNative(held) {
  if (!held.handle) return;
  const api = native.load();
  api.ut_engine_close(held.handle);
  held.handle = null;
  for (const cb of held.callbacks) api.koffi.unregister(cb);
  if (held.listener) api.koffi.unregister(held.listener);
  held.callbacks = [];
  held.listener = null;
}

// Engines dropped without close() are closed when garbage-collected (after their cases: a
// case keeps its engine reachable).
const engineFinalizer = new FinalizationRegistry(closeEngineNative);

// ---------------------------------------------------------------------------------------------
// Engine

function isPath(policy) {
  return typeof policy === 'string' && !policy.trimStart().startsWith('{');
}

class Engine {
  /** new Engine() (built-in policy), new Engine('rules/'), new Engine('policy.json'), or
   *  new Engine({...policy document}).
   *
   *  The engine never reads the wall clock: fire and tick (also the store's) are told when. A
   *  host that wants "now" whenever it leaves the time out says so once, with a clock:
   *  new Engine(policy, { clock: () => new Date() }) (a function returning a Date or an ISO-8601
   *  string; a test passes a fixed or stepping one). Without a clock, leaving the time out
   *  throws InvalidArgument. */
  constructor(policy, { clock = null } = {}) {
    if (clock !== null && typeof clock !== 'function')
      throw new InvalidArgument('clock: expected a function returning the time', {
        where: 'clock',
      });
    this._api = native.load();
    const out = [null];
    if (policy === undefined || policy === null) check(this._api.ut_engine_open_default(out));
    else if (isPath(policy)) check(this._api.ut_engine_open(policy, out));
    else check(this._api.ut_engine_open_json(toJson(policy, 'policy'), out));
    this.clock = clock;
    // The handle and the registered koffi callbacks, released by close() or the finalizer.
    this._native = { handle: out[0], callbacks: [], listener: null };
    this._token = {};
    engineFinalizer.register(this, this._native, this._token);
    this._cases = new Map(); // id -> WeakRef<Case>
  }

  get _handle() {
    return this._native.handle;
  }

  get closed() {
    return !this._native.handle;
  }

  /** Closes the engine. Open cases stay readable (fire throws Closed); callbacks are never
   *  called again once this returns. */
  close() {
    if (!this._native.handle) return;
    engineFinalizer.unregister(this._token);
    closeEngineNative(this._native);
  }

  _h() {
    if (!this._native.handle) throw new Closed('the engine is closed');
    return this._native.handle;
  }

  /** `at` as the library's text, or the clock's time when it is left out. */
  _when(at, what) {
    if (at !== undefined && at !== null) return iso(at, what);
    if (!this.clock)
      throw new InvalidArgument(
        `${what}: required (the engine never reads the clock: say when, or open the engine ` +
          'with one, new Engine(policy, { clock }))',
        { where: what },
      );
    return iso(this.clock(), what);
  }

  // -- policy ----------------------------------------------------------------------------

  loadPolicy(policy) {
    if (isPath(policy)) check(this._api.ut_engine_load_policy(this._h(), policy));
    else check(this._api.ut_engine_load_policy_json(this._h(), toJson(policy, 'policy')));
  }

  reload() {
    check(this._api.ut_engine_reload(this._h()));
  }

  /** The last policy with an RFC 7386 merge patch applied, as a new policy version (the one the
   *  patch names, or the patched version with `+patch.N`); open cases keep theirs. */
  patchPolicy(patch) {
    check(this._api.ut_engine_load_policy_patch(this._h(), toJson(patch, 'patch')));
  }

  get policyInfo() {
    const out = [null];
    check(this._api.ut_engine_policy_info(this._h(), out));
    return takeJson(out[0]);
  }

  setLimits({ maxJsonBytes = 0, maxJsonDepth = 0 } = {}) {
    check(this._api.ut_engine_set_limits(this._h(), maxJsonBytes, maxJsonDepth));
  }

  // -- callbacks -------------------------------------------------------------------------

  /** fn(facts, event, actor) returns a boolean, [passed, message, details] or a Verdict. A
   *  throw makes the rule fail closed. Reload the policy that references it afterwards. */
  registerRule(name, fn) {
    const api = this._api;
    const trampoline = (_ud, facts, event, actor, verdict) => {
      try {
        let answer = fn(JSON.parse(facts), event, JSON.parse(actor));
        if (Array.isArray(answer)) answer = new Verdict(answer[0], answer[1], answer[2]);
        else if (!(answer instanceof Verdict)) answer = new Verdict(answer);
        if (answer.message) api.ut_verdict_set_message(verdict, String(answer.message));
        if (answer.details !== undefined)
          api.ut_verdict_set_details(verdict, JSON.stringify(answer.details));
        return answer.passed ? 1 : 0;
      } catch (e) {
        try {
          api.ut_verdict_set_message(verdict, `${(e && e.name) || 'Error'}: ${e && e.message}`);
        } catch (_) {
          // nothing more to report
        }
        return -1;
      }
    };
    const cb = api.koffi.register(trampoline, api.koffi.pointer(api.RuleFn));
    try {
      check(api.ut_engine_register_rule(this._h(), text(name, 'name'), cb, null));
    } catch (e) {
      api.koffi.unregister(cb);
      throw e;
    }
    this._native.callbacks.push(cb); // policies loaded earlier may still call older ones
  }

  /** fn(caseId, event, accepted, outcome) after every fire on any case (accepted or refused).
   *  null removes it. A throw is reported on stderr and otherwise ignored. */
  setListener(fn) {
    const api = this._api;
    let cb = null;
    if (fn) {
      const trampoline = (_ud, caseId, event, accepted, outcome) => {
        try {
          fn(caseId, event, !!accepted, new Outcome(JSON.parse(outcome)));
        } catch (e) {
          process.emitWarning(`undertake listener threw (ignored): ${e && e.stack}`);
        }
      };
      cb = api.koffi.register(trampoline, api.koffi.pointer(api.ListenerFn));
    }
    try {
      check(api.ut_engine_set_listener(this._h(), cb, null));
    } catch (e) {
      if (cb) api.koffi.unregister(cb);
      throw e;
    }
    // no call in flight uses the old one now
    if (this._native.listener) api.koffi.unregister(this._native.listener);
    this._native.listener = cb;
  }

  /** fn(ledgers, period) returns a number or null (no data). definition: {title, department,
   *  unit, direction: 'higher'|'lower', target}. */
  registerKpi(kpiId, fn, definition) {
    const api = this._api;
    const trampoline = (_ud, ledgers, period, value, hasValue) => {
      try {
        const result = fn(JSON.parse(ledgers), JSON.parse(period));
        if (result === null || result === undefined) {
          api.koffi.encode(hasValue, 'int', 0);
        } else {
          api.koffi.encode(value, 'double', Number(result));
          api.koffi.encode(hasValue, 'int', 1);
        }
        return 0;
      } catch (e) {
        process.emitWarning(`undertake KPI ${kpiId} threw: ${e && e.stack}`);
        return -1;
      }
    };
    const cb = api.koffi.register(trampoline, api.koffi.pointer(api.KpiFn));
    try {
      check(
        api.ut_engine_register_kpi(
          this._h(),
          text(kpiId, 'kpiId'),
          toJson(definition, 'definition'),
          cb,
          null,
        ),
      );
    } catch (e) {
      api.koffi.unregister(cb);
      throw e;
    }
    this._native.callbacks.push(cb);
  }

  // -- cases -----------------------------------------------------------------------------

  _adopt(handle) {
    const c = new Case(this, handle);
    this._cases.set(c.id, new WeakRef(c));
    return c;
  }

  createCase(caseId, data) {
    const out = [null];
    check(
      this._api.ut_case_create(this._h(), text(caseId, 'caseId'), toJson(data, 'data'), out),
    );
    return this._adopt(out[0]);
  }

  restore(snapshot) {
    const out = [null];
    check(this._api.ut_case_restore(this._h(), toJson(snapshot, 'snapshot'), out));
    return this._adopt(out[0]);
  }

  /** A case from its head (Case#head) and every entry of its ledger (the rows Case#entries gave:
   *  objects or JSON texts, seq 1 to the head's, in order), the rows checked against their hash
   *  chain (SnapshotError names the entry at fault as /ledger/<index>). The case holds its whole
   *  ledger. */
  restoreEntries(head, entries) {
    const out = [null];
    check(
      this._api.ut_case_restore_entries(
        this._h(),
        toJson(head, 'head'),
        entriesJson(entries),
        out,
      ),
    );
    return this._adopt(out[0]);
  }

  replay(ledger) {
    const out = [null];
    check(this._api.ut_case_replay(this._h(), toJson(ledger, 'ledger'), out));
    return this._adopt(out[0]);
  }

  findCase(caseId) {
    const out = [null];
    check(this._api.ut_engine_find_case(this._h(), text(caseId, 'caseId'), out));
    const ref = this._cases.get(caseId);
    const c = ref && ref.deref();
    if (!c || !c._handle) throw new NotFound(`case ${caseId}: not open in this process`);
    return c;
  }

  // -- integrity -----------------------------------------------------------------------

  /** Seals cases created, restored or loaded from now on with HMAC-SHA-256 under `key` (a
   *  Buffer / Uint8Array, or a string taken as UTF-8; not empty). Every engine sharing a store
   *  must use the same key. */
  setHostKey(key) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (!(bytes instanceof Uint8Array))
      throw new InvalidArgument('key: expected a Buffer, a Uint8Array or a string');
    check(this._api.ut_engine_set_host_key(this._h(), bytes, bytes.length));
  }

  /** The audit of a snapshot holding its ledger: {case_id, revision, ok, problems: [{where,
   *  why}]}. Throws (SnapshotError) only for a snapshot it cannot read. */
  verify(snapshot) {
    const out = [null];
    check(this._api.ut_case_verify(this._h(), toJson(snapshot, 'snapshot'), out));
    return takeJson(out[0]);
  }

  /** verify() of a case kept as its head and its ledger's rows (as restoreEntries takes them). */
  verifyEntries(head, entries) {
    const out = [null];
    check(
      this._api.ut_case_verify_entries(this._h(), toJson(head, 'head'), entriesJson(entries), out),
    );
    return takeJson(out[0]);
  }

  /** The KPI report over ledgers or snapshots for a period (dates, both inclusive). */
  kpi(ledgers, from, to, { skipBadCases = false } = {}) {
    const period = { from: day(from, 'from'), to: day(to, 'to'), skip_bad_cases: skipBadCases };
    const out = [null];
    check(
      this._api.ut_engine_kpi(this._h(), toJson(ledgers, 'ledgers'), JSON.stringify(period), out),
    );
    return takeJson(out[0]);
  }

  /**
   * The per-person scorecard (policy §四(二)2) over ledgers or snapshots for a period: measures
   * with their data points, scores, and the ranking per department.
   */
  kpiPeople(ledgers, from, to) {
    const period = { from: day(from, 'from'), to: day(to, 'to') };
    const out = [null];
    check(
      this._api.ut_engine_kpi_people(
        this._h(),
        toJson(ledgers, 'ledgers'),
        JSON.stringify(period),
        out,
      ),
    );
    return takeJson(out[0]);
  }

  /**
   * The quality report (policy §二(七)2) over ledgers or snapshots for a period: pass rates,
   * the Pareto of defect causes with repeat causes flagged, rectifications, complaints.
   */
  quality(ledgers, from, to) {
    const period = { from: day(from, 'from'), to: day(to, 'to') };
    const out = [null];
    check(
      this._api.ut_engine_quality(this._h(), toJson(ledgers, 'ledgers'), JSON.stringify(period), out),
    );
    return takeJson(out[0]);
  }

}

// ---------------------------------------------------------------------------------------------
// Case

class Case {
  constructor(engine, handle) {
    this._engine = engine; // keeps the engine's callbacks registered while the case lives
    this._api = engine._api;
    this._handle = handle;
    const out = [null];
    check(this._api.ut_case_id(handle, out));
    this.id = take(out[0]);
    this._token = {};
    caseFinalizer.register(this, handle, this._token);
  }

  get closed() {
    return !this._handle;
  }

  close() {
    if (!this._handle) return;
    caseFinalizer.unregister(this._token);
    this._api.ut_case_free(this._handle);
    this._handle = null;
  }

  _h() {
    if (!this._handle) throw new Closed(`case ${this.id}: closed`, { where: this.id });
    return this._handle;
  }

  /** Fires an event; returns the Outcome (refusals too, unless {check: true}: Refused is
   *  thrown). at: when it happened, an ISO-8601 string or a Date (left out: the engine's clock;
   *  InvalidArgument without one). {expectedRevision}: Conflict unless the case is at that
   *  revision. */
  fire(event, actor, payload, at, { check: throwIfRefused = false, expectedRevision } = {}) {
    const args = [
      text(event, 'event'),
      toJson(actor instanceof Actor ? actor.toJSON() : actor, 'actor'),
      toJson(payload, 'payload'),
      this._engine._when(at, 'at'),
    ];
    const out = [null];
    const status =
      expectedRevision === undefined
        ? this._api.ut_case_fire(this._h(), ...args, out)
        : this._api.ut_case_fire_if_revision(this._h(), expectedRevision, ...args, out);
    return outcomeOf(status, out[0], Outcome, throwIfRefused);
  }

  fireOrThrow(event, actor, payload, at, options = {}) {
    return this.fire(event, actor, payload, at, { ...options, check: true });
  }

  _read(fn) {
    const out = [null];
    check(fn(this._h(), out));
    return takeJson(out[0]);
  }

  /** {case_id, stage, state, revision, policy_version} */
  get status() {
    return this._read(this._api.ut_case_state);
  }

  get state() {
    return this.status.state;
  }

  get stage() {
    return this.status.stage;
  }

  get revision() {
    const out = [0];
    check(this._api.ut_case_revision(this._h(), out));
    return Number(out[0]);
  }

  snapshot() {
    return this._read(this._api.ut_case_snapshot);
  }

  /** The snapshot without the ledger: what a host's own table keeps per case (updated in
   *  place) beside an append-only table of entries; Engine#restore reads it back. */
  head() {
    return this._read(this._api.ut_case_head);
  }

  /** head() as the library wrote it (JSON text). */
  headJson() {
    const out = [null];
    check(this._api.ut_case_head(this._h(), out));
    return take(out[0]);
  }

  /** The sealed ledger entries after revision `after` (0: all), oldest first: [{seq, at, event,
   *  actor, payload, state, hash, ...}], one row each for the host's append-only table. A case
   *  restored from its head holds the entries from its revision on only (InvalidArgument). */
  entries(after = 0) {
    const out = [null];
    check(this._api.ut_case_entries(this._h(), after, out));
    return takeJson(out[0]);
  }

  ledger() {
    return this._read(this._api.ut_case_ledger);
  }

  record() {
    return this._read(this._api.ut_case_record);
  }

  risk() {
    return this._read(this._api.ut_case_risk);
  }

  /** The pending deadlines, earliest due first. */
  deadlines() {
    return this._read(this._api.ut_case_deadlines);
  }

  /** Checks the deadlines at `now` (left out: the engine's clock; InvalidArgument without one):
   *  records escalations, tells the listener ('deadline.escalated'), returns {case_id, now,
   *  escalated, items}. */
  tick(now) {
    const out = [null];
    check(this._api.ut_case_tick(this._h(), this._engine._when(now, 'now'), out));
    return takeJson(out[0]);
  }

  available(actor) {
    const out = [null];
    check(
      this._api.ut_case_available(
        this._h(),
        toJson(actor instanceof Actor ? actor.toJSON() : actor, 'actor'),
        out,
      ),
    );
    return takeJson(out[0]);
  }
}

// `using engine = new Engine()` where the runtime has explicit resource management.
if (typeof Symbol.dispose === 'symbol') {
  Engine.prototype[Symbol.dispose] = function dispose() {
    this.close();
  };
  Case.prototype[Symbol.dispose] = function dispose() {
    this.close();
  };
}

const { Store, StoredOutcome } = require('./store')({
  native,
  check,
  outcomeOf,
  takeJson,
  text,
  toJson,
  iso,
  day,
  Actor,
  Closed,
  Case,
  Outcome,
  InvalidJson,
});

module.exports = {
  Actor,
  Case,
  Closed,
  Conflict,
  Engine,
  InternalError,
  InvalidArgument,
  InvalidJson,
  IOFailure,
  LimitExceeded,
  NotFound,
  Outcome,
  OutOfMemory,
  PolicyError,
  Refused,
  RuleError,
  SnapshotError,
  STATUS,
  Store,
  StoredOutcome,
  UndertakeError,
  Verdict,
  builtinPolicy,
  libraryPath: () => native.load().path,
  version,
};
