/* The TLS interface (port/tls.h) without TLS: links in place of
 * port/tls_mbedtls.c so test/tls/measure.ts can size the host demo without
 * mbedTLS. Every TLS connection fails at setup with a clear reason. */
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

int mgos_tls_setup(int slot, const struct mgos_config_mqtt *cfg, const char *host) {
  (void) slot;
  (void) cfg;
  (void) host;
  return -1;
}
void mgos_tls_start(int slot, int fd, uint32_t now_ms) {
  (void) slot;
  (void) fd;
  (void) now_ms;
}
int mgos_tls_handshake(int slot) {
  (void) slot;
  return MGOS_TLS_ERROR;
}
uint32_t mgos_tls_handshake_ms_left(int slot, uint32_t now_ms) {
  (void) slot;
  (void) now_ms;
  return 0;
}
uint32_t mgos_tls_handshake_timeout_ms(void) { return 0; }
int mgos_tls_send(int slot, const uint8_t *data, size_t len, int *want) {
  (void) slot;
  (void) data;
  (void) len;
  *want = 0;
  return MGOS_TLS_ERROR;
}
int mgos_tls_recv(int slot, uint8_t *buf, size_t len) {
  (void) slot;
  (void) buf;
  (void) len;
  return MGOS_TLS_ERROR;
}
int mgos_tls_pending(int slot) {
  (void) slot;
  return 0;
}
void mgos_tls_close_notify(int slot) { (void) slot; }
void mgos_tls_free(int slot) { (void) slot; }
void mgos_tls_cleanup(void) {}
const char *mgos_tls_error(int slot) {
  (void) slot;
  return "this build has no TLS";
}
int mgos_tls_error_code(int slot) {
  (void) slot;
  return -1;
}
