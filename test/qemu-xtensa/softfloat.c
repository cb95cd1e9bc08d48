/* 64-bit multiply and IEEE 754 double arithmetic for the Xtensa QEMU tier.
 * The lx106 has no FPU; on an ESP8266 these helpers are in the ROM, and
 * Debian's libgcc for xtensa-lx106-elf leaves them out (it has the double
 * comparisons and 64-bit conversions, not these). Our own implementation:
 * binary64 with round-to-nearest-even, subnormals, infinities and a quiet
 * NaN; qemu_xtensa.test.ts checks it bit for bit against the host's FPU.
 *
 * A value in flight is (sign, exp, m): m / 2^62 * 2^(exp - 1023), m < 2^63,
 * its low bits extra precision (guard and sticky) for the final rounding. */
#include <stdint.h>
#include <string.h>

uint64_t __muldi3(uint64_t a, uint64_t b);
uint64_t __umulsidi3(uint32_t a, uint32_t b);
double __adddf3(double a, double b);
double __subdf3(double a, double b);
double __muldf3(double a, double b);
double __divdf3(double a, double b);
double __floatsidf(int32_t i);
double __floatunsidf(uint32_t u);
int32_t __fixdfsi(double a);
uint32_t __fixunsdfsi(double a);

#define SIGN_BIT ((uint64_t)1 << 63)
#define FRAC_MASK (((uint64_t)1 << 52) - 1u)
#define HIDDEN ((uint64_t)1 << 52)
#define QNAN ((uint64_t)0x7ff8000000000000u)
#define INF ((uint64_t)0x7ff0000000000000u)

static uint64_t bits_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}

static double double_of(uint64_t u) {
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

/* 32 x 32 -> 64 bits from 16-bit pieces: no 64-bit multiply (that would call __muldi3). */
static uint64_t mul32(uint32_t x, uint32_t y) {
  uint32_t x0 = x & 0xffffu, x1 = x >> 16, y0 = y & 0xffffu, y1 = y >> 16;
  uint64_t lo = (uint64_t)(x0 * y0);
  uint64_t mid1 = (uint64_t)(x1 * y0), mid2 = (uint64_t)(x0 * y1);
  uint64_t hi = (uint64_t)(x1 * y1);
  return (hi << 32) + (mid1 << 16) + (mid2 << 16) + lo;
}

uint64_t __umulsidi3(uint32_t a, uint32_t b) { return mul32(a, b); }

uint64_t __muldi3(uint64_t a, uint64_t b) {
  uint32_t a0 = (uint32_t)a, a1 = (uint32_t)(a >> 32), b0 = (uint32_t)b, b1 = (uint32_t)(b >> 32);
  return mul32(a0, b0) + ((uint64_t)(a0 * b1 + a1 * b0) << 32);
}

/* x >> n, with a 1 in bit 0 if anything nonzero was shifted out. */
static uint64_t shift_right_sticky(uint64_t x, int n) {
  if (n <= 0) return x;
  if (n > 63) return x != 0;
  return (x >> n) | ((x & (((uint64_t)1 << n) - 1u)) != 0);
}

/* Rounds (sign, exp, m) to the nearest double, ties to even. */
static uint64_t round_pack(uint64_t sign, int32_t exp, uint64_t m) {
  uint64_t low;
  if (m == 0) return sign;
  while (!(m & ((uint64_t)1 << 62))) {
    m <<= 1;
    exp--;
  }
  if (exp >= 2047) return sign | INF;
  if (exp <= 0) {
    m = shift_right_sticky(m, 1 - exp);
    exp = 0;
  }
  low = m & 0x3ffu;
  m >>= 10;
  if (low > 0x200u || (low == 0x200u && (m & 1u))) m++;
  if (exp == 0) return sign | m; /* subnormal; m == 2^52 is the smallest normal, encoded alike */
  if (m >> 53) {
    m >>= 1;
    exp++;
    if (exp >= 2047) return sign | INF;
  }
  return sign | (((uint64_t)exp << 52) + (m - HIDDEN));
}

static int is_nan(uint64_t x) { return (x & ~SIGN_BIT) > INF; }
static int is_inf(uint64_t x) { return (x & ~SIGN_BIT) == INF; }
static int is_zero(uint64_t x) { return (x & ~SIGN_BIT) == 0; }

/* The significand with the hidden bit and the biased exponent (subnormals: exponent 1). */
static uint64_t mant_of(uint64_t x, int32_t *exp) {
  int32_t e = (int32_t)((x >> 52) & 0x7ffu);
  if (e == 0) {
    *exp = 1;
    return x & FRAC_MASK;
  }
  *exp = e;
  return (x & FRAC_MASK) | HIDDEN;
}

/* Shifts a nonzero significand up until the hidden bit is set. */
static uint64_t normalize(uint64_t m, int32_t *exp) {
  while (!(m & HIDDEN)) {
    m <<= 1;
    (*exp)--;
  }
  return m;
}

static uint64_t add_bits(uint64_t a, uint64_t b) {
  uint64_t sa = a & SIGN_BIT, sb = b & SIGN_BIT, ma, mb, m, sign;
  int32_t ea, eb;
  if (is_nan(a) || is_nan(b)) return QNAN;
  if (is_inf(a)) return is_inf(b) && sa != sb ? QNAN : a;
  if (is_inf(b)) return b;
  if (is_zero(a) && is_zero(b)) return sa & sb;
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;
  ma = mant_of(a, &ea) << 9;
  mb = mant_of(b, &eb) << 9;
  if (ea < eb || (ea == eb && ma < mb)) {
    uint64_t t = ma;
    int32_t te = ea;
    ma = mb;
    mb = t;
    ea = eb;
    eb = te;
    t = sa;
    sa = sb;
    sb = t;
  }
  mb = shift_right_sticky(mb, ea - eb);
  if (sa == sb) {
    m = ma + mb;
    sign = sa;
  } else {
    m = ma - mb;
    sign = sa;
    if (m == 0) return 0;
  }
  return round_pack(sign, ea + 1, m);
}

double __adddf3(double a, double b) { return double_of(add_bits(bits_of(a), bits_of(b))); }

double __subdf3(double a, double b) { return double_of(add_bits(bits_of(a), bits_of(b) ^ SIGN_BIT)); }

double __muldf3(double a, double b) {
  uint64_t x = bits_of(a), y = bits_of(b), sign = (x ^ y) & SIGN_BIT, ma, mb, hi, lo, mid, m;
  int32_t ea, eb;
  if (is_nan(x) || is_nan(y)) return double_of(QNAN);
  if (is_inf(x) || is_inf(y)) return double_of(is_zero(x) || is_zero(y) ? QNAN : sign | INF);
  if (is_zero(x) || is_zero(y)) return double_of(sign);
  ma = normalize(mant_of(x, &ea), &ea);
  mb = normalize(mant_of(y, &eb), &eb);
  /* The 106-bit product as hi:lo (two 64-bit halves). */
  {
    uint32_t a0 = (uint32_t)ma, a1 = (uint32_t)(ma >> 32), b0 = (uint32_t)mb, b1 = (uint32_t)(mb >> 32);
    uint64_t p00 = mul32(a0, b0), p01 = mul32(a0, b1), p10 = mul32(a1, b0), p11 = mul32(a1, b1);
    mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    lo = (p00 & 0xffffffffu) | (mid << 32);
    hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  }
  /* The product is in [2^104, 2^106): keep its top bits below 2^63, the rest as sticky. */
  m = (hi << 21) | (lo >> 43) | ((lo & (((uint64_t)1 << 43) - 1u)) != 0);
  return double_of(round_pack(sign, ea + eb - 1022, m));
}

double __divdf3(double a, double b) {
  uint64_t x = bits_of(a), y = bits_of(b), sign = (x ^ y) & SIGN_BIT, ma, mb, q = 0, r;
  int32_t ea, eb, i;
  if (is_nan(x) || is_nan(y)) return double_of(QNAN);
  if (is_inf(x)) return double_of(is_inf(y) ? QNAN : sign | INF);
  if (is_inf(y)) return double_of(sign);
  if (is_zero(y)) return double_of(is_zero(x) ? QNAN : sign | INF);
  if (is_zero(x)) return double_of(sign);
  ma = normalize(mant_of(x, &ea), &ea);
  mb = normalize(mant_of(y, &eb), &eb);
  /* 63 quotient bits of ma / mb, scaled by 2^62, then the remainder as sticky. */
  r = ma;
  for (i = 62; i >= 0; i--) {
    if (r >= mb) {
      r -= mb;
      q |= (uint64_t)1 << i;
    }
    r <<= 1;
  }
  q |= r != 0;
  return double_of(round_pack(sign, ea - eb + 1023, q));
}

double __floatunsidf(uint32_t u) { return double_of(round_pack(0, 1085, u)); }

double __floatsidf(int32_t i) {
  uint32_t u = i < 0 ? 0u - (uint32_t)i : (uint32_t)i;
  return double_of(round_pack(i < 0 ? SIGN_BIT : 0, 1085, u));
}

/* |a| truncated toward zero, saturated at `limit` (NaN: 0). */
static uint32_t trunc_magnitude(uint64_t x, uint32_t limit) {
  int32_t e = (int32_t)((x >> 52) & 0x7ffu);
  uint64_t m = (x & FRAC_MASK) | HIDDEN;
  if (is_nan(x)) return 0;
  if (e < 1023) return 0;
  if (e - 1023 >= 32) return limit;
  m >>= 1075 - e;
  return m > limit ? limit : (uint32_t)m;
}

int32_t __fixdfsi(double a) {
  uint64_t x = bits_of(a);
  if (x & SIGN_BIT) return (int32_t)(0u - trunc_magnitude(x, 0x80000000u));
  return (int32_t)trunc_magnitude(x, 0x7fffffffu);
}

uint32_t __fixunsdfsi(double a) {
  uint64_t x = bits_of(a);
  if (x & SIGN_BIT) return 0;
  return trunc_magnitude(x, 0xffffffffu);
}
