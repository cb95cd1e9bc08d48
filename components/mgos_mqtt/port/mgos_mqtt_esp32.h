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
 * base, with a struct mgos_cloud_arg as data. */
ESP_EVENT_DECLARE_BASE(MGOS_MQTT_EVENT);

/* Creates the client task; it starts polling once the station (or Ethernet)
 * has an IP, and reconnects at once each time it gets one again. Needs the
 * default event loop (esp_event_loop_create_default) first. */
esp_err_t mgos_mqtt_esp32_start(void);

/* The client's recursive lock. The public API functions take it themselves
 * (linker --wrap, see port_esp32.c); hold it to make several calls atomic. */
void mgos_mqtt_esp32_lock(void);
void mgos_mqtt_esp32_unlock(void);

#ifdef __cplusplus
}
#endif

#endif /* ESP_PLATFORM */
#endif /* MGOS_MQTT_ESP32_H */
