/* A C host: open the built-in policy, register an order, hand it to sales. */
#include <stdio.h>
#include <string.h>

#include <undertake/undertake.h>

int main(void) {
  ut_engine* engine = NULL;
  ut_case* order = NULL;
  char* state = NULL;
  int rc;
  if (strcmp(ut_version(), UT_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s but library %s\n", UT_VERSION_STRING, ut_version());
    return 1;
  }
  if (ut_engine_open_default(&engine) != UT_OK ||
      ut_case_create(engine, "SO-1",
                     "{\"customer\":{\"name\":\"ACME\",\"tier\":\"regular\"},\"quantity\":10}",
                     &order) != UT_OK) {
    fprintf(stderr, "error: %s\n", ut_last_error());
    return 1;
  }
  rc = ut_case_fire(order, "intake.forward", "{\"id\":\"mei\",\"roles\":[\"market\"]}", NULL,
                    "2026-03-02T09:00:00Z", NULL);
  if (rc == UT_OK) rc = ut_case_state(order, &state);
  if (rc == UT_OK)
    printf("undertake %s (C): %s\n", ut_version(), state);
  else
    fprintf(stderr, "error: %s\n", ut_last_error());
  rc = rc == UT_OK && strstr(state, "Intake.SalesReview") ? 0 : 1;
  ut_free(state);
  ut_case_free(order);
  ut_engine_close(engine);
  return rc;
}
