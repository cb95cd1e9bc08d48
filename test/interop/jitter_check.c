/* Prints, for each delay d on the command line, the smallest and largest of
 * 20,000 conn_jitter(d) values and how many fell below / above d:
 * "d min max below above". Built with a given CONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT. */
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"

int main(int argc, char **argv) {
  int i, k;
  for (i = 1; i < argc; i++) {
    uint32_t d = (uint32_t) strtoul(argv[i], NULL, 10), lo = 0xffffffffu, hi = 0;
    unsigned below = 0, above = 0;
    for (k = 0; k < 20000; k++) {
      uint32_t j = conn_jitter(d);
      if (j < lo) lo = j;
      if (j > hi) hi = j;
      if (j < d) below++;
      if (j > d) above++;
    }
    printf("%u %u %u %u %u\n", (unsigned) d, (unsigned) lo, (unsigned) hi, below, above);
  }
  return 0;
}
