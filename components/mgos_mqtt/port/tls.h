/* TLS for the mgos_mqtt ports: one mbedTLS session per connection slot.
 *
 * The ports (port_posix.c, port_esp32.c) own the sockets and the loop; this
 * module owns everything TLS. One file serves mbedTLS 2.28 (Debian's
 * libmbedtls-dev) and 3.x (ESP-IDF 5), with version checks where they differ.
 *
 * Life of a TLS connection in slot N:
 *   mgos_tls_setup(N, cfg, host)   before the TCP connect: reads and checks the
 *                                  CA, certificate, key, PSK, cipher suites
 *   mgos_tls_start(N, fd, now)     the TCP connect finished on socket fd
 *   mgos_tls_handshake(N)          again on every readiness until DONE or ERROR
 *   mgos_tls_send / mgos_tls_recv  application data
 *   mgos_tls_free(N)               always, also after a failure: frees the
 *                                  session and wipes the key material
 *   (or mgos_tls_end(N)            frees the session, keeps the parsed settings)
 * Storage: a fixed pool of contexts (no malloc here beyond a file being read);
 * mbedTLS allocates its record buffers and parsed certificates itself. */
#ifndef MGOS_MQTT_TLS_H
#define MGOS_MQTT_TLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct mgos_config_mqtt;

/* Results of mgos_tls_handshake (and the direction a would-block waits for). */
enum mgos_tls_status {
  MGOS_TLS_ERROR = -1,     /* failed: mgos_tls_error() says why */
  MGOS_TLS_DONE = 0,       /* handshake complete, server verified */
  MGOS_TLS_WANT_READ = 1,  /* wait until the socket is readable */
  MGOS_TLS_WANT_WRITE = 2, /* wait until the socket is writable */
};

/* mgos_tls_recv: the peer closed the TLS session (close_notify or EOF). */
#define MGOS_TLS_CLOSED (-2)

/* Prepares slot `slot` for a connection to `host` (the name the server
 * certificate must carry, also sent as SNI; an IP literal is matched against
 * the certificate's IP addresses). Reads ssl_ca_cert, ssl_cert, ssl_key,
 * ssl_psk_identity, ssl_psk_key and ssl_cipher_suites from `cfg`. Returns 0,
 * or < 0 with mgos_tls_error() naming the bad setting (the slot is then free). */
int mgos_tls_setup(int slot, const struct mgos_config_mqtt *cfg, const char *host);

/* The TCP connection of a set-up slot is established on `fd` at `now_ms`
 * (the handshake timeout counts from here). */
void mgos_tls_start(int slot, int fd, uint32_t now_ms);

/* Advances the handshake: an mgos_tls_status. */
int mgos_tls_handshake(int slot);

/* Milliseconds left before the handshake of `slot` times out (0: it has). */
uint32_t mgos_tls_handshake_ms_left(int slot, uint32_t now_ms);

/* The handshake timeout (CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS). */
uint32_t mgos_tls_handshake_timeout_ms(void);

/* Encrypts and sends up to `len` bytes: bytes taken (> 0), 0 when the socket
 * is full (then *want says which readiness to wait for), < 0 on error. After a
 * 0, call again with the same bytes first (mbedTLS's rule for partial writes). */
int mgos_tls_send(int slot, const uint8_t *data, size_t len, int *want);

/* Reads decrypted bytes: > 0 bytes, 0 nothing yet, MGOS_TLS_CLOSED when the
 * peer closed, MGOS_TLS_ERROR on error. */
int mgos_tls_recv(int slot, uint8_t *buf, size_t len);

/* True when mbedTLS holds received data the socket no longer signals
 * (decrypted bytes not yet read, or a record already read in). */
int mgos_tls_pending(int slot);

/* Sends close_notify if the socket takes it now (best effort, never blocks). */
void mgos_tls_close_notify(int slot);

/* Ends the session of `slot` (its session keys wiped) but keeps the parsed
 * certificates, key and PSK for the next mgos_tls_setup() of this slot with
 * the same settings and host, which then parses nothing (the ESP32 port). */
void mgos_tls_end(int slot);

/* Frees the session of `slot` and wipes its key material; a no-op when unused. */
void mgos_tls_free(int slot);

/* Frees every slot and the shared random generator (at program exit). */
void mgos_tls_cleanup(void);

/* Why the last call on `slot` failed ("" if it did not): mbedTLS's reason. */
const char *mgos_tls_error(int slot);

/* The mbedTLS error code behind mgos_tls_error() (negative), or -1. */
int mgos_tls_error_code(int slot);

#ifdef __cplusplus
}
#endif

#endif /* MGOS_MQTT_TLS_H */
