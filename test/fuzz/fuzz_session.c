/* libFuzzer harness over the generated client session (gen/session.c, from
 * ts-src/mqtt/session.ts), driven as a port drives it: bytes from the broker
 * at arbitrary split points, clock steps, app calls, partial tx drains,
 * transport loss and reconnects, and event handlers that call back into the
 * session. Everything is drawn from the input (format below; test/fuzz/
 * seeds.ts writes seeds in it).
 *
 * Checked after every step, abort() on violation:
 *   - buffers and tables within their sizes (tx, rx, store, records,
 *     subscriptions, QoS 2 ids, ack ring); in flight <= MAX_INFLIGHT;
 *   - the store: records' bytes are disjoint, add up to storeUsed, and each
 *     decodes as the PUBLISH the record says (qos, packet id); ids unique;
 *   - the delivery rule: no QoS 1/2 message the session accepted (publish
 *     returned its id) disappears without its PUBACK/PUBCOMP, a DROPPED
 *     event with its id (the offline policy), or, with a clean session, the
 *     warning for a QoS 2 message the broker already took; a refusal (0) sets
 *     lastError, a success clears it; QoS 0 records leave only into tx;
 *   - persistence (h2 bit 4): the storage the onStore hook keeps (a mirror
 *     here) holds exactly the session's QoS 1/2 records, each with its
 *     state, QoS, id and bytes;
 *   - streaming: a record being streamed (done > 0) is the only one, and only
 *     while `streaming`; the wire carries it whole;
 *   - events: none after CLOSE until the next connect, one CLOSE per
 *     connection, CONNACK only while connecting, the others only while
 *     connected; views in events readable (ASan) and topics valid;
 *   - the wire (what the port drained from tx) is a valid stream of client
 *     packets: CONNECT first, nothing but DISCONNECT before CONNACK was
 *     accepted, nothing after DISCONNECT;
 *   - timers: after tick() no CONNECTING past the CONNACK timeout, no
 *     unanswered PINGREQ older than keep_alive;
 *   - PUBLISHes over the receive limit (streamed): fragments contiguous and
 *     in order, within the announced size, their bytes those sent (op
 *     RECV_BIG), a cut-off message ends with an empty fragment, a QoS 2 one
 *     taken whole is not delivered again before PUBREL; skipped ones raise
 *     SKIPPED and never a fragment more.
 *
 * Input: 4 header bytes, then ops until the input ends.
 *   h0: bit 0 clean session, bit 1 CONNACK-first (every connect is answered
 *       at once, so deep states are reached), bits 2-3 keep_alive {0,1,10,60} s,
 *       bits 4-5 max_qos, bits 6-7 max_queue_length {0,1,5,16}
 *   h1: bits 0-2 recv limit (table), bits 3-4 start clock {0, 2^32-5000,
 *       1000, 2^31-1000}
 *   h2: bit 0 will, bit 1 user+password, bit 2 will retain, bit 3 the app
 *       takes the fragments of large PUBLISHes (else they are skipped),
 *       bit 4 max_queue_drop_oldest, bit 5 persistence hook
 *   h3: bit 0 drain all tx after every op, bit 1 close when wantsClose()
 *       after every op (else only op CLOSE_IF_WANTED does)
 *   ops: one byte, op = byte % 16, then its arguments (see run_op).
 *
 * MQTT 5 (fuzz_session5.c: this file with FUZZ_SESSION_V5, over the generated
 * C built with CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1): the session speaks
 * protocol_version 5; valid broker packets are MQTT 5 ones with properties and
 * reason codes drawn from the input (CONNACK limits, topic aliases, error
 * acks, DISCONNECT, AUTH), the wire is decoded as MQTT 5, and on top: an
 * error DISCONNECT (reason >= 0x80) only as the session ends, accepted QoS
 * 1/2 messages leave also by an error PUBACK/PUBREC or the DROPPED event of
 * a message too large for the broker, QoS capped by the CONNACK's Maximum
 * QoS, no RETAIN to a broker without Retain Available. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#ifdef FUZZ_SESSION_V5
#include "codec5.h"
#include "codec5_broker.h"
#include "packet5.h"
#include "session5.h"
#define PROTO_LEVEL 5
#else
#define PROTO_LEVEL 4
#endif
#include "fuzz_common.h"
#include "packet.h"
#include "session.h"
#include "topic.h"

#define TX_SIZE CONFIG_MGOS_MQTT_TX_BUF_SIZE
#define RX_SIZE CONFIG_MGOS_MQTT_RX_BUF_SIZE

enum {
  OP_RECV_RAW = 0, OP_RECV_PKT, OP_TICK, OP_PUBLISH, OP_SUBSCRIBE, OP_UNSUBSCRIBE, OP_DRAIN, OP_CONN_LOST,
  OP_CONNECT, OP_DISCONNECT, OP_CLOSE_IF_WANTED, OP_HANDLER_ACTION, OP_SET_MAX_QOS, OP_RECV_SPLIT,
  OP_RECV_PKT2, OP_RECV_BIG
};

/* What an event handler does once (OP_HANDLER_ACTION). */
enum { ACT_NONE = 0, ACT_PUBLISH, ACT_CLOSE, ACT_DISCONNECT, ACT_RECONNECT, ACT_UNSUBSCRIBE, ACT_SUBSCRIBE, ACT_COUNT };

static const char *const TOPICS[8] = {"a/b", "t", "a/b/c/d/e/f", "$SYS/x", "a/+", "", "sensors/temperature/room-1", "#"};
static const char *const FILTERS[8] = {"a/b", "a/+", "#", "+/+/#", "a/#/b", "", "t", "sensors/+/room-1"};

typedef struct {
  Session s;
  Reader rd;
  uint32_t now;
  uint8_t h3;
  bool skipOpen; /* FUZZ_SKIP_OPEN=1: step around finding 2 (/work/briefs/FUZZ_FINDINGS.md) to look for others */
  bool notClean;  /* finding 2 hit on this connection (with skipOpen) */
  bool trace; /* FUZZ_TRACE=1: print ops and logs (to read a crash input) */
  bool connackFirst;
  /* Events. */
  bool closed;      /* CLOSE seen and no connect since */
  bool everConnected;
  int depth;        /* nesting of event callbacks */
  uint8_t act;      /* pending handler action */
  int32_t actEv;    /* on which event (0: any) */
  /* The wire: bytes the port drained, decoded packet by packet. */
  uint8_t wire[TX_SIZE * 2 + CONFIG_MGOS_MQTT_STORE_SIZE];
  uint32_t wireLen;
  bool sawConnect, connackOk, sawDisconnect;
  bool afterClose; /* MQTT 5: CLOSE came; an error DISCONNECT may still go out (4.13) */
  uint16_t resend[64]; /* MQTT 5: ids in flight at the last CONNACK: resent at their QoS (4.4) */
  uint32_t nResend;
  uint16_t ring[16]; /* recent ids the client sent, for acks that match */
  uint32_t ringN;
  /* Accepted QoS 1/2 messages: 1 = must be in the store, 2 = may leave (acked or dropped with a warning). */
  uint16_t liveIds[64];
  uint8_t liveSt[64];
  bool liveQ0[64]; /* a QoS 0 message in the outbox: leaves when it is in tx */
  uint32_t nLive;
  /* Incoming QoS 2 ids delivered and not yet released by PUBREL: a second
   * PUBLISH event for one of them is a duplicate delivery (4.3.3). */
  uint16_t rxq2[64];
  uint32_t nRxq2;
  /* Large PUBLISHes: the app takes fragments; the message being taken. */
  bool take;
  bool fragActive;
  bool cut; /* the empty fragment came: CLOSE must be next */
  uint32_t fragNext;
  bool verify; /* its payload is RECV_BIG's pattern: byte k is k * 7 */
  Packet wpkt;
#ifdef FUZZ_SESSION_V5
  Packet5 wpkt5;
  Props5 props; /* for the broker packets encoded here */
  uint8_t extra[64];
#endif
  /* The persistence hook's storage. */
  bool persist;
  uint32_t mSeq[64], mMeta[64], mLen[64];
  uint32_t nM;
  uint8_t scratch[TX_SIZE + 64];
  uint8_t bigHead[8 + 8192];
  uint8_t payload[4096];
} Ctx;

static Ctx C;
/* The stored bytes, outside Ctx: only the first mLen of each are meaningful,
 * so they need no clearing between inputs. */
static uint8_t mData[64][CONFIG_MGOS_MQTT_STORE_SIZE];

static rt_bytes B(const char *str) { return RT_BYTES((uint8_t *)(uintptr_t)str, strlen(str)); }

/* One client packet from `b` into *out (a view of the harness's decode
 * struct, valid until the next call): 3.1.1, or MQTT 5 with the broker's
 * decoder. Returns the decoder's result. */
static int32_t decode_client(Ctx *c, rt_bytes b, Packet **out) {
#ifdef FUZZ_SESSION_V5
  int32_t r = codec5_broker_decode5Any(b, UINT32_MAX, false, &c->wpkt5);
  *out = &c->wpkt5.base;
  return r;
#else
  *out = &c->wpkt;
  return codec_broker_decode(b, UINT32_MAX, false, &c->wpkt);
#endif
}

static const char *err_name(int32_t r) {
#ifdef FUZZ_SESSION_V5
  if (-r >= 32) return packet5_decode5ErrName((uint8_t)(-r));
#endif
  return packet_decodeErrNameAll((DecodeErr)(-r));
}

/* The QoS a publish of `qos` is stored with: capped by max_qos and, MQTT 5,
 * by the broker's Maximum QoS. */
static uint8_t eff_qos(Ctx *c, uint8_t qos) {
  uint8_t q = qos > c->s.cfg.maxQos ? c->s.cfg.maxQos : qos;
#ifdef FUZZ_SESSION_V5
  if (q > c->s.v5s[0].serverMaxQos) q = c->s.v5s[0].serverMaxQos;
#endif
  return q;
}

static void wire_reset(Ctx *c) {
  c->wireLen = 0;
  c->afterClose = false;
  c->sawConnect = false;
  c->connackOk = false;
  c->sawDisconnect = false;
}

static void live_add(Ctx *c, uint16_t id, bool q0) {
  for (uint32_t i = 0; i < c->nLive; i++) {
    if (c->liveIds[i] == id) {
      /* The id came back after its message left: fine only if it may leave. */
      FUZZ_CHECK(c->liveSt[i] == 2 || c->liveQ0[i], "publish returned id %u which is still in use", id);
      c->liveSt[i] = 1;
      c->liveQ0[i] = q0;
      return;
    }
  }
  FUZZ_CHECK(c->nLive < 64, "more accepted messages than the store can hold");
  c->liveIds[c->nLive] = id;
  c->liveSt[c->nLive] = 1;
  c->liveQ0[c->nLive] = q0;
  c->nLive++;
}

static void live_release(Ctx *c, uint16_t id) {
  for (uint32_t i = 0; i < c->nLive; i++)
    if (c->liveIds[i] == id) c->liveSt[i] = 2;
}

static void rxq2_remove(Ctx *c, uint16_t id) {
  for (uint32_t i = 0; i < c->nRxq2; i++) {
    if (c->rxq2[i] != id) continue;
    c->rxq2[i] = c->rxq2[--c->nRxq2];
    return;
  }
}

static void note_id(Ctx *c, uint16_t id) {
  c->ring[c->ringN % 16u] = id;
  c->ringN++;
}

/* Decodes the complete packets in the wire buffer and checks the stream. */
static void wire_check(Ctx *c) {
  uint32_t off = 0;
  while (off < c->wireLen) {
    Packet *p;
    int32_t r = decode_client(c, RT_BYTES(c->wire + off, c->wireLen - off), &p);
    FUZZ_CHECK(r >= 0, "client wrote an invalid packet (%s) at wire offset %u", err_name(r), off);
    if (r == 0) break;
    FUZZ_CHECK(!c->sawDisconnect, "type %u sent after DISCONNECT", p->type);
    switch (p->type) {
    case PacketType_CONNECT:
      FUZZ_CHECK(!c->sawConnect, "second CONNECT on one connection");
      FUZZ_CHECK(p->protocolLevel == PROTO_LEVEL, "CONNECT level %u", p->protocolLevel);
      c->sawConnect = true;
      break;
    case PacketType_DISCONNECT:
      FUZZ_CHECK(c->sawConnect || c->afterClose, "DISCONNECT before CONNECT");
#ifdef FUZZ_SESSION_V5
      /* An error DISCONNECT (4.13) only as the session ends. */
      FUZZ_CHECK(c->wpkt5.reasonCode < 0x80 || c->s.state == SessionState_DISCONNECTED, "DISCONNECT 0x%02x in state %u",
                 c->wpkt5.reasonCode, c->s.state);
#endif
      c->sawDisconnect = true;
      break;
    case PacketType_PUBLISH:
    case PacketType_PUBACK:
    case PacketType_PUBREC:
    case PacketType_PUBREL:
    case PacketType_PUBCOMP:
    case PacketType_SUBSCRIBE:
    case PacketType_UNSUBSCRIBE:
    case PacketType_PINGREQ:
      FUZZ_CHECK(c->sawConnect && c->connackOk, "type %u sent before CONNACK was accepted", p->type);
#ifdef FUZZ_SESSION_V5
      if (p->type == PacketType_PUBLISH)
        FUZZ_CHECK(!p->retain || c->s.v5s[0].retainAvailable, "RETAIN sent to a broker without Retain Available");
      if (p->type == PacketType_PUBLISH && p->qos > c->s.v5s[0].serverMaxQos) {
        /* Only the resend of a message in flight before this CONNACK keeps its QoS (4.4). */
        bool resend = false;
        for (uint32_t i = 0; i < c->nResend; i++) resend = resend || c->resend[i] == p->packetId;
        FUZZ_CHECK(resend, "QoS %u over the broker's Maximum QoS %u", p->qos, c->s.v5s[0].serverMaxQos);
      }
#endif
      if ((p->type == PacketType_PUBLISH && p->qos > 0) || p->type == PacketType_SUBSCRIBE ||
          p->type == PacketType_UNSUBSCRIBE || p->type == PacketType_PUBREL)
        note_id(c, p->packetId);
      break;
    default:
      FUZZ_CHECK(false, "client sent a server packet, type %u", p->type);
    }
    off += (uint32_t)r;
  }
  if (off > 0) {
    memmove(c->wire, c->wire + off, c->wireLen - off);
    c->wireLen -= off;
  }
}

/* The port writes n bytes of tx to the socket. */
static void drain(Ctx *c, uint32_t n) {
  rt_bytes v = Session_txView(&c->s);
  FUZZ_CHECK(v.len == c->s.txLen && v.len <= TX_SIZE, "txView %u, txLen %u", v.len, c->s.txLen);
  if (n > v.len) n = v.len;
  if (n == 0) return;
  FUZZ_CHECK(c->wireLen + n <= sizeof(c->wire), "wire overflow: %u undecodable bytes", c->wireLen);
  memcpy(c->wire + c->wireLen, v.p, n);
  c->wireLen += n;
  Session_txConsumed(&c->s, n);
  wire_check(c);
}

/* The port closes the transport because the session asks to. After
 * disconnect() the broker must have received a whole DISCONNECT as the last
 * thing (else it sees a broken stream and publishes the will). */
static void close_wanted(Ctx *c) {
  if (c->s.state == SessionState_DISCONNECTING && !c->notClean)
    FUZZ_CHECK(c->sawDisconnect && c->wireLen == 0, "closing after disconnect(): DISCONNECT %s, %u stray bytes on the wire",
               c->sawDisconnect ? "sent" : "not sent", c->wireLen);
  Session_connectionLost(&c->s, c->now);
}

static void do_connect(Ctx *c);
static void feed(Ctx *c, const uint8_t *p, uint32_t n);

/* Reads every byte of a view, so ASan sees a dangling or short one. */
static uint32_t touch(rt_bytes b) {
  uint32_t h = 0;
  for (uint32_t i = 0; i < b.len; i++) h = h * 31u + b.p[i];
  return h;
}

static bool in_recs(const Session *s, uint16_t id);

static void run_action(Ctx *c) {
  uint8_t a = c->act;
  uint16_t id;
  c->act = ACT_NONE;
  switch (a) {
  case ACT_PUBLISH:
    {
      uint8_t eff = eff_qos(c, 1);
      id = Session_publish(&c->s, B("h/x"), RT_BYTES(c->payload, 10), 1, false, c->now);
      if (id != 0 && eff > 0) live_add(c, id, false);
      if (id != 0 && eff == 0 && in_recs(&c->s, id)) live_add(c, id, true);
    }
    break;
  case ACT_CLOSE:
    Session_close(&c->s, "closed by a handler");
    break;
  case ACT_DISCONNECT:
    (void)Session_disconnect(&c->s);
    break;
  case ACT_RECONNECT:
    Session_connectionLost(&c->s, c->now);
    do_connect(c);
    break;
  case ACT_UNSUBSCRIBE:
    (void)Session_unsubscribe(&c->s, B("a/b"));
    break;
  case ACT_SUBSCRIBE:
    (void)Session_subscribe(&c->s, B("h/#"), 2, 99);
    break;
  default:
    break;
  }
}

/* PUBLISH_PART / PUBLISH_SKIPPED of a PUBLISH over the receive limit. */
static void check_large(Ctx *c, int32_t ev, Packet *p) {
  Session *s = &c->s;
  FUZZ_CHECK(!c->closed, "event %d after CLOSE", ev);
  FUZZ_CHECK(p != NULL && p->type == PacketType_PUBLISH, "event %d without its PUBLISH", ev);
  FUZZ_CHECK(p->qos <= 2 && (p->qos == 0 || p->packetId != 0), "event %d qos %u id %u", ev, p->qos, p->packetId);
  FUZZ_CHECK(p->topic.len <= s->rxTopicLen, "topic view %u of %u bytes", p->topic.len, s->rxTopicLen);
  if (p->topic.len == s->rxTopicLen) FUZZ_CHECK(topic_validTopicName(p->topic), "large PUBLISH with a bad topic");
  (void)touch(p->topic);
  (void)touch(p->payload);
  if (c->trace) fprintf(stderr, "  event %d: %u+%u of %u, qos %u id %u\n", ev, s->rxPartOff, p->payload.len, s->rxPartTotal, p->qos, p->packetId);
  if (ev == SessionEvent_PUBLISH_SKIPPED) {
    FUZZ_CHECK(!c->cut, "SKIPPED after the cut event");
    FUZZ_CHECK(s->state == SessionState_CONNECTED, "SKIPPED in state %u", s->state);
    FUZZ_CHECK(p->payload.len == 0 && s->big == BigRx_DISCARD, "SKIPPED with %u bytes, big %u", p->payload.len, s->big);
    c->fragActive = false;
    return;
  }
  if (p->payload.len == 0) {
    /* Cut off: only as the connection ends (CLOSE comes next), after what was delivered. */
    FUZZ_CHECK(s->state != SessionState_DISCONNECTED && s->big == BigRx_NONE, "empty fragment in state %u, big %u", s->state, s->big);
    FUZZ_CHECK(c->fragActive && s->rxPartOff == c->fragNext, "cut at %u, delivered %u", s->rxPartOff, c->fragNext);
    c->fragActive = false;
    c->cut = true;
    return;
  }
  FUZZ_CHECK(!c->cut, "fragment after the cut event");
  FUZZ_CHECK(s->state == SessionState_CONNECTED, "fragment in state %u", s->state);
  FUZZ_CHECK(s->rxPartOff < s->rxPartTotal && p->payload.len <= s->rxPartTotal - s->rxPartOff, "fragment %u+%u of %u",
             s->rxPartOff, p->payload.len, s->rxPartTotal);
  if (s->rxPartOff == 0) {
    FUZZ_CHECK(s->big == BigRx_UNDECIDED, "first fragment with big %u", s->big);
    if (p->qos == 2)
      for (uint32_t i = 0; i < c->nRxq2; i++) FUZZ_CHECK(c->rxq2[i] != p->packetId, "QoS 2 message id %u delivered twice before its PUBREL", p->packetId);
  } else {
    FUZZ_CHECK(c->fragActive && s->big == BigRx_DELIVER && s->rxPartOff == c->fragNext, "fragment at %u, expected %u (active %d, big %u)",
               s->rxPartOff, c->fragNext, c->fragActive, s->big);
  }
  if (c->verify)
    for (uint32_t i = 0; i < p->payload.len; i++)
      FUZZ_CHECK(p->payload.p[i] == (uint8_t)((s->rxPartOff + i) * 7u), "fragment byte %u differs", s->rxPartOff + i);
  c->fragNext = s->rxPartOff + p->payload.len;
  c->fragActive = c->take;
  if (c->take) s->rxTake = true;
  if (c->take && c->fragNext == s->rxPartTotal) {
    c->fragActive = false;
    if (p->qos == 2) {
      FUZZ_CHECK(c->nRxq2 < 64, "more unreleased QoS 2 ids than the session can remember");
      c->rxq2[c->nRxq2++] = p->packetId;
    }
  }
}

static void on_event(Session *s, int32_t ev, Packet *p, void *ud) {
  Ctx *c = (Ctx *)ud;
  FUZZ_CHECK(s == &c->s, "event for another session");
  if (c->trace) fprintf(stderr, "  event %d id %u recs %u\n", ev, p != NULL ? p->packetId : s->evDropId, s->recCount);
  if (ev == SessionEvent_DROPPED) {
    /* Only the offline policy drops, and it says which message. */
    FUZZ_CHECK(p == NULL && s->evDropId != 0, "DROPPED without an id");
#ifdef FUZZ_SESSION_V5
    /* Accepted offline, and the broker's Maximum Packet Size is smaller. */
    if (s->evDropReason == MGOS_MQTT_DROP_TOO_BIG_FOR_SERVER)
      FUZZ_CHECK(s->state == SessionState_CONNECTED && s->v5s[0].serverMaxPacket > 0, "too big for a server in state %u", s->state);
    else
#endif
    {
      FUZZ_CHECK(s->cfg.dropOldest && s->state != SessionState_CONNECTED, "DROPPED in state %u, policy %d", s->state, s->cfg.dropOldest);
      FUZZ_CHECK(s->evDropReason == MGOS_MQTT_DROP_QUEUE_FULL || s->evDropReason == MGOS_MQTT_DROP_OUTBOX_FULL, "DROPPED reason %u", s->evDropReason);
    }
    FUZZ_CHECK(topic_validTopicName(s->evDropTopic), "DROPPED with a bad topic");
    (void)touch(s->evDropPayload);
    live_release(c, s->evDropId);
  } else if (ev == SessionEvent_OUTBOX_ROOM) {
    FUZZ_CHECK(p == NULL && Session_outboxRoom(s) > 0, "OUTBOX_ROOM without room");
  } else if (ev == SessionEvent_CLOSE) {
    FUZZ_CHECK(!c->closed, "second CLOSE without a connect between");
    FUZZ_CHECK(s->state == SessionState_DISCONNECTED, "CLOSE in state %u", s->state);
    FUZZ_CHECK(p == NULL, "CLOSE with a packet");
    FUZZ_CHECK(s->closeReason != NULL && s->closeReason[0] != 0, "CLOSE without a reason");
    FUZZ_CHECK(s->txLen == 0 && s->rxLen == 0, "CLOSE with tx %u rx %u bytes left", s->txLen, s->rxLen);
    /* A handler that took a message's fragments hears how it ends: the last
     * fragment, or an empty one before this CLOSE. */
    FUZZ_CHECK(!c->fragActive, "CLOSE while a message taken in fragments had neither its end nor a cut (at %u)", c->fragNext);
    c->cut = false;
    c->closed = true;
    wire_reset(c);
#ifdef FUZZ_SESSION_V5
    c->afterClose = true;
#endif
    if (s->cfg.cleanSession) c->nRxq2 = 0;
  } else if (ev == SessionEvent_PUBLISH_PART || ev == SessionEvent_PUBLISH_SKIPPED) {
    check_large(c, ev, p);
  } else {
    FUZZ_CHECK(!c->closed, "event %d after CLOSE", ev);
    FUZZ_CHECK(!c->cut, "event %d between the cut event and CLOSE", ev);
    FUZZ_CHECK(p != NULL, "event %d without a packet", ev);
    FUZZ_CHECK(p->type == (uint8_t)(ev - 200), "event %d for packet type %u", ev, p->type);
    (void)touch(p->topic);
    (void)touch(p->payload);
    (void)touch(p->codes);
    if (ev == SessionEvent_CONNACK) {
      FUZZ_CHECK(p->returnCode == 0 ? s->state == SessionState_CONNECTED : s->state == SessionState_CONNECTING,
                 "CONNACK %u in state %u", p->returnCode, s->state);
      if (p->returnCode == 0) c->connackOk = true;
    } else {
      FUZZ_CHECK(s->state == SessionState_CONNECTED, "event %d in state %u", ev, s->state);
    }
    if (ev == SessionEvent_PUBLISH) {
      FUZZ_CHECK(p->topic.len > 0 && topic_validTopicName(p->topic), "PUBLISH event with a bad topic");
      FUZZ_CHECK(p->qos <= 2 && (p->qos == 0 || p->packetId != 0), "PUBLISH event qos %u id %u", p->qos, p->packetId);
    }
    if (ev == SessionEvent_PUBACK || ev == SessionEvent_PUBCOMP) live_release(c, p->packetId);
#ifdef FUZZ_SESSION_V5
    /* A PUBREC with an error code ends the exchange (4.3.3). */
    if (ev == SessionEvent_PUBREC && s->v5s[0].pkt.reasonCode >= 0x80) live_release(c, p->packetId);
#endif
    if (ev == SessionEvent_PUBLISH && p->qos == 2) {
      for (uint32_t i = 0; i < c->nRxq2; i++) FUZZ_CHECK(c->rxq2[i] != p->packetId, "QoS 2 message id %u delivered twice before its PUBREL", p->packetId);
      FUZZ_CHECK(c->nRxq2 < 64, "more unreleased QoS 2 ids than the session can remember");
      c->rxq2[c->nRxq2++] = p->packetId;
    }
    if (ev == SessionEvent_PUBREL) rxq2_remove(c, p->packetId);
    /* Without a stored session the server starts over (MQTT-3.2.2-2). */
    if (ev == SessionEvent_CONNACK && p->returnCode == 0 && !p->sessionPresent) c->nRxq2 = 0;
    if (ev == SessionEvent_CONNACK) {
      c->nResend = 0;
      for (uint32_t i = 0; i < s->recCount && i < 64; i++)
        if (s->recs[i].state >= RecState_WAIT_PUBACK) c->resend[c->nResend++] = s->recs[i].packetId;
    }
  }
  if (c->act != ACT_NONE && (c->actEv == 0 || c->actEv == ev) && c->depth < 3) {
    c->depth++;
    run_action(c);
    c->depth--;
  }
}

static void on_log(Session *s, int32_t level, const char *msg, rt_bytes detail, int32_t num) {
  Ctx *c = (Ctx *)s->ud;
  FUZZ_CHECK(msg != NULL && level >= 0 && level <= 3, "bad log call");
  if (c->trace) fprintf(stderr, "  log %d: %s (%d)\n", level, msg, num);
  if (c->skipOpen && strcmp(msg, "disconnect: tx full, dropped") == 0) c->notClean = true;
  /* The QoS 2 table evicts its oldest id (logged): that id may come again. */
  if (strcmp(msg, "rx QoS 2 table full") == 0) rxq2_remove(c, (uint16_t)num);
  (void)touch(detail);
  /* The documented ways an accepted message may go without its ack, each with
   * a warning that names its packet id. */
  if (level == LogLevel_WARN && strcmp(msg, "in-flight dropped (clean session)") == 0) live_release(c, (uint16_t)num);
  /* MQTT 5: queued at QoS 1/2, now a QoS 0 message (for the broker's Maximum
   * QoS 0): it leaves into tx, with no ack. */
  if (level == LogLevel_WARN && strcmp(msg, "broker's Maximum QoS is 0: sent at QoS 0") == 0)
    for (uint32_t i = 0; i < c->nLive; i++)
      if (c->liveIds[i] == (uint16_t)num) c->liveQ0[i] = true;
}

static void on_store(Session *s, uint8_t op, uint32_t seq, uint32_t meta, rt_bytes data) {
  Ctx *c = (Ctx *)s->ud;
  uint32_t i;
  FUZZ_CHECK(c->persist && seq != 0, "store op %u for seq %u", op, seq);
  for (i = 0; i < c->nM && c->mSeq[i] != seq; i++) {}
  if (op == StoreOp_DEL) {
    FUZZ_CHECK(i < c->nM, "DEL of seq %u never stored", seq);
    c->nM--;
    c->mSeq[i] = c->mSeq[c->nM];
    c->mMeta[i] = c->mMeta[c->nM];
    c->mLen[i] = c->mLen[c->nM];
    memcpy(mData[i], mData[c->nM], c->mLen[c->nM]);
    return;
  }
  FUZZ_CHECK(op == StoreOp_PUT && data.len <= CONFIG_MGOS_MQTT_STORE_SIZE, "store op %u, %u bytes", op, data.len);
  if (i == c->nM) {
    FUZZ_CHECK(c->nM < 64, "more stored records than records");
    c->nM++;
  }
  c->mSeq[i] = seq;
  c->mMeta[i] = meta;
  c->mLen[i] = data.len;
  if (data.len) memcpy(mData[i], data.p, data.len);
}

/* The storage holds exactly the session's QoS 1/2 records. */
static void check_storage(Ctx *c) {
  const Session *s = &c->s;
  uint32_t stored = 0;
  if (!c->persist) return;
  for (uint32_t i = 0; i < s->recCount; i++) {
    const OutMsg *r = &s->recs[i];
    uint32_t k;
    if (r->qos == 0) {
      FUZZ_CHECK(r->seq == 0, "QoS 0 record %u persisted", r->packetId);
      continue;
    }
    FUZZ_CHECK(r->seq != 0, "QoS %u record %u not persisted", r->qos, r->packetId);
    for (k = 0; k < c->nM && c->mSeq[k] != r->seq; k++) {}
    FUZZ_CHECK(k < c->nM, "record %u (seq %u) missing from storage", r->packetId, r->seq);
    FUZZ_CHECK((c->mMeta[k] & 0xffffu) == r->packetId && ((c->mMeta[k] >> 16) & 0xffu) == r->qos, "stored meta %08x for id %u", c->mMeta[k], r->packetId);
    /* Bit 7 of the state byte: the PUBLISH is MQTT 5 encoded (session.ts persist). */
    FUZZ_CHECK(((c->mMeta[k] >> 24) & 0x7fu) == (r->state == RecState_WAIT_PUBCOMP ? RecState_WAIT_PUBCOMP : RecState_QUEUED), "stored state %u, record state %u", c->mMeta[k] >> 24, r->state);
    FUZZ_CHECK(((c->mMeta[k] >> 31) != 0) == r->v5, "stored encoding flag of %u differs from the record's", r->packetId);
    FUZZ_CHECK(c->mLen[k] == r->len && (r->len == 0 || memcmp(mData[k], s->store + r->off, r->len) == 0), "stored bytes of %u differ", r->packetId);
    stored++;
  }
  FUZZ_CHECK(stored == c->nM, "storage has %u records, the session %u", c->nM, stored);
}

static bool in_recs(const Session *s, uint16_t id) {
  for (uint32_t i = 0; i < s->recCount; i++)
    if (s->recs[i].packetId == id) return true;
  return false;
}

static void check_invariants(Ctx *c) {
  Session *s = &c->s;
  uint32_t inflight = 0, used = 0;
  FUZZ_CHECK(s->state <= SessionState_DISCONNECTING, "state %u", s->state);
  FUZZ_CHECK(s->txLen <= TX_SIZE, "txLen %u", s->txLen);
  FUZZ_CHECK(s->big != BigRx_NONE ? s->rxLen <= RX_SIZE : s->rxLen < RX_SIZE, "rxLen %u (big %u)", s->rxLen, s->big);
  FUZZ_CHECK(s->big <= BigRx_DISCARD, "big %u", s->big);
  if (s->big != BigRx_NONE) {
    FUZZ_CHECK(s->state == SessionState_CONNECTED || s->state == SessionState_DISCONNECTING, "large PUBLISH in state %u", s->state);
    FUZZ_CHECK(s->bigPos < s->bigTotal && (s->bigIdEnd == 0 || s->bigIdEnd <= s->bigTotal), "large PUBLISH at %u of %u (id end %u)",
               s->bigPos, s->bigTotal, s->bigIdEnd);
  }
  FUZZ_CHECK(s->storeUsed <= CONFIG_MGOS_MQTT_STORE_SIZE, "storeUsed %u", s->storeUsed);
  FUZZ_CHECK(s->recCount <= session_STORE_SLOTS, "recCount %u", s->recCount);
  FUZZ_CHECK(s->subCount <= CONFIG_MGOS_MQTT_MAX_SUBSCRIPTIONS, "subCount %u", s->subCount);
  FUZZ_CHECK(s->rxQos2Count <= CONFIG_MGOS_MQTT_MAX_RX_QOS2, "rxQos2Count %u", s->rxQos2Count);
  FUZZ_CHECK(s->ackCount <= CONFIG_MGOS_MQTT_MAX_PENDING_ACKS && s->ackHead < CONFIG_MGOS_MQTT_MAX_PENDING_ACKS, "ack ring %u/%u", s->ackHead, s->ackCount);
  if (s->state == SessionState_DISCONNECTED) {
#ifdef FUZZ_SESSION_V5
    /* What may be left: (the rest of) the error DISCONNECT, until the port closes. */
    FUZZ_CHECK((s->txLen == 0 || (s->closing && s->txLen <= 4)) && s->rxLen == 0, "disconnected with tx %u rx %u", s->txLen, s->rxLen);
#else
    FUZZ_CHECK(s->txLen == 0 && s->rxLen == 0, "disconnected with tx %u rx %u", s->txLen, s->rxLen);
#endif
    FUZZ_CHECK(s->ackCount == 0, "disconnected with %u acks pending", s->ackCount);
  }
  uint32_t streamed = 0;
  for (uint32_t i = 0; i < s->recCount; i++) {
    const OutMsg *r = &s->recs[i];
    FUZZ_CHECK(r->state >= RecState_QUEUED && r->state <= RecState_WAIT_PUBCOMP, "record %u state %u", i, r->state);
    FUZZ_CHECK(r->packetId != 0 && r->qos <= 2, "record %u id %u qos %u", i, r->packetId, r->qos);
    FUZZ_CHECK(r->qos > 0 || r->state == RecState_QUEUED, "QoS 0 record %u in state %u", i, r->state);
    FUZZ_CHECK(r->done < r->len || (r->done == 0 && r->len == 0), "record %u done %u of %u", i, r->done, r->len);
    if (r->done > 0) streamed++;
    if (r->state >= RecState_WAIT_PUBACK) inflight++;
    if (r->state == RecState_WAIT_PUBCOMP) {
      FUZZ_CHECK(r->len == 0 && r->qos == 2, "record %u waits PUBCOMP with %u bytes, qos %u", i, r->len, r->qos);
    } else {
      Packet *p;
      FUZZ_CHECK(r->len > 0 && r->off <= s->storeUsed && r->len <= s->storeUsed - r->off, "record %u bytes %u+%u of %u", i, r->off, r->len, s->storeUsed);
      FUZZ_CHECK(r->state != RecState_WAIT_PUBACK || r->qos == 1, "record %u waits PUBACK with qos %u", i, r->qos);
      FUZZ_CHECK(r->state != RecState_WAIT_PUBREC || r->qos == 2, "record %u waits PUBREC with qos %u", i, r->qos);
      for (uint32_t j = 0; j < i; j++) {
        const OutMsg *o = &s->recs[j];
        if (o->len == 0) continue;
        FUZZ_CHECK(o->off + o->len <= r->off || r->off + r->len <= o->off, "records %u and %u overlap in the store", j, i);
      }
      FUZZ_CHECK(decode_client(c, RT_BYTES(s->store + r->off, r->len), &p) == (int32_t)r->len,
                 "record %u: the store does not hold a whole packet", i);
      FUZZ_CHECK(p->type == PacketType_PUBLISH && p->qos == r->qos && p->packetId == (r->qos > 0 ? r->packetId : 0) && !p->dup,
                 "record %u: stored packet type %u qos %u id %u dup %d", i, p->type, p->qos, p->packetId, p->dup);
      used += r->len;
    }
    for (uint32_t j = 0; j < i; j++) FUZZ_CHECK(s->recs[j].packetId != r->packetId, "records %u and %u share id %u", j, i, r->packetId);
  }
  FUZZ_CHECK(used == s->storeUsed, "records hold %u bytes, storeUsed %u", used, s->storeUsed);
  check_storage(c);
  FUZZ_CHECK(streamed == (s->streaming ? 1u : 0u), "%u records streaming, streaming %d", streamed, s->streaming);
  FUZZ_CHECK(!s->streaming || s->txLen == TX_SIZE, "streaming with room in tx (%u)", s->txLen);
  FUZZ_CHECK(inflight <= CONFIG_MGOS_MQTT_MAX_INFLIGHT, "%u in flight", inflight);
  FUZZ_CHECK(inflight == Session_inflightCount(s), "inflightCount");
  FUZZ_CHECK(Session_unsentBytes(s) >= s->txLen && Session_unsentBytes(s) <= s->txLen + s->storeUsed, "unsentBytes %u, txLen %u, store %u",
             Session_unsentBytes(s), s->txLen, s->storeUsed);
  for (uint32_t i = 0; i < s->subCount; i++) {
    const Sub *u = &s->subs[i];
    FUZZ_CHECK(u->state >= SubState_SUB_PENDING && u->state <= SubState_UNSUB_SENT, "sub %u state %u", i, u->state);
    FUZZ_CHECK(u->filterLen > 0 && u->filterLen <= CONFIG_MGOS_MQTT_MAX_FILTER_LEN, "sub %u filter length %u", i, u->filterLen);
    if (u->state == SubState_SUB_SENT || u->state == SubState_UNSUB_SENT) FUZZ_CHECK(u->packetId != 0, "sub %u sent without an id", i);
    if (u->packetId == 0) continue;
    for (uint32_t j = 0; j < s->recCount; j++) FUZZ_CHECK(s->recs[j].packetId != u->packetId, "sub %u and record %u share id %u", i, j, u->packetId);
    for (uint32_t j = 0; j < i; j++) FUZZ_CHECK(s->subs[j].packetId != u->packetId, "subs %u and %u share id %u", j, i, u->packetId);
  }
  /* Accepted messages leave only with their ack or a warning. */
  for (uint32_t i = 0; i < c->nLive;) {
    if (in_recs(s, c->liveIds[i])) {
      c->liveSt[i] = 1;
      i++;
      continue;
    }
    FUZZ_CHECK(c->liveSt[i] == 2 || c->liveQ0[i], "QoS>0 message id %u vanished without PUBACK/PUBCOMP or a DROPPED event (state %u)", c->liveIds[i], s->state);
    c->nLive--;
    c->liveIds[i] = c->liveIds[c->nLive];
    c->liveSt[i] = c->liveSt[c->nLive];
    c->liveQ0[i] = c->liveQ0[c->nLive];
  }
  /* And nothing is in the store that was not accepted. */
  for (uint32_t i = 0; i < s->recCount; i++) {
    bool known = false;
    for (uint32_t j = 0; j < c->nLive; j++) known = known || c->liveIds[j] == s->recs[i].packetId;
    FUZZ_CHECK(known, "record id %u was never returned by publish", s->recs[i].packetId);
  }
}

/* Bytes from the broker. */
static void feed(Ctx *c, const uint8_t *p, uint32_t n) {
  /* An exact heap copy: ASan catches any read past what was received. */
  uint8_t *q = (uint8_t *)malloc(n ? n : 1u);
  FUZZ_CHECK(q != NULL, "out of memory");
  if (n) memcpy(q, p, n);
  Session_onRecv(&c->s, RT_BYTES(q, n), c->now);
  free(q);
}

static void feed_split(Ctx *c, const uint8_t *p, uint32_t n, uint8_t split) {
  uint32_t at = 0, step = split == 0 ? n : split;
  while (at < n) {
    uint32_t k = n - at < step ? n - at : step;
    feed(c, p + at, k);
    at += k;
  }
}

static void do_connect(Ctx *c) {
  bool was = c->s.state == SessionState_DISCONNECTED && !c->s.closing;
  bool ok = Session_connect(&c->s, c->now);
  FUZZ_CHECK(ok == was, "connect returned %d in state %u closing %d", ok, c->s.state, c->s.closing);
  if (!ok) return;
  FUZZ_CHECK(c->s.state == SessionState_CONNECTING && c->s.txLen > 0, "connect: state %u txLen %u", c->s.state, c->s.txLen);
  c->closed = false;
  c->notClean = false;
  wire_reset(c);
  /* Not from inside an event handler: a port never feeds bytes re-entrantly. */
  if (c->connackFirst && c->depth == 0) {
    uint8_t ack[8];
#ifdef FUZZ_SESSION_V5
    Props5_reset(&c->props);
    uint32_t n = codec5_broker_encodeConnack5(RT_BYTES(ack, sizeof(ack)), false, 0, &c->props);
#else
    uint32_t n = codec_broker_encodeConnack(RT_BYTES(ack, sizeof(ack)), false, 0);
#endif
    drain(c, c->s.txLen);
    feed(c, ack, n);
  }
}

static uint16_t pick_id(Ctx *c) {
  uint8_t b = rd_u8(&c->rd);
  if (b < 0xc0 && c->ringN > 0) return c->ring[(c->ringN - 1u - (b % (c->ringN < 16u ? c->ringN : 16u))) % 16u];
  if (b == 0xff) return rd_u16(&c->rd);
  return (uint16_t)(b & 0x3fu);
}

#ifdef FUZZ_SESSION_V5
static uint32_t make_server_packet5(Ctx *c);
#endif

/* Encodes one broker packet drawn from the input into scratch. */
static uint32_t make_server_packet(Ctx *c) {
#ifdef FUZZ_SESSION_V5
  return make_server_packet5(c);
#endif
  rt_bytes out = RT_BYTES(c->scratch, sizeof(c->scratch));
  uint8_t kind = rd_u8(&c->rd) % 10u;
  switch (kind) {
  case 0: {
    uint8_t b = rd_u8(&c->rd);
    return codec_broker_encodeConnack(out, (b & 0x80) != 0 && (b & 7u) == 0, (uint8_t)((b & 7u) % 6u));
  }
  case 1: {
    uint8_t b = rd_u8(&c->rd);
    uint8_t qos = (uint8_t)(b % 3u);
    uint32_t plen = (uint32_t)rd_u8(&c->rd) * (1u + ((b >> 2) & 15u));
    uint16_t id = qos ? pick_id(c) : 0;
    if (qos && id == 0) id = 1;
    return codec_encodePublish(out, B(TOPICS[(b >> 6) & 3u]), RT_BYTES(c->payload, plen), qos, (b & 0x20) != 0, qos && (b & 0x10), id);
  }
  case 2: return codec_encodeAck(out, PacketType_PUBACK, pick_id(c));
  case 3: return codec_encodeAck(out, PacketType_PUBREC, pick_id(c));
  case 4: return codec_encodeAck(out, PacketType_PUBREL, pick_id(c));
  case 5: return codec_encodeAck(out, PacketType_PUBCOMP, pick_id(c));
  case 6: {
    uint16_t id = pick_id(c);
    uint8_t code = rd_u8(&c->rd);
    code = (code & 0x80) ? 0x80 : (uint8_t)(code % 3u);
    return codec_broker_encodeSuback(out, id, RT_BYTES(&code, 1));
  }
  case 7: return codec_encodeAck(out, PacketType_UNSUBACK, pick_id(c));
  case 8: return codec_encodeSimple(out, PacketType_PINGRESP);
  default: {
    /* A burst of QoS 1 and 2 PUBLISHes with distinct ids: fills the ack ring. */
    uint32_t n = 0, count = 1u + rd_u8(&c->rd) % 24u;
    for (uint32_t i = 0; i < count; i++) {
      uint8_t qos = (uint8_t)(1u + (i & 1u));
      n += codec_encodePublish(RT_BYTES(c->scratch + n, (uint32_t)sizeof(c->scratch) - n), B("burst"), RT_BYTES(c->payload, 3), qos, false, false, (uint16_t)(100u + i));
    }
    return n;
  }
  }
}

#ifdef FUZZ_SESSION_V5
/* Properties for a broker packet of type `where`, drawn from the input
 * (c->props; an invalid set makes the encoder refuse: no packet then). */
static Props5 *draw_props(Ctx *c, uint8_t where) {
  static const uint32_t sizes[8] = {20u, 64u, 100u, 200u, 600u, 3072u, 100000u, 268435455u};
  static const uint16_t rmax[8] = {1u, 2u, 3u, 10u, 16u, 17u, 100u, 65535u};
  Props5 *p = &c->props;
  uint8_t b = rd_u8(&c->rd);
  Props5_reset(p);
  if (b == 0) return p;
  if (where == PacketType_CONNACK) {
    uint8_t b2 = rd_u8(&c->rd);
    if (b & 1u) { p->receiveMaximum = rmax[b2 & 7u]; Props5_set(p, PropId_RECEIVE_MAXIMUM); }
    if (b & 2u) { p->maximumPacketSize = sizes[(b2 >> 3) & 7u]; Props5_set(p, PropId_MAXIMUM_PACKET_SIZE); }
    if (b & 4u) { p->topicAliasMaximum = (uint16_t)(b2 >> 6) * 3u; Props5_set(p, PropId_TOPIC_ALIAS_MAXIMUM); }
    if (b & 8u) { p->maximumQos = (b2 >> 1) & 1u; Props5_set(p, PropId_MAXIMUM_QOS); }
    if (b & 16u) { p->retainAvailable = (b2 >> 2) & 1u; Props5_set(p, PropId_RETAIN_AVAILABLE); }
    if (b & 32u) { p->wildcardSubAvailable = b2 & 1u; Props5_set(p, PropId_WILDCARD_SUB_AVAILABLE); }
    if (b & 64u) { p->serverKeepAlive = (uint16_t)(b2 % 4u); Props5_set(p, PropId_SERVER_KEEP_ALIVE); }
    if (b & 128u) { p->serverReference = B("127.0.0.1:1 x:2"); Props5_set(p, PropId_SERVER_REFERENCE); }
    return p;
  }
  if (where == PacketType_PUBLISH) {
    if (b & 1u) { p->topicAlias = (uint16_t)(1u + rd_u8(&c->rd) % 6u); Props5_set(p, PropId_TOPIC_ALIAS); }
    if (b & 2u) { p->messageExpiry = rd_u8(&c->rd); Props5_set(p, PropId_MESSAGE_EXPIRY); }
    if (b & 4u) { p->payloadFormat = 1; Props5_set(p, PropId_PAYLOAD_FORMAT); }
    if (b & 8u) { p->contentType = B("text/plain"); Props5_set(p, PropId_CONTENT_TYPE); }
    if (b & 16u) { p->responseTopic = B("r/t"); Props5_set(p, PropId_RESPONSE_TOPIC); }
    if (b & 32u) { p->correlationData = B("\x01\x02"); Props5_set(p, PropId_CORRELATION_DATA); }
    if (b & 64u) { p->subscriptionId = 1u + rd_u8(&c->rd); Props5_set(p, PropId_SUBSCRIPTION_ID); }
  } else if (b & 1u) {
    p->reasonString = B("why");
    Props5_set(p, PropId_REASON_STRING);
  }
  if (where == PacketType_DISCONNECT && (b & 2u)) { p->serverReference = B("127.0.0.1:2"); Props5_set(p, PropId_SERVER_REFERENCE); }
  if (where == packet5_PACKET_AUTH && (b & 4u)) { p->authMethod = B("M"); Props5_set(p, PropId_AUTH_METHOD); }
  if (b & 128u) {
    uint32_t n = codec5_putUserProp(RT_BYTES(c->extra, sizeof(c->extra)), 0, B("k"), B("v"));
    p->extra = RT_BYTES(c->extra, n);
  }
  return p;
}

/* An MQTT 5 broker packet drawn from the input, into scratch: the kinds of
 * make_server_packet with properties and reason codes, and DISCONNECT, AUTH. */
static uint32_t make_server_packet5(Ctx *c) {
  static const uint8_t connack[8] = {0, 0, 0, 0, 0x80, 0x87, 0x9c, 0x9d};
  static const uint8_t acks[8] = {0, 0, 0, 0x10, 0x80, 0x87, 0x91, 0x97};
  static const uint8_t rel[2] = {0, 0x92};
  static const uint8_t subs[8] = {0, 1, 2, 0x80, 0x87, 0x8f, 0x97, 0xa2};
  static const uint8_t unsubs[4] = {0, 0x11, 0x80, 0x8f};
  static const uint8_t disc[8] = {0, 0x80, 0x81, 0x82, 0x8b, 0x93, 0x9c, 0x9d};
  rt_bytes out = RT_BYTES(c->scratch, sizeof(c->scratch));
  uint8_t kind = rd_u8(&c->rd) % 12u;
  switch (kind) {
  case 0: {
    uint8_t b = rd_u8(&c->rd);
    uint8_t code = connack[b & 7u];
    return codec5_broker_encodeConnack5(out, code == 0 && (b & 0x80) != 0, code, draw_props(c, PacketType_CONNACK));
  }
  case 1: {
    uint8_t b = rd_u8(&c->rd);
    uint8_t qos = (uint8_t)(b % 3u);
    uint32_t plen = (uint32_t)rd_u8(&c->rd) * (1u + ((b >> 2) & 15u));
    uint16_t id = qos ? pick_id(c) : 0;
    Props5 *p = draw_props(c, PacketType_PUBLISH);
    /* With an alias, bit 7 leaves the topic out (the alias must be set already). */
    rt_bytes topic = Props5_has(p, PropId_TOPIC_ALIAS) && (b & 0x80u) ? RT_BYTES(c->scratch, 0) : B(TOPICS[(b >> 6) & 1u]);
    if (qos && id == 0) id = 1;
    return codec5_encodePublishAny5(out, topic, RT_BYTES(c->payload, plen), qos, (b & 0x20) != 0, qos && (b & 0x10), id, p);
  }
  case 2:
  case 3:
  case 5: {
    uint8_t type = kind == 2 ? PacketType_PUBACK : kind == 3 ? PacketType_PUBREC : PacketType_PUBCOMP;
    uint16_t id = pick_id(c);
    uint8_t code = kind == 5 ? rel[rd_u8(&c->rd) & 1u] : acks[rd_u8(&c->rd) & 7u];
    return codec5_encodeAck5(out, type, id, code, draw_props(c, type));
  }
  case 4: {
    uint16_t id = pick_id(c);
    return codec5_encodeAck5(out, PacketType_PUBREL, id, rel[rd_u8(&c->rd) & 1u], draw_props(c, PacketType_PUBREL));
  }
  case 6: {
    uint16_t id = pick_id(c);
    uint8_t code = subs[rd_u8(&c->rd) & 7u];
    return codec5_broker_encodeCodesAck5(out, PacketType_SUBACK, id, RT_BYTES(&code, 1), draw_props(c, PacketType_SUBACK));
  }
  case 7: {
    uint16_t id = pick_id(c);
    uint8_t code = unsubs[rd_u8(&c->rd) & 3u];
    return codec5_broker_encodeCodesAck5(out, PacketType_UNSUBACK, id, RT_BYTES(&code, 1), draw_props(c, PacketType_UNSUBACK));
  }
  case 8: return codec_encodeSimple(out, PacketType_PINGRESP);
  case 9: return codec5_encodeDisconnect5(out, disc[rd_u8(&c->rd) & 7u], draw_props(c, PacketType_DISCONNECT));
  case 10: return codec5_encodeAuth5(out, (rd_u8(&c->rd) & 1u) ? 0x18 : 0x00, draw_props(c, packet5_PACKET_AUTH));
  default: {
    /* A burst of QoS 1 and 2 PUBLISHes with distinct ids: fills the ack ring and the Receive Maximum. */
    uint32_t n = 0, count = 1u + rd_u8(&c->rd) % 24u;
    Props5_reset(&c->props);
    for (uint32_t i = 0; i < count; i++) {
      uint8_t qos = (uint8_t)(1u + (i & 1u));
      n += codec5_encodePublishAny5(RT_BYTES(c->scratch + n, (uint32_t)sizeof(c->scratch) - n), B("burst"), RT_BYTES(c->payload, 3), qos, false, false,
                                    (uint16_t)(100u + i), &c->props);
    }
    return n;
  }
  }
}
#endif

/* A PUBLISH larger than the receive limit, streamed in pieces (its payload
 * made on the fly: byte k is k * 7). b: qos ((b & 3) % 3), dup (bit 2), retain
 * (bit 3), topic (bits 4-5: three short ones or a long one of (n + 1) * 40
 * bytes), cut short (bit 6); then the payload size in 64-byte units (up to
 * 8 KiB; 2 KiB with pieces under 256 bytes), the id,
 * the piece size (0: one byte), and with bit 6 how much of it to send. */
static void recv_big(Ctx *c) {
  static const char *const names[3] = {"a/b", "t", "sensors/temperature/room-1"};
  uint8_t b = rd_u8(&c->rd);
  uint8_t qos = (uint8_t)((b & 3u) % 3u);
  uint32_t plen = (uint32_t)rd_u16(&c->rd) % 128u * 64u + rd_u8(&c->rd);
  uint16_t id = qos ? pick_id(c) : 0;
  uint8_t piece = rd_u8(&c->rd);
  uint32_t tl, head = 0, rem, total, sent = 0, stop;
  uint8_t *h = c->bigHead;
  if (qos && id == 0) id = 1;
  if (piece < 16u && plen > 2048u) plen = 2048u; /* small pieces: keep runs fast */
  if (((b >> 4) & 3u) == 3u) {
    tl = ((uint32_t)rd_u8(&c->rd) % 205u + 1u) * 40u;
    memcpy(h + 8, "l/", 2);
    memset(h + 10, 'L', tl - 2u);
  } else {
    const char *t = names[(b >> 4) & 3u];
    tl = (uint32_t)strlen(t);
    memcpy(h + 8, t, tl);
  }
  rem = 2u + tl + (qos ? 2u : 0u) + plen;
  /* Fixed header right before the topic length field. */
  {
    uint8_t fh[5];
    uint32_t n = 0, v = rem;
    fh[n++] = (uint8_t)(0x30u | (uint32_t)qos << 1 | (qos && (b & 4u) ? 8u : 0u) | ((b & 8u) ? 1u : 0u));
    do {
      uint8_t d = (uint8_t)(v & 0x7fu);
      v >>= 7;
      fh[n++] = (uint8_t)(d | (v ? 0x80u : 0u));
    } while (v);
    head = 8u - n - 2u;
    memcpy(h + head, fh, n);
    h[6] = (uint8_t)(tl >> 8);
    h[7] = (uint8_t)tl;
    if (qos) {
      h[8 + tl] = (uint8_t)(id >> 8);
      h[8 + tl + 1] = (uint8_t)id;
    }
  }
  {
    uint32_t hlen = 8u + tl + (qos ? 2u : 0u) - head;
    uint32_t step = piece == 0 ? 1u : (uint32_t)piece * 16u;
    total = hlen + plen;
    stop = (b & 0x40u) ? (uint32_t)((uint64_t)total * rd_u8(&c->rd) / 256u) : total;
    /* One exact heap copy of what is sent (ASan sees a read past its end),
     * fed in views of `step` bytes. */
    uint8_t *q = (uint8_t *)malloc(stop ? stop : 1u);
    FUZZ_CHECK(q != NULL, "out of memory");
    for (uint32_t at = 0; at < stop; at++) q[at] = at < hlen ? h[head + at] : (uint8_t)((at - hlen) * 7u);
    c->verify = c->s.big == BigRx_NONE && c->s.rxLen == 0;
    while (sent < stop) {
      uint32_t k = stop - sent < step ? stop - sent : step;
      Session_onRecv(&c->s, RT_BYTES(q + sent, k), c->now);
      sent += k;
    }
    c->verify = false;
    free(q);
  }
}

static uint32_t pick_step(Ctx *c) {
  static const uint32_t big[8] = {29999u, 30000u, 60000u, 0x7fffffffu, 0xffffffffu, 999u, 1000u, 10001u};
  uint8_t b = rd_u8(&c->rd);
  if (b < 100) return (uint32_t)b * 10u;
  if (b < 200) return (uint32_t)(b - 100u) * 1000u;
  return big[b % 8u];
}

static void run_op(Ctx *c) {
  uint8_t op = rd_u8(&c->rd) % 16u;
  if (c->trace) fprintf(stderr, "op %u at %u: state %u txLen %u rxLen %u recs %u subs %u wire %u\n", op, c->now, c->s.state, c->s.txLen, c->s.rxLen, c->s.recCount, c->s.subCount, c->wireLen);
  if (c->trace)
    for (uint32_t i = 0; i < c->s.recCount; i++)
      fprintf(stderr, "  rec %u: id %u qos %u state %u len %u done %u\n", i, c->s.recs[i].packetId, c->s.recs[i].qos, c->s.recs[i].state, c->s.recs[i].len, c->s.recs[i].done);
  switch (op) {
  case OP_RECV_RAW: {
    size_t got;
    const uint8_t *p = rd_bytes(&c->rd, rd_u8(&c->rd), &got);
    feed(c, p, (uint32_t)got);
    break;
  }
  case OP_RECV_BIG:
    recv_big(c);
    break;
  case OP_RECV_PKT:
  case OP_RECV_PKT2: {
    uint32_t n = make_server_packet(c);
    feed_split(c, c->scratch, n, rd_u8(&c->rd));
    break;
  }
  case OP_TICK: {
    Session *s = &c->s;
    uint32_t ka;
    c->now += pick_step(c);
    Session_tick(s, c->now);
    if (s->state == SessionState_CONNECTING)
      FUZZ_CHECK((uint32_t)(c->now - s->connectStart) < CONFIG_MGOS_MQTT_CONNACK_TIMEOUT_MS, "still connecting %u ms after CONNECT", c->now - s->connectStart);
    ka = (uint32_t)s->cfg.keepAlive * 1000u;
    if (s->state == SessionState_CONNECTED && ka > 0) {
      FUZZ_CHECK(!s->pingOutstanding || (uint32_t)(c->now - s->pingSentAt) < ka, "PINGREQ unanswered for %u ms", c->now - s->pingSentAt);
      FUZZ_CHECK(s->pingOutstanding || (uint32_t)(c->now - s->lastTx) < ka, "nothing sent for %u ms and no PINGREQ", c->now - s->lastTx);
    }
    break;
  }
  case OP_PUBLISH: {
    uint8_t b = rd_u8(&c->rd);
    uint8_t qos = (uint8_t)(b & 3u);
    uint32_t plen = (uint32_t)rd_u8(&c->rd) * (1u + ((b >> 3) & 15u));
    uint8_t eff = eff_qos(c, qos);
    uint32_t before = c->s.recCount;
    uint16_t id = Session_publish(&c->s, B(TOPICS[(b >> 5) & 7u]), RT_BYTES(c->payload, plen), qos, (b & 4u) != 0, c->now);
    FUZZ_CHECK((id == 0) == (c->s.lastError != MGOS_MQTT_ERR_OK), "publish returned %u with lastError %u", id, c->s.lastError);
    if (id != 0 && qos <= 2 && eff > 0) {
      live_add(c, id, false);
      FUZZ_CHECK(in_recs(&c->s, id), "publish returned id %u but did not store it", id);
    }
    if (id != 0 && eff == 0 && in_recs(&c->s, id)) live_add(c, id, true);
    if (id == 0 && c->s.lastError == MGOS_MQTT_ERR_NOT_CONNECTED) FUZZ_CHECK(c->s.state != SessionState_CONNECTED, "NOT_CONNECTED while connected");
    if (qos > 2 || !topic_validTopicName(B(TOPICS[(b >> 5) & 7u]))) FUZZ_CHECK(id == 0, "invalid publish accepted");
    (void)before;
    break;
  }
  case OP_SUBSCRIBE: {
    uint8_t b = rd_u8(&c->rd);
    (void)Session_subscribe(&c->s, B(FILTERS[b & 7u]), (uint8_t)((b >> 3) & 3u), (int32_t)(b >> 5));
    break;
  }
  case OP_UNSUBSCRIBE:
    (void)Session_unsubscribe(&c->s, B(FILTERS[rd_u8(&c->rd) & 7u]));
    break;
  case OP_DRAIN: {
    uint8_t b = rd_u8(&c->rd);
    drain(c, b == 0 ? c->s.txLen : b < 128 ? b : (uint32_t)(b - 127u) * 16u);
    break;
  }
  case OP_CONN_LOST: {
    uint8_t pending = c->act; /* a handler of the CLOSE may reconnect */
    Session_connectionLost(&c->s, c->now);
    FUZZ_CHECK(pending != ACT_NONE || (c->s.state == SessionState_DISCONNECTED && !c->s.closing), "after connectionLost: state %u closing %d", c->s.state, c->s.closing);
    break;
  }
  case OP_CONNECT:
    do_connect(c);
    break;
  case OP_DISCONNECT:
    (void)Session_disconnect(&c->s);
    break;
  case OP_CLOSE_IF_WANTED:
    /* The CLOSE event (if any) marks the end; a handler may reconnect in it. */
    if (Session_wantsClose(&c->s)) close_wanted(c);
    break;
  case OP_HANDLER_ACTION: {
    static const int32_t evs[8] = {0, SessionEvent_CONNACK, SessionEvent_PUBLISH, SessionEvent_PUBACK, SessionEvent_SUBACK, SessionEvent_CLOSE, SessionEvent_PUBREC, SessionEvent_PINGRESP};
    uint8_t b = rd_u8(&c->rd);
    c->act = (uint8_t)(b % ACT_COUNT);
    c->actEv = evs[(b >> 4) & 7u];
    break;
  }
  case OP_SET_MAX_QOS:
    Session_setMaxQos(&c->s, rd_u8(&c->rd) % 4u);
    break;
  case OP_RECV_SPLIT: {
    /* The rest of the input as broker bytes, cut every `stride` bytes. */
    uint8_t stride = rd_u8(&c->rd);
    size_t got;
    const uint8_t *p = rd_bytes(&c->rd, c->rd.n, &got);
    feed_split(c, p, (uint32_t)got, stride);
    break;
  }
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const uint32_t limits[8] = {0u, 2u, 4u, 16u, 100u, 3072u, 3073u, 100000u};
  static const uint32_t starts[4] = {0u, 0xffffffffu - 4999u, 1000u, 0x7fffffffu - 1000u};
  static const uint16_t kas[4] = {0, 1, 10, 60};
  static const uint32_t queues[4] = {0, 1, 5, 16};
  Ctx *c = &C;
  uint8_t h0, h1, h2;
  const char *err;

  memset(c, 0, sizeof(*c));
  Session_init(&c->s);
  c->rd = (Reader){data, size, 0};
  c->trace = getenv("FUZZ_TRACE") != NULL;
  c->skipOpen = getenv("FUZZ_SKIP_OPEN") != NULL;
  h0 = rd_u8(&c->rd);
  h1 = rd_u8(&c->rd);
  h2 = rd_u8(&c->rd);
  c->h3 = rd_u8(&c->rd);
  for (uint32_t i = 0; i < sizeof(c->payload); i++) c->payload[i] = (uint8_t)(i * 7u);
  c->s.onEvent = on_event;
  c->s.onLog = on_log;
  c->s.ud = c;
  c->s.cfg.cleanSession = (h0 & 1u) != 0;
#ifdef FUZZ_SESSION_V5
  c->s.cfg.version = 5;
#endif
  c->connackFirst = (h0 & 2u) != 0;
  c->s.cfg.keepAlive = kas[(h0 >> 2) & 3u];
  c->s.cfg.maxQos = (uint8_t)((h0 >> 4) & 3u) > 2 ? 2 : (uint8_t)((h0 >> 4) & 3u);
  c->s.cfg.maxQueueLength = queues[(h0 >> 6) & 3u];
  c->s.cfg.recvLimit = limits[h1 & 7u];
  c->now = starts[(h1 >> 3) & 3u];
  c->s.cfg.willRetain = (h2 & 4u) != 0;
  c->take = (h2 & 8u) != 0;
  c->s.cfg.dropOldest = (h2 & 16u) != 0;
  c->persist = (h2 & 32u) != 0;
  if (c->persist) c->s.onStore = on_store;
  err = SessionConfig_setStrings(&c->s.cfg, B("fuzz-client"), (h2 & 2u) ? B("user") : B(""), (h2 & 2u) ? B("pass") : B(""),
                                 (h2 & 1u) ? B("will/topic") : B(""), (h2 & 1u) ? B("gone") : B(""));
  FUZZ_CHECK(err == NULL, "setStrings: %s", err);
  c->closed = true; /* nothing may happen before the first connect */

  do_connect(c);
  check_invariants(c);
  while (!rd_done(&c->rd)) {
    run_op(c);
    if (c->h3 & 1u) drain(c, c->s.txLen);
    if ((c->h3 & 2u) && Session_wantsClose(&c->s)) close_wanted(c);
    check_invariants(c);
  }
  return 0;
}
