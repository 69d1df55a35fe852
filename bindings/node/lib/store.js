'use strict';
// Stores (design.md §9): where cases live between requests, over the C API's ut_store_*.
//
//   const store = Store.open('sqlite:/var/lib/erp/cases.db');
//   const out = store.fire(engine, 'SO-1', 'contract.sign', { id: 'li', roles: ['sales'] }, {},
//                          '2026-03-11T09:00:00Z', { requestId: 'req-7f3a' });  // load, fire, save
//   store.inbox(engine, { id: 'li', roles: ['sales'] }).items;                 // "my tasks"
//   for (const ch of store.changes(lastPosition, 100)) notify(ch);             // change feed
//   store.close();
//
// index.js passes in what it shares (errors, conversions, Case, Outcome), so that both files see
// one definition of each.

module.exports = function defineStore(ut) {
  const { check, outcomeOf, takeJson, text, toJson, iso, day, native } = ut;
  const { Actor, Case, Outcome, Closed, InvalidJson } = ut;

  const optionalTime = (value, what) =>
    value === undefined || value === null ? value : iso(value, what);

  function actorValue(actor) {
    if (actor instanceof Actor) return actor.toJSON();
    if (typeof actor !== 'string') return actor;
    try {
      return JSON.parse(actor);
    } catch (e) {
      throw new InvalidJson(`actor: not valid JSON: ${e.message}`, { where: 'actor' });
    }
  }

  /** What Store.fire did: an Outcome plus attempts (loads it took), repeated (a repeat of a
   *  remembered request id: nothing was fired) and requestId. */
  class StoredOutcome extends Outcome {
    get attempts() {
      return this.json.attempts;
    }

    get repeated() {
      return !!this.json.repeated;
    }

    get requestId() {
      return this.json.request_id;
    }
  }

  // Stores dropped without close() are closed when garbage-collected.
  const storeFinalizer = new FinalizationRegistry((handle) =>
    native.load().ut_store_close(handle),
  );

  /** A place to keep cases: Store.open('sqlite:PATH') or a plain path (`?mode=ro` read-only,
   *  `?synchronous=normal` faster, less durable commits). Errors throw the binding's classes:
   *  Conflict (a stale revision, an id already stored, fire's retries used up), NotFound,
   *  SnapshotError (a damaged or edited stored case), IOFailure (the database failed, is
   *  read-only, locked, or of a newer schema). */
  class Store {
    constructor(handle) {
      this._api = native.load();
      this._handle = handle;
      this._token = {};
      storeFinalizer.register(this, handle, this._token);
    }

    static open(uri) {
      const api = native.load();
      const out = [null];
      check(api.ut_store_open(text(uri, 'uri'), out));
      return new Store(out[0]);
    }

    get closed() {
      return !this._handle;
    }

    close() {
      if (!this._handle) return;
      storeFinalizer.unregister(this._token);
      this._api.ut_store_close(this._handle);
      this._handle = null;
    }

    _h() {
      if (!this._handle) throw new Closed('the store is closed');
      return this._handle;
    }

    _read(fn, ...args) {
      const out = [null];
      check(fn(this._h(), ...args, out));
      return takeJson(out[0]);
    }

    // -- cases ---------------------------------------------------------------------------

    /** Stores a new case (engine.createCase): Conflict when its id is already stored. */
    create(c) {
      check(this._api.ut_store_create(this._h(), c._h()));
    }

    /** The stored case, restored on `engine` without replay; not registered on the engine
     *  (findCase does not see it). Close it when done. */
    load(engine, caseId) {
      const out = [null];
      check(this._api.ut_store_load(this._h(), engine._h(), text(caseId, 'caseId'), out));
      return new Case(engine, out[0]);
    }

    /** Saves what `c` added since it was loaded at expectedRevision: Conflict when someone
     *  saved it in between (nothing is written; load it again). */
    save(c, expectedRevision) {
      check(this._api.ut_store_save(this._h(), c._h(), expectedRevision));
    }

    /** Loads the case, fires the event at `at` (ISO-8601 string or Date; left out: the
     *  engine's clock, InvalidArgument without one), saves it when accepted, with the revision
     *  checked and conflicts retried. {requestId}: a repeat returns the first outcome
     *  (repeated) and fires nothing. {check: true}: throws Refused. */
    fire(engine, caseId, event, actor, payload, at, { requestId, check: throwIfRefused } = {}) {
      const args = [
        text(caseId, 'caseId'),
        text(event, 'event'),
        toJson(actorValue(actor), 'actor'),
        toJson(payload, 'payload'),
        engine._when(at, 'at'),
        requestId === undefined || requestId === null ? null : text(requestId, 'requestId'),
      ];
      const out = [null];
      const status = this._api.ut_store_fire(this._h(), engine._h(), ...args, out);
      return outcomeOf(status, out[0], StoredOutcome, throwIfRefused);
    }

    // -- reading -------------------------------------------------------------------------

    /** Summaries of the stored cases, in case id order. {open: true}: not closed, rejected or
     *  cancelled. */
    list({ stage, open, attentionBy, updatedSince, limit } = {}) {
      const filter = {
        stage,
        open,
        attention_by: optionalTime(attentionBy, 'attentionBy'),
        updated_since: optionalTime(updatedSince, 'updatedSince'),
        limit,
      };
      return this._read(this._api.ut_store_list, JSON.stringify(filter));
    }

    /** The actor's worklist: {items: [summary + events: [{event, gated}]], next} — at most
     *  `limit` (default 100) cases after case id `after`; next is the `after` of the next page
     *  (null on the last). */
    inbox(engine, actor, { stage, customer, dueBy, after, limit } = {}) {
      const query = {
        actor: actorValue(actor),
        stage,
        customer,
        due_by: optionalTime(dueBy, 'dueBy'),
        after,
        limit,
      };
      return this._read(this._api.ut_store_inbox_query, engine._h(), toJson(query, 'query'));
    }

    /** The stored ledger: {case_id, policy_version, data, ledger: [...]}. */
    ledger(caseId) {
      return this._read(this._api.ut_store_ledger, text(caseId, 'caseId'));
    }

    /** The change feed: at most `limit` (1 to 10000) {position, case_id, entry} after
     *  `after`, in commit order. Keep the last position you handled. */
    changes(after = 0, limit = 100) {
      return this._read(this._api.ut_store_changes, after, limit);
    }

    // -- the engine's work over the store --------------------------------------------------

    /** Records and saves the escalations due at `now` (left out: the engine's clock,
     *  InvalidArgument without one) in every stored case that needs attention: {now,
     *  cases_checked, escalated, cases, failures}. */
    tick(engine, now) {
      return this._read(this._api.ut_store_tick, engine._h(), engine._when(now, 'now'));
    }

    /** The KPI report (as engine.kpi) over every stored case, for the period (dates, both
     *  inclusive). Each ledger is checked against its hash chain first (SnapshotError). */
    kpi(engine, from, to, { skipBadCases = false } = {}) {
      const period = { from: day(from, 'from'), to: day(to, 'to'), skip_bad_cases: skipBadCases };
      return this._read(this._api.ut_store_kpi, engine._h(), JSON.stringify(period));
    }

    /** The audit of a stored case by full replay: {case_id, revision, ok, problems}. */
    verify(engine, caseId) {
      return this._read(this._api.ut_store_verify, engine._h(), text(caseId, 'caseId'));
    }
  }

  if (typeof Symbol.dispose === 'symbol') {
    Store.prototype[Symbol.dispose] = function dispose() {
      this.close();
    };
  }

  return { Store, StoredOutcome };
};
