/* ESP-IDF port of mgos_mqtt: lwIP BSD sockets, TLS over them with IDF's
 * mbedTLS (tls_mbedtls.c), esp_timer, esp_random, ESP_LOG, cloud events on
 * the default event loop, and one FreeRTOS task that runs the client.
 *
 * Threads. The client (generated C) is not re-entrant: everything it does
 * runs under one recursive mutex. The task holds it while it runs timers and
 * socket events (handlers run with it held and may call the API); the public
 * API takes it through linker wrappers (the WRAP lines below), so any task
 * may call it. The lock is never held across anything that waits for the
 * network or computes for long:
 *   - port_net_connect() only records the request; the task resolves the
 *     name, sets up TLS (certificates parsed once per configuration) and
 *     runs the TCP connect and every TLS handshake step without the lock;
 *   - an attempt has one deadline for TCP + TLS (CONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS,
 *     and the handshake alone CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS);
 *     past it the attempt fails like any other (backoff, failover to mqtt1).
 * Ownership: a slot that is not OPEN belongs to the task (its socket, TLS
 * context and address); other tasks only change the shared fields under the
 * lock and the task cleans up. An OPEN slot is used only under the lock.
 *
 * Network state. The IP event handlers run in the default event loop task
 * (2304 B of stack by default): they only wake the client task, which reads
 * the interfaces' addresses itself (also when it starts: the station may
 * have its IP already). Connect requests wait while no interface has an
 * address and start as soon as one has; an app's mgos_mqtt_*_disconnect()
 * is never undone by the network coming back.
 *
 * Written against the ESP-IDF v5 API reference; tested on the host against
 * the model in test/esp-model. Guarded by ESP_PLATFORM so the component can
 * list every port file. */
#ifdef ESP_PLATFORM

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"

#include "config_schema.h"
#include "conn.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_esp32.h"
#include "port.h"
#include "tls.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
#ifndef CONFIG_MGOS_MQTT_TASK_STACK
#define CONFIG_MGOS_MQTT_TASK_STACK 8192
#endif
#ifndef CONFIG_MGOS_MQTT_TASK_PRIORITY
#define CONFIG_MGOS_MQTT_TASK_PRIORITY 5
#endif
#ifndef CONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS
#define CONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS 10000
#endif
#define NSLOTS CONFIG_MGOS_MQTT_MAX_CONNS
#define RECV_CHUNK 1024
/* TLS reads per wake-up: mbedTLS may hold more than the socket shows. */
#define TLS_READS_PER_POLL 16
/* Longest select() wait: requests and closes from other tasks are picked up within this. */
#define SELECT_MAX_MS 100
/* Cloud events waiting for room in the default loop's queue. */
#define CLOUD_QUEUE_LEN 8

static const char *TAG = "mgos_mqtt";

ESP_EVENT_DEFINE_BASE(MGOS_MQTT_EVENT);

/* ---------------------------------------------------------------- the lock */

static SemaphoreHandle_t s_lock;

/* Created on first use (app code may lock before mgos_mqtt_esp32_start());
 * two tasks racing here each create one and the loser deletes its own: no
 * critical section around a FreeRTOS call. */
static SemaphoreHandle_t lock_get(void) {
  SemaphoreHandle_t m = __atomic_load_n(&s_lock, __ATOMIC_ACQUIRE);
  if (m == NULL) {
    SemaphoreHandle_t mine = xSemaphoreCreateRecursiveMutex();
    SemaphoreHandle_t expected = NULL;
    if (mine == NULL) abort(); /* out of memory at start-up */
    if (__atomic_compare_exchange_n(&s_lock, &expected, mine, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      m = mine;
    } else {
      vSemaphoreDelete(mine);
      m = expected;
    }
  }
  return m;
}

void mgos_mqtt_esp32_lock(void) { xSemaphoreTakeRecursive(lock_get(), portMAX_DELAY); }

void mgos_mqtt_esp32_unlock(void) { xSemaphoreGiveRecursive(lock_get()); }

/* ---------------------------------------------------------------- clock, rand, log, id */

uint32_t port_now_ms(void) { return (uint32_t) (esp_timer_get_time() / 1000); }

uint32_t port_rand(void) { return esp_random(); }

/* Wall clock (SNTP or settimeofday): before it is set it reads 1970. */
double port_time(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  int n = (int) detail.len;
  const char *d = detail.p != NULL ? (const char *) detail.p : "";
  if (msg == NULL) msg = "";
  switch (level) {
    case 0: ESP_LOGE(TAG, "%s%.*s", msg, n, d); break;
    case 1: ESP_LOGW(TAG, "%s%.*s", msg, n, d); break;
    case 2: ESP_LOGI(TAG, "%s%.*s", msg, n, d); break;
    default: ESP_LOGD(TAG, "%s%.*s", msg, n, d); break;
  }
}

/* "esp32_" and the last 3 bytes of the station MAC, as Mongoose OS names devices. */
const char *port_device_id(void) {
  static char id[16];
  if (id[0] == '\0') {
    uint8_t mac[6] = {0};
    esp_read_mac(mac, ESP_MAC_WIFI_STA);
    snprintf(id, sizeof(id), "esp32_%02X%02X%02X", mac[3], mac[4], mac[5]);
  }
  return id;
}

/* ---------------------------------------------------------------- the task's wake-up */

static TaskHandle_t s_task;

static void wake_task(void) {
  TaskHandle_t t = __atomic_load_n(&s_task, __ATOMIC_ACQUIRE);
  if (t != NULL) xTaskNotifyGive(t);
}

/* ---------------------------------------------------------------- cloud events
 * Called under the lock by the client. esp_event_post() with a timeout would
 * stall the client whenever the event task is busy, and timeout 0 drops the
 * event when the loop's queue is full: keep them here, in order, and let the
 * task post them as room appears. */

struct cloud_ev {
  int32_t ev;
  struct mgos_cloud_arg arg;
};
static struct cloud_ev s_cloud[CLOUD_QUEUE_LEN];
static unsigned s_cloud_head, s_cloud_len, s_cloud_lost;

void port_event_trigger(int32_t ev, void *arg) {
  if (s_cloud_len == CLOUD_QUEUE_LEN) {
    /* The event loop has been stuck for CLOUD_QUEUE_LEN events: keep the newest. */
    s_cloud_head = (s_cloud_head + 1) % CLOUD_QUEUE_LEN;
    s_cloud_len--;
    s_cloud_lost++;
  }
  struct cloud_ev *e = &s_cloud[(s_cloud_head + s_cloud_len) % CLOUD_QUEUE_LEN];
  e->ev = ev;
  memcpy(&e->arg, arg, sizeof(e->arg));
  s_cloud_len++;
  wake_task();
}

/* Under the lock, in the task. */
static void cloud_flush(void) {
  if (s_cloud_lost > 0) {
    ESP_LOGW(TAG, "%u cloud event(s) dropped: the default event loop was stuck", s_cloud_lost);
    s_cloud_lost = 0;
  }
  while (s_cloud_len > 0) {
    struct cloud_ev *e = &s_cloud[s_cloud_head];
    if (esp_event_post(MGOS_MQTT_EVENT, e->ev, &e->arg, sizeof(e->arg), 0) != ESP_OK) return; /* next round */
    s_cloud_head = (s_cloud_head + 1) % CLOUD_QUEUE_LEN;
    s_cloud_len--;
  }
}

/* ---------------------------------------------------------------- network state */

/* Address families some interface has an address of (bit 0: IPv4, bit 1: IPv6). */
static int net_families(void) {
  static const char *const keys[] = {"WIFI_STA_DEF", "ETH_DEF"};
  int f = 0;
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    esp_netif_t *n = esp_netif_get_handle_from_ifkey(keys[i]);
    esp_netif_ip_info_t ip;
    esp_ip6_addr_t ip6;
    if (n == NULL) continue;
    if (esp_netif_get_ip_info(n, &ip) == ESP_OK && ip.ip.addr != 0) f |= 1;
    if (esp_netif_get_ip6_global(n, &ip6) == ESP_OK) f |= 2;
  }
  return f;
}

/* In the default event loop task: record nothing here but wake the client
 * task, which reads the addresses itself. */
static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) id;
  (void) data;
  wake_task();
}

/* ---------------------------------------------------------------- slots
 * Shared state (under the lock): */
enum slot_state { SLOT_FREE = 0, SLOT_PENDING, SLOT_CONNECTING, SLOT_OPEN };

struct slot {
  enum slot_state state;
  unsigned gen; /* bumped on close and on each request: the task drops stale work */
  /* OPEN */
  int fd;
  int tls;
  int tls_slot;
  int want_write;
  /* PENDING: the request; `cfg` is a private copy of the TLS settings */
  char host[128];
  uint16_t port;
  int req_tls;
  struct mgos_config_mqtt *cfg;
  /* The address family to ask DNS for next (0: lwIP's default, IPv4 first). */
  int family;
  /* Sockets closed by other tasks, closed by the task after its select(). */
  int dead_fd;
};

/* The task's private state of an attempt (no lock needed). */
enum work_phase { W_IDLE = 0, W_RESOLVE, W_TCP, W_HANDSHAKE, W_DONE };

struct work {
  enum work_phase phase;
  unsigned gen;
  int fd;
  int tls, tls_slot, tls_want, tls_ready;
  int family;
  int ok, err;
  uint32_t deadline;
  char host[128];
  uint16_t port;
  struct mgos_config_mqtt *cfg;
};

static struct slot s_slots[NSLOTS];
static struct work s_work[NSLOTS];
static uint32_t s_next_timer;

static struct slot *slot_get(int32_t slot) {
  static bool inited;
  if (!inited) {
    for (int i = 0; i < NSLOTS; i++) s_slots[i].fd = s_slots[i].dead_fd = s_work[i].fd = -1;
    inited = true;
  }
  if (slot < 0 || slot >= NSLOTS) {
    ESP_LOGE(TAG, "port: bad connection slot %ld", (long) slot);
    return NULL;
  }
  return &s_slots[slot];
}

static char *dup_str(const char *s) {
  if (s == NULL) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d != NULL) memcpy(d, s, n);
  return d;
}

static void cfg_free(struct mgos_config_mqtt *c) {
  if (c == NULL) return;
  const char *strs[] = {c->ssl_ca_cert, c->ssl_cert, c->ssl_key, c->ssl_psk_identity, c->ssl_psk_key, c->ssl_cipher_suites};
  for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
    if (strs[i] == NULL) continue;
    memset((char *) (uintptr_t) strs[i], 0, strlen(strs[i])); /* keys and PSKs */
    free((void *) (uintptr_t) strs[i]);
  }
  free(c);
}

/* The TLS settings as they are now: the app may change the config (and
 * free what its strings point to) while the task parses them unlocked. */
static struct mgos_config_mqtt *cfg_copy(const struct mgos_config_mqtt *src) {
  struct mgos_config_mqtt *c;
  if (src == NULL || (c = calloc(1, sizeof(*c))) == NULL) return NULL;
  c->ssl_ca_cert = dup_str(src->ssl_ca_cert);
  c->ssl_cert = dup_str(src->ssl_cert);
  c->ssl_key = dup_str(src->ssl_key);
  c->ssl_psk_identity = dup_str(src->ssl_psk_identity);
  c->ssl_psk_key = dup_str(src->ssl_psk_key);
  c->ssl_cipher_suites = dup_str(src->ssl_cipher_suites);
  if ((src->ssl_ca_cert && !c->ssl_ca_cert) || (src->ssl_cert && !c->ssl_cert) || (src->ssl_key && !c->ssl_key) ||
      (src->ssl_psk_identity && !c->ssl_psk_identity) || (src->ssl_psk_key && !c->ssl_psk_key) ||
      (src->ssl_cipher_suites && !c->ssl_cipher_suites)) {
    cfg_free(c);
    return NULL;
  }
  return c;
}

/* Under the lock, from any task. */
static void slot_close(struct slot *s) {
  if (s->state == SLOT_OPEN) {
    if (s->tls) mgos_tls_end(s->tls_slot); /* wipes the session keys; the parsed certificates stay */
    /* The task may be in select() on it: it closes the socket after. */
    if (s->dead_fd >= 0) close(s->dead_fd);
    s->dead_fd = s->fd;
  }
  cfg_free(s->cfg);
  s->cfg = NULL;
  s->fd = -1;
  s->tls = 0;
  s->state = SLOT_FREE;
  s->want_write = 0;
  s->gen++;
}

int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tlsSlot) {
  rt_bytes host = {host_p, host_len};
  struct slot *s = slot_get(slot);
  if (s == NULL) return -1;
  if (s->state != SLOT_FREE) slot_close(s);
  if (host.len == 0 || host.len >= sizeof(s->host)) {
    ESP_LOGE(TAG, "port: host name empty or too long");
    return -1;
  }
  memcpy(s->host, host.p, host.len);
  s->host[host.len] = '\0';
  s->port = port;
  s->req_tls = tlsSlot;
  if (tlsSlot >= 0 && (s->cfg = cfg_copy(mgos_mqtt_port_config(slot))) == NULL) {
    ESP_LOGE(TAG, "TLS setup for %s:%u: out of memory", s->host, (unsigned) port);
    return -1;
  }
  s->state = SLOT_PENDING;
  s->gen++;
  wake_task();
  return 0;
}

/* Encrypts and sends as much as the socket takes now. */
static int32_t tls_send(struct slot *s, rt_bytes data) {
  uint32_t off = 0;
  while (off < data.len) {
    int want = 0;
    int n = mgos_tls_send(s->tls_slot, data.p + off, data.len - off, &want);
    if (n < 0) {
      ESP_LOGE(TAG, "TLS send to %s:%u: %s", s->host, (unsigned) s->port, mgos_tls_error(s->tls_slot));
      return -1;
    }
    if (n == 0) {
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
  int n;
  if (s == NULL) return -1;
  if (s->state == SLOT_PENDING || s->state == SLOT_CONNECTING) return 0;
  if (s->state != SLOT_OPEN) return -1;
  if (data.len == 0) return 0;
  if (s->tls) return tls_send(s, data);
  n = (int) send(s->fd, data.p, data.len, MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      s->want_write = 1;
      return 0;
    }
    ESP_LOGE(TAG, "send: %s", strerror(errno));
    return -1;
  }
  if ((uint32_t) n < data.len) s->want_write = 1;
  return n;
}

void port_net_close(int32_t slot) {
  struct slot *s = slot_get(slot);
  if (s == NULL || s->state == SLOT_FREE) return;
  if (s->tls && s->state == SLOT_OPEN) mgos_tls_close_notify(s->tls_slot);
  slot_close(s);
}

/* ---------------------------------------------------------------- an attempt, in the task */

static void work_fail(struct work *w, int err) {
  w->phase = W_DONE;
  w->ok = 0;
  w->err = err;
}

/* Without the lock: DNS, TLS set-up, the non-blocking TCP connect. */
static void work_start(struct work *w) {
  struct addrinfo hints, *ai = NULL;
  char portstr[8];
  int rc, fd;
  snprintf(portstr, sizeof(portstr), "%u", (unsigned) w->port);
  if (w->tls && mgos_tls_setup(w->tls_slot, w->cfg, w->host) != 0) {
    ESP_LOGE(TAG, "TLS setup for %s:%s failed: %s", w->host, portstr, mgos_tls_error(w->tls_slot));
    w->tls = 0;
    work_fail(w, -1);
    return;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = w->family != 0 ? w->family : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  /* lwIP returns one address: IPv4 first unless asked for IPv6. */
  rc = getaddrinfo(w->host, portstr, &hints, &ai);
  if ((rc != 0 || ai == NULL) && w->family != 0) {
    w->family = 0;
    hints.ai_family = AF_UNSPEC;
    rc = getaddrinfo(w->host, portstr, &hints, &ai);
  }
  if (rc != 0 || ai == NULL) {
    ESP_LOGE(TAG, "cannot resolve %s: error %d", w->host, rc);
    work_fail(w, EHOSTUNREACH);
    return;
  }
  w->family = ai->ai_family;
  /* The deadline covers TCP and TLS; lwIP's DNS has its own timeouts. */
  w->deadline = port_now_ms() + CONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS;
  fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  if (fd < 0) {
    int err = errno;
    freeaddrinfo(ai);
    ESP_LOGE(TAG, "socket: %s", strerror(err));
    work_fail(w, err);
    return;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
    int err = errno;
    freeaddrinfo(ai);
    close(fd);
    ESP_LOGE(TAG, "cannot connect to %s:%s: %s", w->host, portstr, strerror(err));
    work_fail(w, err);
    return;
  }
  freeaddrinfo(ai);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  w->fd = fd;
  w->phase = W_TCP;
}

/* Without the lock: one handshake step (the EC arithmetic happens here). */
static void work_handshake(struct work *w) {
  int r = mgos_tls_handshake(w->tls_slot);
  if (r == MGOS_TLS_WANT_READ || r == MGOS_TLS_WANT_WRITE) {
    w->tls_want = r;
    return;
  }
  if (r == MGOS_TLS_DONE) {
    w->phase = W_DONE;
    w->ok = 1;
    return;
  }
  ESP_LOGE(TAG, "TLS handshake with %s:%u: %s", w->host, (unsigned) w->port, mgos_tls_error(w->tls_slot));
  work_fail(w, mgos_tls_error_code(w->tls_slot));
}

/* Without the lock: what select() said about the attempt's socket. */
static void work_progress(struct work *w, const fd_set *rd, const fd_set *wr) {
  if (w->phase == W_TCP && FD_ISSET(w->fd, wr)) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(w->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      ESP_LOGW(TAG, "connect to %s:%u: %s", w->host, (unsigned) w->port, strerror(err));
      work_fail(w, err);
      return;
    }
    if (!w->tls) {
      w->phase = W_DONE;
      w->ok = 1;
      return;
    }
    w->phase = W_HANDSHAKE;
    mgos_tls_start(w->tls_slot, w->fd, port_now_ms());
    work_handshake(w);
  } else if (w->phase == W_HANDSHAKE && (FD_ISSET(w->fd, rd) || FD_ISSET(w->fd, wr))) {
    work_handshake(w);
  }
  /* The handshake also has its own limit (CONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS, from TCP up). */
  if (w->phase == W_HANDSHAKE && mgos_tls_handshake_ms_left(w->tls_slot, port_now_ms()) == 0) {
    ESP_LOGE(TAG, "TLS handshake with %s:%u: timed out after %u ms", w->host, (unsigned) w->port,
             (unsigned) mgos_tls_handshake_timeout_ms());
    work_fail(w, ETIMEDOUT);
  }
  if (w->phase != W_DONE && (int32_t) (port_now_ms() - w->deadline) >= 0) {
    ESP_LOGE(TAG, "connect to %s:%u: no %s within %u ms", w->host, (unsigned) w->port,
             w->phase == W_HANDSHAKE ? "TLS handshake" : "TCP connection", (unsigned) CONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS);
    work_fail(w, ETIMEDOUT);
  }
}

static void work_release(struct work *w) {
  if (w->tls) mgos_tls_end(w->tls_slot);
  if (w->fd >= 0) close(w->fd);
  cfg_free(w->cfg);
  memset(w, 0, sizeof(*w));
  w->fd = -1;
}

/* Under the lock: take the requests (while some interface has an address). */
static void work_adopt(int families) {
  for (int i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    struct work *w = &s_work[i];
    if (w->phase != W_IDLE && w->gen != s->gen) work_release(w); /* closed or replaced meanwhile */
    if (w->phase != W_IDLE || s->state != SLOT_PENDING || families == 0) continue;
    w->phase = W_RESOLVE;
    w->gen = s->gen;
    w->fd = -1;
    memcpy(w->host, s->host, sizeof(w->host));
    w->port = s->port;
    w->tls = s->req_tls >= 0;
    w->tls_slot = s->req_tls;
    w->cfg = s->cfg; /* the work owns it now */
    s->cfg = NULL;
    /* Ask for the family we have, or the other one after a failure. */
    w->family = (s->family == AF_INET6 && (families & 2)) || families == 2 ? AF_INET6 : 0;
    s->state = SLOT_CONNECTING;
  }
}

/* Under the lock: hand finished attempts to the client. */
static void work_finish(int families) {
  for (int i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    struct work *w = &s_work[i];
    if (w->phase == W_IDLE) continue;
    if (w->gen != s->gen) {
      work_release(w);
      continue;
    }
    if (w->phase != W_DONE) continue;
    if (w->ok) {
      s->state = SLOT_OPEN;
      s->fd = w->fd;
      s->tls = w->tls;
      s->tls_slot = w->tls_slot;
      s->want_write = 0;
      cfg_free(w->cfg);
      memset(w, 0, sizeof(*w));
      w->fd = -1;
      mgos_mqtt_port_on_connect(i, true, 0);
      continue;
    }
    /* lwIP gives one address per lookup: after a failure try the other
     * family next time, when an interface has both. */
    s->family = (families & 3) == 3 && w->family != AF_INET6 ? AF_INET6 : 0;
    int err = w->err;
    work_release(w);
    s->state = SLOT_FREE;
    s->gen++;
    mgos_mqtt_port_on_connect(i, false, err);
  }
}

/* ---------------------------------------------------------------- open connections, under the lock */

static void run_timers(void) {
  uint32_t now = port_now_ms();
  s_next_timer = now + mgos_mqtt_port_poll(now);
}

/* Decrypted bytes to the client, until mbedTLS has no more for now. */
static void tls_readable(int i, struct slot *s, uint8_t *buf, size_t len) {
  unsigned gen = s->gen;
  for (int k = 0; k < TLS_READS_PER_POLL; k++) {
    int n = mgos_tls_recv(s->tls_slot, buf, len);
    if (n == 0) return;
    if (n > 0) {
      mgos_mqtt_port_on_recv(i, RT_BYTES(buf, n));
      if (s->gen != gen) return; /* the client closed the slot */
      continue;
    }
    int code = n == MGOS_TLS_CLOSED ? 0 : mgos_tls_error_code(s->tls_slot);
    if (code != 0) ESP_LOGW(TAG, "TLS recv from %s:%u: %s", s->host, (unsigned) s->port, mgos_tls_error(s->tls_slot));
    slot_close(s);
    mgos_mqtt_port_on_close(i, code);
    return;
  }
}

static void handle_open(const fd_set *rd, const fd_set *wr, const unsigned *gens, const int *fds) {
  static uint8_t buf[RECV_CHUNK];
  for (int i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    if (s->state != SLOT_OPEN || s->gen != gens[i] || fds[i] < 0) continue;
    if (FD_ISSET(s->fd, wr)) s->want_write = 0; /* run_timers flushes */
    if (s->tls) {
      /* Records mbedTLS already holds count as readable. */
      if (FD_ISSET(s->fd, rd) || mgos_tls_pending(s->tls_slot)) tls_readable(i, s, buf, sizeof(buf));
      continue;
    }
    if (FD_ISSET(s->fd, rd)) {
      int n = (int) recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) {
        mgos_mqtt_port_on_recv(i, RT_BYTES(buf, n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        int err = n == 0 ? 0 : errno;
        if (err != 0) ESP_LOGW(TAG, "recv: %s", strerror(err));
        slot_close(s);
        mgos_mqtt_port_on_close(i, err);
      }
    }
  }
}

static void close_dead(void) {
  for (int i = 0; i < NSLOTS; i++) {
    if (s_slots[i].dead_fd >= 0) close(s_slots[i].dead_fd);
    s_slots[i].dead_fd = -1;
  }
}

/* ---------------------------------------------------------------- the task */

static void mqtt_task(void *arg) {
  (void) arg;
  for (;;) {
    fd_set rd, wr;
    unsigned gens[NSLOTS];
    int fds[NSLOTS];
    int maxfd = -1, pending_in = 0, done = 0, families = net_families();
    int32_t left;
    struct timeval tv;

    /* 1. Under the lock: timers, events, new requests, the sockets to watch. */
    mgos_mqtt_esp32_lock();
    close_dead();
    run_timers();
    work_adopt(families);
    cloud_flush();
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    for (int i = 0; i < NSLOTS; i++) {
      struct slot *s = &s_slots[i];
      gens[i] = s->gen;
      fds[i] = s->state == SLOT_OPEN ? s->fd : -1;
      if (fds[i] < 0) continue;
      FD_SET(s->fd, &rd);
      if (s->want_write) FD_SET(s->fd, &wr);
      if (s->tls && mgos_tls_pending(s->tls_slot)) pending_in = 1;
      if (s->fd > maxfd) maxfd = s->fd;
    }
    left = pending_in || s_cloud_len > 0 ? 0 : (int32_t) (s_next_timer - port_now_ms());
    mgos_mqtt_esp32_unlock();

    /* 2. Without the lock: attempts (DNS, TLS set-up, connect, handshake) and the wait. */
    for (int i = 0; i < NSLOTS; i++) {
      struct work *w = &s_work[i];
      if (w->phase == W_RESOLVE) work_start(w);
      if (w->phase == W_TCP || w->phase == W_HANDSHAKE) {
        FD_SET(w->fd, w->phase == W_HANDSHAKE && w->tls_want == MGOS_TLS_WANT_READ ? &rd : &wr);
        if (w->fd > maxfd) maxfd = w->fd;
        int32_t d = (int32_t) (w->deadline - port_now_ms());
        if (w->phase == W_HANDSHAKE) {
          uint32_t h = mgos_tls_handshake_ms_left(w->tls_slot, port_now_ms());
          if (h < (uint32_t) SELECT_MAX_MS && (int32_t) h < d) d = (int32_t) h;
        }
        if (d < left) left = d;
      } else if (w->phase == W_DONE) {
        left = 0;
        done = 1;
      }
    }
    if (left < 0) left = 0;
    if (left > SELECT_MAX_MS) left = SELECT_MAX_MS;
    if (maxfd < 0) {
      /* Nothing to watch: sleep until a request, an event or the next timer
       * (at least a tick: pdMS_TO_TICKS rounds short waits down to 0). */
      TickType_t ticks = pdMS_TO_TICKS(left);
      ulTaskNotifyTake(pdTRUE, ticks > 0 || done ? ticks : 1);
      FD_ZERO(&rd);
      FD_ZERO(&wr);
    } else {
      tv.tv_sec = 0;
      tv.tv_usec = left * 1000;
      if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
        FD_ZERO(&rd);
        FD_ZERO(&wr);
      }
    }
    for (int i = 0; i < NSLOTS; i++) {
      struct work *w = &s_work[i];
      if (w->phase == W_TCP || w->phase == W_HANDSHAKE) work_progress(w, &rd, &wr);
    }

    /* 3. Under the lock: finished attempts, socket events, timers. */
    mgos_mqtt_esp32_lock();
    work_finish(families);
    handle_open(&rd, &wr, gens, fds);
    run_timers();
    cloud_flush();
    mgos_mqtt_esp32_unlock();
  }
}

esp_err_t mgos_mqtt_esp32_start(void) {
  static const int32_t ids[] = {IP_EVENT_STA_GOT_IP, IP_EVENT_STA_LOST_IP, IP_EVENT_ETH_GOT_IP, IP_EVENT_ETH_LOST_IP, IP_EVENT_GOT_IP6};
  TaskHandle_t t = NULL;
  esp_err_t err = ESP_OK;
  if (__atomic_load_n(&s_task, __ATOMIC_ACQUIRE) != NULL) return ESP_OK;
  lock_get();
  mgos_mqtt_esp32_lock();
  slot_get(0); /* initialises the slot table */
  mgos_mqtt_esp32_unlock();
  for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]) && err == ESP_OK; i++) {
    err = esp_event_handler_register(IP_EVENT, ids[i], on_ip_event, NULL);
  }
  if (err != ESP_OK) return err;
  if (xTaskCreate(mqtt_task, "mgos_mqtt", CONFIG_MGOS_MQTT_TASK_STACK, NULL, CONFIG_MGOS_MQTT_TASK_PRIORITY, &t) != pdPASS) {
    return ESP_ERR_NO_MEM;
  }
  __atomic_store_n(&s_task, t, __ATOMIC_RELEASE);
  return ESP_OK;
}

/* ---------------------------------------------------------------- thread-safe API
 * The component links with -Wl,--wrap=<name> for each WRAP line below
 * (components/mgos_mqtt/CMakeLists.txt reads them), so a call to <name> from
 * any object lands in __wrap_<name>, which takes the lock around the real
 * function. The lock is recursive: handlers (run by the task with the lock
 * held) may call the API. Every function of the public header is here except
 * the pure ones (mg_mk_str*, mg_mqtt_match_topic_expression) and
 * pubf/pubv, which lock inside mgos_mqtt_pubf.c (varargs cannot be
 * forwarded); test/esp-model checks that list against the header. */
#define WRAP(ret, name, params, args)   \
  ret __real_##name params;             \
  ret __wrap_##name params;             \
  ret __wrap_##name params {            \
    ret r_;                             \
    mgos_mqtt_esp32_lock();             \
    r_ = __real_##name args;            \
    mgos_mqtt_esp32_unlock();           \
    return r_;                          \
  }
#define WRAP_VOID(name, params, args) \
  void __real_##name params;          \
  void __wrap_##name params;          \
  void __wrap_##name params {         \
    mgos_mqtt_esp32_lock();           \
    __real_##name args;               \
    mgos_mqtt_esp32_unlock();         \
  }

WRAP(bool, mgos_mqtt_init, (void), ())
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_get_global, (void), ())
WRAP_VOID(mgos_mqtt_add_global_handler, (mg_event_handler_t h, void *ud), (h, ud))
WRAP_VOID(mgos_mqtt_set_connect_fn, (mgos_mqtt_connect_fn_t cb, void *arg), (cb, arg))
WRAP(struct mg_connection *, mgos_mqtt_get_global_conn, (void), ())
WRAP(bool, mgos_mqtt_global_connect, (void), ())
WRAP_VOID(mgos_mqtt_global_disconnect, (void), ())
WRAP(bool, mgos_mqtt_global_is_connected, (void), ())
WRAP(uint16_t, mgos_mqtt_pub, (const char *t, const void *m, size_t len, int qos, bool retain), (t, m, len, qos, retain))
WRAP_VOID(mgos_mqtt_sub, (const char *t, sub_handler_t h, void *ud), (t, h, ud))
WRAP_VOID(mgos_mqtt_global_subscribe, (const struct mg_str t, mg_event_handler_t h, void *ud), (t, h, ud))
WRAP(bool, mgos_mqtt_global_subscribe_opt, (const char *t, int qos, int flags, mg_event_handler_t h, void *ud), (t, qos, flags, h, ud))
WRAP(bool, mgos_mqtt_unsub, (const char *t), (t))
WRAP(size_t, mgos_mqtt_num_unsent_bytes, (void), ())
WRAP(uint16_t, mgos_mqtt_get_packet_id, (void), ())
WRAP_VOID(mgos_mqtt_set_max_qos, (int qos), (qos))
WRAP(bool, mgos_mqtt_set_config, (const struct mgos_config_mqtt *cfg), (cfg))
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_conn_create, (int id, const struct mgos_config_mqtt *cfg), (id, cfg))
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_conn_create2,
     (int id, const struct mgos_config_mqtt *cfg, const struct mgos_config_mqtt *cfg1), (id, cfg, cfg1))
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_conn_from_nc, (struct mg_connection *nc), (nc))
WRAP(bool, mgos_mqtt_conn_set_config, (struct mgos_mqtt_conn *c, const struct mgos_config_mqtt *cfg), (c, cfg))
WRAP_VOID(mgos_mqtt_conn_add_handler, (struct mgos_mqtt_conn *c, mg_event_handler_t h, void *ud), (c, h, ud))
WRAP_VOID(mgos_mqtt_conn_set_connect_fn, (struct mgos_mqtt_conn *c, mgos_mqtt_connect_fn_t fn, void *arg), (c, fn, arg))
WRAP(bool, mgos_mqtt_conn_connect, (struct mgos_mqtt_conn *c), (c))
WRAP_VOID(mgos_mqtt_conn_disconnect, (struct mgos_mqtt_conn *c), (c))
WRAP(bool, mgos_mqtt_conn_is_connected, (struct mgos_mqtt_conn *c), (c))
WRAP(uint16_t, mgos_mqtt_conn_pub, (struct mgos_mqtt_conn *c, const char *t, struct mg_str m, int qos, bool retain),
     (c, t, m, qos, retain))
WRAP_VOID(mgos_mqtt_conn_sub, (struct mgos_mqtt_conn *c, const char *t, int qos, mg_event_handler_t h, void *ud),
          (c, t, qos, h, ud))
WRAP(bool, mgos_mqtt_conn_sub_opt, (struct mgos_mqtt_conn *c, const char *t, int qos, int flags, mg_event_handler_t h, void *ud),
     (c, t, qos, flags, h, ud))
WRAP(bool, mgos_mqtt_conn_unsub, (struct mgos_mqtt_conn *c, const char *t), (c, t))
WRAP(size_t, mgos_mqtt_conn_num_unsent_bytes, (struct mgos_mqtt_conn *c), (c))
WRAP(uint16_t, mgos_mqtt_conn_get_packet_id, (struct mgos_mqtt_conn *c), (c))
WRAP_VOID(mgos_mqtt_conn_set_max_qos, (struct mgos_mqtt_conn *c, int qos), (c, qos))
WRAP_VOID(mg_send_mqtt_handshake_opt, (struct mg_connection *nc, const char *id, struct mg_send_mqtt_handshake_opts o),
          (nc, id, o))
WRAP_VOID(mg_mqtt_publish, (struct mg_connection *nc, const char *t, uint16_t id, int flags, const void *d, size_t len),
          (nc, t, id, flags, d, len))
WRAP_VOID(mg_mqtt_subscribe, (struct mg_connection *nc, const struct mg_mqtt_topic_expression *t, size_t n, uint16_t id),
          (nc, t, n, id))
WRAP_VOID(mg_mqtt_unsubscribe, (struct mg_connection *nc, char **t, size_t n, uint16_t id), (nc, t, n, id))
WRAP_VOID(mg_mqtt_ping, (struct mg_connection *nc), (nc))
WRAP_VOID(mg_mqtt_pong, (struct mg_connection *nc), (nc))
WRAP_VOID(mg_send_mqtt_handshake, (struct mg_connection *nc, const char *id), (nc, id))
WRAP_VOID(mg_mqtt_puback, (struct mg_connection *nc, uint16_t id), (nc, id))
WRAP_VOID(mg_mqtt_pubrec, (struct mg_connection *nc, uint16_t id), (nc, id))
WRAP_VOID(mg_mqtt_pubrel, (struct mg_connection *nc, uint16_t id), (nc, id))
WRAP_VOID(mg_mqtt_pubcomp, (struct mg_connection *nc, uint16_t id), (nc, id))
WRAP_VOID(mg_mqtt_disconnect, (struct mg_connection *nc), (nc))
/* The delivery rule's calls (docs/delivery.md). The last error is the
 * connection's: read it right after the call, from the same task. */
WRAP(int, mgos_mqtt_get_last_error, (void), ())
WRAP(size_t, mgos_mqtt_outbox_room, (void), ())
WRAP(int, mgos_mqtt_conn_get_last_error, (struct mgos_mqtt_conn *c), (c))
WRAP(size_t, mgos_mqtt_conn_outbox_room, (struct mgos_mqtt_conn *c), (c))
WRAP(uint32_t, mgos_mqtt_storage_bytes_written, (void), ())
WRAP(uint32_t, mgos_mqtt_storage_records_written, (void), ())
/* The configuration API (config.h): the task reads the system config when it connects. */
/* MQTT 5 (mqtt5_api.ts) */
WRAP(bool, mgos_mqtt_props_user, (struct mgos_mqtt_props *p, int i, struct mg_str *k, struct mg_str *v), (p, i, k, v))
WRAP(uint16_t, mgos_mqtt_pub5, (const char *t, const void *m, size_t len, int qos, bool retain, const struct mgos_mqtt_props *p),
     (t, m, len, qos, retain, p))
WRAP(uint16_t, mgos_mqtt_conn_pub5,
     (struct mgos_mqtt_conn *c, const char *t, struct mg_str m, int qos, bool retain, const struct mgos_mqtt_props *p),
     (c, t, m, qos, retain, p))
WRAP(bool, mgos_mqtt_conn_sub5,
     (struct mgos_mqtt_conn *c, const char *t, int qos, int opts, uint32_t id, mg_event_handler_t h, void *ud),
     (c, t, qos, opts, id, h, ud))
WRAP(bool, mgos_mqtt_conn_add_connect_user_prop, (struct mgos_mqtt_conn *c, const char *k, const char *v), (c, k, v))
WRAP_VOID(mgos_mqtt_conn_clear_connect_props, (struct mgos_mqtt_conn *c), (c))
WRAP_VOID(mgos_mqtt_conn_set_request_response_info, (struct mgos_mqtt_conn *c, bool on), (c, on))
WRAP_VOID(mgos_mqtt_conn_disconnect5, (struct mgos_mqtt_conn *c, int reason), (c, reason))
WRAP(bool, mgos_mqtt_conn_set_will5, (struct mgos_mqtt_conn *c, uint32_t delay, struct mgos_mqtt_props *p), (c, delay, p))
WRAP(bool, mgos_mqtt_conn_add_will_user_prop, (struct mgos_mqtt_conn *c, const char *k, const char *v), (c, k, v))
WRAP(bool, mgos_mqtt_conn_add_pub_user_prop, (struct mgos_mqtt_conn *c, const char *k, const char *v), (c, k, v))
WRAP_VOID(mgos_mqtt_conn_clear_pub_user_props, (struct mgos_mqtt_conn *c), (c))
WRAP(struct mgos_mqtt_v5_info *, mgos_mqtt_conn_v5_info, (struct mgos_mqtt_conn *c), (c))
WRAP(bool, mgos_mqtt_conn_set_auth, (struct mgos_mqtt_conn *c, const char *m, struct mg_str d), (c, m, d))
WRAP(bool, mgos_mqtt_conn_auth_continue, (struct mgos_mqtt_conn *c, int reason, struct mg_str d), (c, reason, d))
WRAP(struct mg_str, mgos_mqtt_conn_auth_data, (struct mgos_mqtt_conn *c), (c))
WRAP(int, mgos_mqtt_config_set, (const char *arg), (arg))
WRAP(int, mgos_mqtt_config_load_json, (const char *name, const char *json), (name, json))

#endif /* ESP_PLATFORM */
