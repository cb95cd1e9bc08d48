/* A scriptable host client for the broker integration tests: reads one
 * command per line on stdin, calls the mgos_mqtt API, and prints one line per
 * result or event on stdout (the test matches them). Written only against the
 * public API (mgos_mqtt_* / mg_*), plus the host loop.
 *
 * Usage: mqtt_cli [-c config.json] [--set section.key=value]...
 * Commands:
 *   pub QOS RETAIN TOPIC PAYLOAD   -> "pub ID"         (mgos_mqtt_pub)
 *   pubf QOS TOPIC N STR           -> "pubf ID"        ({"n": N, "s": "STR"} via mgos_mqtt_pubf)
 *   sub TOPIC                      -> "msg TOPIC PAYLOAD" per message (mgos_mqtt_sub)
 *   gsub TOPIC                     -> "tev EV ..." per event (mgos_mqtt_global_subscribe)
 *   subq QOS TOPIC                 -> "tev EV ..." per event (mgos_mqtt_conn_sub at QOS; when connected)
 *   osub QOS FLAGS TOPIC [FILE]    -> "osub 0|1" (mgos_mqtt_global_subscribe_opt); its events as "tev";
 *                                     fragments (MG_EV_MQTT_PUBLISH_PART) as "part TOPIC off=O len=L total=T",
 *                                     a whole message as "fdone TOPIC total=T fnv=HEX" (FNV-1a of the
 *                                     bytes joined; also written to FILE), a cut one as "fcut off=O"
 *   unsub TOPIC                    -> "unsub 0|1"
 *   connect / disconnect           -> "connect 0|1" / "disconnect"
 *   init                           -> "init 1" (mgos_mqtt_init(), once; with --defer-init)
 *   status                         -> "status connected=0|1 conn=0|1 unsent=N"
 *   pktid                          -> "pktid N"
 *   maxqos N                       -> "maxqos N"
 *   burst N QOS TOPIC              -> "burst N accepted=A refused=R err=E" (N publishes in a loop, payloads 0..N-1)
 *   flood N QOS TOPIC [v]          -> "flood done N refused=R": N publishes as fast as backpressure allows
 *                                     (a refusal waits for MGOS_MQTT_EV_OUTBOX_ROOM or CONNACK, then retries);
 *                                     with v, "acc I" after each accepted message I
 *   storage                        -> "storage bytes=B records=R" (written by the persistent outbox)
 *   slow N QOS TOPIC MS            -> "slow done accepted=A refused=R": one publish every MS ms, no waiting
 *   big LEN QOS TOPIC              -> "big ID err=E" (a LEN-byte payload: bytes i % 251)
 *   rawbig LEN QOS TOPIC           -> "rawbig err=E" (the same through mg_mqtt_publish on the global connection)
 *   pubnull TOPIC LEN              -> "pubnull ID err=E" (mgos_mqtt_pub(topic, NULL, LEN))
 *   lasterr / room                 -> "lasterr E" / "room N"
 *   quit                           -> "bye", then a clean exit
 * Options: --burst-before-init N:QOS:TOPIC (a burst before mgos_mqtt_init(): offline),
 *          --defer-init (mgos_mqtt_init() at the command "init", not at start: the commands
 *          before it, e.g. subscriptions, are in place before the first CONNECT),
 *          --connack-burst N:QOS:TOPIC (a burst from the first CONNACK handler call).
 * Events of the global handler: "ev EV id=ID qos=Q topic=T payload=P" (and, MQTT 5, "ev EV reason=R"
 * when the packet's reason code is not 0);
 * MGOS_MQTT_EV_DROPPED: "dropped id=ID qos=Q reason=R topic=T payload=P"; MGOS_MQTT_EV_OUTBOX_ROOM: "ev 241";
 * MG_EV_MQTT_PUBLISH_SKIPPED also as "skipped WHO TOPIC id=ID qos=Q total=T";
 * cloud events: "cloud NAME". Bad commands: "error ...". */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_api.h"
#include "cli_input.h"

static volatile int s_quit;
static bool s_inited;

static void on_msg(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  (void) nc;
  (void) ud;
  printf("msg %.*s %.*s\n", topic_len, topic, msg_len, msg);
}

static void print_ev(const char *tag, int ev, void *ev_data) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
  if (m == NULL) {
    printf("%s %d\n", tag, ev);
    return;
  }
  printf("%s %d id=%u qos=%d code=%u topic=%.*s payload=%.*s\n", tag, ev, (unsigned) m->message_id, m->qos,
         (unsigned) m->connack_ret_code, (int) m->topic.len, m->topic.p != NULL ? m->topic.p : "", (int) m->payload.len,
         m->payload.p != NULL ? m->payload.p : "");
  /* MQTT 5: the packet's reason code, on a line of its own (0 on 3.1.1). */
  if (m->reason_code != 0) printf("%s %d reason=%u\n", tag, ev, (unsigned) m->reason_code);
}

/* A burst: n publishes in a loop, payloads "0".."n-1". */
static void burst(const char *tag, int n, int qos, const char *topic) {
  int i, acc = 0, ref = 0, err = 0;
  char pl[16];
  for (i = 0; i < n; i++) {
    snprintf(pl, sizeof(pl), "%d", i);
    if (mgos_mqtt_pub(topic, pl, strlen(pl), qos, false) != 0) {
      acc++;
    } else {
      ref++;
      err = mgos_mqtt_get_last_error();
    }
  }
  printf("%s %d accepted=%d refused=%d err=%d\n", tag, n, acc, ref, err);
}

/* --burst-before-init / --connack-burst: "N:QOS:TOPIC". */
struct burst_spec {
  int n, qos;
  char topic[128];
};
static struct burst_spec s_connack_burst;

static bool parse_burst(const char *arg, struct burst_spec *b) {
  return sscanf(arg, "%d:%d:%127s", &b->n, &b->qos, b->topic) == 3;
}

/* flood: publish as fast as backpressure allows, never losing a message. */
static struct {
  int n, next, qos, refused;
  char topic[128];
  bool on, verbose;
} s_flood;

static void flood_some(void) {
  char pl[16];
  while (s_flood.on && s_flood.next < s_flood.n) {
    snprintf(pl, sizeof(pl), "%d", s_flood.next);
    if (mgos_mqtt_pub(s_flood.topic, pl, strlen(pl), s_flood.qos, false) == 0) {
      int err = mgos_mqtt_get_last_error();
      if (!MGOS_MQTT_ERR_IS_TEMPORARY(err)) {
        printf("error flood: permanent error %d\n", err);
        s_flood.on = false;
        return;
      }
      s_flood.refused++;
      return; /* MGOS_MQTT_EV_OUTBOX_ROOM or CONNACK calls again */
    }
    if (s_flood.verbose) printf("acc %d\n", s_flood.next);
    s_flood.next++;
  }
  if (s_flood.on && s_flood.next >= s_flood.n) {
    s_flood.on = false;
    printf("flood done %d refused=%d\n", s_flood.n, s_flood.refused);
  }
}

/* slow: one publish every `ms`, not waiting for anything. */
static struct {
  int n, i, qos, ms, acc, ref;
  char topic[128];
  bool on;
  long long next_at;
} s_slow;

static long long mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void slow_tick(void) {
  char pl[16];
  while (s_slow.on && mono_ms() >= s_slow.next_at) {
    snprintf(pl, sizeof(pl), "%d", s_slow.i);
    if (mgos_mqtt_pub(s_slow.topic, pl, strlen(pl), s_slow.qos, false) != 0) s_slow.acc++;
    else s_slow.ref++;
    s_slow.next_at += s_slow.ms;
    if (++s_slow.i >= s_slow.n) {
      s_slow.on = false;
      printf("slow done accepted=%d refused=%d\n", s_slow.acc, s_slow.ref);
    }
  }
}

static void print_skipped(const char *who, int ev, void *ev_data) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
  if (ev != MG_EV_MQTT_PUBLISH_SKIPPED || m == NULL) return;
  printf("skipped %s %.*s id=%u qos=%d total=%lu\n", who, (int) m->topic.len, m->topic.p, (unsigned) m->message_id, m->qos,
         (unsigned long) m->total_data_len);
}

static void on_global(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ud;
  if (ev == MG_EV_POLL) return; /* at every poll; its ev_data is the time, not a message */
  if (ev == MGOS_MQTT_EV_DROPPED) {
    struct mgos_mqtt_dropped *d = (struct mgos_mqtt_dropped *) ev_data;
    printf("dropped id=%u qos=%d reason=%d topic=%.*s payload=%.*s\n", (unsigned) d->packet_id, d->qos, d->reason,
           (int) d->topic.len, d->topic.p, (int) d->payload.len, d->payload.p);
    return;
  }
  if (ev != MG_EV_MQTT_PUBLISH_SKIPPED) print_ev("ev", ev, ev_data);
  print_skipped("global", ev, ev_data);
  if (ev == MG_EV_MQTT_CONNACK && s_connack_burst.n > 0) {
    burst("connack-burst", s_connack_burst.n, s_connack_burst.qos, s_connack_burst.topic);
    s_connack_burst.n = 0;
  }
  if (ev == MGOS_MQTT_EV_OUTBOX_ROOM || ev == MG_EV_MQTT_CONNACK) flood_some();
}

static void on_topic(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ud;
  print_ev("tev", ev, ev_data);
  print_skipped("topic", ev, ev_data);
}

/* Fragments of large messages (osub with MGOS_MQTT_SUB_FRAGMENTS): joined in
 * a buffer of the announced size, checked for order, hashed and saved. */
static struct {
  unsigned char *buf;
  size_t total, next;
  char file[256];
} s_frag;

static void on_frag(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
  (void) nc;
  (void) ud;
  if (ev != MG_EV_MQTT_PUBLISH_PART) {
    print_ev("tev", ev, ev_data);
    print_skipped("topic", ev, ev_data);
    return;
  }
  printf("part %.*s off=%lu len=%lu total=%lu\n", (int) m->topic.len, m->topic.p, (unsigned long) m->current_data_offset,
         (unsigned long) m->payload.len, (unsigned long) m->total_data_len);
  if (m->payload.len == 0) { /* the connection was lost mid-message */
    printf("fcut off=%lu\n", (unsigned long) m->current_data_offset);
    s_frag.next = 0;
    return;
  }
  if (m->current_data_offset == 0) {
    free(s_frag.buf);
    s_frag.buf = (unsigned char *) malloc(m->total_data_len);
    s_frag.total = m->total_data_len;
    s_frag.next = 0;
  }
  if (s_frag.buf == NULL || m->current_data_offset != s_frag.next || m->total_data_len != s_frag.total ||
      s_frag.next + m->payload.len > s_frag.total) {
    printf("error fragment out of order: off=%lu expected=%lu\n", (unsigned long) m->current_data_offset, (unsigned long) s_frag.next);
    return;
  }
  memcpy(s_frag.buf + s_frag.next, m->payload.p, m->payload.len);
  s_frag.next += m->payload.len;
  if (s_frag.next == s_frag.total) {
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < s_frag.total; i++) h = (h ^ s_frag.buf[i]) * 16777619u;
    if (s_frag.file[0] != '\0') {
      FILE *f = fopen(s_frag.file, "wb");
      if (f != NULL) {
        fwrite(s_frag.buf, 1, s_frag.total, f);
        fclose(f);
      }
    }
    printf("fdone %.*s total=%lu fnv=%08x\n", (int) m->topic.len, m->topic.p, (unsigned long) s_frag.total, (unsigned) h);
    free(s_frag.buf);
    s_frag.buf = NULL;
    s_frag.next = 0;
  }
}

static void on_cloud(int ev, void *ev_data, void *ud) {
  static const char *const names[] = {"CONNECTED", "DISCONNECTED", "CONNECTING", "CONNECTERROR"};
  int k = ev - (int) MGOS_EVENT_CLOUD_CONNECTED;
  (void) ev_data;
  (void) ud;
  if (k >= 0 && k < 4) printf("cloud %s\n", names[k]);
}

static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

static void do_line(char *line) {
  char *save = NULL, *cmd = strtok_r(line, " ", &save);
  if (cmd == NULL) return;
  if (strcmp(cmd, "pub") == 0) {
    char *q = strtok_r(NULL, " ", &save), *r = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    char *payload = strtok_r(NULL, "", &save);
    if (q == NULL || r == NULL || t == NULL) {
      printf("error usage: pub QOS RETAIN TOPIC PAYLOAD\n");
      return;
    }
    if (payload == NULL) payload = (char *) "";
    printf("pub %u\n", (unsigned) mgos_mqtt_pub(t, payload, strlen(payload), atoi(q), atoi(r) != 0));
  } else if (strcmp(cmd, "pubf") == 0) {
    char *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save), *n = strtok_r(NULL, " ", &save);
    char *s = strtok_r(NULL, "", &save);
    if (q == NULL || t == NULL || n == NULL) {
      printf("error usage: pubf QOS TOPIC N STR\n");
      return;
    }
    printf("pubf %u\n", (unsigned) mgos_mqtt_pubf(t, atoi(q), false, "{n: %d, s: %Q}", atoi(n), s));
  } else if (strcmp(cmd, "sub") == 0 || strcmp(cmd, "gsub") == 0 || strcmp(cmd, "unsub") == 0) {
    char *t = strtok_r(NULL, " ", &save);
    if (t == NULL) {
      printf("error usage: %s TOPIC\n", cmd);
      return;
    }
    if (cmd[0] == 's') {
      mgos_mqtt_sub(cli_kept(t), on_msg, NULL);
      printf("sub %s\n", t);
    } else if (cmd[0] == 'g') {
      mgos_mqtt_global_subscribe(mg_mk_str(cli_kept(t)), on_topic, NULL);
      printf("gsub %s\n", t);
    } else {
      printf("unsub %d\n", mgos_mqtt_unsub(t) ? 1 : 0);
    }
  } else if (strcmp(cmd, "subq") == 0) {
    /* A subscription at any QoS (mgos_mqtt_sub uses 1): mgos_mqtt_conn_sub on the global connection. */
    char *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    struct mg_connection *nc = mgos_mqtt_get_global_conn();
    struct mgos_mqtt_conn *c = nc != NULL ? mgos_mqtt_conn_from_nc(nc) : NULL;
    if (q == NULL || t == NULL || c == NULL) {
      printf("error usage: subq QOS TOPIC (when connected)\n");
      return;
    }
    mgos_mqtt_conn_sub(c, cli_kept(t), atoi(q), on_topic, NULL);
    printf("subq %s\n", t);
  } else if (strcmp(cmd, "osub") == 0) {
    char *q = strtok_r(NULL, " ", &save), *fl = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    char *file = strtok_r(NULL, " ", &save);
    if (q == NULL || fl == NULL || t == NULL) {
      printf("error usage: osub QOS FLAGS TOPIC [FILE]\n");
      return;
    }
    snprintf(s_frag.file, sizeof(s_frag.file), "%s", file != NULL ? file : "");
    printf("osub %d\n", mgos_mqtt_global_subscribe_opt(cli_kept(t), atoi(q), atoi(fl), on_frag, NULL) ? 1 : 0);
  } else if (strcmp(cmd, "init") == 0) {
    if (!s_inited) mgos_mqtt_init();
    s_inited = true;
    printf("init 1\n");
  } else if (strcmp(cmd, "connect") == 0) {
    printf("connect %d\n", mgos_mqtt_global_connect() ? 1 : 0);
  } else if (strcmp(cmd, "disconnect") == 0) {
    mgos_mqtt_global_disconnect();
    printf("disconnect\n");
  } else if (strcmp(cmd, "status") == 0) {
    printf("status connected=%d conn=%d unsent=%lu\n", mgos_mqtt_global_is_connected() ? 1 : 0,
           mgos_mqtt_get_global_conn() != NULL ? 1 : 0, (unsigned long) mgos_mqtt_num_unsent_bytes());
  } else if (strcmp(cmd, "pktid") == 0) {
    printf("pktid %u\n", (unsigned) mgos_mqtt_get_packet_id());
  } else if (strcmp(cmd, "maxqos") == 0) {
    char *q = strtok_r(NULL, " ", &save);
    mgos_mqtt_set_max_qos(q != NULL ? atoi(q) : 2);
    printf("maxqos %d\n", q != NULL ? atoi(q) : 2);
  } else if (strcmp(cmd, "burst") == 0 || strcmp(cmd, "flood") == 0 || strcmp(cmd, "slow") == 0) {
    char *n = strtok_r(NULL, " ", &save), *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    char *ms = strtok_r(NULL, " ", &save);
    if (n == NULL || q == NULL || t == NULL || (cmd[0] == 's' && ms == NULL)) {
      printf("error usage: %s N QOS TOPIC%s\n", cmd, cmd[0] == 's' ? " MS" : "");
      return;
    }
    if (cmd[0] == 'b') {
      burst("burst", atoi(n), atoi(q), t);
    } else if (cmd[0] == 'f') {
      s_flood.n = atoi(n);
      s_flood.next = 0;
      s_flood.refused = 0;
      s_flood.qos = atoi(q);
      snprintf(s_flood.topic, sizeof(s_flood.topic), "%s", t);
      s_flood.on = true;
      s_flood.verbose = ms != NULL && strcmp(ms, "v") == 0;
      flood_some();
    } else {
      s_slow.n = atoi(n);
      s_slow.i = s_slow.acc = s_slow.ref = 0;
      s_slow.qos = atoi(q);
      s_slow.ms = atoi(ms);
      snprintf(s_slow.topic, sizeof(s_slow.topic), "%s", t);
      s_slow.next_at = mono_ms();
      s_slow.on = s_slow.n > 0;
    }
  } else if (strcmp(cmd, "big") == 0 || strcmp(cmd, "rawbig") == 0) {
    char *l = strtok_r(NULL, " ", &save), *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    size_t len, i;
    uint8_t *b;
    uint16_t id;
    if (l == NULL || q == NULL || t == NULL) {
      printf("error usage: big LEN QOS TOPIC\n");
      return;
    }
    len = (size_t) strtoul(l, NULL, 10);
    b = (uint8_t *) malloc(len + 1);
    if (b == NULL) exit(3);
    for (i = 0; i < len; i++) b[i] = (uint8_t) (i % 251);
    if (cmd[0] == 'r') {
      struct mg_connection *nc = mgos_mqtt_get_global_conn();
      if (nc != NULL) mg_mqtt_publish(nc, t, 0, MG_MQTT_QOS(atoi(q)), b, len);
      free(b);
      printf("rawbig err=%d\n", nc != NULL ? mgos_mqtt_get_last_error() : -1);
      return;
    }
    id = mgos_mqtt_pub(t, b, len, atoi(q), false);
    free(b); /* the client keeps its own copy */
    printf("big %u err=%d\n", (unsigned) id, mgos_mqtt_get_last_error());
  } else if (strcmp(cmd, "pubnull") == 0) {
    char *t = strtok_r(NULL, " ", &save), *l = strtok_r(NULL, " ", &save);
    uint16_t id;
    if (t == NULL || l == NULL) {
      printf("error usage: pubnull TOPIC LEN\n");
      return;
    }
    id = mgos_mqtt_pub(t, NULL, (size_t) strtoul(l, NULL, 10), 1, false);
    printf("pubnull %u err=%d\n", (unsigned) id, mgos_mqtt_get_last_error());
  } else if (strcmp(cmd, "storage") == 0) {
    printf("storage bytes=%lu records=%lu\n", (unsigned long) mgos_mqtt_storage_bytes_written(),
           (unsigned long) mgos_mqtt_storage_records_written());
  } else if (strcmp(cmd, "lasterr") == 0) {
    printf("lasterr %d\n", mgos_mqtt_get_last_error());
  } else if (strcmp(cmd, "room") == 0) {
    printf("room %lu\n", (unsigned long) mgos_mqtt_outbox_room());
  } else if (strcmp(cmd, "quit") == 0) {
    s_quit = 1;
  } else {
    printf("error unknown command %s\n", cmd);
  }
}

int main(int argc, char **argv) {
  static char inbuf[4096];
  struct cli_input in = {inbuf, sizeof(inbuf), 0, 1};
  int i;

  setvbuf(stdout, NULL, _IOLBF, 0);
  struct burst_spec before_init = {0, 0, ""};
  bool defer_init = false;
  for (i = 1; i < argc; i++) {
    int rc;
    if (strcmp(argv[i], "--burst-before-init") == 0 && i + 1 < argc) {
      if (!parse_burst(argv[++i], &before_init)) return 2;
      continue;
    }
    if (strcmp(argv[i], "--defer-init") == 0) {
      defer_init = true;
      continue;
    }
    if (strcmp(argv[i], "--connack-burst") == 0 && i + 1 < argc) {
      if (!parse_burst(argv[++i], &s_connack_burst)) return 2;
      continue;
    }
    rc = mgos_mqtt_host_config_arg(argc, argv, &i);
    if (rc < 0) return 2;
    if (rc == 0) {
      fprintf(stderr, "usage: %s [-c config.json] [--set section.key=value]...\n", argv[0]);
      return 2;
    }
  }
  if (mgos_mqtt_host_config_done() < 0) return 2;
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  mgos_mqtt_host_set_event_handler(on_cloud, NULL);
  mgos_mqtt_add_global_handler(on_global, NULL);
  if (before_init.n > 0) burst("init-burst", before_init.n, before_init.qos, before_init.topic);
  if (!defer_init) {
    mgos_mqtt_init();
    s_inited = true;
  }
  printf("ready\n");

  while (!s_quit) {
    cli_read_lines(&in, do_line); /* commands first (no wait), then the client's own loop for up to 20 ms */
    slow_tick();
    mgos_mqtt_poll(s_slow.on || s_flood.on ? 2 : 20);
  }
  printf("bye\n");
  mgos_mqtt_global_disconnect();
  for (i = 0; i < 5 && mgos_mqtt_num_unsent_bytes() > 0; i++) mgos_mqtt_poll(20);
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  cli_free_kept();
  free(s_frag.buf);
  return 0;
}
