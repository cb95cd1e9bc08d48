/* A counting allocator for the bench: LD_PRELOAD=alloc_count.so in front of
 * a program counts its heap allocations (malloc, calloc, realloc,
 * posix_memalign, aligned_alloc, memalign) and frees, and tracks the peak of
 * the live heap (bytes as malloc_usable_size reports them, so allocator
 * rounding is included). At exit it writes one line to the file named by
 * ALLOC_COUNT_OUT:
 *   allocs=<n> frees=<n> peak_bytes=<n> live_bytes=<n>
 * It forwards to glibc's own entry points (__libc_malloc ...), which avoids
 * the dlsym(RTLD_NEXT) bootstrap problem. Thread-safe (atomics). glibc only. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t align, size_t n);

static long s_allocs, s_frees, s_live, s_peak;

static void grew(void *p) {
  long sz = (long) malloc_usable_size(p);
  long live = __atomic_add_fetch(&s_live, sz, __ATOMIC_RELAXED);
  long peak = __atomic_load_n(&s_peak, __ATOMIC_RELAXED);
  __atomic_add_fetch(&s_allocs, 1, __ATOMIC_RELAXED);
  while (live > peak && !__atomic_compare_exchange_n(&s_peak, &peak, live, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

static void shrank(void *p) {
  __atomic_sub_fetch(&s_live, (long) malloc_usable_size(p), __ATOMIC_RELAXED);
  __atomic_add_fetch(&s_frees, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t n) {
  void *p = __libc_malloc(n);
  if (p != NULL) grew(p);
  return p;
}

void *calloc(size_t n, size_t m) {
  void *p = __libc_calloc(n, m);
  if (p != NULL) grew(p);
  return p;
}

void free(void *p) {
  if (p == NULL) return;
  shrank(p);
  __libc_free(p);
}

/* A realloc counts as one allocation (and one free of the old block). */
void *realloc(void *old, size_t n) {
  long before = old != NULL ? (long) malloc_usable_size(old) : 0;
  void *p = __libc_realloc(old, n);
  if (p == NULL) return NULL;
  if (old != NULL) {
    __atomic_sub_fetch(&s_live, before, __ATOMIC_RELAXED);
    __atomic_add_fetch(&s_frees, 1, __ATOMIC_RELAXED);
  }
  grew(p);
  return p;
}

void *memalign(size_t align, size_t n) {
  void *p = __libc_memalign(align, n);
  if (p != NULL) grew(p);
  return p;
}

void *aligned_alloc(size_t align, size_t n) { return memalign(align, n); }

int posix_memalign(void **out, size_t align, size_t n) {
  void *p = memalign(align, n);
  if (p == NULL) return 12; /* ENOMEM */
  *out = p;
  return 0;
}

__attribute__((destructor)) static void report(void) {
  const char *path = getenv("ALLOC_COUNT_OUT");
  char line[160];
  int fd, len;
  if (path == NULL) return;
  len = snprintf(line, sizeof(line), "allocs=%ld frees=%ld peak_bytes=%ld live_bytes=%ld\n", s_allocs, s_frees, s_peak,
                 s_live);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  if (write(fd, line, (size_t) len) < 0) { /* nothing more to do at exit */ }
  close(fd);
}
