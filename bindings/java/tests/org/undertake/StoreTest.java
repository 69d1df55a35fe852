package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
  @TempDir Path dir;
  private Engine engine;
  private Store store;

  @BeforeEach
  void open() {
    engine = Engine.open();
    store = Store.open("sqlite:" + dir.resolve("cases.db") + "?synchronous=off");
  }

  @AfterEach
  void close() {
    store.close();
    engine.close();
  }

  private void add(String caseId) {
    try (Case c = engine.createCase(caseId, Support.data())) {
      store.create(c);
    }
  }

  @Test
  void createLoadSaveAndAConflict() {
    add("SO-1");
    ConflictException dup = assertThrows(ConflictException.class, () -> add("SO-1"));
    assertTrue(dup.getMessage().contains("SO-1"), dup.getMessage());
    try (Case first = store.load(engine, "SO-1"); Case second = store.load(engine, "SO-1")) {
      assertEquals(List.of("Intake.Registered"), first.state());
      Support.run(first, 1);
      Support.run(second, 1);
      store.save(first, 0);
      ConflictException stale = assertThrows(ConflictException.class, () -> store.save(second, 0));
      assertEquals("UT_E_CONFLICT", stale.statusName());
      assertTrue(stale.getMessage().contains("revision"), stale.getMessage());
    }
    try (Case again = store.load(engine, "SO-1")) {
      assertEquals(1, again.revision());
    }
    assertThrows(NotFoundException.class, () -> store.load(engine, "SO-404"));
    assertThrows(NotFoundException.class, () -> store.ledger("SO-404"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ledger =
        (List<Map<String, Object>>) store.ledger("SO-1").get("ledger");
    assertEquals("intake.forward", ledger.get(0).get("event"));
  }

  @Test
  void wholeOrderThroughTheStoreWithRequestIds() {
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    engine.setListener((caseId, event, outcome) -> heard.add(event));
    add("SO-2026-001");
    int n = 0;
    for (Support.Step s : Support.steps()) {
      String requestId = "click-" + (++n);
      Outcome o =
          store.fire(engine, "SO-2026-001", s.event(), s.actor(), s.payload(), s.at(), requestId);
      assertTrue(o.accepted(), o.toString());
      assertEquals(1, o.attempts());
      assertFalse(o.repeated());
      assertEquals(requestId, o.requestId());
    }
    assertEquals(Support.steps().size(), heard.size());
    // The user clicked twice (or the app server retried): the first answer, nothing fired.
    Support.Step last = Support.steps().get(Support.steps().size() - 1);
    Outcome retry = store.fire(
        engine, "SO-2026-001", last.event(), last.actor(), last.payload(), last.at(), "click-" + n);
    assertTrue(retry.repeated());
    assertTrue(retry.accepted());
    assertEquals(Support.steps().size(), retry.seq());
    assertEquals(Support.steps().size(), heard.size(), "a repeat is not heard");
    try (Case c = store.load(engine, "SO-2026-001")) {
      assertEquals(List.of("Closed"), c.state());
      assertEquals(Support.steps().size(), c.revision());
    }
    // a refusal is an outcome, stored nowhere
    Outcome refused = store.fire(engine, "SO-2026-001", "intake.forward", Support.MARKET, null,
        Instant.parse("2026-12-01T00:00:00Z"), null);
    assertFalse(refused.accepted());
    assertEquals("state", refused.reasons().get(0).kind());

    List<Change> changes = store.changes(0, 1000);
    assertEquals(Support.steps().size(), changes.size());
    assertEquals("intake.forward", changes.get(0).entry().get("event"));
    assertEquals(List.of(), store.changes(changes.get(changes.size() - 1).position(), 10));
    assertEquals(Boolean.TRUE, store.verify(engine, "SO-2026-001").get("ok"));

    KpiReport report =
        store.kpi(engine, LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"), false);
    assertEquals(420000.0, report.kpis().get("sales.revenue").value());
    assertEquals(130000.0, report.kpis().get("sales.profit").value());
  }

  @Test
  void inboxListAndTick() {
    add("IN-1");
    add("IN-2");
    store
        .fire(engine, "IN-2", "intake.forward", Support.MARKET, null,
            Instant.parse("2026-03-02T09:00:00Z"), "r-1")
        .orThrow();
    InboxItem.Page market = store.inbox(engine, Support.MARKET);
    List<String> forwardable =
        market.items()
            .stream()
            .filter(i -> i.events().contains(new AvailableEvent("intake.forward", false)))
            .map(InboxItem::caseId)
            .toList();
    assertEquals(List.of("IN-1"), forwardable, market.toString());
    assertNull(market.next());
    InboxItem.Page first = store.inbox(engine, Support.SALES, null, null, null, null, 1);
    assertEquals(List.of("IN-1"), first.items().stream().map(InboxItem::caseId).toList());
    assertEquals("IN-1", first.next());
    InboxItem.Page second = store.inbox(engine, Support.SALES, null, null, null, first.next(), 1);
    InboxItem in2 = second.items().get(0);
    assertEquals("IN-2", in2.caseId());
    assertEquals("Intake", in2.stage());
    assertEquals(1, in2.revision());
    assertTrue(
        in2.events().stream().anyMatch(e -> e.event().equals("intake.confirm")), in2.toString());
    assertEquals(2, store.list(null).size());
    assertEquals(1, store.list(Map.of("stage", "Intake", "limit", 1)).size());
    assertThrows(InvalidArgumentException.class, () -> store.list(Map.of("colour", "red")));
    Map<String, Object> tick = store.tick(engine, Instant.parse("2027-01-01T00:00:00Z"));
    assertTrue(tick.containsKey("cases_checked"), tick.toString());
  }

  @Test
  void openFailuresAndReadOnly() throws IOException {
    UndertakeIOException io = assertThrows(
        UndertakeIOException.class, () -> Store.open(dir.resolve("no/such/dir.db").toString()));
    assertEquals("UT_E_IO", io.statusName());
    Path junk = dir.resolve("junk.db");
    Files.write(junk, "not a database ".repeat(512).getBytes());
    assertThrows(UndertakeIOException.class, () -> Store.open(junk.toString()));
    assertThrows(InvalidArgumentException.class,
        () -> Store.open("sqlite:" + dir.resolve("x.db") + "?mode=readonly"));
    add("RO-1");
    Store ro = Store.open("sqlite:" + dir.resolve("cases.db") + "?mode=ro");
    {
      assertEquals(1, ro.list(null).size());
      UndertakeIOException e = assertThrows(UndertakeIOException.class,
          ()
              -> ro.fire(engine, "RO-1", "intake.forward", Support.MARKET, null,
                  Instant.parse("2026-03-02T00:00:00Z"), null));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      ro.close();
      ro.close(); // idempotent
      assertThrows(ClosedException.class, () -> ro.list(null));
    }
  }
}
