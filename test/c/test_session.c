/* The session's key scenarios against the generated C (components/mgos_mqtt/gen/
 * session.c, codec.c), the same as test/mqtt/session.test.ts runs under Node:
 * a scripted broker built on the generated codec and a fake ms clock. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "unity.h"
#include "session.h"
#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "packet.h"

static Session s;        /* the client under test (too big for the stack of a small target) */
static Packet seen;      /* decode scratch for what the client sent */
static uint8_t scratch[600];
static uint32_t now;

/* What the client sent in the last pull(). */
typedef struct {
  uint8_t type;
  uint8_t qos;
  bool dup;
  uint16_t id;
  char topic[48];
  char payload[48];
} Sent;
static Sent sent[32];
static int nsent;

/* Events raised. */
typedef struct {
  int32_t ev;
  uint16_t id;
  int32_t tag;
  uint8_t code;
  char payload[48];
} Ev;
static Ev evs[64];
static int nevs;
static int nwarn;
static char close_reason[96];

static rt_bytes B(const char *str) {
  rt_bytes b;
  b.p = (uint8_t *) (uintptr_t) str;
  b.len = (uint32_t) strlen(str);
  return b;
}

static void cpy(char *dst, size_t cap, rt_bytes b) {
  size_t n = b.len < cap - 1 ? b.len : cap - 1;
  if (n > 0) memcpy(dst, b.p, n);
  dst[n] = 0;
}

static void on_event(Session *ss, int32_t ev, Packet *p, void *ud) {
  (void) ud;
  if (nevs >= 64) return;
  Ev *e = &evs[nevs++];
  memset(e, 0, sizeof(*e));
  e->ev = ev;
  e->tag = ss->evTag;
  if (p != NULL) {
    e->id = p->packetId;
    e->code = p->returnCode;
    cpy(e->payload, sizeof(e->payload), p->payload);
  }
  if (ev == SessionEvent_CLOSE) {
    strncpy(close_reason, ss->closeReason, sizeof(close_reason) - 1);
    close_reason[sizeof(close_reason) - 1] = 0;
  }
}

static void on_log(Session *ss, int32_t level, const char *msg, rt_bytes detail, int32_t num) {
  (void) ss; (void) msg; (void) detail; (void) num;
  if (level == LogLevel_WARN) nwarn++;
}

static int count_ev(int32_t ev) {
  int n = 0;
  for (int i = 0; i < nevs; i++) if (evs[i].ev == ev) n++;
  return n;
}

static void pull(void) {
  rt_bytes tx = Session_txView(&s);
  uint32_t off = 0;
  nsent = 0;
  while (off < tx.len) {
    rt_bytes in;
    in.p = tx.p + off;
    in.len = tx.len - off;
    int32_t r = codec_broker_decode(in, 1u << 20, false, &seen);
    TEST_ASSERT_GREATER_THAN_MESSAGE(0, r, "client sent an undecodable packet");
    TEST_ASSERT_LESS_THAN(32, nsent);
    Sent *x = &sent[nsent++];
    x->type = seen.type;
    x->qos = seen.qos;
    x->dup = seen.dup;
    x->id = seen.packetId;
    cpy(x->topic, sizeof(x->topic), seen.topic);
    cpy(x->payload, sizeof(x->payload), seen.payload);
    off += (uint32_t) r;
  }
  Session_txConsumed(&s, tx.len);
}

static void feed(uint32_t n) {
  TEST_ASSERT_GREATER_THAN(0, n);
  rt_bytes b;
  b.p = scratch;
  b.len = n;
  Session_onRecv(&s, b, now);
}

static rt_bytes SCR(void) {
  rt_bytes b;
  b.p = scratch;
  b.len = sizeof(scratch);
  return b;
}

static void connack(uint8_t code, bool sp) { feed(codec_broker_encodeConnack(SCR(), sp, code)); }
static void ack(uint8_t type, uint16_t id) { feed(codec_encodeAck(SCR(), type, id)); }
static void server_publish(const char *topic, const char *payload, uint8_t qos, uint16_t id, bool dup) {
  feed(codec_encodePublish(SCR(), B(topic), B(payload), qos, false, dup, id));
}

static void open_session(bool sp) {
  TEST_ASSERT_TRUE(Session_connect(&s, now));
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_CONNECT, sent[0].type);
  connack(0, sp);
  TEST_ASSERT_EQUAL_UINT8(SessionState_CONNECTED, s.state);
}

/* A fresh Session as TypeScript's `new Session()`: zeroed storage, then the
 * generated field initializers (Session_init sets only the non-zero ones). */
static void session_defaults(Session *x) {
  memset(x, 0, sizeof(*x));
  Session_init(x);
}

void setUp(void) {
  session_defaults(&s);
  memset(&seen, 0, sizeof(seen));
  TEST_ASSERT_NULL(SessionConfig_setStrings(&s.cfg, B("c-dev"), B("user"), B("pw"), B(""), B("")));
  s.onEvent = on_event;
  s.onLog = on_log;
  now = 0;
  nsent = 0;
  nevs = 0;
  nwarn = 0;
  close_reason[0] = 0;
}

void tearDown(void) {}

static void test_connect_and_connack(void) {
  TEST_ASSERT_TRUE(Session_connect(&s, now));
  rt_bytes tx = Session_txView(&s);
  TEST_ASSERT_GREATER_THAN(10u, tx.len);
  TEST_ASSERT_EQUAL_INT32((int32_t) tx.len, codec_broker_decode(tx, 1000, false, &seen));
  TEST_ASSERT_EQUAL_UINT8(PacketType_CONNECT, seen.type);
  TEST_ASSERT_EQUAL_UINT8(0x80 | 0x40 | 0x02, seen.connectFlags);
  TEST_ASSERT_EQUAL_UINT16(60, seen.keepAlive);
  TEST_ASSERT_EQUAL_STRING_LEN("c-dev", (const char *) seen.clientId.p, 5);
  Session_txConsumed(&s, tx.len);
  connack(0, false);
  TEST_ASSERT_TRUE(Session_isConnected(&s));
  TEST_ASSERT_EQUAL_INT(1, nevs);
  TEST_ASSERT_EQUAL_INT32(SessionEvent_CONNACK, evs[0].ev);
}

static void test_connack_refused_closes(void) {
  TEST_ASSERT_TRUE(Session_connect(&s, now));
  pull();
  connack(5, false);
  TEST_ASSERT_EQUAL_INT(2, nevs);
  TEST_ASSERT_EQUAL_INT32(SessionEvent_CONNACK, evs[0].ev);
  TEST_ASSERT_EQUAL_UINT8(5, evs[0].code);
  TEST_ASSERT_EQUAL_INT32(SessionEvent_CLOSE, evs[1].ev);
  TEST_ASSERT_NOT_NULL(strstr(close_reason, "not authorized"));
  TEST_ASSERT_TRUE(Session_wantsClose(&s));
  Session_connectionLost(&s, now);
  TEST_ASSERT_FALSE(Session_wantsClose(&s));
  TEST_ASSERT_EQUAL_INT(2, nevs);
}

static void test_keepalive_and_ping_timeout(void) {
  s.cfg.keepAlive = 10;
  open_session(false);
  now = 9999;
  Session_tick(&s, now);
  pull();
  TEST_ASSERT_EQUAL_INT(0, nsent);
  now = 10000;
  Session_tick(&s, now);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_PINGREQ, sent[0].type);
  feed(codec_encodeSimple(SCR(), PacketType_PINGRESP));
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PINGRESP));
  now = 20000;
  Session_tick(&s, now);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PINGREQ, sent[0].type);
  /* no PINGRESP within keep_alive / 2 */
  TEST_ASSERT_EQUAL_UINT32(5000, Session_nextTickIn(&s, now, 60000));
  now = 24999;
  Session_tick(&s, now);
  TEST_ASSERT_TRUE(Session_isConnected(&s));
  now = 25000;
  Session_tick(&s, now);
  TEST_ASSERT_FALSE(Session_isConnected(&s));
  TEST_ASSERT_NOT_NULL(strstr(close_reason, "PINGRESP"));
}

static void test_qos1_and_qos2_out(void) {
  open_session(false);
  uint16_t a = Session_publish(&s, B("t/1"), B("one"), 1, false, now);
  uint16_t b = Session_publish(&s, B("t/2"), B("two"), 2, false, now);
  TEST_ASSERT_NOT_EQUAL(0, a);
  TEST_ASSERT_NOT_EQUAL(0, b);
  pull();
  TEST_ASSERT_EQUAL_INT(2, nsent);
  TEST_ASSERT_EQUAL_UINT16(a, sent[0].id);
  TEST_ASSERT_EQUAL_UINT8(1, sent[0].qos);
  TEST_ASSERT_EQUAL_STRING("one", sent[0].payload);
  TEST_ASSERT_EQUAL_UINT8(2, sent[1].qos);
  ack(PacketType_PUBACK, a);
  ack(PacketType_PUBREC, b);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBREL, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(b, sent[0].id);
  ack(PacketType_PUBCOMP, b);
  TEST_ASSERT_EQUAL_UINT32(0, Session_inflightCount(&s));
  TEST_ASSERT_EQUAL_UINT32(0, s.storeUsed);
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PUBACK));
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PUBREC));
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PUBCOMP));
}

static void test_qos2_in_duplicate_suppressed(void) {
  open_session(false);
  server_publish("in/2", "once", 2, 42, false);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBREC, sent[0].type);
  server_publish("in/2", "once", 2, 42, true);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBREC, sent[0].type);
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PUBLISH));
  ack(PacketType_PUBREL, 42);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBCOMP, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(42, sent[0].id);
  server_publish("in/1", "q1", 1, 43, false);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBACK, sent[0].type);
  TEST_ASSERT_EQUAL_INT(2, count_ev(SessionEvent_PUBLISH));
}

static void test_resend_with_dup_after_reconnect(void) {
  s.cfg.cleanSession = false;
  open_session(false);
  uint16_t a = Session_publish(&s, B("t"), B("again"), 1, false, now);
  pull();
  TEST_ASSERT_FALSE(sent[0].dup);
  Session_connectionLost(&s, now);
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_CLOSE));
  open_session(true);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT16(a, sent[0].id);
  TEST_ASSERT_TRUE(sent[0].dup);
  TEST_ASSERT_EQUAL_STRING("again", sent[0].payload);
}

static void test_clean_session_requeues_inflight(void) {
  open_session(false);
  Session_publish(&s, B("t"), B("kept"), 1, false, now);
  pull();
  Session_connectionLost(&s, now);
  TEST_ASSERT_EQUAL_UINT32(1, s.recCount);
  TEST_ASSERT_EQUAL_INT(0, nwarn);
  open_session(false);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_FALSE(sent[0].dup);
  TEST_ASSERT_EQUAL_STRING("kept", sent[0].payload);
}

static void test_offline_queue_overflow(void) {
  /* The delivery rule: offline QoS 0 is refused, QoS > 0 waits up to
   * max_queue_length, then the new message is refused (nothing dropped). */
  s.cfg.maxQueueLength = 2;
  TEST_ASSERT_EQUAL_UINT16(0, Session_publish(&s, B("t"), B("q0"), 0, false, now));
  TEST_ASSERT_EQUAL_UINT8(MGOS_MQTT_ERR_NOT_CONNECTED, s.lastError);
  uint16_t m1 = Session_publish(&s, B("t"), B("m1"), 1, false, now);
  uint16_t m2 = Session_publish(&s, B("t"), B("m2"), 2, false, now);
  uint16_t m3 = Session_publish(&s, B("t"), B("m3"), 2, false, now);
  TEST_ASSERT_TRUE(m1 != 0 && m2 != 0);
  TEST_ASSERT_EQUAL_UINT16(0, m3);
  TEST_ASSERT_EQUAL_UINT8(MGOS_MQTT_ERR_QUEUE_FULL, s.lastError);
  TEST_ASSERT_EQUAL_INT(0, count_ev(SessionEvent_DROPPED));
  TEST_ASSERT_EQUAL_UINT32(2, Session_queuedCount(&s));
  open_session(false);
  pull();
  TEST_ASSERT_EQUAL_INT(2, nsent);
  TEST_ASSERT_EQUAL_STRING("m1", sent[0].payload);
  TEST_ASSERT_EQUAL_STRING("m2", sent[1].payload);
  TEST_ASSERT_EQUAL_UINT16(m2, sent[1].id);
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_OUTBOX_ROOM));
}

static void test_offline_drop_oldest(void) {
  s.cfg.maxQueueLength = 2;
  s.cfg.dropOldest = true;
  uint16_t m1 = Session_publish(&s, B("t"), B("m1"), 1, false, now);
  uint16_t m2 = Session_publish(&s, B("t"), B("m2"), 1, false, now);
  uint16_t m3 = Session_publish(&s, B("t"), B("m3"), 2, false, now);
  TEST_ASSERT_TRUE(m1 != 0 && m2 != 0 && m3 != 0);
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_DROPPED));
  /* The drop's warning exists only where warnings are compiled in (CONFIG_MGOS_MQTT_LOG_LEVEL). */
  TEST_ASSERT_EQUAL_INT(CONFIG_MGOS_MQTT_LOG_LEVEL > 1 ? 1 : 0, nwarn);
  open_session(false);
  pull();
  TEST_ASSERT_EQUAL_INT(2, nsent);
  TEST_ASSERT_EQUAL_STRING("m2", sent[0].payload);
  TEST_ASSERT_EQUAL_STRING("m3", sent[1].payload);
}

static void test_large_message_streams(void) {
  /* 3,000 bytes: larger than the 2,048-byte tx buffer, streamed from the outbox. */
  static char big[3001];
  memset(big, 'q', 3000);
  open_session(false);
  uint16_t id = Session_publish(&s, B("big"), B(big), 1, false, now);
  TEST_ASSERT_TRUE(id != 0);
  TEST_ASSERT_TRUE(s.streaming);
  /* Written in two parts; the broker sees one whole PUBLISH. */
  static uint8_t wire[4096];
  uint32_t have = 0;
  for (int k = 0; k < 3 && s.txLen > 0; k++) {
    rt_bytes tx = Session_txView(&s);
    memcpy(wire + have, tx.p, tx.len);
    have += tx.len;
    Session_txConsumed(&s, tx.len);
  }
  Packet pk;
  memset(&pk, 0, sizeof(pk));
  TEST_ASSERT_EQUAL_INT32((int32_t) have, codec_broker_decode(RT_BYTES(wire, have), 1u << 20, false, &pk));
  TEST_ASSERT_EQUAL_UINT32(3000, pk.payload.len);
  TEST_ASSERT_EQUAL_UINT16(id, pk.packetId);
  ack(PacketType_PUBACK, id);
  TEST_ASSERT_EQUAL_UINT32(0, s.recCount);
}

/* A PUBLISH over recv_mbuf_limit is skipped and acknowledged, not a close
 * (docs/large-messages.md; test/mqtt/large.test.ts has the rest). */
static void test_recv_limit_skips(void) {
  s.cfg.recvLimit = 64;
  open_session(false);
  uint32_t n = codec_encodePublish(SCR(), B("t"), B("0123456789012345678901234567890123456789012345678901234567890123456789"), 1, false, false, 9);
  TEST_ASSERT_GREATER_THAN(64u, n);
  feed(3); /* the fixed header: waits for the rest */
  TEST_ASSERT_TRUE(Session_isConnected(&s));
  rt_bytes rest;
  rest.p = scratch + 3;
  rest.len = n - 3u;
  Session_onRecv(&s, rest, now);
  TEST_ASSERT_TRUE(Session_isConnected(&s));
  TEST_ASSERT_FALSE(Session_wantsClose(&s));
  TEST_ASSERT_EQUAL_INT(1, count_ev(SessionEvent_PUBLISH_SKIPPED));
  TEST_ASSERT_EQUAL_INT(0, count_ev(SessionEvent_PUBLISH));
  TEST_ASSERT_EQUAL_UINT32(70u, s.rxPartTotal);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBACK, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(9, sent[0].id);
}

static void test_resubscribe_after_reconnect(void) {
  uint16_t a = Session_subscribe(&s, B("a/+"), 1, 7);
  TEST_ASSERT_NOT_EQUAL(0, a);
  open_session(false);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_SUBSCRIBE, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(a, sent[0].id);
  uint8_t code = 1;
  rt_bytes codes;
  codes.p = &code;
  codes.len = 1;
  feed(codec_broker_encodeSuback(SCR(), a, codes));
  TEST_ASSERT_EQUAL_INT32(SessionEvent_SUBACK, evs[nevs - 1].ev);
  TEST_ASSERT_EQUAL_INT32(7, evs[nevs - 1].tag);
  Session_connectionLost(&s, now);
  open_session(false);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(PacketType_SUBSCRIBE, sent[0].type);
  uint16_t u = Session_unsubscribe(&s, B("a/+"));
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_UNSUBSCRIBE, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(u, sent[0].id);
}

static void test_packet_id_wrap_and_skip(void) {
  s.lastId = 65534;
  TEST_ASSERT_EQUAL_UINT16(65535, Session_nextPacketId(&s));
  TEST_ASSERT_EQUAL_UINT16(1, Session_nextPacketId(&s));
  open_session(false);
  uint16_t a = Session_publish(&s, B("t"), B("x"), 1, false, now);
  TEST_ASSERT_EQUAL_UINT16(2, a);
  s.lastId = 1;
  TEST_ASSERT_EQUAL_UINT16(3, Session_nextPacketId(&s));
}

static void test_unsent_bytes(void) {
  Session_publish(&s, B("t/q"), B("12345"), 1, false, now);
  TEST_ASSERT_EQUAL_UINT32(14, Session_unsentBytes(&s));
  open_session(false);
  TEST_ASSERT_EQUAL_UINT32(14, Session_unsentBytes(&s));
  pull();
  TEST_ASSERT_EQUAL_UINT32(0, Session_unsentBytes(&s));
}

static void test_max_qos_cap(void) {
  s.cfg.maxQos = 1;
  open_session(false);
  uint16_t id = Session_publish(&s, B("t"), B("capped"), 2, false, now);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT8(1, sent[0].qos);
  TEST_ASSERT_EQUAL_UINT16(id, sent[0].id);
  Session_setMaxQos(&s, 0);
  TEST_ASSERT_NOT_EQUAL(0, Session_publish(&s, B("t"), B("zero"), 1, false, now));
  pull();
  TEST_ASSERT_EQUAL_UINT8(0, sent[0].qos);
  TEST_ASSERT_EQUAL_UINT16(0, sent[0].id);
}

static void test_inflight_window(void) {
  s.cfg.maxQueueLength = 16;
  open_session(false);
  uint16_t first = 0;
  for (uint32_t i = 0; i < CONFIG_MGOS_MQTT_MAX_INFLIGHT + 1u; i++) {
    uint16_t id = Session_publish(&s, B("w"), B("x"), 1, false, now);
    TEST_ASSERT_NOT_EQUAL(0, id);
    if (i == 0) first = id;
  }
  pull();
  TEST_ASSERT_EQUAL_INT(CONFIG_MGOS_MQTT_MAX_INFLIGHT, nsent);
  TEST_ASSERT_EQUAL_UINT32(1, Session_queuedCount(&s));
  ack(PacketType_PUBACK, first);
  pull();
  TEST_ASSERT_EQUAL_INT(1, nsent);
  TEST_ASSERT_EQUAL_UINT32(0, Session_queuedCount(&s));
}

static void test_byte_at_a_time(void) {
  TEST_ASSERT_TRUE(Session_connect(&s, now));
  pull();
  uint32_t n = codec_broker_encodeConnack(SCR(), false, 0);
  n += codec_encodePublish(rt_subarray(SCR(), n, UINT32_MAX), B("b/y"), B("split"), 1, false, false, 9);
  for (uint32_t i = 0; i < n; i++) {
    rt_bytes one;
    one.p = scratch + i;
    one.len = 1;
    Session_onRecv(&s, one, now);
  }
  TEST_ASSERT_TRUE(Session_isConnected(&s));
  TEST_ASSERT_EQUAL_INT32(SessionEvent_PUBLISH, evs[nevs - 1].ev);
  TEST_ASSERT_EQUAL_STRING("split", evs[nevs - 1].payload);
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_PUBACK, sent[0].type);
  TEST_ASSERT_EQUAL_UINT16(9, sent[0].id);
  TEST_ASSERT_EQUAL_UINT32(0, s.rxLen);
}

static void test_unsuback_tag_and_disconnect(void) {
  open_session(false);
  uint16_t a = Session_subscribe(&s, B("u/#"), 0, 5);
  pull();
  TEST_ASSERT_EQUAL_UINT16(a, sent[0].id);
  TEST_ASSERT_EQUAL_UINT16(0, Session_unsubscribe(&s, B("other")));
  uint16_t u = Session_unsubscribe(&s, B("u/#"));
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_UNSUBSCRIBE, sent[0].type);
  ack(PacketType_UNSUBACK, u);
  TEST_ASSERT_EQUAL_INT32(SessionEvent_UNSUBACK, evs[nevs - 1].ev);
  TEST_ASSERT_EQUAL_INT32(5, evs[nevs - 1].tag);
  TEST_ASSERT_EQUAL_UINT32(0, s.subCount);
  TEST_ASSERT_TRUE(Session_disconnect(&s));
  TEST_ASSERT_FALSE(Session_wantsClose(&s));
  pull();
  TEST_ASSERT_EQUAL_UINT8(PacketType_DISCONNECT, sent[0].type);
  TEST_ASSERT_TRUE(Session_wantsClose(&s));
  Session_connectionLost(&s, now);
  TEST_ASSERT_EQUAL_INT32(SessionEvent_CLOSE, evs[nevs - 1].ev);
  TEST_ASSERT_EQUAL_STRING("disconnected", close_reason);
}

static void test_connack_timeout_across_clock_wrap(void) {
  now = 4294967000u;
  TEST_ASSERT_TRUE(Session_connect(&s, now));
  now += CONFIG_MGOS_MQTT_CONNACK_TIMEOUT_MS - 1u;
  Session_tick(&s, now);
  TEST_ASSERT_EQUAL_UINT8(SessionState_CONNECTING, s.state);
  now += 1u;
  Session_tick(&s, now);
  TEST_ASSERT_EQUAL_UINT8(SessionState_DISCONNECTED, s.state);
  TEST_ASSERT_NOT_NULL(strstr(close_reason, "CONNACK"));
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_connect_and_connack);
  RUN_TEST(test_connack_refused_closes);
  RUN_TEST(test_keepalive_and_ping_timeout);
  RUN_TEST(test_qos1_and_qos2_out);
  RUN_TEST(test_qos2_in_duplicate_suppressed);
  RUN_TEST(test_resend_with_dup_after_reconnect);
  RUN_TEST(test_clean_session_requeues_inflight);
  RUN_TEST(test_offline_queue_overflow);
  RUN_TEST(test_offline_drop_oldest);
  RUN_TEST(test_large_message_streams);
  RUN_TEST(test_recv_limit_skips);
  RUN_TEST(test_resubscribe_after_reconnect);
  RUN_TEST(test_packet_id_wrap_and_skip);
  RUN_TEST(test_unsent_bytes);
  RUN_TEST(test_max_qos_cap);
  RUN_TEST(test_inflight_window);
  RUN_TEST(test_byte_at_a_time);
  RUN_TEST(test_unsuback_tag_and_disconnect);
  RUN_TEST(test_connack_timeout_across_clock_wrap);
  return UNITY_END();
}
