/* The MQTT 3.1.1 codec as generated C (components/mgos_mqtt/gen/codec.c),
 * the same checks as test/mqtt/codec.test.ts runs under Node: round trips of
 * every packet type, remaining-length boundaries, one crafted packet per
 * rejection reason, input split at every byte, several packets in a buffer,
 * encoders refusing buffers that are too small. Buffers are static: the same
 * program runs on a Cortex-M3 under QEMU. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "unity.h"
#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "packet.h"

#define NOLIMIT 0xffffffffu

static Packet pkt;
static uint8_t out[20000];
static uint8_t in[20000];
static uint8_t stream[1024];

void setUp(void) {
  memset(&pkt, 0xa5, sizeof(pkt)); /* decode must not rely on a clean Packet */
  memset(out, 0, sizeof(out));
}
void tearDown(void) {}

static rt_bytes B(const char *s) {
  rt_bytes b;
  b.p = (uint8_t *) (uintptr_t) s;
  b.len = (uint32_t) strlen(s);
  return b;
}

static rt_bytes view(uint8_t *p, uint32_t n) {
  rt_bytes b;
  b.p = p;
  b.len = n;
  return b;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Hex (spaces ignored) into `in`; "__" as the second byte stands for the
 * one-byte remaining length of what follows. Returns the byte count. */
static uint32_t hex(const char *h) {
  uint32_t n = 0;
  int fill = -1;
  while (*h) {
    if (*h == ' ') { h++; continue; }
    if (h[0] == '_' && h[1] == '_') {
      fill = (int) n;
      in[n++] = 0;
    } else {
      TEST_ASSERT_TRUE_MESSAGE(hexval(h[0]) >= 0 && hexval(h[1]) >= 0, h);
      in[n++] = (uint8_t) (hexval(h[0]) * 16 + hexval(h[1]));
    }
    h += 2;
  }
  if (fill >= 0) in[fill] = (uint8_t) (n - (uint32_t) fill - 1u);
  return n;
}

static void assert_view(const char *want, rt_bytes got) {
  TEST_ASSERT_EQUAL_UINT32_MESSAGE(strlen(want), got.len, want);
  if (got.len) TEST_ASSERT_EQUAL_MEMORY_MESSAGE(want, got.p, got.len, want);
}

static void default_connect(ConnectOptions *o) {
  memset(o, 0, sizeof(*o));
  o->cleanSession = true;
  o->keepAlive = 60;
}

/* ---------------------------------------------------------------- round trips */

static void test_connect_minimal_exact_bytes(void) {
  static const uint8_t want[] = {0x10, 0x10, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, 4, 'd', 'e', 'v', '1'};
  ConnectOptions o;
  default_connect(&o);
  o.clientId = B("dev1");
  TEST_ASSERT_EQUAL_UINT32(sizeof(want), codec_encodeConnect(view(out, sizeof(out)), &o));
  TEST_ASSERT_EQUAL_MEMORY(want, out, sizeof(want));
}

static void test_connect_round_trip(void) {
  ConnectOptions o;
  uint32_t n;
  default_connect(&o);
  o.clientId = B("dev");
  o.willTopic = B("last/will");
  o.willMessage = B("gone");
  o.willQos = 1;
  o.willRetain = true;
  o.userName = B("user");
  o.password = B("secret");
  o.keepAlive = 300;
  n = codec_encodeConnect(view(out, sizeof(out)), &o);
  TEST_ASSERT_GREATER_THAN(0, n);
  TEST_ASSERT_EQUAL_INT32((int32_t) n, codec_broker_decode(view(out, n), NOLIMIT, false, &pkt));
  TEST_ASSERT_EQUAL_UINT8(PacketType_CONNECT, pkt.type);
  TEST_ASSERT_EQUAL_UINT8(4, pkt.protocolLevel);
  TEST_ASSERT_EQUAL_HEX8(0x80 | 0x40 | 0x20 | (1 << 3) | 0x04 | 0x02, pkt.connectFlags);
  TEST_ASSERT_EQUAL_UINT16(300, pkt.keepAlive);
  assert_view("dev", pkt.clientId);
  assert_view("last/will", pkt.willTopic);
  assert_view("gone", pkt.willMessage);
  assert_view("user", pkt.userName);
  assert_view("secret", pkt.password);
  /* Refused: password without user, will QoS 3, wildcard will topic. */
  default_connect(&o);
  o.password = B("p");
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeConnect(view(out, sizeof(out)), &o));
  default_connect(&o);
  o.willTopic = B("w");
  o.willQos = 3;
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeConnect(view(out, sizeof(out)), &o));
  o.willQos = 0;
  o.willTopic = B("a/+");
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeConnect(view(out, sizeof(out)), &o));
}

static void test_connack_codes(void) {
  uint8_t code;
  for (code = 0; code <= 5; code++) {
    TEST_ASSERT_EQUAL_UINT32(4, codec_broker_encodeConnack(view(out, sizeof(out)), code == 0, code));
    TEST_ASSERT_EQUAL_HEX8(0x20, out[0]);
    TEST_ASSERT_EQUAL_INT32(4, codec_broker_decode(view(out, 4), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_UINT8(PacketType_CONNACK, pkt.type);
    TEST_ASSERT_EQUAL_UINT8(code, pkt.returnCode);
    TEST_ASSERT_EQUAL(code == 0, pkt.sessionPresent);
  }
  TEST_ASSERT_EQUAL_UINT32(0, codec_broker_encodeConnack(view(out, sizeof(out)), false, 6));
  TEST_ASSERT_EQUAL_UINT32(0, codec_broker_encodeConnack(view(out, sizeof(out)), true, 1));
}

static void test_publish_round_trip(void) {
  static const uint8_t payload[] = {0x00, 0xff, 0x7f, 0x80, 'x'};
  uint8_t qos;
  for (qos = 0; qos <= 2; qos++) {
    uint32_t n = codec_encodePublish(view(out, sizeof(out)), B("a/b/\xc3\xbc"), view((uint8_t *) (uintptr_t) payload, sizeof(payload)),
                                     qos, true, qos > 0, (uint16_t) (qos ? 0xbeef : 0));
    TEST_ASSERT_EQUAL_UINT32(codec_publishSize(6, sizeof(payload), qos), n);
    TEST_ASSERT_EQUAL_HEX8(0x30 | (qos ? 0x08 : 0) | (qos << 1) | 1, out[0]);
    TEST_ASSERT_EQUAL_INT32((int32_t) n, codec_broker_decode(view(out, n), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_UINT8(PacketType_PUBLISH, pkt.type);
    TEST_ASSERT_EQUAL_UINT8(qos, pkt.qos);
    TEST_ASSERT_TRUE(pkt.retain);
    TEST_ASSERT_EQUAL(qos > 0, pkt.dup);
    TEST_ASSERT_EQUAL_UINT16(qos ? 0xbeef : 0, pkt.packetId);
    assert_view("a/b/\xc3\xbc", pkt.topic);
    TEST_ASSERT_EQUAL_UINT32(sizeof(payload), pkt.payload.len);
    TEST_ASSERT_EQUAL_MEMORY(payload, pkt.payload.p, sizeof(payload));
    /* The views point into the input. */
    TEST_ASSERT_EQUAL_PTR(out + n - sizeof(payload), pkt.payload.p);
  }
  /* Exact bytes: QoS 1, id 10. */
  {
    static const uint8_t want[] = {0x32, 0x09, 0, 3, 'a', '/', 'b', 0, 10, 'h', 'i'};
    TEST_ASSERT_EQUAL_UINT32(sizeof(want), codec_encodePublish(view(out, sizeof(out)), B("a/b"), B("hi"), 1, false, false, 10));
    TEST_ASSERT_EQUAL_MEMORY(want, out, sizeof(want));
  }
  /* Refused: QoS 3, id 0 at QoS 1, DUP at QoS 0, empty or wildcard topic. */
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, sizeof(out)), B("t"), B("x"), 3, false, false, 1));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, sizeof(out)), B("t"), B("x"), 1, false, false, 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, sizeof(out)), B("t"), B("x"), 0, false, true, 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, sizeof(out)), B(""), B("x"), 0, false, false, 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, sizeof(out)), B("a/#"), B("x"), 0, false, false, 0));
}

static void test_acks(void) {
  static const uint8_t types[] = {PacketType_PUBACK, PacketType_PUBREC, PacketType_PUBREL, PacketType_PUBCOMP, PacketType_UNSUBACK};
  static const uint8_t firsts[] = {0x40, 0x50, 0x62, 0x70, 0xb0};
  unsigned i;
  for (i = 0; i < sizeof(types); i++) {
    TEST_ASSERT_EQUAL_UINT32(4, codec_encodeAck(view(out, sizeof(out)), types[i], 0x1234));
    TEST_ASSERT_EQUAL_HEX8(firsts[i], out[0]);
    TEST_ASSERT_EQUAL_HEX8(2, out[1]);
    TEST_ASSERT_EQUAL_HEX8(0x12, out[2]);
    TEST_ASSERT_EQUAL_HEX8(0x34, out[3]);
    TEST_ASSERT_EQUAL_INT32(4, codec_broker_decode(view(out, 4), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_UINT8(types[i], pkt.type);
    TEST_ASSERT_EQUAL_UINT16(0x1234, pkt.packetId);
    TEST_ASSERT_EQUAL_UINT32(0, codec_encodeAck(view(out, sizeof(out)), types[i], 0));
    TEST_ASSERT_EQUAL_UINT32(0, codec_encodeAck(view(out, 3), types[i], 1));
  }
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeAck(view(out, sizeof(out)), PacketType_PUBLISH, 1));
}

static void test_subscribe_unsubscribe_suback(void) {
  uint32_t n = codec_encodeSubscribe(view(out, sizeof(out)), 42, B("sport/+/#"), 2);
  static const uint8_t sub[] = {0x82, 14, 0, 42, 0, 9, 's', 'p', 'o', 'r', 't', '/', '+', '/', '#', 2};
  TEST_ASSERT_EQUAL_UINT32(sizeof(sub), n);
  TEST_ASSERT_EQUAL_MEMORY(sub, out, sizeof(sub));
  TEST_ASSERT_EQUAL_INT32((int32_t) n, codec_broker_decode(view(out, n), NOLIMIT, false, &pkt));
  TEST_ASSERT_EQUAL_UINT8(PacketType_SUBSCRIBE, pkt.type);
  TEST_ASSERT_EQUAL_UINT16(42, pkt.packetId);
  TEST_ASSERT_EQUAL_UINT32(12, pkt.body.len);
  TEST_ASSERT_EQUAL_INT32(-DecodeErr_NOT_FOR_CLIENT, codec_broker_decode(view(out, n), NOLIMIT, true, &pkt));

  n = codec_encodeUnsubscribe(view(out, sizeof(out)), 43, B("a/b"));
  TEST_ASSERT_EQUAL_UINT32(9, n);
  TEST_ASSERT_EQUAL_HEX8(0xa2, out[0]);
  TEST_ASSERT_EQUAL_INT32(9, codec_broker_decode(view(out, n), NOLIMIT, false, &pkt));
  TEST_ASSERT_EQUAL_UINT16(43, pkt.packetId);

  n = codec_broker_encodeSuback(view(out, sizeof(out)), 42, view((uint8_t *) (uintptr_t) "\x00\x01\x02\x80", 4));
  TEST_ASSERT_EQUAL_UINT32(8, n);
  TEST_ASSERT_EQUAL_INT32(8, codec_broker_decode(view(out, n), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_UINT8(PacketType_SUBACK, pkt.type);
  TEST_ASSERT_EQUAL_UINT32(4, pkt.codes.len);
  TEST_ASSERT_EQUAL_MEMORY("\x00\x01\x02\x80", pkt.codes.p, 4);

  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeSubscribe(view(out, sizeof(out)), 0, B("a"), 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeSubscribe(view(out, sizeof(out)), 1, B("a"), 3));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeSubscribe(view(out, sizeof(out)), 1, B("a/#/b"), 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeUnsubscribe(view(out, sizeof(out)), 1, B("a+")));
  TEST_ASSERT_EQUAL_UINT32(0, codec_broker_encodeSuback(view(out, sizeof(out)), 1, B("\x03")));
}

static void test_simple_packets(void) {
  TEST_ASSERT_EQUAL_UINT32(2, codec_encodeSimple(view(out, sizeof(out)), PacketType_PINGREQ));
  TEST_ASSERT_EQUAL_HEX8(0xc0, out[0]);
  TEST_ASSERT_EQUAL_INT32(-DecodeErr_NOT_FOR_CLIENT, codec_broker_decode(view(out, 2), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_INT32(2, codec_broker_decode(view(out, 2), NOLIMIT, false, &pkt));
  TEST_ASSERT_EQUAL_UINT32(2, codec_encodeSimple(view(out, sizeof(out)), PacketType_PINGRESP));
  TEST_ASSERT_EQUAL_INT32(2, codec_broker_decode(view(out, 2), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_UINT8(PacketType_PINGRESP, pkt.type);
  TEST_ASSERT_EQUAL_UINT16(0, pkt.packetId);
  TEST_ASSERT_EQUAL_UINT32(0, pkt.topic.len);
  TEST_ASSERT_EQUAL_UINT32(2, codec_encodeSimple(view(out, sizeof(out)), PacketType_DISCONNECT));
  TEST_ASSERT_EQUAL_HEX8(0xe0, out[0]);
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeSimple(view(out, sizeof(out)), PacketType_PUBACK));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeSimple(view(out, 1), PacketType_PINGREQ));
}

/* ---------------------------------------------------------------- remaining length */

static void test_remaining_length_boundaries(void) {
  static const uint32_t values[] = {0, 127, 128, 16383, 16384, 2097151, 2097152, 268435455};
  static const char *const encs[] = {"00", "7f", "8001", "ff7f", "808001", "ffff7f", "80808001", "ffffff7f"};
  unsigned i;
  for (i = 0; i < 8; i++) {
    uint32_t size = (uint32_t) strlen(encs[i]) / 2u, n;
    char h[16] = "30";
    TEST_ASSERT_EQUAL_UINT32(size, codec_remainingLengthSize(values[i]));
    TEST_ASSERT_EQUAL_UINT32(size, codec_encodeRemainingLength(view(out, sizeof(out)), 1, values[i]));
    strcat(h, encs[i]);
    n = hex(h);
    TEST_ASSERT_EQUAL_MEMORY(in + 1, out + 1, size);
    /* Header only: the decoder knows the size and waits for the body. */
    TEST_ASSERT_EQUAL_INT32(values[i] == 0 ? -DecodeErr_STRING_OVERRUN : 0, codec_broker_decode(view(in, n), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_UINT32(values[i], pkt.remLen);
    TEST_ASSERT_EQUAL_UINT32(1u + size + values[i], pkt.totalLen);
  }
  TEST_ASSERT_EQUAL_UINT32(0, codec_remainingLengthSize(268435456u));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeRemainingLength(view(out, sizeof(out)), 0, 268435456u));
  TEST_ASSERT_EQUAL_UINT32(0, codec_encodeRemainingLength(view(out, 3), 0, 2097152u));
  /* Non-minimal forms are valid in 3.1.1; a fifth length byte is not. */
  TEST_ASSERT_EQUAL_INT32(3, codec_broker_decode(view(in, hex("d08000")), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_INT32(5, codec_broker_decode(view(in, hex("4082000005")), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_UINT16(5, pkt.packetId);
  TEST_ASSERT_EQUAL_INT32(-DecodeErr_LENGTH_TOO_LONG, codec_broker_decode(view(in, hex("30ffffffff")), NOLIMIT, true, &pkt));
  TEST_ASSERT_EQUAL_INT32(0, codec_broker_decode(view(in, hex("30ffffff")), NOLIMIT, true, &pkt));
}

static void test_whole_packets_at_length_boundaries(void) {
  static const uint32_t rems[] = {127, 128, 16383, 16384};
  unsigned i;
  for (i = 0; i < 4; i++) {
    uint32_t plen = rems[i] - 3u, k, size;
    for (k = 0; k < plen; k++) in[k] = (uint8_t) (k * 31u);
    size = codec_publishSize(1, plen, 0);
    TEST_ASSERT_EQUAL_UINT32(1u + codec_remainingLengthSize(rems[i]) + rems[i], size);
    TEST_ASSERT_EQUAL_UINT32(size, codec_encodePublish(view(out, sizeof(out)), B("t"), view(in, plen), 0, false, false, 0));
    TEST_ASSERT_EQUAL_UINT32(0, codec_encodePublish(view(out, size - 1u), B("t"), view(in, plen), 0, false, false, 0));
    TEST_ASSERT_EQUAL_INT32((int32_t) size, codec_broker_decode(view(out, size), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_UINT32(rems[i], pkt.remLen);
    TEST_ASSERT_EQUAL_MEMORY(in, pkt.payload.p, plen);
    TEST_ASSERT_EQUAL_INT32(0, codec_broker_decode(view(out, size - 1u), NOLIMIT, true, &pkt));
    TEST_ASSERT_EQUAL_INT32((int32_t) size, codec_broker_decode(view(out, size), size, true, &pkt));
    TEST_ASSERT_EQUAL_INT32(-DecodeErr_TOO_LARGE, codec_broker_decode(view(out, size), size - 1u, true, &pkt));
  }
  TEST_ASSERT_EQUAL_UINT32(1u + 4u + 268435455u, codec_publishSize(1, 268435455u - 3u, 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_publishSize(1, 268435455u - 2u, 0));
  TEST_ASSERT_EQUAL_UINT32(0, codec_publishSize(1, 0xffffffffu, 0));
}

static void test_too_large_from_header(void) {
  TEST_ASSERT_EQUAL_INT32(-DecodeErr_TOO_LARGE, codec_broker_decode(view(in, hex("30c801")), 100, true, &pkt));
  TEST_ASSERT_EQUAL_UINT32(203, pkt.totalLen);
  TEST_ASSERT_EQUAL_INT32(0, codec_broker_decode(view(in, hex("30c8")), 100, true, &pkt));
  TEST_ASSERT_EQUAL_INT32(-DecodeErr_TOO_LARGE, codec_broker_decode(view(in, hex("30ffffff7f")), 3072, true, &pkt));
}

/* ---------------------------------------------------------------- rejections */

typedef struct {
  const char *why;
  const char *hex;
  bool forClient;
  uint8_t err;
} Reject;

static const Reject rejects[] = {
  {"type 0", "0000", false, DecodeErr_BAD_TYPE},
  {"type 15", "f000", false, DecodeErr_BAD_TYPE},
  {"CONNACK flags", "21020000", true, DecodeErr_RESERVED_FLAGS},
  {"PUBREL flags 0", "60020001", true, DecodeErr_RESERVED_FLAGS},
  {"SUBSCRIBE flags 0", "800600010001 6100", false, DecodeErr_RESERVED_FLAGS},
  {"PINGRESP flags", "d800", true, DecodeErr_RESERVED_FLAGS},
  {"PUBLISH QoS 3", "36", true, DecodeErr_BAD_QOS},
  {"PUBLISH DUP at QoS 0", "38", true, DecodeErr_BAD_DUP},
  {"CONNECT to a client", "10", true, DecodeErr_NOT_FOR_CLIENT},
  {"DISCONNECT to a client", "e000", true, DecodeErr_NOT_FOR_CLIENT},
  {"length over 4 bytes", "3080808080", true, DecodeErr_LENGTH_TOO_LONG},
  {"PUBACK id 0", "40020000", true, DecodeErr_ZERO_PACKET_ID},
  {"PUBLISH QoS 1 id 0", "3205 000161 0000", true, DecodeErr_ZERO_PACKET_ID},
  {"SUBACK id 0", "9003000000", true, DecodeErr_ZERO_PACKET_ID},
  {"PUBACK length 3", "4003000100", true, DecodeErr_BAD_LENGTH},
  {"PINGRESP length 1", "d00100", true, DecodeErr_BAD_LENGTH},
  {"SUBACK without codes", "90020001", true, DecodeErr_BAD_LENGTH},
  {"PUBLISH QoS 1 without id", "3203 000161", true, DecodeErr_BAD_LENGTH},
  {"CONNECT trailing byte", "10__ 00044d515454 04 00 003c 0000 ff", false, DecodeErr_BAD_LENGTH},
  {"PUBLISH topic runs past the end", "3003 000561", true, DecodeErr_STRING_OVERRUN},
  {"PUBLISH empty body", "3000", true, DecodeErr_STRING_OVERRUN},
  {"CONNECT user name missing", "10__ 00044d515454 04 82 003c 0000", false, DecodeErr_STRING_OVERRUN},
  {"PUBLISH topic with U+0000", "3004 00026100", true, DecodeErr_BAD_UTF8},
  {"PUBLISH topic overlong", "3004 0002c0af", true, DecodeErr_BAD_UTF8},
  {"PUBLISH topic surrogate", "3005 0003eda080", true, DecodeErr_BAD_UTF8},
  {"PUBLISH topic above U+10FFFF", "3006 0004f4908080", true, DecodeErr_BAD_UTF8},
  {"PUBLISH topic with +", "3005 0003612f2b", true, DecodeErr_TOPIC_WILDCARD},
  {"PUBLISH topic with #", "3003 000123", true, DecodeErr_TOPIC_WILDCARD},
  {"PUBLISH empty topic", "3002 0000", true, DecodeErr_EMPTY_TOPIC},
  {"SUBSCRIBE empty filter", "8205 0001 0000 00", false, DecodeErr_EMPTY_TOPIC},
  {"CONNECT protocol MQIsdp", "10__ 00064d5149736470 03 02 003c 0000", false, DecodeErr_BAD_PROTOCOL},
  {"CONNACK reserved flag bit", "20020200", true, DecodeErr_BAD_CONNACK_FLAGS},
  {"CONNACK session present with refusal", "20020105", true, DecodeErr_BAD_CONNACK_FLAGS},
  {"CONNACK code 6", "20020006", true, DecodeErr_BAD_RETURN_CODE},
  {"SUBACK code 3", "9003000103", true, DecodeErr_BAD_SUBACK_CODE},
  {"CONNECT reserved flag", "10__ 00044d515454 04 03 003c 0000", false, DecodeErr_BAD_CONNECT_FLAGS},
  {"CONNECT password without user", "10__ 00044d515454 04 42 003c 0000 000170", false, DecodeErr_BAD_CONNECT_FLAGS},
  {"CONNECT will QoS 3", "10__ 00044d515454 04 1e 003c 0000 000177 0000", false, DecodeErr_BAD_QOS},
  {"SUBSCRIBE QoS 3", "8206 0001 000161 03", false, DecodeErr_BAD_QOS},
  {"SUBSCRIBE reserved QoS bits", "8206 0001 000161 04", false, DecodeErr_BAD_SUBSCRIBE_OPTIONS},
  {"SUBSCRIBE filter a/#/b", "820a 0001 0005612f232f62 00", false, DecodeErr_BAD_FILTER},
  {"SUBSCRIBE without filters", "82020001", false, DecodeErr_NO_FILTERS},
};

static void test_every_rejection(void) {
  unsigned i;
  for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
    const Reject *r = &rejects[i];
    uint32_t n = hex(r->hex), k;
    TEST_ASSERT_EQUAL_INT32_MESSAGE(-(int32_t) r->err, codec_broker_decode(view(in, n), NOLIMIT, r->forClient, &pkt), r->why);
    /* Every prefix is incomplete or rejected for the same reason. */
    for (k = 0; k < n; k++) {
      int32_t rk = codec_broker_decode(view(in, k), NOLIMIT, r->forClient, &pkt);
      TEST_ASSERT_TRUE_MESSAGE(rk == 0 || rk == -(int32_t) r->err, r->why);
    }
  }
}

static void test_err_names(void) {
  uint8_t e;
  TEST_ASSERT_EQUAL_STRING("ok", packet_decodeErrNameAll(DecodeErr_OK));
  TEST_ASSERT_EQUAL_STRING("packet id 0", packet_decodeErrNameAll(DecodeErr_ZERO_PACKET_ID));
  for (e = 1; e <= DecodeErr_BAD_SUBSCRIBE_OPTIONS; e++) {
    TEST_ASSERT_TRUE(strcmp(packet_decodeErrNameAll(e), "unknown decode error") != 0);
  }
  TEST_ASSERT_EQUAL_STRING("unknown decode error", packet_decodeErrNameAll(99));
}

/* ---------------------------------------------------------------- streaming */

/* One packet of every type, back to back in `stream`; returns the length and
 * the packet ends in ends[]. */
static uint32_t build_stream(uint32_t *ends, unsigned *count) {
  ConnectOptions o;
  uint32_t n = 0;
  unsigned c = 0;
  default_connect(&o);
  o.clientId = B("dev");
  o.willTopic = B("w");
  o.willMessage = B("bye");
  o.userName = B("u");
  n += codec_encodeConnect(view(stream + n, sizeof(stream) - n), &o); ends[c++] = n;
  n += codec_broker_encodeConnack(view(stream + n, sizeof(stream) - n), true, 0); ends[c++] = n;
  n += codec_encodePublish(view(stream + n, sizeof(stream) - n), B("a/b"), B("payload"), 0, true, false, 0); ends[c++] = n;
  n += codec_encodePublish(view(stream + n, sizeof(stream) - n), B("a/b"), B("q1"), 1, false, true, 3); ends[c++] = n;
  n += codec_encodePublish(view(stream + n, sizeof(stream) - n), B("q2"), B(""), 2, false, false, 0xffff); ends[c++] = n;
  n += codec_encodeAck(view(stream + n, sizeof(stream) - n), PacketType_PUBACK, 1); ends[c++] = n;
  n += codec_encodeAck(view(stream + n, sizeof(stream) - n), PacketType_PUBREC, 2); ends[c++] = n;
  n += codec_encodeAck(view(stream + n, sizeof(stream) - n), PacketType_PUBREL, 3); ends[c++] = n;
  n += codec_encodeAck(view(stream + n, sizeof(stream) - n), PacketType_PUBCOMP, 4); ends[c++] = n;
  n += codec_encodeSubscribe(view(stream + n, sizeof(stream) - n), 5, B("x/+/#"), 2); ends[c++] = n;
  n += codec_broker_encodeSuback(view(stream + n, sizeof(stream) - n), 5, B("\x02")); ends[c++] = n;
  n += codec_encodeUnsubscribe(view(stream + n, sizeof(stream) - n), 6, B("x/+/#")); ends[c++] = n;
  n += codec_encodeAck(view(stream + n, sizeof(stream) - n), PacketType_UNSUBACK, 6); ends[c++] = n;
  n += codec_encodeSimple(view(stream + n, sizeof(stream) - n), PacketType_PINGREQ); ends[c++] = n;
  n += codec_encodeSimple(view(stream + n, sizeof(stream) - n), PacketType_PINGRESP); ends[c++] = n;
  n += codec_encodeSimple(view(stream + n, sizeof(stream) - n), PacketType_DISCONNECT); ends[c++] = n;
  *count = c;
  return n;
}

static void test_several_packets_in_one_buffer(void) {
  uint32_t ends[16], off = 0;
  unsigned count, i;
  uint32_t n = build_stream(ends, &count);
  TEST_ASSERT_EQUAL_UINT(16, count);
  for (i = 0; i < count; i++) {
    int32_t r = codec_broker_decode(view(stream + off, n - off), NOLIMIT, false, &pkt);
    TEST_ASSERT_EQUAL_INT32((int32_t) (ends[i] - off), r);
    TEST_ASSERT_EQUAL_UINT8(stream[off] >> 4, pkt.type);
    off += (uint32_t) r;
  }
  TEST_ASSERT_EQUAL_UINT32(n, off);
}

/* A receiver as the session has one: append a chunk, decode in a loop,
 * move the rest to the front. Returns the number of packets decoded. */
static uint32_t rx_len;
static unsigned rx_feed(const uint8_t *chunk, uint32_t len, uint16_t *ids, unsigned got) {
  uint32_t start = 0;
  memcpy(in + rx_len, chunk, len);
  rx_len += len;
  for (;;) {
    int32_t r = codec_broker_decode(view(in + start, rx_len - start), NOLIMIT, false, &pkt);
    TEST_ASSERT_GREATER_OR_EQUAL(0, r);
    if (r == 0) break;
    ids[got++] = (uint16_t) ((pkt.type << 8) | (pkt.packetId & 0xff));
    start += (uint32_t) r;
  }
  memmove(in, in + start, rx_len - start);
  rx_len -= start;
  return got;
}

static void test_split_at_every_byte(void) {
  uint32_t ends[16], cut;
  unsigned count, i;
  uint32_t n = build_stream(ends, &count);
  uint16_t want[16], got[16];
  rx_len = 0;
  TEST_ASSERT_EQUAL_UINT(count, rx_feed(stream, n, want, 0));
  for (cut = 0; cut <= n; cut++) {
    unsigned k;
    rx_len = 0;
    k = rx_feed(stream, cut, got, 0);
    k = rx_feed(stream + cut, n - cut, got, k);
    TEST_ASSERT_EQUAL_UINT(count, k);
    TEST_ASSERT_EQUAL_MEMORY(want, got, sizeof(want[0]) * count);
    TEST_ASSERT_EQUAL_UINT32(0, rx_len);
  }
  /* Every proper prefix of each packet alone is incomplete. */
  for (i = 0; i < count; i++) {
    uint32_t start = i ? ends[i - 1] : 0, k;
    for (k = 0; k < ends[i] - start; k++) {
      TEST_ASSERT_EQUAL_INT32(0, codec_broker_decode(view(stream + start, k), NOLIMIT, false, &pkt));
    }
  }
}

static void test_encoders_write_nothing_when_short(void) {
  ConnectOptions o;
  uint32_t cap;
  default_connect(&o);
  o.clientId = B("dev");
  o.userName = B("u");
  o.password = B("p");
  for (cap = 0; cap < 23; cap++) {
    memset(out, 0xee, sizeof(out));
    TEST_ASSERT_EQUAL_UINT32(0, codec_encodeConnect(view(out, cap), &o));
    TEST_ASSERT_EQUAL_UINT32(0, cap < 12 ? codec_encodePublish(view(out, cap), B("a/b"), B("xyz"), 1, false, false, 3) : 0);
    TEST_ASSERT_EQUAL_UINT32(0, cap < 12 ? codec_encodeSubscribe(view(out, cap), 1, B("a/+/#"), 1) : 0);
    TEST_ASSERT_EQUAL_HEX8(0xee, out[0]);
    TEST_ASSERT_EQUAL_HEX8(0xee, out[cap ? cap - 1u : 0]);
  }
  TEST_ASSERT_EQUAL_UINT32(23, codec_encodeConnect(view(out, 23), &o));
  TEST_ASSERT_EQUAL_UINT32(12, codec_encodePublish(view(out, 12), B("a/b"), B("xyz"), 1, false, false, 3));
  TEST_ASSERT_EQUAL_UINT32(12, codec_encodeSubscribe(view(out, 12), 1, B("a/+/#"), 1));
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_connect_minimal_exact_bytes);
  RUN_TEST(test_connect_round_trip);
  RUN_TEST(test_connack_codes);
  RUN_TEST(test_publish_round_trip);
  RUN_TEST(test_acks);
  RUN_TEST(test_subscribe_unsubscribe_suback);
  RUN_TEST(test_simple_packets);
  RUN_TEST(test_remaining_length_boundaries);
  RUN_TEST(test_whole_packets_at_length_boundaries);
  RUN_TEST(test_too_large_from_header);
  RUN_TEST(test_every_rejection);
  RUN_TEST(test_err_names);
  RUN_TEST(test_several_packets_in_one_buffer);
  RUN_TEST(test_split_at_every_byte);
  RUN_TEST(test_encoders_write_nothing_when_short);
  return UNITY_END();
}
