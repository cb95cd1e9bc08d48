/* See bench_common.h. Plain C99 + POSIX clock_gettime. */
#define _POSIX_C_SOURCE 200809L

#include "bench_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(const char *prog, const char *why) {
  fprintf(stderr,
          "ERROR %s\n"
          "usage: %s --mode pub0|pub1|recv|lat|flood --port P --id ID [--n N] [--size BYTES] [--subs K] [--window W]\n",
          why, prog);
  exit(2);
}

static long num_arg(const char *prog, const char *name, const char *s, long lo, long hi) {
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) {
    char why[160];
    snprintf(why, sizeof(why), "%s: expected an integer in %ld..%ld, got '%s'", name, lo, hi, s);
    usage(prog, why);
  }
  return v;
}

void bench_parse(int argc, char **argv, struct bench_args *a) {
  /* stdout gets a static buffer, so that stdio's own 4 KiB heap buffer does
   * not show up in the heap figures of the client under test. */
  static char outbuf[1024];
  int i;
  setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
  memset(a, 0, sizeof(*a));
  a->mode_name = NULL;
  a->n = 1000;
  a->size = 16;
  a->subs = 1;
  a->window = 8;
  for (i = 1; i < argc; i++) {
    const char *k = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) usage(argv[0], "every option takes a value");
    if (strcmp(k, "--mode") == 0) a->mode_name = v;
    else if (strcmp(k, "--n") == 0) a->n = num_arg(argv[0], k, v, 0, 100000000L);
    else if (strcmp(k, "--size") == 0) a->size = num_arg(argv[0], k, v, 4, BENCH_MAX_SIZE);
    else if (strcmp(k, "--subs") == 0) a->subs = (int) num_arg(argv[0], k, v, 1, BENCH_MAX_SUBS);
    else if (strcmp(k, "--window") == 0) a->window = (int) num_arg(argv[0], k, v, 1, 1000);
    else if (strcmp(k, "--port") == 0) a->port = (int) num_arg(argv[0], k, v, 1, 65535);
    else if (strcmp(k, "--id") == 0) a->id = v;
    else usage(argv[0], "unknown option");
    i++;
  }
  if (a->mode_name == NULL || a->port == 0 || a->id == NULL) usage(argv[0], "--mode, --port and --id are required");
  if (strlen(a->id) > 40) usage(argv[0], "--id: at most 40 characters");
  if (strcmp(a->mode_name, "pub0") == 0) a->mode = MODE_PUB0;
  else if (strcmp(a->mode_name, "pub1") == 0) a->mode = MODE_PUB1;
  else if (strcmp(a->mode_name, "recv") == 0) a->mode = MODE_RECV;
  else if (strcmp(a->mode_name, "lat") == 0) a->mode = MODE_LAT;
  else if (strcmp(a->mode_name, "flood") == 0) a->mode = MODE_FLOOD;
  else usage(argv[0], "--mode: pub0, pub1, recv, lat or flood");
  snprintf(a->base, sizeof(a->base), "bench/%s", a->id);
  snprintf(a->pub_topic, sizeof(a->pub_topic), "%s/p", a->base);
  snprintf(a->fence_topic, sizeof(a->fence_topic), "%s/f", a->base);
  snprintf(a->lat_topic, sizeof(a->lat_topic), "%s/l", a->base);
  for (i = 0; i < a->subs; i++) snprintf(a->filters[i], sizeof(a->filters[i]), "%s/s/%d", a->base, i);
}

const uint8_t *bench_payload(size_t size) {
  static uint8_t buf[BENCH_MAX_SIZE];
  static size_t filled;
  /* Printable, the same bytes for every client; filled once, as far as asked. */
  if (size > sizeof(buf)) size = sizeof(buf);
  for (; filled < size; filled++) buf[filled] = (uint8_t) ('a' + (filled * 7) % 26);
  return buf;
}

uint64_t bench_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

void bench_ready(void) {
  fputs("READY\n", stdout);
  fflush(stdout);
}

static uint64_t *s_lat;
static long s_lat_n, s_lat_cap;

void bench_lat_init(long n) {
  s_lat_cap = n > 0 ? n : 1;
  s_lat = (uint64_t *) calloc((size_t) s_lat_cap, sizeof(uint64_t));
  if (s_lat == NULL) bench_fail("out of memory for %ld latency samples", n);
}

void bench_lat_add(uint64_t us) {
  if (s_lat_n < s_lat_cap) s_lat[s_lat_n++] = us;
}

static int cmp_u64(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *) x, b = *(const uint64_t *) y;
  return a < b ? -1 : a > b;
}

/* Nearest-rank percentile of the sorted samples. */
static uint64_t pct(double p) {
  long k;
  if (s_lat_n == 0) return 0;
  k = (long) (p / 100.0 * (double) s_lat_n + 0.999999) - 1;
  if (k < 0) k = 0;
  if (k >= s_lat_n) k = s_lat_n - 1;
  return s_lat[k];
}

void bench_result(const struct bench_args *a, long done, uint64_t us, const char *extra_json) {
  char lat[96] = "";
  if (s_lat != NULL && s_lat_n > 0) {
    qsort(s_lat, (size_t) s_lat_n, sizeof(uint64_t), cmp_u64);
    snprintf(lat, sizeof(lat), ",\"p50_us\":%llu,\"p99_us\":%llu", (unsigned long long) pct(50),
             (unsigned long long) pct(99));
  }
  printf("RESULT {\"mode\":\"%s\",\"n\":%ld,\"done\":%ld,\"size\":%ld,\"subs\":%d,\"us\":%llu%s%s}\n", a->mode_name, a->n,
         done, a->size, a->subs, (unsigned long long) us, lat, extra_json);
  fflush(stdout);
  free(s_lat);
  s_lat = NULL;
}

void bench_fail(const char *fmt, ...) {
  va_list ap;
  fputs("ERROR ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}
