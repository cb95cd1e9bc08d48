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
 *   status                         -> "status connected=0|1 conn=0|1 unsent=N"
 *   pktid                          -> "pktid N"
 *   maxqos N                       -> "maxqos N"
 *   quit                           -> "bye", then a clean exit
 * Events of the global handler: "ev EV id=ID qos=Q topic=T payload=P";
 * MG_EV_MQTT_PUBLISH_SKIPPED also as "skipped WHO TOPIC id=ID qos=Q total=T";
 * cloud events: "cloud NAME". Bad commands: "error ...". */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_api.h"

static volatile int s_quit;

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
  if (ev != MG_EV_MQTT_PUBLISH_SKIPPED) print_ev("ev", ev, ev_data);
  print_skipped("global", ev, ev_data);
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

/* Topics and payloads are kept for the life of the process: the API keeps
 * copies, but the reference did not always, so a faithful caller keeps them. */
static char *keep(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = (char *) malloc(n);
  if (p == NULL) {
    printf("error out of memory\n");
    exit(3);
  }
  memcpy(p, s, n);
  return p;
}

static char *s_kept[256];
static int s_nkept;

static const char *kept(const char *s) {
  if (s_nkept >= (int) (sizeof(s_kept) / sizeof(s_kept[0]))) return s; /* enough for any test */
  return s_kept[s_nkept++] = keep(s);
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
      mgos_mqtt_sub(kept(t), on_msg, NULL);
      printf("sub %s\n", t);
    } else if (cmd[0] == 'g') {
      mgos_mqtt_global_subscribe(mg_mk_str(kept(t)), on_topic, NULL);
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
    mgos_mqtt_conn_sub(c, kept(t), atoi(q), on_topic, NULL);
    printf("subq %s\n", t);
  } else if (strcmp(cmd, "osub") == 0) {
    char *q = strtok_r(NULL, " ", &save), *fl = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    char *file = strtok_r(NULL, " ", &save);
    if (q == NULL || fl == NULL || t == NULL) {
      printf("error usage: osub QOS FLAGS TOPIC [FILE]\n");
      return;
    }
    snprintf(s_frag.file, sizeof(s_frag.file), "%s", file != NULL ? file : "");
    printf("osub %d\n", mgos_mqtt_global_subscribe_opt(kept(t), atoi(q), atoi(fl), on_frag, NULL) ? 1 : 0);
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
  } else if (strcmp(cmd, "quit") == 0) {
    s_quit = 1;
  } else {
    printf("error unknown command %s\n", cmd);
  }
}

int main(int argc, char **argv) {
  static char inbuf[4096];
  size_t inlen = 0;
  int i, stdin_open = 1;

  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = 1; i < argc; i++) {
    int rc = mgos_mqtt_host_config_arg(argc, argv, &i);
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
  mgos_mqtt_init();
  printf("ready\n");

  while (!s_quit) {
    struct pollfd pfd;
    pfd.fd = 0;
    pfd.events = POLLIN;
    pfd.revents = 0;
    /* Commands first (no wait), then the client's own loop for up to 20 ms. */
    if (stdin_open && poll(&pfd, 1, 0) > 0) {
      ssize_t n = read(0, inbuf + inlen, sizeof(inbuf) - 1 - inlen);
      char *nl;
      if (n <= 0) {
        stdin_open = 0; /* EOF: keep running until a signal */
      } else {
        inlen += (size_t) n;
        inbuf[inlen] = '\0';
        while ((nl = strchr(inbuf, '\n')) != NULL) {
          *nl = '\0';
          do_line(inbuf);
          memmove(inbuf, nl + 1, inlen - (size_t) (nl + 1 - inbuf) + 1);
          inlen -= (size_t) (nl + 1 - inbuf);
        }
        if (inlen >= sizeof(inbuf) - 1) inlen = 0; /* an over-long line is dropped */
      }
    }
    mgos_mqtt_poll(20);
  }
  printf("bye\n");
  mgos_mqtt_global_disconnect();
  for (i = 0; i < 5 && mgos_mqtt_num_unsent_bytes() > 0; i++) mgos_mqtt_poll(20);
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  for (i = 0; i < s_nkept; i++) free(s_kept[i]);
  free(s_frag.buf);
  return 0;
}
