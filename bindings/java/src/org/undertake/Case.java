package org.undertake;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One customer order going through the process. Calls on one case are serialised (it may be
 * handed between threads); different cases run in parallel. Close it with try-with-resources or
 * {@link #close()} (its id may then be opened again on the engine); one the host forgets is freed
 * when it becomes unreachable. A case keeps its engine object reachable.
 */
public final class Case implements AutoCloseable {
  /** The Cleaner's action: frees the handle; refers to nothing else. */
  private static final class Handle implements Runnable {
    Pointer pointer; // guarded by the Case's lock (the Cleaner runs when no one else can)

    Handle(long peer) {
      pointer = new Pointer(peer);
    }

    @Override
    public void run() {
      Pointer p = pointer;
      pointer = null;
      if (p != null)
        Native.ut_case_free(p);
    }
  }

  private final Engine engine;
  private final Handle handle;
  private final Cleaner.Cleanable cleanable;

  Case(Engine engine, long peer) {
    this.engine = engine;
    this.handle = new Handle(peer);
    this.cleanable = SharedHandle.CLEANER.register(this, handle);
  }

  /** The engine the case was opened on. */
  public Engine engine() {
    return engine;
  }

  /** Frees the case. Idempotent. */
  @Override
  public synchronized void close() {
    cleanable.clean();
  }

  public synchronized boolean isClosed() {
    return handle.pointer == null;
  }

  /** The handle; the caller holds this case's lock. */
  Pointer pointer() {
    Pointer p = handle.pointer;
    if (p == null)
      throw new IllegalStateException("the case is closed");
    return p;
  }

  // -- firing ------------------------------------------------------------------------------

  /**
   * Fires an event: accepted or refused (a business answer: see {@link Outcome#reasons()}), at a
   * time the host gives. {@code payload}: a map, JSON text, or null for {}. Errors (a malformed
   * actor, a time before the last event, a closed engine) throw.
   */
  public Outcome fire(String event, Actor actor, Object payload, Instant at) {
    return fire(event, actor, payload, Text.iso(at));
  }

  /** As {@link #fire(String, Actor, Object, Instant)}, with an ISO-8601 time text. */
  public Outcome fire(String event, Actor actor, Object payload, String at) {
    return fire(null, event, actor, payload, Text.utf8z(at, "at"));
  }

  /** Fires only if the case is still at {@code expectedRevision} (else ConflictException). */
  public Outcome fireIfRevision(
      long expectedRevision, String event, Actor actor, Object payload, Instant at) {
    return fire(expectedRevision, event, actor, payload, Text.isoz(at, "at"));
  }

  private Outcome fire(
      Long expectedRevision, String event, Actor actor, Object payload, byte[] at) {
    byte[] e = Text.utf8z(event, "event");
    byte[] a = Text.utf8z(actorJson(actor), "actor");
    byte[] p = Json.utf8z(payload, "payload");
    long[] out = new long[1];
    int status;
    synchronized (this) {
      status = Status.check(expectedRevision == null
              ? Native.ut_case_fire(pointer(), e, a, p, at, out)
              : Native.ut_case_fire_if_revision(pointer(), expectedRevision, e, a, p, at, out));
    }
    return new Outcome(status == Status.OK, Text.take(out));
  }

  /** Fires, and throws {@link RefusedException} (with the reasons) when the event is refused. */
  public Outcome fireOrThrow(String event, Actor actor, Object payload, Instant at) {
    return fire(event, actor, payload, at).orThrow();
  }

  static String actorJson(Actor actor) {
    if (actor == null)
      throw new InvalidArgumentException("actor: null");
    return actor.toJson();
  }

  // -- reading -----------------------------------------------------------------------------

  private interface Read {
    int call(Pointer c, long[] out);
  }

  private String read(Read fn) {
    long[] out = new long[1];
    synchronized (this) {
      Status.check(fn.call(pointer(), out));
    }
    return Text.take(out);
  }

  public String id() {
    return read(Native::ut_case_id);
  }

  /** {@code {"case_id", "stage", "state": [...], "revision", "policy_version"}}. */
  public Map<String, Object> status() {
    return Json.readObject(read(Native::ut_case_state));
  }

  /** The active state paths, e.g. ["Contract.Drafting"] (several in a parallel stage). */
  @SuppressWarnings("unchecked")
  public List<String> state() {
    return (List<String>) status().get("state");
  }

  public String stage() {
    return (String) status().get("stage");
  }

  /** The number of ledger entries; it grows with every accepted event. */
  public synchronized long revision() {
    long[] out = new long[1];
    Status.check(Native.ut_case_revision(pointer(), out));
    return out[0];
  }

  /** A versioned JSON snapshot of the whole case, for the host's database. */
  public String snapshot() {
    return read(Native::ut_case_snapshot);
  }

  /** The events {@code actor} may fire now: the buttons of an ERP screen. */
  public List<AvailableEvent> available(Actor actor) {
    byte[] a = Text.utf8z(actorJson(actor), "actor");
    return AvailableEvent.listFrom(
        Json.read(read((c, out) -> Native.ut_case_available(c, a, out))));
  }

  /** {@code {"case_id", "policy_version", "data", "ledger": [{seq, at, event, actor, ...}]}}. */
  public Map<String, Object> ledger() {
    return Json.readObject(ledgerJson());
  }

  public String ledgerJson() {
    return read(Native::ut_case_ledger);
  }

  /** The facts rules read: data, evaluation, risk, contract, production, ... */
  public Map<String, Object> record() {
    return Json.readObject(read(Native::ut_case_record));
  }

  /** The risk assessment: {@code {"index", "level", "categories", "risks": [...], ...}}. */
  public Map<String, Object> risk() {
    return Json.readObject(read(Native::ut_case_risk));
  }

  /** The pending deadlines, earliest due first. */
  public List<Object> deadlines() {
    return Json.readArray(read(Native::ut_case_deadlines));
  }

  /** Checks the deadlines at {@code now}: records escalations; {@code {"escalated", "items"}}. */
  public Map<String, Object> tick(Instant now) {
    byte[] t = Text.isoz(now, "now");
    return Json.readObject(read((c, out) -> Native.ut_case_tick(c, t, out)));
  }

  @Override
  public String toString() {
    return isClosed() ? "Case[closed]" : "Case[" + id() + " " + state() + "]";
  }
}
