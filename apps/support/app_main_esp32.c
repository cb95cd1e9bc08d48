/* ESP-IDF firmware for an application written in TypeScript: app_main() joins
 * Wi-Fi (CONFIG_MGOS_APP_WIFI_SSID / CONFIG_MGOS_APP_WIFI_PASSWORD), runs the app's
 * init() (mgos_app_init, generated), starts the client task, then runs the
 * app's timers (mgos_app_poll) in this task.
 *
 * Threads: the client task runs the MQTT handlers holding the client's
 * recursive lock; the timers run here holding the same lock, so app code never
 * runs on two tasks at once. A timer set from a handler is picked up within
 * APP_TIMER_SLICE_MS.
 *
 * Copied into the app's component by `npm run app -- <name> --idf-out DIR`.
 * Written from the ESP-IDF v5 API like main/main.c; not built on the host. */
#ifdef ESP_PLATFORM
#include <string.h>

#include "esp_event.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"

#include "app_timer.h"
#include "facade.h"
#include "mgos_mqtt_esp32.h"
#include "port.h"

#ifndef CONFIG_MGOS_APP_WIFI_SSID
#define CONFIG_MGOS_APP_WIFI_SSID ""
#endif
#ifndef CONFIG_MGOS_APP_WIFI_PASSWORD
#define CONFIG_MGOS_APP_WIFI_PASSWORD ""
#endif
#define APP_TIMER_SLICE_MS 20

void mgos_app_init(void);

static void on_wifi(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void) arg;
  (void) base;
  (void) data;
  /* Keep the station associated; the MQTT port reconnects once it has an IP. */
  if (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED) esp_wifi_connect();
}

void app_main(void) {
  esp_err_t err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    ESP_ERROR_CHECK(nvs_flash_erase());
    err = nvs_flash_init();
  }
  ESP_ERROR_CHECK(err);
  ESP_ERROR_CHECK(esp_netif_init());
  ESP_ERROR_CHECK(esp_event_loop_create_default());
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t wcfg = WIFI_INIT_CONFIG_DEFAULT();
  ESP_ERROR_CHECK(esp_wifi_init(&wcfg));
  ESP_ERROR_CHECK(esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi, NULL));
  wifi_config_t sta = {0};
  strncpy((char *) sta.sta.ssid, CONFIG_MGOS_APP_WIFI_SSID, sizeof(sta.sta.ssid) - 1);
  strncpy((char *) sta.sta.password, CONFIG_MGOS_APP_WIFI_PASSWORD, sizeof(sta.sta.password) - 1);
  ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
  ESP_ERROR_CHECK(esp_wifi_set_config(WIFI_IF_STA, &sta));

  /* The config is the compiled-in defaults (Kconfig, menu "mgos_mqtt"). */
  mgos_mqtt_esp32_lock();
  mgos_app_init();
  mgos_mqtt_init();
  mgos_mqtt_esp32_unlock();
  ESP_ERROR_CHECK(mgos_mqtt_esp32_start());
  ESP_ERROR_CHECK(esp_wifi_start());

  for (;;) {
    uint32_t wait;
    mgos_mqtt_esp32_lock();
    wait = mgos_app_poll(port_now_ms());
    mgos_mqtt_esp32_unlock();
    if (wait > APP_TIMER_SLICE_MS) wait = APP_TIMER_SLICE_MS;
    vTaskDelay(pdMS_TO_TICKS(wait) > 0 ? pdMS_TO_TICKS(wait) : 1);
  }
}
#endif /* ESP_PLATFORM */
