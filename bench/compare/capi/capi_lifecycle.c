/* Full order lifecycles through the C API with JSON in and out: for every lifecycle a case is
 * created from the requirement form (JSON text), every event is fired with its actor and payload as
 * JSON text and an ISO-8601 time, the outcome JSON is asked for and freed, and the case is freed.
 * The same work as bench/lifecycle's BM_FullLifecycle (which creates and destroys its case inside
 * the timed loop too), through the boundary a C, Python or Node host uses.
 *
 *   compare_capi_lifecycle LIFECYCLE_TSV trace          one line per step: status TAB outcome JSON
 *   compare_capi_lifecycle LIFECYCLE_TSV time SECONDS REPETITIONS
 *        prints {"events_per_s": [one per repetition], "events_per_wall_s": [...],
 *                "events_per_lifecycle": N}
 *        events_per_s is per second of the process's CPU time (as Google Benchmark's rate counters,
 *        and the harness's other runners): steady on a shared machine; each repetition runs until
 *        SECONDS of CPU time were spent.
 *
 * LIFECYCLE_TSV is written by compare_reference (first line "form TAB json", then
 * "event TAB actor TAB payload TAB at" per step). Compiled as C99. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "undertake/undertake.h"

#define MAX_STEPS 256

typedef struct {
  char* event;
  char* actor;
  char* payload;
  char* at;
} step;

static char* form;
static step steps[MAX_STEPS];
static int step_count;

static char* dup_field(const char* begin, size_t n) {
  char* s = malloc(n + 1);
  if (!s) exit(3);
  memcpy(s, begin, n);
  s[n] = '\0';
  return s;
}

/* Splits a line at tabs into at most `max` fields (the line keeps no newline). */
static int split(char* line, char** fields, int max) {
  int n = 0;
  char* p = line;
  while (n < max) {
    char* tab = strchr(p, '\t');
    size_t len = tab ? (size_t)(tab - p) : strlen(p);
    fields[n++] = dup_field(p, len);
    if (!tab) break;
    p = tab + 1;
  }
  return n;
}

static void load(const char* path) {
  FILE* f = fopen(path, "r");
  char* line = NULL;
  size_t cap = 0;
  ssize_t len;
  if (!f) {
    fprintf(stderr, "capi_lifecycle: cannot open %s\n", path);
    exit(2);
  }
  while ((len = getline(&line, &cap, f)) > 0) {
    char* fields[4];
    int n;
    if (line[len - 1] == '\n') line[len - 1] = '\0';
    n = split(line, fields, 4);
    if (n == 2 && strcmp(fields[0], "form") == 0) {
      form = fields[1];
      free(fields[0]);
    } else if (n == 4 && step_count < MAX_STEPS) {
      steps[step_count].event = fields[0];
      steps[step_count].actor = fields[1];
      steps[step_count].payload = fields[2];
      steps[step_count].at = fields[3];
      ++step_count;
    } else {
      fprintf(stderr, "capi_lifecycle: bad line in %s: %s\n", path, line);
      exit(2);
    }
  }
  free(line);
  fclose(f);
  if (!form || step_count == 0) {
    fprintf(stderr, "capi_lifecycle: %s has no form or no steps\n", path);
    exit(2);
  }
}

static void check(int status, const char* what) {
  if (status != UT_OK) {
    fprintf(stderr, "capi_lifecycle: %s: %s: %s\n", what, ut_status_name(status), ut_last_error());
    exit(1);
  }
}

/* One lifecycle; returns 0 when every event was accepted. With `trace`, prints each outcome. */
static int lifecycle(ut_engine* engine, int trace) {
  ut_case* c = NULL;
  int i, failed = 0;
  check(ut_case_create(engine, "B-1", form, &c), "ut_case_create");
  for (i = 0; i < step_count; ++i) {
    char* outcome = NULL;
    const int status =
        ut_case_fire(c, steps[i].event, steps[i].actor, steps[i].payload, steps[i].at, &outcome);
    if (status != UT_OK) failed = 1;
    if (trace) printf("%s\t%s\n", ut_status_name(status), outcome ? outcome : ut_last_error());
    ut_free(outcome);
  }
  ut_case_free(c);
  return failed;
}

static double seconds_of(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  ut_engine* engine = NULL;
  if (argc < 3) {
    fprintf(stderr, "usage: compare_capi_lifecycle LIFECYCLE_TSV trace | time SECONDS REPS\n");
    return 2;
  }
  load(argv[1]);
  check(ut_engine_open_default(&engine), "ut_engine_open_default");

  if (strcmp(argv[2], "trace") == 0) {
    const int failed = lifecycle(engine, 1);
    ut_engine_close(engine);
    return failed;
  }
  if (strcmp(argv[2], "time") == 0 && argc == 5) {
    const double seconds = atof(argv[3]);
    int reps = atoi(argv[4]);
    int r;
    long warm;
    for (warm = 0; warm < 200; ++warm)
      if (lifecycle(engine, 0)) {
        fprintf(stderr, "capi_lifecycle: an event was refused\n");
        return 1;
      }
    double cpu_rates[64], wall_rates[64];
    if (reps < 1 || reps > 64) reps = 3;
    for (r = 0; r < reps; ++r) {
      long lifecycles = 0;
      const double cpu_start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
      const double wall_start = seconds_of(CLOCK_MONOTONIC);
      double cpu;
      do {
        int k;
        for (k = 0; k < 50; ++k) lifecycle(engine, 0);
        lifecycles += 50;
        cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
      } while (cpu < seconds);
      cpu_rates[r] = (double)(lifecycles * step_count) / cpu;
      wall_rates[r] =
          (double)(lifecycles * step_count) / (seconds_of(CLOCK_MONOTONIC) - wall_start);
    }
    printf("{\"events_per_lifecycle\": %d, \"events_per_s\": [", step_count);
    for (r = 0; r < reps; ++r) printf("%s%.1f", r ? ", " : "", cpu_rates[r]);
    printf("], \"events_per_wall_s\": [");
    for (r = 0; r < reps; ++r) printf("%s%.1f", r ? ", " : "", wall_rates[r]);
    printf("]}\n");
    ut_engine_close(engine);
    return 0;
  }
  fprintf(stderr, "capi_lifecycle: unknown mode %s\n", argv[2]);
  return 2;
}
