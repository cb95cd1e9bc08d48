/* port_random_fill on the host: the kernel's CSPRNG (getrandom(2)), for the
 * WebSocket handshake key and frame masks (RFC 6455 section 10.3 asks for
 * unpredictable masks; port_rand()'s random() is seeded from the clock). */
#ifndef ESP_PLATFORM
#define _DEFAULT_SOURCE

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "ws.h"

void port_random_fill_v(uint8_t *dst_p, uint32_t dst_len) {
  rt_bytes dst = {dst_p, dst_len};
  size_t done = 0;
  while (done < dst.len) {
    ssize_t n = getrandom(dst.p + done, dst.len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      abort(); /* no kernel entropy source at all: never send a predictable mask */
    }
    done += (size_t) n;
  }
}

#endif /* !ESP_PLATFORM */
