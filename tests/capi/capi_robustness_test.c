/* The boundary under abuse: NULL pointers, invalid UTF-8, invalid, huge and deep JSON, unknown
 * case ids, wrong handles, damaged snapshots, and calls after ut_engine_close. Every case must
 * give a documented status and a message, never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const t0 = "2026-03-02T09:00:00Z";

/* The last error must say something after every failure. */
#define CHECK_FAILS(expr, expected)    \
  do {                                 \
    CHECK_STATUS(expr, expected);      \
    CHECK(ut_last_error()[0] != '\0'); \
  } while (0)

static char* repeat(const char* open, const char* close, size_t n) {
  size_t lo = strlen(open), lc = strlen(close), i;
  char* text = (char*)malloc(n * (lo + lc) + 1);
  char* p = text;
  if (!text) return NULL;
  for (i = 0; i < n; ++i, p += lo) memcpy(p, open, lo);
  for (i = 0; i < n; ++i, p += lc) memcpy(p, close, lc);
  *p = '\0';
  return text;
}

static void test_nulls(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = (char*)"not reset";
  uint64_t rev = 7;

  /* Frees accept NULL. */
  ut_free(NULL);
  ut_case_free(NULL);
  ut_engine_close(NULL);

  CHECK_FAILS(ut_engine_open_default(NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_open(NULL, &e), UT_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
  CHECK_FAILS(ut_engine_open("", &e), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_open_json(NULL, &e), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_load_policy(NULL, "x"), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_reload(NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_policy_info(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_FAILS(ut_policy_builtin_json(NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_set_limits(NULL, 0, 0), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_set_listener(NULL, NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_register_rule(NULL, "r", NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_register_kpi(NULL, "k.x", NULL, NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(NULL, "[]", "{}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_create(NULL, "C-1", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_restore(NULL, "{}", &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_find_case(NULL, "C-1", &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_fire(NULL, "intake.forward", market, NULL, t0, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_state(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_snapshot(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_revision(NULL, &rev), UT_E_INVALID_ARGUMENT);
  CHECK(rev == 0);
  CHECK_FAILS(ut_case_available(NULL, sales, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_ledger(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_risk(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_id(NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_verdict_set_message(NULL, "x"), UT_E_INVALID_ARGUMENT);

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_FAILS(ut_case_create(e, NULL, full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_create(e, "", full_order_data, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_create(e, "C-1", NULL, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_create(e, "C-1", full_order_data, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_restore(e, NULL, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_restore(e, "{}", NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_find_case(e, NULL, &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_load_policy_json(e, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_load_policy_patch(e, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_register_rule(e, "r", NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_register_rule(e, NULL, NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(e, NULL, "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", &out),
              UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(e, "[]", NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(e, "[]", "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", NULL),
              UT_E_INVALID_ARGUMENT);

  CHECK_STATUS(ut_case_create(e, "C-1", full_order_data, &c), UT_OK);
  CHECK_FAILS(ut_case_fire(c, NULL, market, NULL, t0, &out), UT_E_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", NULL, NULL, t0, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, NULL, NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_state(c, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_snapshot(c, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_revision(c, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_available(c, NULL, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_available(c, sales, NULL), UT_E_INVALID_ARGUMENT);
  /* A NULL payload is {} and a NULL outcome pointer is allowed. */
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, t0, NULL), UT_OK);
  CHECK(strcmp(ut_last_error(), "") == 0);
  ut_case_free(c);
  ut_engine_close(e);
}

static void test_invalid_utf8(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  /* A lone continuation byte, an overlong '/', a UTF-16 surrogate, a truncated sequence. */
  const char* bad[] = {"C-\x80", "C-\xC0\xAF", "C-\xED\xA0\x80", "C-\xE4\xB8"};
  size_t i;

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    CHECK_FAILS(ut_case_create(e, bad[i], full_order_data, &c), UT_E_INVALID_ARGUMENT);
    CHECK(c == NULL);
    CHECK_CONTAINS(ut_last_error(), "UTF-8");
  }
  /* Valid multi-byte ids are fine (Chinese customer order numbers). */
  CHECK_STATUS(ut_case_create(e, "訂單-2026-\xF0\x9F\x93\xA6", full_order_data, &c), UT_OK);

  CHECK_FAILS(ut_case_fire(c, "intake.\xFF", market, NULL, t0, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", "{\"id\":\"m\xC3\",\"roles\":[\"market\"]}", NULL,
                           t0, &out),
              UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, "{\"note\":\"\xE2\x82\"}", t0, &out),
              UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02\xFF", &out),
              UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_create(e, "C-2", "{\"spec\":\"\xC0\x80\"}", &c), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_engine_register_rule(e, "r\xFE", NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_find_case(e, "\x80", &c), UT_E_INVALID_ARGUMENT);
  CHECK(c == NULL);
  CHECK_STATUS(ut_engine_find_case(e, "訂單-2026-\xF0\x9F\x93\xA6", &c), UT_OK);
  ut_case_free(c);
  ut_engine_close(e);
}

static void test_invalid_json(void) {
  ut_engine* e = NULL;
  ut_engine* bad = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_FAILS(ut_case_create(e, "C-1", "{\"spec\": ", &c), UT_E_INVALID_JSON);
  CHECK_CONTAINS(ut_last_error(), "data:1:10: not valid JSON");
  CHECK_FAILS(ut_case_create(e, "C-1", "[1,2]", &c), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_create(e, "C-1", "{} trailing", &c), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_create(e, "C-1", "", &c), UT_E_INVALID_JSON);
  /* JSON that parses but is not a requirement form. */
  CHECK_FAILS(ut_case_create(e, "C-1", "{\"quantity\":\"many\"}", &c), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_open_json("{\"roles\": 3}", &bad), UT_E_POLICY);
  CHECK_FAILS(ut_engine_open_json("[]", &bad), UT_E_INVALID_JSON);
  CHECK(bad == NULL);
  CHECK_FAILS(ut_engine_load_policy_patch(e, "[1]"), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_engine_load_policy_patch(e, "{\"gates\":{\"gates\":{\"nope.nope\":{}}}}"),
              UT_E_POLICY);

  CHECK_STATUS(ut_case_create(e, "C-1", full_order_data, &c), UT_OK);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", "{\"id\":", NULL, t0, &out), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", "{\"roles\":[\"market\"]}", NULL, t0, &out),
              UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, "[]", t0, &out), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, "nul", t0, &out), UT_E_INVALID_JSON);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, NULL, "yesterday", &out),
              UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, NULL, "2026-02-30", &out),
              UT_E_INVALID_ARGUMENT);
  /* An unknown event or an unknown payload value is a refusal, not an error. */
  CHECK_FAILS(ut_case_fire(c, "intake.teleport", market, NULL, t0, &out), UT_REFUSED);
  CHECK_CONTAINS(out, "unknown_event");
  ut_free(out);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, t0, NULL), UT_OK);
  /* An event earlier than the last one. */
  CHECK_FAILS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-01-01", &out), UT_REFUSED);
  CHECK_CONTAINS(out, "\"kind\":\"time\"");
  ut_free(out);

  CHECK_FAILS(ut_case_available(c, "[]", &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(e, "{", "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", &out),
              UT_E_INVALID_JSON);
  CHECK_FAILS(ut_engine_kpi(e, "[]", "{\"from\":\"2026-13-01\",\"to\":\"2026-12-31\"}", &out),
              UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_kpi(e, "[]", "{\"to\":\"2026-12-31\"}", &out), UT_E_INVALID_ARGUMENT);
  ut_case_free(c);
  ut_engine_close(e);
}

static void test_limits(void) {
  ut_engine* e = NULL;
  ut_engine* bad = NULL;
  ut_case* c = NULL;
  ut_case* other = NULL;
  char* out = NULL;
  char* deep = repeat("[", "]", 100);
  char* very_deep = repeat("{\"a\":", "}", 200000);
  char* big = (char*)malloc(5000);
  size_t i;

  CHECK(deep && very_deep && big);
  if (!deep || !very_deep || !big) return;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, "C-1", full_order_data, &c), UT_OK);
  /* Deeper than the default depth of 64. */
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, deep, t0, &out), UT_E_LIMIT);
  CHECK_CONTAINS(ut_last_error(), "deeper");
  CHECK_FAILS(ut_case_restore(e, very_deep, &other), UT_E_LIMIT);
  CHECK_FAILS(ut_engine_open_json(very_deep, &bad), UT_E_LIMIT);
  CHECK_FAILS(ut_engine_set_limits(e, 0, 100000), UT_E_INVALID_ARGUMENT);

  /* Larger than a byte limit. */
  memset(big, ' ', 4999);
  big[0] = '{';
  big[4997] = '}';
  big[4999] = '\0';
  CHECK_STATUS(ut_engine_set_limits(e, 4096, 0), UT_OK);
  CHECK_FAILS(ut_case_fire(c, "intake.forward", market, big, t0, &out), UT_E_LIMIT);
  CHECK_CONTAINS(ut_last_error(), "4096");
  /* A raised limit lets it through. The whole snapshot must stay within the byte limit too (an
     event that could take it past is refused: limits.hpp), hence more than the payload's size. */
  CHECK_STATUS(ut_engine_set_limits(e, 1 << 20, 200), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, big, t0, NULL), UT_OK);
  /* A number beyond double (1e99999 reads as infinity) is refused: a ledger holding it could not
     be written as JSON and read back. A long integer is a (rounded) number. */
  CHECK_FAILS(ut_case_fire(c, "intake.confirm", sales, "{\"x\":1e99999}", "2026-03-03", NULL),
              UT_E_INVALID_JSON);
  CHECK_CONTAINS(ut_last_error(), "payload:1:6: /x: a number too large for a double: 1e99999");
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, "{\"y\":123456789012345678901234567890}",
                            "2026-03-03", NULL),
               UT_OK);
  /* A long identifier. */
  for (i = 0; i < 4999; ++i) big[i] = 'x';
  CHECK_FAILS(ut_engine_find_case(e, big, &other), UT_E_INVALID_ARGUMENT);

  ut_case_free(c);
  ut_engine_close(e);
  free(deep);
  free(very_deep);
  free(big);
}

static void test_unknown_ids_and_handles(void) {
  ut_engine* e = NULL;
  ut_engine* bad = NULL;
  ut_case* c = NULL;
  ut_case* c2 = NULL;
  ut_case* found = NULL;
  char* out = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_FAILS(ut_engine_find_case(e, "NO-SUCH-ORDER", &found), UT_E_NOT_FOUND);
  CHECK_CONTAINS(ut_last_error(), "NO-SUCH-ORDER");
  CHECK_STATUS(ut_case_create(e, "C-1", full_order_data, &c), UT_OK);
  CHECK_FAILS(ut_case_create(e, "C-1", full_order_data, &c2), UT_E_CONFLICT);
  CHECK(c2 == NULL);
  /* A handle of the wrong kind is detected. */
  CHECK_FAILS(ut_case_state((ut_case*)e, &out), UT_E_INVALID_ARGUMENT);
  CHECK_FAILS(ut_engine_find_case((ut_engine*)c, "C-1", &found), UT_E_INVALID_ARGUMENT);
  /* Files that do not exist. */
  CHECK_FAILS(ut_engine_open("/nonexistent/rules", &bad), UT_E_NOT_FOUND);
  CHECK_FAILS(ut_engine_load_policy(e, "/nonexistent/policy.json"), UT_E_NOT_FOUND);
  /* A policy referencing a rule nobody registered. */
  CHECK_FAILS(ut_engine_load_policy_patch(
                  e,
                  "{\"gates\":{\"gates\":{\"intake.confirm\":{\"rules\":[{\"id\":\"x\","
                  "\"rule\":\"not_registered\",\"message\":\"m\"}]}}}}"),
              UT_E_POLICY);
  CHECK_CONTAINS(ut_last_error(), "not_registered");
  ut_case_free(c);
  ut_engine_close(e);
}

static void test_bad_snapshots(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  ut_case* r = NULL;
  char* snap = NULL;
  char* p;
  size_t i;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, "S-1", full_order_data, &c), UT_OK);
  for (i = 0; i < 3; ++i) {
    const ut_test_step* s = &full_order_steps[i];
    CHECK_STATUS(ut_case_fire(c, s->event, s->actor, s->payload, s->at, NULL), UT_OK);
  }
  CHECK_STATUS(ut_case_snapshot(c, &snap), UT_OK);
  ut_case_free(c);

  CHECK_FAILS(ut_case_restore(e, "{}", &r), UT_E_SNAPSHOT);
  CHECK_FAILS(ut_case_restore(e, "[]", &r), UT_E_SNAPSHOT);
  CHECK_FAILS(ut_case_restore(e, "{\"format\":\"undertake.snapshot\",\"format_version\":9}", &r),
              UT_E_SNAPSHOT);
  CHECK_FAILS(ut_case_replay(e, "{\"case_id\":\"x\"}", &r), UT_E_SNAPSHOT);
  /* Edit the quoted price: the record no longer matches the ledger. */
  p = strstr(snap, "420000");
  CHECK(p != NULL);
  if (p) {
    p[0] = '9';
    CHECK_FAILS(ut_case_restore(e, snap, &r), UT_E_SNAPSHOT);
    CHECK(r == NULL);
    CHECK_CONTAINS(ut_last_error(), "snapshot");
    p[0] = '4';
  }
  /* A snapshot of a policy version this engine never loaded. */
  p = strstr(snap, "\"version\":\"");
  CHECK(p != NULL);
  if (p) {
    p[11] = '#';
    CHECK_FAILS(ut_case_restore(e, snap, &r), UT_E_SNAPSHOT);
  }
  ut_free(snap);
  ut_engine_close(e);
}

static void test_close_with_live_cases(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  ut_case* c2 = NULL;
  char* out = NULL;
  uint64_t rev = 0;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, "L-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_create(e, "L-2", full_order_data, &c2), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, t0, NULL), UT_OK);
  ut_engine_close(e);
  /* Reading still works; firing is refused with UT_E_CLOSED; freeing is fine. */
  CHECK_STATUS(ut_case_revision(c, &rev), UT_OK);
  CHECK(rev == 1);
  CHECK_STATUS(ut_case_state(c, &out), UT_OK);
  CHECK_CONTAINS(out, "Intake.SalesReview");
  ut_free(out);
  CHECK_STATUS(ut_case_snapshot(c, &out), UT_OK);
  ut_free(out);
  CHECK_STATUS(ut_case_available(c, sales, &out), UT_OK);
  ut_free(out);
  CHECK_FAILS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", &out), UT_E_CLOSED);
  CHECK(out == NULL);
  ut_case_free(c);
  CHECK_STATUS(ut_case_id(c2, &out), UT_OK);
  CHECK_CONTAINS(out, "L-2");
  ut_free(out);
  ut_case_free(c2);
}

/* The functions that return nothing leave the thread's last error as it was: a host may free
 * what a failed call left behind and read the error afterwards. */
static void test_frees_keep_the_last_error(void) {
  ut_engine* e = NULL;
  ut_engine* other = NULL;
  ut_case* c = NULL;
  ut_store* store = NULL;
  char* out = NULL;
  char* message = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_open_default(&other), UT_OK);
  remove("capi_robustness_frees.db");
  CHECK_STATUS(ut_store_open("capi_robustness_frees.db", &store), UT_OK);
  CHECK_STATUS(ut_case_create(e, "K-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_state(c, &out), UT_OK);
  CHECK_FAILS(ut_case_fire(c, "no.such_event", sales, NULL, t0, NULL), UT_REFUSED);
  message = (char*)malloc(strlen(ut_last_error()) + 1);
  CHECK(message != NULL);
  if (!message) return;
  strcpy(message, ut_last_error());
  ut_free(out);
  ut_case_free(c);
  ut_store_close(store);
  ut_engine_close(other);
  ut_engine_close(e);
  CHECK(strcmp(ut_last_error(), message) == 0);
  CHECK(ut_last_error_status() == UT_REFUSED);
  free(message);
  remove("capi_robustness_frees.db");
}

int main(void) {
  test_nulls();
  test_invalid_utf8();
  test_invalid_json();
  test_limits();
  test_unknown_ids_and_handles();
  test_bad_snapshots();
  test_close_with_live_cases();
  test_frees_keep_the_last_error();
  return ut_test_summary("capi_robustness");
}
