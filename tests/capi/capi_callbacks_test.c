/* Host callbacks through the C API: a custom rule (pass, fail with message and details, error),
 * the listener (accepted and refused events, re-entrant reads), KPI reports with a host KPI. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";

/* The patch puts a host rule on the gate of intake.confirm. */
static const char* const credit_patch =
    "{\"policy\":{\"version\":\"credit-1\"},"
    "\"gates\":{\"gates\":{\"intake.confirm\":{\"rules\":[{\"id\":\"credit-ok\","
    "\"description\":\"The customer is within its credit limit (host ERP).\","
    "\"rule\":\"credit_check\",\"message\":\"the customer is over its credit limit\"}]}}}}";

typedef struct {
  int calls;
  int answer; /* UT_RULE_PASS, UT_RULE_FAIL or negative */
  int bad_input;
} rule_ctx;

static int credit_check(void* user_data, const char* facts_json, const char* event,
                        const char* actor_json, ut_verdict* verdict) {
  rule_ctx* ctx = (rule_ctx*)user_data;
  ++ctx->calls;
  if (!strstr(facts_json, "Hengda Machinery") || strcmp(event, "intake.confirm") != 0 ||
      !strstr(actor_json, "\"li\""))
    ctx->bad_input = 1;
  if (ctx->answer == UT_RULE_FAIL) {
    ut_verdict_set_message(verdict, "Hengda Machinery owes 120000 (limit 100000)");
    ut_verdict_set_details(verdict, "{\"owed\":120000,\"limit\":100000}");
  } else if (ctx->answer < 0) {
    ut_verdict_set_message(verdict, "credit service unreachable");
  }
  return ctx->answer;
}

typedef struct {
  ut_engine* engine;
  int accepted;
  int refused;
  char last_case[64];
  char last_event[64];
  int outcome_ok;
  int state_read;
} listener_ctx;

static void on_event(void* user_data, const char* case_id, const char* event, int accepted,
                     const char* outcome_json) {
  listener_ctx* ctx = (listener_ctx*)user_data;
  ut_case* c = NULL;
  char* state = NULL;
  if (accepted)
    ++ctx->accepted;
  else
    ++ctx->refused;
  strncpy(ctx->last_case, case_id, sizeof ctx->last_case - 1);
  strncpy(ctx->last_event, event, sizeof ctx->last_event - 1);
  ctx->outcome_ok =
      strstr(outcome_json, accepted ? "\"accepted\":true" : "\"accepted\":false") != NULL;
  /* A listener may look cases up and read them (here: the case being fired). */
  if (ut_engine_find_case(ctx->engine, case_id, &c) == UT_OK && ut_case_state(c, &state) == UT_OK)
    ++ctx->state_read;
  ut_free(state);
}

static void test_rule(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  rule_ctx ctx = {0, UT_RULE_FAIL, 0};

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  /* The policy cannot reference the rule before it is registered. */
  CHECK_STATUS(ut_engine_load_policy_patch(e, credit_patch), UT_E_POLICY);
  CHECK_STATUS(ut_engine_register_rule(e, "credit_check", credit_check, &ctx), UT_OK);
  CHECK_STATUS(ut_engine_load_policy_patch(e, credit_patch), UT_OK);

  CHECK_STATUS(ut_case_create(e, "K-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02T09:00:00Z", NULL),
               UT_OK);
  CHECK(ctx.calls == 0);

  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", &out), UT_REFUSED);
  CHECK_CONTAINS(out, "owes 120000");
  CHECK_CONTAINS(out, "\"credit-ok\"");
  CHECK_CONTAINS(out, "\"limit\":100000");
  CHECK_CONTAINS(ut_last_error(), "owes 120000");
  ut_free(out);

  ctx.answer = -3;
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", &out), UT_REFUSED);
  CHECK_CONTAINS(out, "credit service unreachable");
  ut_free(out);

  ctx.answer = UT_RULE_PASS;
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", &out), UT_OK);
  CHECK_CONTAINS(out, "Evaluation");
  ut_free(out);
  CHECK(ctx.calls == 3);
  CHECK(ctx.bad_input == 0);

  /* A restore rebuilds the case from its state (snapshot format 3): the rule is not asked. A
   * replay of its ledger asks it again for the event it decided. */
  CHECK_STATUS(ut_case_snapshot(c, &out), UT_OK);
  ut_case_free(c);
  CHECK_STATUS(ut_case_restore(e, out, &c), UT_OK);
  CHECK(ctx.calls == 3);
  ut_free(out);
  CHECK_STATUS(ut_case_ledger(c, &out), UT_OK);
  {
    ut_case* replayed = NULL;
    CHECK_STATUS(ut_case_replay(e, out, &replayed), UT_E_CONFLICT); /* the id is open */
    ut_case_free(c);
    CHECK_STATUS(ut_case_replay(e, out, &c), UT_OK);
    CHECK(ctx.calls == 4);
  }
  ut_free(out);

  /* After close, the rule is never called again. */
  ut_engine_close(e);
  CHECK_STATUS(ut_case_fire(c, "evaluation.quote", sales, "{\"price\":420000,\"cost\":320000}",
                            "2026-03-05", NULL),
               UT_E_CLOSED);
  CHECK(ctx.calls == 4);
  ut_case_free(c);
}

static void test_listener(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  listener_ctx ctx;
  memset(&ctx, 0, sizeof ctx);

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  ctx.engine = e;
  CHECK_STATUS(ut_engine_set_listener(e, on_event, &ctx), UT_OK);
  CHECK_STATUS(ut_case_create(e, "N-1", full_order_data, &c), UT_OK);
  CHECK(ctx.accepted == 0);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02T09:00:00Z", NULL),
               UT_OK);
  CHECK(ctx.accepted == 1);
  CHECK(strcmp(ctx.last_case, "N-1") == 0);
  CHECK(strcmp(ctx.last_event, "intake.forward") == 0);
  CHECK(ctx.outcome_ok);
  CHECK(ctx.state_read == 1);
  CHECK_STATUS(ut_case_fire(c, "contract.sign", sales, NULL, "2026-03-03", NULL), UT_REFUSED);
  CHECK(ctx.refused == 1);
  CHECK(strcmp(ctx.last_event, "contract.sign") == 0);
  CHECK(ctx.outcome_ok);
  /* Errors are not events: the listener hears nothing. */
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, "[]", "2026-03-03", NULL),
               UT_E_INVALID_JSON);
  CHECK(ctx.accepted + ctx.refused == 2);

  CHECK_STATUS(ut_engine_set_listener(e, NULL, NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", NULL), UT_OK);
  CHECK(ctx.accepted == 1);
  ut_case_free(c);
  ut_engine_close(e);
}

typedef struct {
  int calls;
  int fail;
} kpi_ctx;

/* sales.orders: the number of cases with a ledger entry in the period (here: all of them). */
static int count_orders(void* user_data, const char* ledgers_json, const char* period_json,
                        double* value, int* has_value) {
  kpi_ctx* ctx = (kpi_ctx*)user_data;
  const char* p = ledgers_json;
  int n = 0;
  ++ctx->calls;
  if (ctx->fail) return -1;
  if (!strstr(period_json, "\"from\"")) return -2;
  while ((p = strstr(p, "\"case_id\"")) != NULL) {
    ++n;
    ++p;
  }
  *value = n;
  *has_value = n > 0;
  return 0;
}

static void test_kpi(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* ledger = NULL;
  char* snapshot = NULL;
  char* report = NULL;
  char* input = NULL;
  size_t i, n;
  kpi_ctx ctx = {0, 0};
  const char* year = "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}";

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  for (i = 0; i < FULL_ORDER_STEP_COUNT; ++i) {
    const ut_test_step* s = &full_order_steps[i];
    CHECK_STATUS(ut_case_fire(c, s->event, s->actor, s->payload, s->at, NULL), UT_OK);
  }
  CHECK_STATUS(ut_case_ledger(c, &ledger), UT_OK);
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);

  /* The built-in catalogue over one ledger. */
  n = strlen(ledger);
  input = (char*)malloc(n + 3);
  if (!input) return;
  input[0] = '[';
  memcpy(input + 1, ledger, n);
  input[n + 1] = ']';
  input[n + 2] = '\0';
  CHECK_STATUS(ut_engine_kpi(e, input, year, &report), UT_OK);
  CHECK_CONTAINS(report, "\"sales.revenue\"");
  CHECK_CONTAINS(report, "\"cases\":1");
  CHECK_CONTAINS(report, "\"bonus_coefficient\"");
  ut_free(report);
  /* Snapshots are accepted as well, in {"cases": [...]}. */
  free(input);
  n = strlen(snapshot);
  input = (char*)malloc(n + 16);
  if (!input) return;
  strcpy(input, "{\"cases\":[");
  strcat(input, snapshot);
  strcat(input, "]}");
  CHECK_STATUS(ut_engine_kpi(e, input, year, &report), UT_OK);
  CHECK_CONTAINS(report, "\"cases\":1");
  ut_free(report);

  /* A KPI of the host. */
  CHECK_STATUS(ut_engine_register_kpi(e, "sales.orders",
                                      "{\"title\":\"Orders\",\"unit\":\"count\","
                                      "\"direction\":\"higher\",\"target\":2}",
                                      count_orders, &ctx),
               UT_OK);
  CHECK_STATUS(ut_engine_kpi(e, input, year, &report), UT_OK);
  CHECK(ctx.calls == 1);
  CHECK_CONTAINS(report, "\"sales.orders\":{\"title\":\"Orders\"");
  CHECK_CONTAINS(report, "\"score\":5E1");
  ut_free(report);
  ctx.fail = 1;
  CHECK_STATUS(ut_engine_kpi(e, input, year, &report), UT_E_RULE);
  CHECK(report == NULL);
  CHECK_CONTAINS(ut_last_error(), "sales.orders");
  CHECK_STATUS(
      ut_engine_register_kpi(e, "sales.orders", "{\"direction\":\"up\"}", count_orders, &ctx),
      UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_register_kpi(e, "sales.orders", "[]", count_orders, &ctx),
               UT_E_INVALID_JSON);

  free(input);
  ut_free(ledger);
  ut_free(snapshot);
  ut_case_free(c);
  ut_engine_close(e);
}

/* Callbacks may call back into the engine: remove the listener, or even close the engine. */
typedef struct {
  ut_engine* engine;
  int calls;
  int close_engine;
} reentrant_ctx;

static void reentrant_listener(void* user_data, const char* case_id, const char* event,
                               int accepted, const char* outcome_json) {
  reentrant_ctx* ctx = (reentrant_ctx*)user_data;
  (void)case_id;
  (void)event;
  (void)accepted;
  (void)outcome_json;
  ++ctx->calls;
  if (ctx->close_engine) {
    ut_engine_close(ctx->engine); /* does not wait for itself */
    ctx->engine = NULL;
  } else {
    ut_engine_set_listener(ctx->engine, NULL, NULL); /* hear one event only */
  }
}

static void test_reentrancy(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  reentrant_ctx ctx = {NULL, 0, 0};
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  ctx.engine = e;
  CHECK_STATUS(ut_engine_set_listener(e, reentrant_listener, &ctx), UT_OK);
  CHECK_STATUS(ut_case_create(e, "Q-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", NULL), UT_OK);
  CHECK(ctx.calls == 1);

  ctx.close_engine = 1;
  CHECK_STATUS(ut_engine_set_listener(e, reentrant_listener, &ctx), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "evaluation.quote", sales, "{\"price\":420000,\"cost\":320000}",
                            "2026-03-05", NULL),
               UT_OK); /* the event stands; the engine is closed by the listener */
  CHECK(ctx.calls == 2 && ctx.engine == NULL);
  CHECK_STATUS(
      ut_case_fire(c, "evaluation.technical", "{\"id\":\"zhao\",\"roles\":[\"technical\"]}",
                   "{\"feasible\":true}", "2026-03-06", NULL),
      UT_E_CLOSED);
  CHECK(ctx.calls == 2);
  ut_case_free(c);
}

/* Deadlines: the evaluation decision is due 14 days after intake.confirm; a tick past it records
 * an escalation and tells the listener. */
static void test_deadlines(void) {
  ut_engine* e = NULL;
  ut_case* c = NULL;
  char* out = NULL;
  uint64_t rev = 0;
  listener_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  ctx.engine = e;
  CHECK_STATUS(ut_case_create(e, "D-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", NULL), UT_OK);
  CHECK_STATUS(ut_case_deadlines(c, &out), UT_OK);
  CHECK_CONTAINS(out, "\"evaluation-decision\"");
  ut_free(out);
  CHECK_STATUS(ut_engine_set_listener(e, on_event, &ctx), UT_OK);
  CHECK_STATUS(ut_case_tick(c, "2026-03-14T09:00:00Z", &out), UT_OK); /* due soon */
  CHECK_CONTAINS(out, "\"due_soon\"");
  ut_free(out);
  CHECK_STATUS(ut_case_tick(c, "2026-03-20T09:00:00Z", &out), UT_OK); /* overdue */
  CHECK_CONTAINS(out, "\"overdue\"");
  CHECK_CONTAINS(out, "\"escalated\":1");
  ut_free(out);
  CHECK(ctx.accepted == 1 && strcmp(ctx.last_event, "deadline.escalated") == 0);
  CHECK_STATUS(ut_case_revision(c, &rev), UT_OK);
  CHECK(rev == 3);
  CHECK_STATUS(ut_case_tick(c, "2026-03-01", NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_tick(c, "soon", NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_deadlines(c, NULL), UT_E_INVALID_ARGUMENT);
  ut_engine_close(e);
  CHECK_STATUS(ut_case_tick(c, "2026-04-20", NULL), UT_E_CLOSED);
  ut_case_free(c);
}

/* Rules and KPIs registered take effect the same way: at once (no reload), for the cases opened
 * from then on, under the current version; a case already open keeps its rule. A patch that names
 * no version is a new version beside the one it patches. */
static int always_pass(void* user_data, const char* facts_json, const char* event,
                       const char* actor_json, ut_verdict* verdict) {
  (void)user_data;
  (void)facts_json;
  (void)event;
  (void)actor_json;
  (void)verdict;
  return UT_RULE_PASS;
}

static int no_orders(void* user_data, const char* ledgers_json, const char* period_json,
                     double* value, int* has_value) {
  (void)user_data;
  (void)ledgers_json;
  (void)period_json;
  *value = 0;
  *has_value = 1;
  return 0;
}

static void test_registration_at_once(void) {
  ut_engine* e = NULL;
  ut_case* open = NULL;
  ut_case* later = NULL;
  char* out = NULL;
  char* snapshot = NULL;
  rule_ctx ctx = {0, UT_RULE_FAIL, 0};

  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_register_rule(e, "credit_check", credit_check, &ctx), UT_OK);
  CHECK_STATUS(ut_engine_load_policy_patch(e, credit_patch), UT_OK);
  CHECK_STATUS(ut_case_create(e, "A-1", full_order_data, &open), UT_OK);
  CHECK_STATUS(ut_case_fire(open, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);

  CHECK_STATUS(ut_engine_register_rule(e, "credit_check", always_pass, NULL), UT_OK);
  CHECK_STATUS(ut_engine_policy_info(e, &out), UT_OK);
  CHECK_CONTAINS(out, "\"version\":\"credit-1\""); /* same version: no reload, no new one */
  ut_free(out);
  CHECK_STATUS(ut_case_create(e, "A-2", full_order_data, &later), UT_OK);
  CHECK_STATUS(ut_case_fire(later, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(later, "intake.confirm", sales, NULL, "2026-03-03", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(open, "intake.confirm", sales, NULL, "2026-03-03", NULL),
               UT_REFUSED); /* the open case keeps the rule it was created with */
  CHECK(ctx.calls == 1);

  /* A KPI takes effect the same way: the next report has it. */
  CHECK_STATUS(ut_engine_register_kpi(e, "sales.none", NULL, no_orders, NULL), UT_OK);
  CHECK_STATUS(ut_case_ledger(later, &out), UT_OK);
  {
    char* report = NULL;
    CHECK_STATUS(ut_engine_kpi(e, out, "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", &report),
                 UT_OK);
    CHECK_CONTAINS(report, "\"sales.none\"");
    ut_free(report);
  }
  ut_free(out);

  /* A patch without a version: a new version; cases of the one before still restore. */
  CHECK_STATUS(ut_case_snapshot(later, &snapshot), UT_OK);
  ut_case_free(later);
  CHECK_STATUS(ut_engine_load_policy_patch(e, "{\"roles\":{}}"), UT_OK);
  CHECK_STATUS(ut_engine_policy_info(e, &out), UT_OK);
  CHECK_CONTAINS(out, "\"version\":\"credit-1+patch.1\"");
  ut_free(out);
  CHECK_STATUS(ut_case_restore(e, snapshot, &later), UT_OK);
  CHECK_STATUS(ut_case_state(later, &out), UT_OK);
  CHECK_CONTAINS(out, "\"policy_version\":\"credit-1\"");
  ut_free(out);
  ut_free(snapshot);
  ut_case_free(later);
  ut_case_free(open);
  ut_engine_close(e);
}

int main(void) {
  test_rule();
  test_deadlines();
  test_reentrancy();
  test_listener();
  test_kpi();
  test_registration_at_once();
  return ut_test_summary("capi_callbacks");
}
