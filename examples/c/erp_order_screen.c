/* An ERP order screen in C: register a customer order, show each user the actions they may take
 * (the screen's buttons), fire what they click, and show why the process refuses an action.
 * The first order lacks part of the requirement form: sales cannot confirm it and cancels it;
 * the second, complete, goes on to the evaluation.
 *
 *   erp_order_screen [rules-directory]     (default: the built-in policy)
 *
 * A real screen would parse the JSON with the ERP's JSON library; this example only scans it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <undertake/undertake.h>

static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";

/* Prints the "event" names of ut_case_available's answer as buttons. */
static void show_buttons(ut_case* order, const char* who, const char* actor) {
  char* events = NULL;
  const char* p;
  if (ut_case_available(order, actor, &events) != UT_OK) {
    fprintf(stderr, "available: %s\n", ut_last_error());
    return;
  }
  printf("  [%s] buttons:", who);
  for (p = strstr(events, "\"event\":\""); p; p = strstr(p, "\"event\":\"")) {
    const char* name = p + 9;
    const char* end = strchr(name, '"');
    printf(" [%.*s]", (int)(end - name), name);
    p = end;
  }
  printf("\n");
  ut_free(events);
}

/* Fires what a user clicked; on a refusal shows the reasons (ut_last_error holds a summary). */
static int click(ut_case* order, const char* who, const char* actor, const char* event,
                 const char* payload, const char* at) {
  char* state = NULL;
  int rc = ut_case_fire(order, event, actor, payload, at, NULL);
  if (rc == UT_OK && ut_case_state(order, &state) == UT_OK) {
    const char* list = strstr(state, "\"state\":"); /* {"case_id",...,"state":[...],...} */
    const char* end = list ? strchr(list, ']') : NULL;
    if (list && end)
      printf("  %s: %s -> accepted, now %.*s\n", who, event, (int)(end - list - 7), list + 8);
    ut_free(state);
  } else if (rc == UT_REFUSED) {
    printf("  %s: %s -> REFUSED, nothing changed:\n    %s\n", who, event, ut_last_error());
  } else {
    printf("  %s: %s -> error %s: %s\n", who, event, ut_status_name(rc), ut_last_error());
  }
  return rc;
}

int main(int argc, char** argv) {
  ut_engine* engine = NULL;
  ut_case* order = NULL;
  char* snapshot = NULL;
  int rc = argc > 1 ? ut_engine_open(argv[1], &engine) : ut_engine_open_default(&engine);
  if (rc != UT_OK) {
    fprintf(stderr, "cannot open the policy: %s\n", ut_last_error());
    return 1;
  }
  printf("undertake %s\n", ut_version());

  /* The market department records a requirement form without spec and quality requirements. */
  rc = ut_case_create(engine, "SO-2026-042",
                      "{\"customer\":{\"name\":\"Hengda Machinery\",\"tier\":\"regular\"},"
                      "\"product\":{\"name\":\"Gearbox housing GH-40\",\"standard\":false},"
                      "\"quantity\":500,\"delivery_date\":\"2026-06-30\",\"channel\":\"email\","
                      "\"estimated_amount\":400000}",
                      &order);
  if (rc != UT_OK) {
    fprintf(stderr, "cannot create the order: %s\n", ut_last_error());
    ut_engine_close(engine);
    return 1;
  }
  printf("order SO-2026-042 registered\n");
  show_buttons(order, "mei, market", market);
  show_buttons(order, "li, sales", sales);

  click(order, "mei", market, "intake.forward", NULL, "2026-03-02T09:00:00Z");
  show_buttons(order, "li, sales", sales);

  /* Sales cannot sign a contract now, nor confirm an incomplete requirement. */
  if (click(order, "li", sales, "contract.sign", NULL, "2026-03-03T09:00:00Z") != UT_REFUSED ||
      click(order, "li", sales, "intake.confirm", NULL, "2026-03-03T09:05:00Z") != UT_REFUSED) {
    fprintf(stderr, "expected refusals\n");
    return 1;
  }
  /* Sales cancels it (a reason is required) and the customer sends a complete form. */
  click(order, "li", sales, "case.cancel", "{\"reason\":\"customer to resend a complete form\"}",
        "2026-03-03T09:10:00Z");
  ut_case_free(order);
  order = NULL;

  rc = ut_case_create(engine, "SO-2026-043",
                      "{\"customer\":{\"name\":\"Hengda Machinery\",\"tier\":\"regular\"},"
                      "\"product\":{\"name\":\"Gearbox housing GH-40\",\"standard\":false},"
                      "\"spec\":\"cast aluminium housing, drawing GH-40 rev C\","
                      "\"quality_requirements\":\"ISO 2768-m, leak test 2 bar\","
                      "\"quantity\":500,\"delivery_date\":\"2026-06-30\",\"channel\":\"email\","
                      "\"estimated_amount\":400000}",
                      &order);
  if (rc != UT_OK) {
    fprintf(stderr, "cannot create the order: %s\n", ut_last_error());
    ut_engine_close(engine);
    return 1;
  }
  printf("order SO-2026-043 registered\n");
  click(order, "mei", market, "intake.forward", NULL, "2026-03-04T09:00:00Z");
  rc = click(order, "li", sales, "intake.confirm", NULL, "2026-03-04T11:00:00Z");
  show_buttons(order, "li, sales", sales);

  /* The ERP stores the snapshot in its database. */
  if (ut_case_snapshot(order, &snapshot) == UT_OK)
    printf("snapshot for the ERP database: %u bytes\n", (unsigned)strlen(snapshot));
  ut_free(snapshot);
  ut_case_free(order);
  ut_engine_close(engine);
  return rc == UT_OK ? 0 : 1;
}
