/* Roots of the linked code-size measurement (bench/run.ts, "linked" sizes).
 *
 * The per-object sizes count every function of the component; a firmware
 * links with --gc-sections and keeps only what it reaches. This file is what
 * a typical telemetry firmware reaches: start the client with the default
 * configuration, a global event handler, one subscription with a handler,
 * QoS 0 and QoS 1 publishes, a connection check. Plus the port's side: the
 * entry points into the core that port_esp32.c calls from its task (poll,
 * connect/recv/close callbacks), which pull in the receive path, the
 * keepalive and the reconnect logic.
 *
 * The driver links it for each target with -nostdlib, --gc-sections and
 * unresolved symbols allowed (the port_* functions and the C library are not
 * part of what is measured), then sums the kept input sections per object
 * from the linker map. The whole public API is measured the same way with a
 * root list generated from mgos_mqtt.h (size_roots_full, written by the driver). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conn.h" /* mgos_mqtt_port_*: the port's entry points */
#include "mgos_mqtt.h"

static void on_event(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ev;
  (void) ev_data;
  (void) ud;
}

static void on_cmd(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  (void) nc;
  (void) topic;
  (void) topic_len;
  (void) msg;
  (void) msg_len;
  (void) ud;
}

/* Never run: only linked. */
void size_root_typical(void) {
  static uint8_t buf[64];
  mgos_mqtt_add_global_handler(on_event, NULL);
  mgos_mqtt_init();
  mgos_mqtt_sub("dev/cmd/#", on_cmd, NULL);
  if (mgos_mqtt_global_is_connected()) {
    mgos_mqtt_pub("dev/telemetry", buf, sizeof(buf), 0, false);
    mgos_mqtt_pub("dev/state", buf, sizeof(buf), 1, true);
  }
  /* The port's task. */
  mgos_mqtt_port_on_connect(0, true, 0);
  mgos_mqtt_port_on_recv(0, RT_BYTES(buf, sizeof(buf)));
  mgos_mqtt_port_on_close(0, 0);
  (void) mgos_mqtt_port_poll(0);
}
