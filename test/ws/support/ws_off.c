/* MQTT over WebSocket and the persistent outbox compiled out (the default;
 * test/ws/ws_off.test.ts builds this without the macros, with them 0, and
 * with them 1 as a control): the config loader refuses ws_enable and
 * outbox_persist naming the key and the switch; a config given from C with
 * ws_enable fails each connect with an error before the socket is opened,
 * and the link inside each connection shrinks to its scalars; outbox_persist
 * logs an error. Prints `key value` lines. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_sys.h"
#include "conn.h"
#include "mgos_mqtt.h"
#include "port.h"
#include "persist.h"
#include "ws.h"

static uint32_t now_ms = 1000u;
static int nconnects;
static char last_error[160];
static int nerrors;
static int npersist_off;

uint32_t port_now_ms(void) { return now_ms; }
void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  char line[sizeof(last_error)];
  if (level != 0 || msg == NULL) return;
  snprintf(line, sizeof(line), "%s%.*s", msg, (int)detail.len, detail.p != NULL ? (const char *)detail.p : "");
  if (strstr(line, "CONFIG_MGOS_MQTT_PERSIST_SUPPORT") != NULL) {
    npersist_off++;
    return;
  }
  if (strstr(line, "outbox_persist") != NULL) return; /* on: this port has no storage */
  snprintf(last_error, sizeof(last_error), "%s", line);
  nerrors++;
}
int32_t port_net_connect_v(int32_t slot, uint8_t *host_p, uint32_t host_len, uint16_t port, int32_t tls_slot) {
  rt_bytes host = {host_p, host_len};
  (void)slot;
  (void)host;
  (void)port;
  (void)tls_slot;
  nconnects++;
  return 0;
}

int main(void) {
  /* The config loader refuses a key asking for a feature compiled out, naming
   * the key and the switch, and keeps the previous value. */
  int ws_set = mgos_mqtt_config_set("mqtt.ws_enable=true");
  printf("ws_set %d\n", ws_set);
  printf("ws_set_error %s\n", ws_set != 0 ? mgos_mqtt_config_error() : "");
  int persist_set = mgos_mqtt_config_set("mqtt.outbox_persist=outbox");
  printf("persist_set %d\n", persist_set);
  printf("persist_set_error %s\n", persist_set != 0 ? mgos_mqtt_config_error() : "");
  printf("ws_enable_after %d\n", (int)mgos_sys_config_get_mqtt()->ws_enable);
  /* A config handed over from C is not checked by the loader: the connection
   * refuses it (ws_enable fails each connect, outbox_persist logs an error). */
  if (mgos_mqtt_config_set("mqtt.enable=true") != 0 || mgos_mqtt_config_set("mqtt.server=broker.local:8080") != 0) {
    printf("config failed\n");
    return 1;
  }
  static struct mgos_config_mqtt c;
  c = *mgos_sys_config_get_mqtt();
  c.ws_enable = true;
  c.outbox_persist = "outbox";
  if (!mgos_mqtt_set_config(&c)) {
    printf("set_config failed\n");
    return 1;
  }
  (void)mgos_mqtt_init();
  (void)mgos_mqtt_port_poll(now_ms);
  /* A second attempt after the backoff fails the same way. */
  now_ms += 120000u;
  (void)mgos_mqtt_port_poll(now_ms);
  printf("ws_support %d\n", (int)CONFIG_MGOS_MQTT_WS_SUPPORT_VALUE);
  printf("connects %d\n", nconnects);
  printf("errors %d\n", nerrors);
  printf("error %s\n", last_error);
  printf("persist_support %d\n", (int)CONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE);
  printf("persist_off_errors %d\n", npersist_off);
  printf("wslink_bytes %u\n", (unsigned)sizeof(WsLink));
  printf("conn_ws_bytes %u\n", (unsigned)sizeof(((mgos_mqtt_conn *)0)->wss));
  printf("handler_bytes %u\n", (unsigned)sizeof(mgos_mqtt_handler));
  return 0;
}
