/* Replays WebSocket link scripts (test/ws/support/wsdiff.ts writes them) on
 * the generated C of ts-src/mgos/ws.ts and prints the same transcript as the
 * TypeScript under Node. One process runs every script; an `N` line starts
 * one (a fresh link, the random source reseeded). Ops, one a line:
 *   B host port tls path now   begin          R hex now   onRecv
 *   W hex                      wrap           T n         take n bytes of tx (0: all)
 *   C code now                 close          E now       expired / nextIn
 * "-" is an empty hex or path. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port.h"
#include "ws.h"

static WsLink link_;
static uint32_t rnd;
static char line[1 << 20];
static uint8_t buf[1 << 19];

static void put_hex(const uint8_t *p, uint32_t n) {
  static const char digits[] = "0123456789abcdef";
  if (n == 0) {
    fputs("-", stdout);
    return;
  }
  for (uint32_t i = 0; i < n; i++) {
    putchar(digits[p[i] >> 4]);
    putchar(digits[p[i] & 15]);
  }
}

static int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return 0;
}

static rt_bytes hex(const char *h) {
  rt_bytes b;
  b.p = buf;
  b.len = 0;
  if (h == NULL || strcmp(h, "-") == 0) return b;
  size_t n = strlen(h) / 2;
  for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(nibble(h[2 * i]) * 16 + nibble(h[2 * i + 1]));
  b.len = (uint32_t)n;
  return b;
}

static uint32_t next_rand(void) {
  rnd ^= rnd << 13;
  rnd ^= rnd >> 17;
  rnd ^= rnd << 5;
  return rnd;
}

void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  for (uint32_t i = 0; i < dst.len; i++) dst.p[i] = (uint8_t)(next_rand() & 255);
}

void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  printf("log %d %s", (int)level, msg);
  if (detail.len > 0) fwrite(detail.p, 1, detail.len, stdout);
  putchar('\n');
}

uint32_t port_now_ms(void) { return 0; }
double port_time(void) { return 0; }
uint32_t port_rand(void) { return next_rand(); }
int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tlsSlot) {
  rt_bytes host = {host_p, host_len};
  (void)slot, (void)host, (void)port, (void)tlsSlot;
  return -1;
}
int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  (void)slot, (void)data;
  return -1;
}
void port_net_close(int32_t slot) { (void)slot; }
const char *port_device_id(void) { return "dev"; }
void port_event_trigger(int32_t ev, void *arg) { (void)ev, (void)arg; }

static bool on_data(void *ud, rt_bytes d, uint32_t now) {
  (void)ud;
  printf("data %u ", (unsigned)now);
  put_hex(d.p, d.len);
  putchar('\n');
  return true;
}

static bool on_open(void *ud, uint32_t now) {
  (void)ud;
  printf("open %u\n", (unsigned)now);
  return true;
}

static void status(void) {
  printf("state %u txLen %u want %d\n", (unsigned)link_.state, (unsigned)link_.txLen, WsLink_wantsClose(&link_) ? 1 : 0);
}

int main(void) {
  while (fgets(line, sizeof line, stdin) != NULL) {
    line[strcspn(line, "\n")] = 0;
    char *save = NULL;
    char *op = strtok_r(line, " ", &save);
    if (op == NULL) continue;
    if (strcmp(op, "N") == 0) {
      memset(&link_, 0, sizeof link_);
      WsLink_init(&link_);
      WsLink_reset(&link_);
      link_.onData = on_data;
      link_.onOpen = on_open;
      rnd = 2463534242u;
      printf("N\n");
      continue;
    }
    char *a = strtok_r(NULL, " ", &save), *b = strtok_r(NULL, " ", &save), *c = strtok_r(NULL, " ", &save);
    char *d = strtok_r(NULL, " ", &save), *e = strtok_r(NULL, " ", &save);
    if (strcmp(op, "B") == 0) {
      static uint8_t host[256];
      rt_bytes h = hex(a);
      memcpy(host, h.p, h.len);
      rt_bytes hb = {host, h.len};
      rt_bytes pb = hex(d);
      bool ok = WsLink_begin(&link_, hb, (uint16_t)atoi(b), atoi(c) != 0, pb, (uint32_t)strtoul(e, NULL, 10));
      printf("begin %d\n", ok ? 1 : 0);
    } else if (strcmp(op, "R") == 0) {
      WsLink_onRecv(&link_, hex(a), (uint32_t)strtoul(b, NULL, 10));
    } else if (strcmp(op, "W") == 0) {
      printf("wrap %u\n", (unsigned)WsLink_wrap(&link_, hex(a)));
    } else if (strcmp(op, "T") == 0) {
      uint32_t n = (uint32_t)strtoul(a, NULL, 10);
      rt_bytes v = WsLink_txView(&link_);
      if (n == 0 || n > v.len) n = v.len;
      printf("tx ");
      put_hex(v.p, n);
      putchar('\n');
      WsLink_txConsumed(&link_, n);
    } else if (strcmp(op, "C") == 0) {
      WsLink_close(&link_, (uint16_t)atoi(a), (uint32_t)strtoul(b, NULL, 10));
    } else if (strcmp(op, "E") == 0) {
      uint32_t now = (uint32_t)strtoul(a, NULL, 10);
      bool x = WsLink_expired(&link_, now);
      printf("expired %d next %u\n", x ? 1 : 0, (unsigned)WsLink_nextIn(&link_, now, 60000));
    } else {
      printf("bad op %s\n", op);
      return 2;
    }
    status();
  }
  return 0;
}
