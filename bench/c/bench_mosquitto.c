/* Bench program for libmosquitto (Debian libmosquitto-dev), used the way its
 * documentation suggests for a single-threaded client: callbacks, and
 * mosquitto_loop() on the calling thread. libmosquitto has one message
 * callback for every subscription, so the application dispatches by topic
 * with the library's own matcher (mosquitto_topic_matches_sub).
 * Workloads: see bench_common.h. */
#include <mosquitto.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench_common.h"

static struct bench_args A;
static struct mosquitto *M;
static long s_acked, s_got, s_subacks, s_bad;
static int s_connected;
static uint64_t s_first_us, s_last_us;

static void on_connect(struct mosquitto *m, void *ud, int rc) {
  (void) m;
  (void) ud;
  if (rc != 0) bench_fail("CONNACK refused: %s", mosquitto_connack_string(rc));
  s_connected = 1;
}

static void on_publish(struct mosquitto *m, void *ud, int mid) {
  (void) m;
  (void) ud;
  (void) mid;
  s_acked++; /* called for QoS 1 on PUBACK (and for QoS 0 once written: not counted, see pub()) */
}

static void on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *granted) {
  (void) m;
  (void) ud;
  (void) mid;
  (void) n;
  (void) granted;
  s_subacks++;
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg) {
  uint64_t t = bench_now_us();
  int k, hit = -1;
  (void) m;
  (void) ud;
  /* Application-level dispatch: the first filter that matches. */
  for (k = 0; k < (A.mode == MODE_RECV ? A.subs : 1); k++) {
    bool match = false;
    mosquitto_topic_matches_sub(A.mode == MODE_RECV ? A.filters[k] : A.lat_topic, msg->topic, &match);
    if (match) {
      hit = k;
      break;
    }
  }
  if (hit != (A.mode == MODE_RECV ? A.subs - 1 : 0) || msg->payloadlen != A.size) s_bad++;
  if (s_got == 0) s_first_us = t;
  s_last_us = t;
  s_got++;
}

static void loop_once(int timeout_ms) {
  int rc = mosquitto_loop(M, timeout_ms, 1);
  if (rc != MOSQ_ERR_SUCCESS) bench_fail("mosquitto_loop: %s", mosquitto_strerror(rc));
}

static void wait_count(const long *counter, long want, const char *what) {
  long last = *counter;
  uint64_t since = bench_now_us();
  while (*counter < want) {
    loop_once(100);
    if (*counter != last) {
      last = *counter;
      since = bench_now_us();
    } else if (bench_now_us() - since > 20000000u) {
      bench_fail("%s: %ld of %ld after 20 s without progress", what, *counter, want);
    }
  }
}

/* on_publish also fires for QoS 0 once the packet is written: the QoS 1
 * counter must only see QoS 1 acks, so QoS 0 completions are subtracted. */
static long s_qos0_sent;

static void pub(const char *topic, int qos) {
  int rc = mosquitto_publish(M, NULL, topic, (int) A.size, bench_payload((size_t) A.size), qos, false);
  if (rc != MOSQ_ERR_SUCCESS) bench_fail("mosquitto_publish: %s", mosquitto_strerror(rc));
  if (qos == 0) s_qos0_sent++;
}

int main(int argc, char **argv) {
  long i;
  int rc;
  uint64_t t0, t1;

  bench_parse(argc, argv, &A);
  mosquitto_lib_init();
  M = mosquitto_new(A.id, true, NULL);
  if (M == NULL) bench_fail("mosquitto_new failed");
  mosquitto_int_option(M, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(M, on_connect);
  mosquitto_publish_callback_set(M, on_publish);
  mosquitto_subscribe_callback_set(M, on_subscribe);
  mosquitto_message_callback_set(M, on_message);
  rc = mosquitto_connect(M, "127.0.0.1", A.port, 60);
  if (rc != MOSQ_ERR_SUCCESS) bench_fail("mosquitto_connect: %s", mosquitto_strerror(rc));
  {
    uint64_t deadline = bench_now_us() + 10000000u;
    while (!s_connected) {
      if (bench_now_us() > deadline) bench_fail("no CONNACK after 10 s");
      loop_once(50);
    }
  }

  switch (A.mode) {
    case MODE_PUB0:
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) pub(A.pub_topic, 0);
      pub(A.fence_topic, 1);
      /* s_acked counts QoS 0 writes too: wait for all of them plus the fence. */
      wait_count(&s_acked, s_qos0_sent + 1, "fence PUBACK");
      t1 = bench_now_us();
      bench_result(&A, A.n, t1 - t0, "");
      break;
    case MODE_PUB1:
      t0 = bench_now_us();
      for (i = 0; i < A.n;) {
        if (i - s_acked < A.window) {
          pub(A.pub_topic, 1);
          i++;
        } else {
          loop_once(100);
        }
      }
      wait_count(&s_acked, A.n, "PUBACKs");
      t1 = bench_now_us();
      bench_result(&A, s_acked, t1 - t0, "");
      break;
    case MODE_FLOOD: {
      /* libmosquitto takes every message (its queue has no limit): publish
       * them all, keeping the socket moving, then wait for the PUBACKs. */
      char extra[64];
      long last;
      uint64_t since;
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) {
        pub(A.pub_topic, 1);
        if ((i & 63) == 63) loop_once(0);
      }
      last = s_acked;
      since = bench_now_us();
      while (s_acked < A.n && bench_now_us() - since < 20000000u) {
        loop_once(100);
        if (s_acked != last) {
          last = s_acked;
          since = bench_now_us();
        }
      }
      t1 = bench_now_us();
      snprintf(extra, sizeof(extra), ",\"lost\":%ld,\"refused\":0", A.n - s_acked);
      bench_result(&A, s_acked, t1 - t0, extra);
      break;
    }
    case MODE_RECV:
      for (i = 0; i < A.subs; i++) {
        rc = mosquitto_subscribe(M, NULL, A.filters[i], 0);
        if (rc != MOSQ_ERR_SUCCESS) bench_fail("mosquitto_subscribe: %s", mosquitto_strerror(rc));
      }
      wait_count(&s_subacks, A.subs, "SUBACKs");
      bench_ready();
      wait_count(&s_got, A.n, "messages");
      if (s_bad != 0) bench_fail("%ld messages dispatched to the wrong filter or of the wrong size", s_bad);
      bench_result(&A, s_got, s_last_us - s_first_us, "");
      break;
    case MODE_LAT:
      rc = mosquitto_subscribe(M, NULL, A.lat_topic, 0);
      if (rc != MOSQ_ERR_SUCCESS) bench_fail("mosquitto_subscribe: %s", mosquitto_strerror(rc));
      wait_count(&s_subacks, 1, "SUBACK");
      bench_lat_init(A.n);
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) {
        uint64_t s = bench_now_us();
        long want = s_got + 1;
        pub(A.lat_topic, 0);
        wait_count(&s_got, want, "round trip");
        bench_lat_add(bench_now_us() - s);
      }
      t1 = bench_now_us();
      bench_result(&A, s_got, t1 - t0, "");
      break;
  }

  mosquitto_disconnect(M);
  for (i = 0; i < 5; i++) {
    if (mosquitto_loop(M, 20, 1) != MOSQ_ERR_SUCCESS) break; /* NO_CONN once closed */
  }
  mosquitto_destroy(M);
  mosquitto_lib_cleanup();
  return 0;
}
