/* The C API through a whole order: create, fire every step of tests/scenarios/full_order.json,
 * read the case back, snapshot and restore, replay, refusals and optimistic concurrency. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";

static void test_version(void) {
  CHECK(strcmp(ut_version(), UT_VERSION_STRING) == 0);
  {
    char parts[64];
    snprintf(parts, sizeof parts, "%d.%d.%d", UT_VERSION_MAJOR, UT_VERSION_MINOR, UT_VERSION_PATCH);
    CHECK(strcmp(parts, UT_VERSION_STRING) == 0); /* the numbers are the string's */
  }
  CHECK(UT_VERSION_NUMBER == UT_VERSION_MAJOR * 10000 + UT_VERSION_MINOR * 100 + UT_VERSION_PATCH);
  CHECK(strcmp(ut_status_name(UT_OK), "UT_OK") == 0);
  CHECK(strcmp(ut_status_name(UT_E_POLICY), "UT_E_POLICY") == 0);
  CHECK(strcmp(ut_status_name(12345), "UT_UNKNOWN") == 0);
  CHECK(ut_last_error() != NULL);
}

static void test_full_order(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  ut_case* found = NULL;
  ut_case* restored = NULL;
  ut_case* replayed = NULL;
  char* out = NULL;
  char* snapshot = NULL;
  char* snapshot2 = NULL;
  char* ledger = NULL;
  uint64_t revision = 99;
  size_t i;

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK(e != NULL);
  CHECK_STATUS(ut_engine_policy_info(e, &out), UT_OK);
  CHECK_CONTAINS(out, "\"contract.sign\"");
  ut_free(out);

  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK(strcmp(ut_last_error(), "") == 0);
  CHECK_STATUS(ut_case_state(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"Intake.Registered\"");
  CHECK_CONTAINS(out, "\"stage\":\"Intake\"");
  ut_free(out);
  CHECK_STATUS(ut_case_id(c, &out), UT_OK);
  CHECK(out && strcmp(out, FULL_ORDER_ID) == 0);
  ut_free(out);

  /* What may the market and sales people do now? */
  CHECK_STATUS(ut_case_available(c, market, &out), UT_OK);
  CHECK_CONTAINS(out, "\"event\":\"intake.forward\"");
  ut_free(out);
  CHECK_STATUS(ut_case_available(c, sales, &out), UT_OK);
  CHECK(out && strstr(out, "intake.forward") == NULL);
  ut_free(out);

  /* A refusal: sales may not forward the requirement; nothing changes. */
  CHECK_STATUS(ut_case_fire(c, "intake.forward", sales, NULL, "2026-03-02T08:00:00Z", &out),
               UT_REFUSED);
  CHECK_CONTAINS(out, "\"accepted\":false");
  CHECK_CONTAINS(out, "\"kind\":\"role\"");
  CHECK_CONTAINS(ut_last_error(), "refused");
  ut_free(out);
  CHECK_STATUS(ut_case_revision(c, &revision), UT_OK);
  CHECK(revision == 0);

  /* The found handle is the same one. */
  CHECK_STATUS(ut_engine_find_case(e, FULL_ORDER_ID, &found), UT_OK);
  CHECK(found == c);

  for (i = 0; i < FULL_ORDER_STEP_COUNT; ++i) {
    const ut_test_step* s = &full_order_steps[i];
    int rc = ut_case_fire(c, s->event, s->actor, s->payload, s->at, &out);
    if (rc != UT_OK) fprintf(stderr, "step %u (%s): %s\n", (unsigned)i, s->event, out);
    CHECK_STATUS(rc, UT_OK);
    CHECK_CONTAINS(out, "\"accepted\":true");
    if (s->state[0]) CHECK_CONTAINS(out, s->state);
    ut_free(out);
  }
  CHECK_STATUS(ut_case_revision(c, &revision), UT_OK);
  CHECK(revision == FULL_ORDER_STEP_COUNT);
  CHECK_STATUS(ut_case_state(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"Closed\"");
  ut_free(out);

  /* The outcome may be left out. */
  CHECK_STATUS(ut_case_fire(c, "case.close", sales, "", "2026-10-01", NULL), UT_REFUSED);

  /* Optimistic concurrency: a stale revision fires nothing. */
  CHECK_STATUS(ut_case_fire_if_revision(c, 3, "case.close", sales, NULL, "2026-10-01", &out),
               UT_E_CONFLICT);
  CHECK(out == NULL);
  CHECK_CONTAINS(ut_last_error(), "revision");

  CHECK_STATUS(ut_case_record(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"contract\"");
  ut_free(out);
  CHECK_STATUS(ut_case_risk(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"level\"");
  CHECK_CONTAINS(out, "\"index\"");
  ut_free(out);

  /* Snapshot, then restore: the id is taken while the case is open. */
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  CHECK_CONTAINS(snapshot, "\"format\":\"undertake.snapshot\"");
  CHECK_STATUS(ut_case_ledger(c, &ledger), UT_OK);
  CHECK_CONTAINS(ledger, "\"ledger\"");
  {
    /* The person scorecard and the quality report over that ledger (policy §四(二)2, §二(七)2). */
    const char* year = "{\"from\": \"2026-01-01\", \"to\": \"2026-12-31\"}";
    const size_t size = strlen(ledger) + 3;
    char* list = (char*)malloc(size);
    char* report = NULL;
    CHECK(list != NULL);
    if (list) {
      snprintf(list, size, "[%s]", ledger);
      CHECK_STATUS(ut_engine_kpi_people(e, list, year, &report), UT_OK);
      CHECK_CONTAINS(report, "\"id\":\"li\"");
      CHECK_CONTAINS(report, "\"deadline_timeliness\"");
      ut_free(report);
      CHECK_STATUS(ut_engine_quality(e, list, year, &report), UT_OK);
      CHECK_CONTAINS(report, "\"pass_rate\"");
      ut_free(report);
      report = NULL;
      CHECK_STATUS(
          ut_engine_quality(e, list, "{\"from\": \"2026-12-31\", \"to\": \"2026-01-01\"}", &report),
          UT_E_INVALID_ARGUMENT);
      CHECK(report == NULL);
      CHECK(ut_engine_kpi_people(e, "[{}]", year, &report) < 0); /* a ledger without case */
      CHECK(report == NULL);
      free(list);
    }
  }
  CHECK_STATUS(ut_case_restore(e, snapshot, &restored), UT_E_CONFLICT);
  CHECK(restored == NULL);
  ut_case_free(c);
  CHECK_STATUS(ut_engine_find_case(e, FULL_ORDER_ID, &found), UT_E_NOT_FOUND);
  CHECK(found == NULL);

  CHECK_STATUS(ut_case_restore(e, snapshot, &restored), UT_OK);
  CHECK_STATUS(ut_case_snapshot(restored, &snapshot2), UT_OK);
  CHECK(snapshot2 && strcmp(snapshot, snapshot2) == 0);
  ut_case_free(restored);

  CHECK_STATUS(ut_case_replay(e, ledger, &replayed), UT_OK);
  CHECK_STATUS(ut_case_revision(replayed, &revision), UT_OK);
  CHECK(revision == FULL_ORDER_STEP_COUNT);
  ut_case_free(replayed);

  ut_free(snapshot);
  ut_free(snapshot2);
  ut_free(ledger);
  ut_engine_close(e);
}

static void test_risks(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  size_t i;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, "R-1", full_order_data, &c), UT_OK);
  for (i = 0; i < 2; ++i) {
    const ut_test_step* s = &full_order_steps[i];
    CHECK_STATUS(ut_case_fire(c, s->event, s->actor, s->payload, s->at, NULL), UT_OK);
  }
  CHECK_STATUS(ut_case_fire(c, "evaluation.risks", sales,
                            "{\"risks\":[{\"id\":\"R1\",\"category\":\"production\","
                            "\"description\":\"die casting machine overloaded\","
                            "\"probability\":4,\"impact\":4,\"response\":\"mitigate\","
                            "\"owner\":\"sun\"}]}",
                            "2026-03-04T09:00:00Z", &out),
               UT_OK);
  ut_free(out);
  CHECK_STATUS(ut_case_risk(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"level\":\"critical\"");
  CHECK_CONTAINS(out, "\"R1\"");
  ut_free(out);
  ut_case_free(c);
  ut_engine_close(e);
}

static void test_policy_loading(void) {
  ut_engine* e = NULL;
  ut_engine* e2 = NULL;
  char* builtin = NULL;
  char* info = NULL;
  CHECK_STATUS(ut_policy_builtin_json(&builtin), UT_OK);
  CHECK_CONTAINS(builtin, "\"gates\"");
  CHECK_STATUS(ut_engine_open_json(builtin, &e), UT_OK);
  CHECK_STATUS(ut_engine_load_policy_json(e, builtin), UT_OK);
  CHECK_STATUS(ut_engine_reload(e), UT_OK);
  /* A patch changes one part; the policy's version follows it. */
  CHECK_STATUS(ut_engine_load_policy_patch(e, "{\"policy\":{\"version\":\"patched-1\"}}"), UT_OK);
  CHECK_STATUS(ut_engine_policy_info(e, &info), UT_OK);
  CHECK_CONTAINS(info, "\"version\":\"patched-1\"");
  ut_free(info);
  CHECK_STATUS(ut_engine_reload(e), UT_OK); /* reload keeps the patch */
  CHECK_STATUS(ut_engine_policy_info(e, &info), UT_OK);
  CHECK_CONTAINS(info, "\"version\":\"patched-1\"");
  ut_free(info);
  /* A rules directory. */
  CHECK_STATUS(ut_engine_open(UNDERTAKE_SOURCE_DIR "/rules/default", &e2), UT_OK);
  CHECK_STATUS(ut_engine_load_policy(e2, UNDERTAKE_SOURCE_DIR "/rules/default"), UT_OK);
  ut_engine_close(e2);
  ut_free(builtin);
  ut_engine_close(e);
}

int main(void) {
  test_version();
  test_full_order();
  test_risks();
  test_policy_loading();
  return ut_test_summary("capi_lifecycle");
}
