/* libFuzzer harness over the generated MQTT 5 client decoder
 * (gen/codec5.c, from ts-src/mqtt/codec5.ts: codec5_decode5ForClient).
 *
 * Input: 3 header bytes, then a byte stream (the same layout as fuzz_decode.c).
 *   byte 0: unused (the client decoder has one direction)
 *   byte 1: which packet size limit (table below; two entries use byte 2)
 * The stream is decoded as a client does: one packet per call, advancing by
 * the returned length, until need-more (0) or an error (< 0).
 *
 * Every decode gets its own exactly sized heap copy, so ASan sees any read
 * past what the decoder was given. For each packet accepted:
 *   - lengths are consistent, only types a server sends, every view (topic,
 *     payload, codes, each string property, the property block) inside the
 *     packet; User Properties and Subscription Identifiers walked with
 *     nextProp() are as many as the counts say and inside the block;
 *   - proper prefixes are "need more"; a limit one byte smaller gives TOO_LARGE;
 *   - packets the client's encoders can write (PUBLISH, PUBACK..PUBCOMP,
 *     DISCONNECT, AUTH, PINGRESP) are re-encoded from the decoded fields (the
 *     repeatable properties rebuilt with putUserProp), the result decodes to
 *     the same fields, and an output buffer one byte short is refused without
 *     a write past it. Errors are known codes with a name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec5.h"
#include "fuzz_common.h"
#include "packet.h"
#include "packet5.h"

static rt_bytes dup_exact(const uint8_t *p, uint32_t n) {
  uint8_t *q = (uint8_t *)malloc(n ? n : 1u);
  FUZZ_CHECK(q != NULL, "out of memory");
  if (n) memcpy(q, p, n);
  return RT_BYTES(q, n);
}

static void check_view(const char *what, rt_bytes v, const uint8_t *base, uint32_t len) {
  if (v.len == 0) return;
  FUZZ_CHECK(v.p >= base && v.p + v.len <= base + len, "%s view outside the packet", what);
}

static bool same(rt_bytes a, rt_bytes b) { return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0); }

static void check_props(Props5 *p, const uint8_t *base, uint32_t len) {
  PropIter it;
  uint32_t n = 0;
  check_view("contentType", p->contentType, base, len);
  check_view("responseTopic", p->responseTopic, base, len);
  check_view("correlationData", p->correlationData, base, len);
  check_view("assignedClientId", p->assignedClientId, base, len);
  check_view("authMethod", p->authMethod, base, len);
  check_view("authData", p->authData, base, len);
  check_view("responseInfo", p->responseInfo, base, len);
  check_view("serverReference", p->serverReference, base, len);
  check_view("reasonString", p->reasonString, base, len);
  check_view("raw", p->raw, base, len);
  FUZZ_CHECK(!Props5_has(p, PropId_TOPIC_ALIAS) || p->topicAlias != 0, "topic alias 0 accepted");
  FUZZ_CHECK(!Props5_has(p, PropId_AUTH_DATA) || Props5_has(p, PropId_AUTH_METHOD), "auth data without method accepted");
  memset(&it, 0, sizeof it);
  while (codec5_nextProp(p->raw, &it, PropId_USER_PROPERTY)) {
    check_view("user key", it.key, p->raw.p, p->raw.len);
    check_view("user value", it.value, p->raw.p, p->raw.len);
    n++;
  }
  FUZZ_CHECK(n == p->userCount, "walked %u user properties, counted %u", n, p->userCount);
  FUZZ_CHECK(it.off == p->raw.len, "the walk stopped at %u of %u", it.off, p->raw.len);
  memset(&it, 0, sizeof it);
  n = 0;
  while (codec5_nextProp(p->raw, &it, PropId_SUBSCRIPTION_ID)) {
    FUZZ_CHECK(it.num >= 1u && it.num <= 268435455u, "subscription id %u", it.num);
    if (n == 0) FUZZ_CHECK(it.num == p->subscriptionId, "first subscription id %u, field %u", it.num, p->subscriptionId);
    n++;
  }
  FUZZ_CHECK(n == p->subIdCount, "walked %u subscription ids, counted %u", n, p->subIdCount);
}

/* Both Props5 hold the same properties (the raw blocks may be ordered differently). */
static void same_props(Props5 *a, Props5 *b) {
  PropIter ia, ib;
  FUZZ_CHECK(a->present == b->present, "present 0x%x vs 0x%x", a->present, b->present);
  FUZZ_CHECK(a->payloadFormat == b->payloadFormat && a->messageExpiry == b->messageExpiry &&
             a->subscriptionId == b->subscriptionId && a->sessionExpiry == b->sessionExpiry &&
             a->serverKeepAlive == b->serverKeepAlive && a->requestProblemInfo == b->requestProblemInfo &&
             a->willDelay == b->willDelay && a->requestResponseInfo == b->requestResponseInfo &&
             a->receiveMaximum == b->receiveMaximum && a->topicAliasMaximum == b->topicAliasMaximum &&
             a->topicAlias == b->topicAlias && a->maximumQos == b->maximumQos && a->retainAvailable == b->retainAvailable &&
             a->maximumPacketSize == b->maximumPacketSize && a->wildcardSubAvailable == b->wildcardSubAvailable &&
             a->subIdAvailable == b->subIdAvailable && a->sharedSubAvailable == b->sharedSubAvailable,
             "an integer property differs after re-encoding");
  FUZZ_CHECK(same(a->contentType, b->contentType) && same(a->responseTopic, b->responseTopic) &&
             same(a->correlationData, b->correlationData) && same(a->assignedClientId, b->assignedClientId) &&
             same(a->authMethod, b->authMethod) && same(a->authData, b->authData) &&
             same(a->responseInfo, b->responseInfo) && same(a->serverReference, b->serverReference) &&
             same(a->reasonString, b->reasonString), "a string property differs after re-encoding");
  FUZZ_CHECK(a->userCount == b->userCount && a->subIdCount == b->subIdCount, "counts differ after re-encoding");
  memset(&ia, 0, sizeof ia);
  memset(&ib, 0, sizeof ib);
  while (codec5_nextProp(a->raw, &ia, PropId_USER_PROPERTY)) {
    FUZZ_CHECK(codec5_nextProp(b->raw, &ib, PropId_USER_PROPERTY), "a user property lost");
    FUZZ_CHECK(same(ia.key, ib.key) && same(ia.value, ib.value), "user property differs (or moved)");
  }
  memset(&ia, 0, sizeof ia);
  memset(&ib, 0, sizeof ib);
  while (codec5_nextProp(a->raw, &ia, PropId_SUBSCRIPTION_ID)) {
    FUZZ_CHECK(codec5_nextProp(b->raw, &ib, PropId_SUBSCRIPTION_ID) && ia.num == ib.num, "subscription id differs");
  }
}

/* Props5.extra rebuilt from the decoded block: several Subscription
 * Identifiers (their field then cleared), then the User Properties. */
static uint8_t extra_buf[8192];
static void rebuild_extra(Props5 *p) {
  PropIter it;
  uint32_t at = 0;
  rt_bytes buf = RT_BYTES(extra_buf, sizeof extra_buf);
  if (p->subIdCount > 1u) {
    p->present &= ~packet5_propMask(PropId_SUBSCRIPTION_ID);
    memset(&it, 0, sizeof it);
    while (codec5_nextProp(p->raw, &it, PropId_SUBSCRIPTION_ID)) {
      extra_buf[at] = PropId_SUBSCRIPTION_ID;
      at = codec_putVarint(buf, at + 1u, it.num);
    }
  }
  memset(&it, 0, sizeof it);
  while (codec5_nextProp(p->raw, &it, PropId_USER_PROPERTY)) {
    at = codec5_putUserProp(buf, at, it.key, it.value);
    FUZZ_CHECK(at != 0, "putUserProp refused a decoded user property");
  }
  p->extra = RT_BYTES(extra_buf, at);
}

static uint32_t encode(rt_bytes out, Packet5 *p) {
  Packet *b = &p->base;
  switch (b->type) {
  case PacketType_PUBLISH:
    return codec5_encodePublishAny5(out, b->topic, b->payload, b->qos, b->retain, b->dup, b->packetId, &p->props);
  case PacketType_PUBACK:
  case PacketType_PUBREC:
  case PacketType_PUBREL:
  case PacketType_PUBCOMP:
    return codec5_encodeAck5(out, b->type, b->packetId, p->reasonCode, &p->props);
  case PacketType_DISCONNECT:
    return codec5_encodeDisconnect5(out, p->reasonCode, &p->props);
  case packet5_PACKET_AUTH:
    return codec5_encodeAuth5(out, p->reasonCode, &p->props);
  case PacketType_PINGRESP:
    return codec_encodeSimple(out, b->type);
  default:
    return 0;
  }
}

static void round_trip(Packet5 *p) {
  static uint8_t big[70000];
  Packet5 q;
  uint32_t n, k;
  rt_bytes out;
  int32_t r;
  Props5 orig = p->props; /* rebuild_extra may move the subscription ids */
  rebuild_extra(&p->props);
  n = encode(RT_BYTES(big, sizeof big), p);
  FUZZ_CHECK(n > 0, "type %u: the encoder refused a decoded packet", p->base.type);
  out = dup_exact(big, n);
  k = encode(out, p);
  FUZZ_CHECK(k == n, "type %u: %u bytes into an exact buffer, %u into a big one", p->base.type, k, n);
  memset(&q, 0, sizeof q);
  r = codec5_decode5ForClient(out, n, &q);
  FUZZ_CHECK(r == (int32_t)n, "type %u: the re-encoded packet decodes to %d", p->base.type, r);
  FUZZ_CHECK(q.base.type == p->base.type && q.base.flags == p->base.flags && q.base.packetId == p->base.packetId &&
             q.reasonCode == p->reasonCode && same(q.base.topic, p->base.topic) && same(q.base.payload, p->base.payload),
             "type %u: fields differ after re-encoding", p->base.type);
  same_props(&orig, &q.props);
  free(out.p);
  out = dup_exact(big, n - 1u);
  k = encode(out, p);
  FUZZ_CHECK(k == 0, "type %u: encoder wrote %u bytes into %u", p->base.type, k, n - 1u);
  free(out.p);
}

static void check_packet(Packet5 *p, const uint8_t *pkt, uint32_t len, uint32_t limit) {
  Packet *b = &p->base;
  Packet5 q;
  uint32_t hdr = len - b->remLen;
  FUZZ_CHECK(b->totalLen == len, "totalLen %u but returned %u", b->totalLen, len);
  FUZZ_CHECK(hdr >= 2u && hdr <= 5u, "header length %u", hdr);
  FUZZ_CHECK(len <= limit, "packet of %u bytes accepted with limit %u", len, limit);
  FUZZ_CHECK(b->type != PacketType_CONNECT && b->type != PacketType_SUBSCRIBE && b->type != PacketType_UNSUBSCRIBE &&
             b->type != PacketType_PINGREQ && b->type >= 1u, "type %u accepted for a client", b->type);
  check_view("topic", b->topic, pkt + hdr, b->remLen);
  check_view("payload", b->payload, pkt + hdr, b->remLen);
  check_view("codes", b->codes, pkt + hdr, b->remLen);
  check_props(&p->props, pkt + hdr, b->remLen);
  if (b->type == PacketType_PUBLISH) FUZZ_CHECK(b->topic.len > 0 || Props5_has(&p->props, PropId_TOPIC_ALIAS), "empty topic without alias");
  {
    uint32_t ks[3] = {1u, hdr, len - 1u};
    for (int i = 0; i < 3; i++) {
      uint32_t k = ks[i];
      rt_bytes x;
      int32_t r;
      if (k == 0 || k >= len) continue;
      x = dup_exact(pkt, k);
      r = codec5_decode5ForClient(x, limit, &q);
      FUZZ_CHECK(r == 0, "prefix of %u/%u bytes of a valid type-%u packet decoded to %d", k, len, b->type, r);
      free(x.p);
    }
  }
  {
    rt_bytes x = dup_exact(pkt, len);
    int32_t r = codec5_decode5ForClient(x, len - 1u, &q);
    FUZZ_CHECK(r == -(int32_t)DecodeErr_TOO_LARGE, "limit %u for a %u-byte packet gave %d", len - 1u, len, r);
    free(x.p);
  }
  /* CONNACK, SUBACK, UNSUBACK: only a broker encodes them (the test-only module). */
  if (b->type != PacketType_CONNACK && b->type != PacketType_SUBACK && b->type != PacketType_UNSUBACK) round_trip(p);
}

static uint32_t pick_limit(uint8_t sel, uint8_t raw) {
  static const uint32_t table[14] = {0u, 1u, 2u, 3u, 4u, 5u, 127u, 130u, 3072u, 4096u, 16386u, 268435460u, UINT32_MAX, 2097155u};
  if (sel % 16u == 14u) return raw;
  if (sel % 16u == 15u) return (uint32_t)raw * 16u;
  return table[sel % 16u];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Packet5 pkt;
  Reader rd = {data, size, 0};
  uint8_t sel;
  uint32_t limit;
  size_t got;
  const uint8_t *stream;
  uint32_t n, off = 0;
  (void)rd_u8(&rd);
  sel = rd_u8(&rd);
  limit = pick_limit(sel, rd_u8(&rd));
  stream = rd_bytes(&rd, size, &got);
  n = (uint32_t)got;
  memset(&pkt, 0, sizeof pkt);
  while (off < n) {
    rt_bytes in = dup_exact(stream + off, n - off);
    int32_t r = codec5_decode5ForClient(in, limit, &pkt);
    if (r == 0) {
      FUZZ_CHECK(pkt.base.totalLen == 0 || pkt.base.totalLen > in.len, "need-more with totalLen %u of %u bytes", pkt.base.totalLen, in.len);
      free(in.p);
      break;
    }
    if (r < 0) {
      uint32_t e = (uint32_t)-r;
      if (e < 32u) {
        FUZZ_CHECK(e >= 1u && e <= DecodeErr_BAD_SUBSCRIBE_OPTIONS, "unknown error %d", r);
      } else {
        FUZZ_CHECK(e <= Decode5Err_BAD_PROTOCOL_LEVEL, "unknown error %d", r);
        FUZZ_CHECK(strcmp(packet5_decode5ErrName((uint8_t)e), "unknown decode error") != 0, "error %d has no name", r);
      }
      free(in.p);
      break;
    }
    FUZZ_CHECK((uint32_t)r <= in.len, "returned %d for %u bytes", r, in.len);
    {
      rt_bytes one = dup_exact(in.p, (uint32_t)r);
      Packet5 p2;
      int32_t r2 = codec5_decode5ForClient(one, limit, &p2);
      FUZZ_CHECK(r2 == r, "alone the packet decodes to %d, in the stream to %d", r2, r);
      check_packet(&p2, one.p, one.len, limit);
      free(one.p);
    }
    off += (uint32_t)r;
    free(in.p);
  }
  return 0;
}
