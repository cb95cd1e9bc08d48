/* The platform side of the application API (ts-src/app/): the log extern.
 *
 * Host: one line per call on stdout, "<E|W|I|D> <text>", flushed at once, so
 * a test or a terminal sees it as it happens (the Node runner, apps/run-node.ts,
 * writes the same lines). ESP-IDF: ESP_LOGx with the tag "app". */
#include <stdint.h>

#include "app_log.h"

#ifdef ESP_PLATFORM
#include "esp_log.h"

void port_app_log_v(int32_t level, uint8_t *line_p, uint32_t line_len) {
  rt_bytes line = {line_p, line_len};
  static const char *const TAG = "app";
  int n = (int) line.len;
  switch (level) {
    case 0: ESP_LOGE(TAG, "%.*s", n, (const char *) line.p); break;
    case 1: ESP_LOGW(TAG, "%.*s", n, (const char *) line.p); break;
    case 2: ESP_LOGI(TAG, "%.*s", n, (const char *) line.p); break;
    default: ESP_LOGD(TAG, "%.*s", n, (const char *) line.p); break;
  }
}

#else
#include <stdio.h>

void port_app_log_v(int32_t level, uint8_t *line_p, uint32_t line_len) {
  rt_bytes line = {line_p, line_len};
  static const char tags[] = "EWID";
  uint32_t i;
  int l = level < 0 ? 0 : level > 3 ? 3 : (int) level;
  fputc(tags[l], stdout);
  fputc(' ', stdout);
  /* Control bytes (a message with a newline) would break the one-line format. */
  for (i = 0; i < line.len; i++) {
    int c = line.p[i];
    fputc(c < 0x20 || c == 0x7f ? '.' : c, stdout);
  }
  fputc('\n', stdout);
  fflush(stdout);
}
#endif
