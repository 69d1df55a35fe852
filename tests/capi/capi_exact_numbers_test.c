/* Issue 12.2 through the C API: 10^6 doubles written with 17 significant digits in payloads
 * (ut_case_fire) come back bit for bit from ut_case_record and ut_case_ledger, and again after
 * ut_case_snapshot -> ut_case_restore. The doubles: random bit patterns (every magnitude,
 * subnormals), random 17-digit decimals, -0, the limits of double, and quoted margins: each quote's
 * margin (price - cost) / price, computed by the engine, is the double C computes. glibc's strtod
 * (correctly rounded) reads the engine's text back. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ut_test.h"

#define SAMPLES 1000000
#define PER_CASE 100000 /* ten cases carry 10^6 (and the memory stays small) */
#define PER_QUOTE 10000 /* doubles in one payload: ten quotes a case */
#define QUOTES (PER_CASE / PER_QUOTE)

static const char* const sales = "{\"id\":\"li\",\"roles\":[\"sales\"]}";
static const char* const market = "{\"id\":\"mei\",\"roles\":[\"market\"]}";
static const char* const form =
    "{\"customer\":{\"name\":\"Hengda\",\"tier\":\"regular\"},\"spec\":\"GH-40\",\"quantity\":500,"
    "\"delivery_date\":\"2026-06-30\",\"quality_requirements\":\"ISO 2768-m\"}";

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t next_random(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Du;
}

static uint64_t bits_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static double sample(size_t i) {
  static const double specials[] = {0.0,
                                    -0.0,
                                    4.9406564584124654e-324,
                                    2.2250738585072014e-308,
                                    1.7976931348623157e308,
                                    975000.1000000001,
                                    0.19937800621993781,
                                    0.1,
                                    1e23,
                                    9007199254740993.0};
  char text[40];
  double d;
  if (i < sizeof specials / sizeof specials[0]) return specials[i];
  switch (next_random() % 3) {
    case 0: /* any finite bit pattern */
      do {
        uint64_t u = next_random();
        memcpy(&d, &u, sizeof d);
      } while (!isfinite(d));
      return d;
    case 1: /* a random 17-digit decimal */
      snprintf(text, sizeof text, "%s%d.%08lu%08lue%d", next_random() % 2 ? "-" : "",
               (int)(1 + next_random() % 9), (unsigned long)(next_random() % 100000000u),
               (unsigned long)(next_random() % 100000000u), (int)(next_random() % 630) - 323);
      return strtod(text, NULL);
    default: { /* a margin */
      const double price = 100000.0 + (double)(next_random() % 1001);
      const double cost = 80000.0 + (double)(next_random() % 101);
      return (price - cost) / price;
    }
  }
}

/* Reads the n numbers of the next "xs" array in `text` (from `*from` on, or from the start) and
 * moves `*from` past them. Returns how many differ from `want` in any bit. */
static size_t compare_array(const char* text, const char** from, const double* want, size_t n) {
  const char* p = strstr(*from ? *from : text, "\"xs\":[");
  size_t i, wrong = 0;
  if (!p) return n;
  p += 6;
  for (i = 0; i < n; ++i) {
    char* end = NULL;
    const double got = strtod(p, &end);
    if (end == p) return wrong + (n - i);
    if (bits_of(got) != bits_of(want[i])) {
      if (wrong == 0)
        fprintf(stderr, "  [%lu]: %.17g read back as %.17g\n", (unsigned long)i, want[i], got);
      ++wrong;
    }
    p = end + 1; /* the comma, or the closing bracket */
  }
  *from = p;
  return wrong;
}

static double margin_in(const char* record) {
  const char* p = strstr(record, "\"margin\":");
  return p ? strtod(p + 9, NULL) : NAN;
}

/* Every ledger entry's xs against the samples, in order. */
static size_t compare_ledger(ut_case* c, const double* samples) {
  char* ledger = NULL;
  const char* from = NULL;
  size_t q, wrong = 0;
  CHECK_STATUS(ut_case_ledger(c, &ledger), UT_OK);
  if (!ledger) return PER_CASE;
  for (q = 0; q < QUOTES; ++q)
    wrong += compare_array(ledger, &from, samples + q * PER_QUOTE, PER_QUOTE);
  ut_free(ledger);
  return wrong;
}

/* The payload of one quote: the doubles with 17 significant digits. */
static void write_payload(char* payload, int price, int cost, const double* xs) {
  size_t i, len = (size_t)sprintf(payload, "{\"price\":%d,\"cost\":%d,\"xs\":[", price, cost);
  for (i = 0; i < PER_QUOTE; ++i) {
    /* "-0" is the integer 0 (as in Boost.JSON and Python); a negative zero is written -0.0. */
    if (xs[i] == 0 && signbit(xs[i]))
      len += (size_t)sprintf(payload + len, "%s-0.0", i ? "," : "");
    else
      len += (size_t)sprintf(payload + len, "%s%.17g", i ? "," : "", xs[i]);
  }
  strcpy(payload + len, "]}");
}

/* One case, quoted QUOTES times with samples[0, PER_CASE): record, ledger, snapshot, restore. */
static void check_case(ut_engine* e, const double* samples, char* payload, int k) {
  ut_case* c = NULL;
  ut_case* restored = NULL;
  char *record = NULL, *snapshot = NULL, *snapshot2 = NULL;
  char id[32];
  size_t q, wrong = 0, wrong_margins = 0;
  double last_margin = 0;

  sprintf(id, "EXACT-C%d", k);
  CHECK_STATUS(ut_case_create(e, id, form, &c), UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.forward", market, "{}", "2026-03-02T09:00:00Z", NULL),
               UT_OK);
  CHECK_STATUS(ut_case_fire(c, "intake.confirm", sales, "{}", "2026-03-02T10:00:00Z", NULL), UT_OK);
  for (q = 0; q < QUOTES; ++q) {
    const int n = k * QUOTES + (int)q;
    const int price = 100000 + n * 7 % 1001, cost = 80000 + n * 13 % 101;
    const char* from = NULL;
    write_payload(payload, price, cost, samples + q * PER_QUOTE);
    CHECK_STATUS(ut_case_fire(c, "evaluation.quote", sales, payload, "2026-03-03T09:00:00Z", NULL),
                 UT_OK);
    CHECK_STATUS(ut_case_record(c, &record), UT_OK);
    if (!record) break;
    wrong += compare_array(record, &from, samples + q * PER_QUOTE, PER_QUOTE);
    last_margin = ((double)price - cost) / price;
    if (bits_of(margin_in(record)) != bits_of(last_margin)) ++wrong_margins;
    ut_free(record);
    record = NULL;
  }
  CHECK(wrong == 0);
  CHECK(wrong_margins == 0);
  CHECK(compare_ledger(c, samples) == 0);

  /* Through the snapshot's text and back: the same doubles, the same text. */
  CHECK_STATUS(ut_case_snapshot(c, &snapshot), UT_OK);
  ut_case_free(c); /* an engine holds one open case per id */
  CHECK_STATUS(ut_case_restore(e, snapshot, &restored), UT_OK);
  if (restored) {
    CHECK(compare_ledger(restored, samples) == 0);
    CHECK_STATUS(ut_case_snapshot(restored, &snapshot2), UT_OK);
    CHECK(snapshot && snapshot2 && strcmp(snapshot, snapshot2) == 0);
    CHECK_STATUS(ut_case_record(restored, &record), UT_OK);
    CHECK(record != NULL && bits_of(margin_in(record)) == bits_of(last_margin));
    ut_free(record);
  }
  ut_free(snapshot);
  ut_free(snapshot2);
  ut_case_free(restored);
}

int main(void) {
  ut_engine* e = NULL;
  double* samples = malloc(SAMPLES * sizeof *samples);
  char* payload = malloc(PER_QUOTE * 32 + 100);
  size_t i;
  int k;

  if (!samples || !payload) return 2;
  for (i = 0; i < SAMPLES; ++i) samples[i] = sample(i);
  CHECK_STATUS(ut_engine_open_default(&e), UT_OK);
  for (k = 0; k < SAMPLES / PER_CASE; ++k)
    check_case(e, samples + (size_t)k * PER_CASE, payload, k);
  ut_engine_close(e);
  free(payload);
  free(samples);
  return ut_test_summary("capi_exact_numbers");
}
