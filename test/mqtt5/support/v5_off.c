/* MQTT 5 compiled out (test/mqtt5/v5_off.test.ts builds this with
 * CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE 0 and, as a control, 1): a config with
 * protocol_version 5 fails each connect with an error naming the switch
 * before a socket is opened; the connection's MQTT 5 state (V5State, the
 * event's properties, the v5 info) takes no bytes; the MQTT 5 calls that need
 * it refuse with an error. Prints `key value` lines. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_conn.h"
#include "port.h"

static uint32_t now_ms = 1000u;
static int nconnects;
static char last_error[160];
static int nerrors;

uint32_t port_now_ms(void) { return now_ms; }
void port_log_v(int32_t level, const char *msg, uint8_t *detail_p, uint32_t detail_len) {
  rt_bytes detail = {detail_p, detail_len};
  if (level != 0 || msg == NULL) return;
  snprintf(last_error, sizeof(last_error), "%s%.*s", msg, (int)detail.len, detail.p != NULL ? (const char *)detail.p : "");
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
  if (mgos_mqtt_config_set("mqtt.enable=true") != 0 || mgos_mqtt_config_set("mqtt.server=broker.local:1883") != 0 ||
      mgos_mqtt_config_set("mqtt.protocol_version=5") != 0) {
    printf("config failed\n");
    return 1;
  }
  (void)mgos_mqtt_init();
  (void)mgos_mqtt_port_poll(now_ms);
  /* A second attempt after the backoff fails the same way. */
  now_ms += 120000u;
  (void)mgos_mqtt_port_poll(now_ms);
  printf("v5_support %d\n", (int)CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE);
  printf("connects %d\n", nconnects);
  printf("errors %d\n", nerrors);
  printf("error %s\n", last_error);
  printf("v5state_bytes %u\n", (unsigned)sizeof(((Session *)0)->v5s));
  printf("props5_bytes %u\n", (unsigned)sizeof(((mgos_mqtt_conn *)0)->props5s));
  printf("info5_bytes %u\n", (unsigned)sizeof(((mgos_mqtt_conn *)0)->info5s));
  /* The MQTT 5 calls on a build without it: refused, nothing touched. */
  struct mgos_mqtt_conn *c = mgos_mqtt_get_global();
  nerrors = 0;
  last_error[0] = 0;
  bool prop_ok = mgos_mqtt_conn_add_connect_user_prop(c, "k", "v");
  printf("user_prop_ok %d\n", prop_ok ? 1 : 0);
  printf("pub_user_ok %d\n", mgos_mqtt_conn_add_pub_user_prop(c, "k", "v") ? 1 : 0);
  printf("info_null %d\n", mgos_mqtt_conn_v5_info(c) == NULL ? 1 : 0);
  printf("api_errors %d\n", nerrors);
  return 0;
}
