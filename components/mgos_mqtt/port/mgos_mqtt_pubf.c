/* mgos_mqtt_pubf / pubv (and the per-connection conn_pubf / conn_pubv): the
 * varargs glue that TypeScript cannot express. Formats the message with
 * json_printf (frozen's format) into a heap buffer, then publishes it through
 * the generated client. Returns the packet id, or 0 when formatting failed or
 * nothing was sent or queued (mgos_mqtt_pub's contract). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "conn.h"
#include "facade.h"
#include "json_printf.h"
#include "port.h"
#ifdef ESP_PLATFORM
#include "mgos_mqtt_esp32.h" /* the API lock: other tasks may publish */
#define API_LOCK() mgos_mqtt_esp32_lock()
#define API_UNLOCK() mgos_mqtt_esp32_unlock()
#else
#define API_LOCK()
#define API_UNLOCK()
#endif

uint16_t mgos_mqtt_conn_pubv(mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, va_list ap);
uint16_t mgos_mqtt_conn_pubf(mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, ...);
uint16_t mgos_mqtt_pubv(const char *topic, int qos, bool retain, const char *json_fmt, va_list ap);
uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...);

uint16_t mgos_mqtt_conn_pubv(mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, va_list ap) {
  char *msg = NULL;
  int n;
  uint16_t id;
  if (c == NULL || topic == NULL || json_fmt == NULL) {
    port_log(0, "pubf: NULL connection, topic or format", RT_NOBYTES);
    return 0;
  }
  n = json_vasprintf(&msg, json_fmt, ap);
  if (n < 0) {
    port_log(0, "pubf: bad format or out of memory: ", rt_str_bytes(json_fmt));
    return 0;
  }
  API_LOCK();
  id = conn_pub_bytes(c, topic, RT_BYTES((uint8_t *) msg, (uint32_t) n), qos, retain);
  API_UNLOCK();
  free(msg);
  return id;
}

uint16_t mgos_mqtt_conn_pubf(mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, ...) {
  va_list ap;
  uint16_t id;
  va_start(ap, json_fmt);
  id = mgos_mqtt_conn_pubv(c, topic, qos, retain, json_fmt, ap);
  va_end(ap);
  return id;
}

uint16_t mgos_mqtt_pubv(const char *topic, int qos, bool retain, const char *json_fmt, va_list ap) {
  mgos_mqtt_conn *c;
  API_LOCK();
  c = mgos_mqtt_get_global(); /* sets up the global connection on first use */
  API_UNLOCK();
  return mgos_mqtt_conn_pubv(c, topic, qos, retain, json_fmt, ap);
}

uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...) {
  va_list ap;
  uint16_t id;
  va_start(ap, json_fmt);
  id = mgos_mqtt_pubv(topic, qos, retain, json_fmt, ap);
  va_end(ap);
  return id;
}
