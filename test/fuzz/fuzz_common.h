/* Shared by the libFuzzer harnesses in test/fuzz/: an invariant check that
 * stops the run with a readable message (libFuzzer then saves the input), and
 * a reader that draws choices from the fuzzer's input. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* abort() rather than assert(): the checks must stay on whatever NDEBUG says,
 * and libFuzzer reports an abort as a crash and keeps the input. */
#define FUZZ_CHECK(cond, ...)                                              \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* The fuzzer's input read front to back. Past the end every read gives 0, so
 * a program always ends (the op loop stops at `done`). */
typedef struct {
  const uint8_t *p;
  size_t n;
  size_t at;
} Reader;

static inline bool rd_done(const Reader *r) { return r->at >= r->n; }
static inline uint8_t rd_u8(Reader *r) { return r->at < r->n ? r->p[r->at++] : 0u; }
static inline uint16_t rd_u16(Reader *r) {
  uint16_t hi = rd_u8(r);
  return (uint16_t)((hi << 8) | rd_u8(r));
}
static inline uint32_t rd_u32(Reader *r) {
  uint32_t hi = rd_u16(r);
  return (hi << 16) | rd_u16(r);
}
/* Up to `want` bytes of the input itself (fewer at its end). */
static inline const uint8_t *rd_bytes(Reader *r, size_t want, size_t *got) {
  size_t left = r->n - (r->at < r->n ? r->at : r->n);
  const uint8_t *p = r->p + (r->at < r->n ? r->at : r->n);
  *got = want < left ? want : left;
  r->at += *got;
  return p;
}

#endif /* FUZZ_COMMON_H */
