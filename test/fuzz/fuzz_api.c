/* libFuzzer harness over the API layer's receive path: the generated conn and
 * facade code (ts-src/mgos/conn.ts, mg_mqtt.ts) with the port externs
 * (port.h) defined here as a fake network and clock. Bytes from the broker go
 * in through mgos_mqtt_port_on_recv at arbitrary split points, interleaved
 * with mgos_mqtt_port_poll clock steps, TCP connect results, peer closes,
 * sends that accept only part of the data (or fail), the mgos_mqtt_conn_*
 * calls, and handlers that call back into the library (publish, subscribe,
 * disconnect, connect, raw mg_mqtt_* packets) while they run.
 *
 * Checked (abort() on violation), besides ASan/UBSan on everything:
 *   - handlers get readable ev_data (topic, payload) and an nc that maps back
 *     to the connection; no handler runs for a connection that is gone;
 *   - the socket: never connect while one is open (a leaked socket), send
 *     only on an open one, never an empty send;
 *   - the wire (bytes the fake socket accepted) is a stream of valid client
 *     packets, CONNECT first on every TCP connection;
 *   - is_connected() agrees with the session; poll() waits at most 1 s.
 *
 * Input: 4 header bytes (as fuzz_session.c: h0 session settings and
 * CONNACK-first; h1 recv limit and start clock; h2 bit 0 will, bit 1 user,
 * bit 2 a connect_fn, bit 3 a global handler, bit 4 a subscription at start;
 * h3 send policy), then ops, op = byte % 16 (see run_op). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec_broker.h" /* the broker side, test-only: test/support/gen */
#include "config_schema.h"
#include "conn.h"
#include "fuzz_common.h"
#include "mg_mqtt.h"
#include "mg_types.h"
#include "packet.h"
#include "port.h"
#include "session.h"

#define SLOT 1 /* conn_create2 with conn_id 1 takes slot 1 */

enum {
  OP_RECV_RAW = 0, OP_RECV_PKT, OP_POLL, OP_PUB, OP_SUB, OP_UNSUB, OP_SEND_MODE, OP_PEER_CLOSE, OP_CONNECT,
  OP_DISCONNECT, OP_TCP_RESULT, OP_HANDLER_ACTION, OP_SET_MAX_QOS, OP_RECV_SPLIT, OP_RECV_PKT2, OP_RECV_PKT3
};
enum { ACT_NONE = 0, ACT_PUB, ACT_SUB, ACT_UNSUB, ACT_DISCONNECT, ACT_CONNECT, ACT_RAW_PUBACK, ACT_PING, ACT_MAX_QOS, ACT_COUNT };

static const char *const TOPICS[8] = {"a/b", "t", "a/b/c/d/e/f", "$SYS/x", "a/+", "", "sensors/temperature/room-1", "#"};
static const char *const FILTERS[8] = {"a/b", "a/+", "#", "+/+/#", "a/#/b", "", "t", "sensors/+/room-1"};

typedef struct {
  Reader rd;
  uint32_t now;
  uint32_t rnd;
  mgos_mqtt_conn *conn;
  bool connackFirst;
  /* Fake socket. */
  bool sockOpen;     /* port_net_connect succeeded and no close since */
  bool tcpPending;   /* the connect has not been answered yet */
  uint8_t sendMode;  /* 0 all, 1..127 at most that many per call, 128..191 a budget of (mode-128)*8 bytes then full, 192.. fail once */
  uint32_t budget;
  bool notClean; /* a send on this socket failed (or, with FUZZ_SKIP_OPEN, finding 2 or 3 hit): its close is not a clean one */
  uint8_t wire[8192];
  uint32_t wireLen;
  bool sawConnect, sawDisconnect;
  uint16_t ring[16];
  uint32_t ringN;
  Packet wpkt;
  /* Handlers. */
  int depth;
  uint8_t act;
  int events;
  bool skipOpen;
  bool trace; /* FUZZ_TRACE=1: print ops, logs and socket calls (to read a crash input) */
  uint8_t scratch[4096];
  uint8_t payload[4096];
} Ctx;

static Ctx C;

/* ---------------------------------------------------------------- port externs */

uint32_t port_now_ms(void) { return C.now; }

double port_time(void) { return 1767225600.0 + C.now / 1000.0; }

/* The array accessors of mg_mqtt_subscribe (compat.c, not linked here; raw
 * subscribes are not among the fuzzed calls). */
const char *mg_topic_expr_topic(void *topics, uint32_t i) {
  (void)topics;
  (void)i;
  return NULL;
}
uint8_t mg_topic_expr_qos(void *topics, uint32_t i) {
  (void)topics;
  (void)i;
  return 0;
}
const char *mg_topic_list_at(void *topics, uint32_t i) {
  (void)topics;
  (void)i;
  return NULL;
}

uint32_t port_rand(void) {
  C.rnd ^= C.rnd << 13;
  C.rnd ^= C.rnd >> 17;
  C.rnd ^= C.rnd << 5;
  return C.rnd;
}

void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  for (uint32_t i = 0; i < dst.len; i++) dst.p[i] = (uint8_t)port_rand();
}

static uint32_t touch(const void *p, size_t n) {
  const uint8_t *b = (const uint8_t *)p;
  uint32_t h = 0;
  for (size_t i = 0; i < n; i++) h = h * 31u + b[i];
  return h;
}

void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  FUZZ_CHECK(msg != NULL && level >= 0 && level <= 3, "bad log call");
  if (C.trace) fprintf(stderr, "  log %d: %s%.*s\n", level, msg, (int)detail.len, detail.p ? (const char *)detail.p : "");
  /* FUZZ_SKIP_OPEN=1 steps around finding 2 (disconnect with a full tx buffer). */
  if (C.skipOpen && strcmp(msg, "disconnect: tx full, dropped") == 0) C.notClean = true;
  (void)touch(msg, strlen(msg));
  (void)touch(detail.p, detail.len);
}

int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tls_slot) {
  rt_bytes host = {host_p, host_len};
  (void)tls_slot;
  FUZZ_CHECK(slot == SLOT, "connect on slot %d", slot);
  FUZZ_CHECK(!C.sockOpen, "connect while the previous socket is still open (leak)");
  FUZZ_CHECK(host.len > 0 && port > 0, "connect to an empty host or port 0");
  (void)touch(host.p, host.len);
  if (C.trace) fprintf(stderr, "  net_connect\n");
  C.sockOpen = true;
  C.tcpPending = true;
  C.wireLen = 0;
  C.sawConnect = false;
  C.sawDisconnect = false;
  C.notClean = false;
  return 0;
}

static void wire_check(void);

int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  uint32_t n = data.len;
  FUZZ_CHECK(slot == SLOT, "send on slot %d", slot);
  FUZZ_CHECK(C.sockOpen && !C.tcpPending, "send on a socket that is not connected");
  FUZZ_CHECK(data.len > 0, "empty send");
  if (C.sendMode >= 192) {
    C.sendMode = 0;
    C.notClean = true;
    return -1;
  }
  if (C.sendMode >= 128) {
    /* A socket buffer with room for `budget` more bytes, then full. */
    if (n > C.budget) n = C.budget;
    C.budget -= n;
  } else if (C.sendMode > 0 && n > C.sendMode) {
    n = C.sendMode;
  }
  if (n > sizeof(C.wire) - C.wireLen) n = (uint32_t)(sizeof(C.wire) - C.wireLen);
  if (n == 0) return 0;
  memcpy(C.wire + C.wireLen, data.p, n);
  C.wireLen += n;
  wire_check();
  return (int32_t)n;
}

void port_net_close(int32_t slot) {
  FUZZ_CHECK(slot == SLOT, "close on slot %d", slot);
  if (C.trace) fprintf(stderr, "  net_close\n");
  /* A close after disconnect(): the broker must have a whole DISCONNECT as the
   * last thing (else it sees a broken stream and publishes the will). */
  if (C.conn != NULL && C.conn->session.state == SessionState_DISCONNECTING && !C.notClean)
    FUZZ_CHECK(C.sawDisconnect && C.wireLen == 0, "closing after disconnect(): DISCONNECT %s, %u stray bytes on the wire",
               C.sawDisconnect ? "sent" : "not sent", C.wireLen);
  C.sockOpen = false;
  C.tcpPending = false;
}

const char *port_device_id(void) { return "fuzz-device"; }

void port_event_trigger(int32_t ev, void *arg) {
  (void)ev;
  FUZZ_CHECK(arg != NULL, "cloud event without its argument");
}

/* ---------------------------------------------------------------- the wire */

static void wire_check(void) {
  uint32_t off = 0;
  while (off < C.wireLen) {
    Packet *p = &C.wpkt;
    int32_t r = codec_broker_decode(RT_BYTES(C.wire + off, C.wireLen - off), UINT32_MAX, false, p);
    FUZZ_CHECK(r >= 0, "client wrote an invalid packet (%s)", packet_decodeErrNameAll((DecodeErr)(-r)));
    if (r == 0) break;
    if (p->type == PacketType_CONNECT) {
      FUZZ_CHECK(!C.sawConnect, "second CONNECT on one TCP connection");
      C.sawConnect = true;
    } else {
      FUZZ_CHECK(C.sawConnect, "type %u before CONNECT", p->type);
      FUZZ_CHECK(!C.sawDisconnect, "type %u after DISCONNECT", p->type);
      if (p->type == PacketType_DISCONNECT) C.sawDisconnect = true;
      FUZZ_CHECK(p->type != PacketType_CONNACK && p->type != PacketType_SUBACK && p->type != PacketType_UNSUBACK &&
                     p->type != PacketType_PINGRESP,
                 "client sent a server packet, type %u", p->type);
    }
    if ((p->type == PacketType_PUBLISH && p->qos > 0) || p->type == PacketType_SUBSCRIBE || p->type == PacketType_UNSUBSCRIBE ||
        p->type == PacketType_PUBREL) {
      C.ring[C.ringN % 16u] = p->packetId;
      C.ringN++;
    }
    off += (uint32_t)r;
  }
  if (off > 0) {
    memmove(C.wire, C.wire + off, C.wireLen - off);
    C.wireLen -= off;
  }
}

/* ---------------------------------------------------------------- handlers */

static void run_action(mg_connection *nc);

/* mgos_mqtt_conn_disconnect. FUZZ_SKIP_OPEN=1 steps around finding 3 (a
 * second disconnect while the first DISCONNECT is queued drops it): set it to
 * look for other bugs while findings in /work/briefs/FUZZ_FINDINGS.md are open. */
static void app_disconnect(void) {
  if (C.skipOpen && C.conn->session.state == SessionState_DISCONNECTING) return;
  mgos_mqtt_conn_disconnect(C.conn);
}

static void check_nc(mg_connection *nc) {
  FUZZ_CHECK(nc != NULL && mgos_mqtt_conn_from_nc(nc) == C.conn, "handler got an nc of another connection");
}

static void after_event(mg_connection *nc) {
  C.events++;
  if (C.act != ACT_NONE && C.depth < 3) {
    C.depth++;
    run_action(nc);
    C.depth--;
  }
}

static void on_global(mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)ud;
  check_nc(nc);
  if (ev == MG_EV_POLL) {
    /* ev_data is the wall time (a double), not a message. */
    FUZZ_CHECK(ev_data != NULL && *(const double *)ev_data > 1.5e9, "MG_EV_POLL without the time");
    return;
  }
  if (ev == MGOS_MQTT_EV_DROPPED) {
    mgos_mqtt_dropped *d = (mgos_mqtt_dropped *)ev_data;
    FUZZ_CHECK(d != NULL && d->packet_id != 0 && d->qos >= 0 && d->qos <= 2, "DROPPED event data");
    (void)touch(d->topic.p, d->topic.len);
    (void)touch(d->payload.p, d->payload.len);
  } else if (ev_data != NULL) {
    mg_mqtt_message *m = (mg_mqtt_message *)ev_data;
    (void)touch(m->topic.p, m->topic.len);
    (void)touch(m->payload.p, m->payload.len);
    /* SUBACK: the granted QoS, 0x80 for a refused filter (docs/delivery.md). */
    FUZZ_CHECK((m->qos >= 0 && m->qos <= 2) || (ev == MG_EV_MQTT_SUBACK && m->qos == 0x80), "event %d qos %d", ev, m->qos);
    if (ev == MG_EV_MQTT_PUBLISH_PART)
      FUZZ_CHECK(m->current_data_offset <= m->total_data_len && m->payload.len <= m->total_data_len - m->current_data_offset,
                 "fragment %lu+%lu of %lu", (unsigned long)m->current_data_offset, (unsigned long)m->payload.len, (unsigned long)m->total_data_len);
    if (ev == MG_EV_MQTT_PUBLISH_SKIPPED) FUZZ_CHECK(m->payload.len == 0, "skipped message with %lu bytes", (unsigned long)m->payload.len);
    if (ev != MG_EV_MQTT_PUBLISH_PART && ev != MG_EV_MQTT_PUBLISH_SKIPPED)
      FUZZ_CHECK(m->current_data_offset == 0 && m->total_data_len == 0, "event %d with fragment fields", ev);
  } else {
    FUZZ_CHECK(ev == MG_EV_CLOSE || ev == MGOS_MQTT_EV_OUTBOX_ROOM, "event %d without ev_data", ev);
  }
  after_event(nc);
}

static void on_sub(mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  (void)ud;
  check_nc(nc);
  FUZZ_CHECK(topic_len > 0 && msg_len >= 0, "sub handler: topic %d bytes, message %d", topic_len, msg_len);
  (void)touch(topic, (size_t)topic_len);
  (void)touch(msg, (size_t)msg_len);
  after_event(nc);
}

static void connect_fn(mg_connection *nc, const char *client_id, mg_send_mqtt_handshake_opts *opts, void *arg) {
  (void)arg;
  FUZZ_CHECK(client_id != NULL && opts != NULL, "connect_fn arguments");
  (void)touch(client_id, strlen(client_id));
  mg_mqtt_handshake(nc, client_id, opts);
}

static void run_action(mg_connection *nc) {
  uint8_t a = C.act;
  C.act = ACT_NONE;
  switch (a) {
  case ACT_PUB:
    (void)conn_pub_bytes(C.conn, "h/x", RT_BYTES(C.payload, 20), 1, false);
    break;
  case ACT_SUB:
    mgos_mqtt_conn_sub(C.conn, "h/#", 2, on_global, NULL);
    break;
  case ACT_UNSUB:
    (void)mgos_mqtt_conn_unsub(C.conn, "a/b");
    break;
  case ACT_DISCONNECT:
    app_disconnect();
    break;
  case ACT_CONNECT:
    (void)mgos_mqtt_conn_connect(C.conn);
    break;
  case ACT_RAW_PUBACK:
    mg_mqtt_puback(nc, C.ringN ? C.ring[(C.ringN - 1u) % 16u] : 1);
    break;
  case ACT_PING:
    mg_mqtt_ping(nc);
    break;
  case ACT_MAX_QOS:
    mgos_mqtt_conn_set_max_qos(C.conn, 0);
    break;
  default:
    break;
  }
}

/* ---------------------------------------------------------------- driving */

static void feed(const uint8_t *p, uint32_t n) {
  uint8_t *q = (uint8_t *)malloc(n ? n : 1u);
  FUZZ_CHECK(q != NULL, "out of memory");
  if (n) memcpy(q, p, n);
  mgos_mqtt_port_on_recv(SLOT, RT_BYTES(q, n));
  free(q);
}

static void feed_split(const uint8_t *p, uint32_t n, uint8_t split) {
  uint32_t at = 0, step = split == 0 ? n : split;
  while (at < n) {
    uint32_t k = n - at < step ? n - at : step;
    feed(p + at, k);
    at += k;
  }
}

static uint16_t pick_id(void) {
  uint8_t b = rd_u8(&C.rd);
  if (b < 0xc0 && C.ringN > 0) return C.ring[(C.ringN - 1u - (b % (C.ringN < 16u ? C.ringN : 16u))) % 16u];
  if (b == 0xff) return rd_u16(&C.rd);
  return (uint16_t)(b & 0x3fu);
}

static rt_bytes Bs(const char *s) { return RT_BYTES((uint8_t *)(uintptr_t)s, strlen(s)); }

static uint32_t make_server_packet(void) {
  rt_bytes out = RT_BYTES(C.scratch, sizeof(C.scratch));
  uint8_t kind = rd_u8(&C.rd) % 10u;
  switch (kind) {
  case 0: {
    uint8_t b = rd_u8(&C.rd);
    return codec_broker_encodeConnack(out, (b & 0x80) != 0 && (b & 7u) == 0, (uint8_t)((b & 7u) % 6u));
  }
  case 1: {
    uint8_t b = rd_u8(&C.rd);
    uint8_t qos = (uint8_t)(b % 3u);
    uint32_t plen = (uint32_t)rd_u8(&C.rd) * (1u + ((b >> 2) & 15u));
    uint16_t id = qos ? pick_id() : 0;
    if (qos && id == 0) id = 1;
    return codec_encodePublish(out, Bs(TOPICS[(b >> 6) & 3u]), RT_BYTES(C.payload, plen), qos, (b & 0x20) != 0, qos && (b & 0x10), id);
  }
  case 2: return codec_encodeAck(out, PacketType_PUBACK, pick_id());
  case 3: return codec_encodeAck(out, PacketType_PUBREC, pick_id());
  case 4: return codec_encodeAck(out, PacketType_PUBREL, pick_id());
  case 5: return codec_encodeAck(out, PacketType_PUBCOMP, pick_id());
  case 6: {
    uint16_t id = pick_id();
    uint8_t code = rd_u8(&C.rd);
    code = (code & 0x80) ? 0x80 : (uint8_t)(code % 3u);
    return codec_broker_encodeSuback(out, id, RT_BYTES(&code, 1));
  }
  case 7: return codec_encodeAck(out, PacketType_UNSUBACK, pick_id());
  case 8: return codec_encodeSimple(out, PacketType_PINGRESP);
  default: {
    uint32_t n = 0, count = 1u + rd_u8(&C.rd) % 24u;
    for (uint32_t i = 0; i < count; i++)
      n += codec_encodePublish(RT_BYTES(C.scratch + n, (uint32_t)sizeof(C.scratch) - n), Bs("a/b"), RT_BYTES(C.payload, 3), (uint8_t)(1u + (i & 1u)), false, false, (uint16_t)(100u + i));
    return n;
  }
  }
}

/* The broker accepts the TCP connection and, with CONNACK-first, the session. */
static void answer_connect(bool ok) {
  if (!C.tcpPending) return;
  if (ok) C.tcpPending = false;
  else {
    C.sockOpen = false;
    C.tcpPending = false;
  }
  mgos_mqtt_port_on_connect(SLOT, ok, ok ? 0 : -111);
  /* Only once CONNECT is on the wire: a broker answers what it received. */
  if (ok && C.connackFirst && C.sockOpen && C.sawConnect) {
    uint8_t ack[4];
    uint32_t n = codec_broker_encodeConnack(RT_BYTES(ack, 4), false, 0);
    feed(ack, n);
  }
}

static void poll_to(uint32_t now) {
  uint32_t w;
  C.now = now;
  w = mgos_mqtt_port_poll(now);
  FUZZ_CHECK(w <= 1000u, "poll asks to wait %u ms", w);
  /* A CONNACK-first broker answers every connect at once. */
  if (C.connackFirst) answer_connect(true);
}

static uint32_t pick_step(void) {
  static const uint32_t big[8] = {29999u, 30000u, 60000u, 0x7fffffffu, 0xffffffffu, 999u, 1000u, 10001u};
  uint8_t b = rd_u8(&C.rd);
  if (b < 100) return (uint32_t)b * 10u;
  if (b < 200) return (uint32_t)(b - 100u) * 1000u;
  return big[b % 8u];
}

static void check_state(void) {
  mgos_mqtt_conn *c = C.conn;
  bool up = mgos_mqtt_conn_is_connected(c);
  FUZZ_CHECK(!up || (c->session.state == SessionState_CONNECTED && c->net == NetState_OPEN), "is_connected but session state %u net %u", c->session.state, c->net);
  FUZZ_CHECK(c->net == NetState_IDLE || C.sockOpen, "net state %u with the socket closed", c->net);
  FUZZ_CHECK(c->net != NetState_IDLE || !C.sockOpen, "the socket is open but the connection is IDLE: it will never be closed (leak)");
  /* rx is never full between packets; a large PUBLISH's header (streamed) may fill it. */
  FUZZ_CHECK(c->session.txLen <= CONFIG_MGOS_MQTT_TX_BUF_SIZE &&
                 (c->session.big != BigRx_NONE ? c->session.rxLen <= CONFIG_MGOS_MQTT_RX_BUF_SIZE : c->session.rxLen < CONFIG_MGOS_MQTT_RX_BUF_SIZE),
             "session buffers: tx %u rx %u (big %u)", c->session.txLen, c->session.rxLen, c->session.big);
  FUZZ_CHECK(c->nHandlers <= CONFIG_MGOS_MQTT_MAX_TOPIC_HANDLERS && c->nGlobal <= CONFIG_MGOS_MQTT_MAX_GLOBAL_HANDLERS, "%u topic / %u global handlers", c->nHandlers, c->nGlobal);
  FUZZ_CHECK(mgos_mqtt_conn_num_unsent_bytes(c) >= c->session.txLen, "unsent bytes below txLen");
}

static void run_op(void) {
  uint8_t op = rd_u8(&C.rd) % 16u;
  if (C.trace) fprintf(stderr, "op %u at %u (net %u, session %u)\n", op, C.now, C.conn->net, C.conn->session.state);
  switch (op) {
  case OP_RECV_RAW: {
    size_t got;
    const uint8_t *p = rd_bytes(&C.rd, rd_u8(&C.rd), &got);
    feed(p, (uint32_t)got);
    break;
  }
  case OP_RECV_PKT:
  case OP_RECV_PKT2:
  case OP_RECV_PKT3: {
    uint32_t n = make_server_packet();
    feed_split(C.scratch, n, rd_u8(&C.rd));
    break;
  }
  case OP_POLL:
    poll_to(C.now + pick_step());
    break;
  case OP_PUB: {
    uint8_t b = rd_u8(&C.rd);
    uint32_t plen = (uint32_t)rd_u8(&C.rd) * (1u + ((b >> 3) & 15u));
    (void)conn_pub_bytes(C.conn, TOPICS[(b >> 5) & 7u], RT_BYTES(C.payload, plen), (int)(b & 3u) - ((b & 4u) ? 1 : 0), (b & 4u) != 0);
    break;
  }
  case OP_SUB: {
    uint8_t b = rd_u8(&C.rd);
    /* Bit 5: a handler that takes large PUBLISHes in fragments. */
    if (b & 0x20u)
      (void)mgos_mqtt_conn_sub_opt(C.conn, FILTERS[b & 7u], (int)((b >> 3) & 3u), MGOS_MQTT_SUB_FRAGMENTS, on_global, NULL);
    else
      mgos_mqtt_conn_sub(C.conn, FILTERS[b & 7u], (int)((b >> 3) & 3u), on_global, NULL);
    break;
  }
  case OP_UNSUB:
    (void)mgos_mqtt_conn_unsub(C.conn, FILTERS[rd_u8(&C.rd) & 7u]);
    break;
  case OP_SEND_MODE:
    C.sendMode = rd_u8(&C.rd);
    C.budget = C.sendMode >= 128 && C.sendMode < 192 ? (uint32_t)(C.sendMode - 128u) * 8u : 0u;
    break;
  case OP_PEER_CLOSE: {
    uint8_t b = rd_u8(&C.rd);
    if (!C.sockOpen) break; /* a port reports a close only for an open socket */
    C.sockOpen = false;
    C.tcpPending = false;
    mgos_mqtt_port_on_close(SLOT, (b & 1u) ? -104 : 0);
    break;
  }
  case OP_CONNECT:
    (void)mgos_mqtt_conn_connect(C.conn);
    break;
  case OP_DISCONNECT:
    app_disconnect();
    break;
  case OP_TCP_RESULT:
    answer_connect((rd_u8(&C.rd) & 7u) != 0);
    break;
  case OP_HANDLER_ACTION:
    C.act = (uint8_t)(rd_u8(&C.rd) % ACT_COUNT);
    break;
  case OP_SET_MAX_QOS:
    mgos_mqtt_conn_set_max_qos(C.conn, (int)(rd_u8(&C.rd) % 5u) - 1);
    break;
  case OP_RECV_SPLIT: {
    uint8_t stride = rd_u8(&C.rd);
    size_t got;
    const uint8_t *p = rd_bytes(&C.rd, C.rd.n, &got);
    feed_split(p, (uint32_t)got, stride);
    break;
  }
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int limits[8] = {0, 2, 4, 16, 100, 3072, 3073, 100000};
  static const uint32_t starts[4] = {0u, 0xffffffffu - 4999u, 1000u, 0x7fffffffu - 1000u};
  static const int kas[4] = {0, 1, 10, 60};
  static const int queues[4] = {0, 1, 5, 16};
  static mgos_mqtt_conn *prev = NULL;
  mgos_config_mqtt cfg;
  uint8_t h0, h1, h2;

  /* A fresh connection every input: the slot of the previous one is reset to
   * its initial values (the library has no destroy call). */
  if (prev != NULL) {
    memset(prev, 0, sizeof(*prev));
    mgos_mqtt_conn_init(prev);
  }
  memset(&C, 0, sizeof(C));
  C.rd = (Reader){data, size, 0};
  C.rnd = 2463534242u;
  C.trace = getenv("FUZZ_TRACE") != NULL;
  C.skipOpen = getenv("FUZZ_SKIP_OPEN") != NULL;
  h0 = rd_u8(&C.rd);
  h1 = rd_u8(&C.rd);
  h2 = rd_u8(&C.rd);
  C.sendMode = rd_u8(&C.rd);
  C.budget = C.sendMode >= 128 && C.sendMode < 192 ? (uint32_t)(C.sendMode - 128u) * 8u : 0u;
  for (uint32_t i = 0; i < sizeof(C.payload); i++) C.payload[i] = (uint8_t)(i * 7u);
  C.connackFirst = (h0 & 2u) != 0;
  C.now = starts[(h1 >> 3) & 3u];

  memset(&cfg, 0, sizeof(cfg)); /* _init sets only the non-zero fields */
  mgos_config_mqtt_init(&cfg);
  cfg.enable = true;
  cfg.server = (h1 & 0x20) ? "[::1]:1883" : "broker.local:1883";
  cfg.client_id = (h2 & 0x20) ? "" : "fuzz-client";
  cfg.clean_session = (h0 & 1u) != 0;
  cfg.keep_alive = kas[(h0 >> 2) & 3u];
  cfg.max_qos = (h0 >> 4) & 3u;
  cfg.max_queue_length = queues[(h0 >> 6) & 3u];
  cfg.recv_mbuf_limit = limits[h1 & 7u];
  cfg.reconnect_timeout_min = (h1 & 0x40) ? 0.001 : 1.0;
  cfg.reconnect_timeout_max = (h1 & 0x80) ? 0.5 : 8.0;
  cfg.will_topic = (h2 & 1u) ? "will/topic" : "";
  cfg.will_message = (h2 & 1u) ? "gone" : "";
  cfg.user = (h2 & 2u) ? "user" : "";
  cfg.pass = (h2 & 2u) ? "pass" : "";
  cfg.cloud_events = (h2 & 0x40) != 0;

  C.conn = conn_create2(1, &cfg, NULL);
  FUZZ_CHECK(C.conn != NULL && C.conn->slot == SLOT, "conn_create2 did not take slot 1");
  prev = C.conn;
  if (h2 & 4u) mgos_mqtt_conn_set_connect_fn(C.conn, connect_fn, NULL);
  if (h2 & 8u) mgos_mqtt_conn_add_handler(C.conn, on_global, NULL);
  if (h2 & 16u) mgos_mqtt_conn_sub(C.conn, "a/+", 1, on_global, NULL);
  if (h2 & 0x80) {
    /* A sub_handler_t subscription (mgos_mqtt_sub's kind) as well. */
    mgos_mqtt_conn_subscribe(C.conn, Bs("a/#"), 1, HandlerKind_SUB, NULL, on_sub, NULL);
  }
  poll_to(C.now);
  check_state();
  while (!rd_done(&C.rd)) {
    run_op();
    check_state();
  }
  /* Shut down as an application would, with a socket that takes everything:
   * DISCONNECT goes out and the socket is closed, no reconnect follows. */
  C.sendMode = 0;
  C.act = ACT_NONE;
  if (C.skipOpen && C.conn->session.state == SessionState_DISCONNECTING) C.notClean = true; /* finding 3: not a clean close */
  mgos_mqtt_conn_disconnect(C.conn);
  poll_to(C.now + 1u);
  FUZZ_CHECK(!C.sockOpen, "socket still open after disconnect (net %u, session state %u)", C.conn->net, C.conn->session.state);
  poll_to(C.now + 100000u);
  FUZZ_CHECK(!C.sockOpen, "reconnected after disconnect");
  return 0;
}
