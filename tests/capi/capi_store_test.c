/* The store functions of the C API (design.md §9) on the embedded SQLite store: opening (and every
 * way it fails), create / load / save with the revision checked, ut_store_fire (listener, request
 * ids, refusals), worklists, the change feed, ticking, KPIs, the audit, host keys, and threads
 * firing on one store. SQLite itself only to damage a store the way a foreign writer would. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "full_order_steps.h"
#include "ut_test.h"

static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const technical = "{\"id\":\"zhao\",\"roles\":[\"technical\"]}";

static char tmpdir[256];

/* tmpdir/name */
static void path_of(char* out, size_t n, const char* name) {
  snprintf(out, n, "%s/%s", tmpdir, name);
}

/* sqlite:tmpdir/name?params (a fresh name per test; synchronous=off unless the test says) */
static void uri_of(char* out, size_t n, const char* name, const char* params) {
  snprintf(out, n, "sqlite:%s/%s%s%s", tmpdir, name, params && *params ? "?" : "",
           params ? params : "");
}

static ut_store* open_store(const char* name) {
  char uri[512];
  ut_store* s = NULL;
  uri_of(uri, sizeof uri, name, "synchronous=off");
  CHECK_STATUS(ut_store_open(uri, &s), UT_OK);
  return s;
}

/* Runs SQL on a store file; returns the rows changed, or -1. */
static int run_sql(const char* name, const char* sql) {
  char path[512];
  sqlite3* db = NULL;
  int changed = -1;
  path_of(path, sizeof path, name);
  if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
    changed = sqlite3_changes(db);
  else
    fprintf(stderr, "sql on %s failed: %s\n", path, sqlite3_errmsg(db));
  sqlite3_close(db);
  return changed;
}

/* A complete requirement form for `customer`. */
static void form_of(char* out, size_t n, const char* customer) {
  snprintf(out, n,
           "{\"customer\":{\"name\":\"%s\",\"tier\":\"regular\"},\"product\":{\"name\":\"Housing "
           "GH-40\",\"standard\":false},\"spec\":\"drawing GH-40 rev C\",\"quantity\":500,"
           "\"delivery_date\":\"2026-06-30\",\"quality_requirements\":\"ISO 2768-m\","
           "\"channel\":\"email\",\"estimated_amount\":400000}",
           customer);
}

/* Creates a case and stores it; returns the status of ut_store_create. */
static int store_new_case(ut_store* s, ut_engine* e, const char* id, const char* customer) {
  char form[1024];
  ut_case* c = NULL;
  int rc;
  form_of(form, sizeof form, customer);
  rc = ut_case_create(e, id, form, &c);
  if (rc != UT_OK) return rc;
  rc = ut_store_create(s, c);
  ut_case_free(c);
  return rc;
}

static uint64_t revision_of(ut_case* c) {
  uint64_t r = 0;
  CHECK_STATUS(ut_case_revision(c, &r), UT_OK);
  return r;
}

typedef struct {
  pthread_mutex_t mutex;
  int calls;
  int accepted;
  char last_event[64];
} heard;

static void on_event(void* user_data, const char* case_id, const char* event, int accepted,
                     const char* outcome_json) {
  heard* h = (heard*)user_data;
  (void)case_id;
  (void)outcome_json;
  pthread_mutex_lock(&h->mutex);
  ++h->calls;
  h->accepted += accepted;
  snprintf(h->last_event, sizeof h->last_event, "%s", event);
  pthread_mutex_unlock(&h->mutex);
}

/* ------------------------------------------------------------------------------------------- */

static void test_open_failures(void) {
  char uri[512], path[512];
  ut_store* s = NULL;
  FILE* f;

  CHECK_STATUS(ut_store_open(NULL, &s), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_open("", &s), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_open("sqlite:", &s), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_open("mysql://db.example/erp", &s), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "unknown kind of store");
  /* A PostgreSQL server that is not there: the database's own message. */
  CHECK_STATUS(ut_store_open("postgresql:///erp?host=/nonexistent-undertake", &s), UT_E_IO);
  CHECK_CONTAINS(ut_last_error(), "cannot connect");
  CHECK_STATUS(ut_store_open("sqlite:x.db\xff", &s), UT_E_INVALID_ARGUMENT);
  uri_of(uri, sizeof uri, "params.db", "mode=ro&cache=shared");
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "cache=shared");
  uri_of(uri, sizeof uri, "out.db", NULL);
  CHECK_STATUS(ut_store_open(uri, NULL), UT_E_INVALID_ARGUMENT);
  CHECK(s == NULL);

  /* A directory that does not exist. */
  snprintf(uri, sizeof uri, "sqlite:%s/no/such/dir/cases.db", tmpdir);
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_IO);
  CHECK_CONTAINS(ut_last_error(), "no/such/dir/cases.db");
  CHECK(s == NULL);

  /* A file that is not a store. */
  path_of(path, sizeof path, "junk.db");
  f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    int i;
    for (i = 0; i < 256; ++i) fputs("this is not an SQLite database. ", f);
    fclose(f);
  }
  CHECK_STATUS(ut_store_open(path, &s), UT_E_IO); /* a plain path */
  CHECK_CONTAINS(ut_last_error(), "junk.db");
  CHECK(s == NULL);

  /* An SQLite database that is not a store, opened read-only. */
  CHECK(run_sql("other.db", "CREATE TABLE t (x)") == 0);
  uri_of(uri, sizeof uri, "other.db", "mode=ro");
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_IO);
  CHECK_CONTAINS(ut_last_error(), "not an undertake store");

  /* A store written by a newer version. */
  s = open_store("newer.db");
  ut_store_close(s);
  s = NULL;
  CHECK(run_sql("newer.db", "UPDATE meta SET value = '99' WHERE key = 'schema_version'") == 1);
  uri_of(uri, sizeof uri, "newer.db", NULL);
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_IO);
  CHECK_CONTAINS(ut_last_error(), "schema version 99");
  CHECK_CONTAINS(ut_last_error(), "newer");

  /* mode=ro and mode=rw do not create. */
  uri_of(uri, sizeof uri, "missing.db", "mode=ro");
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_IO);
  uri_of(uri, sizeof uri, "missing.db", "mode=rw");
  CHECK_STATUS(ut_store_open(uri, &s), UT_E_IO);
  path_of(path, sizeof path, "missing.db");
  CHECK(access(path, F_OK) != 0);

  ut_store_close(NULL); /* ignored */
}

static void test_read_only(ut_engine* e) {
  char uri[512], path[512];
  ut_store* s = open_store("ro.db");
  ut_store* ro = NULL;
  ut_case* c = NULL;
  char* out = NULL;

  CHECK_STATUS(store_new_case(s, e, "RO-1", "Hengda"), UT_OK);
  ut_store_close(s);

  uri_of(uri, sizeof uri, "ro.db", "mode=ro");
  CHECK_STATUS(ut_store_open(uri, &ro), UT_OK);
  CHECK_STATUS(ut_store_load(ro, e, "RO-1", &c), UT_OK);
  CHECK_STATUS(ut_store_list(ro, NULL, &out), UT_OK);
  CHECK_CONTAINS(out, "\"RO-1\"");
  ut_free(out);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_store_save(ro, c, 0), UT_E_IO);
  CHECK_CONTAINS(ut_last_error(), "read");
  CHECK_STATUS(
      ut_store_fire(ro, e, "RO-1", "intake.forward", market, NULL, "2026-03-02", NULL, &out),
      UT_E_IO);
  CHECK(out == NULL);
  ut_case_free(c);
  CHECK_STATUS(ut_store_load(ro, e, "RO-1", &c), UT_OK);
  CHECK(revision_of(c) == 0); /* nothing was written */
  ut_case_free(c);
  ut_store_close(ro);

  /* A file the OS protects (root is not stopped by the mode bits: then it opens writable). */
  path_of(path, sizeof path, "ro.db");
  CHECK(chmod(path, 0444) == 0);
  if (geteuid() != 0) {
    int rc = ut_store_open(path, &ro);
    if (rc == UT_OK) {
      CHECK_STATUS(store_new_case(ro, e, "RO-2", "Hengda"), UT_E_IO);
      ut_store_close(ro);
    } else {
      CHECK_STATUS(rc, UT_E_IO);
    }
  }
  CHECK(chmod(path, 0644) == 0);
}

static void test_create_load_save(ut_engine* e) {
  ut_store* s = open_store("crud.db");
  ut_case* c1 = NULL;
  ut_case* c2 = NULL;
  ut_case* fresh = NULL;
  ut_case* found = NULL;
  char* out = NULL;

  CHECK_STATUS(store_new_case(s, e, "SO-1", "Hengda"), UT_OK);
  CHECK_STATUS(store_new_case(s, e, "SO-1", "Hengda"), UT_E_CONFLICT);
  CHECK_CONTAINS(ut_last_error(), "SO-1");
  CHECK_STATUS(ut_store_create(s, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_create(NULL, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_create((ut_store*)e, NULL), UT_E_INVALID_ARGUMENT); /* wrong kind */
  CHECK_CONTAINS(ut_last_error(), "ut_store");

  /* Two loads of the same case (not registered on the engine), two saves: the second is stale. */
  CHECK_STATUS(ut_store_load(s, e, "SO-1", &c1), UT_OK);
  CHECK_STATUS(ut_store_load(s, e, "SO-1", &c2), UT_OK);
  CHECK(c1 != NULL && c2 != NULL && c1 != c2);
  CHECK_STATUS(ut_engine_find_case(e, "SO-1", &found), UT_E_NOT_FOUND);
  CHECK_STATUS(ut_case_fire(c1, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c2, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_store_save(s, c1, 0), UT_OK);
  CHECK_STATUS(ut_store_save(s, c2, 0), UT_E_CONFLICT);
  CHECK_CONTAINS(ut_last_error(), "revision");
  CHECK_STATUS(ut_store_save(s, c1, 2), UT_E_INVALID_ARGUMENT); /* the case is before that */
  CHECK_STATUS(ut_store_load(s, e, "SO-1", &fresh), UT_OK);
  CHECK(revision_of(fresh) == 1);
  CHECK_STATUS(ut_case_state(fresh, &out), UT_OK);
  CHECK_CONTAINS(out, "Intake.SalesReview");
  ut_free(out);
  ut_case_free(fresh);
  ut_case_free(c1);
  ut_case_free(c2);

  /* A case that was never stored. */
  CHECK_STATUS(ut_case_create(e, "SO-NEW", full_order_data, &c1), UT_OK);
  CHECK_STATUS(ut_case_fire(c1, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_store_save(s, c1, 0), UT_E_NOT_FOUND);
  ut_case_free(c1);

  CHECK_STATUS(ut_store_load(s, e, "SO-404", &c1), UT_E_NOT_FOUND);
  CHECK(c1 == NULL);
  CHECK_STATUS(ut_store_load(s, e, "", &c1), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_load(s, NULL, "SO-1", &c1), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_load(s, e, "SO-1", NULL), UT_E_INVALID_ARGUMENT);

  /* The ledger as stored, with its hashes. */
  CHECK_STATUS(ut_store_ledger(s, "SO-1", &out), UT_OK);
  CHECK_CONTAINS(out, "\"event\":\"intake.forward\"");
  CHECK_CONTAINS(out, "\"hash\"");
  ut_free(out);
  CHECK_STATUS(ut_store_ledger(s, "SO-404", &out), UT_E_NOT_FOUND);
  CHECK(out == NULL);
  CHECK_STATUS(ut_store_ledger(s, "SO-1", NULL), UT_E_INVALID_ARGUMENT);

  /* A damaged head is refused on load, naming the case. */
  CHECK(run_sql("crud.db", "UPDATE cases SET head = replace(head, 'Hengda', 'Hengdb')") == 1);
  CHECK_STATUS(ut_store_load(s, e, "SO-1", &c1), UT_E_SNAPSHOT);
  CHECK(c1 == NULL);
  ut_store_close(s);
}

static void test_fire(ut_engine* e) {
  ut_store* s = open_store("fire.db");
  heard h;
  char* out = NULL;
  char* changes = NULL;
  ut_case* c = NULL;
  size_t i;

  memset(&h, 0, sizeof h);
  pthread_mutex_init(&h.mutex, NULL);
  CHECK_STATUS(ut_engine_set_listener(e, on_event, &h), UT_OK);
  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_store_create(s, c), UT_OK);
  ut_case_free(c);

  /* A refusal: nothing stored, the listener told once. */
  CHECK_STATUS(ut_store_fire(s, e, FULL_ORDER_ID, "intake.forward", sales, NULL,
                             "2026-03-02T08:00:00Z", NULL, &out),
               UT_REFUSED);
  CHECK_CONTAINS(out, "\"accepted\":false");
  CHECK_CONTAINS(out, "\"repeated\":false");
  CHECK_CONTAINS(out, "\"revision\":0");
  CHECK_CONTAINS(ut_last_error(), "refused");
  CHECK(h.calls == 1 && h.accepted == 0);
  ut_free(out);

  /* The whole order, one stored fire per step, each heard exactly once. */
  for (i = 0; i < FULL_ORDER_STEP_COUNT; ++i) {
    const ut_test_step* st = &full_order_steps[i];
    const int before = h.calls;
    int rc =
        ut_store_fire(s, e, FULL_ORDER_ID, st->event, st->actor, st->payload, st->at, NULL, &out);
    if (rc != UT_OK) fprintf(stderr, "step %u (%s): %s\n", (unsigned)i, st->event, out);
    CHECK_STATUS(rc, UT_OK);
    CHECK_CONTAINS(out, "\"attempts\":1");
    CHECK_CONTAINS(out, "\"case_id\":\"" FULL_ORDER_ID "\"");
    if (st->state[0]) CHECK_CONTAINS(out, st->state);
    CHECK(h.calls == before + 1);
    ut_free(out);
  }
  CHECK(h.accepted == (int)FULL_ORDER_STEP_COUNT);
  CHECK_STATUS(ut_store_load(s, e, FULL_ORDER_ID, &c), UT_OK);
  CHECK(revision_of(c) == FULL_ORDER_STEP_COUNT);
  ut_case_free(c);

  /* The outcome may be left out. */
  CHECK_STATUS(store_new_case(s, e, "REQ-1", "Acme"), UT_OK);
  CHECK_STATUS(ut_store_fire(s, e, "REQ-1", "intake.forward", market, "", "2026-03-02", "", NULL),
               UT_OK);

  /* Idempotent: the same request id twice fires once; the repeat gets the first outcome. */
  h.calls = 0;
  CHECK_STATUS(
      ut_store_fire(s, e, "REQ-1", "intake.confirm", sales, NULL, "2026-03-03", "req-7f3a", &out),
      UT_OK);
  CHECK_CONTAINS(out, "\"repeated\":false");
  CHECK_CONTAINS(out, "\"request_id\":\"req-7f3a\"");
  CHECK_CONTAINS(out, "\"revision\":2");
  ut_free(out);
  CHECK_STATUS(ut_store_changes(s, 0, 10000, &changes), UT_OK);
  CHECK_STATUS(
      ut_store_fire(s, e, "REQ-1", "intake.confirm", sales, NULL, "2026-03-03", "req-7f3a", &out),
      UT_OK);
  CHECK_CONTAINS(out, "\"repeated\":true");
  CHECK_CONTAINS(out, "\"accepted\":true");
  CHECK_CONTAINS(out, "\"revision\":2");
  ut_free(out);
  CHECK(h.calls == 1); /* nothing fired the second time */
  CHECK_STATUS(ut_store_changes(s, 0, 10000, &out), UT_OK);
  CHECK(out && changes && strcmp(out, changes) == 0);
  ut_free(out);
  ut_free(changes);
  CHECK_STATUS(ut_store_load(s, e, "REQ-1", &c), UT_OK);
  CHECK(revision_of(c) == 2);
  ut_case_free(c);

  /* A refused request is remembered too. */
  CHECK_STATUS(
      ut_store_fire(s, e, "REQ-1", "contract.sign", sales, NULL, "2026-03-04", "req-2", &out),
      UT_REFUSED);
  CHECK_CONTAINS(out, "\"repeated\":false");
  ut_free(out);
  CHECK_STATUS(
      ut_store_fire(s, e, "REQ-1", "contract.sign", sales, NULL, "2026-03-04", "req-2", &out),
      UT_REFUSED);
  CHECK_CONTAINS(out, "\"repeated\":true");
  CHECK_CONTAINS(out, "\"accepted\":false");
  ut_free(out);
  CHECK(h.calls == 2);

  /* Bad input changes nothing. */
  CHECK_STATUS(
      ut_store_fire(s, e, "SO-404", "intake.forward", market, NULL, "2026-03-02", NULL, &out),
      UT_E_NOT_FOUND);
  CHECK(out == NULL);
  CHECK_STATUS(ut_store_fire(s, e, "REQ-1", "", sales, NULL, "2026-03-05", NULL, &out),
               UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_fire(s, e, "REQ-1", "evaluation.quote", "{\"id\":1}", NULL, "2026-03-05",
                             NULL, &out),
               UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_fire(s, e, "REQ-1", "evaluation.quote", sales, "{\"price\":", "2026-03-05",
                             NULL, &out),
               UT_E_INVALID_JSON);
  CHECK_STATUS(ut_store_fire(s, e, "REQ-1", "evaluation.quote", sales, NULL, "5 March", NULL, &out),
               UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(
      ut_store_fire(s, e, "REQ-1", "evaluation.quote", sales, NULL, "2026-03-05", "req\xc3", &out),
      UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(
      ut_store_fire(NULL, e, "REQ-1", "evaluation.quote", sales, NULL, "2026-03-05", NULL, &out),
      UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_set_limits(e, 64, 0), UT_OK);
  CHECK_STATUS(
      ut_store_fire(
          s, e, "REQ-1", "evaluation.quote", sales,
          "{\"price\": 420000, \"cost\": 320000, \"note\": \"a note longer than the limit\"}",
          "2026-03-05", NULL, &out),
      UT_E_LIMIT);
  CHECK_STATUS(ut_engine_set_limits(e, (size_t)64 << 20, 0), UT_OK);
  CHECK(h.calls == 2);
  CHECK_STATUS(ut_store_load(s, e, "REQ-1", &c), UT_OK);
  CHECK(revision_of(c) == 2);
  ut_case_free(c);

  CHECK_STATUS(ut_engine_set_listener(e, NULL, NULL), UT_OK);
  pthread_mutex_destroy(&h.mutex);
  ut_store_close(s);
}

static void test_list_and_inbox(ut_engine* e) {
  ut_store* s = open_store("inbox.db");
  char* out = NULL;
  static const char* const ids[] = {"IN-1", "IN-2", "IN-3", "IN-4", "IN-5"};
  static const char* const customers[] = {"Acme", "Bolt", "Acme", "Cobalt", "Acme"};
  int i;

  for (i = 0; i < 5; ++i) CHECK_STATUS(store_new_case(s, e, ids[i], customers[i]), UT_OK);
  CHECK_STATUS(
      ut_store_fire(s, e, "IN-1", "intake.forward", market, NULL, "2026-03-02", NULL, NULL), UT_OK);
  CHECK_STATUS(
      ut_store_fire(s, e, "IN-2", "intake.forward", market, NULL, "2026-03-02", NULL, NULL), UT_OK);
  CHECK_STATUS(ut_store_fire(s, e, "IN-1", "intake.confirm", sales, NULL, "2026-03-03", NULL, NULL),
               UT_OK); /* the evaluation decision falls due on 2026-03-17 */

  /* The market's worklist: every open case (anyone may hand a case over), in id order, and the
   * three registered ones to forward. */
  CHECK_STATUS(ut_store_inbox(s, e, market, &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 5);
  CHECK(ut_count_of(out, "\"event\":\"intake.forward\"") == 3);
  CHECK(ut_count_of(out, "\"event\":\"case.handover\"") == 5);
  CHECK(out && strstr(out, "IN-1") < strstr(out, "IN-2") &&
        strstr(out, "IN-4") < strstr(out, "IN-5"));
  CHECK(out && strstr(out, "intake.forward") > strstr(out, "\"case_id\":\"IN-3\""));
  CHECK_CONTAINS(out, "\"next\":null");
  ut_free(out);

  /* Sales may confirm IN-2; the technical department assesses IN-1. */
  CHECK_STATUS(ut_store_inbox(s, e, sales, &out), UT_OK);
  CHECK(ut_count_of(out, "\"event\":\"intake.confirm\"") == 1);
  CHECK(out && strstr(out, "intake.confirm") > strstr(out, "\"case_id\":\"IN-2\"") &&
        strstr(out, "intake.confirm") < strstr(out, "\"case_id\":\"IN-3\""));
  ut_free(out);
  CHECK_STATUS(ut_store_inbox(s, e, technical, &out), UT_OK);
  CHECK(ut_count_of(out, "\"event\":\"evaluation.technical\"") == 1);
  CHECK(out && strstr(out, "evaluation.technical") < strstr(out, "\"case_id\":\"IN-2\""));
  ut_free(out);
  CHECK_STATUS(ut_store_inbox(s, e, "{\"id\":\"wu\",\"roles\":[\"legal\"]}", &out), UT_OK);
  CHECK_CONTAINS(out, "{\"items\":[],\"next\":null}");
  ut_free(out);

  /* Filters and pages. */
  CHECK_STATUS(
      ut_store_inbox_query(
          s, e, "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"customer\":\"Acme\"}", &out),
      UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 3);
  CHECK(ut_count_of(out, "\"customer\":\"Acme\"") == 3);
  CHECK(ut_count_of(out, "\"event\":\"intake.forward\"") == 2);
  ut_free(out);
  CHECK_STATUS(ut_store_inbox_query(
                   s, e, "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"limit\":2}", &out),
               UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 2);
  CHECK_CONTAINS(out, "\"next\":\"IN-2\"");
  ut_free(out);
  CHECK_STATUS(
      ut_store_inbox_query(
          s, e,
          "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"limit\":2,\"after\":\"IN-4\"}",
          &out),
      UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 1);
  CHECK_CONTAINS(out, "\"case_id\":\"IN-5\"");
  CHECK_CONTAINS(out, "\"next\":null");
  ut_free(out);
  CHECK_STATUS(
      ut_store_inbox_query(
          s, e, "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"stage\":\"Intake\"}", &out),
      UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 4);
  ut_free(out);
  CHECK_STATUS(
      ut_store_inbox_query(
          s, e, "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"stage\":\"Contract\"}", &out),
      UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 0);
  ut_free(out);
  CHECK_STATUS(ut_store_inbox_query(s, e,
                                    "{\"actor\":{\"id\":\"zhao\",\"roles\":[\"technical\"]},"
                                    "\"due_by\":\"2026-03-20\"}",
                                    &out),
               UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 1);
  CHECK_CONTAINS(out, "\"case_id\":\"IN-1\"");
  CHECK_CONTAINS(out, "\"due\":\"2026-03-17");
  ut_free(out);
  CHECK_STATUS(ut_store_inbox_query(s, e,
                                    "{\"actor\":{\"id\":\"zhao\",\"roles\":[\"technical\"]},"
                                    "\"due_by\":\"2026-03-10\"}",
                                    &out),
               UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 0);
  ut_free(out);

  /* Bad queries. */
  CHECK_STATUS(ut_store_inbox_query(s, e, "{\"stage\":\"Intake\"}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "query.actor");
  CHECK_STATUS(ut_store_inbox_query(
                   s, e, "{\"actor\":{\"id\":\"mei\",\"roles\":[\"market\"]},\"limit\":0}", &out),
               UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "query.limit");
  CHECK_STATUS(ut_store_inbox_query(s, e, "{\"actor\":", &out), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_store_inbox(s, e, "{\"roles\":[\"market\"]}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_inbox(s, e, market, NULL), UT_E_INVALID_ARGUMENT);
  CHECK(out == NULL);

  /* Lists. */
  CHECK_STATUS(ut_store_list(s, NULL, &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 5);
  ut_free(out);
  CHECK_STATUS(ut_store_list(s, "{\"stage\":\"Evaluation\"}", &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 1);
  CHECK_CONTAINS(out, "\"case_id\":\"IN-1\"");
  CHECK_CONTAINS(out, "\"customer\":\"Acme\"");
  ut_free(out);
  CHECK_STATUS(ut_store_list(s, "{\"open\":true,\"limit\":2}", &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 2);
  ut_free(out);
  CHECK_STATUS(ut_store_list(s, "{\"attention_by\":\"2026-03-20\"}", &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 1);
  ut_free(out);
  CHECK_STATUS(ut_store_list(s, "{\"updated_since\":\"2026-03-03\"}", &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\"") == 1);
  ut_free(out);
  CHECK_STATUS(ut_store_list(s, "{\"stag\":\"Evaluation\"}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "filter.stag");
  CHECK_STATUS(ut_store_list(s, "{\"open\":1}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_list(s, "{\"attention_by\":\"soon\"}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_list(s, "[]", &out), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_store_list(s, "{", &out), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_store_list(s, NULL, NULL), UT_E_INVALID_ARGUMENT);
  ut_store_close(s);
}

static void test_changes_and_tick(ut_engine* e) {
  ut_store* s = open_store("feed.db");
  heard h;
  char* out = NULL;
  char key[64];
  int position;

  memset(&h, 0, sizeof h);
  pthread_mutex_init(&h.mutex, NULL);
  CHECK_STATUS(store_new_case(s, e, "CH-1", "Acme"), UT_OK);
  CHECK_STATUS(store_new_case(s, e, "CH-2", "Bolt"), UT_OK);
  CHECK_STATUS(ut_store_changes(s, 0, 100, &out), UT_OK);
  CHECK(out && strcmp(out, "[]") == 0);
  ut_free(out);
  CHECK_STATUS(
      ut_store_fire(s, e, "CH-1", "intake.forward", market, NULL, "2026-03-02", NULL, NULL), UT_OK);
  CHECK_STATUS(
      ut_store_fire(s, e, "CH-2", "intake.forward", market, NULL, "2026-03-02", NULL, NULL), UT_OK);
  CHECK_STATUS(ut_store_fire(s, e, "CH-1", "intake.confirm", sales, NULL, "2026-03-03", NULL, NULL),
               UT_OK);
  CHECK_STATUS(ut_store_fire(s, e, "CH-2", "intake.confirm", sales, NULL, "2026-03-04", NULL, NULL),
               UT_OK);

  /* Every accepted event once, in commit order, at positions 1, 2, 3, 4. */
  CHECK_STATUS(ut_store_changes(s, 0, 100, &out), UT_OK);
  CHECK(ut_count_of(out, "\"position\"") == 4);
  for (position = 1; position <= 4; ++position) {
    snprintf(key, sizeof key, "\"position\":%d,", position);
    CHECK_CONTAINS(out, key);
  }
  CHECK(out && strstr(out, "\"position\":1,") < strstr(out, "\"position\":2,"));
  CHECK(out && strstr(out, "\"position\":3,") < strstr(out, "\"position\":4,"));
  CHECK(out && strstr(out, "\"case_id\":\"CH-1\"") < strstr(out, "\"case_id\":\"CH-2\""));
  CHECK_CONTAINS(out, "\"event\":\"intake.confirm\"");
  ut_free(out);
  CHECK_STATUS(ut_store_changes(s, 2, 1, &out), UT_OK);
  CHECK(ut_count_of(out, "\"position\"") == 1);
  CHECK_CONTAINS(out, "\"position\":3,");
  CHECK_CONTAINS(out, "\"case_id\":\"CH-1\"");
  CHECK_CONTAINS(out, "\"event\":\"intake.confirm\"");
  ut_free(out);
  CHECK_STATUS(ut_store_changes(s, 4, 100, &out), UT_OK);
  CHECK(out && strcmp(out, "[]") == 0);
  ut_free(out);
  CHECK_STATUS(ut_store_changes(s, 0, 0, &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_changes(s, 0, 10001, &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_changes(s, 0, 10, NULL), UT_E_INVALID_ARGUMENT);

  /* Ticking: the evaluation decisions fall due on 03-17 and 03-18; each is escalated once. */
  CHECK_STATUS(ut_engine_set_listener(e, on_event, &h), UT_OK);
  CHECK_STATUS(ut_store_tick(s, e, "2026-03-10", &out), UT_OK);
  CHECK_CONTAINS(out, "\"escalated\":0");
  ut_free(out);
  CHECK(h.calls == 0);
  CHECK_STATUS(ut_store_tick(s, e, "2026-03-17T12:00:00Z", &out), UT_OK);
  CHECK_CONTAINS(out, "\"escalated\":1");
  CHECK_CONTAINS(out, "\"failures\":[]");
  ut_free(out);
  CHECK(h.calls == 1);
  CHECK(strcmp(h.last_event, "deadline.escalated") == 0);
  CHECK_STATUS(ut_store_tick(s, e, "2026-03-20", &out), UT_OK);
  CHECK_CONTAINS(out, "\"escalated\":1"); /* CH-2's, CH-1's not again */
  ut_free(out);
  CHECK_STATUS(ut_store_tick(s, e, "2026-03-21", NULL), UT_OK);
  CHECK(h.calls == 2);
  CHECK_STATUS(ut_store_changes(s, 4, 100, &out), UT_OK);
  CHECK(ut_count_of(out, "\"position\"") == 2);
  CHECK_CONTAINS(out, "\"position\":5,");
  CHECK_CONTAINS(out, "\"position\":6,");
  ut_free(out);
  CHECK_STATUS(ut_store_tick(s, e, "next week", &out), UT_E_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_STATUS(ut_store_tick(s, NULL, "2026-03-21", &out), UT_E_INVALID_ARGUMENT);

  CHECK_STATUS(ut_engine_set_listener(e, NULL, NULL), UT_OK);
  pthread_mutex_destroy(&h.mutex);
  ut_store_close(s);
}

static void test_kpi_and_verify(ut_engine* e) {
  ut_store* s = open_store("audit.db");
  char* out = NULL;
  size_t i;
  ut_case* c = NULL;

  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_store_create(s, c), UT_OK);
  ut_case_free(c);
  for (i = 0; i < FULL_ORDER_STEP_COUNT; ++i) {
    const ut_test_step* st = &full_order_steps[i];
    CHECK_STATUS(
        ut_store_fire(s, e, FULL_ORDER_ID, st->event, st->actor, st->payload, st->at, NULL, NULL),
        UT_OK);
  }
  CHECK_STATUS(store_new_case(s, e, "OPEN-1", "Acme"), UT_OK);

  CHECK_STATUS(ut_store_kpi(s, e, "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", &out), UT_OK);
  CHECK_CONTAINS(out, "\"sales.revenue\"");
  CHECK_CONTAINS(out, "\"departments\"");
  CHECK_CONTAINS(out, "\"cases\":2");
  ut_free(out);
  CHECK_STATUS(ut_store_kpi(s, e, "{\"from\":\"2026-01-01\"}", &out), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_store_kpi(s, e, "{\"from\":", &out), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_store_kpi(s, e, "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", NULL),
               UT_E_INVALID_ARGUMENT);

  CHECK_STATUS(ut_store_verify(s, e, FULL_ORDER_ID, &out), UT_OK);
  CHECK_CONTAINS(out, "\"ok\":true");
  CHECK_CONTAINS(out, "\"problems\":[]");
  ut_free(out);
  CHECK_STATUS(ut_store_verify(s, e, "SO-404", &out), UT_E_NOT_FOUND);
  CHECK(out == NULL);
  CHECK_STATUS(ut_store_verify(s, e, FULL_ORDER_ID, NULL), UT_E_INVALID_ARGUMENT);

  /* Someone edits the price in the quote's ledger row: the audit finds it, KPIs refuse it. */
  CHECK(run_sql("audit.db",
                "UPDATE ledger SET entry = replace(entry, '420000', '520000') WHERE case_id = "
                "'" FULL_ORDER_ID "' AND event = 'evaluation.quote'") == 1);
  CHECK_STATUS(ut_store_verify(s, e, FULL_ORDER_ID, &out), UT_OK);
  CHECK_CONTAINS(out, "\"ok\":false");
  CHECK_CONTAINS(out, "\"where\"");
  CHECK_CONTAINS(out, "\"why\"");
  ut_free(out);
  CHECK_STATUS(ut_store_kpi(s, e, "{\"from\":\"2026-01-01\",\"to\":\"2026-12-31\"}", &out),
               UT_E_SNAPSHOT);
  CHECK_CONTAINS(ut_last_error(), FULL_ORDER_ID);
  CHECK(out == NULL);
  ut_store_close(s);
}

static void test_case_verify(ut_engine* e) {
  ut_case* c = NULL;
  char* snapshot = NULL;
  char* out = NULL;
  char* edited;
  char* at;

  CHECK_STATUS(ut_case_create(e, "V-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, NULL, "2026-03-03", NULL), UT_OK);
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  ut_case_free(c);

  CHECK_STATUS(ut_case_verify(e, snapshot, &out), UT_OK);
  CHECK_CONTAINS(out, "\"ok\":true");
  CHECK_CONTAINS(out, "\"case_id\":\"V-1\"");
  CHECK_CONTAINS(out, "\"revision\":2");
  ut_free(out);

  /* An edited actor in the ledger: the digest and the chain no longer hold. */
  edited = snapshot ? (char*)malloc(strlen(snapshot) + 1) : NULL;
  CHECK(edited != NULL);
  if (edited) {
    strcpy(edited, snapshot);
    at = strstr(edited, "\"id\":\"li\"");
    CHECK(at != NULL);
    if (at) memcpy(at, "\"id\":\"lu\"", 9);
    CHECK_STATUS(ut_case_verify(e, edited, &out), UT_OK);
    CHECK_CONTAINS(out, "\"ok\":false");
    ut_free(out);
    free(edited);
  }
  CHECK_STATUS(ut_case_verify(e, "{\"format\":", &out), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_case_verify(e, "{}", &out), UT_E_SNAPSHOT);
  CHECK(out == NULL);
  CHECK_STATUS(ut_case_verify(e, snapshot, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_verify(NULL, snapshot, &out), UT_E_INVALID_ARGUMENT);
  ut_free(snapshot);
}

static void test_host_key(void) {
  static const char key[] = "erp-host-key-2026";
  static const char other[] = "another-key";
  ut_engine* keyed = NULL;
  ut_engine* same = NULL;
  ut_engine* plain = NULL;
  ut_engine* wrong = NULL;
  ut_case* c = NULL;
  char* snapshot = NULL;
  ut_store* s = open_store("keyed.db");

  CHECK_STATUS(ut_engine_open_default(&keyed), UT_OK);
  CHECK_STATUS(ut_engine_open_default(&same), UT_OK);
  CHECK_STATUS(ut_engine_open_default(&plain), UT_OK);
  CHECK_STATUS(ut_engine_open_default(&wrong), UT_OK);
  CHECK_STATUS(ut_engine_set_host_key(keyed, NULL, 4), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_set_host_key(keyed, key, 0), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_set_host_key(NULL, key, sizeof key - 1), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_engine_set_host_key(keyed, key, sizeof key - 1), UT_OK);
  CHECK_STATUS(ut_engine_set_host_key(same, key, sizeof key - 1), UT_OK);
  CHECK_STATUS(ut_engine_set_host_key(wrong, other, sizeof other - 1), UT_OK);

  CHECK_STATUS(ut_case_create(keyed, "K-1", full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, NULL, "2026-03-02", NULL), UT_OK);
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  CHECK_STATUS(ut_store_create(s, c), UT_OK);
  ut_case_free(c);

  /* A sealed snapshot restores only where the key is. */
  CHECK_STATUS(ut_case_restore(plain, snapshot, &c), UT_E_SNAPSHOT);
  CHECK(c == NULL);
  CHECK_STATUS(ut_case_restore(wrong, snapshot, &c), UT_E_SNAPSHOT);
  CHECK_STATUS(ut_case_restore(same, snapshot, &c), UT_OK);
  ut_case_free(c);
  c = NULL;

  /* So does a stored case. */
  CHECK_STATUS(ut_store_load(s, plain, "K-1", &c), UT_E_SNAPSHOT);
  CHECK_STATUS(ut_store_load(s, same, "K-1", &c), UT_OK);
  CHECK(c && revision_of(c) == 1);
  ut_case_free(c);
  CHECK_STATUS(
      ut_store_fire(s, same, "K-1", "intake.confirm", sales, NULL, "2026-03-03", NULL, NULL),
      UT_OK);
  CHECK_STATUS(ut_store_fire(s, plain, "K-1", "evaluation.quote", sales,
                             "{\"price\":400000,\"cost\":300000}", "2026-03-04", NULL, NULL),
               UT_E_SNAPSHOT);

  ut_free(snapshot);
  ut_store_close(s);
  ut_engine_close(keyed);
  ut_engine_close(same);
  ut_engine_close(plain);
  ut_engine_close(wrong);
}

/* ------------------------------------------------------------------------------------------- */
/* Threads: one handle shared by threads, and a handle per thread, on one file. */

#define THREADS 4

typedef struct {
  ut_store* shared; /* NULL: the thread opens its own */
  ut_engine* engine;
  const char* race_id; /* the case every thread fires on */
  int index;
  int status; /* of the race on the shared case */
  int failures;
} racer;

static void* race(void* arg) {
  racer* r = (racer*)arg;
  ut_store* s = r->shared;
  char id[32], request[32];
  int k;
  if (!s) {
    char uri[512];
    uri_of(uri, sizeof uri, "threads.db", "synchronous=off");
    if (ut_store_open(uri, &s) != UT_OK) {
      ++r->failures;
      return NULL;
    }
  }
  /* Everyone forwards the shared case: one is accepted, the others find it forwarded. */
  snprintf(request, sizeof request, "race-%d", r->index);
  r->status = ut_store_fire(s, r->engine, r->race_id, "intake.forward", market, NULL, "2026-03-02",
                            request, NULL);
  /* And works a case of its own. */
  snprintf(id, sizeof id, "OWN-%d-%s", r->index, r->shared ? "shared" : "own");
  if (store_new_case(s, r->engine, id, "Acme") != UT_OK) ++r->failures;
  for (k = 0; k < 4; ++k) {
    const ut_test_step* st = &full_order_steps[k];
    if (ut_store_fire(s, r->engine, id, st->event, st->actor, st->payload, st->at, NULL, NULL) !=
        UT_OK) {
      fprintf(stderr, "%s step %d: %s\n", id, k, ut_last_error());
      ++r->failures;
    }
  }
  if (!r->shared) ut_store_close(s);
  return NULL;
}

static void run_race(ut_engine* e, ut_store* s, const char* race_id, int shared) {
  pthread_t threads[THREADS];
  racer racers[THREADS];
  int i, accepted = 0, refused = 0;
  ut_case* c = NULL;
  char* out = NULL;

  CHECK_STATUS(store_new_case(s, e, race_id, "Acme"), UT_OK);
  for (i = 0; i < THREADS; ++i) {
    racers[i].shared = shared ? s : NULL;
    racers[i].engine = e;
    racers[i].race_id = race_id;
    racers[i].index = i;
    racers[i].status = 99;
    racers[i].failures = 0;
    CHECK(pthread_create(&threads[i], NULL, race, &racers[i]) == 0);
  }
  for (i = 0; i < THREADS; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(racers[i].failures == 0);
    if (racers[i].status == UT_OK) ++accepted;
    if (racers[i].status == UT_REFUSED) ++refused;
  }
  CHECK(accepted == 1);
  CHECK(refused == THREADS - 1);
  CHECK_STATUS(ut_store_load(s, e, race_id, &c), UT_OK);
  CHECK(c && revision_of(c) == 1);
  ut_case_free(c);
  CHECK_STATUS(ut_store_ledger(s, race_id, &out), UT_OK);
  CHECK(ut_count_of(out, "\"event\":\"intake.forward\"") == 1);
  ut_free(out);
}

static void test_threads(ut_engine* e) {
  ut_store* s = open_store("threads.db");
  char* out = NULL;
  run_race(e, s, "RACE-1", 1);
  run_race(e, s, "RACE-2", 0);
  CHECK_STATUS(ut_store_list(s, "{\"stage\":\"Evaluation\"}", &out), UT_OK);
  CHECK(ut_count_of(out, "\"case_id\":\"OWN-") == 2 * THREADS);
  ut_free(out);
  ut_store_close(s);
}

int main(void) {
  ut_engine* e = NULL;
  const char* base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/ut_store_test_XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  test_open_failures();
  test_read_only(e);
  test_create_load_save(e);
  test_fire(e);
  test_list_and_inbox(e);
  test_changes_and_tick(e);
  test_kpi_and_verify(e);
  test_case_verify(e);
  test_host_key();
  test_threads(e);
  ut_engine_close(e);
  {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  }
  return ut_test_summary("capi_store_test");
}
