/* Fail closed through the C API: rule evaluation limits set per engine (ut_engine_set_rule_limits),
 * a host rule that cannot decide refuses the event whatever its severity (reason kind
 * "rule_error"), and a record the engine could not store is never accepted: create → fire →
 * snapshot → restore round-trips whenever an event was accepted. */
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const production = "{\"id\":\"sun\",\"roles\":[\"production\"]}";
static const char* const quality = "{\"id\":\"qian\",\"roles\":[\"quality\"]}";

/* intake.forward sums payload.numbers (about 3 steps per number); intake.confirm asks the host. */
static const char* const patch =
    "{\"gates\": {\"gates\": {"
    "\"intake.forward\": {\"rules\": [{\"id\": \"heavy\", \"message\": \"m\", \"condition\": "
    "{\">=\": [{\"reduce\": [{\"var\": \"payload.numbers\"}, {\"+\": [{\"var\": \"current\"}, "
    "{\"var\": \"accumulator\"}]}, 0]}, 0]}}]},"
    "\"intake.confirm\": {\"rules\": [{\"id\": \"credit\", \"rule\": \"credit_check\", "
    "\"message\": \"m\", \"severity\": \"warn\"}]}}}}";

static int credit_check(void* user_data, const char* facts_json, const char* event,
                        const char* actor_json, ut_verdict* verdict) {
  (void)user_data;
  (void)facts_json;
  (void)event;
  (void)actor_json;
  ut_verdict_set_message(verdict, "the credit service is down");
  return -1; /* cannot decide */
}

/* {"numbers": [0, 1, ..., count - 1]} */
static char* numbers_payload(int count) {
  char* text = (char*)malloc((size_t)count * 8 + 32);
  char* p = text;
  int i;
  if (!text) return NULL;
  p += sprintf(p, "{\"numbers\": [");
  for (i = 0; i < count; ++i) p += sprintf(p, i ? ",%d" : "%d", i);
  sprintf(p, "]}");
  return text;
}

static ut_case* new_case(ut_engine* e, const char* id) {
  ut_case* c = NULL;
  CHECK_STATUS(ut_case_create(e, id, full_order_data, &c), UT_OK);
  return c;
}

static char* snapshot(ut_case* c) {
  char* text = NULL;
  CHECK_STATUS(ut_case_snapshot(c, &text), UT_OK);
  return text;
}

/* The snapshot restores on another engine, to the same revision. */
static void check_restores(ut_case* c) {
  ut_engine* other = NULL;
  ut_case* restored = NULL;
  uint64_t a = 0, b = 1;
  char* text = snapshot(c);
  CHECK_STATUS(ut_engine_open_default(&other), UT_OK);
  CHECK_STATUS(ut_case_restore(other, text, &restored), UT_OK);
  CHECK_STATUS(ut_case_revision(c, &a), UT_OK);
  CHECK_STATUS(ut_case_revision(restored, &b), UT_OK);
  CHECK(a == b);
  ut_case_free(restored);
  ut_engine_close(other);
  ut_free(text);
}

static void test_rule_limits(void) {
  ut_engine* e = NULL;
  ut_case* low;
  ut_case* high;
  char* payload = numbers_payload(1000);
  char* out = NULL;
  char* before;
  char* after;

  CHECK_STATUS(ut_engine_set_rule_limits(NULL, 0, 1000, 0), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_register_rule(e, "credit_check", credit_check, NULL), UT_OK);
  CHECK_STATUS(ut_engine_load_policy_patch(e, patch), UT_OK);

  /* A lowered step limit refuses an event whose gate needs more (fail closed)... */
  CHECK_STATUS(ut_engine_set_rule_limits(e, 0, 1000, 0), UT_OK);
  low = new_case(e, "LOW");
  before = snapshot(low);
  CHECK_STATUS(ut_case_fire(low, "intake.forward", market, payload, full_order_steps[0].at, &out),
               UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"rule_error\"");
  CHECK_CONTAINS(out, "\"rule\":\"heavy\"");
  CHECK_CONTAINS(out, "max_steps (1000)");
  CHECK_CONTAINS(ut_last_error(), "(rule_error)");
  ut_free(out);
  after = snapshot(low);
  CHECK(strcmp(before, after) == 0);
  ut_free(before);
  ut_free(after);

  /* ... and a raised one accepts it, for the cases opened afterwards (0 keeps the others). */
  CHECK_STATUS(ut_engine_set_rule_limits(e, 0, 100000, 0), UT_OK);
  high = new_case(e, "HIGH");
  CHECK_STATUS(ut_case_fire(high, "intake.forward", market, payload, full_order_steps[0].at, NULL),
               UT_OK);
  /* The case opened before keeps its limits. */
  CHECK_STATUS(ut_case_fire(low, "intake.forward", market, payload, full_order_steps[0].at, NULL),
               UT_REFUSED);

  /* A host rule that cannot decide refuses the event, although its severity is only "warn". */
  CHECK_STATUS(ut_case_fire(high, "intake.confirm", sales, NULL, full_order_steps[1].at, &out),
               UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"rule_error\"");
  CHECK_CONTAINS(out, "\"rule\":\"credit\"");
  CHECK_CONTAINS(out, "the credit service is down");
  ut_free(out);

  ut_case_free(low);
  ut_case_free(high);
  ut_engine_close(e);
  free(payload);
}

/* Fires the full order's steps up to (not including) the first `event`. */
static void advance_to(ut_case* c, const char* event) {
  size_t i;
  for (i = 0; i < FULL_ORDER_STEP_COUNT && strcmp(full_order_steps[i].event, event) != 0; ++i)
    CHECK_STATUS(ut_case_fire(c, full_order_steps[i].event, full_order_steps[i].actor,
                              full_order_steps[i].payload, full_order_steps[i].at, NULL),
                 UT_OK);
}

static void test_margin(void) {
  ut_engine* e = NULL;
  ut_case* c;
  char* out = NULL;
  char* before;
  char* after;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  c = new_case(e, "MARGIN");
  advance_to(c, "evaluation.quote");
  before = snapshot(c);
  CHECK_STATUS(ut_case_fire(c, "evaluation.quote", sales, "{\"price\":1e-320,\"cost\":1}",
                            "2026-03-05T10:00:00Z", &out),
               UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"invalid_payload\"");
  CHECK_CONTAINS(out, "evaluation.quote.margin would be -Infinity");
  ut_free(out);
  after = snapshot(c);
  CHECK(strcmp(before, after) == 0);
  CHECK(strstr(after, "Infinity") == NULL);
  ut_free(before);
  ut_free(after);
  CHECK_STATUS(ut_case_fire(c, "evaluation.quote", sales, "{\"price\":420000,\"cost\":320000}",
                            "2026-03-05T10:00:00Z", NULL),
               UT_OK);
  check_restores(c);
  ut_case_free(c);
  ut_engine_close(e);
}

/* Reports and inspects batch B1 with `cost`, then reports batch B2 with `cost`: returns the
 * status of that, with *before the snapshot just before it. */
static int two_batches(ut_case* c, const char* cost, char** before, char** out) {
  char report[128];
  sprintf(report, "{\"batch\":\"B1\",\"quantity\":1,\"cost\":%s}", cost);
  CHECK_STATUS(
      ut_case_fire(c, "production.report", production, report, "2026-05-10T09:00:00Z", NULL),
      UT_OK);
  CHECK_STATUS(ut_case_fire(c, "production.inspect", quality, "{\"batch\":\"B1\",\"passed\":true}",
                            "2026-05-11T09:00:00Z", NULL),
               UT_OK);
  *before = snapshot(c);
  sprintf(report, "{\"batch\":\"B2\",\"quantity\":1,\"cost\":%s}", cost);
  return ut_case_fire(c, "production.report", production, report, "2026-06-01T09:00:00Z", out);
}

static void test_costs(void) {
  ut_engine* e = NULL;
  ut_case* c;
  char* out = NULL;
  char* before = NULL;
  char* after;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);

  /* 1.7e308 twice would be an infinite actual cost: refused, nothing changed. */
  c = new_case(e, "HUGE");
  advance_to(c, "production.report");
  CHECK_STATUS(two_batches(c, "1.7e308", &before, &out), UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"invalid_payload\"");
  CHECK_CONTAINS(out, "production.actual_cost would be Infinity");
  ut_free(out);
  after = snapshot(c);
  CHECK(strcmp(before, after) == 0);
  ut_free(before);
  ut_free(after);
  check_restores(c);
  ut_case_free(c);

  /* 9e18 twice overflows an int64: accepted as the double 1.8e19, and restorable. */
  c = new_case(e, "BIG");
  advance_to(c, "production.report");
  CHECK_STATUS(two_batches(c, "9e18", &before, NULL), UT_OK);
  ut_free(before);
  CHECK_STATUS(ut_case_record(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"actual_cost\":1.8E19");
  ut_free(out);
  check_restores(c);
  ut_case_free(c);
  ut_engine_close(e);
}

int main(void) {
  test_rule_limits();
  test_margin();
  test_costs();
  return ut_test_summary("capi_fail_closed");
}
