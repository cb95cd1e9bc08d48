/* The failure path of the project's Unity-API runner. Every test here but the
 * last two fails on purpose; test/c/unity.test.ts runs this program and
 * checks each result line, the summary and the exit status (the failure count).
 * Not a test_*.c file, so the C tiers do not expect it to pass. */
#include <stdint.h>

#include "unity.h"

static int after_failure;
static int teardown_after_failure;

void setUp(void) {}

void tearDown(void) {
  if (after_failure == -1) teardown_after_failure = 1;
}

static void fail_int(void) { TEST_ASSERT_EQUAL_INT(5, 6); }
static void fail_int_message(void) { TEST_ASSERT_EQUAL_INT_MESSAGE(-1, 2, "custom text"); }
static void fail_uint8_wraps(void) { TEST_ASSERT_EQUAL_UINT8(1u, 0x102u); }
static void fail_hex16(void) { TEST_ASSERT_EQUAL_HEX16(0xbeef, 0xbeee); }
static void fail_uint32(void) { TEST_ASSERT_EQUAL_UINT32(4294967295u, 0u); }
static void fail_true(void) { TEST_ASSERT_TRUE(0); }
static void fail_false(void) { TEST_ASSERT_FALSE(1); }
static void fail_assert(void) { TEST_ASSERT(2 < 1); }
static void fail_null(void) {
  static int x;
  TEST_ASSERT_NULL(&x);
}
static void fail_not_null(void) { TEST_ASSERT_NOT_NULL(NULL); }
static void fail_not_equal(void) { TEST_ASSERT_NOT_EQUAL(3, 3); }
static void fail_greater(void) { TEST_ASSERT_GREATER_THAN(10, 3); }
static void fail_less(void) { TEST_ASSERT_LESS_THAN(-10, 3); }
static void fail_greater_or_equal(void) { TEST_ASSERT_GREATER_OR_EQUAL(4, 3); }
static void fail_within(void) { TEST_ASSERT_INT_WITHIN(2, 10, 13); }
static void fail_string(void) { TEST_ASSERT_EQUAL_STRING("abc", "abd"); }
static void fail_string_null(void) { TEST_ASSERT_EQUAL_STRING("abc", NULL); }
static void fail_string_len(void) { TEST_ASSERT_EQUAL_STRING_LEN("a\nbc", "a\nbd", 4); }
static void fail_memory(void) {
  static const uint8_t e[3] = {1, 2, 3};
  static const uint8_t a[3] = {1, 2, 4};
  TEST_ASSERT_EQUAL_MEMORY(e, a, 3);
}
static void fail_array_message(void) {
  static const uint8_t e[2] = {0x10, 0x20};
  static const uint8_t a[2] = {0x11, 0x20};
  TEST_ASSERT_EQUAL_UINT8_ARRAY_MESSAGE(e, a, 2, "packet bytes");
}
static void fail_plain(void) { TEST_FAIL(); }
static void fail_message(void) { TEST_FAIL_MESSAGE("explicit failure"); }
static void fail_stops_the_test(void) {
  after_failure = -1;
  TEST_ASSERT_EQUAL_INT(1, 2);
  after_failure = 1; /* not reached */
}
/* Passes only if the failure above did not return and tearDown still ran. */
static void pass_after_failure(void) {
  TEST_ASSERT_EQUAL_INT(-1, after_failure);
  TEST_ASSERT_EQUAL_INT(1, teardown_after_failure);
}
static void ignored(void) {
  TEST_IGNORE_MESSAGE("not ready");
  TEST_FAIL_MESSAGE("not reached");
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(fail_int);
  RUN_TEST(fail_int_message);
  RUN_TEST(fail_uint8_wraps);
  RUN_TEST(fail_hex16);
  RUN_TEST(fail_uint32);
  RUN_TEST(fail_true);
  RUN_TEST(fail_false);
  RUN_TEST(fail_assert);
  RUN_TEST(fail_null);
  RUN_TEST(fail_not_null);
  RUN_TEST(fail_not_equal);
  RUN_TEST(fail_greater);
  RUN_TEST(fail_less);
  RUN_TEST(fail_greater_or_equal);
  RUN_TEST(fail_within);
  RUN_TEST(fail_string);
  RUN_TEST(fail_string_null);
  RUN_TEST(fail_string_len);
  RUN_TEST(fail_memory);
  RUN_TEST(fail_array_message);
  RUN_TEST(fail_plain);
  RUN_TEST(fail_message);
  RUN_TEST(fail_stops_the_test);
  RUN_TEST(pass_after_failure);
  RUN_TEST(ignored);
  return UNITY_END();
}
