/* The API the integration programs use: the public header when it exists,
 * else the same declarations gathered from the generated modules. */
#ifndef CLI_API_H
#define CLI_API_H

#if defined(__has_include)
#if __has_include("mgos_mqtt.h")
#define CLI_HAVE_MGOS_MQTT_H 1
#endif
#endif

#ifdef CLI_HAVE_MGOS_MQTT_H
#include "mgos_mqtt.h"
#include "config.h"
#include "mgos_mqtt_host.h"
#else
#include <stdarg.h>
#include "config.h"
#include "facade.h"
#include "mg_types.h"
#include "mgos_mqtt_host.h"
uint16_t mgos_mqtt_pub(const char *topic, const void *message, size_t len, int qos, bool retain);
uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...);
void mgos_mqtt_global_subscribe(const struct mg_str topic, mg_event_handler_t handler, void *ud);
struct mg_str mg_mk_str(const char *s);
#endif

#endif /* CLI_API_H */
