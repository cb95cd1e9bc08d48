/* What the demo firmware uses of mgos_mqtt. The public header
 * components/mgos_mqtt/include/mgos_mqtt.h is not written yet; until it is,
 * this gathers the same declarations from the generated modules and the
 * port's headers. */
#ifndef DEMO_API_H
#define DEMO_API_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"     /* mgos_mqtt_config_load_json / _set / _error */
#include "config_sys.h" /* mgos_sys_config_get_mqtt_* */
#include "facade.h"     /* mgos_mqtt_init, _sub, _pub ..., the global connection */
#include "mg_types.h"   /* struct mg_connection, mg_mqtt_message, MG_EV_* */
#ifndef ESP_PLATFORM
#include "mgos_mqtt_host.h" /* mgos_mqtt_poll / _run */
#endif

uint16_t mgos_mqtt_pub(const char *topic, const void *message, size_t len, int qos, bool retain);
uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...);
uint16_t mgos_mqtt_pubv(const char *topic, int qos, bool retain, const char *json_fmt, va_list ap);

#endif /* DEMO_API_H */
