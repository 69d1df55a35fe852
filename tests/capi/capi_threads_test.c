/* One engine shared by threads: each thread runs its own orders through the whole process while
 * the listener counts, another thread reloads the policy, and the engine is closed at the end
 * with cases still open. Run under the tsan preset to check for races. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

#define THREADS 4
#define ORDERS 5

typedef struct {
  pthread_mutex_t mutex;
  int accepted;
} counter;

static void on_event(void* user_data, const char* case_id, const char* event, int accepted,
                     const char* outcome_json) {
  counter* n = (counter*)user_data;
  (void)case_id;
  (void)event;
  (void)outcome_json;
  pthread_mutex_lock(&n->mutex);
  n->accepted += accepted;
  pthread_mutex_unlock(&n->mutex);
}

typedef struct {
  ut_engine* engine;
  int index;
  int failures;
  ut_case* kept; /* one case left open when the engine is closed */
} worker;

static void* run_orders(void* arg) {
  worker* w = (worker*)arg;
  int k;
  for (k = 0; k < ORDERS; ++k) {
    char id[32];
    ut_case* c = NULL;
    size_t i;
    snprintf(id, sizeof id, "T%d-%d", w->index, k);
    if (ut_case_create(w->engine, id, full_order_data, &c) != UT_OK) {
      ++w->failures;
      continue;
    }
    for (i = 0; i < FULL_ORDER_STEP_COUNT; ++i) {
      const ut_test_step* s = &full_order_steps[i];
      char* out = NULL;
      if (ut_case_fire(c, s->event, s->actor, s->payload, s->at, &out) != UT_OK) {
        fprintf(stderr, "%s step %u: %s\n", id, (unsigned)i, ut_last_error());
        ++w->failures;
      }
      ut_free(out);
    }
    if (k == ORDERS - 1)
      w->kept = c;
    else
      ut_case_free(c);
  }
  return NULL;
}

static void* reload_policy(void* arg) {
  worker* w = (worker*)arg;
  int k;
  for (k = 0; k < 5; ++k)
    if (ut_engine_reload(w->engine) != UT_OK) ++w->failures;
  return NULL;
}

int main(void) {
  ut_engine* e = NULL;
  pthread_t threads[THREADS + 1];
  worker workers[THREADS + 1];
  counter n;
  int i;
  uint64_t rev = 0;

  pthread_mutex_init(&n.mutex, NULL);
  n.accepted = 0;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  CHECK_STATUS(ut_engine_set_listener(e, on_event, &n), UT_OK);
  for (i = 0; i <= THREADS; ++i) {
    workers[i].engine = e;
    workers[i].index = i;
    workers[i].failures = 0;
    workers[i].kept = NULL;
    CHECK(pthread_create(&threads[i], NULL, i < THREADS ? run_orders : reload_policy,
                         &workers[i]) == 0);
  }
  for (i = 0; i <= THREADS; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].failures == 0);
  }
  CHECK(n.accepted == THREADS * ORDERS * (int)FULL_ORDER_STEP_COUNT);

  ut_engine_close(e);
  for (i = 0; i < THREADS; ++i) {
    CHECK(workers[i].kept != NULL);
    CHECK_STATUS(ut_case_revision(workers[i].kept, &rev), UT_OK);
    CHECK(rev == FULL_ORDER_STEP_COUNT);
    ut_case_free(workers[i].kept);
  }
  pthread_mutex_destroy(&n.mutex);
  return ut_test_summary("capi_threads");
}
