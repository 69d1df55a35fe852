/* A host that keeps cases in its own database (design.md §9, undertake.h "Cases in the host's own
 * database"): a head row updated in place and an append-only table of entries. ut_case_head,
 * ut_case_entries after a revision, restoring from the head alone and from the head with its
 * rows (the hash chain checked: an edited, missing or foreign row is refused), the audit of head
 * and rows, and every argument they refuse. The "tables" are strings, as the host's rows are. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "full_order_steps.h"
#include "ut_test.h"

enum { kRows = 64 * 1024 };

/* The host's entries table: the rows' JSON joined into one array, as a SELECT ... ORDER BY seq
 * would give them back. */
typedef struct {
  char text[kRows];
} rows;

static void rows_init(rows* r) {
  snprintf(r->text, sizeof r->text, "[]");
}

/* Appends the rows of a JSON array given by ut_case_entries. */
static void rows_append(rows* r, const char* entries) {
  size_t used = strlen(r->text), add = strlen(entries);
  if (add <= 2) return; /* [] */
  if (used + add + 1 > sizeof r->text) {
    fprintf(stderr, "rows: table full\n");
    exit(1);
  }
  if (used == 2) { /* [] */
    strcpy(r->text, entries);
    return;
  }
  r->text[used - 1] = ',';      /* "[a,b]" -> "[a,b," */
  strcat(r->text, entries + 1); /* "[a,b,c]" */
}

static uint64_t revision_of(ut_case* c) {
  uint64_t r = 0;
  CHECK_STATUS(ut_case_revision(c, &r), UT_OK);
  return r;
}

/* Fires the full order's steps [from, to) on c. */
static void fire_steps(ut_case* c, int from, int to) {
  int i;
  for (i = from; i < to; ++i) {
    const ut_test_step* s = &full_order_steps[i];
    CHECK_STATUS(ut_case_fire(c, s->event, s->actor, s->payload, s->at, NULL), UT_OK);
  }
}

/* Replaces the first `from` in text by `to` (same length), in place; 1 when found. */
static int edit(char* text, const char* from, const char* to) {
  char* p = strstr(text, from);
  if (!p || strlen(from) != strlen(to)) return 0;
  memcpy(p, to, strlen(to));
  return 1;
}

/* ------------------------------------------------------------------------------------------- */

/* The host's save path: create, then load → fire → save what changed, twice. */
static void test_head_and_entries(ut_engine* e, char** head_out, rows* table) {
  ut_case* c = NULL;
  char* head = NULL;
  char* entries = NULL;
  uint64_t read;

  rows_init(table);
  CHECK_STATUS(ut_case_create(e, FULL_ORDER_ID, full_order_data, &c), UT_OK);
  CHECK_STATUS(ut_case_head(c, &head), UT_OK);
  CHECK_CONTAINS(head, "\"ledger_head\"");
  CHECK_CONTAINS(head, "\"digest\"");
  CHECK(head && !strstr(head, "\"ledger\":"));
  ut_free(head);
  CHECK_STATUS(ut_case_entries(c, 0, &entries), UT_OK);
  CHECK(entries && strcmp(entries, "[]") == 0);
  ut_free(entries);

  /* Two events: entries after 0 give both, after 1 the second only, each with seq and hash. */
  fire_steps(c, 0, 2);
  CHECK_STATUS(ut_case_entries(c, 0, &entries), UT_OK);
  CHECK(ut_count_of(entries, "\"seq\":") == 2);
  CHECK(ut_count_of(entries, "\"hash\":\"") == 2);
  rows_append(table, entries);
  ut_free(entries);
  CHECK_STATUS(ut_case_entries(c, 1, &entries), UT_OK);
  CHECK(ut_count_of(entries, "\"seq\":") == 1);
  CHECK_CONTAINS(entries, "\"seq\":2");
  CHECK_CONTAINS(entries, "\"event\":\"intake.confirm\"");
  ut_free(entries);
  CHECK_STATUS(ut_case_entries(c, 2, &entries), UT_OK);
  CHECK(entries && strcmp(entries, "[]") == 0);
  ut_free(entries);

  /* What it refuses, leaving *out NULL. */
  entries = (char*)1;
  CHECK_STATUS(ut_case_entries(c, 3, &entries), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "revision 2");
  CHECK(entries == NULL);
  CHECK_STATUS(ut_case_entries(c, 0, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_entries(NULL, 0, &entries), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_head(c, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_head(NULL, &head), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_head((ut_case*)e, &head), UT_E_INVALID_ARGUMENT); /* wrong kind */
  CHECK(head == NULL);
  CHECK_STATUS(ut_case_head(c, &head), UT_OK);
  ut_case_free(c);

  /* A later request: the head alone restores (no ledger), fires, and gives the new entries only;
   * the entries before its revision are the host's, not the case's. */
  CHECK_STATUS(ut_case_restore(e, head, &c), UT_OK);
  ut_free(head);
  read = revision_of(c);
  CHECK(read == 2);
  CHECK_STATUS(ut_case_entries(c, 1, &entries), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "after seq 2 only");
  CHECK_STATUS(ut_case_ledger(c, &entries), UT_E_INVALID_ARGUMENT); /* not the whole ledger */
  fire_steps(c, 2, 4);
  CHECK_STATUS(ut_case_entries(c, read, &entries), UT_OK);
  CHECK(ut_count_of(entries, "\"seq\":") == 2);
  CHECK_CONTAINS(entries, "\"seq\":3");
  CHECK_CONTAINS(entries, "\"seq\":4");
  rows_append(table, entries);
  ut_free(entries);
  CHECK_STATUS(ut_case_head(c, head_out), UT_OK);
  CHECK_CONTAINS(*head_out, "\"revision\":4");
  ut_case_free(c);
  CHECK(ut_count_of(table->text, "\"seq\":") == 4);
}

/* The rows checked: head + every row restores the whole case; an edit anywhere is refused. */
static void test_restore_entries(ut_engine* e, const char* head, const rows* table) {
  ut_case* c = NULL;
  ut_case* other = NULL;
  char* out = NULL;
  static rows bad;
  char* bad_head;

  CHECK_STATUS(ut_case_restore_entries(e, head, table->text, &c), UT_OK);
  CHECK(revision_of(c) == 4);
  CHECK_STATUS(ut_case_ledger(c, &out), UT_OK); /* it holds its whole ledger now */
  CHECK(ut_count_of(out, "\"seq\":") == 4);
  ut_free(out);
  CHECK_STATUS(ut_case_entries(c, 0, &out), UT_OK);
  CHECK(out && strcmp(out, table->text) == 0); /* the rows, exactly as the host stored them */
  ut_free(out);
  CHECK_STATUS(ut_case_restore_entries(e, head, table->text, &other), UT_E_CONFLICT); /* open */
  CHECK(other == NULL);
  fire_steps(c, 4, 5); /* and goes on */
  ut_case_free(c);
  c = NULL;

  /* An edited row: the chain breaks at it (index 1: the entry of seq 2). */
  bad = *table;
  CHECK(edit(bad.text, "\"id\":\"li\"", "\"id\":\"lx\""));
  CHECK_STATUS(ut_case_restore_entries(e, head, bad.text, &c), UT_E_SNAPSHOT);
  CHECK_CONTAINS(ut_last_error(), "/ledger/1");
  CHECK(c == NULL);
  /* A row's seq edited. */
  bad = *table;
  CHECK(edit(bad.text, "\"seq\":3", "\"seq\":5"));
  CHECK_STATUS(ut_case_restore_entries(e, head, bad.text, &c), UT_E_SNAPSHOT);
  CHECK_CONTAINS(ut_last_error(), "/ledger/2");
  /* A missing last row: the rows do not reach the head. */
  bad = *table;
  {
    char* last = strstr(bad.text, ",{\"seq\":4");
    CHECK(last != NULL);
    if (last) strcpy(last, "]");
  }
  CHECK_STATUS(ut_case_restore_entries(e, head, bad.text, &c), UT_E_SNAPSHOT);
  CHECK_CONTAINS(ut_last_error(), "/ledger");
  CHECK_CONTAINS(ut_last_error(), "seq 4");
  /* An edited head (its digest no longer matches). */
  bad_head = (char*)malloc(strlen(head) + 1);
  if (bad_head) {
    strcpy(bad_head, head);
    CHECK(edit(bad_head, "Hengda", "Hengdb"));
    CHECK_STATUS(ut_case_restore_entries(e, bad_head, table->text, &c), UT_E_SNAPSHOT);
    CHECK_CONTAINS(ut_last_error(), "/digest");
    free(bad_head);
  }

  /* Arguments. */
  CHECK_STATUS(ut_case_restore_entries(e, head, "{}", &c), UT_E_INVALID_JSON);
  CHECK_CONTAINS(ut_last_error(), "entries");
  CHECK_STATUS(ut_case_restore_entries(e, "[]", table->text, &c), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_case_restore_entries(e, head, "[", &c), UT_E_INVALID_JSON);
  CHECK_STATUS(ut_case_restore_entries(e, NULL, table->text, &c), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_restore_entries(e, head, NULL, &c), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_restore_entries(e, head, table->text, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_restore_entries(NULL, head, table->text, &c), UT_E_INVALID_ARGUMENT);
  CHECK(c == NULL);
  /* A whole snapshot is not a head. */
  CHECK_STATUS(ut_case_restore_entries(e, head, table->text, &c), UT_OK);
  CHECK_STATUS(ut_case_snapshot(c, &out), UT_OK);
  ut_case_free(c);
  c = NULL;
  CHECK_STATUS(ut_case_restore_entries(e, out, table->text, &c), UT_E_INVALID_ARGUMENT);
  CHECK_CONTAINS(ut_last_error(), "holds a ledger");
  ut_free(out);
}

/* The audit of head and rows: ok, and the row at fault when one was edited. */
static void test_verify_entries(ut_engine* e, const char* head, const rows* table) {
  static rows bad;
  char* report = NULL;

  CHECK_STATUS(ut_case_verify_entries(e, head, table->text, &report), UT_OK);
  CHECK_CONTAINS(report, "\"ok\":true");
  CHECK_CONTAINS(report, "\"revision\":4");
  ut_free(report);
  bad = *table;
  CHECK(edit(bad.text, "\"price\":420000", "\"price\":920000"));
  CHECK_STATUS(ut_case_verify_entries(e, head, bad.text, &report), UT_OK);
  CHECK_CONTAINS(report, "\"ok\":false");
  CHECK_CONTAINS(report, "/ledger/2");
  ut_free(report);
  CHECK_STATUS(ut_case_verify_entries(e, head, "{}", &report), UT_E_INVALID_JSON);
  CHECK(report == NULL);
  CHECK_STATUS(ut_case_verify_entries(e, head, table->text, NULL), UT_E_INVALID_ARGUMENT);
  CHECK_STATUS(ut_case_verify_entries(NULL, head, table->text, &report), UT_E_INVALID_ARGUMENT);
}

/* Rows sealed without the host key are refused by an engine that has it. */
static void test_host_key(const char* head, const rows* table) {
  ut_engine* keyed = NULL;
  ut_case* c = NULL;
  CHECK_STATUS(ut_engine_open_default(&keyed), UT_OK);
  CHECK_STATUS(ut_engine_set_host_key(keyed, "erp-secret", 10), UT_OK);
  CHECK_STATUS(ut_case_restore_entries(keyed, head, table->text, &c), UT_E_SNAPSHOT);
  CHECK_CONTAINS(ut_last_error(), "host key");
  CHECK(c == NULL);
  ut_engine_close(keyed);
}

int main(void) {
  ut_engine* e = NULL;
  char* head = NULL;
  static rows table;
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  test_head_and_entries(e, &head, &table);
  if (head) {
    test_restore_entries(e, head, &table);
    test_verify_entries(e, head, &table);
    test_host_key(head, &table);
  }
  ut_free(head);
  ut_engine_close(e);
  return ut_test_summary("capi_own_database_test");
}
