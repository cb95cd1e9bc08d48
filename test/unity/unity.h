/* A small test runner with the Unity API (the subset this project's C tests use).
 *
 * Unity itself is not in the package registries this project may use, so the
 * host and QEMU tiers run the tests with this implementation of our own; the
 * same test sources also build against ESP-IDF's unity component, which is why
 * only the Unity macro names are used in test code.
 *
 * Output, one line per test, as Unity prints it:
 *   file:line:name:PASS
 *   file:line:name:FAIL: Expected 5 Was 6. optional message
 *   file:line:name:IGNORE[: message]
 * and at the end "N Tests M Failures K Ignored" followed by OK or FAIL.
 * A failing assertion ends the current test with longjmp (no dynamic memory,
 * no dependency beyond putchar, which newlib with semihosting provides). */
#ifndef UNITY_H
#define UNITY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define UNITY_NORETURN __attribute__((noreturn))
#else
#define UNITY_NORETURN
#endif

typedef void (*UnityTestFunction)(void);

/* How a number is printed in a failure message. */
typedef enum {
  UNITY_DISPLAY_INT,
  UNITY_DISPLAY_UINT,
  UNITY_DISPLAY_HEX8,
  UNITY_DISPLAY_HEX16,
  UNITY_DISPLAY_HEX32,
  UNITY_DISPLAY_HEX64
} UnityDisplayStyle;

/* Comparison kinds for the threshold assertions. */
typedef enum {
  UNITY_CMP_GREATER_THAN,
  UNITY_CMP_LESS_THAN,
  UNITY_CMP_GREATER_OR_EQUAL,
  UNITY_CMP_LESS_OR_EQUAL
} UnityComparison;

/* The test program provides these (weak empty defaults exist in unity.c). */
void setUp(void);
void tearDown(void);

void UnityBegin(const char *file);
int UnityEnd(void);
void UnityDefaultTestRun(UnityTestFunction func, const char *name, int line);

UNITY_NORETURN void UnityFail(const char *msg, int line);
UNITY_NORETURN void UnityIgnore(const char *msg, int line);
UNITY_NORETURN void UnityPass(const char *msg, int line);
void UnityMessage(const char *msg, int line);

void UnityAssertTrue(int condition, const char *what, const char *msg, int line);
void UnityAssertEqualSigned(intmax_t expected, intmax_t actual, const char *msg, int line,
                            UnityDisplayStyle style);
void UnityAssertEqualUnsigned(uintmax_t expected, uintmax_t actual, const char *msg, int line,
                              UnityDisplayStyle style);
void UnityAssertNotEqualSigned(intmax_t unexpected, intmax_t actual, const char *msg, int line);
void UnityAssertCompareSigned(intmax_t threshold, intmax_t actual, UnityComparison cmp,
                              const char *msg, int line);
void UnityAssertCompareUnsigned(uintmax_t threshold, uintmax_t actual, UnityComparison cmp,
                                const char *msg, int line);
void UnityAssertWithinUnsigned(uintmax_t delta, uintmax_t expected, uintmax_t actual,
                               const char *msg, int line);
void UnityAssertWithinSigned(uintmax_t delta, intmax_t expected, intmax_t actual,
                             const char *msg, int line);
void UnityAssertNull(const void *p, int want_null, const char *msg, int line);
void UnityAssertEqualPtr(const void *expected, const void *actual, const char *msg, int line);
void UnityAssertEqualString(const char *expected, const char *actual, const char *msg, int line);
void UnityAssertEqualStringLen(const char *expected, const char *actual, size_t len,
                               const char *msg, int line);
void UnityAssertEqualMemory(const void *expected, const void *actual, size_t len,
                            const char *msg, int line);

/* ---- running ---- */
#define UNITY_BEGIN() UnityBegin(__FILE__)
#define UNITY_END() UnityEnd()
#define RUN_TEST(func) UnityDefaultTestRun(func, #func, __LINE__)

/* ---- unconditional outcomes ---- */
#define TEST_FAIL() UnityFail(NULL, __LINE__)
#define TEST_FAIL_MESSAGE(m) UnityFail((m), __LINE__)
#define TEST_IGNORE() UnityIgnore(NULL, __LINE__)
#define TEST_IGNORE_MESSAGE(m) UnityIgnore((m), __LINE__)
#define TEST_PASS() UnityPass(NULL, __LINE__)
#define TEST_PASS_MESSAGE(m) UnityPass((m), __LINE__)
#define TEST_MESSAGE(m) UnityMessage((m), __LINE__)

/* ---- booleans ---- */
#define TEST_ASSERT_MESSAGE(c, m) UnityAssertTrue((c) ? 1 : 0, "Expression Evaluated To FALSE", (m), __LINE__)
#define TEST_ASSERT(c) TEST_ASSERT_MESSAGE(c, NULL)
#define TEST_ASSERT_TRUE_MESSAGE(c, m) UnityAssertTrue((c) ? 1 : 0, "Expected TRUE Was FALSE", (m), __LINE__)
#define TEST_ASSERT_TRUE(c) TEST_ASSERT_TRUE_MESSAGE(c, NULL)
#define TEST_ASSERT_FALSE_MESSAGE(c, m) UnityAssertTrue((c) ? 0 : 1, "Expected FALSE Was TRUE", (m), __LINE__)
#define TEST_ASSERT_FALSE(c) TEST_ASSERT_FALSE_MESSAGE(c, NULL)
#define TEST_ASSERT_UNLESS_MESSAGE(c, m) TEST_ASSERT_FALSE_MESSAGE(c, m)
#define TEST_ASSERT_UNLESS(c) TEST_ASSERT_FALSE(c)

/* ---- pointers ---- */
#define TEST_ASSERT_NULL_MESSAGE(p, m) UnityAssertNull((const void *)(p), 1, (m), __LINE__)
#define TEST_ASSERT_NULL(p) TEST_ASSERT_NULL_MESSAGE(p, NULL)
#define TEST_ASSERT_NOT_NULL_MESSAGE(p, m) UnityAssertNull((const void *)(p), 0, (m), __LINE__)
#define TEST_ASSERT_NOT_NULL(p) TEST_ASSERT_NOT_NULL_MESSAGE(p, NULL)
#define TEST_ASSERT_EQUAL_PTR_MESSAGE(e, a, m) UnityAssertEqualPtr((const void *)(e), (const void *)(a), (m), __LINE__)
#define TEST_ASSERT_EQUAL_PTR(e, a) TEST_ASSERT_EQUAL_PTR_MESSAGE(e, a, NULL)

/* ---- integers: each width compares the values cast to that width, as Unity does ---- */
#define UNITY_EQ_S(T, e, a, m, st) UnityAssertEqualSigned((intmax_t)(T)(e), (intmax_t)(T)(a), (m), __LINE__, st)
#define UNITY_EQ_U(T, e, a, m, st) UnityAssertEqualUnsigned((uintmax_t)(T)(e), (uintmax_t)(T)(a), (m), __LINE__, st)

#define TEST_ASSERT_EQUAL_INT_MESSAGE(e, a, m) UNITY_EQ_S(int, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_INT8_MESSAGE(e, a, m) UNITY_EQ_S(int8_t, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_INT16_MESSAGE(e, a, m) UNITY_EQ_S(int16_t, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_INT32_MESSAGE(e, a, m) UNITY_EQ_S(int32_t, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_INT64_MESSAGE(e, a, m) UNITY_EQ_S(int64_t, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_UINT_MESSAGE(e, a, m) UNITY_EQ_U(unsigned int, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_UINT8_MESSAGE(e, a, m) UNITY_EQ_U(uint8_t, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_UINT16_MESSAGE(e, a, m) UNITY_EQ_U(uint16_t, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_UINT32_MESSAGE(e, a, m) UNITY_EQ_U(uint32_t, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_UINT64_MESSAGE(e, a, m) UNITY_EQ_U(uint64_t, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_size_t_MESSAGE(e, a, m) UNITY_EQ_U(size_t, e, a, m, UNITY_DISPLAY_UINT)
#define TEST_ASSERT_EQUAL_HEX8_MESSAGE(e, a, m) UNITY_EQ_U(uint8_t, e, a, m, UNITY_DISPLAY_HEX8)
#define TEST_ASSERT_EQUAL_HEX16_MESSAGE(e, a, m) UNITY_EQ_U(uint16_t, e, a, m, UNITY_DISPLAY_HEX16)
#define TEST_ASSERT_EQUAL_HEX32_MESSAGE(e, a, m) UNITY_EQ_U(uint32_t, e, a, m, UNITY_DISPLAY_HEX32)
#define TEST_ASSERT_EQUAL_HEX64_MESSAGE(e, a, m) UNITY_EQ_U(uint64_t, e, a, m, UNITY_DISPLAY_HEX64)
#define TEST_ASSERT_EQUAL_HEX_MESSAGE(e, a, m) TEST_ASSERT_EQUAL_HEX32_MESSAGE(e, a, m)
#define TEST_ASSERT_EQUAL_CHAR_MESSAGE(e, a, m) UNITY_EQ_S(char, e, a, m, UNITY_DISPLAY_INT)
#define TEST_ASSERT_EQUAL_MESSAGE(e, a, m) TEST_ASSERT_EQUAL_INT_MESSAGE(e, a, m)

#define TEST_ASSERT_EQUAL_INT(e, a) TEST_ASSERT_EQUAL_INT_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_INT8(e, a) TEST_ASSERT_EQUAL_INT8_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_INT16(e, a) TEST_ASSERT_EQUAL_INT16_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_INT32(e, a) TEST_ASSERT_EQUAL_INT32_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_INT64(e, a) TEST_ASSERT_EQUAL_INT64_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_UINT(e, a) TEST_ASSERT_EQUAL_UINT_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_UINT8(e, a) TEST_ASSERT_EQUAL_UINT8_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_UINT16(e, a) TEST_ASSERT_EQUAL_UINT16_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_UINT32(e, a) TEST_ASSERT_EQUAL_UINT32_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_UINT64(e, a) TEST_ASSERT_EQUAL_UINT64_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_size_t(e, a) TEST_ASSERT_EQUAL_size_t_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_HEX8(e, a) TEST_ASSERT_EQUAL_HEX8_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_HEX16(e, a) TEST_ASSERT_EQUAL_HEX16_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_HEX32(e, a) TEST_ASSERT_EQUAL_HEX32_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_HEX64(e, a) TEST_ASSERT_EQUAL_HEX64_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_HEX(e, a) TEST_ASSERT_EQUAL_HEX_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_CHAR(e, a) TEST_ASSERT_EQUAL_CHAR_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL(e, a) TEST_ASSERT_EQUAL_MESSAGE(e, a, NULL)

/* Not-equal compares the plain values, like Unity's TEST_ASSERT_NOT_EQUAL. */
#define TEST_ASSERT_NOT_EQUAL_MESSAGE(e, a, m) UnityAssertTrue(((e) != (a)) ? 1 : 0, "Expected Not-Equal", (m), __LINE__)
#define TEST_ASSERT_NOT_EQUAL(e, a) TEST_ASSERT_NOT_EQUAL_MESSAGE(e, a, NULL)
#define TEST_ASSERT_NOT_EQUAL_INT_MESSAGE(e, a, m) UnityAssertNotEqualSigned((intmax_t)(int)(e), (intmax_t)(int)(a), (m), __LINE__)
#define TEST_ASSERT_NOT_EQUAL_INT(e, a) TEST_ASSERT_NOT_EQUAL_INT_MESSAGE(e, a, NULL)

/* ---- thresholds: TEST_ASSERT_GREATER_THAN(threshold, actual) passes when actual > threshold ---- */
#define UNITY_CMP_S(t, a, c, m) UnityAssertCompareSigned((intmax_t)(t), (intmax_t)(a), c, (m), __LINE__)
#define UNITY_CMP_U(t, a, c, m) UnityAssertCompareUnsigned((uintmax_t)(t), (uintmax_t)(a), c, (m), __LINE__)
#define TEST_ASSERT_GREATER_THAN_MESSAGE(t, a, m) UNITY_CMP_S(t, a, UNITY_CMP_GREATER_THAN, m)
#define TEST_ASSERT_LESS_THAN_MESSAGE(t, a, m) UNITY_CMP_S(t, a, UNITY_CMP_LESS_THAN, m)
#define TEST_ASSERT_GREATER_OR_EQUAL_MESSAGE(t, a, m) UNITY_CMP_S(t, a, UNITY_CMP_GREATER_OR_EQUAL, m)
#define TEST_ASSERT_LESS_OR_EQUAL_MESSAGE(t, a, m) UNITY_CMP_S(t, a, UNITY_CMP_LESS_OR_EQUAL, m)
#define TEST_ASSERT_GREATER_THAN(t, a) TEST_ASSERT_GREATER_THAN_MESSAGE(t, a, NULL)
#define TEST_ASSERT_LESS_THAN(t, a) TEST_ASSERT_LESS_THAN_MESSAGE(t, a, NULL)
#define TEST_ASSERT_GREATER_OR_EQUAL(t, a) TEST_ASSERT_GREATER_OR_EQUAL_MESSAGE(t, a, NULL)
#define TEST_ASSERT_LESS_OR_EQUAL(t, a) TEST_ASSERT_LESS_OR_EQUAL_MESSAGE(t, a, NULL)
#define TEST_ASSERT_GREATER_THAN_INT(t, a) TEST_ASSERT_GREATER_THAN(t, a)
#define TEST_ASSERT_LESS_THAN_INT(t, a) TEST_ASSERT_LESS_THAN(t, a)
#define TEST_ASSERT_GREATER_OR_EQUAL_INT(t, a) TEST_ASSERT_GREATER_OR_EQUAL(t, a)
#define TEST_ASSERT_LESS_OR_EQUAL_INT(t, a) TEST_ASSERT_LESS_OR_EQUAL(t, a)
#define TEST_ASSERT_GREATER_THAN_UINT32(t, a) UNITY_CMP_U((uint32_t)(t), (uint32_t)(a), UNITY_CMP_GREATER_THAN, NULL)
#define TEST_ASSERT_LESS_THAN_UINT32(t, a) UNITY_CMP_U((uint32_t)(t), (uint32_t)(a), UNITY_CMP_LESS_THAN, NULL)
#define TEST_ASSERT_GREATER_OR_EQUAL_UINT32(t, a) UNITY_CMP_U((uint32_t)(t), (uint32_t)(a), UNITY_CMP_GREATER_OR_EQUAL, NULL)
#define TEST_ASSERT_LESS_OR_EQUAL_UINT32(t, a) UNITY_CMP_U((uint32_t)(t), (uint32_t)(a), UNITY_CMP_LESS_OR_EQUAL, NULL)
#define TEST_ASSERT_GREATER_THAN_UINT(t, a) TEST_ASSERT_GREATER_THAN_UINT32(t, a)
#define TEST_ASSERT_LESS_THAN_UINT(t, a) TEST_ASSERT_LESS_THAN_UINT32(t, a)
#define TEST_ASSERT_GREATER_OR_EQUAL_UINT(t, a) TEST_ASSERT_GREATER_OR_EQUAL_UINT32(t, a)
#define TEST_ASSERT_LESS_OR_EQUAL_UINT(t, a) TEST_ASSERT_LESS_OR_EQUAL_UINT32(t, a)

/* ---- ranges: |actual - expected| <= delta ---- */
#define TEST_ASSERT_INT_WITHIN_MESSAGE(d, e, a, m) UnityAssertWithinSigned((uintmax_t)(d), (intmax_t)(e), (intmax_t)(a), (m), __LINE__)
#define TEST_ASSERT_INT_WITHIN(d, e, a) TEST_ASSERT_INT_WITHIN_MESSAGE(d, e, a, NULL)
#define TEST_ASSERT_UINT_WITHIN_MESSAGE(d, e, a, m) UnityAssertWithinUnsigned((uintmax_t)(d), (uintmax_t)(e), (uintmax_t)(a), (m), __LINE__)
#define TEST_ASSERT_UINT_WITHIN(d, e, a) TEST_ASSERT_UINT_WITHIN_MESSAGE(d, e, a, NULL)
#define TEST_ASSERT_UINT32_WITHIN_MESSAGE(d, e, a, m) TEST_ASSERT_UINT_WITHIN_MESSAGE((uint32_t)(d), (uint32_t)(e), (uint32_t)(a), m)
#define TEST_ASSERT_UINT32_WITHIN(d, e, a) TEST_ASSERT_UINT32_WITHIN_MESSAGE(d, e, a, NULL)

/* ---- strings and memory ---- */
#define TEST_ASSERT_EQUAL_STRING_MESSAGE(e, a, m) UnityAssertEqualString((e), (a), (m), __LINE__)
#define TEST_ASSERT_EQUAL_STRING(e, a) TEST_ASSERT_EQUAL_STRING_MESSAGE(e, a, NULL)
#define TEST_ASSERT_EQUAL_STRING_LEN_MESSAGE(e, a, n, m) UnityAssertEqualStringLen((e), (a), (size_t)(n), (m), __LINE__)
#define TEST_ASSERT_EQUAL_STRING_LEN(e, a, n) TEST_ASSERT_EQUAL_STRING_LEN_MESSAGE(e, a, n, NULL)
#define TEST_ASSERT_EQUAL_MEMORY_MESSAGE(e, a, n, m) UnityAssertEqualMemory((e), (a), (size_t)(n), (m), __LINE__)
#define TEST_ASSERT_EQUAL_MEMORY(e, a, n) TEST_ASSERT_EQUAL_MEMORY_MESSAGE(e, a, n, NULL)
#define TEST_ASSERT_EQUAL_UINT8_ARRAY_MESSAGE(e, a, n, m) UnityAssertEqualMemory((e), (a), (size_t)(n), (m), __LINE__)
#define TEST_ASSERT_EQUAL_UINT8_ARRAY(e, a, n) TEST_ASSERT_EQUAL_UINT8_ARRAY_MESSAGE(e, a, n, NULL)
#define TEST_ASSERT_EQUAL_HEX8_ARRAY_MESSAGE(e, a, n, m) UnityAssertEqualMemory((e), (a), (size_t)(n), (m), __LINE__)
#define TEST_ASSERT_EQUAL_HEX8_ARRAY(e, a, n) TEST_ASSERT_EQUAL_HEX8_ARRAY_MESSAGE(e, a, n, NULL)

#ifdef __cplusplus
}
#endif

#endif /* UNITY_H */
