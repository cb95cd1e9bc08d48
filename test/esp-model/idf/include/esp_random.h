/* Model of esp_random.h (hardware RNG): the host's getrandom(). */
#ifndef MODEL_ESP_RANDOM_H
#define MODEL_ESP_RANDOM_H
#include <stdint.h>
uint32_t esp_random(void);
#endif
