package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every status of the C API, as the exception a Java host catches. */
class ErrorsTest {
  @TempDir Path dir;

  private static <T extends UndertakeException> T expect(
      Class<T> type, String name, org.junit.jupiter.api.function.Executable call) {
    T e = assertThrows(type, call);
    assertEquals(name, e.statusName());
    assertFalse(e.getMessage().isEmpty(), "the library says why");
    return e;
  }

  @Test
  void everyStatusRaisedByTheLibrary() {
    try (Engine engine = Engine.open()) {
      Instant at = Instant.parse("2026-03-02T00:00:00Z");
      expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
          () -> engine.createCase("", Support.data()));
      expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
          () -> engine.createCase("bad-\ud800", Support.data()));
      expect(InvalidJsonException.class, "UT_E_INVALID_JSON",
          () -> engine.createCase("X-1", "{not json"));
      expect(InvalidJsonException.class, "UT_E_INVALID_JSON",
          () -> engine.createCase("X-1", Map.of("quantity", Double.NaN)));
      expect(PolicyException.class, "UT_E_POLICY", () -> Engine.fromJson("{\"roles\": 3}"));
      expect(SnapshotException.class, "UT_E_SNAPSHOT",
          () -> engine.restore("{\"format\": \"undertake.snapshot\"}"));
      expect(NotFoundException.class, "UT_E_NOT_FOUND",
          () -> Engine.open(Path.of("/nonexistent/rules")));
      try (Case c = engine.createCase("X-1", Support.data())) {
        expect(ConflictException.class, "UT_E_CONFLICT",
            () -> engine.createCase("X-1", Support.data()));
        expect(InvalidJsonException.class, "UT_E_INVALID_JSON",
            () -> c.fire("intake.forward", Support.MARKET, List.of(1, 2), at));
        expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
            () -> c.fire("intake.forward", Support.MARKET, null, "last tuesday"));
        expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
            () -> c.fire("intake.forward", new Actor("", List.of("market")), null, at));
        expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
            () -> c.fire("intake.forward", Support.MARKET, null, (Instant) null));
        Support.run(c, 1);
        expect(ConflictException.class, "UT_E_CONFLICT",
            () -> c.fireIfRevision(0, "intake.confirm", Support.SALES, null, at));
        expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
            () -> c.tick(Instant.parse("2020-01-01T00:00:00Z")));
        engine.setLimits(256, 0);
        expect(LimitException.class, "UT_E_LIMIT",
            () -> c.fire("intake.confirm", Support.SALES, Map.of("note", "x".repeat(1000)), at));
        engine.setLimits(1 << 20, 8);
        expect(LimitException.class, "UT_E_LIMIT",
            () -> c.fire("intake.confirm", Support.SALES, "{\"a\": [[[[[[[[[[1]]]]]]]]]]}", at));
        expect(
            InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT", () -> engine.setLimits(0, 3));
        engine.registerKpi(
            "sales.revenue", null, (ledgers, period) -> { throw new IllegalStateException("no"); });
        expect(RuleException.class, "UT_E_RULE",
            ()
                -> engine.kpiOf(
                    List.of(c), LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31")));
        expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
            ()
                -> engine.kpi(
                    "[]", LocalDate.parse("2026-12-31"), LocalDate.parse("2026-01-01"), false));
      }
      expect(UndertakeIOException.class, "UT_E_IO",
          () -> Store.open(dir.resolve("no/such/dir.db").toString()));
      Engine closed = Engine.open();
      Case orphan = closed.createCase("O-1", Support.data());
      closed.close();
      expect(ClosedException.class, "UT_E_CLOSED",
          () -> orphan.fire("intake.forward", Support.MARKET, null, at));
      orphan.close();
    }
  }

  /** The statuses no call from outside can provoke (out of memory, a bug): mapped all the same. */
  @Test
  void everyStatusMapsToItsException() {
    Map<Integer, Class<? extends UndertakeException>> want =
        Map.ofEntries(Map.entry(-1, InvalidArgumentException.class),
            Map.entry(-2, InvalidJsonException.class), Map.entry(-3, PolicyException.class),
            Map.entry(-4, SnapshotException.class), Map.entry(-5, NotFoundException.class),
            Map.entry(-6, ConflictException.class), Map.entry(-7, LimitException.class),
            Map.entry(-8, RuleException.class), Map.entry(-9, UndertakeIOException.class),
            Map.entry(-10, NativeOutOfMemoryException.class), Map.entry(-11, ClosedException.class),
            Map.entry(-12, InternalException.class), Map.entry(-99, InternalException.class));
    want.forEach((status, type) -> {
      UndertakeException e = UndertakeException.of(status, "why");
      assertEquals(type, e.getClass());
      assertEquals(status, e.status());
      assertEquals(Status.name(status), e.statusName());
    });
    assertEquals("UT_E_NO_MEMORY", UndertakeException.of(-10, "").statusName());
    assertEquals("UT_UNKNOWN", UndertakeException.of(-99, "").statusName());
    assertEquals(0, Status.check(0));
    assertEquals(1, Status.check(1));
  }

  @Test
  void errorsSayTheirKindAndWhere() {
    try (Engine engine = Engine.open()) {
      SnapshotException snapshot = assertThrows(
          SnapshotException.class, () -> engine.restore("{\"format\": \"undertake.snapshot\"}"));
      assertEquals("invalid_snapshot", snapshot.kind());
      assertTrue(snapshot.where().contains("/format_version"), snapshot.where());
      InvalidJsonException json = assertThrows(
          InvalidJsonException.class, () -> engine.createCase("W-1", "{\"customer\": "));
      assertEquals("invalid_json", json.kind());
      assertTrue(json.where().contains("data"), json.where());
      assertEquals("", new InvalidArgumentException("from Java").kind());
    }
  }

  @Test
  void javaSideChecks() {
    try (Engine engine = Engine.open()) {
      expect(InvalidArgumentException.class, "UT_E_INVALID_ARGUMENT",
          () -> engine.createCase("a\0b", Support.data()));
      Case c = engine.createCase("J-1", Support.data());
      c.close();
      assertThrows(IllegalStateException.class,
          () -> c.fire("intake.forward", Support.MARKET, null, "2026-03-02"));
      assertThrows(NullPointerException.class, () -> Actor.of(null));
    }
  }
}
