/* ESP-IDF port of mgos_mqtt: lwIP BSD sockets, TLS over them with IDF's
 * mbedTLS (tls_mbedtls.c; the handshake is driven by the task's select loop,
 * with the lock held while mbedTLS computes), esp_timer, esp_random,
 * ESP_LOG, cloud events on the default event loop, and a FreeRTOS task that
 * runs the same loop as the host's mgos_mqtt_poll().
 *
 * Threads: the client (generated C) is not re-entrant. Everything it does
 * runs under one recursive mutex: the task holds it while it handles socket
 * events and timers (so handlers run with it held and may call the API), and
 * the public API functions take it through linker wrappers (below), so any
 * task may call them. The task does not hold it while it waits in select().
 *
 * Written from the ESP-IDF (v5) API reference; it cannot be built on the
 * host. Guarded by ESP_PLATFORM so the component can list every port file. */
#ifdef ESP_PLATFORM

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_random.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/event_groups.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "lwip/netdb.h"
#include "lwip/sockets.h"

#include "config_sys.h"
#include "conn.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_esp32.h"
#include "port.h"
#include "tls.h"

#ifndef CONFIG_MGOS_MQTT_MAX_CONNS
#define CONFIG_MGOS_MQTT_MAX_CONNS 2
#endif
#ifndef CONFIG_MGOS_MQTT_TASK_STACK
#define CONFIG_MGOS_MQTT_TASK_STACK 6144
#endif
#ifndef CONFIG_MGOS_MQTT_TASK_PRIORITY
#define CONFIG_MGOS_MQTT_TASK_PRIORITY 5
#endif
#define NSLOTS CONFIG_MGOS_MQTT_MAX_CONNS
#define RECV_CHUNK 1024
/* TLS reads per wake-up: mbedTLS may hold more than the socket shows. */
#define TLS_READS_PER_POLL 16
/* Longest select() wait: API calls from other tasks may open a socket that
 * the current select() does not watch yet; it is picked up within this. */
#define SELECT_MAX_MS 100

static const char *TAG = "mgos_mqtt";

ESP_EVENT_DEFINE_BASE(MGOS_MQTT_EVENT);

/* ---------------------------------------------------------------- the lock */

static StaticSemaphore_t s_lock_buf;
static SemaphoreHandle_t s_lock;
static portMUX_TYPE s_lock_init_mux = portMUX_INITIALIZER_UNLOCKED;

void mgos_mqtt_esp32_lock(void) {
  if (s_lock == NULL) {
    /* Created on first use, so app code may lock before mgos_mqtt_esp32_start(). */
    taskENTER_CRITICAL(&s_lock_init_mux);
    if (s_lock == NULL) s_lock = xSemaphoreCreateRecursiveMutexStatic(&s_lock_buf);
    taskEXIT_CRITICAL(&s_lock_init_mux);
  }
  xSemaphoreTakeRecursive(s_lock, portMAX_DELAY);
}

void mgos_mqtt_esp32_unlock(void) { xSemaphoreGiveRecursive(s_lock); }

/* ---------------------------------------------------------------- clock, rand, log, id, events */

uint32_t port_now_ms(void) { return (uint32_t) (esp_timer_get_time() / 1000); }

uint32_t port_rand(void) { return esp_random(); }

/* Wall clock (SNTP or settimeofday): before it is set it reads 1970. */
double port_time(void) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

void port_log(int32_t level, const char *msg, rt_bytes detail) {
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

void port_event_trigger(int32_t ev, void *arg) {
  /* The loop copies the data; never block the client task on a full queue. */
  esp_err_t err = esp_event_post(MGOS_MQTT_EVENT, ev, arg, sizeof(struct mgos_cloud_arg), 0);
  if (err != ESP_OK) ESP_LOGW(TAG, "cloud event %ld not posted: %s", (long) ev, esp_err_to_name(err));
}

/* ---------------------------------------------------------------- sockets */

/* SLOT_HANDSHAKE: TCP is up, the TLS handshake is under way. */
enum slot_state { SLOT_FREE = 0, SLOT_CONNECTING, SLOT_HANDSHAKE, SLOT_OPEN };

struct slot {
  int fd;
  enum slot_state state;
  struct addrinfo *ai_all, *ai_next;
  unsigned gen; /* bumped on close: the loop skips results of a replaced socket */
  int want_write;
  /* TLS on: the tls.h slot, and which readiness the handshake waits for. */
  int tls;
  int tls_slot;
  int tls_want;
  char host[128]; /* for log lines */
  uint16_t port;
};

static struct slot s_slots[NSLOTS];
static uint32_t s_next_timer;

static struct slot *slot_get(int32_t slot) {
  static bool inited;
  if (!inited) {
    for (int i = 0; i < NSLOTS; i++) s_slots[i].fd = -1;
    inited = true;
  }
  if (slot < 0 || slot >= NSLOTS) {
    ESP_LOGE(TAG, "port: bad connection slot %ld", (long) slot);
    return NULL;
  }
  return &s_slots[slot];
}

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

static int slot_try_next(struct slot *s) {
  int err = EHOSTUNREACH;
  while (s->ai_next != NULL) {
    struct addrinfo *ai = s->ai_next;
    int fd;
    s->ai_next = ai->ai_next;
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      s->fd = fd;
      s->state = SLOT_CONNECTING;
      return 0;
    }
    err = errno;
    close(fd);
  }
  return err;
}

int32_t port_net_connect(int32_t slot, rt_bytes host, uint16_t port, int32_t tlsSlot) {
  struct slot *s = slot_get(slot);
  struct addrinfo hints;
  char name[128], portstr[8];
  int rc, err;
  if (s == NULL) return -1;
  if (s->state != SLOT_FREE) slot_close(s);
  if (host.len == 0 || host.len >= sizeof(name)) {
    ESP_LOGE(TAG, "port: host name empty or too long");
    return -1;
  }
  memcpy(name, host.p, host.len);
  name[host.len] = '\0';
  memcpy(s->host, name, host.len + 1);
  s->port = port;
  snprintf(portstr, sizeof(portstr), "%u", (unsigned) port);
  if (tlsSlot >= 0) {
    /* Certificates, key and PSK are read now: a bad setting fails at once
     * (connect error, then the normal backoff). */
    if (mgos_tls_setup(tlsSlot, mgos_mqtt_port_config(slot), name) != 0) {
      ESP_LOGE(TAG, "TLS setup for %s:%s failed: %s", name, portstr, mgos_tls_error(tlsSlot));
      return -1;
    }
    s->tls = 1;
    s->tls_slot = tlsSlot;
    s->tls_want = MGOS_TLS_WANT_WRITE;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  /* lwIP's resolver blocks this task (holding the lock) until DNS answers. */
  rc = getaddrinfo(name, portstr, &hints, &s->ai_all);
  if (rc != 0 || s->ai_all == NULL) {
    ESP_LOGE(TAG, "cannot resolve %s: error %d", name, rc);
    s->ai_all = NULL;
    slot_close(s);
    return -1;
  }
  s->ai_next = s->ai_all;
  err = slot_try_next(s);
  if (err != 0) {
    ESP_LOGE(TAG, "cannot connect to %s:%s: %s", name, portstr, strerror(err));
    slot_close(s);
    return -1;
  }
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

int32_t port_net_send(int32_t slot, rt_bytes data) {
  struct slot *s = slot_get(slot);
  int n;
  if (s == NULL) return -1;
  if (s->state == SLOT_CONNECTING || s->state == SLOT_HANDSHAKE) return 0;
  if (s->state != SLOT_OPEN) return -1;
  if (data.len == 0) return 0;
  if (s->tls) return tls_send(s, data);
  n = send(s->fd, data.p, data.len, MSG_DONTWAIT);
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

/* ---------------------------------------------------------------- the task */

#define NET_UP_BIT BIT0
static EventGroupHandle_t s_net;
static TaskHandle_t s_task;

static void run_timers(void) {
  uint32_t now = port_now_ms();
  s_next_timer = now + mgos_mqtt_port_poll(now);
}

/* One handshake step; the connect succeeds or fails when the handshake does. */
static void tls_step(int i, struct slot *s) {
  int r = mgos_tls_handshake(s->tls_slot);
  if (r == MGOS_TLS_WANT_READ || r == MGOS_TLS_WANT_WRITE) {
    s->tls_want = r;
    return;
  }
  if (r == MGOS_TLS_DONE) {
    s->state = SLOT_OPEN;
    mgos_mqtt_port_on_connect(i, true, 0);
    return;
  }
  int code = mgos_tls_error_code(s->tls_slot);
  ESP_LOGE(TAG, "TLS handshake with %s:%u: %s", s->host, (unsigned) s->port, mgos_tls_error(s->tls_slot));
  slot_close(s);
  mgos_mqtt_port_on_connect(i, false, code);
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

/* Handshakes past their deadline fail like any other connect. */
static void tls_timeouts(void) {
  uint32_t now = port_now_ms();
  for (int i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    if (s->state == SLOT_HANDSHAKE && mgos_tls_handshake_ms_left(s->tls_slot, now) == 0) {
      ESP_LOGE(TAG, "TLS handshake with %s:%u: timed out after %u ms", s->host, (unsigned) s->port,
               (unsigned) mgos_tls_handshake_timeout_ms());
      slot_close(s);
      mgos_mqtt_port_on_connect(i, false, ETIMEDOUT);
    }
  }
}

static void handle_events(const fd_set *rd, const fd_set *wr, const unsigned *gens) {
  static uint8_t buf[RECV_CHUNK];
  for (int i = 0; i < NSLOTS; i++) {
    struct slot *s = &s_slots[i];
    if (s->state == SLOT_FREE || s->gen != gens[i] || s->fd < 0) continue;
    if (s->state == SLOT_HANDSHAKE) {
      if (FD_ISSET(s->fd, rd) || FD_ISSET(s->fd, wr)) tls_step(i, s);
      continue;
    }
    if (s->state == SLOT_CONNECTING) {
      int err = 0;
      socklen_t len = sizeof(err);
      if (!FD_ISSET(s->fd, wr)) continue;
      if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      if (err == 0) {
        freeaddrinfo(s->ai_all);
        s->ai_all = s->ai_next = NULL;
        if (s->tls) {
          s->state = SLOT_HANDSHAKE;
          mgos_tls_start(s->tls_slot, s->fd, port_now_ms());
          tls_step(i, s);
          continue;
        }
        s->state = SLOT_OPEN;
        mgos_mqtt_port_on_connect(i, true, 0);
        continue;
      }
      ESP_LOGW(TAG, "connect: %s", strerror(err));
      close(s->fd);
      s->fd = -1;
      if (slot_try_next(s) == 0) continue;
      slot_close(s);
      mgos_mqtt_port_on_connect(i, false, err);
      continue;
    }
    if (FD_ISSET(s->fd, wr)) s->want_write = 0; /* run_timers flushes */
    if (s->tls) {
      /* Records mbedTLS already holds count as readable. */
      if (FD_ISSET(s->fd, rd) || mgos_tls_pending(s->tls_slot)) tls_readable(i, s, buf, sizeof(buf));
      continue;
    }
    if (FD_ISSET(s->fd, rd)) {
      int n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
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

static void mqtt_task(void *arg) {
  (void) arg;
  /* No point in trying before the network is up. */
  xEventGroupWaitBits(s_net, NET_UP_BIT, pdFALSE, pdTRUE, portMAX_DELAY);
  for (;;) {
    fd_set rd, wr;
    unsigned gens[NSLOTS];
    int maxfd = -1, pending_in = 0;
    int32_t left, hs_left = SELECT_MAX_MS;
    struct timeval tv;

    mgos_mqtt_esp32_lock();
    run_timers();
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    for (int i = 0; i < NSLOTS; i++) {
      struct slot *s = &s_slots[i];
      gens[i] = s->gen;
      if (s->state == SLOT_FREE || s->fd < 0) continue;
      if (s->state == SLOT_HANDSHAKE) {
        FD_SET(s->fd, s->tls_want == MGOS_TLS_WANT_READ ? &rd : &wr);
        uint32_t ms = mgos_tls_handshake_ms_left(s->tls_slot, port_now_ms());
        if (ms < (uint32_t) hs_left) hs_left = (int32_t) ms; /* wake up for the handshake deadline */
      } else {
        if (s->state == SLOT_CONNECTING || s->want_write) FD_SET(s->fd, &wr);
        if (s->state == SLOT_OPEN) FD_SET(s->fd, &rd);
        if (s->state == SLOT_OPEN && s->tls && mgos_tls_pending(s->tls_slot)) pending_in = 1;
      }
      if (s->fd > maxfd) maxfd = s->fd;
    }
    left = pending_in ? 0 : (int32_t) (s_next_timer - port_now_ms());
    if (left > hs_left) left = hs_left;
    mgos_mqtt_esp32_unlock();

    if (left < 0) left = 0;
    if (left > SELECT_MAX_MS) left = SELECT_MAX_MS;
    tv.tv_sec = 0;
    tv.tv_usec = left * 1000;
    if (maxfd < 0) {
      vTaskDelay(pdMS_TO_TICKS(left > 0 ? left : 1));
      continue;
    }
    int rc = select(maxfd + 1, &rd, &wr, NULL, &tv);
    mgos_mqtt_esp32_lock();
    if (rc < 0) {
      FD_ZERO(&rd);
      FD_ZERO(&wr);
    }
    if (rc > 0 || pending_in) {
      handle_events(&rd, &wr, gens);
      run_timers();
    }
    tls_timeouts();
    mgos_mqtt_esp32_unlock();
  }
}

static void on_ip_event(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) data;
  if (id == IP_EVENT_STA_GOT_IP || id == IP_EVENT_ETH_GOT_IP) {
    xEventGroupSetBits(s_net, NET_UP_BIT);
    /* The network came (back) up: connect now rather than after the backoff. */
    mgos_mqtt_esp32_lock();
    if (mgos_sys_config_get_mqtt_enable()) mgos_mqtt_global_connect();
    mgos_mqtt_esp32_unlock();
  } else if (id == IP_EVENT_STA_LOST_IP) {
    xEventGroupClearBits(s_net, NET_UP_BIT);
  }
}

esp_err_t mgos_mqtt_esp32_start(void) {
  esp_err_t err;
  if (s_task != NULL) return ESP_OK;
  mgos_mqtt_esp32_lock(); /* creates the lock */
  mgos_mqtt_esp32_unlock();
  s_net = xEventGroupCreate();
  if (s_net == NULL) return ESP_ERR_NO_MEM;
  err = esp_event_handler_register(IP_EVENT, IP_EVENT_STA_GOT_IP, on_ip_event, NULL);
  if (err == ESP_OK) err = esp_event_handler_register(IP_EVENT, IP_EVENT_ETH_GOT_IP, on_ip_event, NULL);
  if (err == ESP_OK) err = esp_event_handler_register(IP_EVENT, IP_EVENT_STA_LOST_IP, on_ip_event, NULL);
  if (err != ESP_OK) return err;
  if (xTaskCreate(mqtt_task, "mgos_mqtt", CONFIG_MGOS_MQTT_TASK_STACK, NULL, CONFIG_MGOS_MQTT_TASK_PRIORITY, &s_task) != pdPASS) {
    return ESP_ERR_NO_MEM;
  }
  return ESP_OK;
}

/* ---------------------------------------------------------------- thread-safe API
 * The component links with -Wl,--wrap=<name> for each function below, so a
 * call to <name> from any object lands in __wrap_<name>, which takes the lock
 * around the generated __real_<name>. The lock is recursive: handlers (run
 * by the task with the lock held) may call the API. pubf/pubv lock inside
 * mgos_mqtt_pubf.c (varargs cannot be forwarded by a wrapper). */
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
WRAP_VOID(mgos_mqtt_add_global_handler, (mg_event_handler_t h, void *ud), (h, ud))
WRAP_VOID(mgos_mqtt_set_connect_fn, (mgos_mqtt_connect_fn_t cb, void *arg), (cb, arg))
WRAP(struct mg_connection *, mgos_mqtt_get_global_conn, (void), ())
WRAP(bool, mgos_mqtt_global_connect, (void), ())
WRAP_VOID(mgos_mqtt_global_disconnect, (void), ())
WRAP(bool, mgos_mqtt_global_is_connected, (void), ())
WRAP(uint16_t, mgos_mqtt_pub, (const char *t, const void *m, size_t len, int qos, bool retain), (t, m, len, qos, retain))
WRAP_VOID(mgos_mqtt_sub, (const char *t, sub_handler_t h, void *ud), (t, h, ud))
WRAP_VOID(mgos_mqtt_global_subscribe, (const struct mg_str t, mg_event_handler_t h, void *ud), (t, h, ud))
WRAP(bool, mgos_mqtt_unsub, (const char *t), (t))
WRAP(size_t, mgos_mqtt_num_unsent_bytes, (void), ())
WRAP(uint16_t, mgos_mqtt_get_packet_id, (void), ())
WRAP_VOID(mgos_mqtt_set_max_qos, (int qos), (qos))
WRAP(bool, mgos_mqtt_set_config, (const struct mgos_config_mqtt *cfg), (cfg))
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_conn_create, (int id, const struct mgos_config_mqtt *cfg), (id, cfg))
WRAP(struct mgos_mqtt_conn *, mgos_mqtt_conn_create2,
     (int id, const struct mgos_config_mqtt *cfg, const struct mgos_config_mqtt *cfg1), (id, cfg, cfg1))
WRAP(bool, mgos_mqtt_conn_set_config, (struct mgos_mqtt_conn *c, const struct mgos_config_mqtt *cfg), (c, cfg))
WRAP_VOID(mgos_mqtt_conn_add_handler, (struct mgos_mqtt_conn *c, mg_event_handler_t h, void *ud), (c, h, ud))
WRAP(bool, mgos_mqtt_conn_connect, (struct mgos_mqtt_conn *c), (c))
WRAP_VOID(mgos_mqtt_conn_disconnect, (struct mgos_mqtt_conn *c), (c))
WRAP(bool, mgos_mqtt_conn_is_connected, (struct mgos_mqtt_conn *c), (c))
WRAP(uint16_t, mgos_mqtt_conn_pub, (struct mgos_mqtt_conn *c, const char *t, struct mg_str m, int qos, bool retain),
     (c, t, m, qos, retain))
WRAP_VOID(mgos_mqtt_conn_sub, (struct mgos_mqtt_conn *c, const char *t, int qos, mg_event_handler_t h, void *ud),
          (c, t, qos, h, ud))
WRAP(bool, mgos_mqtt_conn_unsub, (struct mgos_mqtt_conn *c, const char *t), (c, t))
WRAP(size_t, mgos_mqtt_conn_num_unsent_bytes, (struct mgos_mqtt_conn *c), (c))
WRAP(uint16_t, mgos_mqtt_conn_get_packet_id, (struct mgos_mqtt_conn *c), (c))
WRAP_VOID(mgos_mqtt_conn_set_max_qos, (struct mgos_mqtt_conn *c, int qos), (c, qos))

#endif /* ESP_PLATFORM */
