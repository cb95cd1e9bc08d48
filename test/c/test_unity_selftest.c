/* Proves the project's Unity-API runner (test/unity/): every assertion kind
 * passes on equal/true input, fixtures run around each test, TEST_PASS ends a
 * test early. The failure and ignore paths are proved by
 * test/unity/selftest_fail.c, which test/c/unity.test.ts expects to fail with
 * exact messages. */
#include <stdint.h>
#include <string.h>

#include "unity.h"

static int setup_calls;
static int teardown_calls;
static int fixture_value;

void setUp(void) {
  setup_calls++;
  fixture_value = 42;
}

void tearDown(void) {
  teardown_calls++;
  fixture_value = 0;
}

static void test_booleans(void) {
  TEST_ASSERT(1 + 1 == 2);
  TEST_ASSERT_TRUE(strlen("ab") == 2u);
  TEST_ASSERT_FALSE(strlen("ab") == 3u);
  TEST_ASSERT_UNLESS(0);
  TEST_ASSERT_MESSAGE(1, "never shown");
  TEST_ASSERT_TRUE_MESSAGE(1, "never shown");
  TEST_ASSERT_FALSE_MESSAGE(0, "never shown");
}

static void test_pointers(void) {
  static int x;
  int *none = NULL;
  TEST_ASSERT_NULL(none);
  TEST_ASSERT_NOT_NULL(&x);
  TEST_ASSERT_EQUAL_PTR(&x, &x);
  TEST_ASSERT_NULL_MESSAGE(none, "never shown");
  TEST_ASSERT_NOT_NULL_MESSAGE(&x, "never shown");
}

static void test_signed_widths(void) {
  TEST_ASSERT_EQUAL(-7, -7);
  TEST_ASSERT_EQUAL_INT(-2147483647 - 1, INT32_MIN);
  TEST_ASSERT_EQUAL_INT8(-128, (int8_t)-128);
  /* Compared after the cast to the width, as Unity does: 0x180 is (int8_t)0x80. */
  TEST_ASSERT_EQUAL_INT8(-128, 0x180);
  TEST_ASSERT_EQUAL_INT16(-32768, (int16_t)-32768);
  TEST_ASSERT_EQUAL_INT32(INT32_MAX, 2147483647);
  TEST_ASSERT_EQUAL_INT64(INT64_MIN, INT64_MIN);
  TEST_ASSERT_EQUAL_CHAR('a', "a"[0]);
  TEST_ASSERT_EQUAL_INT_MESSAGE(3, 3, "never shown");
}

static void test_unsigned_widths(void) {
  TEST_ASSERT_EQUAL_UINT(4000000000u, 4000000000u);
  TEST_ASSERT_EQUAL_UINT8(255u, (uint8_t)255u);
  TEST_ASSERT_EQUAL_UINT8(0u, 256u); /* 256 wraps to 0 at 8 bits */
  TEST_ASSERT_EQUAL_UINT16(65535u, (uint16_t)65535u);
  TEST_ASSERT_EQUAL_UINT32(UINT32_MAX, 0xffffffffu);
  TEST_ASSERT_EQUAL_UINT64(UINT64_MAX, UINT64_MAX);
  TEST_ASSERT_EQUAL_size_t(sizeof(uint32_t), (size_t)4);
  TEST_ASSERT_EQUAL_HEX8(0xab, 0xab);
  TEST_ASSERT_EQUAL_HEX16(0xbeef, 0xbeef);
  TEST_ASSERT_EQUAL_HEX32(0xdeadbeefu, 0xdeadbeefu);
  TEST_ASSERT_EQUAL_HEX(0x10u, 16u);
  TEST_ASSERT_EQUAL_UINT32_MESSAGE(1u, 1u, "never shown");
}

static void test_not_equal(void) {
  TEST_ASSERT_NOT_EQUAL(1, 2);
  TEST_ASSERT_NOT_EQUAL_INT(-1, 1);
  TEST_ASSERT_NOT_EQUAL_MESSAGE(3, 4, "never shown");
}

static void test_thresholds(void) {
  TEST_ASSERT_GREATER_THAN(10, 11);
  TEST_ASSERT_GREATER_THAN(-5, 0);
  TEST_ASSERT_LESS_THAN(10, 9);
  TEST_ASSERT_LESS_THAN(0, -1);
  TEST_ASSERT_GREATER_OR_EQUAL(10, 10);
  TEST_ASSERT_LESS_OR_EQUAL(10, 10);
  TEST_ASSERT_GREATER_THAN_UINT32(1u, 0xffffffffu);
  TEST_ASSERT_LESS_THAN_UINT32(0xffffffffu, 1u);
  TEST_ASSERT_GREATER_THAN_MESSAGE(1, 2, "never shown");
}

static void test_within(void) {
  TEST_ASSERT_INT_WITHIN(2, 10, 12);
  TEST_ASSERT_INT_WITHIN(2, -10, -8);
  TEST_ASSERT_UINT_WITHIN(5u, 100u, 95u);
  TEST_ASSERT_UINT32_WITHIN(0u, 7u, 7u);
}

static void test_strings_and_memory(void) {
  static const uint8_t a[4] = {1, 2, 3, 4};
  static const uint8_t b[4] = {1, 2, 3, 4};
  TEST_ASSERT_EQUAL_STRING("mqtt", "mqtt");
  TEST_ASSERT_EQUAL_STRING(NULL, NULL);
  TEST_ASSERT_EQUAL_STRING_LEN("mqtt/a", "mqtt/b", 5);
  TEST_ASSERT_EQUAL_MEMORY(a, b, sizeof(a));
  TEST_ASSERT_EQUAL_MEMORY(a, NULL, 0); /* zero bytes are always equal */
  TEST_ASSERT_EQUAL_UINT8_ARRAY(a, b, 4);
  TEST_ASSERT_EQUAL_HEX8_ARRAY(a, b, 3);
  TEST_ASSERT_EQUAL_STRING_MESSAGE("x", "x", "never shown");
  TEST_ASSERT_EQUAL_MEMORY_MESSAGE(a, b, 4, "never shown");
}

static void test_fixtures_run_around_each_test(void) {
  /* setUp ran for this test and every earlier one; tearDown for the earlier ones. */
  TEST_ASSERT_EQUAL_INT(42, fixture_value);
  TEST_ASSERT_EQUAL_INT(setup_calls, teardown_calls + 1);
  TEST_ASSERT_GREATER_THAN(1, setup_calls);
}

static int reached_after_pass;
static void test_pass_ends_test_early(void) {
  TEST_PASS();
  reached_after_pass = 1; /* not reached: TEST_PASS leaves the test */
}

static void test_pass_did_not_return(void) {
  TEST_ASSERT_EQUAL_INT(0, reached_after_pass);
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_booleans);
  RUN_TEST(test_pointers);
  RUN_TEST(test_signed_widths);
  RUN_TEST(test_unsigned_widths);
  RUN_TEST(test_not_equal);
  RUN_TEST(test_thresholds);
  RUN_TEST(test_within);
  RUN_TEST(test_strings_and_memory);
  RUN_TEST(test_fixtures_run_around_each_test);
  RUN_TEST(test_pass_ends_test_early);
  RUN_TEST(test_pass_did_not_return);
  return UNITY_END();
}
