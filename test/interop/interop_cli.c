/* The interop tier's scriptable client: one connection (the global one,
 * driven through the public mgos_mqtt_conn_* API so a subscription can ask
 * for any QoS), one command per stdin line, one stdout line per result or
 * event. Written only against the public API plus the host loop.
 *
 * Usage: interop_cli [--set section.key=value]...
 * Commands:
 *   sub QOS TOPIC              -> "sub TOPIC"; then "suback id=ID qos=Q rc=HEX" and
 *                                 "msg qos=Q dup=D retain=R len=N topic=T payload=P";
 *                                 a PUBLISH over the receive buffer: "skipped len=N topic=T"
 *   subfrag QOS TOPIC          -> as sub, with MGOS_MQTT_SUB_FRAGMENTS: a large PUBLISH
 *                                 comes as fragments, printed once joined as
 *                                 "joined qos=Q len=N frags=F topic=T bad=B" (B: bytes
 *                                 that differ from the first payload byte)
 *   pub QOS RETAIN TOPIC [P]   -> "pub ID"
 *   pubsize QOS TOPIC SIZE     -> "pub ID" (a payload of SIZE bytes: "big:" then 'x')
 *   burst QOS N TOPIC          -> "burst accepted=K" (N publishes "0".."N-1" in a loop; a
 *                                 publish refused for lack of room is retried after a poll,
 *                                 as docs/delivery.md tells apps to; 30 s at most)
 *   unsub TOPIC                -> "unsub 0|1"
 *   connect / disconnect       -> "connect 0|1" / "disconnect"
 *   maxqos N                   -> "maxqos N"
 * Global handler events: "ev EV id=ID qos=Q code=C". Payloads longer than 64
 * bytes are printed as their first 16 bytes and the length. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"
#include "../integration/cli_input.h"

static volatile int s_quit;

static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

static void on_topic(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
  (void) nc;
  (void) ud;
  if (m == NULL) return;
  if (ev == MG_EV_MQTT_SUBACK) {
    size_t i;
    /* The granted QoS, as the event reports it: the qos field and the raw
     * return codes (payload), whichever the client fills. */
    printf("suback id=%u qos=%d rc=", (unsigned) m->message_id, m->qos);
    for (i = 0; i < m->payload.len && m->payload.p != NULL; i++) printf("%02x", (unsigned char) m->payload.p[i]);
    printf("\n");
  } else if (ev == MG_EV_MQTT_PUBLISH_SKIPPED) {
    printf("skipped len=%lu topic=%.*s\n", (unsigned long) m->total_data_len, (int) m->topic.len, m->topic.p);
  } else if (ev == MG_EV_MQTT_PUBLISH_PART) {
    /* Fragments in order: count them, check the offsets join up, and compare
     * every byte with the first one (the tests send one repeated byte). */
    static size_t s_next, s_frags, s_bad;
    static char s_first;
    size_t i;
    if (m->current_data_offset == 0) s_next = s_frags = s_bad = 0;
    if (m->payload.len == 0 && s_next < m->total_data_len) {
      printf("cut at %lu\n", (unsigned long) s_next);
      return;
    }
    if (m->current_data_offset != s_next) s_bad++;
    if (m->current_data_offset == 0 && m->payload.len > 0) s_first = m->payload.p[0];
    for (i = 0; i < m->payload.len; i++) s_bad += m->payload.p[i] != s_first;
    s_next = m->current_data_offset + m->payload.len;
    s_frags++;
    if (s_next == m->total_data_len)
      printf("joined qos=%d len=%lu frags=%lu topic=%.*s bad=%lu\n", m->qos, (unsigned long) s_next,
             (unsigned long) s_frags, (int) m->topic.len, m->topic.p, (unsigned long) s_bad);
  } else if (ev == MG_EV_MQTT_PUBLISH) {
    int n = (int) m->payload.len;
    printf("msg qos=%d len=%d topic=%.*s payload=%.*s\n", m->qos, n, (int) m->topic.len, m->topic.p, n > 64 ? 16 : n,
           m->payload.p != NULL ? m->payload.p : "");
  }
}

static void on_global(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
  (void) nc;
  (void) ud;
  if (ev == MG_EV_POLL) return; /* at every poll; its ev_data is the time, not a message */
  if (m == NULL) printf("ev %d\n", ev);
  else printf("ev %d id=%u qos=%d code=%u\n", ev, (unsigned) m->message_id, m->qos, (unsigned) m->connack_ret_code);
}

static void do_line(char *line) {
  struct mgos_mqtt_conn *c = mgos_mqtt_get_global();
  char *save = NULL, *cmd = strtok_r(line, " ", &save);
  if (cmd == NULL) return;
  if (strcmp(cmd, "sub") == 0) {
    char *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    if (q == NULL || t == NULL) {
      printf("error usage: sub QOS TOPIC\n");
      return;
    }
    mgos_mqtt_conn_sub(c, cli_kept(t), atoi(q), on_topic, NULL);
    printf("sub %s\n", t);
  } else if (strcmp(cmd, "subfrag") == 0) {
    char *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    if (q == NULL || t == NULL) {
      printf("error usage: subfrag QOS TOPIC\n");
      return;
    }
    printf("subfrag %d\n", mgos_mqtt_conn_sub_opt(c, cli_kept(t), atoi(q), MGOS_MQTT_SUB_FRAGMENTS, on_topic, NULL) ? 1 : 0);
  } else if (strcmp(cmd, "pub") == 0) {
    char *q = strtok_r(NULL, " ", &save), *r = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    char *p = strtok_r(NULL, "", &save);
    if (q == NULL || r == NULL || t == NULL) {
      printf("error usage: pub QOS RETAIN TOPIC [PAYLOAD]\n");
      return;
    }
    if (p == NULL) p = (char *) "";
    printf("pub %u\n", (unsigned) mgos_mqtt_pub(t, p, strlen(p), atoi(q), atoi(r) != 0));
  } else if (strcmp(cmd, "pubsize") == 0) {
    char *q = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save), *n = strtok_r(NULL, " ", &save);
    size_t len = n != NULL ? (size_t) atol(n) : 0;
    char *p;
    if (q == NULL || t == NULL || len < 4 || (p = (char *) malloc(len)) == NULL) {
      printf("error usage: pubsize QOS TOPIC SIZE(>=4)\n");
      return;
    }
    memset(p, 'x', len);
    memcpy(p, "big:", 4);
    printf("pub %u\n", (unsigned) mgos_mqtt_pub(t, p, len, atoi(q), false));
    free(p);
  } else if (strcmp(cmd, "burst") == 0) {
    char *q = strtok_r(NULL, " ", &save), *n = strtok_r(NULL, " ", &save), *t = strtok_r(NULL, " ", &save);
    int i, count = n != NULL ? atoi(n) : 0, ok = 0;
    char buf[16];
    if (q == NULL || t == NULL) {
      printf("error usage: burst QOS N TOPIC\n");
      return;
    }
    for (i = 0; i < count; i++) {
      int len = snprintf(buf, sizeof(buf), "%d", i), tries = 0;
      while (mgos_mqtt_pub(t, buf, (size_t) len, atoi(q), false) == 0) {
        if (!MGOS_MQTT_ERR_IS_TEMPORARY(mgos_mqtt_get_last_error()) || ++tries > 6000) break;
        mgos_mqtt_poll(5); /* the outbox is full: let the link drain it */
      }
      if (tries <= 6000 && mgos_mqtt_get_last_error() == MGOS_MQTT_ERR_OK) ok++;
    }
    printf("burst accepted=%d\n", ok);
  } else if (strcmp(cmd, "unsub") == 0) {
    char *t = strtok_r(NULL, " ", &save);
    printf("unsub %d\n", t != NULL && mgos_mqtt_conn_unsub(c, t) ? 1 : 0);
  } else if (strcmp(cmd, "connect") == 0) {
    printf("connect %d\n", mgos_mqtt_global_connect() ? 1 : 0);
  } else if (strcmp(cmd, "disconnect") == 0) {
    mgos_mqtt_global_disconnect();
    printf("disconnect\n");
  } else if (strcmp(cmd, "maxqos") == 0) {
    char *q = strtok_r(NULL, " ", &save);
    mgos_mqtt_set_max_qos(q != NULL ? atoi(q) : 2);
    printf("maxqos %d\n", q != NULL ? atoi(q) : 2);
  } else {
    printf("error unknown command %s\n", cmd);
  }
}

int main(int argc, char **argv) {
  static char inbuf[8192];
  struct cli_input in = {inbuf, sizeof(inbuf), 0, 1};
  int i;

  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = 1; i < argc; i++) {
    int rc = mgos_mqtt_host_config_arg(argc, argv, &i);
    if (rc <= 0) {
      fprintf(stderr, "usage: %s [--set section.key=value]...\n", argv[0]);
      return 2;
    }
  }
  if (mgos_mqtt_host_config_done() < 0) return 2; /* the --set options, applied as one change */
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  mgos_mqtt_add_global_handler(on_global, NULL);
  mgos_mqtt_init();
  printf("ready\n");
  while (!s_quit) {
    cli_read_lines(&in, do_line);
    mgos_mqtt_poll(20);
  }
  mgos_mqtt_global_disconnect();
  for (i = 0; i < 5 && mgos_mqtt_num_unsent_bytes() > 0; i++) mgos_mqtt_poll(20);
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  cli_free_kept();
  return 0;
}
