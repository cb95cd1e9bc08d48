/* Default bodies for the platform externs of the generated code
 * (ts-src/mgos/port.ts: `declare function port_*`), linked into every C test
 * program so that programs testing pure modules (codec, topic, session) link
 * without the socket/TLS port. They are weak: a test that drives the clock or
 * the network itself defines its own and wins.
 *
 * Behaviour is real, not scripted: the clock is the machine's, logging prints,
 * and there is no network in a test binary, so connecting fails at once. */
#if defined(__unix__) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */
#endif

#if defined(__has_include)
#if __has_include("port.h")
#define HOST_PORT_HAVE_PORT_H 1
#endif
#endif

#ifdef HOST_PORT_HAVE_PORT_H
#include <stdio.h>
#include <time.h>

#include "port.h"

#define WEAK __attribute__((weak))

WEAK uint32_t port_now_ms(void) {
#if defined(__unix__)
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
#else
  /* Bare metal (QEMU): newlib's clock() asks the host through semihosting. */
  return (uint32_t)((uint64_t)clock() * 1000u / (uint64_t)CLOCKS_PER_SEC);
#endif
}

/* A set clock (2026-01-01): require_time tests use their own port. */
WEAK double port_time(void) { return 1767225600.0; }

/* xorshift32: deterministic, so a failing test run can be repeated exactly. */
WEAK uint32_t port_rand(void) {
  static uint32_t state = 2463534242u;
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

WEAK void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  static const char *const names[] = {"E", "W", "I", "D"};
  const char *name = level >= 0 && level <= 3 ? names[level] : "?";
  printf("[%s] mgos_mqtt: %s%.*s\n", name, msg != NULL ? msg : "", (int)detail.len,
         detail.p != NULL ? (const char *)detail.p : "");
}

WEAK int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tls_slot) {
  rt_bytes host = {host_p, host_len};
  (void)slot;
  (void)host;
  (void)port;
  (void)tls_slot;
  return -1; /* no network in a test binary */
}

WEAK int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  (void)slot;
  (void)data;
  return -1;
}

WEAK void port_net_close(int32_t slot) { (void)slot; }

WEAK const char *port_device_id(void) { return "host_test"; }

WEAK void port_event_trigger(int32_t ev, void *arg) {
  (void)ev;
  (void)arg;
}

/* ws.ts's random source (handshake key, frame masks): port_rand's bytes, so
 * a test run is repeatable. */
#if defined(__has_include)
#if __has_include("ws.h")
#include "ws.h"
WEAK void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  uint32_t i;
  for (i = 0; i < dst.len; i++) dst.p[i] = (uint8_t)port_rand();
}
#endif
#endif
#else
/* No generated port.h yet: nothing in gen/ needs these externs. ISO C wants
 * at least one declaration in a translation unit. */
typedef int host_port_unused;
#endif
