package org.undertake;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A policy, the host's callbacks (custom rules, KPI calculators, the listener) and the cases it
 * opens. {@code Engine.open()} uses the built-in policy, {@code Engine.open(Path)} a rules
 * directory or policy file, {@code Engine.fromJson(String)} a policy document.
 *
 * <p>Close it with try-with-resources or {@link #close()}; one the host forgets is closed when it
 * becomes unreachable (a {@link Cleaner}). An engine may be shared by threads. Its cases stay
 * readable after it is closed; firing on them throws {@link ClosedException}.
 */
public final class Engine implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger("org.undertake");

  final SharedHandle handle;
  private final Cleaner.Cleanable cleanable;

  private Engine(long[] out) {
    this.handle = new SharedHandle(new Pointer(out[0]), Native::ut_engine_close, "engine");
    this.cleanable = SharedHandle.CLEANER.register(this, handle);
  }

  /** An engine with the built-in default policy (rules/default). */
  public static Engine open() {
    long[] out = new long[1];
    Status.check(Native.ut_engine_open_default(out));
    return new Engine(out);
  }

  /** An engine with the policy of a rules directory or a single policy JSON file. */
  public static Engine open(Path policy) {
    long[] out = new long[1];
    Status.check(Native.ut_engine_open(Text.utf8z(policy.toString(), "policy"), out));
    return new Engine(out);
  }

  /** An engine with a policy document {@code {"policy": {...}, "roles": {...}, ...}}. */
  public static Engine fromJson(String policyJson) {
    long[] out = new long[1];
    Status.check(Native.ut_engine_open_json(Text.utf8z(policyJson, "policy"), out));
    return new Engine(out);
  }

  /** The built-in policy as one JSON document, to start a customised policy from. */
  public static String builtinPolicyJson() {
    long[] out = new long[1];
    Status.check(Native.ut_policy_builtin_json(out));
    return Text.take(out);
  }

  /** The library's version, "MAJOR.MINOR.PATCH". */
  public static String version() {
    return Text.borrowed(Native.ut_version());
  }

  /** Where the native library was loaded from. */
  public static String libraryPath() {
    return Native.LIBRARY_PATH;
  }

  /** Closes the engine; its callbacks are never called again once this returns. Idempotent. */
  @Override
  public void close() {
    handle.checkNotInCall();
    cleanable.clean();
  }

  public boolean isClosed() {
    return handle.closed();
  }

  // -- policy ------------------------------------------------------------------------------

  /** Loads a new policy version; new cases use it, existing ones keep theirs. */
  public void loadPolicy(Path policy) {
    byte[] path = Text.utf8z(policy.toString(), "policy");
    run(h -> Native.ut_engine_load_policy(h, path));
  }

  public void loadPolicyJson(String policyJson) {
    byte[] text = Text.utf8z(policyJson, "policy");
    run(h -> Native.ut_engine_load_policy_json(h, text));
  }

  /** Reads the policy again from where it was last loaded (e.g. after {@link #registerRule}). */
  public void reload() {
    run(h -> Native.ut_engine_reload(h));
  }

  /** Loads the last policy with an RFC 7386 merge patch (a map or JSON text) applied. */
  public void patchPolicy(Object mergePatch) {
    byte[] text = Json.utf8z(mergePatch, "patch");
    run(h -> Native.ut_engine_load_policy_patch(h, text));
  }

  /** {@code {"name", "version", "roles": [...], "events": {event: {"roles", "gated"}}}}. */
  public Map<String, Object> policyInfo() {
    return readObject(Native::ut_engine_policy_info);
  }

  /** Limits for JSON the engine reads (0 keeps a limit; the depth from 8 to 1000). */
  public void setLimits(long maxJsonBytes, int maxJsonDepth) {
    run(h -> Native.ut_engine_set_limits(h, maxJsonBytes, maxJsonDepth));
  }

  /** Bounds on rule evaluation for cases created from now on (0 keeps a bound). */
  public void setRuleLimits(long maxDepth, long maxSteps, long maxItems) {
    run(h -> Native.ut_engine_set_rule_limits(h, maxDepth, maxSteps, maxItems));
  }

  /** Seals cases created, restored or loaded from now on with HMAC-SHA-256 under this key. */
  public void setHostKey(byte[] key) {
    run(h -> Native.ut_engine_set_host_key(h, key, key == null ? 0 : key.length));
  }

  // -- callbacks ---------------------------------------------------------------------------

  /**
   * Registers (or replaces) a custom rule for policies loaded from now on: {@link #reload()} (or
   * load) the policy that references it afterwards. The rule stays reachable until the engine is
   * closed (policies loaded before keep the one they were loaded with).
   */
  public void registerRule(String name, CustomRule rule) {
    byte[] ruleName = Text.utf8z(name, "name");
    Native.RuleFn trampoline = (userData, facts, event, actor,
        verdict) -> decide(name, rule, facts, event, actor, verdict);
    handle.keep(trampoline);
    run(h -> Native.ut_engine_register_rule(h, ruleName, trampoline, null));
  }

  private static int decide(
      String name, CustomRule rule, Pointer facts, Pointer event, Pointer actor, Pointer verdict) {
    try {
      RuleRequest request = new RuleRequest(Text.borrowed(event),
          Actor.fromJson(Json.read(Text.borrowed(actor))), Text.borrowed(facts));
      Verdict v = rule.check(request);
      if (v == null)
        throw new NullPointerException("the rule returned no verdict");
      if (v.message() != null) {
        Native.ut_verdict_set_message(verdict, Text.utf8z(v.message(), "message"));
      }
      if (v.details() != null) {
        Native.ut_verdict_set_details(verdict, Json.utf8z(Json.write(v.details()), "details"));
      }
      return v.passed() ? 1 : 0;
    } catch (Throwable t) { // never across the C boundary: fail closed, say why
      try {
        Native.ut_verdict_set_message(
            verdict, Text.utf8z("custom rule " + name + " threw " + t, "message"));
      } catch (Throwable ignored) {
        // nothing more can be said
      }
      return -1;
    }
  }

  /**
   * Sets the listener (null removes it). The previous one is never called once this returns
   * (except from a callback of this engine), and stays reachable until the engine is closed.
   */
  public void setListener(Listener listener) {
    Native.ListenerFn trampoline = listener == null
        ? null
        : (userData, caseId, event, accepted,
            outcome) -> tell(listener, caseId, event, accepted, outcome);
    if (trampoline != null)
      handle.keep(trampoline);
    run(h -> Native.ut_engine_set_listener(h, trampoline, null));
  }

  private static void tell(
      Listener listener, Pointer caseId, Pointer event, int accepted, Pointer outcome) {
    try {
      listener.fired(Text.borrowed(caseId), Text.borrowed(event),
          new Outcome(accepted != 0, Text.borrowed(outcome)));
    } catch (Throwable t) { // the event stands whatever the listener does
      LOG.log(System.Logger.Level.WARNING, "undertake listener threw", t);
    }
  }

  /**
   * Registers (or replaces) the calculator of a KPI; {@code definition} (null, a map or JSON):
   * {@code {"title", "department", "unit", "direction": "higher"|"lower", "target"}}.
   */
  public void registerKpi(String kpiId, Object definition, KpiCalculator calculator) {
    byte[] id = Text.utf8z(kpiId, "kpi_id");
    byte[] def = Json.utf8z(definition, "definition");
    Native.KpiFn trampoline = (userData, ledgers, period, value,
        hasValue) -> compute(kpiId, calculator, ledgers, period, value, hasValue);
    handle.keep(trampoline);
    run(h -> Native.ut_engine_register_kpi(h, id, def, trampoline, null));
  }

  private static int compute(String kpiId, KpiCalculator calculator, Pointer ledgers,
      Pointer period, Pointer value, Pointer hasValue) {
    try {
      OptionalDouble result = calculator.compute(
          Json.readArray(Text.borrowed(ledgers)), Json.readObject(Text.borrowed(period)));
      if (result != null && result.isPresent()) {
        value.setDouble(0, result.getAsDouble());
        hasValue.setInt(0, 1);
      } else {
        hasValue.setInt(0, 0);
      }
      return 0;
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "undertake KPI calculator " + kpiId + " threw", t);
      return -1;
    }
  }

  // -- cases -------------------------------------------------------------------------------

  /** A new case in Intake.Registered with the requirement form (a map, or JSON text). */
  public Case createCase(String caseId, Object data) {
    byte[] id = Text.utf8z(caseId, "case_id");
    byte[] form = Json.utf8z(data, "data");
    return openCase((h, out) -> Native.ut_case_create(h, id, form, out));
  }

  /** A case from a snapshot ({@link Case#snapshot()}), without replaying its ledger. */
  public Case restore(String snapshotJson) {
    byte[] text = Text.utf8z(snapshotJson, "snapshot");
    return openCase((h, out) -> Native.ut_case_restore(h, text, out));
  }

  /** A case rebuilt from its ledger ({@link Case#ledger()}: a map or JSON text). */
  public Case replay(Object ledger) {
    byte[] text = Json.utf8z(ledger, "ledger");
    return openCase((h, out) -> Native.ut_case_replay(h, text, out));
  }

  private interface Call {
    int call(Pointer engine, long[] out);
  }

  /** Calls with the engine's handle held; negative statuses thrown. */
  private void call(Call fn, long[] out) {
    run(h -> fn.call(h, out));
  }

  private void run(java.util.function.ToIntFunction<Pointer> fn) {
    Pointer h = handle.acquire();
    try {
      Status.check(fn.applyAsInt(h));
    } finally {
      handle.release();
    }
  }

  private Case openCase(Call fn) {
    long[] out = new long[1];
    call(fn, out);
    return new Case(this, out[0]);
  }

  /** A JSON result of a call, parsed. */
  private Map<String, Object> readObject(Call fn) {
    long[] out = new long[1];
    call(fn, out);
    return Json.readObject(Text.take(out));
  }

  /** The audit of a snapshot holding its ledger: {@code {case_id, revision, ok, problems}}. */
  public Map<String, Object> verify(String snapshotJson) {
    byte[] text = Text.utf8z(snapshotJson, "snapshot");
    return readObject((h, out) -> Native.ut_case_verify(h, text, out));
  }

  /**
   * The KPI report of the policy's catalogue over ledgers or snapshots: a list of maps ({@link
   * Case#ledger()}, a parsed snapshot) or one JSON array text, for the period from..to (both
   * inclusive); {@code skipBadCases} lists bad cases under "excluded" instead of failing.
   */
  public KpiReport kpi(Object ledgers, LocalDate from, LocalDate to, boolean skipBadCases) {
    byte[] cases = Json.utf8z(ledgers, "ledgers");
    byte[] period = Text.utf8z(KpiReport.period(from, to, skipBadCases), "period");
    return new KpiReport(readObject((h, out) -> Native.ut_engine_kpi(h, cases, period, out)));
  }

  /** The KPI report over these cases' ledgers. */
  public KpiReport kpiOf(List<Case> cases, LocalDate from, LocalDate to) {
    StringBuilder ledgers = new StringBuilder("[");
    for (Case c : cases) {
      if (ledgers.length() > 1)
        ledgers.append(',');
      ledgers.append(c.ledgerJson());
    }
    return kpi(ledgers.append(']').toString(), from, to, false);
  }
}
