/* The project's own implementation of the Unity test API (see unity.h).
 * No dynamic memory: results go straight out through UNITY_OUTPUT_CHAR,
 * numbers are formatted here (small C libraries may lack printf("%jd")). */
#include "unity.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#ifndef UNITY_OUTPUT_CHAR
#define UNITY_OUTPUT_CHAR(c) ((void)putchar(c))
#endif
#ifndef UNITY_OUTPUT_FLUSH
#define UNITY_OUTPUT_FLUSH() ((void)fflush(stdout))
#endif

/* What happened to the current test. */
typedef enum { RESULT_PASS, RESULT_FAIL, RESULT_IGNORE } Result;

static struct {
  const char *file;     /* the test program's source, from UNITY_BEGIN */
  const char *name;     /* current test function */
  int line;             /* line of its RUN_TEST */
  Result result;
  const char *pass_msg; /* TEST_PASS_MESSAGE text, printed with PASS */
  unsigned tests;
  unsigned failures;
  unsigned ignored;
  int in_test;          /* an abort target is set */
  jmp_buf abort_frame;  /* where a failing assertion jumps to */
} U;

/* Empty fixtures unless the test program defines its own. */
#if defined(__GNUC__)
__attribute__((weak)) void setUp(void) {}
__attribute__((weak)) void tearDown(void) {}
#endif

/* ---- output ---- */
static void put_str(const char *s) {
  while (*s != '\0') {
    UNITY_OUTPUT_CHAR(*s);
    s++;
  }
}

static void put_unsigned(uintmax_t v) {
  char buf[24];
  size_t i = sizeof(buf);
  buf[--i] = '\0';
  do {
    buf[--i] = (char)('0' + (int)(v % 10u));
    v /= 10u;
  } while (v != 0u);
  put_str(&buf[i]);
}

static void put_signed(intmax_t v) {
  if (v < 0) {
    UNITY_OUTPUT_CHAR('-');
    /* Negate as unsigned so INTMAX_MIN does not overflow. */
    put_unsigned((uintmax_t)0 - (uintmax_t)v);
  } else {
    put_unsigned((uintmax_t)v);
  }
}

static void put_hex_digits(uintmax_t v, unsigned digits) {
  static const char hex[] = "0123456789ABCDEF";
  while (digits > 0u) {
    digits--;
    UNITY_OUTPUT_CHAR(hex[(v >> (digits * 4u)) & 15u]);
  }
}

static void put_hex(uintmax_t v, unsigned digits) {
  put_str("0x");
  put_hex_digits(v, digits);
}

static void put_number(uintmax_t bits, int is_signed, UnityDisplayStyle style) {
  switch (style) {
    case UNITY_DISPLAY_HEX8: put_hex(bits, 2u); break;
    case UNITY_DISPLAY_HEX16: put_hex(bits, 4u); break;
    case UNITY_DISPLAY_HEX32: put_hex(bits, 8u); break;
    case UNITY_DISPLAY_HEX64: put_hex(bits, 16u); break;
    case UNITY_DISPLAY_INT:
    case UNITY_DISPLAY_UINT:
    default:
      if (is_signed) put_signed((intmax_t)bits);
      else put_unsigned(bits);
      break;
  }
}

/* A string in quotes, showing control characters as \xNN so a result line stays one line. */
static void put_quoted(const char *s, size_t max) {
  size_t i;
  if (s == NULL) {
    put_str("NULL");
    return;
  }
  UNITY_OUTPUT_CHAR('"');
  for (i = 0; i < max && s[i] != '\0'; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20u || c >= 0x7fu) {
      put_str("\\x");
      put_hex_digits(c, 2u);
    } else {
      UNITY_OUTPUT_CHAR((char)c);
    }
  }
  UNITY_OUTPUT_CHAR('"');
}

/* "file:line:name:" */
static void put_result_head(int line) {
  put_str(U.file != NULL ? U.file : "?");
  UNITY_OUTPUT_CHAR(':');
  put_unsigned((uintmax_t)(line < 0 ? 0 : line));
  UNITY_OUTPUT_CHAR(':');
  put_str(U.name != NULL ? U.name : "?");
  UNITY_OUTPUT_CHAR(':');
}

static void put_user_msg(const char *msg) {
  if (msg != NULL && msg[0] != '\0') {
    put_str(". ");
    put_str(msg);
  }
}

/* Starts a FAIL line; the caller prints the details, then calls fail_end(). */
static int fail_begin(int line) {
  if (U.result == RESULT_FAIL) return 0; /* one result line per test */
  U.result = RESULT_FAIL;
  put_result_head(line);
  put_str("FAIL:");
  return 1;
}

static UNITY_NORETURN void fail_end(const char *msg) {
  put_user_msg(msg);
  UNITY_OUTPUT_CHAR('\n');
  UNITY_OUTPUT_FLUSH();
  if (U.in_test) longjmp(U.abort_frame, 1);
  /* An assertion outside RUN_TEST has nowhere to return to. */
  put_str("assertion failed outside of RUN_TEST\n");
  UNITY_OUTPUT_FLUSH();
  for (;;) {
  }
}

/* After the first failure only the jump is left to do. */
static UNITY_NORETURN void abort_test(void) {
  if (U.in_test) longjmp(U.abort_frame, 1);
  for (;;) {
  }
}

/* ---- running ---- */
void UnityBegin(const char *file) {
  memset(&U, 0, sizeof(U));
  U.file = file;
}

void UnityDefaultTestRun(UnityTestFunction func, const char *name, int line) {
  U.name = name;
  U.line = line;
  U.result = RESULT_PASS;
  U.pass_msg = NULL;
  U.tests++;
  U.in_test = 1;
  if (setjmp(U.abort_frame) == 0) {
    setUp();
    func();
  }
  /* tearDown runs after a failure too, as in Unity; its own failure counts once. */
  if (setjmp(U.abort_frame) == 0) {
    tearDown();
  }
  U.in_test = 0;
  switch (U.result) {
    case RESULT_FAIL:
      U.failures++;
      break;
    case RESULT_IGNORE:
      U.ignored++;
      break;
    case RESULT_PASS:
    default:
      put_result_head(U.line);
      put_str("PASS");
      if (U.pass_msg != NULL) {
        put_str(": ");
        put_str(U.pass_msg);
      }
      UNITY_OUTPUT_CHAR('\n');
      break;
  }
  UNITY_OUTPUT_FLUSH();
}

int UnityEnd(void) {
  put_str("\n-----------------------\n");
  put_unsigned(U.tests);
  put_str(" Tests ");
  put_unsigned(U.failures);
  put_str(" Failures ");
  put_unsigned(U.ignored);
  put_str(" Ignored\n");
  put_str(U.failures == 0u ? "OK\n" : "FAIL\n");
  UNITY_OUTPUT_FLUSH();
  return (int)U.failures;
}

/* ---- unconditional outcomes ---- */
void UnityFail(const char *msg, int line) {
  if (!fail_begin(line)) abort_test();
  if (msg != NULL && msg[0] != '\0') {
    UNITY_OUTPUT_CHAR(' ');
    put_str(msg);
  }
  fail_end(NULL);
}

void UnityIgnore(const char *msg, int line) {
  if (U.result != RESULT_FAIL) {
    U.result = RESULT_IGNORE;
    put_result_head(line);
    put_str("IGNORE");
    if (msg != NULL && msg[0] != '\0') {
      put_str(": ");
      put_str(msg);
    }
    UNITY_OUTPUT_CHAR('\n');
    UNITY_OUTPUT_FLUSH();
  }
  abort_test();
}

void UnityPass(const char *msg, int line) {
  (void)line;
  U.pass_msg = msg;
  abort_test();
}

void UnityMessage(const char *msg, int line) {
  put_result_head(line);
  put_str("INFO: ");
  put_str(msg != NULL ? msg : "");
  UNITY_OUTPUT_CHAR('\n');
}

/* ---- assertions ---- */
void UnityAssertTrue(int condition, const char *what, const char *msg, int line) {
  if (condition) return;
  if (!fail_begin(line)) abort_test();
  UNITY_OUTPUT_CHAR(' ');
  put_str(what);
  fail_end(msg);
}

static void expected_was(uintmax_t e, uintmax_t a, int is_signed, UnityDisplayStyle style) {
  put_str(" Expected ");
  put_number(e, is_signed, style);
  put_str(" Was ");
  put_number(a, is_signed, style);
}

void UnityAssertEqualSigned(intmax_t expected, intmax_t actual, const char *msg, int line,
                            UnityDisplayStyle style) {
  if (expected == actual) return;
  if (!fail_begin(line)) abort_test();
  expected_was((uintmax_t)expected, (uintmax_t)actual, 1, style);
  fail_end(msg);
}

void UnityAssertEqualUnsigned(uintmax_t expected, uintmax_t actual, const char *msg, int line,
                              UnityDisplayStyle style) {
  if (expected == actual) return;
  if (!fail_begin(line)) abort_test();
  expected_was(expected, actual, 0, style);
  fail_end(msg);
}

void UnityAssertNotEqualSigned(intmax_t unexpected, intmax_t actual, const char *msg, int line) {
  if (unexpected != actual) return;
  if (!fail_begin(line)) abort_test();
  put_str(" Expected Not-Equal to ");
  put_signed(unexpected);
  fail_end(msg);
}

static const char *comparison_text(UnityComparison cmp) {
  switch (cmp) {
    case UNITY_CMP_GREATER_THAN: return "greater than";
    case UNITY_CMP_LESS_THAN: return "less than";
    case UNITY_CMP_GREATER_OR_EQUAL: return "greater than or equal to";
    case UNITY_CMP_LESS_OR_EQUAL:
    default: return "less than or equal to";
  }
}

static void compare_failed(uintmax_t threshold, uintmax_t actual, int is_signed, UnityComparison cmp,
                           const char *msg, int line) {
  if (!fail_begin(line)) abort_test();
  put_str(" Expected ");
  put_str(comparison_text(cmp));
  UNITY_OUTPUT_CHAR(' ');
  put_number(threshold, is_signed, UNITY_DISPLAY_INT);
  put_str(" Was ");
  put_number(actual, is_signed, UNITY_DISPLAY_INT);
  fail_end(msg);
}

void UnityAssertCompareSigned(intmax_t threshold, intmax_t actual, UnityComparison cmp,
                              const char *msg, int line) {
  int ok;
  switch (cmp) {
    case UNITY_CMP_GREATER_THAN: ok = actual > threshold; break;
    case UNITY_CMP_LESS_THAN: ok = actual < threshold; break;
    case UNITY_CMP_GREATER_OR_EQUAL: ok = actual >= threshold; break;
    case UNITY_CMP_LESS_OR_EQUAL:
    default: ok = actual <= threshold; break;
  }
  if (!ok) compare_failed((uintmax_t)threshold, (uintmax_t)actual, 1, cmp, msg, line);
}

void UnityAssertCompareUnsigned(uintmax_t threshold, uintmax_t actual, UnityComparison cmp,
                                const char *msg, int line) {
  int ok;
  switch (cmp) {
    case UNITY_CMP_GREATER_THAN: ok = actual > threshold; break;
    case UNITY_CMP_LESS_THAN: ok = actual < threshold; break;
    case UNITY_CMP_GREATER_OR_EQUAL: ok = actual >= threshold; break;
    case UNITY_CMP_LESS_OR_EQUAL:
    default: ok = actual <= threshold; break;
  }
  if (!ok) compare_failed(threshold, actual, 0, cmp, msg, line);
}

static void within_failed(uintmax_t delta, uintmax_t e, uintmax_t a, int is_signed, const char *msg,
                          int line) {
  if (!fail_begin(line)) abort_test();
  put_str(" Values Not Within Delta ");
  put_unsigned(delta);
  UNITY_OUTPUT_CHAR('.');
  expected_was(e, a, is_signed, UNITY_DISPLAY_INT);
  fail_end(msg);
}

void UnityAssertWithinUnsigned(uintmax_t delta, uintmax_t expected, uintmax_t actual,
                               const char *msg, int line) {
  uintmax_t diff = actual > expected ? actual - expected : expected - actual;
  if (diff > delta) within_failed(delta, expected, actual, 0, msg, line);
}

void UnityAssertWithinSigned(uintmax_t delta, intmax_t expected, intmax_t actual,
                             const char *msg, int line) {
  /* The difference of two intmax_t values always fits in uintmax_t. */
  uintmax_t diff = actual > expected ? (uintmax_t)actual - (uintmax_t)expected
                                     : (uintmax_t)expected - (uintmax_t)actual;
  if (diff > delta) within_failed(delta, (uintmax_t)expected, (uintmax_t)actual, 1, msg, line);
}

void UnityAssertNull(const void *p, int want_null, const char *msg, int line) {
  if ((p == NULL) == (want_null != 0)) return;
  if (!fail_begin(line)) abort_test();
  put_str(want_null ? " Expected NULL" : " Expected Non-NULL");
  fail_end(msg);
}

void UnityAssertEqualPtr(const void *expected, const void *actual, const char *msg, int line) {
  if (expected == actual) return;
  if (!fail_begin(line)) abort_test();
  expected_was((uintmax_t)(uintptr_t)expected, (uintmax_t)(uintptr_t)actual, 0,
               sizeof(void *) > 4u ? UNITY_DISPLAY_HEX64 : UNITY_DISPLAY_HEX32);
  fail_end(msg);
}

void UnityAssertEqualString(const char *expected, const char *actual, const char *msg, int line) {
  if (expected == actual) return;
  if (expected != NULL && actual != NULL && strcmp(expected, actual) == 0) return;
  if (!fail_begin(line)) abort_test();
  put_str(" Expected ");
  put_quoted(expected, (size_t)-1);
  put_str(" Was ");
  put_quoted(actual, (size_t)-1);
  fail_end(msg);
}

void UnityAssertEqualStringLen(const char *expected, const char *actual, size_t len,
                               const char *msg, int line) {
  if (expected == actual) return;
  if (expected != NULL && actual != NULL && strncmp(expected, actual, len) == 0) return;
  if (!fail_begin(line)) abort_test();
  put_str(" Expected ");
  put_quoted(expected, len);
  put_str(" Was ");
  put_quoted(actual, len);
  fail_end(msg);
}

void UnityAssertEqualMemory(const void *expected, const void *actual, size_t len,
                            const char *msg, int line) {
  const unsigned char *e = (const unsigned char *)expected;
  const unsigned char *a = (const unsigned char *)actual;
  size_t i;
  if (len == 0u || e == a) return;
  if (e == NULL || a == NULL) {
    if (!fail_begin(line)) abort_test();
    put_str(e == NULL ? " Expected pointer is NULL" : " Actual pointer is NULL");
    fail_end(msg);
  }
  for (i = 0; i < len; i++) {
    if (e[i] != a[i]) {
      if (!fail_begin(line)) abort_test();
      put_str(" Memory Mismatch. Byte ");
      put_unsigned((uintmax_t)i);
      expected_was(e[i], a[i], 0, UNITY_DISPLAY_HEX8);
      fail_end(msg);
    }
  }
}
