package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EngineTest {
  private Engine engine;

  @BeforeEach
  void open() {
    engine = Engine.open();
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void versionAndLibrary() {
    assertTrue(Engine.version().matches("\\d+\\.\\d+\\.\\d+"), Engine.version());
    assertTrue(Engine.libraryPath().contains("libundertake_c.so"), Engine.libraryPath());
  }

  @Test
  void fullOrder() {
    List<Support.Step> steps = Support.steps();
    try (Case c = engine.createCase("SO-2026-001", Support.data())) {
      assertEquals(List.of("Intake.Registered"), c.state());
      assertEquals("Intake", c.stage());
      long seq = 0;
      for (Support.Step s : steps) {
        Outcome o = c.fire(s.event(), s.actor(), s.payload(), s.at());
        assertTrue(o.accepted(), s.event() + ": " + o);
        assertEquals(s.event(), o.event());
        assertEquals(++seq, o.seq());
        assertEquals("SO-2026-001", o.caseId());
        Object want = s.expect().get("state");
        if (want != null) {
          assertTrue(o.state().stream().anyMatch(p -> p.startsWith((String) want)),
              s.event() + ": " + o.state() + " vs " + want);
        }
      }
      assertEquals(List.of("Closed"), c.state());
      assertEquals(steps.size(), c.revision());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> ledger = (List<Map<String, Object>>) c.ledger().get("ledger");
      assertEquals("intake.forward", ledger.get(0).get("event"));
      assertEquals("2026-03-02T09:00:00Z", ledger.get(0).get("at"));
      assertTrue(c.record().containsKey("contract"));
      assertTrue(c.risk().containsKey("level"));
      assertTrue(c.deadlines().isEmpty(), "a closed case waits for nothing: " + c.deadlines());
    }
  }

  @Test
  void snapshotRestoreAndReplay() {
    Case c = engine.createCase("SN-1", Support.data());
    Support.run(c, 12);
    String snapshot = c.snapshot();
    assertEquals("undertake.snapshot", Json.readObject(snapshot).get("format"));
    assertThrows(ConflictException.class, () -> engine.restore(snapshot)); // the id is open
    Map<String, Object> ledger = c.ledger();
    List<String> state = c.state();
    c.close();
    c.close(); // twice is fine
    assertThrows(IllegalStateException.class, c::state);
    try (Case restored = engine.restore(snapshot)) {
      assertEquals(snapshot, restored.snapshot());
      assertEquals(state, restored.state());
      assertEquals(12, restored.revision());
      assertEquals(Boolean.TRUE, engine.verify(snapshot).get("ok"));
      // and it goes on where it was
      Support.Step next = Support.steps().get(12);
      assertTrue(restored.fire(next.event(), next.actor(), next.payload(), next.at()).accepted());
    }
    try (Case replayed = engine.replay(ledger)) {
      assertEquals(state, replayed.state());
    }
  }

  /** tests/scenarios/refusals.json through the binding: each step's answer and reason kind. */
  @Test
  @SuppressWarnings("unchecked")
  void everyRefusalKind() throws Exception {
    String text = Files.readString(Support.SOURCE.resolve("tests/scenarios/refusals.json"));
    Set<String> kinds = new TreeSet<>();
    int checked = 0;
    for (Object co : (List<Object>) Json.readObject(text).get("cases")) {
      Map<String, Object> cs = (Map<String, Object>) co;
      try (Case c = engine.createCase((String) cs.get("id"), cs.get("data"))) {
        for (Object so : (List<Object>) cs.get("steps")) {
          Map<String, Object> s = (Map<String, Object>) so;
          Map<String, Object> expect = (Map<String, Object>) s.getOrDefault("expect", Map.of());
          Outcome o = c.fire((String) s.get("event"), Actor.fromJson(s.get("actor")),
              s.get("payload"), (String) s.get("at"));
          String where = cs.get("id") + " " + s.get("event") + ": " + o;
          if (expect.containsKey("accepted")) {
            assertEquals(expect.get("accepted"), o.accepted(), where);
            checked++;
          }
          if (expect.containsKey("reason_kind")) {
            assertTrue(
                o.reasons().stream().anyMatch(r -> r.kind().equals(expect.get("reason_kind"))),
                where);
            kinds.add((String) expect.get("reason_kind"));
          }
          if (expect.containsKey("reason")) {
            String want = (String) expect.get("reason");
            assertTrue(o.reasons().stream().anyMatch(
                           r -> r.message().contains(want) || r.rule().equals(want)),
                where);
          }
          if (!o.accepted()) {
            RefusedException e = assertThrows(RefusedException.class, () -> o.orThrow(), where);
            assertEquals(o.reasons(), e.reasons());
            assertEquals("UT_REFUSED", e.statusName());
          }
        }
      }
    }
    assertTrue(checked > 20, "steps checked: " + checked);
    assertEquals(new TreeSet<>(List.of("unknown_event", "role", "state", "invalid_payload", "gate",
                     "segregation", "approval", "time")),
        kinds);
  }

  @Test
  void refusalChangesNothingAndCanThrow() {
    Case c = engine.createCase("R-1", Support.data());
    Outcome o =
        c.fire("intake.forward", Support.SALES, null, Instant.parse("2026-03-02T00:00:00Z"));
    assertFalse(o.accepted());
    assertEquals("role", o.reasons().get(0).kind());
    assertNull(o.seq());
    RefusedException e = assertThrows(RefusedException.class,
        ()
            -> c.fireOrThrow(
                "intake.forward", Support.SALES, null, Instant.parse("2026-03-02T00:00:00Z")));
    assertEquals("role", e.reasons().get(0).kind());
    assertTrue(e.getMessage().contains("intake.forward refused"), e.getMessage());
    assertEquals(0, c.revision());
    c.close();
  }

  @Test
  void availableEvents() {
    try (Case c = engine.createCase("A-1", Support.data())) {
      List<AvailableEvent> market = c.available(Support.MARKET);
      assertTrue(market.contains(new AvailableEvent("intake.forward", false)), market.toString());
      assertTrue(
          c.available(Support.SALES).stream().noneMatch(a -> a.event().equals("intake.forward")));
    }
  }

  @Test
  void payloadAsJsonTextOrMapAndTimes() {
    try (Case c = engine.createCase("P-1", Support.data())) {
      c.fireOrThrow(
          "intake.forward", Support.MARKET, "{}", Instant.parse("2026-03-02T09:00:00.250Z"));
      c.fireOrThrow(
          "intake.confirm", Support.SALES, Map.of(), Instant.parse("2026-03-03T00:00:00Z"));
      c.fireOrThrow("evaluation.quote", Support.SALES, "{\"price\": 420000, \"cost\": 320000}",
          Instant.parse("2026-03-04T00:00:00Z"));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> ledger = (List<Map<String, Object>>) c.ledger().get("ledger");
      assertEquals("2026-03-02T09:00:00.250Z", ledger.get(0).get("at"));
      assertEquals(420000L, ((Map<?, ?>) ledger.get(2).get("payload")).get("price"));
    }
  }

  @Test
  void closedEngineLeavesCasesReadable() {
    Engine e = Engine.open();
    Case c = e.createCase("L-1", Support.data());
    Support.run(c, 1);
    e.close();
    e.close(); // idempotent
    assertTrue(e.isClosed());
    assertEquals(List.of("Intake.SalesReview"), c.state());
    ClosedException closed = assertThrows(ClosedException.class,
        () -> c.fire("intake.confirm", Support.SALES, null, Instant.parse("2026-03-03T00:00:00Z")));
    assertEquals("UT_E_CLOSED", closed.statusName());
    assertThrows(ClosedException.class, () -> e.createCase("L-2", Support.data()));
    c.close();
  }

  @Test
  void forgottenCasesAreFreedByTheCleaner() throws InterruptedException {
    engine.createCase("G-1", Support.data()); // dropped at once
    assertThrows(ConflictException.class, () -> engine.createCase("G-1", Support.data()));
    for (int i = 0; i < 200; i++) {
      System.gc();
      Thread.sleep(10);
      try (Case again = engine.createCase("G-1", Support.data())) {
        assertEquals("G-1", again.id());
        return; // the first case's handle was freed: its id is free again
      } catch (ConflictException stillOpen) {
        // not collected yet
      }
    }
    fail("the forgotten case was never freed");
  }

  @Test
  void policyRoundTrip() {
    Map<String, Object> policy = Json.readObject(Engine.builtinPolicyJson());
    assertTrue(policy.containsKey("gates"));
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) policy.get("policy");
    meta.put("version", "java-1");
    try (Engine e = Engine.fromJson(Json.write(policy))) {
      assertEquals("java-1", e.policyInfo().get("version"));
      e.patchPolicy(Map.of("policy", Map.of("version", "java-2")));
      assertEquals("java-2", e.policyInfo().get("version"));
      e.reload();
      assertEquals("java-2", e.policyInfo().get("version"));
    }
    try (Engine e = Engine.open(Support.SOURCE.resolve("rules/default"))) {
      e.loadPolicy(Support.SOURCE.resolve("rules/default"));
      assertNotNull(e.policyInfo().get("events"));
    }
  }

  @Test
  void deadlinesAndTick() {
    try (Case c = engine.createCase("D-1", Support.data())) {
      for (int n = 1; c.deadlines().isEmpty() && n <= Support.steps().size(); n++) {
        Support.Step s = Support.steps().get(n - 1);
        c.fireOrThrow(s.event(), s.actor(), s.payload(), s.at());
      }
      List<Object> pending = c.deadlines();
      assertFalse(pending.isEmpty(), "some step starts a deadline");
      long before = c.revision();
      Map<String, Object> tick = c.tick(Instant.parse("2027-06-01T00:00:00Z"));
      assertTrue(((Number) tick.get("escalated")).longValue() >= 1, tick.toString());
      assertTrue(c.revision() > before, "escalations are recorded in the ledger");
    }
  }
}
