/* Model of esp_event.h (docs/en/api-reference/system/esp_event.rst):
 * event bases are string pointers compared by address; the default loop is
 * its own task ("sys_evt") with a queue of CONFIG_ESP_SYSTEM_EVENT_QUEUE_SIZE
 * (32) events; esp_event_post() copies the data and waits at most
 * ticks_to_wait for room (0: ESP_ERR_TIMEOUT at once when the queue is full);
 * handlers run in that task, in registration order. */
#ifndef MODEL_ESP_EVENT_H
#define MODEL_ESP_EVENT_H
#include <stddef.h>
#include <stdint.h>
#include "esp_err.h"
#include "freertos/FreeRTOS.h"

typedef const char *esp_event_base_t;
typedef void (*esp_event_handler_t)(void *event_handler_arg, esp_event_base_t event_base, int32_t event_id, void *event_data);
#define ESP_EVENT_DECLARE_BASE(id) extern esp_event_base_t const id
#define ESP_EVENT_DEFINE_BASE(id) esp_event_base_t const id = #id
#define ESP_EVENT_ANY_BASE NULL
#define ESP_EVENT_ANY_ID -1

esp_err_t esp_event_loop_create_default(void);
esp_err_t esp_event_handler_register(esp_event_base_t event_base, int32_t event_id, esp_event_handler_t event_handler, void *event_handler_arg);
esp_err_t esp_event_handler_unregister(esp_event_base_t event_base, int32_t event_id, esp_event_handler_t event_handler);
esp_err_t esp_event_post(esp_event_base_t event_base, int32_t event_id, const void *event_data, size_t event_data_size, TickType_t ticks_to_wait);
#endif
