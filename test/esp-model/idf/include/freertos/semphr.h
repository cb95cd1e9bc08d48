/* Model of FreeRTOS semphr.h: recursive mutexes (taken n times by the holder,
 * free after n gives; a give by a task that does not hold it fails), with
 * priority inheritance ignored (no priorities on the host). */
#ifndef MODEL_FREERTOS_SEMPHR_H
#define MODEL_FREERTOS_SEMPHR_H
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"

typedef struct model_mutex *SemaphoreHandle_t;
typedef struct { void *p[24]; } StaticSemaphore_t;

SemaphoreHandle_t xSemaphoreCreateRecursiveMutex(void);
SemaphoreHandle_t xSemaphoreCreateRecursiveMutexStatic(StaticSemaphore_t *buf);
BaseType_t xSemaphoreTakeRecursive(SemaphoreHandle_t m, TickType_t ticks);
BaseType_t xSemaphoreGiveRecursive(SemaphoreHandle_t m);
TaskHandle_t xSemaphoreGetMutexHolder(SemaphoreHandle_t m);
void vSemaphoreDelete(SemaphoreHandle_t m);
#endif
