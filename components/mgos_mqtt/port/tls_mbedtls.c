/* TLS over mbedTLS for the mgos_mqtt ports (interface and life cycle: tls.h).
 *
 * Built on the two platforms that have mbedTLS: the POSIX host (Debian's
 * libmbedtls-dev, 2.28) and ESP-IDF (3.x). Elsewhere (bare-metal cross builds
 * of the portable C in the test tiers) this file compiles to nothing.
 *
 * The configuration keys, as in the reference (mgos_mqtt):
 *   ssl_ca_cert        CA certificate(s) that must have signed the server's;
 *                      turns TLS on, with host name verification and SNI
 *   ssl_cert, ssl_key  client certificate and its private key (mutual TLS)
 *   ssl_psk_identity,  pre-shared key (hex); turns TLS on; without ssl_ca_cert
 *   ssl_psk_key        only PSK cipher suites are offered
 *   ssl_cipher_suites  mbedTLS suite names separated by ':' ',' or spaces
 * A certificate or key setting is a file name (host: relative to the working
 * directory; ESP-IDF: relative to CONFIG_MGOS_MQTT_TLS_FS_ROOT unless it starts
 * with '/'), or the PEM text itself when it starts with "-----BEGIN". */
#if defined(ESP_PLATFORM) || defined(__unix__)
#define MGOS_TLS_BUILD 1
#elif defined(__has_include)
#if __has_include(<mbedtls/ssl.h>)
#define MGOS_TLS_BUILD 1
#endif
#endif

#ifdef MGOS_TLS_BUILD

#ifndef ESP_PLATFORM
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef ESP_PLATFORM
#include "lwip/inet.h"
#include "lwip/sockets.h"
#else
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/types.h>
#endif

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/sha256.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#endif

#include "config_schema.h"
#include "port.h"
#include "tls.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
/* A TLS handshake that has not finished this long after the TCP connect is
 * given up (a server that accepts and then says nothing, a lost packet). */
#ifndef CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS
#define CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS 10000
#endif
/* ESP-IDF: where relative certificate file names are looked up. */
#ifndef CONFIG_MGOS_MQTT_TLS_FS_ROOT
#define CONFIG_MGOS_MQTT_TLS_FS_ROOT "/spiffs"
#endif

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

#define NSLOTS CONFIG_MGOS_MQTT_MAX_CONNS
/* Cipher suites ssl_cipher_suites may name (the PSK default list is cut there too). */
#define MAX_SUITES 32
/* Certificate and key files larger than this are refused (a CA bundle fits). */
#define MAX_FILE_SIZE (256 * 1024)
#define ERR_LEN 320

struct tls_slot {
  int in_use;
  int fd;
  uint32_t start_ms;
  /* An mbedtls_ssl_write that returned WANT_WRITE took this many bytes: the
   * next call must offer the same bytes again (mbedTLS's rule). */
  size_t pending_write;
  int err_code;
  int sock_errno;
  int has_ca, has_cert, has_psk, has_suites;
  int handshake_done;
  /* The server is named by an IP literal: matched against the certificate's
   * iPAddress names by verify_ip (mbedTLS 2.28 only matches DNS names). */
  uint8_t ip[16];
  size_t ip_len;
  /* The parsed settings below (conf, ca, cert, key, PSK, suites, drbg) are
   * kept by mgos_tls_end() for the next mgos_tls_setup() with the same
   * settings and host (digest): certificates are parsed once per change. */
  int creds;
  unsigned char digest[32];
  /* The slot's own generator, seeded from the shared entropy at set-up: a
   * port may run one slot's handshake while another slot encrypts. */
  mbedtls_ctr_drbg_context drbg;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
  mbedtls_x509_crt ca;
  mbedtls_x509_crt cert;
  mbedtls_pk_context key;
  /* The record layer as it arrives (see watch_records): the header of the
   * record being read, how much of it and of its body is still to come, and
   * the description of the last alert that came in clear (-1: none). */
  unsigned char rec_hdr[5];
  size_t rec_hdr_len;
  size_t rec_left;
  unsigned char rec_alert[2];
  int alert;
  int suites[MAX_SUITES + 1]; /* 0-terminated, as mbedtls_ssl_conf_ciphersuites wants */
  char err[ERR_LEN];
};

static struct tls_slot s_tls[NSLOTS];

/* One random generator for all slots (the loop is single-threaded; the
 * ESP-IDF port runs it in one task under its lock), allocated on first use:
 * Debian's entropy context alone is 38 KB (HAVEGE state), which a program
 * that never uses TLS should not carry in .bss. */
struct tls_rng {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
};
static struct tls_rng *s_rng;

static struct tls_slot *slot_at(int slot) {
  if (slot < 0 || slot >= NSLOTS) return NULL;
  return &s_tls[slot];
}

/* ---------------------------------------------------------------- errors */

static void mbed_reason(int code, char *out, size_t len) {
#if defined(MBEDTLS_ERROR_C)
  mbedtls_strerror(code, out, len);
#else
  snprintf(out, len, "mbedTLS error -0x%04X", (unsigned) -code);
#endif
}

/* Sets the slot's error text (printf format); code < 0 appends mbedTLS's
 * reason for it. vsnprintf: long file names are cut, not overflowed. */
static int fail(struct tls_slot *t, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct tls_slot *t, int code, const char *fmt, ...) {
  va_list ap;
  size_t n;
  va_start(ap, fmt);
  vsnprintf(t->err, sizeof(t->err), fmt, ap);
  va_end(ap);
  n = strlen(t->err);
  if (code < 0 && n + 3 < sizeof(t->err)) {
    memcpy(t->err + n, ": ", 3);
    mbed_reason(code, t->err + n + 2, sizeof(t->err) - n - 2);
  }
  t->err_code = code < 0 ? code : -1;
  return t->err_code;
}

/* TLS alert descriptions (RFC 5246 7.2, RFC 8446 6.2) a broker sends when it
 * refuses a handshake. */
static const char *alert_name(unsigned d) {
  switch (d) {
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    default: return "?";
  }
}

/* The alert the server sent, if it came in clear (TLS 1.2 handshakes, where
 * the configuration errors happen). mbedTLS 2.28 and 3.x have no public
 * accessor for a received alert, so bio_recv watches the records go by: a
 * TLS record is a 5-byte header (type, version, length) and its body, and an
 * unencrypted alert is a type-21 record of exactly 2 bytes (level,
 * description). An encrypted one (after the server's ChangeCipherSpec, or
 * any TLS 1.3 alert after ServerHello) is longer or typed as application
 * data: it is not decoded and only mbedTLS's reason is given. */
static void watch_records(struct tls_slot *t, const unsigned char *p, size_t n) {
  while (n > 0) {
    if (t->rec_hdr_len < sizeof(t->rec_hdr)) {
      t->rec_hdr[t->rec_hdr_len++] = *p++;
      n--;
      if (t->rec_hdr_len == sizeof(t->rec_hdr)) {
        t->rec_left = ((size_t) t->rec_hdr[3] << 8) | t->rec_hdr[4];
        if (t->rec_left == 0) t->rec_hdr_len = 0;
      }
      continue;
    }
    {
      size_t len = ((size_t) t->rec_hdr[3] << 8) | t->rec_hdr[4];
      size_t k = n < t->rec_left ? n : t->rec_left;
      if (t->rec_hdr[0] == MBEDTLS_SSL_MSG_ALERT && len == 2) {
        size_t i;
        for (i = 0; i < k; i++) t->rec_alert[len - t->rec_left + i] = p[i];
        if (k == t->rec_left) t->alert = t->rec_alert[1];
      }
      t->rec_left -= k;
      p += k;
      n -= k;
      if (t->rec_left == 0) t->rec_hdr_len = 0;
    }
  }
}

static int last_alert(const struct tls_slot *t) { return t->alert; }

/* Why a handshake failed, with what the configuration suggests. */
static void handshake_failure(struct tls_slot *t, int ret) {
  char reason[160];
  mbed_reason(ret, reason, sizeof(reason));
  if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
    /* mbedtls_x509_crt_verify_info gives one line per problem: join them. */
    char info[ERR_LEN - 60];
    uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);
    int n = mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
    char *p;
    if (n > 0 && info[n - 1] == '\n') info[n - 1] = '\0';
    for (p = info; (p = strchr(p, '\n')) != NULL;) *p = ';';
    fail(t, 0, "server certificate rejected: %s", n > 0 ? info : reason);
  } else if ((ret == MBEDTLS_ERR_NET_SEND_FAILED || ret == MBEDTLS_ERR_NET_RECV_FAILED || ret == MBEDTLS_ERR_NET_CONN_RESET) &&
             t->sock_errno != 0) {
    fail(t, 0, "%s (%s)", reason, strerror(t->sock_errno));
  } else if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
    /* The alert alone rarely says which setting is wrong: suggest the likely one. */
    int a = last_alert(t);
    const char *hint = t->has_psk && !t->has_ca           ? " (check ssl_psk_identity and ssl_psk_key)"
                       : t->has_suites && (a == 40 || a == 71) ? " (does the server accept any of ssl_cipher_suites?)"
                       : !t->has_cert                     ? " (does the server require a client certificate? ssl_cert, ssl_key)"
                                                          : "";
    if (a >= 0) {
      fail(t, 0, "%s: %s (%d)%s", reason, alert_name((unsigned) a), a, hint);
    } else {
      fail(t, 0, "%s%s", reason, hint);
    }
  } else {
    fail(t, 0, "%s", reason);
  }
  t->err_code = ret;
}

/* ---------------------------------------------------------------- socket I/O for mbedTLS */

static int bio_send(void *ctx, const unsigned char *buf, size_t len) {
  struct tls_slot *t = (struct tls_slot *) ctx;
  ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);
  if (n >= 0) return (int) n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_WRITE;
  t->sock_errno = errno;
  if (errno == ECONNRESET || errno == EPIPE) {
    /* A server that refuses us (an empty client certificate: in TLS 1.2
     * during the handshake, in TLS 1.3 just after it) sends an alert and
     * closes before reading the rest. Pretend the bytes went out, so the
     * next read finds that alert: its reason is worth more than "connection
     * reset". The read then fails either way (alert, EOF or reset). */
    return (int) len;
  }
  return errno == ECONNRESET || errno == EPIPE ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len) {
  struct tls_slot *t = (struct tls_slot *) ctx;
  ssize_t n = recv(t->fd, buf, len, 0);
  if (n > 0) watch_records(t, buf, (size_t) n);
  if (n >= 0) return (int) n; /* 0: EOF, which mbedTLS reports as such */
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MBEDTLS_ERR_SSL_WANT_READ;
  t->sock_errno = errno;
  return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* ---------------------------------------------------------------- set-up helpers */

static void rng_free(void) {
  if (s_rng == NULL) return;
  mbedtls_ctr_drbg_free(&s_rng->drbg);
  mbedtls_entropy_free(&s_rng->entropy);
  mbedtls_platform_zeroize(s_rng, sizeof(*s_rng));
  free(s_rng);
  s_rng = NULL;
}

static int rng_init(struct tls_slot *t) {
  static const unsigned char pers[] = "mgos_mqtt";
  int ret;
  if (s_rng != NULL) return 0;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  /* mbedTLS 3 routes some TLS crypto (TLS 1.3, USE_PSA builds) through PSA. */
  if (psa_crypto_init() != PSA_SUCCESS) return fail(t, -1, "TLS: psa_crypto_init failed");
#endif
  s_rng = (struct tls_rng *) calloc(1, sizeof(*s_rng));
  if (s_rng == NULL) return fail(t, -1, "TLS: out of memory for the random generator");
  mbedtls_entropy_init(&s_rng->entropy);
  mbedtls_ctr_drbg_init(&s_rng->drbg);
  ret = mbedtls_ctr_drbg_seed(&s_rng->drbg, mbedtls_entropy_func, &s_rng->entropy, pers, sizeof(pers) - 1);
  if (ret != 0) {
    rng_free();
    return fail(t, ret, "TLS: seeding the random generator failed");
  }
  return 0;
}

/* A certificate or key setting: the PEM text itself, or a file read into a
 * fresh buffer (*owned = 1: wipe and free it after parsing). mbedTLS wants the
 * terminating NUL counted in the length for PEM; DER tolerates it. */
static int load_blob(struct tls_slot *t, const char *what, const char *spec, unsigned char **buf, size_t *len, int *owned) {
  char path[256];
  FILE *f;
  long size;
  size_t got;
  *owned = 0;
  if (strncmp(spec, "-----BEGIN", 10) == 0) {
    *buf = (unsigned char *) (uintptr_t) spec;
    *len = strlen(spec) + 1;
    return 0;
  }
#ifdef ESP_PLATFORM
  if (spec[0] != '/') {
    snprintf(path, sizeof(path), "%s/%s", CONFIG_MGOS_MQTT_TLS_FS_ROOT, spec);
  } else
#endif
  {
    snprintf(path, sizeof(path), "%s", spec);
  }
  f = fopen(path, "rb");
  if (f == NULL) {
    return fail(t, 0, "%s: cannot read %s: %s", what, path, strerror(errno));
  }
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return fail(t, 0, "%s: cannot read %s (seek failed)", what, path);
  }
  if (size == 0 || size > MAX_FILE_SIZE) {
    fclose(f);
    return fail(t, 0, size == 0 ? "%s: %s is empty" : "%s: %s is larger than 256 KiB", what, path);
  }
  *buf = (unsigned char *) malloc((size_t) size + 1);
  if (*buf == NULL) {
    fclose(f);
    return fail(t, 0, "%s: out of memory reading %s", what, path);
  }
  got = fread(*buf, 1, (size_t) size, f);
  fclose(f);
  if (got != (size_t) size) {
    mbedtls_platform_zeroize(*buf, (size_t) size + 1);
    free(*buf);
    return fail(t, 0, "%s: short read from %s", what, path);
  }
  (*buf)[size] = '\0';
  *len = (size_t) size + 1;
  *owned = 1;
  return 0;
}

static void drop_blob(unsigned char *buf, size_t len, int owned) {
  if (!owned) return;
  mbedtls_platform_zeroize(buf, len);
  free(buf);
}

/* A setting as shown in messages: never the PEM text itself. */
static const char *shown(const char *spec) { return strncmp(spec, "-----BEGIN", 10) == 0 ? "PEM text" : spec; }

/* Parses certificates; `what` names the setting in errors. */
static int load_certs(struct tls_slot *t, mbedtls_x509_crt *crt, const char *what, const char *spec) {
  unsigned char *buf;
  size_t len;
  int owned, ret;
  if (load_blob(t, what, spec, &buf, &len, &owned) != 0) return t->err_code;
  ret = mbedtls_x509_crt_parse(crt, buf, len);
  drop_blob(buf, len, owned);
  if (ret < 0) return fail(t, ret, "%s (%s)", what, shown(spec));
  if (crt->version == 0) return fail(t, -1, "%s (%s): no certificate found", what, shown(spec));
  if (ret > 0) {
    /* A bundle with some certificates mbedTLS cannot parse still works. */
    char msg[160];
    snprintf(msg, sizeof(msg), "TLS: %s: %d certificate(s) skipped (unsupported or damaged)", what, ret);
    port_log(1, msg, RT_NOBYTES);
  }
  return 0;
}

static int load_key(struct tls_slot *t, const char *spec) {
  unsigned char *buf;
  size_t len;
  int owned, ret;
  if (load_blob(t, "ssl_key", spec, &buf, &len, &owned) != 0) return t->err_code;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  ret = mbedtls_pk_parse_key(&t->key, buf, len, NULL, 0, mbedtls_ctr_drbg_random, &t->drbg);
#else
  ret = mbedtls_pk_parse_key(&t->key, buf, len, NULL, 0);
#endif
  drop_blob(buf, len, owned);
  if (ret != 0) return fail(t, ret, "ssl_key (%s)", shown(spec));
  return 0;
}

static int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int setup_psk(struct tls_slot *t, const char *identity, const char *hex) {
  unsigned char psk[MBEDTLS_PSK_MAX_LEN];
  size_t n = strlen(hex), i;
  int ret;
  if (n == 0) return fail(t, 0, "ssl_psk_key is empty but ssl_psk_identity is set");
  if (n % 2 != 0) return fail(t, 0, "ssl_psk_key is not valid hex (odd number of digits)");
  if (n / 2 > sizeof(psk)) {
    char max[16];
    snprintf(max, sizeof(max), "%u", (unsigned) sizeof(psk));
    return fail(t, 0, "ssl_psk_key is longer than %s bytes (MBEDTLS_PSK_MAX_LEN)", max);
  }
  for (i = 0; i < n; i += 2) {
    int hi = hex_val(hex[i]), lo = hex_val(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      mbedtls_platform_zeroize(psk, sizeof(psk));
      return fail(t, 0, "ssl_psk_key is not valid hex (bad digit)");
    }
    psk[i / 2] = (unsigned char) (hi << 4 | lo);
  }
  /* mbedTLS keeps its own copy (wiped by mbedtls_ssl_config_free). */
  ret = mbedtls_ssl_conf_psk(&t->conf, psk, n / 2, (const unsigned char *) identity, strlen(identity));
  mbedtls_platform_zeroize(psk, sizeof(psk));
  if (ret != 0) return fail(t, ret, "ssl_psk_identity/ssl_psk_key");
  return 0;
}

/* Suites that authenticate with the PSK alone (no server certificate):
 * PSK, DHE-PSK, ECDHE-PSK; RSA-PSK needs the server's certificate. */
static int psk_only_suite(const char *name) {
  return strstr(name, "PSK") != NULL && strstr(name, "RSA-PSK") == NULL;
}

/* ssl_cipher_suites, or without it and without a CA the PSK suites only: a
 * PSK-only configuration must never accept an unverified certificate. */
static int setup_suites(struct tls_slot *t, const char *list) {
  size_t n = 0;
  const char *p = list;
  int cert_ok = t->has_ca;
  while (*p != '\0') {
    char name[80];
    size_t len = strcspn(p, ":, ");
    int id;
    if (len == 0) {
      p++;
      continue;
    }
    if (len >= sizeof(name)) return fail(t, 0, "ssl_cipher_suites: name too long: %.60s", p);
    memcpy(name, p, len);
    name[len] = '\0';
    p += len;
    id = mbedtls_ssl_get_ciphersuite_id(name);
    if (id == 0) return fail(t, 0, "ssl_cipher_suites: unknown cipher suite %s (mbedTLS names, e.g. TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256)", name);
    if (!cert_ok && !psk_only_suite(name)) {
      return fail(t, 0, "ssl_cipher_suites: %s needs a server certificate, but ssl_ca_cert is not set", name);
    }
    if (n >= MAX_SUITES) return fail(t, 0, "ssl_cipher_suites: more than 32 suites");
    t->suites[n++] = id;
  }
  if (n == 0 && list[0] != '\0') return fail(t, 0, "ssl_cipher_suites names no suite");
  if (n == 0 && !cert_ok) {
    /* Cheapest forward secrecy first: ECDHE-PSK, then plain PSK, and
     * finite-field DHE-PSK last (2048-bit DH takes seconds on a
     * microcontroller; 10x ECDHE on the host). */
    static const char *const kinds[] = {"TLS-ECDHE-PSK-", "TLS-PSK-", "TLS-DHE-PSK-"};
    size_t k;
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
      const int *all = mbedtls_ssl_list_ciphersuites();
      for (; *all != 0 && n < MAX_SUITES; all++) {
        const char *name = mbedtls_ssl_get_ciphersuite_name(*all);
        if (name != NULL && strncmp(name, kinds[k], strlen(kinds[k])) == 0) t->suites[n++] = *all;
      }
    }
    if (n == 0) return fail(t, 0, "this mbedTLS has no PSK cipher suites (enable MBEDTLS_KEY_EXCHANGE_PSK_ENABLED)");
  }
  t->suites[n] = 0;
  if (n > 0) mbedtls_ssl_conf_ciphersuites(&t->conf, t->suites);
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
  if (n > 0) {
    /* TLS 1.3 suites (TLS1-3-...) are separate from 1.2's: offering a
     * version without one of its suites makes servers that pick that
     * version fail the handshake. Offer only the versions the list covers. */
    size_t i, n13 = 0;
    for (i = 0; i < n; i++) {
      const char *name = mbedtls_ssl_get_ciphersuite_name(t->suites[i]);
      if (name != NULL && strncmp(name, "TLS1-3-", 7) == 0) n13++;
    }
    if (n13 == 0) mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    if (n13 == n) mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_3);
  }
#endif
  return 0;
}

/* Certificate check for a server named by an IP address: the leaf must list
 * that address as an iPAddress subject alternative name. Runs for every
 * certificate of the chain; only the leaf (depth 0) is about the name. */
static int verify_ip(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags) {
  const struct tls_slot *t = (const struct tls_slot *) ctx;
  const mbedtls_x509_sequence *san;
  if (depth != 0 || t->ip_len == 0) return 0;
  for (san = &crt->subject_alt_names; san != NULL; san = san->next) {
    if (san->buf.p != NULL && san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | 7) && san->buf.len == t->ip_len &&
        memcmp(san->buf.p, t->ip, t->ip_len) == 0) {
      return 0;
    }
  }
  *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
  return 0;
}

static const char *str_or_empty(const char *s) { return s != NULL ? s : ""; }

/* SHA-256 of the TLS settings and the host name (each with its NUL). */
static void settings_digest(const struct mgos_config_mqtt *cfg, const char *host, unsigned char out[32]) {
  mbedtls_sha256_context h;
  const char *parts[7] = {host, "", "", "", "", "", ""};
  if (cfg != NULL) {
    parts[1] = str_or_empty(cfg->ssl_ca_cert);
    parts[2] = str_or_empty(cfg->ssl_cert);
    parts[3] = str_or_empty(cfg->ssl_key);
    parts[4] = str_or_empty(cfg->ssl_psk_identity);
    parts[5] = str_or_empty(cfg->ssl_psk_key);
    parts[6] = str_or_empty(cfg->ssl_cipher_suites);
  }
  mbedtls_sha256_init(&h);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
  mbedtls_sha256_starts(&h, 0);
  for (int i = 0; i < 7; i++) mbedtls_sha256_update(&h, (const unsigned char *) parts[i], strlen(parts[i]) + 1);
  mbedtls_sha256_finish(&h, out);
#else
  mbedtls_sha256_starts_ret(&h, 0);
  for (int i = 0; i < 7; i++) mbedtls_sha256_update_ret(&h, (const unsigned char *) parts[i], strlen(parts[i]) + 1);
  mbedtls_sha256_finish_ret(&h, out);
#endif
  mbedtls_sha256_free(&h);
}

/* A new session over the settings already parsed (after mgos_tls_end). */
static int session_again(struct tls_slot *t, const char *host) {
  int ret;
  mbedtls_ssl_free(&t->ssl);
  mbedtls_ssl_init(&t->ssl);
  t->fd = -1;
  t->err[0] = '\0';
  t->err_code = 0;
  if ((ret = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0) return fail(t, ret, "TLS: mbedtls_ssl_setup");
  if ((ret = mbedtls_ssl_set_hostname(&t->ssl, t->ip_len > 0 ? NULL : host)) != 0) return fail(t, ret, "TLS: server name %s", host);
  return 0;
}

/* ---------------------------------------------------------------- the interface */

int mgos_tls_setup(int slot, const struct mgos_config_mqtt *cfg, const char *host) {
  struct tls_slot *t = slot_at(slot);
  const char *ca, *cert, *key, *psk_id, *psk_key, *suites;
  unsigned char digest[32];
  int ret;
  if (t == NULL) return -1;
  settings_digest(cfg, host, digest);
  if (t->in_use && t->creds && memcmp(digest, t->digest, sizeof(digest)) == 0) return session_again(t, host);
  mgos_tls_free(slot);
  t->in_use = 1;
  t->fd = -1;
  mbedtls_ctr_drbg_init(&t->drbg);
  mbedtls_ssl_init(&t->ssl);
  mbedtls_ssl_config_init(&t->conf);
  mbedtls_x509_crt_init(&t->ca);
  mbedtls_x509_crt_init(&t->cert);
  mbedtls_pk_init(&t->key);
  if (cfg == NULL) {
    ret = fail(t, 0, "TLS: no configuration for this connection");
    goto out;
  }
  ca = str_or_empty(cfg->ssl_ca_cert);
  cert = str_or_empty(cfg->ssl_cert);
  key = str_or_empty(cfg->ssl_key);
  psk_id = str_or_empty(cfg->ssl_psk_identity);
  psk_key = str_or_empty(cfg->ssl_psk_key);
  suites = str_or_empty(cfg->ssl_cipher_suites);
  t->has_ca = ca[0] != '\0';
  t->has_cert = cert[0] != '\0';
  t->has_psk = psk_id[0] != '\0';
  t->has_suites = suites[0] != '\0';
  if (!t->has_ca && !t->has_psk) {
    ret = fail(t, 0, "TLS needs ssl_ca_cert or ssl_psk_identity");
    goto out;
  }
  if ((ret = rng_init(t)) != 0) goto out;
  ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) {
    fail(t, ret, "TLS: mbedtls_ssl_config_defaults");
    goto out;
  }
  {
    static const unsigned char pers[] = "mgos_mqtt slot";
    ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &s_rng->entropy, pers, sizeof(pers) - 1);
    if (ret != 0) {
      fail(t, ret, "TLS: seeding the random generator failed");
      goto out;
    }
    /* Never reseed from the shared entropy later (NIST SP 800-90A allows 2^48 requests). */
    mbedtls_ctr_drbg_set_reseed_interval(&t->drbg, 0x7fffffff);
  }
  mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);

  if (t->has_ca) {
    if ((ret = load_certs(t, &t->ca, "ssl_ca_cert", ca)) != 0) goto out;
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  } else {
    /* PSK only: the key authenticates the server; setup_suites offers no
     * certificate suites, so there is no certificate to verify. */
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
  }

  if (t->has_cert != (key[0] != '\0')) {
    ret = fail(t, 0, t->has_cert ? "ssl_cert is set but ssl_key is not" : "ssl_key is set but ssl_cert is not");
    goto out;
  }
  if (t->has_cert) {
    if ((ret = load_certs(t, &t->cert, "ssl_cert", cert)) != 0) goto out;
    if ((ret = load_key(t, key)) != 0) goto out;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ret = mbedtls_pk_check_pair(&t->cert.pk, &t->key, mbedtls_ctr_drbg_random, &t->drbg);
#else
    ret = mbedtls_pk_check_pair(&t->cert.pk, &t->key);
#endif
    if (ret != 0) {
      fail(t, ret, "ssl_key (%s) does not match ssl_cert (%s)", shown(key), shown(cert));
      goto out;
    }
    if ((ret = mbedtls_ssl_conf_own_cert(&t->conf, &t->cert, &t->key)) != 0) {
      fail(t, ret, "ssl_cert/ssl_key");
      goto out;
    }
  }

  if (t->has_psk) {
    if ((ret = setup_psk(t, psk_id, psk_key)) != 0) goto out;
  } else if (psk_key[0] != '\0') {
    port_log(1, "TLS: ssl_psk_key is set but ssl_psk_identity is not: no PSK offered", RT_NOBYTES);
  }
  if ((ret = setup_suites(t, suites)) != 0) goto out;
#if MBEDTLS_VERSION_NUMBER >= 0x03020000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
  /* The PSK is set up for TLS 1.2 (mbedtls_ssl_conf_psk's TLS 1.3 use needs
   * a different suite list): keep a PSK-only session on 1.2. */
  if (!t->has_ca) mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif

  /* An IP address is checked by verify_ip and is not sent as SNI (RFC 6066
   * allows host names only); a name is both checked and sent. */
  if (inet_pton(AF_INET, host, t->ip) == 1) {
    t->ip_len = 4;
  } else if (inet_pton(AF_INET6, host, t->ip) == 1) {
    t->ip_len = 16;
  }
  if (t->ip_len > 0) mbedtls_ssl_conf_verify(&t->conf, verify_ip, t);
  if ((ret = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0) {
    fail(t, ret, "TLS: mbedtls_ssl_setup");
    goto out;
  }
  /* Also with NULL: mbedTLS 3.6 refuses to verify without an explicit call. */
  if ((ret = mbedtls_ssl_set_hostname(&t->ssl, t->ip_len > 0 ? NULL : host)) != 0) {
    fail(t, ret, "TLS: server name %s", host);
    goto out;
  }
  {
    char msg[160];
    snprintf(msg, sizeof(msg), "TLS: %s%s%s, %s", t->has_ca ? "server verified by ssl_ca_cert" : "PSK only",
             t->has_cert ? ", client certificate" : "", t->has_ca && t->has_psk ? ", PSK" : "",
             suites[0] != '\0' || !t->has_ca ? "restricted cipher suites" : "default cipher suites");
    port_log(3, msg, RT_NOBYTES);
  }
  t->creds = 1;
  memcpy(t->digest, digest, sizeof(digest));
  return 0;
out:
  {
    /* Keep the reason across the free that wipes the slot. */
    char err[ERR_LEN];
    int code = t->err_code != 0 ? t->err_code : -1;
    memcpy(err, t->err, sizeof(err));
    mgos_tls_free(slot);
    memcpy(t->err, err, sizeof(err));
    t->err_code = code;
  }
  return ret < 0 ? ret : -1;
}

void mgos_tls_start(int slot, int fd, uint32_t now_ms) {
  struct tls_slot *t = slot_at(slot);
  if (t == NULL || !t->in_use) return;
  t->fd = fd;
  t->start_ms = now_ms;
  t->sock_errno = 0;
  t->pending_write = 0;
  t->handshake_done = 0;
  t->rec_hdr_len = 0;
  t->rec_left = 0;
  t->alert = -1;
  mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
}

int mgos_tls_handshake(int slot) {
  struct tls_slot *t = slot_at(slot);
  int ret;
  if (t == NULL || !t->in_use || t->fd < 0) return MGOS_TLS_ERROR;
  ret = mbedtls_ssl_handshake(&t->ssl);
  if (ret == MBEDTLS_ERR_SSL_WANT_READ) return MGOS_TLS_WANT_READ;
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) return MGOS_TLS_WANT_WRITE;
  if (ret != 0) {
    handshake_failure(t, ret);
    return MGOS_TLS_ERROR;
  }
  t->handshake_done = 1;
  {
    char msg[160];
    snprintf(msg, sizeof(msg), "TLS handshake done: %s, %s (%u ms)", mbedtls_ssl_get_version(&t->ssl),
             mbedtls_ssl_get_ciphersuite(&t->ssl), (unsigned) (port_now_ms() - t->start_ms));
    port_log(2, msg, RT_NOBYTES);
  }
  return MGOS_TLS_DONE;
}

uint32_t mgos_tls_handshake_ms_left(int slot, uint32_t now_ms) {
  struct tls_slot *t = slot_at(slot);
  uint32_t spent;
  if (t == NULL || !t->in_use) return 0;
  spent = now_ms - t->start_ms; /* u32 arithmetic: correct across the wrap */
  return spent >= (uint32_t) CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS ? 0 : (uint32_t) CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS - spent;
}

uint32_t mgos_tls_handshake_timeout_ms(void) { return (uint32_t) CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS; }

int mgos_tls_send(int slot, const uint8_t *data, size_t len, int *want) {
  struct tls_slot *t = slot_at(slot);
  size_t n;
  int ret, max;
  *want = MGOS_TLS_WANT_WRITE;
  if (t == NULL || !t->in_use) return MGOS_TLS_ERROR;
  if (t->pending_write > 0) {
    /* The record is already encrypted in mbedTLS's buffer: finish it with the
     * same bytes before taking new ones. */
    n = t->pending_write <= len ? t->pending_write : len;
  } else {
    max = mbedtls_ssl_get_max_out_record_payload(&t->ssl);
    n = max > 0 && len > (size_t) max ? (size_t) max : len;
  }
  if (n == 0) return 0;
  ret = mbedtls_ssl_write(&t->ssl, data, n);
  if (ret > 0) {
    t->pending_write = 0;
    return ret;
  }
  if (ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
    t->pending_write = n;
    *want = ret == MBEDTLS_ERR_SSL_WANT_READ ? MGOS_TLS_WANT_READ : MGOS_TLS_WANT_WRITE;
    return 0;
  }
  handshake_failure(t, ret);
  return MGOS_TLS_ERROR;
}

int mgos_tls_recv(int slot, uint8_t *buf, size_t len) {
  struct tls_slot *t = slot_at(slot);
  int ret;
  if (t == NULL || !t->in_use) return MGOS_TLS_ERROR;
  for (;;) {
    ret = mbedtls_ssl_read(&t->ssl, buf, len);
    if (ret > 0) return ret;
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_SSL_CONN_EOF) return MGOS_TLS_CLOSED;
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
    /* TLS 1.3 servers send tickets after the handshake: not data, read on. */
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) continue;
#endif
    handshake_failure(t, ret);
    return MGOS_TLS_ERROR;
  }
}

int mgos_tls_pending(int slot) {
  struct tls_slot *t = slot_at(slot);
  if (t == NULL || !t->in_use || t->fd < 0) return 0;
  return mbedtls_ssl_get_bytes_avail(&t->ssl) > 0 || mbedtls_ssl_check_pending(&t->ssl);
}

void mgos_tls_close_notify(int slot) {
  struct tls_slot *t = slot_at(slot);
  if (t == NULL || !t->in_use || t->fd < 0) return;
  if (t->handshake_done) (void) mbedtls_ssl_close_notify(&t->ssl);
}

void mgos_tls_end(int slot) {
  struct tls_slot *t = slot_at(slot);
  if (t == NULL || !t->in_use) return;
  if (!t->creds) {
    mgos_tls_free(slot);
    return;
  }
  mbedtls_ssl_free(&t->ssl); /* wipes the session keys */
  mbedtls_ssl_init(&t->ssl);
  t->fd = -1;
  t->pending_write = 0;
  t->handshake_done = 0;
  t->sock_errno = 0;
}

void mgos_tls_free(int slot) {
  struct tls_slot *t = slot_at(slot);
  if (t == NULL || !t->in_use) return;
  /* The *_free functions wipe what they held (private key, PSK, session keys). */
  mbedtls_ctr_drbg_free(&t->drbg);
  mbedtls_ssl_free(&t->ssl);
  mbedtls_ssl_config_free(&t->conf);
  mbedtls_x509_crt_free(&t->ca);
  mbedtls_x509_crt_free(&t->cert);
  mbedtls_pk_free(&t->key);
  mbedtls_platform_zeroize(t, sizeof(*t));
  t->fd = -1;
}

void mgos_tls_cleanup(void) {
  int i;
  for (i = 0; i < NSLOTS; i++) mgos_tls_free(i);
  rng_free();
}

const char *mgos_tls_error(int slot) {
  struct tls_slot *t = slot_at(slot);
  return t != NULL ? t->err : "bad TLS slot";
}

int mgos_tls_error_code(int slot) {
  struct tls_slot *t = slot_at(slot);
  return t != NULL && t->err_code != 0 ? t->err_code : -1;
}

#else
/* No mbedTLS on this target: nothing to build (ISO C wants a declaration). */
typedef int mgos_tls_not_built;
#endif /* MGOS_TLS_BUILD */
