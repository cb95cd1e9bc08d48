/* Bench program for Eclipse Paho C (Debian libpaho-mqtt-dev), the
 * asynchronous API (MQTTAsync, libpaho-mqtt3a): Paho's own threads do the
 * network I/O and call back; this thread publishes and waits on a condition
 * variable. (Paho's synchronous MQTTClient was tried first: in its
 * single-threaded form every MQTTClient_waitForCompletion() of a QoS 1
 * message spends at least one 100 ms MQTTClient_yield(), so it cannot run
 * the QoS 1 workload at all.) Paho has one message callback for every
 * subscription and no topic matcher in its API, so the application
 * dispatches by comparing the topic with each (exact) filter.
 * Workloads: see bench_common.h. */
#define _POSIX_C_SOURCE 200809L

#include <MQTTAsync.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"

static struct bench_args A;
static MQTTAsync C;
static pthread_mutex_t s_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t s_cv = PTHREAD_COND_INITIALIZER;
/* Guarded by s_mu: written by Paho's threads, read by main. */
static long s_acked, s_got, s_subacks, s_bad, s_connected, s_failed;
static uint64_t s_first_us, s_last_us;

static void bump(long *counter) {
  pthread_mutex_lock(&s_mu);
  (*counter)++;
  pthread_cond_broadcast(&s_cv);
  pthread_mutex_unlock(&s_mu);
}

/* Waits until *counter >= want; fails after 20 s without progress. */
static void wait_count(long *counter, long want, const char *what) {
  long last;
  pthread_mutex_lock(&s_mu);
  last = *counter;
  while (*counter < want && !s_failed) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 20;
    if (pthread_cond_timedwait(&s_cv, &s_mu, &ts) == ETIMEDOUT && *counter == last) {
      long have = *counter;
      pthread_mutex_unlock(&s_mu);
      bench_fail("%s: %ld of %ld after 20 s without progress", what, have, want);
    }
    last = *counter;
  }
  pthread_mutex_unlock(&s_mu);
  if (s_failed) bench_fail("%s: a Paho request failed", what);
}

static void on_connect(void *ctx, MQTTAsync_successData *r) {
  (void) ctx;
  (void) r;
  bump(&s_connected);
}

static void on_failure(void *ctx, MQTTAsync_failureData *r) {
  fprintf(stderr, "ERROR %s failed: %d %s\n", (const char *) ctx, r != NULL ? r->code : 0,
          r != NULL && r->message != NULL ? r->message : "");
  bump(&s_failed);
}

static void on_acked(void *ctx, MQTTAsync_successData *r) {
  (void) ctx;
  (void) r;
  bump(&s_acked);
}

static void on_subscribed(void *ctx, MQTTAsync_successData *r) {
  (void) ctx;
  (void) r;
  bump(&s_subacks);
}

static int on_message(void *ctx, char *topic, int tlen, MQTTAsync_message *msg) {
  uint64_t t = bench_now_us();
  int k, hit = -1, nf = A.mode == MODE_RECV ? A.subs : 1;
  (void) ctx;
  (void) tlen;
  for (k = 0; k < nf; k++) {
    if (strcmp(A.mode == MODE_RECV ? A.filters[k] : A.lat_topic, topic) == 0) {
      hit = k;
      break;
    }
  }
  pthread_mutex_lock(&s_mu);
  if (hit != nf - 1 || msg->payloadlen != A.size) s_bad++;
  if (s_got == 0) s_first_us = t;
  s_last_us = t;
  s_got++;
  pthread_cond_broadcast(&s_cv);
  pthread_mutex_unlock(&s_mu);
  MQTTAsync_freeMessage(&msg);
  MQTTAsync_free(topic);
  return 1; /* handled */
}

static void on_lost(void *ctx, char *cause) {
  (void) ctx;
  fprintf(stderr, "ERROR connection lost: %s\n", cause != NULL ? cause : "");
  bump(&s_failed);
}

static void check(int rc, const char *what) {
  if (rc != MQTTASYNC_SUCCESS) bench_fail("%s: %s (%d)", what, MQTTAsync_strerror(rc), rc);
}

/* QoS 0: fire and forget (no completion callback); QoS 1: counted on PUBACK. */
static void pub(const char *topic, int qos) {
  MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
  ro.onSuccess = on_acked;
  ro.onFailure = on_failure;
  ro.context = (void *) "publish";
  check(MQTTAsync_send(C, topic, (int) A.size, bench_payload((size_t) A.size), qos, 0, qos > 0 ? &ro : NULL),
        "MQTTAsync_send");
}

static void subscribe(const char *filter) {
  MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
  ro.onSuccess = on_subscribed;
  ro.onFailure = on_failure;
  ro.context = (void *) "subscribe";
  check(MQTTAsync_subscribe(C, filter, 0, &ro), "MQTTAsync_subscribe");
}

int main(int argc, char **argv) {
  char uri[64];
  long i;
  uint64_t t0, t1;
  MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
  MQTTAsync_disconnectOptions dop = MQTTAsync_disconnectOptions_initializer;

  bench_parse(argc, argv, &A);
  snprintf(uri, sizeof(uri), "tcp://127.0.0.1:%d", A.port);
  check(MQTTAsync_create(&C, uri, A.id, MQTTCLIENT_PERSISTENCE_NONE, NULL), "MQTTAsync_create");
  check(MQTTAsync_setCallbacks(C, NULL, on_lost, on_message, NULL), "MQTTAsync_setCallbacks");
  co.keepAliveInterval = 60;
  co.cleansession = 1;
  co.MQTTVersion = MQTTVERSION_3_1_1;
  co.onSuccess = on_connect;
  co.onFailure = on_failure;
  co.context = (void *) "connect";
  check(MQTTAsync_connect(C, &co), "MQTTAsync_connect");
  wait_count(&s_connected, 1, "CONNACK");

  switch (A.mode) {
    case MODE_PUB0:
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) pub(A.pub_topic, 0);
      pub(A.fence_topic, 1);
      wait_count(&s_acked, 1, "fence PUBACK");
      t1 = bench_now_us();
      bench_result(&A, A.n, t1 - t0, "");
      break;
    case MODE_PUB1:
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) {
        wait_count(&s_acked, i + 1 - A.window, "PUBACK window");
        pub(A.pub_topic, 1);
      }
      wait_count(&s_acked, A.n, "PUBACKs");
      t1 = bench_now_us();
      bench_result(&A, A.n, t1 - t0, "");
      break;
    case MODE_RECV:
      for (i = 0; i < A.subs; i++) subscribe(A.filters[i]);
      wait_count(&s_subacks, A.subs, "SUBACKs");
      bench_ready();
      wait_count(&s_got, A.n, "messages");
      if (s_bad != 0) bench_fail("%ld messages dispatched to the wrong filter or of the wrong size", s_bad);
      bench_result(&A, s_got, s_last_us - s_first_us, "");
      break;
    case MODE_FLOOD:
      bench_fail("flood: measured for ours and libmosquitto only");
      break;
    case MODE_LAT:
      subscribe(A.lat_topic);
      wait_count(&s_subacks, 1, "SUBACK");
      bench_lat_init(A.n);
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) {
        uint64_t s = bench_now_us();
        pub(A.lat_topic, 0);
        wait_count(&s_got, i + 1, "round trip");
        bench_lat_add(bench_now_us() - s);
      }
      t1 = bench_now_us();
      bench_result(&A, s_got, t1 - t0, "");
      break;
  }

  dop.timeout = 1000;
  MQTTAsync_disconnect(C, &dop);
  {
    /* Let the DISCONNECT go out before the client is destroyed. */
    uint64_t until = bench_now_us() + 1000000u;
    while (MQTTAsync_isConnected(C) && bench_now_us() < until) {
      struct timespec ts = {0, 2000000};
      nanosleep(&ts, NULL);
    }
  }
  MQTTAsync_destroy(&C);
  return 0;
}
