/* libFuzzer target: ut_case_fire through the C API with arbitrary event names, actors, payloads
 * and times. The input is split at NUL bytes into: event, actor JSON, payload JSON, time; missing
 * parts are NULL. Each input fires on a fresh case and then on a case advanced to the contract
 * stage. Every status is acceptable; crashes, leaks and sanitizer reports are findings. A refused
 * or failed call must leave the revision unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "undertake/undertake.h"

static ut_engine* engine;

static const char* const kSetup[][3] = {
    {"intake.forward", "{\"id\":\"mei\",\"roles\":[\"market\"]}", "{}"},
    {"intake.confirm", "{\"id\":\"li\",\"roles\":[\"sales\"]}", "{}"},
};

static void fire_one(ut_case* c, const char* parts[4]) {
  uint64_t before = 0, after = 0;
  char* outcome = NULL;
  ut_case_revision(c, &before);
  const int rc = ut_case_fire(c, parts[0], parts[1], parts[2], parts[3], &outcome);
  ut_case_revision(c, &after);
  if (rc != UT_OK && after != before) abort(); /* a refusal or an error changed the case */
  if (rc == UT_OK && after != before + 1) abort();
  ut_free(outcome);
  char* snapshot = NULL;
  if (ut_case_snapshot(c, &snapshot) != UT_OK) abort();
  ut_free(snapshot);
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!engine) {
    if (ut_engine_open_default(&engine) != UT_OK) abort();
    ut_engine_set_limits(engine, 1u << 20, 64);
  }
  char* copy = (char*)malloc(size + 1);
  if (!copy) return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  const char* parts[4] = {NULL, NULL, NULL, NULL};
  size_t start = 0;
  for (int i = 0; i < 4 && start <= size; ++i) {
    parts[i] = copy + start;
    start += strlen(copy + start) + 1;
  }
  if (!parts[3]) parts[3] = "2026-03-02T09:00:00Z";

  ut_case* c = NULL;
  if (ut_case_create(engine, "FZ-1", "{\"customer\":{\"name\":\"Hengda\",\"tier\":\"regular\"}}",
                     &c) == UT_OK) {
    fire_one(c, parts);
    ut_case_free(c);
  }
  c = NULL;
  if (ut_case_create(engine, "FZ-2", "{\"customer\":{\"name\":\"Hengda\",\"tier\":\"key\"}}", &c) ==
      UT_OK) {
    for (size_t i = 0; i < sizeof kSetup / sizeof kSetup[0]; ++i) {
      char* outcome = NULL;
      ut_case_fire(c, kSetup[i][0], kSetup[i][1], kSetup[i][2], "2026-03-01T09:00:00Z", &outcome);
      ut_free(outcome);
    }
    fire_one(c, parts);
    ut_case_free(c);
  }
  free(copy);
  return 0;
}
