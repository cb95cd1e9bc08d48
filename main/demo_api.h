/* What the demo firmware uses of mgos_mqtt: the public header, plus the
 * config loader (the host reads a JSON file and --set overrides) and the
 * host loop. Falls back to the generated modules' headers in a checkout
 * where the public header is not generated yet. */
#ifndef DEMO_API_H
#define DEMO_API_H

#if defined(__has_include)
#if __has_include("mgos_mqtt.h")
#define DEMO_HAVE_MGOS_MQTT_H 1
#endif
#endif

#ifdef DEMO_HAVE_MGOS_MQTT_H
#include "mgos_mqtt.h"
#else
#include <stdarg.h>
#include "facade.h"
#include "mg_types.h"
uint16_t mgos_mqtt_pub(const char *topic, const void *message, size_t len, int qos, bool retain);
uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...);
uint16_t mgos_mqtt_pubv(const char *topic, int qos, bool retain, const char *json_fmt, va_list ap);
#endif

#include "config.h"     /* mgos_mqtt_config_load_json / _set / _error */
#include "config_sys.h" /* mgos_sys_config_get_mqtt_* */
#include "port.h"       /* port_device_id: the default device id */
#ifndef ESP_PLATFORM
#include "mgos_mqtt_host.h" /* mgos_mqtt_poll / _host_config_arg / _host_cleanup */
#endif

#endif /* DEMO_API_H */
