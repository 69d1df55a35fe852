package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallbacksTest {
  /**
   * A gate on intake.confirm that asks the host's ERP (policy §二(一): credit before confirming).
   */
  static final Map<String, Object> CREDIT_GATE =
      Map.of("policy", Map.of("version", "credit-java"), "gates",
          Map.of("gates",
              Map.of("intake.confirm",
                  Map.of("rules",
                      List.of(Map.of("id", "credit-ok", "description",
                          "The customer is within its credit limit.", "rule", "credit_check",
                          "message", "the customer is over its credit limit"))))));

  private Engine engine;

  @BeforeEach
  void open() {
    engine = Engine.open();
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private Outcome confirm(Case c) {
    return c.fire("intake.confirm", Support.SALES, null, Instant.parse("2026-03-03T00:00:00Z"));
  }

  private Case forwarded(String id) {
    Case c = engine.createCase(id, Support.data());
    Support.run(c, 1);
    return c;
  }

  @Test
  void policyNeedsTheRuleFirst() {
    PolicyException e = assertThrows(PolicyException.class, () -> engine.patchPolicy(CREDIT_GATE));
    assertTrue(e.getMessage().contains("credit_check"), e.getMessage());
  }

  @Test
  void customRuleAsALambda() {
    List<Verdict> answers = List.of(Verdict.fail(null), Verdict.fail("owes 120000"),
        Verdict.fail("over").withDetails(Map.of("owed", 1)), Verdict.pass());
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    engine.registerRule("credit_check", request -> {
      calls.add(
          request.fact("data.customer.name") + " " + request.event() + " " + request.actor().id());
      return answers.get(calls.size() - 1);
    });
    engine.patchPolicy(CREDIT_GATE);
    try (Case c = forwarded("K-1")) {
      Outcome o = confirm(c);
      assertFalse(o.accepted());
      assertEquals("credit-ok", o.reasons().get(0).rule());
      assertTrue(o.reasons().get(0).message().contains("over its credit limit"), o.toString());
      assertEquals("owes 120000", confirm(c).reasons().get(0).message());
      @SuppressWarnings("unchecked")
      Map<String, Object> rule =
          (Map<String, Object>) ((List<Object>) confirm(c).trace().get("rules")).get(0);
      assertEquals(Map.of("owed", 1L), rule.get("details"));
      assertTrue(confirm(c).accepted());
      assertEquals("Hengda Machinery intake.confirm li", calls.get(0));
    }
  }

  @Test
  void aThrowingRuleFailsClosed() {
    engine.registerRule(
        "credit_check", request -> { throw new IllegalStateException("ERP down"); });
    engine.patchPolicy(CREDIT_GATE);
    try (Case c = forwarded("K-2")) {
      Outcome o = confirm(c);
      assertFalse(o.accepted());
      assertEquals("rule_error", o.reasons().get(0).kind());
      assertTrue(o.reasons().get(0).message().contains("ERP down"), o.toString());
      assertEquals(1, c.revision());
    }
  }

  @Test
  void rulesStayReachableWhileRegistered() {
    engine.registerRule("credit_check", request -> Verdict.pass()); // no other reference
    for (int i = 0; i < 5; i++) System.gc();
    engine.patchPolicy(CREDIT_GATE);
    for (int i = 0; i < 5; i++) System.gc();
    try (Case c = forwarded("K-3")) {
      assertTrue(confirm(c).accepted());
    }
  }

  @Test
  void listenerHearsAcceptedAndRefused() {
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    engine.setListener(
        (caseId, event, outcome)
            -> heard.add(caseId + " " + event + " " + outcome.accepted() + " " + outcome.state()));
    try (Case c = engine.createCase("N-1", Support.data())) {
      Support.run(c, 1);
      c.fire("contract.sign", Support.SALES, null, Instant.parse("2026-03-03T00:00:00Z"));
      assertEquals(List.of("N-1 intake.forward true [Intake.SalesReview]",
                       "N-1 contract.sign false [Intake.SalesReview]"),
          heard);
      engine.setListener((caseId, event, outcome) -> { throw new RuntimeException("ignored"); });
      assertTrue(confirm(c).accepted(), "the event stands whatever the listener does");
      engine.setListener(null);
    }
  }

  @Test
  void kpiReportAndAHostCalculator() {
    AtomicInteger calls = new AtomicInteger();
    engine.registerKpi("sales.repeat_customers",
        Map.of("title", "Repeat customers", "department", "sales", "unit", "count", "direction",
            "higher", "target", 2),
        (ledgers, period) -> {
          calls.incrementAndGet();
          return ledgers.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(ledgers.size());
        });
    try (Case c = engine.createCase("SO-2026-001", Support.data())) {
      Support.run(c, Support.steps().size());
      KpiReport report =
          engine.kpiOf(List.of(c), LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"));
      @SuppressWarnings("unchecked")
      Map<String, Object> want =
          (Map<String, Object>) ((Map<String, Object>) Support.FULL_ORDER_FILE.get("expect_kpis"))
              .get("values");
      assertFalse(want.isEmpty());
      want.forEach((id, value) -> {
        KpiReport.Kpi kpi = report.kpis().get(id);
        assertNotNull(kpi, id);
        if (value == null)
          assertNull(kpi.value(), id);
        else
          assertEquals(((Number) value).doubleValue(), kpi.value(), 1e-9, id);
      });
      assertEquals(1.0, report.kpis().get("sales.repeat_customers").value());
      assertEquals("sales", report.kpis().get("sales.revenue").department());
      assertNotNull(report.departments().get("sales").score());
      assertEquals(1, calls.get());
    }
    engine.registerKpi("sales.repeat_customers", null,
        (ledgers, period) -> { throw new IllegalStateException("no"); });
    assertThrows(RuleException.class,
        ()
            -> engine.kpi(
                "[]", LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"), false));
  }

  @Test
  void closingTheEngineFromItsOwnCallbackIsRefusedNotADeadlock() {
    List<Throwable> seen = Collections.synchronizedList(new ArrayList<>());
    engine.registerKpi("sales.repeat_customers", null, (ledgers, period) -> {
      try {
        engine.close();
      } catch (IllegalStateException e) {
        seen.add(e);
        throw e;
      }
      return OptionalDouble.empty();
    });
    assertThrows(RuleException.class,
        ()
            -> engine.kpi(
                "[]", LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"), false));
    assertEquals(1, seen.size());
    assertFalse(engine.isClosed());
  }
}
