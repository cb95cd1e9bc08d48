/* Model of esp_timer.h: esp_timer_get_time() is microseconds since boot
 * (docs/en/api-reference/system/esp_timer.rst, "Obtaining Current Time"). */
#ifndef MODEL_ESP_TIMER_H
#define MODEL_ESP_TIMER_H
#include <stdint.h>
int64_t esp_timer_get_time(void);
#endif
