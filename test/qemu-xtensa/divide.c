/* Integer division helpers the compiler calls on the lx106 (it has no divide
 * instruction). On an ESP8266 they come from the ROM; Debian's libgcc for
 * xtensa-lx106-elf leaves them out (it has __modsi3 and __moddi3, not these),
 * so the QEMU tier brings its own: plain shift-and-subtract, written without
 * '/' or '%' (which would call back here). */
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);
int32_t __divsi3(int32_t n, int32_t d);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);

/* Quotient of n / d, remainder in *rem; d == 0 gives all ones (as a trap would not). */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
  uint64_t q = 0, r = 0;
  int i;
  if (d == 0) {
    *rem = n;
    return ~(uint64_t)0;
  }
  for (i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1u);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  *rem = r;
  return q;
}

static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem) {
  uint32_t q = 0, r = 0;
  int i;
  if (d == 0) {
    *rem = n;
    return ~(uint32_t)0;
  }
  for (i = 31; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1u);
    if (r >= d) {
      r -= d;
      q |= (uint32_t)1 << i;
    }
  }
  *rem = r;
  return q;
}

uint32_t __udivsi3(uint32_t n, uint32_t d) {
  uint32_t r;
  return udivmod32(n, d, &r);
}

uint32_t __umodsi3(uint32_t n, uint32_t d) {
  uint32_t r;
  (void)udivmod32(n, d, &r);
  return r;
}

/* Signed: on magnitudes, the quotient negative when the signs differ (C99 truncation). */
int32_t __divsi3(int32_t n, int32_t d) {
  uint32_t r, un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n, ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
  uint32_t q = udivmod32(un, ud, &r);
  return (int32_t)((n < 0) != (d < 0) ? 0u - q : q);
}

uint64_t __udivdi3(uint64_t n, uint64_t d) {
  uint64_t r;
  return udivmod64(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d) {
  uint64_t r;
  (void)udivmod64(n, d, &r);
  return r;
}

int64_t __divdi3(int64_t n, int64_t d) {
  uint64_t r, un = n < 0 ? 0u - (uint64_t)n : (uint64_t)n, ud = d < 0 ? 0u - (uint64_t)d : (uint64_t)d;
  uint64_t q = udivmod64(un, ud, &r);
  return (int64_t)((n < 0) != (d < 0) ? 0u - q : q);
}
