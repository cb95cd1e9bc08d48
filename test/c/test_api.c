/* The public API (components/mgos_mqtt/include/mgos_mqtt.h) against the
 * generated C of ts-src/mgos/ and compat.c, as test/mgos/api.test.ts does under
 * Node: constants, backoff with jitter and failover to mqtt1, dispatch rules,
 * publish/acks, max_qos, unsub, packet ids, a second connection with a
 * connect_fn, disconnect. The port externs below replace the weak defaults of
 * test/c/support/host_port.c with a fake clock and a fake network; the broker
 * side is scripted with the generated codec. The tests share the library's
 * static state and run in order. */
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "unity.h"
#include "mgos_mqtt.h"
#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "packet.h"
#include "port.h"
#include "config.h"
#include "config_schema.h"
#include "config_sys.h"
#include "conn.h" /* the port callbacks mgos_mqtt_port_* */

/* ---- fake port ---- */
static uint32_t now_ms;
static uint32_t rnd = 12345u;
static uint8_t wire[2][4096];
static uint32_t wire_len[2];
static bool open_slot[2];
static int nconnects;
static char last_host[64];
static uint16_t last_port;
static uint32_t last_connect_at;
static int ncloses;
static int32_t last_cloud_ev;

uint32_t port_now_ms(void) { return now_ms; }
static double wall_time = 1767225600.0; /* 2026-01-01: the clock is set */
double port_time(void) { return wall_time; }
uint32_t port_rand(void) {
  rnd ^= rnd << 13;
  rnd ^= rnd >> 17;
  rnd ^= rnd << 5;
  return rnd;
}
void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  for (uint32_t i = 0; i < dst.len; i++) dst.p[i] = (uint8_t)port_rand();
}
/* The last log line's message text (the tests check what a refusal says),
 * and the whole line, message and detail. */
static char last_log[96];
static char last_line[160];
void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  (void)level;
  snprintf(last_log, sizeof(last_log), "%s", msg);
  snprintf(last_line, sizeof(last_line), "%s%.*s", msg, (int) detail_len, detail_p != NULL ? (const char *) detail_p : "");
}
int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tls_slot) {
  rt_bytes host = {host_p, host_len};
  size_t n = host.len < sizeof(last_host) - 1 ? host.len : sizeof(last_host) - 1;
  (void)slot;
  (void)tls_slot;
  memcpy(last_host, host.p, n);
  last_host[n] = 0;
  last_port = port;
  last_connect_at = now_ms;
  nconnects++;
  return 0;
}
int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  if (slot < 0 || slot > 1 || !open_slot[slot]) return -1;
  if (data.len > sizeof(wire[0]) - wire_len[slot]) return 0;
  memcpy(wire[slot] + wire_len[slot], data.p, data.len);
  wire_len[slot] += data.len;
  return (int32_t)data.len;
}
void port_net_close(int32_t slot) {
  if (slot >= 0 && slot <= 1) open_slot[slot] = false;
  ncloses++;
}
const char *port_device_id(void) { return "c_device"; }
void port_event_trigger(int32_t ev, void *arg) {
  (void)arg;
  last_cloud_ev = ev;
}

/* ---- scripted broker ---- */
static uint8_t scratch[512];
static Packet pk;

typedef struct {
  uint8_t type, qos;
  uint16_t id;
  char topic[32];
  uint8_t sub_qos;
  char user[32];
} Sent;
static Sent sent[16];

static rt_bytes B(const char *s) { return RT_BYTES((uint8_t *)(uintptr_t)s, strlen(s)); }

static void cpy(char *dst, size_t cap, rt_bytes b) {
  size_t n = b.len < cap - 1 ? b.len : cap - 1;
  if (n > 0) memcpy(dst, b.p, n);
  dst[n] = 0;
}

/* Decodes what the client wrote on `slot`; returns the packet count. */
static int pull(int slot) {
  uint32_t off = 0;
  int n = 0;
  while (off < wire_len[slot] && n < 16) {
    int32_t r = codec_broker_decode(RT_BYTES(wire[slot] + off, wire_len[slot] - off), 4096u, false, &pk);
    TEST_ASSERT_TRUE_MESSAGE(r > 0, "client wrote an undecodable packet");
    if (r <= 0) break;
    memset(&sent[n], 0, sizeof(sent[n]));
    sent[n].type = pk.type;
    sent[n].qos = pk.qos;
    sent[n].id = pk.packetId;
    if (pk.type == PacketType_PUBLISH) cpy(sent[n].topic, sizeof(sent[n].topic), pk.topic);
    if (pk.type == PacketType_SUBSCRIBE || pk.type == PacketType_UNSUBSCRIBE) {
      /* First filter of the list: 2-byte length, the filter, then the QoS byte. */
      uint32_t fl = pk.body.len >= 2 ? (uint32_t)((pk.body.p[0] << 8) | pk.body.p[1]) : 0u;
      cpy(sent[n].topic, sizeof(sent[n].topic), RT_BYTES(pk.body.p + 2, fl));
      if (pk.type == PacketType_SUBSCRIBE && pk.body.len > fl + 2) sent[n].sub_qos = pk.body.p[fl + 2];
    }
    if (pk.type == PacketType_CONNECT) cpy(sent[n].user, sizeof(sent[n].user), pk.userName);
    off += (uint32_t)r;
    n++;
  }
  wire_len[slot] = 0;
  return n;
}

static void deliver(int slot, uint32_t n) { mgos_mqtt_port_on_recv(slot, RT_BYTES(scratch, n)); }
static void connack(int slot, uint8_t code) { deliver(slot, codec_broker_encodeConnack(RT_BYTES(scratch, sizeof(scratch)), false, code)); }
static void bpublish(int slot, const char *topic, const char *msg, uint8_t qos, uint16_t id) {
  deliver(slot, codec_encodePublish(RT_BYTES(scratch, sizeof(scratch)), B(topic), B(msg), qos, false, false, id));
}
static void back(int slot, uint8_t type, uint16_t id) { deliver(slot, codec_encodeAck(RT_BYTES(scratch, sizeof(scratch)), type, id)); }
static void suback(int slot, uint16_t id, uint8_t code) {
  deliver(slot, codec_broker_encodeSuback(RT_BYTES(scratch, sizeof(scratch)), id, RT_BYTES(&code, 1)));
}
static void accept_slot(int slot) {
  open_slot[slot] = true;
  mgos_mqtt_port_on_connect(slot, true, 0);
}

/* Runs the timers until a new connect attempt (or `limit` ms pass); returns its time. */
static uint32_t next_connect(uint32_t limit) {
  int n = nconnects;
  uint32_t end = now_ms + limit;
  while (nconnects == n && now_ms < end) {
    uint32_t w = mgos_mqtt_port_poll(now_ms);
    if (nconnects != n) break;
    now_ms += w > 0 ? w : 1u;
  }
  TEST_ASSERT_TRUE_MESSAGE(nconnects > n, "no connect attempt in time");
  return last_connect_at;
}

static void assert_near(uint32_t base, uint32_t actual) {
  TEST_ASSERT_UINT32_WITHIN(base / 10u + 1u, base, actual);
}

/* ---- handlers ---- */
typedef struct {
  char who;
  int ev;
  char topic[32];
} Call;
static Call calls[32];
static int ncalls;
/* Messages whose broker-side fields (CONNECT's, which a client never
 * receives) were not {NULL, 0}, as Mongoose's zeroed message has them. */
static int nunzeroed;

static bool zero_str(struct mg_str s) { return s.p == NULL && s.len == 0; }

static void record(char who, int ev, struct mg_mqtt_message *m) {
  if (m != NULL && who != 's' &&
      !(zero_str(m->protocol_name) && zero_str(m->client_id) && zero_str(m->will_topic) && zero_str(m->will_message) &&
        zero_str(m->user_name) && zero_str(m->password)))
    nunzeroed++;
  if (ncalls >= 32) return;
  calls[ncalls].who = who;
  calls[ncalls].ev = ev;
  calls[ncalls].topic[0] = 0;
  if (m != NULL && m->topic.p != NULL) cpy(calls[ncalls].topic, sizeof(calls[0].topic), RT_BYTES((uint8_t *)(uintptr_t)m->topic.p, m->topic.len));
  ncalls++;
}
static int npolls;
static void on_global(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)nc;
  (void)ud;
  /* MG_EV_POLL (ev_data: the time, not a message) is counted apart. */
  if (ev == MG_EV_POLL) {
    npolls++;
    return;
  }
  record('g', ev, (struct mg_mqtt_message *)ev_data);
}
static void on_topic(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)nc;
  (void)ud;
  record('t', ev, (struct mg_mqtt_message *)ev_data);
}
static void on_sub(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  struct mg_mqtt_message m;
  (void)nc;
  (void)ud;
  (void)msg;
  (void)msg_len;
  memset(&m, 0, sizeof(m));
  m.topic = mg_mk_str_n(topic, (size_t)topic_len);
  record('s', MG_EV_MQTT_PUBLISH, &m);
}

/* ---- tests ---- */
void setUp(void) { ncalls = 0; }
void tearDown(void) {}

static void test_constants_and_helpers(void) {
  TEST_ASSERT_EQUAL_INT(5, MG_EV_CLOSE);
  TEST_ASSERT_EQUAL_INT(202, MG_EV_MQTT_CONNACK);
  TEST_ASSERT_EQUAL_INT(203, MG_EV_MQTT_PUBLISH);
  TEST_ASSERT_EQUAL_INT(209, MG_EV_MQTT_SUBACK);
  TEST_ASSERT_EQUAL_INT(211, MG_EV_MQTT_UNSUBACK);
  TEST_ASSERT_EQUAL_INT(4, MG_MQTT_QOS(2));
  TEST_ASSERT_EQUAL_INT(1, MG_MQTT_GET_QOS(MG_MQTT_QOS(1) | MG_MQTT_RETAIN));
  TEST_ASSERT_EQUAL_INT(0x80, MG_MQTT_HAS_USER_NAME);
  TEST_ASSERT_EQUAL_INT(('M' << 24 | 'O' << 16 | 'S' << 8) + 4, MGOS_EVENT_CLOUD_CONNECTED);
  TEST_ASSERT_EQUAL_INT(0, MGOS_CLOUD_MQTT);
  struct mg_str s = mg_mk_str("abc");
  TEST_ASSERT_EQUAL_UINT(3, s.len);
  TEST_ASSERT_EQUAL_INT(1, mg_mqtt_match_topic_expression(mg_mk_str("a/+/c"), mg_mk_str("a/b/c")));
  TEST_ASSERT_EQUAL_INT(0, mg_mqtt_match_topic_expression(mg_mk_str("a/+"), mg_mk_str("a/b/c")));
  TEST_ASSERT_EQUAL_INT(1, mg_mqtt_match_topic_expression(mg_mk_str("a/#"), mg_mk_str_n("a/zzz", 1)));
}

/* Reconnect timeouts: seconds (double) to ms by integer arithmetic on the
 * IEEE-754 bits (no soft float on the device), rounded to the nearest ms. */
static void test_sec_to_ms(void) {
  TEST_ASSERT_EQUAL_UINT32(2000, conn_secToMs(2.0));
  TEST_ASSERT_EQUAL_UINT32(60000, conn_secToMs(60.0));
  TEST_ASSERT_EQUAL_UINT32(100, conn_secToMs(0.1));
  TEST_ASSERT_EQUAL_UINT32(300, conn_secToMs(0.3)); /* 0.29999.. in binary: rounded, not truncated */
  TEST_ASSERT_EQUAL_UINT32(1500, conn_secToMs(1.5));
  TEST_ASSERT_EQUAL_UINT32(2, conn_secToMs(0.0015));
  TEST_ASSERT_EQUAL_UINT32(1, conn_secToMs(0.0004)); /* below 1 ms: the minimum */
  TEST_ASSERT_EQUAL_UINT32(1, conn_secToMs(0.0));
  TEST_ASSERT_EQUAL_UINT32(1, conn_secToMs(-3.0));
  TEST_ASSERT_EQUAL_UINT32(86400000u, conn_secToMs(86400.0));
  TEST_ASSERT_EQUAL_UINT32(4294967000u, conn_secToMs(4294967.0));
  TEST_ASSERT_EQUAL_UINT32(4294967295u, conn_secToMs(4294968.0)); /* saturates */
  TEST_ASSERT_EQUAL_UINT32(4294967295u, conn_secToMs(1e300));
  for (uint32_t ms = 1; ms < 200000; ms += 7) TEST_ASSERT_EQUAL_UINT32(ms, conn_secToMs((double) ms / 1000.0));
}

/* The session's log lines as conn formats them in C: "<msg>: <detail> (<num>)",
 * unprintable bytes as '.', the detail cut at 64 bytes, numbers in decimal
 * with their sign (written right to left), each part only when present. */
static void test_session_log_format(void) {
  Session *s = &mgos_mqtt_get_global()->session;
  static const struct { int32_t num; const char *want; } nums[] = {
      {7, "m: d (7)"}, {10, "m: d (10)"}, {65535, "m: d (65535)"}, {1000000000, "m: d (1000000000)"},
      {2147483647, "m: d (2147483647)"}, {-3, "m: d (-3)"}, {INT32_MIN, "m: d (-2147483648)"}};
  uint8_t d[100];
  char want[160];
  for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
    s->onLog(s, 0, "m", RT_BYTES((uint8_t *) "d", 1), nums[i].num);
    TEST_ASSERT_EQUAL_STRING(nums[i].want, last_line);
  }
  s->onLog(s, 0, "m", RT_NOBYTES, 0);
  TEST_ASSERT_EQUAL_STRING("m", last_line);
  s->onLog(s, 0, "m", RT_NOBYTES, 42);
  TEST_ASSERT_EQUAL_STRING("m (42)", last_line);
  s->onLog(s, 0, "m", RT_BYTES((uint8_t *) "a\x01\x7f\xc3\xa9~ z", 8), 0);
  TEST_ASSERT_EQUAL_STRING("m: a....~ z", last_line);
  /* A long detail: its first 64 bytes, then the number. */
  for (size_t i = 0; i < sizeof(d); i++) d[i] = (uint8_t) ('A' + i % 26);
  snprintf(want, sizeof(want), "m: %.64s (-2147483648)", (const char *) d);
  s->onLog(s, 0, "m", RT_BYTES(d, sizeof(d)), INT32_MIN);
  TEST_ASSERT_EQUAL_STRING(want, last_line);
}

static void test_backoff_and_failover(void) {
  uint32_t t, want[] = {1000, 2000, 4000};
  int i;
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.enable=true"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.server=main:1883"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_min=1"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_max=4"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt1.enable=true"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt1.server=[::1]:1884"));
  mgos_mqtt_add_global_handler(on_global, NULL);
  TEST_ASSERT_TRUE(mgos_mqtt_init());
  t = next_connect(1000);
  TEST_ASSERT_EQUAL_STRING("main", last_host);
  TEST_ASSERT_EQUAL_UINT(1883, last_port);
  for (i = 0; i < 3; i++) {
    mgos_mqtt_port_on_connect(0, false, -111);
    uint32_t t2 = next_connect(10000);
    assert_near(want[i], t2 - t);
    TEST_ASSERT_EQUAL_STRING("main", last_host);
    t = t2;
  }
  /* Waited the max (4 s) and failed again: the backup, after its min (2 s). */
  mgos_mqtt_port_on_connect(0, false, -111);
  uint32_t t2 = next_connect(10000);
  assert_near(2000, t2 - t);
  TEST_ASSERT_EQUAL_STRING("::1", last_host);
  TEST_ASSERT_EQUAL_UINT(1884, last_port);
  TEST_ASSERT_EQUAL_INT(0, ncalls); /* no handler saw any of it */
  /* The backup answers. */
  accept_slot(0);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_CONNECT, sent[0].type);
  connack(0, 0);
  TEST_ASSERT_TRUE(mgos_mqtt_global_is_connected());
  TEST_ASSERT_NOT_NULL(mgos_mqtt_get_global_conn());
  TEST_ASSERT_EQUAL_INT(MGOS_EVENT_CLOUD_CONNECTED, last_cloud_ev);
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT(MG_EV_MQTT_CONNACK, calls[0].ev);
}

static void test_dispatch(void) {
  mgos_mqtt_global_subscribe(mg_mk_str("a/+"), on_topic, NULL);
  mgos_mqtt_sub("a/#", on_sub, NULL);
  TEST_ASSERT_EQUAL_INT(2, pull(0));
  TEST_ASSERT_EQUAL_STRING("a/+", sent[0].topic);
  TEST_ASSERT_EQUAL_UINT(1, sent[0].sub_qos);
  uint16_t sub1 = sent[0].id, sub2 = sent[1].id;
  suback(0, sub1, 1);
  suback(0, sub2, 1); /* a sub_handler_t's SUBACK is consumed silently */
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT('t', calls[0].who); /* its own SUBACK */
  TEST_ASSERT_EQUAL_INT(MG_EV_MQTT_SUBACK, calls[0].ev);
  ncalls = 0;
  bpublish(0, "a/b", "x", 0, 0);
  TEST_ASSERT_EQUAL_INT(2, ncalls);
  TEST_ASSERT_EQUAL_INT('t', calls[0].who);
  TEST_ASSERT_EQUAL_STRING("a/b", calls[0].topic);
  TEST_ASSERT_EQUAL_INT('s', calls[1].who);
  ncalls = 0;
  bpublish(0, "zz", "x", 1, 9);
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT('g', calls[0].who);
  TEST_ASSERT_EQUAL_STRING("zz", calls[0].topic);
  /* As the reference: no topic handler took it, so acknowledging it is the
   * global handler's job (mg_mqtt_puback); the library sends nothing. */
  TEST_ASSERT_EQUAL_INT(0, pull(0));
  /* A QoS 1 message a topic handler took: the library's PUBACK. */
  bpublish(0, "a/c", "x", 1, 10);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_PUBACK, sent[0].type);
  TEST_ASSERT_EQUAL_UINT(10, sent[0].id);
  /* QoS 2 the same way: PUBREC and PUBCOMP from the library for a topic
   * handler's message, nothing for a global handler's (its PUBREL too). */
  bpublish(0, "a/d", "x", 2, 12);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_PUBREC, sent[0].type);
  back(0, PacketType_PUBREL, 12);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_PUBCOMP, sent[0].type);
  TEST_ASSERT_EQUAL_UINT(12, sent[0].id);
  bpublish(0, "zz", "x", 2, 11);
  TEST_ASSERT_EQUAL_INT(0, pull(0));
  back(0, PacketType_PUBREL, 11);
  TEST_ASSERT_EQUAL_INT(0, pull(0));
  TEST_ASSERT_EQUAL_INT(0, nunzeroed);
}

static void test_publish_acks_and_max_qos(void) {
  uint16_t id = mgos_mqtt_pub("out/1", "hello", 5, 1, false);
  TEST_ASSERT_NOT_EQUAL(0, id);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_PUBLISH, sent[0].type);
  TEST_ASSERT_EQUAL_UINT(1, sent[0].qos);
  TEST_ASSERT_EQUAL_UINT(id, sent[0].id);
  back(0, PacketType_PUBACK, id);
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT('g', calls[0].who);
  TEST_ASSERT_EQUAL_INT(MG_EV_MQTT_PUBACK, calls[0].ev);
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_num_unsent_bytes());
  mgos_mqtt_set_max_qos(0);
  TEST_ASSERT_NOT_EQUAL(0, mgos_mqtt_pub("out/2", "x", 1, 2, true));
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(0, sent[0].qos);
  mgos_mqtt_set_max_qos(2);
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub("out/3", "x", 1, 3, false)); /* QoS 3: rejected */
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_INVALID, mgos_mqtt_get_last_error());
}

/* The delivery rule's argument checks in compat.c and set_max_qos's -1. */
static void test_bad_arguments(void) {
  static const char buf[8] = "payload";
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub("out/n", NULL, 5, 1, false)); /* never an empty message instead */
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_INVALID, mgos_mqtt_get_last_error());
  TEST_ASSERT_EQUAL_STRING("publish: message is NULL with a non-zero length: ", last_log);
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub(NULL, buf, 1, 1, false));
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_INVALID, mgos_mqtt_get_last_error());
  TEST_ASSERT_EQUAL_STRING("invalid topic", last_log); /* the session's refusal of "" */
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub(NULL, NULL, 1, 1, false));
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_INVALID, mgos_mqtt_get_last_error());
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub("out/q", buf, 1, -1, false));
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_INVALID, mgos_mqtt_get_last_error());
  TEST_ASSERT_EQUAL_STRING("bad QoS", last_log);
  /* Over MQTT's 256 MiB; and, where size_t has 64 bits, 4 GiB + 7, which a
   * 32-bit cut would turn into 7 bytes. Refused from the length: never read. */
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub("out/n", buf, (size_t) 268435456u, 1, false));
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_TOO_BIG, mgos_mqtt_get_last_error());
#if SIZE_MAX > 0xffffffffu
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_pub("out/n", buf, ((size_t) 1 << 32) + 7u, 1, false));
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_TOO_BIG, mgos_mqtt_get_last_error());
#endif
  TEST_ASSERT_EQUAL_INT(0, pull(0));
  /* -1: no override (the config's max_qos 2), not QoS 0; 7: refused, unchanged. */
  mgos_mqtt_set_max_qos(1);
  mgos_mqtt_set_max_qos(7);
  uint16_t id = mgos_mqtt_pub("out/m", "x", 1, 2, false);
  TEST_ASSERT_NOT_EQUAL(0, id);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(1, sent[0].qos);
  back(0, PacketType_PUBACK, id);
  mgos_mqtt_set_max_qos(-1);
  id = mgos_mqtt_pub("out/m", "x", 1, 2, false);
  TEST_ASSERT_NOT_EQUAL(0, id);
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(2, sent[0].qos);
  TEST_ASSERT_EQUAL_INT(MGOS_MQTT_ERR_OK, mgos_mqtt_get_last_error());
  back(0, PacketType_PUBREC, id);
  TEST_ASSERT_EQUAL_INT(1, pull(0)); /* PUBREL */
  back(0, PacketType_PUBCOMP, id);
  TEST_ASSERT_EQUAL_UINT(0, mgos_mqtt_num_unsent_bytes());
}

static void test_unsub(void) {
  TEST_ASSERT_FALSE(mgos_mqtt_unsub("not/subscribed"));
  TEST_ASSERT_TRUE(mgos_mqtt_unsub("a/+"));
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_UNSUBSCRIBE, sent[0].type);
  TEST_ASSERT_EQUAL_STRING("a/+", sent[0].topic);
  back(0, PacketType_UNSUBACK, sent[0].id);
  ncalls = 0;
  bpublish(0, "a/b", "x", 0, 0);
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT('s', calls[0].who); /* only a/# is left */
}

/* As the AWS shadow: a raw mg_mqtt_subscribe of two topics with an id of its
 * own on every CONNACK, the SUBACK matched against that id. */
static uint16_t raw_id;
static int raw_subacks;
static void raw_sub_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *)ev_data;
  (void)ud;
  if (ev == MG_EV_MQTT_CONNACK) {
    struct mg_mqtt_topic_expression te[2];
    te[0].topic = "raw/a";
    te[0].qos = 1;
    te[1].topic = "raw/b";
    te[1].qos = 0;
    raw_id = mgos_mqtt_get_packet_id();
    mg_mqtt_subscribe(nc, te, 2, raw_id);
  }
  if (ev == MG_EV_MQTT_SUBACK && m->message_id == raw_id) raw_subacks++;
}

static void test_poll_reaches_global_handlers(void) {
  int p0 = npolls;
  /* MG_EV_POLL: every poll of a live connection reaches the global handlers. */
  mgos_mqtt_port_poll(now_ms);
  TEST_ASSERT_TRUE_MESSAGE(npolls > p0, "MG_EV_POLL reached the global handler");
}

static void test_raw_subscribe_across_reconnects(void) {
  int i, k, n, mine;
  mgos_mqtt_add_global_handler(raw_sub_ev, NULL);
  /* Six reconnects: the raw subscriptions are not kept, so they never fill the table. */
  for (i = 0; i < 6; i++) {
    open_slot[0] = false;
    mgos_mqtt_port_on_close(0, 0);
    next_connect(10000);
    accept_slot(0);
    TEST_ASSERT_EQUAL_INT(1, pull(0));
    connack(0, 0);
    n = pull(0);
    mine = 0;
    for (k = 0; k < n; k++) {
      TEST_ASSERT_EQUAL_UINT(PacketType_SUBSCRIBE, sent[k].type);
      if (sent[k].id == raw_id) {
        mine++;
        TEST_ASSERT_EQUAL_STRING("raw/a", sent[k].topic);
      } else {
        suback(0, sent[k].id, 1);
      }
    }
    /* One SUBSCRIBE with the caller's id (both topics), plus the library's own a/#. */
    TEST_ASSERT_EQUAL_INT(1, mine);
    TEST_ASSERT_EQUAL_INT(2, n);
    suback(0, raw_id, 1);
    TEST_ASSERT_EQUAL_INT(i + 1, raw_subacks);
  }
}

static void test_packet_id_wraps(void) {
  uint16_t prev = mgos_mqtt_get_packet_id();
  bool wrapped = false;
  long i;
  for (i = 0; i < 70000; i++) {
    uint16_t id = mgos_mqtt_get_packet_id();
    TEST_ASSERT_NOT_EQUAL(0, id);
    if (id != (uint16_t)(prev + 1u)) {
      TEST_ASSERT_EQUAL_UINT(0xffff, prev);
      TEST_ASSERT_EQUAL_UINT(1, id);
      wrapped = true;
    }
    prev = id;
  }
  TEST_ASSERT_TRUE(wrapped);
}

static int connect_fn_calls;
static void my_connect_fn(struct mg_connection *nc, const char *client_id, struct mg_send_mqtt_handshake_opts *opts, void *arg) {
  struct mg_send_mqtt_handshake_opts o = *opts;
  (void)arg;
  connect_fn_calls++;
  o.user_name = "fn-user";
  o.password = "fn-pass";
  mg_send_mqtt_handshake_opt(nc, client_id, o);
}

static void test_second_connection_with_connect_fn(void) {
  static struct mgos_config_mqtt cfg; /* the library keeps pointers to its strings */
  cfg = *mgos_sys_config_get_mqtt();
  cfg.enable = true;
  cfg.server = "second:2000";
  cfg.client_id = "c2";
  struct mgos_mqtt_conn *c = mgos_mqtt_conn_create2(7, &cfg, NULL);
  TEST_ASSERT_NOT_NULL(c);
  mgos_mqtt_conn_set_connect_fn(c, my_connect_fn, NULL);
  next_connect(1000);
  TEST_ASSERT_EQUAL_STRING("second", last_host);
  TEST_ASSERT_EQUAL_UINT(2000, last_port);
  accept_slot(1);
  TEST_ASSERT_EQUAL_INT(1, connect_fn_calls);
  TEST_ASSERT_EQUAL_INT(1, pull(1));
  TEST_ASSERT_EQUAL_UINT(PacketType_CONNECT, sent[0].type);
  TEST_ASSERT_EQUAL_STRING("fn-user", sent[0].user);
  connack(1, 0);
  TEST_ASSERT_TRUE(mgos_mqtt_conn_is_connected(c));
  TEST_ASSERT_NOT_EQUAL(0, mgos_mqtt_conn_pub(c, "two", mg_mk_str("p"), 1, false));
  TEST_ASSERT_EQUAL_INT(1, pull(1));
  TEST_ASSERT_EQUAL_STRING("two", sent[0].topic);
  TEST_ASSERT_EQUAL_INT(0, ncalls); /* the global connection's handlers saw nothing */
  /* Stop it, so its keepalive does not reconnect during the next test. */
  mgos_mqtt_conn_disconnect(c);
  TEST_ASSERT_EQUAL_INT(1, pull(1));
  TEST_ASSERT_EQUAL_UINT(PacketType_DISCONNECT, sent[0].type);
  TEST_ASSERT_FALSE(mgos_mqtt_conn_is_connected(c));
}

static void test_disconnect_stops_reconnecting(void) {
  int n;
  mgos_mqtt_global_disconnect();
  TEST_ASSERT_EQUAL_INT(1, pull(0));
  TEST_ASSERT_EQUAL_UINT(PacketType_DISCONNECT, sent[0].type);
  TEST_ASSERT_FALSE(open_slot[0]);
  TEST_ASSERT_EQUAL_INT(1, ncalls);
  TEST_ASSERT_EQUAL_INT(MG_EV_CLOSE, calls[0].ev);
  TEST_ASSERT_EQUAL_INT(MGOS_EVENT_CLOUD_DISCONNECTED, last_cloud_ev);
  TEST_ASSERT_FALSE(mgos_mqtt_global_is_connected());
  TEST_ASSERT_NULL(mgos_mqtt_get_global_conn());
  n = nconnects;
  for (int i = 0; i < 200; i++) {
    now_ms += mgos_mqtt_port_poll(now_ms);
  }
  TEST_ASSERT_EQUAL_INT(n, nconnects);
  TEST_ASSERT_TRUE(mgos_mqtt_global_connect());
  TEST_ASSERT_EQUAL_INT(n + 1, nconnects);
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_constants_and_helpers);
  RUN_TEST(test_sec_to_ms);
  RUN_TEST(test_session_log_format);
  RUN_TEST(test_backoff_and_failover);
  RUN_TEST(test_dispatch);
  RUN_TEST(test_publish_acks_and_max_qos);
  RUN_TEST(test_bad_arguments);
  RUN_TEST(test_unsub);
  RUN_TEST(test_poll_reaches_global_handlers);
  RUN_TEST(test_raw_subscribe_across_reconnects);
  RUN_TEST(test_packet_id_wraps);
  RUN_TEST(test_second_connection_with_connect_fn);
  RUN_TEST(test_disconnect_stops_reconnecting);
  return UNITY_END();
}
