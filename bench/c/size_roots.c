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
#include "session.h"
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

/* The protocol core alone (codec, packet, topic, session), used as the
 * typical firmware uses it, with a log callback: what coreMQTT's size table
 * measures (its MQTT_Connect .. MQTT_ProcessLoop), for the side-by-side figure.
 * Never run: only linked. */
static void core_on_event(Session *s, int32_t ev, Packet *p, void *ud) {
  (void) s;
  (void) ev;
  (void) p;
  (void) ud;
}

static void core_on_log(Session *s, int32_t level, const char *msg, rt_bytes detail, int32_t num) {
  (void) s;
  (void) level;
  (void) msg;
  (void) detail;
  (void) num;
}

void size_root_core(void) {
  static Session s;
  static uint8_t buf[64];
  Session_init(&s);
  s.onEvent = core_on_event;
  s.onLog = core_on_log;
  (void) Session_connect(&s, 0);
  (void) Session_subscribe(&s, RT_BYTES(buf, 9), 1, 0);
  (void) Session_publish(&s, RT_BYTES(buf, 13), RT_BYTES(buf, sizeof(buf)), 0, false, 0);
  (void) Session_publish(&s, RT_BYTES(buf, 9), RT_BYTES(buf, sizeof(buf)), 1, true, 0);
  Session_onRecv(&s, RT_BYTES(buf, sizeof(buf)), 0);
  /* Every port sleeps until the next timer is due, then ticks. */
  (void) Session_nextTickIn(&s, 0, 1000);
  Session_tick(&s, 0);
  rt_bytes tx = Session_txView(&s);
  Session_txConsumed(&s, tx.len);
  if (Session_wantsClose(&s)) Session_connectionLost(&s, 0);
}
