/* Differential driver for the generated MQTT 5 codec: reads lines
 * "<forClient 0|1> <maxPacket> <hex bytes>" from stdin and prints, per line,
 * what test/diff/diff5.ts's line5() prints (the same TypeScript, compiled). */
#include <stdio.h>
#include <stdlib.h>

#include "diff5.h"

#define MAX_INPUT (1u << 20)

static char line[2 * MAX_INPUT + 64];
static uint8_t buf[MAX_INPUT];

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int main(void) {
  unsigned long lineno = 0;
  while (fgets(line, sizeof(line), stdin) != NULL) {
    char *s = line, *end;
    unsigned long for_client, max_packet;
    uint32_t n = 0;
    lineno++;
    for_client = strtoul(s, &end, 10);
    s = end;
    max_packet = strtoul(s, &end, 10);
    s = end;
    while (*s == ' ') s++;
    while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
      if (n >= MAX_INPUT) {
        fprintf(stderr, "line %lu: input over %u bytes\n", lineno, MAX_INPUT);
        return 2;
      }
      buf[n++] = (uint8_t) (hexval(s[0]) * 16 + hexval(s[1]));
      s += 2;
    }
    if (*s != '\n' && *s != '\0') {
      fprintf(stderr, "line %lu: bad input near column %ld\n", lineno, (long) (s - line));
      return 2;
    }
    diff5_line5(RT_BYTES(buf, n), (uint32_t) max_packet, for_client != 0);
  }
  return 0;
}
