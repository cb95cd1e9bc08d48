/* Model of FreeRTOS event_groups.h (24 usable bits on IDF). */
#ifndef MODEL_FREERTOS_EVENT_GROUPS_H
#define MODEL_FREERTOS_EVENT_GROUPS_H
#include "freertos/FreeRTOS.h"
typedef struct model_evgroup *EventGroupHandle_t;
typedef TickType_t EventBits_t;
#define BIT0 0x01u
#define BIT1 0x02u
#define BIT2 0x04u
#define BIT3 0x08u
EventGroupHandle_t xEventGroupCreate(void);
EventBits_t xEventGroupSetBits(EventGroupHandle_t g, EventBits_t bits);
EventBits_t xEventGroupClearBits(EventGroupHandle_t g, EventBits_t bits);
EventBits_t xEventGroupGetBits(EventGroupHandle_t g);
EventBits_t xEventGroupWaitBits(EventGroupHandle_t g, EventBits_t bits, BaseType_t clear_on_exit, BaseType_t wait_all, TickType_t ticks);
#endif
