package org.undertake;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where cases live between requests (design.md §9): {@code
 * Store.open("sqlite:/var/lib/erp/cases.db")} (or a plain path; {@code ?mode=ro}, {@code
 * ?synchronous=normal}). An ERP service handling a "button clicked" request calls {@link #fire}:
 * load, fire, save in one call with the revision checked, and a retried request (same request id)
 * answered with the first outcome.
 *
 * <p>A store may be shared by threads; several stores, processes or machines may open the same
 * database. Close it with try-with-resources or {@link #close()}; one the host forgets is closed
 * when it becomes unreachable.
 */
public final class Store implements AutoCloseable {
  private final SharedHandle handle;
  private final Cleaner.Cleanable cleanable;

  private Store(long peer) {
    this.handle = new SharedHandle(new Pointer(peer), Native::ut_store_close, "store");
    this.cleanable = SharedHandle.CLEANER.register(this, handle);
  }

  /** Opens (creating or migrating when needed) the store at {@code uri}. */
  public static Store open(String uri) {
    long[] out = new long[1];
    Status.check(Native.ut_store_open(Text.utf8z(uri, "uri"), out));
    return new Store(out[0]);
  }

  @Override
  public void close() {
    handle.checkNotInCall();
    cleanable.clean();
  }

  public boolean isClosed() {
    return handle.closed();
  }

  /** Stores a new case (ConflictException when that id is already stored). */
  public void create(Case c) {
    Pointer s = handle.acquire();
    try {
      synchronized (c) {
        Status.check(Native.ut_store_create(s, c.pointer()));
      }
    } finally {
      handle.release();
    }
  }

  /** Loads a stored case onto {@code engine} (from its head: no replay). */
  public Case load(Engine engine, String caseId) {
    byte[] id = Text.utf8z(caseId, "case_id");
    long[] out = new long[1];
    call(engine, (s, e, o) -> Native.ut_store_load(s, e, id, o), out);
    return new Case(engine, out[0]);
  }

  /** Saves what {@code c} added since it was loaded at {@code expectedRevision}. */
  public void save(Case c, long expectedRevision) {
    Pointer s = handle.acquire();
    try {
      synchronized (c) {
        Status.check(Native.ut_store_save(s, c.pointer(), expectedRevision));
      }
    } finally {
      handle.release();
    }
  }

  /**
   * Loads the case, fires, saves when accepted, with the revision checked and a conflict retried
   * on a fresh load; {@code requestId} (null: none) makes it idempotent: a repeat gets the first
   * outcome back ({@link Outcome#repeated()}) and fires nothing. A refusal is an outcome;
   * ConflictException when the retries are used up.
   */
  public Outcome fire(Engine engine, String caseId, String event, Actor actor, Object payload,
      Instant at, String requestId) {
    byte[] id = Text.utf8z(caseId, "case_id");
    byte[] ev = Text.utf8z(event, "event");
    byte[] a = Text.utf8z(Case.actorJson(actor), "actor");
    byte[] p = Json.utf8z(payload, "payload");
    byte[] t = Text.isoz(at, "at");
    byte[] r = Text.utf8z(requestId, "request_id");
    long[] out = new long[1];
    int status = call(engine, (s, e, o) -> Native.ut_store_fire(s, e, id, ev, a, p, t, r, o), out);
    return new Outcome(status == Status.OK, Text.take(out));
  }

  /**
   * Summaries of the stored cases; {@code filter} (null for all): {@code {"stage", "open",
   * "attention_by", "updated_since", "limit"}}.
   */
  public List<Object> list(Map<String, Object> filter) {
    byte[] f = filter == null ? null : Json.utf8z(filter, "filter");
    return Json.readArray(read((s, out) -> Native.ut_store_list(s, f, out)));
  }

  /** The first page (at most 100 cases) of {@code actor}'s worklist. */
  public InboxItem.Page inbox(Engine engine, Actor actor) {
    return inbox(engine, actor, null, null, null, null, 0);
  }

  /**
   * A page of {@code actor}'s worklist: the stored cases in which one of its roles may fire an
   * event now. Null filters are left out; {@code limit} 0 is the store's default (100).
   */
  @SuppressWarnings("unchecked")
  public InboxItem.Page inbox(Engine engine, Actor actor, String stage, String customer,
      Instant dueBy, String after, int limit) {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("actor", actor);
    if (stage != null)
      query.put("stage", stage);
    if (customer != null)
      query.put("customer", customer);
    if (dueBy != null)
      query.put("due_by", Text.iso(dueBy));
    if (after != null)
      query.put("after", after);
    if (limit != 0)
      query.put("limit", limit);
    byte[] q = Json.utf8z(query, "query");
    Map<String, Object> page = Json.readObject(
        withEngine(engine, (s, e, out) -> Native.ut_store_inbox_query(s, e, q, out)));
    List<Object> items = (List<Object>) page.get("items");
    return new InboxItem.Page(
        items.stream().map(InboxItem::from).toList(), (String) page.get("next"));
  }

  /** A stored case's ledger, with each entry's hash. */
  public Map<String, Object> ledger(String caseId) {
    byte[] id = Text.utf8z(caseId, "case_id");
    return Json.readObject(read((s, out) -> Native.ut_store_ledger(s, id, out)));
  }

  /** At most {@code limit} (1..10000) changes after position {@code after} (0: from the start). */
  public List<Change> changes(long after, int limit) {
    return Json.readArray(read((s, out) -> Native.ut_store_changes(s, after, limit, out)))
        .stream()
        .map(Change::from)
        .toList();
  }

  /** Ticks every stored case needing attention at {@code now}; tells the engine's listener. */
  public Map<String, Object> tick(Engine engine, Instant now) {
    byte[] t = Text.isoz(now, "now");
    return Json.readObject(withEngine(engine, (s, e, out) -> Native.ut_store_tick(s, e, t, out)));
  }

  /** The KPI report over every stored case (each ledger checked against its hash chain first). */
  public KpiReport kpi(Engine engine, LocalDate from, LocalDate to, boolean skipBadCases) {
    byte[] p = Text.utf8z(KpiReport.period(from, to, skipBadCases), "period");
    return new KpiReport(
        Json.readObject(withEngine(engine, (s, e, out) -> Native.ut_store_kpi(s, e, p, out))));
  }

  /** The audit of a stored case by full replay: {@code {case_id, revision, ok, problems}}. */
  public Map<String, Object> verify(Engine engine, String caseId) {
    byte[] id = Text.utf8z(caseId, "case_id");
    return Json.readObject(
        withEngine(engine, (s, e, out) -> Native.ut_store_verify(s, e, id, out)));
  }

  private interface Read {
    int call(Pointer store, long[] out);
  }

  private interface ReadWithEngine {
    int call(Pointer store, Pointer engine, long[] out);
  }

  private String read(Read fn) {
    long[] out = new long[1];
    Pointer s = handle.acquire();
    try {
      Status.check(fn.call(s, out));
    } finally {
      handle.release();
    }
    return Text.take(out);
  }

  private String withEngine(Engine engine, ReadWithEngine fn) {
    long[] out = new long[1];
    call(engine, fn, out);
    return Text.take(out);
  }

  /** Calls with both handles held; returns the status (negative ones thrown). */
  private int call(Engine engine, ReadWithEngine fn, long[] out) {
    Pointer s = handle.acquire();
    try {
      Pointer e = engine.handle.acquire();
      try {
        return Status.check(fn.call(s, e, out));
      } finally {
        engine.handle.release();
      }
    } finally {
      handle.release();
    }
  }
}
