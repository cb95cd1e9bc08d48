/* Model of ESP_LOG (docs/en/api-reference/system/log.rst): "E (time) tag: msg"
 * lines on stderr, time in ms since boot as esp_log_timestamp(). */
#ifndef MODEL_ESP_LOG_H
#define MODEL_ESP_LOG_H
void model_log(char level, const char *tag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define ESP_LOGE(tag, ...) model_log('E', tag, __VA_ARGS__)
#define ESP_LOGW(tag, ...) model_log('W', tag, __VA_ARGS__)
#define ESP_LOGI(tag, ...) model_log('I', tag, __VA_ARGS__)
#define ESP_LOGD(tag, ...) model_log('D', tag, __VA_ARGS__)
#define ESP_LOGV(tag, ...) model_log('V', tag, __VA_ARGS__)
#endif
