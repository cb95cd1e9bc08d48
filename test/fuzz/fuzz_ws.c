/* libFuzzer harness over the generated WebSocket link (gen/ws.c, from
 * ts-src/mgos/ws.ts).
 *
 * Input: byte 0 selects the start: even -> the bytes are the server's answer to
 * the Upgrade (the 101 parser sees them); odd -> a valid 101 first, then the
 * bytes are server frames. The rest is a program: each step reads one byte,
 *   0..191   feed the next 1..(b % 64 + 1) input bytes to onRecv
 *   192..223 wrap (b - 191) * 9 bytes of client data
 *   224..239 the socket takes some of tx (a byte says how much)
 *   240..247 our close(1000)
 *   248..255 time passes (expired / nextIn)
 * Invariants: tx never exceeds MGOS_MQTT_WS_TX_SIZE; every byte in tx is a
 * complete, masked client frame of an allowed opcode (binary, Close, PONG) or
 * the Upgrade request; no payload reaches the session before the 101 or after
 * the link closed, and never more than was fed; a closed link that has written
 * its tx wants the socket closed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "port.h"
#include "ws.h"

static uint32_t rnd;
static uint64_t delivered, fed;
static bool data_ok;

void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  for (uint32_t i = 0; i < dst.len; i++) {
    rnd ^= rnd << 13;
    rnd ^= rnd >> 17;
    rnd ^= rnd << 5;
    dst.p[i] = (uint8_t)rnd;
  }
}
void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) { (void)level, (void)msg, (void)detail_p, (void)detail_len; }
uint32_t port_now_ms(void) { return 0; }
double port_time(void) { return 0; }
uint32_t port_rand(void) { return 4; }
int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tls) {
  rt_bytes host = {host_p, host_len};
  (void)slot, (void)host, (void)port, (void)tls;
  return -1;
}
int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  (void)slot, (void)data;
  return -1;
}
void port_net_close(int32_t slot) { (void)slot; }
const char *port_device_id(void) { return "fuzz"; }
void port_event_trigger(int32_t ev, void *arg) { (void)ev, (void)arg; }

static bool on_data(void *ud, rt_bytes d, uint32_t now) {
  WsLink *l = (WsLink *)ud;
  (void)now;
  FUZZ_CHECK(data_ok && l->state == WsState_OPEN, "payload in state %u", (unsigned)l->state);
  delivered += d.len;
  return true;
}

static bool on_open(void *ud, uint32_t now) {
  (void)ud, (void)now;
  data_ok = true;
  return true;
}

/* tx after the request: whole client frames only. */
static void check_frames(const WsLink *l, uint32_t from) {
  const uint8_t *t = l->tx;
  uint32_t i = from, n = l->txLen;
  FUZZ_CHECK(n <= CONFIG_MGOS_MQTT_WS_TX_SIZE, "txLen %u", (unsigned)n);
  while (i < n) {
    FUZZ_CHECK(i + 6 <= n, "cut frame header at %u of %u", (unsigned)i, (unsigned)n);
    uint8_t op = t[i] & 15;
    FUZZ_CHECK((t[i] & 0xf0) == 0x80, "FIN/RSV byte %02x", t[i]);
    FUZZ_CHECK(op == 2 || op == 8 || op == 10, "opcode %u", op);
    FUZZ_CHECK((t[i + 1] & 0x80) != 0, "unmasked client frame");
    uint32_t len = t[i + 1] & 0x7fu, h = 6;
    FUZZ_CHECK(len != 127, "64-bit length from the client");
    if (len == 126) {
      len = (uint32_t)t[i + 2] << 8 | t[i + 3];
      h = 8;
      FUZZ_CHECK(len >= 126, "16-bit length %u where 7 bits do", (unsigned)len);
    }
    FUZZ_CHECK(op == 2 || len <= 125, "control frame of %u", (unsigned)len);
    FUZZ_CHECK(i + h + len <= n, "frame past tx: %u + %u + %u > %u", (unsigned)i, (unsigned)h, (unsigned)len, (unsigned)n);
    i += h + len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static WsLink link_;
  static uint8_t client[4096];
  static uint8_t resp[256];
  Reader r = {data, size, 0};
  uint32_t now = 1000;
  memset(&link_, 0, sizeof link_);
  WsLink_init(&link_);
  WsLink_reset(&link_);
  link_.onData = on_data;
  link_.onOpen = on_open;
  link_.ud = &link_;
  rnd = 2463534242u;
  delivered = fed = 0;
  data_ok = false;
  static uint8_t host[] = "h";
  static uint8_t path[] = "/mqtt";
  FUZZ_CHECK(WsLink_begin(&link_, RT_BYTES(host, 1), 8080, false, RT_BYTES(path, 5), now), "begin");
  WsLink_txConsumed(&link_, link_.txLen);
  if (rd_u8(&r) & 1) {
    /* A valid 101 for this key, computed by the link's own accept function
     * (its correctness is the unit and differential tests' job). */
    uint8_t acc[28];
    ws_computeAccept(RT_BYTES(link_.key, 24), RT_BYTES(acc, 28));
    int n = snprintf((char *)resp, sizeof resp,
                     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Accept: %.28s\r\n\r\n", (const char *)acc);
    WsLink_onRecv(&link_, RT_BYTES(resp, (uint32_t)n), now);
    FUZZ_CHECK(link_.state == WsState_OPEN, "the valid 101 was refused");
  }
  while (!rd_done(&r)) {
    uint8_t b = rd_u8(&r);
    if (b < 192) {
      size_t want = (size_t)(b % 64) + 1, left = r.n - r.at;
      size_t n = want < left ? want : left;
      uint8_t before = link_.state;
      /* An exactly sized heap copy: ASan sees any read past what was given. */
      uint8_t *q = (uint8_t *)malloc(n ? n : 1);
      FUZZ_CHECK(q != NULL, "oom");
      memcpy(q, r.p + r.at, n);
      r.at += n;
      if (before == WsState_OPEN) fed += n;
      WsLink_onRecv(&link_, RT_BYTES(q, (uint32_t)n), now);
      free(q);
      if (before == WsState_HANDSHAKE && link_.state == WsState_OPEN) fed += n; /* frames after the header */
    } else if (b < 224) {
      uint32_t n = (uint32_t)(b - 191) * 9u;
      for (uint32_t i = 0; i < n; i++) client[i] = (uint8_t)(i * 7);
      uint32_t k = WsLink_wrap(&link_, RT_BYTES(client, n));
      FUZZ_CHECK(k <= n, "wrap took %u of %u", (unsigned)k, (unsigned)n);
      FUZZ_CHECK(k == 0 || link_.state == WsState_OPEN, "wrap in state %u", (unsigned)link_.state);
    } else if (b < 240) {
      uint32_t k = rd_u8(&r) * 8u;
      if (k > link_.txLen) k = link_.txLen;
      check_frames(&link_, 0);
      /* Take whole frames only, so the check above keeps a frame boundary at 0. */
      uint32_t i = 0;
      while (i < link_.txLen) {
        uint32_t len = link_.tx[i + 1] & 0x7fu, h = 6;
        if (len == 126) {
          len = (uint32_t)link_.tx[i + 2] << 8 | link_.tx[i + 3];
          h = 8;
        }
        if (i + h + len > k) break;
        i += h + len;
      }
      WsLink_txConsumed(&link_, i);
    } else if (b < 248) {
      WsLink_close(&link_, 1000, now);
    } else {
      now += (uint32_t)(b - 247) * 997u;
      uint32_t next = WsLink_nextIn(&link_, now, 60000);
      bool x = WsLink_expired(&link_, now);
      FUZZ_CHECK(!x || next == 0, "expired but next %u", (unsigned)next);
    }
    if (link_.state != WsState_HANDSHAKE) check_frames(&link_, 0);
    if (link_.state == WsState_CLOSED || link_.state == WsState_CLOSING) data_ok = false;
    FUZZ_CHECK(delivered <= fed, "delivered %llu > fed %llu", (unsigned long long)delivered, (unsigned long long)fed);
    if (link_.state == WsState_CLOSED && link_.txLen == 0) FUZZ_CHECK(WsLink_wantsClose(&link_), "closed, tx empty, no close");
  }
  return 0;
}
