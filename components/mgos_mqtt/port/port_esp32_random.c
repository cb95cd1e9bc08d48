/* port_random_fill on the ESP32: the hardware RNG (esp_random(); random once
 * Wi-Fi or Bluetooth runs, which is the case whenever MQTT connects), for the
 * WebSocket handshake key and frame masks (RFC 6455 section 10.3). */
#ifdef ESP_PLATFORM

#include "esp_random.h"

#include "ws.h"

void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  uint32_t i = 0;
  while (i < dst.len) {
    uint32_t r = esp_random();
    for (uint32_t k = 0; k < 4 && i < dst.len; k++, i++) {
      dst.p[i] = (uint8_t) r;
      r >>= 8;
    }
  }
}

#endif /* ESP_PLATFORM */
