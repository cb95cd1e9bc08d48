/* C implementations of the externs declared in externs.ts. */
#include "externs.h"

static uint32_t ticks;

int32_t ext_scale(int32_t a, int32_t k) { return a * k; }

/* A view parameter arrives as pointer and length (the header's inline wrapper
 * ext_sum(rt_bytes) splits it). */
uint32_t ext_sum_v(uint8_t *b_p, uint32_t b_len) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < b_len; i++) s += b_p[i];
  return s;
}

bool ext_flag(bool on) { return !on; }

void ext_tick(void) { ticks++; }

uint32_t ext_ticks(void) { return ticks; }

uint32_t ext_len(const char *s) {
  uint32_t n = 0;
  while (s[n] != '\0') n++;
  return n;
}

static uint8_t view_bytes[3] = {0xca, 0xfe, 0x01};

rt_bytes ext_view(void) { return RT_BYTES(view_bytes, 3); }
