/* Shared by the C bench programs (one per MQTT client library): the command
 * line, the payload, the clock, latency percentiles and the result line.
 *
 * Every bench program runs one workload against a broker on 127.0.0.1 and
 * ends with one line on stdout that the driver (bench/run.ts) parses:
 *   RESULT {"mode":"pub0","n":100000,"size":16,"us":123456,...}
 * A program that fails prints "ERROR <why>" on stderr and exits non-zero.
 *
 * Workloads (--mode); topics live under bench/<id>/ so runs never mix:
 *   pub0  connect; publish --n QoS 0 messages of --size bytes to <base>/p;
 *         then one QoS 1 "fence" message, and wait for its PUBACK (the broker
 *         answers in order, so every QoS 0 message has been read by then);
 *         disconnect. us = first publish .. fence PUBACK.
 *   pub1  connect; publish --n QoS 1 messages, at most --window unacknowledged
 *         at a time; wait for the last PUBACK; disconnect.
 *   recv  connect; subscribe to --subs filters <base>/s/0 .. <base>/s/<subs-1>
 *         (QoS 0) and wait for the SUBACKs; print "READY"; the driver then
 *         publishes --n QoS 0 messages to <base>/s/<subs-1> (the last filter,
 *         so a linear matcher walks them all); count them through the
 *         library's (or, where it has none, the application's) dispatch to the
 *         matching filter's handler; disconnect. us = first .. last message.
 *   flood connect; publish --n QoS 1 messages as fast as the library's
 *         backpressure allows (ours: retry a refused publish after polling;
 *         libmosquitto: it queues everything, without a limit); wait for the
 *         PUBACKs (20 s without progress ends the wait). Result: done = PUBACKs,
 *         extra "lost" = accepted - acknowledged, "refused" = publish calls refused.
 *   lat   connect; subscribe to <base>/l; --n times: publish one QoS 0
 *         message to it and wait until it comes back. p50/p99 in us.
 * --n 0 runs everything except the messages: the baseline that callgrind
 * counts are subtracted from. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_SUBS 128
#define BENCH_MAX_SIZE (64 * 1024)
#define BENCH_TOPIC_MAX 96

enum bench_mode { MODE_PUB0, MODE_PUB1, MODE_RECV, MODE_LAT, MODE_FLOOD };

struct bench_args {
  enum bench_mode mode;
  const char *mode_name;
  long n;       /* messages */
  long size;    /* payload bytes */
  int subs;     /* filters subscribed in recv mode */
  int window;   /* pub1: unacknowledged QoS 1 messages at most */
  int port;     /* broker port on 127.0.0.1 */
  const char *id; /* run id: client id and topic prefix */
  /* Derived. */
  char base[64];                              /* bench/<id> */
  char pub_topic[BENCH_TOPIC_MAX];            /* pub0/pub1 target */
  char fence_topic[BENCH_TOPIC_MAX];
  char lat_topic[BENCH_TOPIC_MAX];
  char filters[BENCH_MAX_SUBS][BENCH_TOPIC_MAX]; /* recv filters */
};

/* Parses the command line (exits 2 with a usage message on bad input). */
void bench_parse(int argc, char **argv, struct bench_args *a);

/* The payload: --size bytes, a fixed pattern (same bytes for every client). */
const uint8_t *bench_payload(size_t size);

/* Monotonic microseconds. */
uint64_t bench_now_us(void);

/* Prints "READY" and flushes: the driver starts the feeder on it. */
void bench_ready(void);

/* Latency samples: room for n, add one, print p50/p99 into the result. */
void bench_lat_init(long n);
void bench_lat_add(uint64_t us);

/* The result line. extra_json: more ",\"k\":v" members, or "". */
void bench_result(const struct bench_args *a, long done, uint64_t us, const char *extra_json);

/* Reports a fatal error and exits 1. */
void bench_fail(const char *fmt, ...);

#endif /* BENCH_COMMON_H */
