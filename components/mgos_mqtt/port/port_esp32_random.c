/* port_random_fill on the ESP32: the hardware RNG (esp_fill_random; random
 * once Wi-Fi or Bluetooth runs, which is the case whenever MQTT connects),
 * for the WebSocket handshake key and frame masks (RFC 6455 section 10.3). */
#ifdef ESP_PLATFORM

#include "esp_random.h"

#include "ws.h"

void port_random_fill(rt_bytes dst) {
  if (dst.len > 0) esp_fill_random(dst.p, dst.len);
}

#endif /* ESP_PLATFORM */
