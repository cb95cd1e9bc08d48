/* Model of the WIFI_EVENT ids (esp_wifi_types.h), for the test's events only. */
#ifndef MODEL_ESP_WIFI_H
#define MODEL_ESP_WIFI_H
#include "esp_event.h"
ESP_EVENT_DECLARE_BASE(WIFI_EVENT);
typedef enum {
  WIFI_EVENT_WIFI_READY,
  WIFI_EVENT_SCAN_DONE,
  WIFI_EVENT_STA_START,
  WIFI_EVENT_STA_STOP,
  WIFI_EVENT_STA_CONNECTED,
  WIFI_EVENT_STA_DISCONNECTED,
} wifi_event_t;
#endif
