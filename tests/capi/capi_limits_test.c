/* The input limits through the C API (include/undertake/limits.hpp, issue 13): what the engine
 * accepts, its snapshot restores. A payload may nest max_json_depth less 4 (the levels of the
 * snapshot around it), a form max_json_depth less 2; a case is refused the event that could make
 * its snapshot larger than max_json_bytes; case ids follow the identifier rules (no control
 * characters either); the limits can be set within their bounds only. */
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const t0 = "2026-03-02T09:00:00Z";

/* {"x": [[...]]} nested `depth` levels (the outer object is one). The caller frees it. */
static char* nested(size_t depth) {
  char* text = (char*)malloc(2 * depth + 16);
  size_t i, n = 0;
  if (!text) return NULL;
  n += (size_t)sprintf(text, "{\"x\":");
  for (i = 1; i < depth; ++i) text[n++] = '[';
  for (i = 1; i < depth; ++i) text[n++] = ']';
  text[n++] = '}';
  text[n] = '\0';
  return text;
}

/* Takes the case's snapshot, frees the case, restores it and checks the snapshot is the same. */
static void check_restores(ut_engine* e, ut_case* c) {
  char* before = NULL;
  char* after = NULL;
  ut_case* again = NULL;
  CHECK_STATUS(ut_case_snapshot(c, &before), UT_OK);
  ut_case_free(c);
  CHECK_STATUS(ut_case_restore(e, before, &again), UT_OK);
  if (again) CHECK_STATUS(ut_case_snapshot(again, &after), UT_OK);
  CHECK(before && after && strcmp(before, after) == 0);
  ut_free(before);
  ut_free(after);
  ut_case_free(again);
}

static void test_payload_depth(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  char* sixty = nested(60);
  char* sixty_one = nested(61);
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  /* 61 levels parse (the text limit is 64) but cannot be stored: refused, naming the limit. */
  CHECK_STATUS(ut_case_create(e, "D-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, sixty_one, t0, &out), UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"limit\"");
  CHECK_CONTAINS(out, "max_json_depth (64) less the 4 levels");
  ut_free(out);
  out = NULL;
  /* 60 levels are accepted, and the case restores from its snapshot. */
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, sixty, t0, NULL), UT_OK);
  check_restores(e, c);
  free(sixty);
  free(sixty_one);
  ut_engine_close(e);
}

static void test_form_depth_and_ids(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* deep = nested(63);
  char* fits = nested(62);
  char* id = (char*)malloc(4098);
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, "F-1", deep, &c), UT_E_LIMIT);
  CHECK_CONTAINS(ut_last_error(), "max_json_depth (64) less the 2 levels");
  CHECK(c == NULL);
  CHECK_STATUS(ut_case_create(e, "F-2", fits, &c), UT_OK);
  if (c) check_restores(e, c);
  c = NULL;
  CHECK_STATUS(ut_case_create(e, "ESC\x1b[31m", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "case_id: a control character (U+001B) at byte 3");
  CHECK_STATUS(ut_case_create(e, "C1\xc2\x9b", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "U+009B");
  CHECK_STATUS(ut_case_create(e, "line\nbreak", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_create(e, "BAD\xff\xfeID", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "not valid UTF-8");
  if (id) {
    memset(id, 'i', 4097);
    id[4097] = '\0';
    CHECK_STATUS(ut_case_create(e, id, full_order_data, &c), UT_E_INVALID_ARGUMENT);
    CHECK_CONTAINS(ut_last_error(), "max_id_bytes (4096)");
    id[4096] = '\0';
    CHECK_STATUS(ut_case_create(e, id, full_order_data, &c), UT_OK);
    if (c) check_restores(e, c);
  }
  free(id);
  free(deep);
  free(fits);
  ut_engine_close(e);
}

static void test_limits_bounds(void) {
  ut_engine* e = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_set_limits(e, 0, 1001), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "from 8 to 1000");
  CHECK_STATUS(ut_engine_set_limits(e, 0, 7), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_set_limits(e, 0, 1000), UT_OK);
  CHECK_STATUS(ut_engine_set_limits(e, 0, 8), UT_OK);
  ut_engine_close(e);
}

/* A case that grows event by event is refused the event that could take its snapshot past the
 * byte limit, and what it accepted restores within that limit. */
static void test_snapshot_size(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  char* payload = (char*)malloc(40000);
  char* snapshot = NULL;
  int i, rc = UT_OK, accepted = 0;
  CHECK(payload != NULL);
  if (!payload) return;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_set_limits(e, 256 * 1024, 0), UT_OK);
  CHECK_STATUS(ut_case_create(e, "S-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, "{}", t0, NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, "{}", "2026-03-03", NULL), UT_OK);
  for (i = 0; i < 40 && rc == UT_OK; ++i) {
    /* A new risk each time, with a long description: the ledger and the record grow. */
    size_t n = (size_t)sprintf(payload,
                               "{\"risks\":[{\"id\":\"R%d\",\"category\":\"market\","
                               "\"probability\":2,\"impact\":2,\"description\":\"",
                               i);
    memset(payload + n, 'd', 10000);
    strcpy(payload + n + 10000, "\"}]}");
    rc = ut_case_fire(c, "evaluation.risks", sales, payload, "2026-03-04", &out);
    if (rc == UT_OK) ++accepted;
    if (rc != UT_OK) {
      CHECK_STATUS(rc, UT_REFUSED);
      CHECK_CONTAINS(out, "\"kind\":\"limit\"");
      CHECK_CONTAINS(out, "max_json_bytes (262144)");
    }
    ut_free(out);
    out = NULL;
  }
  CHECK(accepted >= 5);
  CHECK(rc == UT_REFUSED);
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  CHECK(snapshot && strlen(snapshot) <= 256 * 1024);
  ut_free(snapshot);
  check_restores(e, c);
  free(payload);
  ut_engine_close(e);
}

int main(void) {
  test_payload_depth();
  test_form_depth_and_ids();
  test_limits_bounds();
  test_snapshot_size();
  return ut_test_summary("capi_limits");
}
