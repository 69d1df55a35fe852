/* A tiny test harness for the C API tests (C99): CHECK macros and a summary line. */
#ifndef UNDERTAKE_UT_TEST_H
#define UNDERTAKE_UT_TEST_H

#include <stdio.h>
#include <string.h>

#include "undertake/undertake.h"

static int ut_test_passed = 0;
static int ut_test_failed = 0;

#define CHECK(cond)                                                                            \
  do {                                                                                         \
    if (cond) {                                                                                \
      ++ut_test_passed;                                                                        \
    } else {                                                                                   \
      ++ut_test_failed;                                                                        \
      fprintf(stderr, "%s:%d: CHECK failed: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
              ut_last_error());                                                                \
    }                                                                                          \
  } while (0)

/* Checks a status and prints the last error when it differs. */
#define CHECK_STATUS(expr, expected)                                                               \
  do {                                                                                             \
    int ut_status_ = (expr);                                                                       \
    if (ut_status_ == (expected)) {                                                                \
      ++ut_test_passed;                                                                            \
    } else {                                                                                       \
      ++ut_test_failed;                                                                            \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__, __LINE__, \
              #expr, ut_status_name(ut_status_), ut_status_name(expected), ut_last_error());       \
    }                                                                                              \
  } while (0)

#define CHECK_CONTAINS(text, part)                                                           \
  do {                                                                                       \
    const char* ut_text_ = (text);                                                           \
    if (ut_text_ && strstr(ut_text_, (part))) {                                              \
      ++ut_test_passed;                                                                      \
    } else {                                                                                 \
      ++ut_test_failed;                                                                      \
      fprintf(stderr, "%s:%d: \"%s\" not found in %s: %.600s\n", __FILE__, __LINE__, (part), \
              #text, ut_text_ ? ut_text_ : "(null)");                                        \
    }                                                                                        \
  } while (0)

/* How many times `part` occurs in `text` (NULL: 0). */
static inline int ut_count_of(const char* text, const char* part) {
  int n = 0;
  const char* p = text;
  while (p && (p = strstr(p, part)) != NULL) {
    ++n;
    p += strlen(part);
  }
  return n;
}

/* Prints the summary line CTest logs and returns the exit status. */
static int ut_test_summary(const char* name) {
  printf("%s: %d passed, %d failed\n", name, ut_test_passed, ut_test_failed);
  return ut_test_failed == 0 ? 0 : 1;
}

#endif
