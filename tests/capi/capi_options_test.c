/* The C API's room to grow (issue 14 item 6): limits read and set by id (ut_engine_limit, as
 * sqlite3_limit), engines opened from a versioned options struct (ut_engine_open_with, as
 * libgit2's git_*_options), and errors in parts (status, kind, where) beside the message. */
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";

static void test_limits_by_id(void) {
  ut_engine* e = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_BYTES, -1) == 64 * 1024 * 1024);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 64);
  CHECK(ut_engine_limit(e, UT_LIMIT_ID_BYTES, -1) == 4096);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_DEPTH, -1) == 512);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_STEPS, -1) == 10000000);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_ITEMS, -1) == 1000000);
  /* Setting returns the value before, and the other functions see the new one. */
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, 20) == 64);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 20);
  CHECK_STATUS(ut_engine_set_limits(e, 0, 30), UT_OK);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 30);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_STEPS, 5000) == 10000000);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_STEPS, -1) == 5000);
  /* Out of range, unknown ids and non-engines: -1, an error in parts, nothing changed. */
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, 5) == -1);
  CHECK(ut_last_error_status() == UT_E_INVALID_ARGUMENT);
  CHECK(strcmp(ut_last_error_kind(), "invalid_argument") == 0);
  CHECK_CONTAINS(ut_last_error(), "max_json_depth");
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 30);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_ITEMS, 0) == -1);
  CHECK_CONTAINS(ut_last_error(), "UT_LIMIT_RULE_ITEMS: must be at least 1");
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_ITEMS, -1) == 1000000);
  CHECK(ut_engine_limit(e, 6, -1) == -1);
  CHECK_CONTAINS(ut_last_error(), "limit_id: 6 is not a UT_LIMIT_* id");
  CHECK(strcmp(ut_last_error_where(), "limit_id") == 0);
  CHECK(ut_engine_limit(e, -1, -1) == -1);
  CHECK(ut_engine_limit(NULL, UT_LIMIT_JSON_DEPTH, -1) == -1);
  CHECK(ut_last_error_status() == UT_E_INVALID_ARGUMENT);
  ut_engine_close(e);
}

static void test_open_with_options(void) {
  ut_engine_options o = UT_ENGINE_OPTIONS_INIT;
  ut_engine_options from_init;
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* builtin = NULL;
  char* snapshot = NULL;
  const char key[] = "erp-secret";
  CHECK(o.version == UT_ENGINE_OPTIONS_VERSION);
  CHECK_STATUS(ut_engine_options_init(&from_init, UT_ENGINE_OPTIONS_VERSION), UT_OK);
  CHECK(memcmp(&o, &from_init, sizeof o) == 0);
  CHECK_STATUS(ut_engine_options_init(&from_init, 99), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_options_init(NULL, UT_ENGINE_OPTIONS_VERSION), UT_E_INVALID_ARGUMENT);

  /* Defaults: the built-in policy; NULL options likewise. */
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_OK);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 64);
  ut_engine_close(e);
  e = NULL;
  CHECK_STATUS(ut_engine_open_with(NULL, &e), UT_OK);
  ut_engine_close(e);
  e = NULL;

  /* Everything at once: a policy document, limits, a host key. */
  CHECK_STATUS(ut_policy_builtin_json(&builtin), UT_OK);
  o.policy_json = builtin;
  o.limits[UT_LIMIT_JSON_DEPTH] = 40;
  o.limits[UT_LIMIT_RULE_STEPS] = 200000;
  o.host_key = key;
  o.host_key_size = sizeof key - 1;
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_OK);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_DEPTH, -1) == 40);
  CHECK(ut_engine_limit(e, UT_LIMIT_RULE_STEPS, -1) == 200000);
  CHECK(ut_engine_limit(e, UT_LIMIT_JSON_BYTES, -1) == 64 * 1024 * 1024);
  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02T09:00:00Z", NULL),
               UT_OK);
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  CHECK_CONTAINS(snapshot, "\"digest\":\"hmac-sha256:");
  ut_free(snapshot);
  ut_case_free(c);
  ut_engine_close(e);
  e = NULL;

  /* Refusals: nothing is opened, *out stays NULL, the error names the field. */
  o.policy_path = "rules/default";
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
  CHECK_CONTAINS(ut_last_error(), "policy_path and policy_json are both set");
  o.policy_path = NULL;
  o.limits[UT_LIMIT_JSON_DEPTH] = 5000;
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
  CHECK_CONTAINS(ut_last_error(), "max_json_depth");
  o.limits[UT_LIMIT_JSON_DEPTH] = 8; /* within range, but the policy document nests deeper */
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_LIMIT);
  CHECK(e == NULL);
  o.limits[UT_LIMIT_JSON_DEPTH] = 0;
  o.host_key_size = 0;
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "options.host_key: empty");
  o.host_key_size = sizeof key - 1;
  o.version = UT_ENGINE_OPTIONS_VERSION + 1;
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "newer than this library");
  o.version = 0;
  CHECK_STATUS(ut_engine_open_with(&o, &e), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_open_with(&o, NULL), UT_E_INVALID_ARGUMENT);
  CHECK(e == NULL);
  ut_free(builtin);
}

static void test_error_parts(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK(ut_last_error_status() == UT_OK);
  CHECK(strcmp(ut_last_error_kind(), "") == 0);
  CHECK(strcmp(ut_last_error_where(), "") == 0);
  /* The engine's own errors keep their kind and place. */
  CHECK_STATUS(ut_case_restore(e, "{\"format\": \"undertake.snapshot\"}", &c), UT_E_SNAPSHOT);
  CHECK(ut_last_error_status() == UT_E_SNAPSHOT);
  CHECK(strcmp(ut_last_error_kind(), "invalid_snapshot") == 0);
  CHECK_CONTAINS(ut_last_error_where(), "/format_version");
  /* The C API's: kind from the status, place from the argument the message names. */
  CHECK_STATUS(ut_case_create(e, "C-1", "{\"customer\": ", &c), UT_E_INVALID_JSON);
  CHECK(strcmp(ut_last_error_kind(), "invalid_json") == 0);
  CHECK_CONTAINS(ut_last_error_where(), "data");
  /* A refused event: kind "refused", at the event. */
  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "contract.sign", sales, NULL, "2026-03-02T09:00:00Z", NULL),
               UT_REFUSED);
  CHECK(ut_last_error_status() == UT_REFUSED);
  CHECK(strcmp(ut_last_error_kind(), "refused") == 0);
  CHECK(strcmp(ut_last_error_where(), "contract.sign") == 0);
  /* The next successful call clears every part. */
  {
    uint64_t revision = 1;
    CHECK_STATUS(ut_case_revision(c, &revision), UT_OK);
    CHECK(revision == 0);
  }
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02T09:00:00Z", NULL),
               UT_OK);
  CHECK(ut_last_error_status() == UT_OK);
  CHECK(strcmp(ut_last_error_kind(), "") == 0);
  CHECK(strcmp(ut_last_error_where(), "") == 0);
  ut_case_free(c);
  ut_engine_close(e);
}

int main(void) {
  test_limits_by_id();
  test_open_with_options();
  test_error_parts();
  return ut_test_summary("capi_options");
}
