/* Runtime of the TypeScript subset: byte views, bounds-checked access and the
 * helpers that make C compute the same bits as ts-src/rt/rt.ts under Node.
 * Everything is small and static inline so unused helpers cost no flash. */
#ifndef RT_H
#define RT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hosted builds use the C library; freestanding ones (a bare cross compiler)
 * use the compiler's builtins, which the firmware's libc resolves at link time. */
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 0 && defined(__GNUC__)
#define rt_memmove __builtin_memmove
#define rt_memcmp __builtin_memcmp
#define rt_strlen __builtin_strlen
#else
#include <string.h>
#define rt_memmove memmove
#define rt_memcmp memcmp
#define rt_strlen strlen
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* A byte view: pointer + length (`Bytes` in TypeScript). */
typedef struct rt_bytes {
  uint8_t *p;
  uint32_t len;
} rt_bytes;

#if defined(__GNUC__)
#define RT_UNUSED __attribute__((unused))
/* The wrapper of a function that takes its byte views as pointer and length
 * (the compiler's splitWrapper()): always inlined, so the views go in registers. */
#define RT_INLINE inline __attribute__((always_inline))
/* A function tagged @noinline: one copy, called (see SUBSET.md). */
#define RT_NOINLINE __attribute__((noinline))
/* Module storage is zeroed .bss; a constructor sets the non-zero fields before
 * main()/app_main() (ESP-IDF and newlib's crt0 run .init_array). */
#define RT_CONSTRUCTOR __attribute__((constructor))
#else
/* Without a constructor the non-zero field initializers would silently never
 * run: refuse to build rather than start with wrong defaults. */
#error "the generated C needs GCC or Clang (__attribute__((constructor)) sets the module defaults)"
#endif

/* View constructors. The *_INIT forms are for static initializers. */
#define RT_BYTES(ptr, n) ((rt_bytes){(ptr), (uint32_t)(n)})
#define RT_NOBYTES ((rt_bytes){NULL, 0u})
#define RT_NOBYTES_INIT {NULL, 0u}
/* lit("..."): a view of a string literal (read-only in C: do not write to it). */
#define RT_LIT(s) ((rt_bytes){(uint8_t *)(s), (uint32_t)(sizeof(s) - 1u)})
#define RT_LIT_INIT(s) {(uint8_t *)(s), (uint32_t)(sizeof(s) - 1u)}

/* b[i]: out of range reads 0 (Node: undefined), out of range writes are ignored. */
static inline uint8_t rt_bytes_get(rt_bytes b, uint32_t i) { return i < b.len ? b.p[i] : (uint8_t)0; }
static inline void rt_bytes_set(rt_bytes b, uint32_t i, uint8_t v) {
  if (i < b.len) b.p[i] = v;
}

/* Fixed arrays (Uint8Array/Uint16Array/Uint32Array/Int32Array fields). */
#define RT_ARRAY_ACCESS(name, T)                                                         \
  static inline T rt_get_##name(const T *a, uint32_t n, uint32_t i) { return i < n ? a[i] : (T)0; } \
  static inline void rt_set_##name(T *a, uint32_t n, uint32_t i, T v) {                   \
    if (i < n) a[i] = v;                                                                  \
  }
RT_ARRAY_ACCESS(u8, uint8_t)
RT_ARRAY_ACCESS(u16, uint16_t)
RT_ARRAY_ACCESS(u32, uint32_t)
RT_ARRAY_ACCESS(i32, int32_t)
#undef RT_ARRAY_ACCESS

/* An int64 index (a wide expression): anything outside u32 is out of range. */
static inline uint32_t rt_idx64(int64_t i) { return (i < 0 || i > (int64_t)UINT32_MAX) ? UINT32_MAX : (uint32_t)i; }

/* An index a + b (both u32) that saturates instead of wrapping, so a sum past
 * 2^32 stays out of range as it is under Node. */
static inline uint32_t rt_idx_add(uint32_t a, uint32_t b) { return a + b < a ? UINT32_MAX : a + b; }

/* The view's pointer advanced by start (<= its length): added as an integer,
 * one instruction; `p + start` is undefined for an empty view's NULL, and the
 * test that avoided it cost a branch at every slice. */
#define RT_ADVANCE(p, start) ((uint8_t *)((uintptr_t)(p) + (start)))

/* b.subarray(start, end): both clamped to the length, as in JavaScript. */
static inline rt_bytes rt_subarray(rt_bytes b, uint32_t start, uint32_t end) {
  rt_bytes r;
  if (end > b.len) end = b.len;
  if (start > end) start = end;
  r.p = RT_ADVANCE(b.p, start);
  r.len = end - start;
  return r;
}

/* b.subarray(start, end) where the compiler proved start <= end <= b.len (and
 * b.subarray(start), start <= b.len): nothing to clamp. */
static inline rt_bytes rt_slice(rt_bytes b, uint32_t start, uint32_t end) {
  rt_bytes r;
  r.p = RT_ADVANCE(b.p, start);
  r.len = end - start;
  return r;
}
static inline rt_bytes rt_slice_from(rt_bytes b, uint32_t start) { return rt_slice(b, start, b.len); }

/* The helpers GCC may keep out of line take views as pointer and length (_v),
 * behind always-inlined wrappers: a struct parameter is stored to the stack. */

/* copyBytes: copies all of src to dst at off, or nothing when it does not fit. */
static inline bool rt_copy_bytes_in(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen) {
  if (off > dlen || slen > dlen - off) return false;
  if (slen) rt_memmove(dp + off, sp, slen);
  return true;
}
static inline void rt_copy_into_in(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen) {
  (void)rt_copy_bytes_in(dp, dlen, off, sp, slen);
}
/* The same, out of line once (rt.c). Built for size (-Os), every module calls
 * them: as a static inline GCC kept a copy per module; built for speed, they
 * are inlined. rt_copy_into is copyBytes as a statement (its answer unused:
 * memmove's call ends it). */
bool rt_copy_bytes_out(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen);
void rt_copy_into_out(uint8_t *dp, uint32_t dlen, uint32_t off, const uint8_t *sp, uint32_t slen);
#if defined(__OPTIMIZE_SIZE__)
#define rt_copy_bytes_v rt_copy_bytes_out
#define rt_copy_into_v rt_copy_into_out
#else
#define rt_copy_bytes_v rt_copy_bytes_in
#define rt_copy_into_v rt_copy_into_in
#endif
static RT_INLINE bool rt_copy_bytes(rt_bytes dst, uint32_t off, rt_bytes src) { return rt_copy_bytes_v(dst.p, dst.len, off, src.p, src.len); }
static RT_INLINE void rt_copy_into(rt_bytes dst, uint32_t off, rt_bytes src) { rt_copy_into_v(dst.p, dst.len, off, src.p, src.len); }

static inline bool rt_bytes_equal_v(const uint8_t *ap, uint32_t alen, const uint8_t *bp, uint32_t blen) {
  return alen == blen && (alen == 0u || rt_memcmp(ap, bp, alen) == 0);
}
static RT_INLINE bool rt_bytes_equal(rt_bytes a, rt_bytes b) { return rt_bytes_equal_v(a.p, a.len, b.p, b.len); }

/* strBytes(s): the bytes of a NUL-terminated string (NULL gives an empty view);
 * inlined: out of line a returned view goes through memory. */
static RT_INLINE rt_bytes rt_str_bytes(const char *s) {
  rt_bytes r;
  r.p = (uint8_t *)(uintptr_t)s;
  r.len = s ? (uint32_t)rt_strlen(s) : 0u;
  return r;
}

/* cstr(b): the string held NUL-terminated in b. */
static inline const char *rt_cstr(rt_bytes b) { return (const char *)b.p; }

/* idiv(a, b): truncates toward zero as C does; a zero divisor gives 0 (as rt.ts). */
static inline int32_t rt_idiv_i32(int32_t a, int32_t b) { return b == 0 ? 0 : a / b; }
static inline uint32_t rt_idiv_u32(uint32_t a, uint32_t b) { return b == 0u ? 0u : a / b; }
static inline int64_t rt_idiv_i64(int64_t a, int64_t b) { return b == 0 ? 0 : a / b; }
/* a % b with a divisor that may be 0 or -1 (C: undefined for 0 and INT_MIN % -1). */
static inline int32_t rt_mod_i32(int32_t a, int32_t b) { return (b == 0 || b == -1) ? 0 : a % b; }
static inline uint32_t rt_mod_u32(uint32_t a, uint32_t b) { return b == 0u ? 0u : a % b; }
static inline int64_t rt_mod_i64(int64_t a, int64_t b) { return (b == 0 || b == -1) ? 0 : a % b; }

/* JavaScript's >> on an int32: an arithmetic shift, written without relying on
 * the implementation-defined right shift of negative values. */
static inline int32_t rt_sar32(int32_t a, uint32_t n) {
  n &= 31u;
  return a < 0 ? (int32_t)~(~(uint32_t)a >> n) : (int32_t)((uint32_t)a >> n);
}
/* A u32 bit pattern read as int32 (two's complement), as JavaScript's `| 0`. */
static inline int32_t rt_i32_of(uint32_t x) { return x <= (uint32_t)INT32_MAX ? (int32_t)x : (int32_t)(x - 2147483648u) - INT32_MAX - 1; }

/* The low 8/16 bits read as a signed value (JavaScript's (x << 24) >> 24). */
static inline int8_t rt_i8_of(uint32_t x) {
  x &= 0xffu;
  return (int8_t)(x < 0x80u ? (int32_t)x : (int32_t)x - 256);
}
static inline int16_t rt_i16_of(uint32_t x) {
  x &= 0xffffu;
  return (int16_t)(x < 0x8000u ? (int32_t)x : (int32_t)x - 65536);
}

/* f64Hi / f64Lo: the IEEE-754 bits of a double, read without float arithmetic. */
static inline uint32_t rt_f64_hi(double x) {
  union { double d; uint64_t b; } u;
  u.d = x;
  return (uint32_t)(u.b >> 32);
}
static inline uint32_t rt_f64_lo(double x) {
  union { double d; uint64_t b; } u;
  u.d = x;
  return (uint32_t)u.b;
}

/* f64 -> integer, truncating toward zero and saturating (no undefined behaviour). */
static inline uint32_t rt_f64_to_u32(double x) {
  if (!(x > 0.0)) return 0u;
  if (x >= 4294967295.0) return UINT32_MAX;
  return (uint32_t)x;
}
static inline int32_t rt_f64_to_i32(double x) {
  if (x != x) return 0;
  if (x <= -2147483648.0) return INT32_MIN;
  if (x >= 2147483647.0) return INT32_MAX;
  return (int32_t)x;
}

/* Output (printStr/printInt/printHex/printLn), as rt.ts prints under Node. */
void rt_print_str(const char *s);
void rt_print_int(int64_t v);
void rt_print_hex(rt_bytes b);
void rt_print_ln(void);
const char *rt_name_at(const char *list, uint32_t i);

#ifdef __cplusplus
}
#endif

#endif /* RT_H */
