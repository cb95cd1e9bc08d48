/* Model of IDF FreeRTOS's FreeRTOS.h (docs/en/api-reference/system/freertos_idf.rst):
 * types, tick rate CONFIG_FREERTOS_HZ (default 100: pdMS_TO_TICKS(1) is 0),
 * and the spinlock critical sections taskENTER_CRITICAL(&mux). */
#ifndef MODEL_FREERTOS_H
#define MODEL_FREERTOS_H
#include <stddef.h>
#include <stdint.h>

typedef uint32_t TickType_t;
typedef int BaseType_t;
typedef unsigned UBaseType_t;
#define pdFALSE 0
#define pdTRUE 1
#define pdPASS 1
#define pdFAIL 0
#define portMAX_DELAY ((TickType_t) 0xffffffffUL)
#ifndef configTICK_RATE_HZ
#define configTICK_RATE_HZ 100
#endif
#define portTICK_PERIOD_MS (1000 / configTICK_RATE_HZ)
#define pdMS_TO_TICKS(ms) ((TickType_t) (((uint64_t) (ms) * configTICK_RATE_HZ) / 1000U))
#define configSTACK_DEPTH_TYPE uint32_t

typedef struct { volatile int owner; int count; } portMUX_TYPE;
#define portMUX_INITIALIZER_UNLOCKED {0, 0}
void model_enter_critical(portMUX_TYPE *mux);
void model_exit_critical(portMUX_TYPE *mux);
#define taskENTER_CRITICAL(mux) model_enter_critical(mux)
#define taskEXIT_CRITICAL(mux) model_exit_critical(mux)
#define portENTER_CRITICAL(mux) model_enter_critical(mux)
#define portEXIT_CRITICAL(mux) model_exit_critical(mux)
#endif
