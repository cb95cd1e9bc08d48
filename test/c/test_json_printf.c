/* json_printf (components/mgos_mqtt/port/json_printf.c), the formatter behind
 * mgos_mqtt_pubf/pubv: frozen-style extensions, printf conversions with every
 * length modifier, escaping, overflow of a fixed buffer, the heap variant and
 * rejection of bad formats. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_printf.h"
#include "unity.h"

void setUp(void) {}
void tearDown(void) {}

static char buf[512];
static int ret;

/* Formats into buf and returns it (ret holds json_vprintf's result). */
static const char *fmt(const char *f, ...) {
  struct json_out out = JSON_OUT_BUF(buf, sizeof(buf));
  va_list ap;
  memset(buf, 0x55, sizeof(buf));
  va_start(ap, f);
  ret = json_vprintf(&out, f, ap);
  va_end(ap);
  return buf;
}

#define CHECK(expected, actual)                          \
  do {                                                   \
    const char *a_ = (actual);                           \
    TEST_ASSERT_EQUAL_STRING(expected, a_);              \
    TEST_ASSERT_EQUAL_INT((int) strlen(expected), ret);  \
  } while (0)

static void test_bare_keys_are_quoted(void) {
  CHECK("{\"a\": 1}", fmt("{a: %d}", 1));
  CHECK("{\"a_1\":2,\"B\":[3, 4]}", fmt("{a_1:%d,B:[%d, %d]}", 2, 3, 4));
  /* Already quoted keys and string text in the format are left alone. */
  CHECK("{\"a b\": \"x:y z\"}", fmt("{\"a b\": \"x:y z\"}"));
  /* JSON literals and number literals in the format stay bare. */
  CHECK("{\"t\": true, \"f\": false, \"n\": null, \"e\": 1e5, \"m\": -0.5}",
        fmt("{t: true, f: false, n: null, e: 1e5, m: -0.5}"));
  /* A % conversion inside a quoted string of the format. */
  CHECK("{\"name\": \"dev-7\"}", fmt("{name: \"dev-%d\"}", 7));
}

static void test_Q_strings(void) {
  CHECK("{\"s\": \"hi\"}", fmt("{s: %Q}", "hi"));
  CHECK("{\"s\": null}", fmt("{s: %Q}", (const char *) NULL));
  CHECK("\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f c\\u0001\\u001f\"", fmt("%Q", "q\" b\\ n\n r\r t\t b\b f\f c\x01\x1f"));
  /* UTF-8 passes through unchanged. */
  CHECK("\"caf\xc3\xa9\"", fmt("%Q", "caf\xc3\xa9"));
  /* %.*Q: explicit length, embedded NUL encoded. */
  CHECK("\"ab\\u0000c\"", fmt("%.*Q", 4, "ab\0cdef"));
  CHECK("\"abc\"", fmt("%.3Q", "abcdef"));
  CHECK("null", fmt("%.*Q", 3, (const char *) NULL));
  CHECK("\"\"", fmt("%Q", ""));
}

static void test_B_H_V(void) {
  CHECK("{\"on\": true, \"off\": false}", fmt("{on: %B, off: %B}", 5, 0));
  CHECK("\"00ff10\"", fmt("%H", 3, "\x00\xff\x10"));
  CHECK("\"\"", fmt("%H", 0, ""));
  /* Base64 with each padding length (RFC 4648 test vectors). */
  CHECK("\"\"", fmt("%V", "", 0));
  CHECK("\"Zg==\"", fmt("%V", "f", 1));
  CHECK("\"Zm8=\"", fmt("%V", "fo", 2));
  CHECK("\"Zm9v\"", fmt("%V", "foo", 3));
  CHECK("\"Zm9vYmFy\"", fmt("%V", "foobar", 6));
  CHECK("\"/+8=\"", fmt("%V", "\xff\xef", 2));
}

static int print_pair(struct json_out *out, va_list *ap) {
  int a = va_arg(*ap, int);
  const char *s = va_arg(*ap, const char *);
  return json_printf(out, "[%d, %Q]", a, s);
}

static void test_M_callback_consumes_its_args(void) {
  CHECK("{\"p\": [7, \"x\"], \"after\": 9}", fmt("{p: %M, after: %d}", print_pair, 7, "x", 9));
}

static void test_printf_conversions(void) {
  CHECK("-5 7 ff FF 17 x 3.50 1e+03 %", fmt("%d %u %x %X %o %c %.2f %.0e %%", -5, 7u, 255u, 255u, 15u, 'x', 3.5, 1000.0));
  CHECK("-9223372036854775807 18446744073709551615", fmt("%lld %llu", -9223372036854775807LL, 18446744073709551615ULL));
  CHECK("4000000000 42 -7", fmt("%zu %ld %zd", (size_t) 4000000000u, 42L, (ptrdiff_t) -7));
  CHECK("-1 255 -3 65535", fmt("%hhd %hhu %hd %hu", 255, 255, -3, 65535));
  CHECK("12 -4", fmt("%jd %td", (intmax_t) 12, (ptrdiff_t) -4));
  CHECK("[   42] [42   ] [00042] [+42]", fmt("[%5d] [%-5d] [%05d] [%+d]", 42, 42, 42, 42));
  CHECK("[  abc] [ab]", fmt("[%*s] [%.*s]", 5, "abc", 2, "abcdef"));
  CHECK("[ 3.14]", fmt("[%*.*f]", 5, 2, 3.14159));
  CHECK("\"raw\" (null)", fmt("\"%s\" %s", "raw", (const char *) NULL));
  CHECK("2.5", fmt("%Lg", (long double) 2.5));
}

static void test_long_values_go_past_the_small_buffer(void) {
  /* Wider than do_conversion's 64-byte scratch: the heap path. */
  char expected[201];
  memset(expected, ' ', 199);
  expected[199] = '1';
  expected[200] = '\0';
  CHECK(expected, fmt("%200d", 1));
}

static void test_fixed_buffer_overflow_is_reported(void) {
  char small[8];
  struct json_out out = JSON_OUT_BUF(small, sizeof(small));
  int n = json_printf(&out, "{a: %Q}", "0123456789");
  TEST_ASSERT_EQUAL_INT(19, n); /* what it needed: {"a": "0123456789"} */
  TEST_ASSERT_EQUAL_STRING("{\"a\": \"", small); /* cut, still NUL-terminated */
}

static void test_bad_formats_fail(void) {
  int x = 0;
  TEST_ASSERT_EQUAL_INT(-1, (fmt("{a: %n}", &x), ret));
  TEST_ASSERT_EQUAL_INT(-1, (fmt("%k", 1), ret));
  TEST_ASSERT_EQUAL_INT(-1, (fmt("trailing %", 1), ret));
  TEST_ASSERT_EQUAL_INT(-1, (fmt("%Lld", 1LL), ret));
  TEST_ASSERT_EQUAL_INT(-1, (fmt("%M", (json_printf_callback_t) NULL), ret));
  TEST_ASSERT_EQUAL_INT(-1, (fmt("%H", 2, (const char *) NULL), ret));
  TEST_ASSERT_EQUAL_INT(0, x);
}

static int vasp(char **res, const char *f, ...) {
  va_list ap;
  int n;
  va_start(ap, f);
  n = json_vasprintf(res, f, ap);
  va_end(ap);
  return n;
}

static void test_vasprintf_grows_and_fails_cleanly(void) {
  char *s = NULL;
  char big[3001];
  int n;
  memset(big, 'z', 3000);
  big[3000] = '\0';
  n = vasp(&s, "{data: %Q, n: %d}", big, 3);
  TEST_ASSERT_NOT_NULL(s);
  TEST_ASSERT_EQUAL_INT(3000 + 20, n);
  TEST_ASSERT_EQUAL_INT(n, (int) strlen(s));
  TEST_ASSERT_EQUAL_STRING_LEN("{\"data\": \"zzz", s, 13);
  TEST_ASSERT_EQUAL_STRING("\", \"n\": 3}", s + n - 10);
  free(s);
  n = vasp(&s, "");
  TEST_ASSERT_EQUAL_INT(0, n);
  TEST_ASSERT_EQUAL_STRING("", s);
  free(s);
  s = (char *) 1;
  TEST_ASSERT_EQUAL_INT(-1, vasp(&s, "{a: %n}", &n));
  TEST_ASSERT_NULL(s);
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_bare_keys_are_quoted);
  RUN_TEST(test_Q_strings);
  RUN_TEST(test_B_H_V);
  RUN_TEST(test_M_callback_consumes_its_args);
  RUN_TEST(test_printf_conversions);
  RUN_TEST(test_long_values_go_past_the_small_buffer);
  RUN_TEST(test_fixed_buffer_overflow_is_reported);
  RUN_TEST(test_bad_formats_fail);
  RUN_TEST(test_vasprintf_grows_and_fails_cleanly);
  return UNITY_END();
}
