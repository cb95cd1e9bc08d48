/* Topic names, filters and matching (MQTT 3.1.1 section 4.7) and the UTF-8
 * rules of 1.5.3, as generated C (components/mgos_mqtt/gen/topic.c): the same
 * tables as test/mqtt/topic.test.ts. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "unity.h"
#include "topic.h"

void setUp(void) {}
void tearDown(void) {}

static rt_bytes B(const char *s) {
  rt_bytes b;
  b.p = (uint8_t *) (uintptr_t) s;
  b.len = (uint32_t) strlen(s);
  return b;
}

static rt_bytes N(const char *s, uint32_t n) {
  rt_bytes b;
  b.p = (uint8_t *) (uintptr_t) s;
  b.len = n;
  return b;
}

static uint8_t big[65536];

static void test_utf8(void) {
  static const char *const good[] = {"", "a", "/", "\x01", "\x7f", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e",
                                     "\xf4\x8f\xbf\xbf", "\xef\xbb\xbf", "\xef\xbf\xbf", "\xc2\x80", "\xe0\xa0\x80",
                                     "\xed\x9f\xbf", "\xf0\x90\x80\x80"};
  static const char *const bad[] = {"\x80", "\xbf", "\xc0\xaf", "\xc1\x80", "\xe0\x80\x80", "\xe0\x9f\xbf",
                                    "\xf0\x8f\xbf\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
                                    "\xf5\x80\x80\x80", "\xff", "\xfe", "\xc3", "\xe2\x82", "\xf0\x9d\x84",
                                    "\xc3\x28", "\xe2\x28\xa1", "\xe2\x82\x28", "\xf0\x9d\x84\x28"};
  unsigned i;
  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) TEST_ASSERT_TRUE_MESSAGE(topic_validUtf8(B(good[i])), good[i]);
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) TEST_ASSERT_FALSE_MESSAGE(topic_validUtf8(B(bad[i])), bad[i]);
  /* U+0000, alone and inside. */
  TEST_ASSERT_FALSE(topic_validUtf8(N("\0", 1)));
  TEST_ASSERT_FALSE(topic_validUtf8(N("a\0b", 3)));
  TEST_ASSERT_FALSE(topic_validUtf8(N("\xc0\x80", 2)));
}

static void test_topic_names(void) {
  static const char *const good[] = {"a", "/", "//", "a/b/c", "/a", "a/", "$SYS/broker", " ", "\xc3\xbc/x"};
  static const char *const bad[] = {"", "#", "+", "a/#", "a/+/b", "a+", "sport/tennis#", "\xed\xa0\x80"};
  unsigned i;
  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) TEST_ASSERT_TRUE_MESSAGE(topic_validTopicName(B(good[i])), good[i]);
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) TEST_ASSERT_FALSE_MESSAGE(topic_validTopicName(B(bad[i])), bad[i]);
  TEST_ASSERT_FALSE(topic_validTopicName(N("a\0b", 3)));
  memset(big, 'a', sizeof(big));
  TEST_ASSERT_TRUE(topic_validTopicName(N((const char *) big, 65535)));
  TEST_ASSERT_FALSE(topic_validTopicName(N((const char *) big, 65536)));
}

static void test_topic_filters(void) {
  static const char *const good[] = {"#", "+", "+/+", "/+", "+/", "a/#", "a/+/b", "sport/tennis/#", "/", "a//b",
                                     "$SYS/#", "/#", "+/#"};
  static const char *const bad[] = {"", "a#", "#a", "a/#/b", "##", "#/", "#/a", "sport/tennis#", "a+", "+a",
                                    "a/b+/c", "++", "+#", "a/#b", "/\xff"};
  unsigned i;
  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) TEST_ASSERT_TRUE_MESSAGE(topic_validTopicFilter(B(good[i])), good[i]);
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) TEST_ASSERT_FALSE_MESSAGE(topic_validTopicFilter(B(bad[i])), bad[i]);
  memset(big, 'a', sizeof(big));
  TEST_ASSERT_FALSE(topic_validTopicFilter(N((const char *) big, 65536)));
}

typedef struct {
  const char *filter;
  const char *topic;
  bool match;
} Match;

static const Match matches[] = {
  /* 4.7.1.2 multi-level wildcard */
  {"sport/tennis/player1/#", "sport/tennis/player1", true},
  {"sport/tennis/player1/#", "sport/tennis/player1/ranking", true},
  {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true},
  {"sport/#", "sport", true},
  {"sport/#", "sports", false},
  {"sport/#", "sport/", true},
  {"#", "sport/tennis", true},
  {"#", "/", true},
  {"/#", "/", true},
  {"/#", "a", false},
  /* 4.7.1.3 single-level wildcard */
  {"sport/tennis/+", "sport/tennis/player1", true},
  {"sport/tennis/+", "sport/tennis/player1/ranking", false},
  {"sport/tennis/+", "sport/tennis", false},
  {"sport/+", "sport", false},
  {"sport/+", "sport/", true},
  {"+", "a", true},
  {"+", "/", false},
  {"+/+", "/finance", true},
  {"/+", "/finance", true},
  {"+", "/finance", false},
  {"+/+", "/", true},
  {"+/tennis/#", "sport/tennis", true},
  {"+/+/+", "a/b", false},
  {"+/+/+", "a//c", true},
  {"a/+/c", "a/b/c/d", false},
  /* 4.7.2 topics beginning with $ */
  {"#", "$SYS/broker", false},
  {"+/monitor/Clients", "$SYS/monitor/Clients", false},
  {"$SYS/#", "$SYS/monitor/Clients", true},
  {"$SYS/#", "$SYS", true},
  {"$SYS/monitor/+", "$SYS/monitor/Clients", true},
  {"a/#", "a/$SYS", true},
  /* literal levels */
  {"ACCOUNTS", "Accounts", false},
  {"a/b", "a/b/", false},
  {"a/b/", "a/b", false},
  {"a//b", "a//b", true},
  {"a//b", "a/b", false},
  {"abc", "ab", false},
  {"ab", "abc", false},
  /* invalid inputs never match */
  {"", "a", false},
  {"a", "", false},
  {"a/#/b", "a/x/b", false},
  {"a+", "a+", false},
  {"+", "+", false},
  {"#", "a/#", false},
};

static void test_matching(void) {
  unsigned i;
  for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
    const Match *m = &matches[i];
    TEST_ASSERT_EQUAL_MESSAGE(m->match, topic_topicMatches(B(m->filter), B(m->topic)), m->filter);
  }
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_utf8);
  RUN_TEST(test_topic_names);
  RUN_TEST(test_topic_filters);
  RUN_TEST(test_matching);
  return UNITY_END();
}
