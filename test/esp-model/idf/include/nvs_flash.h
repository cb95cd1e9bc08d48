/* Model of ESP-IDF's nvs_flash.h: partition set-up (idf/nvs_model.c). */
#ifndef MODEL_NVS_FLASH_H
#define MODEL_NVS_FLASH_H
#include "nvs.h"
esp_err_t nvs_flash_init(void);
esp_err_t nvs_flash_init_partition(const char *partition_label);
esp_err_t nvs_flash_erase_partition(const char *part_name);
#endif
