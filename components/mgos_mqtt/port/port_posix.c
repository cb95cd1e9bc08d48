/* Host port of mgos_mqtt: non-blocking TCP sockets driven by poll(2), TLS
 * over them (tls_mbedtls.c: the handshake is driven by the same loop), the
 * monotonic clock, logging to stderr, and the host event loop
 * (mgos_mqtt_poll / mgos_mqtt_run).
 *
 * The generated client (conn.c) calls the port_* externs below and is called
 * back through mgos_mqtt_port_on_connect / _on_recv / _on_close / _poll.
 * Callbacks are only ever made from mgos_mqtt_poll(), never from inside a
 * port_* call, so the client never sees re-entrant calls. */
#ifndef ESP_PLATFORM

#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conn.h"
#include "mgos_mqtt_host.h"
#include "port.h"
#include "tls.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
#define NSLOTS CONFIG_MGOS_MQTT_MAX_CONNS

/* Bytes read from a socket per poll iteration (the client buffers packets). */
#define RECV_CHUNK 2048
/* TLS reads per poll iteration: mbedTLS may hold more than the socket shows,
 * so a readable TLS slot is drained up to this many chunks (the rest is taken
 * in the next iteration, which then does not wait). */
#define TLS_READS_PER_POLL 16

/* SLOT_HANDSHAKE: TCP is up, the TLS handshake is under way. */
enum slot_state { SLOT_FREE = 0, SLOT_CONNECTING, SLOT_HANDSHAKE, SLOT_OPEN };

struct slot {
  int fd;
  enum slot_state state;
  /* Addresses not yet tried for the connect under way (host names may
   * resolve to several, e.g. ::1 and 127.0.0.1 for localhost). */
  struct addrinfo *ai_all, *ai_next;
  /* Bumped on every close, so the poll loop notices a slot that a callback
   * closed or reopened while it was walking the results. */
  unsigned gen;
  /* The last send was cut short: wake up when the socket is writable. */
  int want_write;
  char host[256];
  unsigned short port;
  /* TLS on: the tls.h slot in use, and which readiness the handshake waits for. */
  int tls;
  int tls_slot;
  int tls_want;
};

static struct slot s_slots[NSLOTS];
static int s_inited;
static uint32_t s_next_timer; /* port_now_ms() when mgos_mqtt_port_poll is due */
static int s_in_poll, s_stop;
static int s_log_level = 2;
static mgos_mqtt_host_event_cb_t s_event_cb;
static void *s_event_ud;

static void port_init(void) {
  int i;
  const char *lvl;
  if (s_inited) return;
  s_inited = 1;
  for (i = 0; i < NSLOTS; i++) s_slots[i].fd = -1;
  lvl = getenv("MGOS_MQTT_LOG_LEVEL");
  if (lvl != NULL && lvl[0] >= '0' && lvl[0] <= '4') s_log_level = lvl[0] - '0';
  srandom((unsigned) time(NULL) ^ ((unsigned) getpid() << 16));
  s_next_timer = port_now_ms();
}

/* ---------------------------------------------------------------- clock, rand, log */

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

/* The client only compares times with u32 differences, so the epoch does not
 * matter. MGOS_MQTT_CLOCK_START (ms) lets tests start the clock just before
 * the 2^32 wrap. */
uint32_t port_now_ms(void) {
  static int have_base;
  static uint64_t base;
  static uint32_t start;
  if (!have_base) {
    const char *s = getenv("MGOS_MQTT_CLOCK_START");
    have_base = 1;
    base = mono_ms();
    if (s != NULL) start = (uint32_t) strtoul(s, NULL, 0);
  }
  return (uint32_t) (mono_ms() - base) + start;
}

static mgos_mqtt_host_time_fn_t s_time_fn;

void mgos_mqtt_host_set_time_fn(mgos_mqtt_host_time_fn_t fn) { s_time_fn = fn; }

double port_time(void) {
  struct timespec ts;
  if (s_time_fn != NULL) return s_time_fn();
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

uint32_t port_rand(void) {
  port_init();
  /* random() gives 31 bits; two calls fill 32. */
  return ((uint32_t) random() << 16) ^ (uint32_t) random();
}

/* Seconds since the first log line, so a log shows the reconnect delays. */
static double log_time(void) {
  static uint64_t t0;
  uint64_t now = mono_ms();
  if (t0 == 0) t0 = now;
  return (double) (now - t0) / 1000.0;
}

void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  static const char tags[] = "EWID";
  uint32_t i;
  port_init();
  if (level > s_log_level) return;
  if (level < 0) level = 0;
  if (level > 3) level = 3;
  fprintf(stderr, "%8.3f %c mgos_mqtt: %s", log_time(), tags[level], msg != NULL ? msg : "");
  /* detail is a byte view (topic, server, reason): print it, control bytes as '.' */
  for (i = 0; i < detail.len; i++) {
    int c = detail.p[i];
    fputc(c < 0x20 || c == 0x7f ? '.' : c, stderr);
  }
  fputc('\n', stderr);
}

static void log_errno(const char *what, const struct slot *s, int err) {
  char line[400];
  snprintf(line, sizeof(line), "%s %s:%u: %s", what, s->host, (unsigned) s->port, strerror(err));
  port_log(0, line, RT_NOBYTES);
}

const char *port_device_id(void) {
  static char id[96];
  if (id[0] == '\0') {
    char host[64];
    size_t i;
    if (gethostname(host, sizeof(host)) != 0) strcpy(host, "host");
    host[sizeof(host) - 1] = '\0';
    /* A client id is best kept to [A-Za-z0-9_-]: brokers may refuse others. */
    for (i = 0; host[i] != '\0'; i++) {
      char c = host[i];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) host[i] = '_';
    }
    snprintf(id, sizeof(id), "mgos_%s_%ld", host, (long) getpid());
  }
  return id;
}

void port_event_trigger(int32_t ev, void *arg) {
  if (s_event_cb != NULL) s_event_cb((int) ev, arg, s_event_ud);
}

void mgos_mqtt_host_set_event_handler(mgos_mqtt_host_event_cb_t cb, void *ud) {
  s_event_cb = cb;
  s_event_ud = ud;
}

/* ---------------------------------------------------------------- sockets */

static struct slot *slot_get(int32_t slot) {
  port_init();
  if (slot < 0 || slot >= NSLOTS) {
    char line[80];
    snprintf(line, sizeof(line), "port: bad connection slot %ld", (long) slot);
    port_log(0, line, RT_NOBYTES);
    return NULL;
  }
  return &s_slots[slot];
}

/* Closes the socket and forgets the addresses: the slot is free again. */
static void slot_close(struct slot *s) {
  if (s->tls) mgos_tls_free(s->tls_slot); /* also wipes the key material */
  s->tls = 0;
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  if (s->ai_all != NULL) freeaddrinfo(s->ai_all);
  s->ai_all = s->ai_next = NULL;
  s->state = SLOT_FREE;
  s->want_write = 0;
  s->gen++;
}

/* Starts a non-blocking connect to the next untried address. Returns 0 when
 * one is under way, else the errno of the last failure (slot closed). */
static int slot_try_next(struct slot *s) {
  int err = EHOSTUNREACH;
  while (s->ai_next != NULL) {
    struct addrinfo *ai = s->ai_next;
    int fd;
    s->ai_next = ai->ai_next;
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      log_errno("socket() for", s, err);
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
      int one = 1;
      /* MQTT packets are small and latency matters more than segment count. */
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      if (s->fd >= 0) close(s->fd);
      s->fd = fd;
      s->state = SLOT_CONNECTING;
      return 0;
    }
    err = errno;
    close(fd);
  }
  return err;
}

int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tlsSlot) {
  rt_bytes host = {host_p, host_len};
  struct slot *s = slot_get(slot);
  struct addrinfo hints;
  char portstr[8];
  int rc, err;
  if (s == NULL) return -1;
  if (s->state != SLOT_FREE) slot_close(s); /* a new connect replaces the old socket */
  if (host.len == 0 || host.len >= sizeof(s->host)) {
    port_log(0, "port: host name empty or too long: ", host);
    return -1;
  }
  memcpy(s->host, host.p, host.len);
  s->host[host.len] = '\0';
  if (strlen(s->host) != host.len) {
    port_log(0, "port: host name contains a NUL byte", RT_NOBYTES);
    return -1;
  }
  s->port = port;
  if (tlsSlot >= 0) {
    /* Certificates, key and PSK are read now: a bad setting fails at once
     * (connect error, then the normal backoff) without a TCP round trip. */
    if (mgos_tls_setup(tlsSlot, mgos_mqtt_port_config(slot), s->host) != 0) {
      char line[512];
      snprintf(line, sizeof(line), "TLS setup for %s:%u failed: ", s->host, (unsigned) port);
      port_log(0, line, rt_str_bytes(mgos_tls_error(tlsSlot)));
      return -1;
    }
    s->tls = 1;
    s->tls_slot = tlsSlot;
    s->tls_want = MGOS_TLS_WANT_WRITE;
  }
  snprintf(portstr, sizeof(portstr), "%u", (unsigned) port);
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV;
  /* getaddrinfo may block briefly for a DNS name: acceptable on the host. */
  rc = getaddrinfo(s->host, portstr, &hints, &s->ai_all);
  if (rc != 0) {
    char line[400];
    snprintf(line, sizeof(line), "cannot resolve %s: %s", s->host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    port_log(0, line, RT_NOBYTES);
    s->ai_all = NULL;
    slot_close(s);
    return -1;
  }
  s->ai_next = s->ai_all;
  err = slot_try_next(s);
  if (err != 0) {
    log_errno("cannot connect to", s, err);
    slot_close(s);
    return -1;
  }
  return 0;
}

/* Logs a TLS failure on an open slot: "TLS <what> host:port: <reason>". */
static void log_tls(const char *what, const struct slot *s) {
  char line[400];
  snprintf(line, sizeof(line), "TLS %s %s:%u: ", what, s->host, (unsigned) s->port);
  port_log(0, line, rt_str_bytes(mgos_tls_error(s->tls_slot)));
}

/* Encrypts and sends as much as the socket takes now. */
static int32_t tls_send(struct slot *s, rt_bytes data) {
  uint32_t off = 0;
  while (off < data.len) {
    int want = 0;
    int n = mgos_tls_send(s->tls_slot, data.p + off, data.len - off, &want);
    if (n < 0) {
      log_tls("send to", s);
      return -1;
    }
    if (n == 0) {
      /* Wait for POLLOUT; a WANT_READ is served by the POLLIN always polled. */
      if (want == MGOS_TLS_WANT_WRITE) s->want_write = 1;
      break;
    }
    off += (uint32_t) n;
  }
  return (int32_t) off;
}

int32_t port_net_send_v(int32_t slot, uint8_t *data_p, uint32_t data_len) {
  rt_bytes data = {data_p, data_len};
  struct slot *s = slot_get(slot);
  ssize_t n;
  if (s == NULL) return -1;
  if (s->state == SLOT_CONNECTING || s->state == SLOT_HANDSHAKE) return 0; /* not writable yet */
  if (s->state != SLOT_OPEN) return -1;
  if (data.len == 0) return 0;
  if (s->tls) return tls_send(s, data);
  /* MSG_NOSIGNAL: a peer that went away gives EPIPE, not a fatal SIGPIPE. */
  n = send(s->fd, data.p, data.len, MSG_NOSIGNAL);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      s->want_write = 1;
      return 0;
    }
    log_errno("send to", s, errno);
    return -1;
  }
  if ((uint32_t) n < data.len) s->want_write = 1;
  return (int32_t) n;
}

void port_net_close(int32_t slot) {
  struct slot *s = slot_get(slot);
  if (s == NULL || s->state == SLOT_FREE) return;
  if (s->tls && s->state == SLOT_OPEN) mgos_tls_close_notify(s->tls_slot);
  slot_close(s);
}

/* ---------------------------------------------------------------- the loop */

/* One handshake step; the connect succeeds or fails when the handshake does. */
static void tls_step(int32_t idx, struct slot *s) {
  int r = mgos_tls_handshake(s->tls_slot);
  if (r == MGOS_TLS_WANT_READ || r == MGOS_TLS_WANT_WRITE) {
    s->tls_want = r;
    return;
  }
  if (r == MGOS_TLS_DONE) {
    s->state = SLOT_OPEN;
    mgos_mqtt_port_on_connect(idx, true, 0);
    return;
  }
  {
    int code = mgos_tls_error_code(s->tls_slot);
    log_tls("handshake with", s);
    slot_close(s);
    mgos_mqtt_port_on_connect(idx, false, code);
  }
}

/* The socket of a connecting slot became writable (or failed). */
static void handle_connect_done(int32_t idx, struct slot *s) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == 0) {
    freeaddrinfo(s->ai_all);
    s->ai_all = s->ai_next = NULL;
    if (s->tls) {
      s->state = SLOT_HANDSHAKE;
      mgos_tls_start(s->tls_slot, s->fd, port_now_ms());
      tls_step(idx, s);
      return;
    }
    s->state = SLOT_OPEN;
    mgos_mqtt_port_on_connect(idx, true, 0);
    return;
  }
  log_errno("connect to", s, err);
  if (slot_try_next(s) == 0) return; /* another address of the same name */
  slot_close(s);
  mgos_mqtt_port_on_connect(idx, false, err);
}

/* Received bytes on their way to the client (plain or decrypted). */
static uint8_t s_rx[RECV_CHUNK];

/* Decrypted bytes to the client, until mbedTLS has no more for now. */
static void tls_readable(int32_t idx, struct slot *s) {
  uint8_t *buf = s_rx;
  unsigned gen = s->gen;
  int i;
  for (i = 0; i < TLS_READS_PER_POLL; i++) {
    int n = mgos_tls_recv(s->tls_slot, buf, sizeof(s_rx));
    if (n == 0) return;
    if (n > 0) {
      mgos_mqtt_port_on_recv(idx, RT_BYTES(buf, n));
      if (s->gen != gen) return; /* the client closed the slot */
      continue;
    }
    if (n == MGOS_TLS_CLOSED) {
      slot_close(s);
      mgos_mqtt_port_on_close(idx, 0);
    } else {
      int code = mgos_tls_error_code(s->tls_slot);
      log_tls("recv from", s);
      slot_close(s);
      mgos_mqtt_port_on_close(idx, code);
    }
    return;
  }
}

static void handle_readable(int32_t idx, struct slot *s) {
  uint8_t *buf = s_rx;
  ssize_t n;
  if (s->tls) {
    tls_readable(idx, s);
    return;
  }
  n = recv(s->fd, buf, sizeof(s_rx), 0);
  if (n > 0) {
    mgos_mqtt_port_on_recv(idx, RT_BYTES(buf, n));
  } else if (n == 0) {
    slot_close(s);
    mgos_mqtt_port_on_close(idx, 0);
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    int err = errno;
    log_errno("recv from", s, err);
    slot_close(s);
    mgos_mqtt_port_on_close(idx, err);
  }
}

/* The poll wait, shortened to the nearest TLS handshake deadline. */
static int tls_wait(int wait) {
  uint32_t now = port_now_ms();
  int i;
  for (i = 0; i < NSLOTS; i++) {
    const struct slot *s = &s_slots[i];
    if (s->state == SLOT_HANDSHAKE) {
      uint32_t ms = mgos_tls_handshake_ms_left(s->tls_slot, now);
      if (wait < 0 || ms < (uint32_t) wait) wait = (int) ms;
    }
  }
  return wait;
}

/* Handshakes past their deadline fail like any other connect. */
static void tls_timeouts(void) {
  uint32_t now = port_now_ms();
  int i;
  for (i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    if (s->state == SLOT_HANDSHAKE && mgos_tls_handshake_ms_left(s->tls_slot, now) == 0) {
      char line[400];
      snprintf(line, sizeof(line), "TLS handshake with %s:%u: timed out after %u ms", s->host, (unsigned) s->port,
               (unsigned) mgos_tls_handshake_timeout_ms());
      port_log(0, line, RT_NOBYTES);
      slot_close(s);
      mgos_mqtt_port_on_connect(i, false, ETIMEDOUT);
    }
  }
}

/* Calls the client's timers; remembers when they are next due. */
static void run_timers(void) {
  uint32_t now = port_now_ms();
  uint32_t wait = mgos_mqtt_port_poll(now);
  s_next_timer = now + wait;
}

void mgos_mqtt_poll(int timeout_ms) {
  struct pollfd fds[NSLOTS];
  int32_t idx[NSLOTS];
  unsigned gens[NSLOTS];
  int nfds = 0, i, rc, wait, pending_in = 0;
  int32_t left;

  port_init();
  if (s_in_poll) {
    port_log(0, "mgos_mqtt_poll called from inside a handler: ignored", RT_NOBYTES);
    return;
  }
  s_in_poll = 1;
  /* Due timers first: this also flushes what the application queued since. */
  left = (int32_t) (s_next_timer - port_now_ms());
  if (left <= 0) {
    run_timers();
    left = (int32_t) (s_next_timer - port_now_ms());
  }
  if (left < 0) left = 0;
  wait = (timeout_ms < 0 || timeout_ms > left) ? (int) left : timeout_ms;
  wait = tls_wait(wait);

  for (i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    short ev;
    if (s->state == SLOT_FREE) continue;
    if (s->state == SLOT_CONNECTING) {
      ev = POLLOUT;
    } else if (s->state == SLOT_HANDSHAKE) {
      ev = s->tls_want == MGOS_TLS_WANT_READ ? POLLIN : POLLOUT;
    } else {
      ev = (short) (POLLIN | (s->want_write ? POLLOUT : 0));
      /* Records mbedTLS already holds count as readable. */
      if (s->tls && mgos_tls_pending(s->tls_slot)) pending_in = 1;
    }
    fds[nfds].fd = s->fd;
    fds[nfds].events = ev;
    fds[nfds].revents = 0;
    idx[nfds] = i;
    gens[nfds] = s->gen;
    nfds++;
  }
  rc = poll(fds, (nfds_t) nfds, pending_in ? 0 : wait);
  if (rc < 0 && errno != EINTR) port_log(0, "poll failed: ", rt_str_bytes(strerror(errno)));

  for (i = 0; (rc > 0 || pending_in) && i < nfds; i++) {
    struct slot *s = &s_slots[idx[i]];
    short re = rc > 0 ? fds[i].revents : 0;
    if (s->gen != gens[i]) continue; /* closed or replaced by a callback */
    if (re == 0 && s->state == SLOT_OPEN && s->tls && mgos_tls_pending(s->tls_slot)) re = POLLIN;
    if (re == 0) continue;
    if (s->state == SLOT_CONNECTING) {
      handle_connect_done(idx[i], s);
      continue;
    }
    if (s->state == SLOT_HANDSHAKE) {
      tls_step(idx[i], s);
      continue;
    }
    if ((re & POLLOUT) != 0) s->want_write = 0; /* the timers below flush the rest */
    if ((re & (POLLIN | POLLHUP | POLLERR)) != 0) {
      if ((re & POLLIN) == 0 && (re & POLLERR) != 0) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err == 0) err = EIO;
        log_errno("socket error on", s, err);
        slot_close(s);
        mgos_mqtt_port_on_close(idx[i], err);
      } else {
        /* POLLHUP alone still reads: recv returns 0 and closes. */
        handle_readable(idx[i], s);
      }
    }
  }
  tls_timeouts();
  /* Anything received may need an answer (PUBACK ...) or a timer change. */
  if (rc > 0 || pending_in || (int32_t) (s_next_timer - port_now_ms()) <= 0) run_timers();
  s_in_poll = 0;
}

void mgos_mqtt_run(void) {
  s_stop = 0;
  while (!s_stop) mgos_mqtt_poll(-1);
  s_stop = 0;
}

void mgos_mqtt_stop(void) { s_stop = 1; }

/* Reads a whole file into a NUL-terminated heap string (NULL on error, reported). */
static char *read_text_file(const char *path) {
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  size_t len = 0, cap = 0;
  if (f == NULL) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    size_t n;
    if (cap - len < 1024) {
      char *p = (char *) realloc(text, cap + 4096);
      if (p == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        free(text);
        fclose(f);
        return NULL;
      }
      text = p;
      cap += 4096;
    }
    n = fread(text + len, 1, cap - len - 1, f);
    len += n;
    if (n == 0) break;
  }
  if (ferror(f)) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    free(text);
    text = NULL;
  } else {
    text[len] = '\0';
  }
  fclose(f);
  return text;
}

static int s_config_batch;

int mgos_mqtt_host_config_arg(int argc, char **argv, int *i) {
  const char *a = argv[*i];
  int rc;
  int is_file = (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && *i + 1 < argc;
  if (!is_file && !(strcmp(a, "--set") == 0 && *i + 1 < argc)) return 0;
  if (!s_config_batch) {
    mgos_mqtt_config_begin();
    s_config_batch = 1;
  }
  if (is_file) {
    char *text = read_text_file(argv[++*i]);
    if (text == NULL) return -1;
    rc = mgos_mqtt_config_load_json(argv[*i], text);
    free(text);
  } else {
    rc = mgos_mqtt_config_set(argv[++*i]);
  }
  if (rc != 0) {
    fprintf(stderr, "config error: %s\n", mgos_mqtt_config_error());
    return -1;
  }
  return 1;
}

int mgos_mqtt_host_config_done(void) {
  if (!s_config_batch) return 0;
  s_config_batch = 0;
  if (mgos_mqtt_config_commit() != 0) {
    fprintf(stderr, "config error: %s\n", mgos_mqtt_config_error());
    return -1;
  }
  return 0;
}

void mgos_mqtt_host_cleanup(void) {
  int i;
  for (i = 0; i < NSLOTS; i++) {
    if (s_slots[i].state != SLOT_FREE || s_slots[i].ai_all != NULL) slot_close(&s_slots[i]);
  }
  mgos_tls_cleanup();
}

#endif /* !ESP_PLATFORM */
