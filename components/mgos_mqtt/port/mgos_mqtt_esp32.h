/* ESP-IDF port of mgos_mqtt: the task that runs the client, its lock, and
 * the event base of the cloud events. */
#ifndef MGOS_MQTT_ESP32_H
#define MGOS_MQTT_ESP32_H

#ifdef ESP_PLATFORM
#include "esp_err.h"
#include "esp_event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MGOS_EVENT_CLOUD_* events are posted to the default event loop under this
 * base, with a struct mgos_cloud_arg as data. The client task posts them in
 * order without blocking; while the loop's queue is full they wait in the
 * port (the newest 8 are kept, a warning counts any dropped). */
ESP_EVENT_DECLARE_BASE(MGOS_MQTT_EVENT);

/* Creates the client task (CONFIG_MGOS_MQTT_TASK_STACK bytes). Call it before
 * or after the network is up: connection attempts wait until the station or
 * Ethernet interface has an IPv4 or global IPv6 address (the task reads the
 * current addresses, and IP_EVENT_* wake it), then start at once. An app's
 * mgos_mqtt_*_disconnect() stays in force across network changes. Needs the
 * default event loop (esp_event_loop_create_default) first. */
esp_err_t mgos_mqtt_esp32_start(void);

/* The client's recursive lock. Every function of mgos_mqtt.h takes it itself
 * (linker --wrap, see port_esp32.c); hold it to make several calls atomic.
 * It is never held while the client waits for DNS, TCP or a TLS handshake,
 * so a call waits at most for a handler or a send. */
void mgos_mqtt_esp32_lock(void);
void mgos_mqtt_esp32_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* ESP_PLATFORM */
#endif /* MGOS_MQTT_ESP32_H */
