/* Model of FreeRTOS task.h as IDF documents it: stack depth in bytes (IDF
 * FreeRTOS, freertos_idf.rst), task notifications used as a counting
 * semaphore (xTaskNotifyGive / ulTaskNotifyTake), the stack high-water mark
 * in bytes (uxTaskGetStackHighWaterMark: the least free stack ever). */
#ifndef MODEL_FREERTOS_TASK_H
#define MODEL_FREERTOS_TASK_H
#include "freertos/FreeRTOS.h"

typedef struct model_task *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);
#define tskNO_AFFINITY 0x7fffffff

BaseType_t xTaskCreate(TaskFunction_t fn, const char *name, uint32_t stack_bytes, void *arg, UBaseType_t prio, TaskHandle_t *out);
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t fn, const char *name, uint32_t stack_bytes, void *arg, UBaseType_t prio,
                                   TaskHandle_t *out, BaseType_t core);
void vTaskDelete(TaskHandle_t t);
void vTaskDelay(TickType_t ticks);
TaskHandle_t xTaskGetCurrentTaskHandle(void);
TickType_t xTaskGetTickCount(void);
BaseType_t xTaskNotifyGive(TaskHandle_t t);
uint32_t ulTaskNotifyTake(BaseType_t clear_on_exit, TickType_t ticks);
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t t);
const char *pcTaskGetName(TaskHandle_t t);
#endif
