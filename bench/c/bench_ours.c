/* Bench program for this project's client: the public API (mgos_mqtt.h) over
 * the generated C and the POSIX port, driven by the host loop
 * (mgos_mqtt_poll), exactly as a host application would use it.
 * Workloads: see bench_common.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "config.h"          /* mgos_mqtt_config_set */
#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"  /* mgos_mqtt_poll, mgos_mqtt_host_cleanup */

static struct bench_args A;
static long s_acked, s_got, s_subacks, s_bad;
static uint64_t s_first_us, s_last_us;

/* Global handler: PUBACKs of our QoS 1 publishes. */
static void on_event(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ev_data;
  (void) ud;
  if (ev == MG_EV_MQTT_PUBACK) s_acked++;
}

/* Per-subscription handler (mgos_mqtt_conn_sub): its SUBACK and the
 * PUBLISHes that match its filter; ud is the filter's index. */
static void on_sub(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  if (ev == MG_EV_MQTT_SUBACK) {
    s_subacks++;
  } else if (ev == MG_EV_MQTT_PUBLISH) {
    const struct mg_mqtt_message *m = (const struct mg_mqtt_message *) ev_data;
    uint64_t t = bench_now_us();
    /* Only the last filter is published to; anything else is a dispatch bug. */
    if ((intptr_t) ud != (intptr_t) (A.mode == MODE_RECV ? A.subs - 1 : 0) || (long) m->payload.len != A.size) s_bad++;
    if (s_got == 0) s_first_us = t;
    s_last_us = t;
    s_got++;
  }
}

static void set(const char *kv) {
  if (mgos_mqtt_config_set(kv) != 0) bench_fail("config %s: %s", kv, mgos_mqtt_config_error());
}

/* Polls until *counter reaches want; fails after timeout_ms without progress. */
static void wait_count(const long *counter, long want, const char *what) {
  long last = *counter;
  uint64_t since = bench_now_us();
  while (*counter < want) {
    mgos_mqtt_poll(100);
    if (*counter != last) {
      last = *counter;
      since = bench_now_us();
    } else if (bench_now_us() - since > 20000000u) {
      bench_fail("%s: %ld of %ld after 20 s without progress", what, *counter, want);
    }
  }
}

/* QoS 0 publishes are never queued: when the tx buffer is full, poll (the
 * socket drains) and try again. */
static uint16_t pub(const char *topic, int qos) {
  uint64_t since = bench_now_us();
  uint16_t id;
  while ((id = mgos_mqtt_pub(topic, bench_payload((size_t) A.size), (size_t) A.size, qos, false)) == 0) {
    if (!mgos_mqtt_global_is_connected()) bench_fail("publish: not connected");
    if (bench_now_us() - since > 20000000u) bench_fail("publish: tx buffer stayed full for 20 s");
    mgos_mqtt_poll(10);
  }
  return id;
}

int main(int argc, char **argv) {
  char kv[160];
  long i;
  uint64_t t0, t1;
  struct mgos_mqtt_conn *g;

  bench_parse(argc, argv, &A);
  set("mqtt.enable=true");
  snprintf(kv, sizeof(kv), "mqtt.server=127.0.0.1:%d", A.port);
  set(kv);
  snprintf(kv, sizeof(kv), "mqtt.client_id=%s", A.id);
  set(kv);
#ifdef BENCH_BIG
  /* The large-buffer build (payload growth up to 64 KiB): accept such packets. */
  set("mqtt.recv_mbuf_limit=70000");
#endif
  mgos_mqtt_add_global_handler(on_event, NULL);
  g = mgos_mqtt_get_global();
  if (!mgos_mqtt_init()) bench_fail("mgos_mqtt_init failed");
  {
    uint64_t deadline = bench_now_us() + 10000000u;
    while (!mgos_mqtt_global_is_connected()) {
      if (bench_now_us() > deadline) bench_fail("not connected to 127.0.0.1:%d after 10 s", A.port);
      mgos_mqtt_poll(50);
    }
  }

  switch (A.mode) {
    case MODE_PUB0:
      t0 = bench_now_us();
      for (i = 0; i < A.n; i++) pub(A.pub_topic, 0);
      /* The fence: its PUBACK comes after the broker has read everything before it. */
      {
        long want = s_acked + 1;
        pub(A.fence_topic, 1);
        wait_count(&s_acked, want, "fence PUBACK");
      }
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
          mgos_mqtt_poll(100);
        }
      }
      wait_count(&s_acked, A.n, "PUBACKs");
      t1 = bench_now_us();
      bench_result(&A, s_acked, t1 - t0, "");
      break;
    case MODE_FLOOD: {
      /* As an app would: a refused publish (full outbox) is retried once the
       * client has run (MGOS_MQTT_EV_OUTBOX_ROOM comes from that poll). */
      long refused = 0, lost;
      char extra[64];
      uint64_t since;
      t0 = bench_now_us();
      since = t0;
      for (i = 0; i < A.n;) {
        if (mgos_mqtt_pub(A.pub_topic, bench_payload((size_t) A.size), (size_t) A.size, 1, false) != 0) {
          i++;
          since = bench_now_us();
          continue;
        }
        if (!MGOS_MQTT_ERR_IS_TEMPORARY(mgos_mqtt_get_last_error())) bench_fail("publish refused for good: %d", mgos_mqtt_get_last_error());
        if (bench_now_us() - since > 20000000u) bench_fail("publish: outbox full for 20 s");
        refused++;
        mgos_mqtt_poll(1);
      }
      {
        long last = s_acked;
        since = bench_now_us();
        while (s_acked < A.n && bench_now_us() - since < 20000000u) {
          mgos_mqtt_poll(100);
          if (s_acked != last) {
            last = s_acked;
            since = bench_now_us();
          }
        }
      }
      t1 = bench_now_us();
      lost = A.n - s_acked;
      snprintf(extra, sizeof(extra), ",\"lost\":%ld,\"refused\":%ld", lost, refused);
      bench_result(&A, s_acked, t1 - t0, extra);
      break;
    }
    case MODE_RECV:
      for (i = 0; i < A.subs; i++) mgos_mqtt_conn_sub(g, A.filters[i], 0, on_sub, (void *) (intptr_t) i);
      wait_count(&s_subacks, A.subs, "SUBACKs");
      bench_ready();
      wait_count(&s_got, A.n, "messages");
      if (s_bad != 0) bench_fail("%ld messages went to the wrong handler or had the wrong size", s_bad);
      bench_result(&A, s_got, s_last_us - s_first_us, "");
      break;
    case MODE_LAT:
      mgos_mqtt_conn_sub(g, A.lat_topic, 0, on_sub, (void *) (intptr_t) 0);
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

  /* A clean goodbye: DISCONNECT goes out, then the socket is closed. */
  mgos_mqtt_global_disconnect();
  for (i = 0; i < 5 && mgos_mqtt_num_unsent_bytes() > 0; i++) mgos_mqtt_poll(20);
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  return 0;
}
