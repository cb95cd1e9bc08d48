/* libFuzzer harness over the generated MQTT decoders: the test broker's
 * (test/support/gen/codec_broker.c) and, for forClient streams, the client's
 * own (gen/codec.c, from ts-src/mqtt/codec.ts), checked against it.
 *
 * Input: 3 header bytes, then a byte stream.
 *   byte 0, bit 0: forClient (reject the packets a server never sends)
 *   byte 1: which packet size limit (table below; two entries use byte 2)
 * The stream is decoded the way a client does: one packet per call, advancing
 * by the returned length, until need-more (0) or an error (< 0).
 *
 * Every decode gets its own exactly sized heap copy of the bytes, so ASan sees
 * any read past what the decoder was given. For each packet accepted:
 *   - the length is consistent (header + remLen == totalLen == returned value,
 *     within the limit), views point inside the packet;
 *   - every proper prefix of it decodes to "need more", never an error or a packet;
 *   - a limit one byte smaller gives TOO_LARGE; forClient rejects the types a
 *     server never sends;
 *   - re-encoding the fields with the codec's encoders gives the same first
 *     byte and the same body (the remaining-length field may differ: 3.1.1
 *     allows non-minimal forms, the encoder writes the minimal one), and an
 *     output buffer one byte short makes the encoder refuse (ASan watches that
 *     it writes nothing past the buffer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "fuzz_common.h"
#include "packet.h"
#include "topic.h"

/* Copies b into a heap block of exactly b.len bytes (one byte for an empty view,
 * so the pointer is never NULL). */
static rt_bytes dup_exact(const uint8_t *p, uint32_t n) {
  uint8_t *q = (uint8_t *)malloc(n ? n : 1u);
  FUZZ_CHECK(q != NULL, "out of memory");
  if (n) memcpy(q, p, n);
  return RT_BYTES(q, n);
}

/* A view must lie inside [base, base + len). */
static void check_view(const char *what, rt_bytes v, const uint8_t *base, uint32_t len) {
  if (v.len == 0) return;
  FUZZ_CHECK(v.p >= base && v.p + v.len <= base + len, "%s view outside the packet", what);
}

static uint32_t rl_size(uint32_t n) { return codec_remainingLengthSize(n); }

/* Runs one encoder (selected by `kind`) into `out`; the fields come from p. */
typedef uint32_t (*EncodeFn)(rt_bytes out, const Packet *p, const ConnectOptions *co);

static uint32_t enc_connect(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)p;
  return codec_encodeConnect(out, (ConnectOptions *)(uintptr_t)co);
}
static uint32_t enc_publish(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)co;
  return codec_encodePublish(out, p->topic, p->payload, p->qos, p->retain, p->dup, p->packetId);
}
static uint32_t enc_ack(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)co;
  return codec_encodeAck(out, p->type, p->packetId);
}
static uint32_t enc_connack(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)co;
  return codec_broker_encodeConnack(out, p->sessionPresent, p->returnCode);
}
static uint32_t enc_suback(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)co;
  return codec_broker_encodeSuback(out, p->packetId, p->codes);
}
static uint32_t enc_simple(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  (void)co;
  return codec_encodeSimple(out, p->type);
}
/* SUBSCRIBE / UNSUBSCRIBE with exactly one filter (the encoders take one). */
static uint32_t enc_subscribe(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  uint32_t fl = ((uint32_t)p->body.p[0] << 8) | p->body.p[1];
  (void)co;
  return codec_encodeSubscribe(out, p->packetId, RT_BYTES(p->body.p + 2, fl), p->body.p[2 + fl]);
}
static uint32_t enc_unsubscribe(rt_bytes out, const Packet *p, const ConnectOptions *co) {
  uint32_t fl = ((uint32_t)p->body.p[0] << 8) | p->body.p[1];
  (void)co;
  return codec_encodeUnsubscribe(out, p->packetId, RT_BYTES(p->body.p + 2, fl));
}

/* Re-encodes p and compares with the original bytes `pkt` (p->totalLen long). */
static void round_trip(EncodeFn enc, const Packet *p, const ConnectOptions *co, const uint8_t *pkt) {
  uint32_t hdr = p->totalLen - p->remLen;
  uint32_t want = 1u + rl_size(p->remLen) + p->remLen;
  rt_bytes out = dup_exact(pkt, want); /* contents are overwritten; size is what matters */
  uint32_t n = enc(out, p, co);
  FUZZ_CHECK(n == want, "type %u: re-encoded %u bytes, expected %u", p->type, n, want);
  FUZZ_CHECK(out.p[0] == pkt[0], "type %u: first byte 0x%02x re-encoded as 0x%02x", p->type, pkt[0], out.p[0]);
  FUZZ_CHECK(memcmp(out.p + (want - p->remLen), pkt + hdr, p->remLen) == 0, "type %u: body differs after re-encoding", p->type);
  free(out.p);
  /* One byte short: the encoder must refuse and write nothing past the end. */
  out = dup_exact(pkt, want - 1u);
  n = enc(out, p, co);
  FUZZ_CHECK(n == 0, "type %u: encoder wrote %u bytes into %u", p->type, n, want - 1u);
  free(out.p);
}

static bool server_only_type(uint8_t type) {
  return type == PacketType_CONNECT || type == PacketType_SUBSCRIBE || type == PacketType_UNSUBSCRIBE ||
         type == PacketType_PINGREQ || type == PacketType_DISCONNECT;
}

/* Checks and re-encodes one accepted packet: pkt/len is its exact heap copy. */
static void check_packet(const Packet *p, const uint8_t *pkt, uint32_t len, uint32_t limit, bool forClient) {
  Packet q;
  ConnectOptions co;
  uint32_t hdr;
  FUZZ_CHECK(p->totalLen == len, "totalLen %u but returned %u", p->totalLen, len);
  FUZZ_CHECK(p->remLen < len && len - p->remLen >= 2u && len - p->remLen <= 5u, "header length %u", len - p->remLen);
  FUZZ_CHECK(len <= limit, "packet of %u bytes accepted with limit %u", len, limit);
  FUZZ_CHECK(p->type >= 1 && p->type <= 14, "type %u", p->type);
  FUZZ_CHECK(!(forClient && server_only_type(p->type)), "type %u accepted for a client", p->type);
  FUZZ_CHECK(p->qos <= 2, "qos %u", p->qos);
  hdr = len - p->remLen;
  check_view("topic", p->topic, pkt + hdr, p->remLen);
  check_view("payload", p->payload, pkt + hdr, p->remLen);
  check_view("codes", p->codes, pkt + hdr, p->remLen);
  check_view("body", p->body, pkt + hdr, p->remLen);
  check_view("clientId", p->clientId, pkt + hdr, p->remLen);
  check_view("willTopic", p->willTopic, pkt + hdr, p->remLen);
  check_view("willMessage", p->willMessage, pkt + hdr, p->remLen);
  check_view("userName", p->userName, pkt + hdr, p->remLen);
  check_view("password", p->password, pkt + hdr, p->remLen);

  /* Every proper prefix is "need more" (a few, to keep executions fast). */
  {
    uint32_t ks[3] = {1u, hdr, len - 1u};
    for (int i = 0; i < 3; i++) {
      uint32_t k = ks[i];
      if (k == 0 || k >= len) continue;
      rt_bytes b = dup_exact(pkt, k);
      int32_t r = codec_broker_decode(b, limit, forClient, &q);
      FUZZ_CHECK(r == 0, "prefix of %u/%u bytes of a valid type-%u packet decoded to %d", k, len, p->type, r);
      if (k >= hdr) FUZZ_CHECK(q.totalLen == len, "prefix: totalLen %u, want %u", q.totalLen, len);
      free(b.p);
    }
  }
  /* The limit is inclusive; one less refuses the packet from its header. */
  {
    rt_bytes b = dup_exact(pkt, len);
    int32_t r = codec_broker_decode(b, len - 1u, forClient, &q);
    FUZZ_CHECK(r == -(int32_t)DecodeErr_TOO_LARGE, "limit %u for a %u-byte packet gave %d", len - 1u, len, r);
    r = codec_broker_decode(b, len, true, &q);
    if (server_only_type(p->type)) FUZZ_CHECK(r == -(int32_t)DecodeErr_NOT_FOR_CLIENT, "forClient: type %u gave %d", p->type, r);
    else FUZZ_CHECK(r == (int32_t)len, "forClient: type %u gave %d, want %u", p->type, r, len);
    free(b.p);
  }

  switch (p->type) {
  case PacketType_CONNECT: {
    uint8_t cf = p->connectFlags;
    /* The encoder writes protocol level 4 and leaves out empty user names and
     * passwords; other packets are valid but have no encoder form. */
    if (p->protocolLevel != codec_PROTOCOL_LEVEL) break;
    if ((cf & packet_CONNECT_USER_NAME) && p->userName.len == 0) break;
    if ((cf & packet_CONNECT_PASSWORD) && p->password.len == 0) break;
    ConnectOptions_init(&co);
    co.clientId = p->clientId;
    co.userName = p->userName;
    co.password = p->password;
    co.willTopic = p->willTopic;
    co.willMessage = p->willMessage;
    co.willQos = (uint8_t)((cf >> packet_CONNECT_WILL_QOS_SHIFT) & 3u);
    co.willRetain = (cf & packet_CONNECT_WILL_RETAIN) != 0;
    co.cleanSession = (cf & packet_CONNECT_CLEAN_SESSION) != 0;
    co.keepAlive = p->keepAlive;
    FUZZ_CHECK(!(cf & packet_CONNECT_WILL) || p->willTopic.len > 0, "will flag with an empty will topic accepted");
    round_trip(enc_connect, p, &co, pkt);
    break;
  }
  case PacketType_CONNACK:
    round_trip(enc_connack, p, NULL, pkt);
    break;
  case PacketType_PUBLISH:
    FUZZ_CHECK(topic_validTopicName(p->topic) && p->topic.len > 0, "PUBLISH with an invalid topic accepted");
    FUZZ_CHECK(p->qos == 0 || p->packetId != 0, "PUBLISH QoS %u with id 0 accepted", p->qos);
    round_trip(enc_publish, p, NULL, pkt);
    break;
  case PacketType_PUBACK:
  case PacketType_PUBREC:
  case PacketType_PUBREL:
  case PacketType_PUBCOMP:
  case PacketType_UNSUBACK:
    FUZZ_CHECK(p->packetId != 0, "ack with id 0 accepted");
    round_trip(enc_ack, p, NULL, pkt);
    break;
  case PacketType_SUBACK:
    round_trip(enc_suback, p, NULL, pkt);
    break;
  case PacketType_SUBSCRIBE:
  case PacketType_UNSUBSCRIBE: {
    bool sub = p->type == PacketType_SUBSCRIBE;
    uint32_t fl;
    FUZZ_CHECK(p->body.len >= 2u, "filter list of %u bytes accepted", p->body.len);
    fl = ((uint32_t)p->body.p[0] << 8) | p->body.p[1];
    FUZZ_CHECK(fl > 0 && 2u + fl + (sub ? 1u : 0u) <= p->body.len, "first filter runs past the list");
    FUZZ_CHECK(topic_validTopicFilter(RT_BYTES(p->body.p + 2, fl)), "invalid first filter accepted");
    if (2u + fl + (sub ? 1u : 0u) == p->body.len) round_trip(sub ? enc_subscribe : enc_unsubscribe, p, NULL, pkt);
    break;
  }
  default:
    round_trip(enc_simple, p, NULL, pkt);
    break;
  }
}

static uint32_t pick_limit(uint8_t sel, uint8_t raw) {
  static const uint32_t table[14] = {0u, 1u, 2u, 3u, 4u, 5u, 127u, 130u, 3072u, 4096u, 16386u, 268435460u, UINT32_MAX, 2097155u};
  if (sel % 16u == 14u) return raw;
  if (sel % 16u == 15u) return (uint32_t)raw * 16u;
  return table[sel % 16u];
}

static bool same_view(rt_bytes a, rt_bytes b) { return a.len == b.len && (a.len == 0 || a.p == b.p); }

/* The client's own decoder (codec_decodeForClient, codec.c) on the same
 * exactly sized copy: the same result and the same client-side fields as the
 * test broker's decode with forClient (its independent oracle). */
static void check_client(rt_bytes in, uint32_t limit, int32_t r, const Packet *want) {
  Packet c;
  int32_t rc;
  memset(&c, 0, sizeof c);
  rc = codec_decodeForClient(in, limit, &c);
  FUZZ_CHECK(rc == r, "decodeForClient gave %d, the broker's decode %d", rc, r);
  if (rc < 0) return;
  FUZZ_CHECK(c.totalLen == want->totalLen, "decodeForClient: totalLen %u, want %u", c.totalLen, want->totalLen);
  if (rc == 0) return;
  FUZZ_CHECK(c.type == want->type && c.flags == want->flags && c.dup == want->dup && c.qos == want->qos &&
                 c.retain == want->retain && c.packetId == want->packetId && c.sessionPresent == want->sessionPresent &&
                 c.returnCode == want->returnCode && c.remLen == want->remLen,
             "decodeForClient: fields differ for type %u", want->type);
  FUZZ_CHECK(same_view(c.topic, want->topic) && same_view(c.payload, want->payload) && same_view(c.codes, want->codes),
             "decodeForClient: views differ for type %u", want->type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Packet pkt;
  Reader rd = {data, size, 0};
  bool forClient = (rd_u8(&rd) & 1u) != 0;
  uint8_t sel = rd_u8(&rd);
  uint32_t limit = pick_limit(sel, rd_u8(&rd));
  size_t got;
  const uint8_t *stream = rd_bytes(&rd, size, &got);
  uint32_t n = (uint32_t)got, off = 0;
  memset(&pkt, 0, sizeof pkt); /* a fresh Packet: every field starts at zero */
  while (off < n) {
    rt_bytes in = dup_exact(stream + off, n - off);
    int32_t r = codec_broker_decode(in, limit, forClient, &pkt);
    if (forClient) check_client(in, limit, r, &pkt);
    if (r == 0) {
      /* Need more: after a complete fixed header totalLen says how much. */
      FUZZ_CHECK(pkt.totalLen == 0 || pkt.totalLen > in.len, "need-more with totalLen %u of %u bytes", pkt.totalLen, in.len);
      FUZZ_CHECK(pkt.totalLen <= limit, "need-more for a packet of %u bytes over the limit %u", pkt.totalLen, limit);
      free(in.p);
      break;
    }
    if (r < 0) {
      FUZZ_CHECK(r >= -(int32_t)DecodeErr_BAD_SUBSCRIBE_OPTIONS, "unknown error %d", r);
      FUZZ_CHECK(strcmp(packet_decodeErrNameAll((DecodeErr)(-r)), "ok") != 0, "error %d named ok", r);
      free(in.p);
      break;
    }
    FUZZ_CHECK((uint32_t)r <= in.len, "returned %d for %u bytes", r, in.len);
    {
      /* Check the packet in a copy of exactly its own bytes. */
      rt_bytes one = dup_exact(in.p, (uint32_t)r);
      Packet p2;
      int32_t r2 = codec_broker_decode(one, limit, forClient, &p2);
      FUZZ_CHECK(r2 == r, "alone the packet decodes to %d, in the stream to %d", r2, r);
      check_packet(&p2, one.p, one.len, limit, forClient);
      free(one.p);
    }
    off += (uint32_t)r;
    free(in.p);
  }
  return 0;
}
