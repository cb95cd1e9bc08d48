/* Demo firmware for mgos_mqtt: connects with the configured server, listens
 * for commands on <device id>/cmd, answers on <device id>/resp and publishes
 * a JSON heartbeat on <device id>/heartbeat every few seconds.
 *
 * Commands (JSON): {"cmd":"ping"} -> {"resp":"pong"}; an "id" field is echoed
 * back, e.g. {"cmd":"ping","id":7} -> {"resp":"pong","id":7}. {"cmd":"exit"}
 * stops a host run. Anything else gets {"error":...}.
 *
 * ESP-IDF: app_main() brings up Wi-Fi (CONFIG_DEMO_WIFI_SSID/PASSWORD), and
 * the port starts the client when the station gets an IP.
 * Host: main [-c config.json] [--set section.key=value]... [--exit-after S]
 *            [--heartbeat S]
 * It prints one line per thing it does; the client's log goes to stderr. */
#ifndef ESP_PLATFORM
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_api.h"

#define TOPIC_MAX 160

static char s_dev_id[96];
static char s_cmd_topic[TOPIC_MAX], s_resp_topic[TOPIC_MAX], s_hb_topic[TOPIC_MAX];
static unsigned s_heartbeats;
static volatile int s_quit;

/* ---------------------------------------------------------------- tiny JSON field reader
 * Enough for the flat command objects above: finds "key" at any depth and
 * reads a string (escapes kept as-is) or an integer after it. */

static const char *find_value(const char *js, int len, const char *key) {
  size_t kl = strlen(key);
  const char *end = js + len, *p = js;
  while (p + kl + 2 <= end) {
    if (*p == '"' && (size_t) (end - p) > kl + 1 && memcmp(p + 1, key, kl) == 0 && p[kl + 1] == '"') {
      const char *q = p + kl + 2;
      while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
      if (q < end && *q == ':') {
        q++;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
        return q < end ? q : NULL;
      }
    }
    p++;
  }
  return NULL;
}

static bool json_str(const char *js, int len, const char *key, char *out, size_t outsz) {
  const char *v = find_value(js, len, key), *end = js + len;
  size_t n = 0;
  if (v == NULL || *v != '"') return false;
  for (v++; v < end && *v != '"'; v++) {
    if (*v == '\\' && v + 1 < end) v++;
    if (n + 1 >= outsz) return false;
    out[n++] = *v;
  }
  if (v >= end) return false;
  out[n] = '\0';
  return true;
}

static bool json_int(const char *js, int len, const char *key, long *out) {
  const char *v = find_value(js, len, key), *end = js + len;
  long x = 0;
  int sign = 1, digits = 0;
  if (v == NULL) return false;
  if (*v == '-') {
    sign = -1;
    v++;
  }
  for (; v < end && *v >= '0' && *v <= '9' && digits < 12; v++, digits++) x = x * 10 + (*v - '0');
  if (digits == 0) return false;
  *out = sign * x;
  return true;
}

/* ---------------------------------------------------------------- MQTT handlers */

static void on_cmd(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  char cmd[32];
  long id = 0;
  bool has_id = json_int(msg, msg_len, "id", &id);
  (void) nc;
  (void) ud;
  printf("command on %.*s: %.*s\n", topic_len, topic, msg_len, msg);
  if (!json_str(msg, msg_len, "cmd", cmd, sizeof(cmd))) {
    mgos_mqtt_pubf(s_resp_topic, 1, false, "{error: %Q}", "expected {\"cmd\": \"...\"}");
    printf("bad command: answered with an error\n");
    return;
  }
  if (strcmp(cmd, "ping") == 0) {
    uint16_t pid = has_id ? mgos_mqtt_pubf(s_resp_topic, 1, false, "{resp: %Q, id: %ld}", "pong", id)
                          : mgos_mqtt_pubf(s_resp_topic, 1, false, "{resp: %Q}", "pong");
    printf("ping: replied pong on %s (packet id %u)\n", s_resp_topic, (unsigned) pid);
  } else if (strcmp(cmd, "exit") == 0) {
    printf("exit: stopping\n");
    s_quit = 1;
  } else {
    mgos_mqtt_pubf(s_resp_topic, 1, false, "{error: %Q, cmd: %Q}", "unknown command", cmd);
    printf("unknown command %s: answered with an error\n", cmd);
  }
}

static void on_event(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ud;
  if (ev == MG_EV_MQTT_CONNACK) {
    struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
    printf("connected (CONNACK %d)\n", m != NULL ? (int) m->connack_ret_code : -1);
  } else if (ev == MG_EV_CLOSE) {
    printf("disconnected\n");
  } else if (ev == MG_EV_MQTT_PUBACK) {
    struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
    printf("PUBACK for packet %u\n", m != NULL ? (unsigned) m->message_id : 0u);
  }
}

static void heartbeat(double uptime_s) {
  uint16_t pid;
  if (!mgos_mqtt_global_is_connected()) return;
  s_heartbeats++;
  pid = mgos_mqtt_pubf(s_hb_topic, 0, false, "{device: %Q, seq: %u, uptime: %.1f, unsent: %zu}", s_dev_id,
                       s_heartbeats, uptime_s, mgos_mqtt_num_unsent_bytes());
  printf("heartbeat %u on %s%s\n", s_heartbeats, s_hb_topic, pid == 0 ? " (not sent)" : "");
}

/* Topics from the device id: the client id when configured, else the port's id. */
static void demo_setup(void) {
  const char *cid = mgos_sys_config_get_mqtt_client_id();
  snprintf(s_dev_id, sizeof(s_dev_id), "%s", (cid != NULL && cid[0] != '\0') ? cid : port_device_id());
  snprintf(s_cmd_topic, sizeof(s_cmd_topic), "%s/cmd", s_dev_id);
  snprintf(s_resp_topic, sizeof(s_resp_topic), "%s/resp", s_dev_id);
  snprintf(s_hb_topic, sizeof(s_hb_topic), "%s/heartbeat", s_dev_id);
  printf("device id %s; commands on %s, replies on %s\n", s_dev_id, s_cmd_topic, s_resp_topic);
  mgos_mqtt_add_global_handler(on_event, NULL);
  mgos_mqtt_sub(s_cmd_topic, on_cmd, NULL);
  if (!mgos_sys_config_get_mqtt_enable()) printf("mqtt.enable is false: not connecting\n");
  mgos_mqtt_init();
}

#ifdef ESP_PLATFORM
/* ================================================================ ESP-IDF */
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_timer.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "mgos_mqtt_esp32.h"
#include "nvs_flash.h"

#ifndef CONFIG_DEMO_WIFI_SSID
#define CONFIG_DEMO_WIFI_SSID ""
#endif
#ifndef CONFIG_DEMO_WIFI_PASSWORD
#define CONFIG_DEMO_WIFI_PASSWORD ""
#endif
#ifndef CONFIG_DEMO_HEARTBEAT_S
#define CONFIG_DEMO_HEARTBEAT_S 5
#endif

static void on_wifi(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) data;
  /* Keep the station associated; the MQTT port reconnects once it has an IP. */
  if (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED) esp_wifi_connect();
}

void app_main(void) {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    err = nvs_flash_init();
  }
  ESP_ERROR_CHECK(err);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t wcfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&wcfg));
  ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi, NULL));
  wifi_config_t sta = {0};
  strncpy((char *) sta.sta.ssid, CONFIG_DEMO_WIFI_SSID, sizeof(sta.sta.ssid) - 1);
  strncpy((char *) sta.sta.password, CONFIG_DEMO_WIFI_PASSWORD, sizeof(sta.sta.password) - 1);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &sta));

  /* The config is the compiled-in defaults (Kconfig); the API calls below
   * are made under the port's lock, from this task. */
  mgos_mqtt_esp32_lock();
  demo_setup();
  mgos_mqtt_esp32_unlock();
  ESP_ERROR_CHECK(mgos_mqtt_esp32_start());
  ESP_ERROR_CHECK(esp_wifi_start());

  for (;;) {
    vTaskDelay(pdMS_TO_TICKS(CONFIG_DEMO_HEARTBEAT_S * 1000));
    mgos_mqtt_esp32_lock();
    heartbeat((double) esp_timer_get_time() / 1e6);
    mgos_mqtt_esp32_unlock();
  }
}

#else
/* ================================================================ host */
#include <signal.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

static void on_cloud_event(int ev, void *ev_data, void *ud) {
  static const char *const names[] = {"CONNECTED", "DISCONNECTED", "CONNECTING", "CONNECTERROR"};
  int k = ev - (int) MGOS_EVENT_CLOUD_CONNECTED;
  (void) ev_data;
  (void) ud;
  if (k >= 0 && k < 4) printf("cloud event %s\n", names[k]);
}

static int usage(const char *prog) {
  fprintf(stderr,
          "usage: %s [-c config.json] [--set section.key=value]... [--exit-after SECONDS] [--heartbeat SECONDS]\n"
          "  e.g. %s --set mqtt.enable=true --set mqtt.server=127.0.0.1:1883\n",
          prog, prog);
  return 2;
}

static bool parse_seconds(const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !(v >= 0) || v > 1e6) return false;
  *out = v;
  return true;
}

int main(int argc, char **argv) {
  double exit_after = -1, hb_period = 5, t0, next_hb;
  int i;

  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    int cfg = mgos_mqtt_host_config_arg(argc, argv, &i);
    if (cfg < 0) return 2;
    if (cfg > 0) {
      continue;
    } else if (strcmp(a, "--exit-after") == 0 && i + 1 < argc) {
      if (!parse_seconds(argv[++i], &exit_after)) {
        fprintf(stderr, "--exit-after: expected seconds, got '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(a, "--heartbeat") == 0 && i + 1 < argc) {
      if (!parse_seconds(argv[++i], &hb_period) || hb_period < 0.05) {
        fprintf(stderr, "--heartbeat: expected seconds >= 0.05, got '%s'\n", argv[i]);
        return 2;
      }
    } else {
      fprintf(stderr, "unknown or incomplete argument '%s'\n", a);
      return usage(argv[0]);
    }
  }
  if (mgos_mqtt_host_config_done() < 0) return 2;

  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  mgos_mqtt_host_set_event_handler(on_cloud_event, NULL);
  demo_setup();

  t0 = now_s();
  next_hb = t0 + hb_period;
  while (!s_quit) {
    double t = now_s();
    int wait_ms = (int) ((next_hb - t) * 1000) + 1;
    if (exit_after >= 0 && t - t0 >= exit_after) break;
    if (t >= next_hb) {
      heartbeat(t - t0);
      next_hb += hb_period;
      if (next_hb < t) next_hb = t + hb_period;
      continue;
    }
    if (wait_ms > 200) wait_ms = 200; /* keep --exit-after and signals prompt */
    mgos_mqtt_poll(wait_ms);
  }

  /* A clean goodbye: DISCONNECT goes out (so the broker does not send the
   * will), then every socket is closed. */
  printf("exiting\n");
  mgos_mqtt_global_disconnect();
  for (i = 0; i < 5 && mgos_mqtt_num_unsent_bytes() > 0; i++) mgos_mqtt_poll(20);
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  return 0;
}
#endif
