/* Firmware-like scenarios for port_esp32.c on the ESP-IDF model: each runs
 * the client as an ESP32 app would (default event loop, Wi-Fi/IP events,
 * mgos_mqtt_esp32_start) against the mosquitto the test started, and prints
 *   RESULT <check> PASS|FAIL <detail>     one per check
 *   FIGURE <name> <value>                 measurements
 * Usage: esp_model <scenario> key=value... (keys: plain, tls, mtls, v6, ca,
 * cert, key, id). Exit status 0 when every check passed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "esp_event.h"
#include "esp_model.h"
#include "esp_netif.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

#include "config.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_esp32.h"

#undef socket
#undef connect
#undef close
#undef select

#ifndef CONFIG_MGOS_MQTT_TASK_STACK
#error "build with -DCONFIG_MGOS_MQTT_TASK_STACK=<the Kconfig default>"
#endif

static int g_failed;
static const char *arg_val(int argc, char **argv, const char *key) {
  size_t n = strlen(key);
  for (int i = 2; i < argc; i++)
    if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
  return NULL;
}

static void result(const char *check, int ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void result(const char *check, int ok, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof(detail), fmt, ap);
  va_end(ap);
  printf("RESULT %s %s %s\n", check, ok ? "PASS" : "FAIL", detail);
  fflush(stdout);
  if (!ok) g_failed = 1;
}

/* The condition first, then the details (C leaves argument order open). */
#define RESULT(check, cond, ...)        \
  do {                                  \
    int ok_ = (cond);                   \
    result(check, ok_, __VA_ARGS__);    \
  } while (0)

static int64_t now_ms(void) { return esp_timer_get_time() / 1000; }
static void sleep_ms(int ms) { usleep((useconds_t) ms * 1000u); }

static void set(const char *kv) {
  if (mgos_mqtt_config_set(kv) != 0) {
    fprintf(stderr, "config %s: %s\n", kv, mgos_mqtt_config_error());
    exit(2);
  }
}

/* ---------------------------------------------------------------- app handlers */

static atomic_int g_connacks, g_closes, g_cloud_connected, g_cloud_events;

static void on_mqtt(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ev_data;
  (void) ud;
  if (ev == MG_EV_MQTT_CONNACK) atomic_fetch_add(&g_connacks, 1);
  if (ev == MG_EV_CLOSE) atomic_fetch_add(&g_closes, 1);
}

static void on_cloud(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) data;
  atomic_fetch_add(&g_cloud_events, 1);
  if (id == MGOS_EVENT_CLOUD_CONNECTED) atomic_fetch_add(&g_cloud_connected, 1);
}

/* Waits until `cond` holds or ms pass; returns whether it held. */
#define WAIT_FOR(cond, ms)                                        \
  ({                                                              \
    int64_t dl_ = now_ms() + (ms);                                \
    while (!(cond) && now_ms() < dl_) sleep_ms(20);               \
    (cond);                                                       \
  })

static int connected(void) { return mgos_mqtt_global_is_connected(); }

/* Event-loop latency: a probe event posted every 20 ms carries its post time. */
static ESP_EVENT_DEFINE_BASE(PROBE_EVENT);
static atomic_llong g_probe_max_us;
static atomic_int g_probe_run;
static void on_probe(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) id;
  long long lat = (long long) esp_timer_get_time() - *(int64_t *) data;
  long long cur = atomic_load(&g_probe_max_us);
  while (lat > cur && !atomic_compare_exchange_weak(&g_probe_max_us, &cur, lat)) {
  }
}
static void probe_task(void *arg) {
  (void) arg;
  while (atomic_load(&g_probe_run)) {
    int64_t t = esp_timer_get_time();
    esp_event_post(PROBE_EVENT, 1, &t, sizeof(t), portMAX_DELAY);
    vTaskDelay(pdMS_TO_TICKS(20));
  }
  vTaskDelete(NULL);
}

/* Stalls the event task (a slow handler elsewhere in the firmware). */
static ESP_EVENT_DEFINE_BASE(STALL_EVENT);
static void on_stall(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) data;
  if (id == 1) sleep_ms(1500);
}

/* API calls from other tasks: the longest a call waited. */
static atomic_llong g_api_max_us;
static atomic_int g_api_run, g_api_calls;
static void api_task(void *arg) {
  int k = (int) (intptr_t) arg;
  while (atomic_load(&g_api_run)) {
    int64_t t0 = esp_timer_get_time();
    switch ((k + atomic_load(&g_api_calls)) % 4) {
      case 0: mgos_mqtt_pub("esp-model/api", "x", 1, 1, false); break;
      case 1: (void) mgos_mqtt_num_unsent_bytes(); break;
      case 2: (void) mgos_mqtt_global_is_connected(); break;
      default: (void) mgos_mqtt_get_packet_id(); break;
    }
    long long d = (long long) (esp_timer_get_time() - t0);
    long long cur = atomic_load(&g_api_max_us);
    while (d > cur && !atomic_compare_exchange_weak(&g_api_max_us, &cur, d)) {
    }
    atomic_fetch_add(&g_api_calls, 1);
    vTaskDelay(pdMS_TO_TICKS(10));
  }
  vTaskDelete(NULL);
}

/* A port that takes no connection: a listener whose backlog is full, so the
 * kernel drops further SYNs and a connect waits for its retries (a dead host). */
static int dead_port(void) {
  struct sockaddr_in a = {0};
  socklen_t len = sizeof(a);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, (struct sockaddr *) &a, sizeof(a)) != 0 || listen(l, 0) != 0) exit(2);
  getsockname(l, (struct sockaddr *) &a, &len);
  for (int i = 0; i < 4; i++) {
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(c, (struct sockaddr *) &a, sizeof(a));
  }
  sleep_ms(200);
  return ntohs(a.sin_port);
}

/* A port that accepts TCP (the kernel completes the handshake into the
 * backlog) and then says nothing: a TLS handshake there never finishes. */
static int silent_port(void) {
  struct sockaddr_in a = {0};
  socklen_t len = sizeof(a);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, (struct sockaddr *) &a, sizeof(a)) != 0 || listen(l, 16) != 0) exit(2);
  getsockname(l, (struct sockaddr *) &a, &len);
  return ntohs(a.sin_port);
}

/* ---------------------------------------------------------------- common set-up */

static void base_config(const char *id, const char *server) {
  char kv[256];
  set("mqtt.enable=true");
  snprintf(kv, sizeof(kv), "mqtt.server=%s", server);
  set(kv);
  snprintf(kv, sizeof(kv), "mqtt.client_id=%s", id);
  set(kv);
  set("mqtt.reconnect_timeout_min=1");
  set("mqtt.reconnect_timeout_max=4");
  set("mqtt.keep_alive=20");
}

static void tls_config(int argc, char **argv, int mutual) {
  char kv[512];
  snprintf(kv, sizeof(kv), "mqtt.ssl_ca_cert=%s", arg_val(argc, argv, "ca"));
  set(kv);
  if (mutual) {
    snprintf(kv, sizeof(kv), "mqtt.ssl_cert=%s", arg_val(argc, argv, "cert"));
    set(kv);
    snprintf(kv, sizeof(kv), "mqtt.ssl_key=%s", arg_val(argc, argv, "key"));
    set(kv);
  }
}

static void app_start(void) {
  esp_event_handler_register(MGOS_MQTT_EVENT, ESP_EVENT_ANY_ID, on_cloud, NULL);
  mgos_mqtt_add_global_handler(on_mqtt, NULL);
  mgos_mqtt_init();
  if (mgos_mqtt_esp32_start() != ESP_OK) {
    fprintf(stderr, "mgos_mqtt_esp32_start failed\n");
    exit(2);
  }
}

static void wifi_up(void) {
  model_sta_connected();
  model_sta_got_ip("192.168.4.2");
}

static void wifi_down(void) {
  model_sta_disconnected();
  model_sta_lost_ip();
}

static void figures(void) {
  TaskHandle_t ev = model_task_by_name("sys_evt"), cl = model_task_by_name("mgos_mqtt");
  if (model_stack_measured()) {
    printf("FIGURE stack_event_task %u of %u\n", (unsigned) model_stack_used(ev), (unsigned) model_stack_size(ev));
    printf("FIGURE stack_client_task %u of %u\n", (unsigned) model_stack_used(cl), (unsigned) model_stack_size(cl));
    RESULT("stack_event_task", model_stack_used(ev) <= model_stack_size(ev), "%u of %u bytes", (unsigned) model_stack_used(ev),
           (unsigned) model_stack_size(ev));
    RESULT("stack_client_task", model_stack_used(cl) <= model_stack_size(cl), "%u of %u bytes", (unsigned) model_stack_used(cl),
           (unsigned) model_stack_size(cl));
  }
  printf("FIGURE lock_max_hold_us %llu (%s)\n", (unsigned long long) model_lock_max_hold_us(0), model_lock_max_holder());
  printf("FIGURE lock_max_hold_cpu_us %llu\n", (unsigned long long) model_lock_max_hold_cpu_us());
  RESULT("rules", model_violations() == 0, "%d FreeRTOS rule violation(s) (see MODEL VIOLATION lines)", model_violations());
}

/* ---------------------------------------------------------------- scenarios */

/* Finding 2: the station had its IP before the app started the client
 * (example_connect() order): it must connect all the same. */
static void sc_ip_before(int argc, char **argv) {
  char srv[64];
  snprintf(srv, sizeof(srv), "127.0.0.1:%s", arg_val(argc, argv, "plain"));
  base_config(arg_val(argc, argv, "id"), srv);
  wifi_up();
  sleep_ms(300); /* GOT_IP handled before anyone listened for it */
  app_start();
  RESULT("ip_before_start_connects", WAIT_FOR(connected(), 10000), "connected: %d", connected());
}

/* Wi-Fi up after start, down (IP lost: TCP aborted), up again. */
static void sc_wifi(int argc, char **argv) {
  char srv[64];
  snprintf(srv, sizeof(srv), "127.0.0.1:%s", arg_val(argc, argv, "plain"));
  base_config(arg_val(argc, argv, "id"), srv);
  app_start();
  sleep_ms(300);
  RESULT("no_ip_no_connect", !connected(), "connected without an IP: %d", connected());
  wifi_up();
  RESULT("ip_after_start_connects", WAIT_FOR(connected(), 10000), "connected: %d", connected());
  wifi_down();
  RESULT("wifi_down_closes", WAIT_FOR(!connected() && atomic_load(&g_closes) > 0, 10000), "closes: %d", atomic_load(&g_closes));
  sleep_ms(1500);
  wifi_up();
  int64_t t0 = now_ms();
  int ok = WAIT_FOR(connected(), 10000);
  RESULT("wifi_up_reconnects", ok, "after %lld ms", (long long) (now_ms() - t0));
}

/* Finding 1: nothing slow runs in the event task. TLS with a client
 * certificate and a DNS answer that takes 3 s: the event loop must keep
 * dispatching, and its 2816-byte stack must suffice. */
static void sc_event_task(int argc, char **argv) {
  char srv[64];
  TaskHandle_t probe;
  model_dns_add("localhost", "127.0.0.1", 3000);
  snprintf(srv, sizeof(srv), "localhost:%s", arg_val(argc, argv, "mtls"));
  base_config(arg_val(argc, argv, "id"), srv);
  tls_config(argc, argv, 1);
  esp_event_loop_create_default();
  esp_event_handler_register(PROBE_EVENT, ESP_EVENT_ANY_ID, on_probe, NULL);
  app_start();
  atomic_store(&g_probe_run, 1);
  xTaskCreate(probe_task, "probe", 8192, NULL, 5, &probe);
  wifi_up();
  int ok = WAIT_FOR(connected(), 20000);
  sleep_ms(200);
  atomic_store(&g_probe_run, 0);
  RESULT("mtls_connects", ok, "connected: %d", connected());
  long long lat = atomic_load(&g_probe_max_us);
  printf("FIGURE event_loop_max_latency_ms %lld\n", lat / 1000);
  RESULT("event_loop_not_blocked", lat < 1500000, "longest event dispatch delay %lld ms (DNS takes 3000 ms)", lat / 1000);
  figures();
}

/* Finding 3: the lock is not held across DNS, certificate parsing or
 * handshake steps. Three tasks call the API every 10 ms while the client
 * resolves (2 s) and runs a mutual TLS handshake slowed to ESP32 speed. */
static void sc_lock(int argc, char **argv) {
  char srv[64];
  TaskHandle_t t[3];
  model_dns_add("localhost", "127.0.0.1", 2000);
  model_set_handshake_delay_ms(300);
  snprintf(srv, sizeof(srv), "localhost:%s", arg_val(argc, argv, "mtls"));
  base_config(arg_val(argc, argv, "id"), srv);
  tls_config(argc, argv, 1);
  app_start();
  atomic_store(&g_api_run, 1);
  for (int i = 0; i < 3; i++) xTaskCreate(api_task, "api", 8192, (void *) (intptr_t) i, 5, &t[i]);
  wifi_up();
  int ok = WAIT_FOR(connected(), 20000);
  sleep_ms(500);
  atomic_store(&g_api_run, 0);
  sleep_ms(100);
  RESULT("mtls_connects", ok, "connected: %d", connected());
  long long w = atomic_load(&g_api_max_us);
  printf("FIGURE api_max_wait_ms %lld\n", w / 1000);
  RESULT("api_not_blocked", w < 1000000, "longest API call %lld ms over %d calls (DNS 2000 ms, handshake steps +300 ms)", w / 1000,
         atomic_load(&g_api_calls));
  RESULT("nothing_blocking_under_lock", model_blocking_under_lock() == 0, "%d DNS/handshake/parse call(s) made holding the lock",
         model_blocking_under_lock());
  RESULT("sent_after_connect", WAIT_FOR(mgos_mqtt_num_unsent_bytes() == 0, 10000), "unsent %u bytes",
         (unsigned) mgos_mqtt_num_unsent_bytes());
  figures();
}

/* Lock hold figures: connect, publish for a while (plain, TLS, mutual TLS). */
static void sc_measure(int argc, char **argv) {
  const char *mode = arg_val(argc, argv, "mode");
  char srv[64];
  TaskHandle_t t[3];
  int tls = strcmp(mode, "plain") != 0, mutual = strcmp(mode, "mtls") == 0;
  snprintf(srv, sizeof(srv), "localhost:%s", arg_val(argc, argv, mode));
  model_dns_add("localhost", "127.0.0.1", 0);
  base_config(arg_val(argc, argv, "id"), srv);
  if (tls) tls_config(argc, argv, mutual);
  app_start();
  size_t heap0 = mallinfo2().uordblks;
  wifi_up();
  int ok = WAIT_FOR(connected(), 20000);
  sleep_ms(300);
  /* Heap taken by the connection (sockets are the host's: lwIP's own buffers are not in it). */
  printf("FIGURE heap_connection_bytes %ld (%s)\n", (long) (mallinfo2().uordblks - heap0), mode);
  atomic_store(&g_api_run, 1);
  for (int i = 0; i < 3; i++) xTaskCreate(api_task, "api", 8192, (void *) (intptr_t) i, 5, &t[i]);
  sleep_ms(2000);
  atomic_store(&g_api_run, 0);
  sleep_ms(100);
  RESULT("connects", ok, "%s connected: %d", mode, connected());
  /* Reconnect once more: the second set-up parses nothing. */
  int parses = model_cert_parses();
  mgos_mqtt_global_disconnect();
  WAIT_FOR(!connected(), 5000);
  mgos_mqtt_global_connect();
  ok = WAIT_FOR(connected(), 20000);
  RESULT("reconnects", ok, "connected: %d", connected());
  if (tls) RESULT("certs_parsed_once", model_cert_parses() == parses, "%d parses before, %d after a reconnect", parses, model_cert_parses());
  printf("FIGURE api_max_wait_ms %lld\n", atomic_load(&g_api_max_us) / 1000);
  figures();
}

/* Finding 5's check: with mqtt as the caller configured it (a primary that
 * never answers), a backup mqtt1 on the plain broker; the attempt's deadline
 * counts it as a failure and after the backoff the client connects to mqtt1. */
static void fails_over(int argc, char **argv, const char *check) {
  char kv[96];
  set("mqtt.reconnect_timeout_max=1");
  set("mqtt1.enable=true");
  snprintf(kv, sizeof(kv), "mqtt1.server=127.0.0.1:%s", arg_val(argc, argv, "plain"));
  set(kv);
  snprintf(kv, sizeof(kv), "mqtt1.client_id=%s", arg_val(argc, argv, "id"));
  set(kv);
  app_start();
  wifi_up();
  int64_t t0 = now_ms();
  int ok = WAIT_FOR(connected(), 25000);
  RESULT(check, ok, "connected to mqtt1: %d after %lld ms", connected(), (long long) (now_ms() - t0));
}

/* Finding 5: a dead primary (SYNs unanswered). */
static void sc_dead(int argc, char **argv) {
  char srv[64];
  snprintf(srv, sizeof(srv), "127.0.0.1:%d", dead_port());
  base_config(arg_val(argc, argv, "id"), srv);
  fails_over(argc, argv, "dead_host_fails_over");
}

/* Finding 5, TLS side: the same deadline covers a TLS handshake that never
 * finishes (a server that accepts TCP and stays silent). */
static void sc_stall_tls(int argc, char **argv) {
  char srv[64];
  model_dns_add("localhost", "127.0.0.1", 0);
  snprintf(srv, sizeof(srv), "localhost:%d", silent_port());
  base_config(arg_val(argc, argv, "id"), srv);
  tls_config(argc, argv, 0);
  fails_over(argc, argv, "silent_tls_server_fails_over");
}

/* Finding 6: after the app's disconnect, the network coming back must not reconnect. */
static void sc_disconnect(int argc, char **argv) {
  char srv[64];
  snprintf(srv, sizeof(srv), "127.0.0.1:%s", arg_val(argc, argv, "plain"));
  base_config(arg_val(argc, argv, "id"), srv);
  app_start();
  wifi_up();
  RESULT("connects", WAIT_FOR(connected(), 10000), "connected: %d", connected());
  mgos_mqtt_global_disconnect();
  RESULT("disconnects", WAIT_FOR(!connected(), 5000), "connected: %d", connected());
  int acks = atomic_load(&g_connacks);
  wifi_down();
  sleep_ms(300);
  wifi_up();
  sleep_ms(3000);
  RESULT("stays_disconnected", !connected() && atomic_load(&g_connacks) == acks, "connected: %d, CONNACKs after disconnect: %d",
         connected(), atomic_load(&g_connacks) - acks);
}

/* Finding 7: cloud events are not lost while the event task is stuck and its queue full. */
static void sc_cloud(int argc, char **argv) {
  char srv[64];
  snprintf(srv, sizeof(srv), "127.0.0.1:%s", arg_val(argc, argv, "plain"));
  base_config(arg_val(argc, argv, "id"), srv);
  esp_event_loop_create_default();
  esp_event_handler_register(STALL_EVENT, ESP_EVENT_ANY_ID, on_stall, NULL);
  app_start();
  wifi_up();
  RESULT("connects", WAIT_FOR(connected() && atomic_load(&g_cloud_connected) == 1, 10000), "cloud CONNECTED events: %d",
         atomic_load(&g_cloud_connected));
  esp_event_post(STALL_EVENT, 1, NULL, 0, portMAX_DELAY);
  int filled = 0;
  while (esp_event_post(STALL_EVENT, 2, NULL, 0, 0) == ESP_OK) filled++;
  mgos_mqtt_global_disconnect();
  mgos_mqtt_global_connect();
  int ok = WAIT_FOR(atomic_load(&g_cloud_connected) == 2, 10000);
  RESULT("cloud_events_kept", ok, "cloud CONNECTED events: %d of 2 (loop queue filled with %d events during a 1.5 s stall)",
         atomic_load(&g_cloud_connected), filled);
}

/* Finding 7, lwIP's one-address getaddrinfo: a dual-stack name whose IPv4
 * address refuses; the client must try IPv6 after the failure. */
static void sc_dual(int argc, char **argv) {
  char srv[64];
  model_dns_add("dual.test", "127.0.0.3,::1", 0);
  snprintf(srv, sizeof(srv), "dual.test:%s", arg_val(argc, argv, "v6"));
  base_config(arg_val(argc, argv, "id"), srv);
  app_start();
  wifi_up();
  model_sta_got_ip6("2001:db8::2");
  RESULT("dual_stack_tries_ipv6", WAIT_FOR(connected(), 15000), "connected: %d", connected());
}

/* Finding 7, IPv6 only: an AAAA-only broker on an IPv6-only network. */
static void sc_v6only(int argc, char **argv) {
  char srv[64];
  model_dns_add("v6.test", "::1", 0);
  snprintf(srv, sizeof(srv), "v6.test:%s", arg_val(argc, argv, "v6"));
  base_config(arg_val(argc, argv, "id"), srv);
  app_start();
  model_sta_connected();
  model_sta_got_ip6("2001:db8::2");
  RESULT("ipv6_only_connects", WAIT_FOR(connected(), 15000), "connected: %d", connected());
}

int main(int argc, char **argv) {
  static const struct {
    const char *name;
    void (*fn)(int, char **);
  } all[] = {{"ip_before", sc_ip_before}, {"wifi", sc_wifi},         {"event_task", sc_event_task}, {"lock", sc_lock},
             {"measure", sc_measure},     {"dead", sc_dead},         {"stall_tls", sc_stall_tls},         {"disconnect", sc_disconnect}, {"cloud", sc_cloud},
             {"dual", sc_dual},           {"v6only", sc_v6only}};
  setvbuf(stdout, NULL, _IOLBF, 0);
  mallopt(M_ARENA_MAX, 1); /* one heap, as on the device: mallinfo2() sees every task's blocks */
  if (argc < 2) {
    fprintf(stderr, "usage: %s <scenario> key=value...\n", argv[0]);
    return 2;
  }
  /* app_main's first steps on a device: the default event loop. */
  if (esp_event_loop_create_default() != ESP_OK) return 2;
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    if (strcmp(all[i].name, argv[1]) == 0) {
      all[i].fn(argc, argv);
      if (strcmp(argv[1], "event_task") != 0 && strcmp(argv[1], "lock") != 0 && strcmp(argv[1], "measure") != 0) figures();
#if defined(__SANITIZE_ADDRESS__)
      /* The tasks run on (as on a device): check for leaks before leaving. */
      RESULT("no_leaks", __lsan_do_recoverable_leak_check() == 0, "LeakSanitizer (report above)");
#endif
      printf("DONE %s\n", g_failed ? "FAIL" : "PASS");
      fflush(stdout);
      _exit(g_failed ? 1 : 0); /* the tasks run forever, as on a device */
    }
  }
  fprintf(stderr, "unknown scenario %s\n", argv[1]);
  return 2;
}
