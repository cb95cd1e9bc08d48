/* Usage patterns of the libraries built on mgos_mqtt (AWS/Azure shadows, RPC
 * over MQTT, the GCP and Azure connectors), reproduced by our own code so
 * test/compat/compat.test.ts can run them under ASan against mosquitto.
 *
 *   compat_app MODE [--set section.key=value]...
 *
 * Modes:
 *   shadow     raw mg_mqtt_subscribe of 3 topics with an id from
 *              mgos_mqtt_get_packet_id() on every CONNACK (topic strings freed
 *              right after the call), SUBACK matched against that id, a state
 *              request published from MG_EV_POLL, manual mg_mqtt_puback.
 *   rpc        requests through mgos_mqtt_global_subscribe (the library acks
 *              them), replies with raw QoS 1 mg_mqtt_publish of growing size.
 *   connector  mgos_mqtt_set_config() with heap strings freed (and scribbled
 *              over) right after the call, a second connection by
 *              mgos_mqtt_conn_create2() the same way, the NULL-default checks.
 *   flags      c->flags |= MG_F_CLOSE_IMMEDIATELY from the CONNACK handler and
 *              from a connect_fn, MG_F_SEND_AND_CLOSE after a publish.
 *   reqtime    mqtt.require_time with a fake wall clock: unset, then set.
 *   handlers   more global plus topic handlers than one shared table held.
 * Lines on stdout are what the test waits for. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "config_schema.h"
#include "config_sys.h"
#include "mgos_mqtt.h"
#include "mgos_mqtt_host.h"

/* The program also builds against code from before these features (to show
 * that its tests failed there): without mg_connection.flags the flags mode
 * only says so, and the fake clock hook is weak. */
typedef double (*compat_time_fn)(void);
extern void mgos_mqtt_host_set_time_fn(compat_time_fn fn) __attribute__((weak));

static volatile int s_quit;
static void on_signal(int sig) {
  (void)sig;
  s_quit = 1;
}

static double mono_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = (char *)malloc(n);
  if (p != NULL) memcpy(p, s, n);
  return p;
}

/* Frees a string the way a careless caller would: scribbled over first. */
static void burn(char *s) {
  if (s == NULL) return;
  memset(s, 'X', strlen(s));
  free(s);
}

static const char *S(const char *s) { return s != NULL ? s : "(null)"; }

/* ---------------------------------------------------------------- shadow */

static struct {
  uint16_t sub_id;
  int subscribed, want_get, sent_get;
  long polls, polls_connected, subscribes;
  double poll_now; /* the last MG_EV_POLL's ev_data */
} sh;

static void shadow_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *msg = (struct mg_mqtt_message *)ev_data;
  (void)ud;
  switch (ev) {
    case MG_EV_POLL:
      sh.polls++;
      sh.poll_now = *(double *)ev_data;
      if (!sh.subscribed) break;
      sh.polls_connected++;
      if (sh.want_get && !sh.sent_get) {
        uint16_t id = mgos_mqtt_pub("compat/shadow/get", "{\"clientToken\":\"t1\"}", 20, 1, false);
        sh.sent_get = 1;
        printf("get sent id=%u from MG_EV_POLL\n", id);
      }
      break;
    case MG_EV_MQTT_CONNACK: {
      /* As the AWS shadow: topics built on the heap, freed after the call. */
      struct mg_mqtt_topic_expression te[3];
      const char *names[3] = {"compat/shadow/get/accepted", "compat/shadow/update/delta", "compat/shadow/update/accepted"};
      int i;
      for (i = 0; i < 3; i++) {
        te[i].topic = dup_str(names[i]);
        te[i].qos = 1;
      }
      sh.sub_id = mgos_mqtt_get_packet_id();
      mg_mqtt_subscribe(nc, te, 3, sh.sub_id);
      for (i = 0; i < 3; i++) burn((char *)(uintptr_t)te[i].topic);
      sh.subscribes++;
      printf("subscribe id=%u n=%ld\n", sh.sub_id, sh.subscribes);
      break;
    }
    case MG_EV_MQTT_SUBACK:
      if (msg->message_id == sh.sub_id) {
        sh.subscribed = 1;
        sh.want_get = 1;
        sh.sent_get = 0;
        printf("subscribed id=%u\n", msg->message_id);
      } else {
        printf("suback of another id=%u (want %u)\n", msg->message_id, sh.sub_id);
      }
      break;
    case MG_EV_MQTT_PUBLISH:
      printf("publish %.*s qos=%d id=%u: %.*s\n", (int)msg->topic.len, msg->topic.p, msg->qos, msg->message_id,
             (int)msg->payload.len, msg->payload.p);
      if (msg->qos > 0) mg_mqtt_puback(nc, msg->message_id);
      break;
    case MG_EV_CLOSE:
      printf("closed\n");
      sh.subscribed = sh.sent_get = 0;
      break;
    default:
      break;
  }
}

static void shadow_init(void) { mgos_mqtt_add_global_handler(shadow_ev, NULL); }

static void shadow_tick(void) {
  printf("polls %ld connected %ld time-ok %d\n", sh.polls, sh.polls_connected, sh.poll_now > 1500000000.0);
}

/* ---------------------------------------------------------------- rpc */

static void rpc_req(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  struct mg_mqtt_message *msg = (struct mg_mqtt_message *)ev_data;
  static char frame[2048];
  size_t n;
  (void)ud;
  if (ev == MG_EV_MQTT_SUBACK) printf("rpc subscribed\n");
  if (ev != MG_EV_MQTT_PUBLISH) return;
  n = (size_t)atoi(msg->payload.p != NULL ? msg->payload.p : "0");
  if (n > sizeof(frame)) n = sizeof(frame);
  memset(frame, 'r', n);
  if (n > 0) frame[0] = '{';
  /* As RPC over MQTT: a raw QoS 1 publish with an id of the library's. */
  mg_mqtt_publish(nc, "compat/rpc/resp", mgos_mqtt_get_packet_id(), MG_MQTT_QOS(1), frame, n);
  printf("rpc reply %u bytes\n", (unsigned)n);
}

static void rpc_init(void) { mgos_mqtt_global_subscribe(mg_mk_str("compat/rpc/req"), rpc_req, NULL); }

/* ---------------------------------------------------------------- connector */

static void conn_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)ev_data;
  if (ev == MG_EV_MQTT_CONNACK) {
    struct mgos_mqtt_conn *c = mgos_mqtt_conn_from_nc(nc);
    printf("%s connected\n", (const char *)ud);
    mgos_mqtt_conn_pub(c, ud == NULL ? "compat/conn/x" : (strcmp((const char *)ud, "global") == 0 ? "compat/conn/global" : "compat/conn/second"),
                       mg_mk_str("up"), 1, false);
  }
}

static void connector_init(void) {
  struct mgos_config_mqtt mcfg = *mgos_sys_config_get_mqtt();
  struct mgos_config_mqtt c2 = *mgos_sys_config_get_mqtt();
  char *server = dup_str(S(mcfg.server)), *cid = dup_str("compat-connector"), *user = dup_str("azure-user");
  char *server2 = dup_str(S(mcfg.server)), *cid2 = dup_str("compat-second");
  static char huge[600];
  struct mgos_config_mqtt big = mcfg;
  struct mgos_mqtt_conn *c;
  bool ok;
  /* The NULL-default checks of the connectors. */
  printf("defaults: ssl_ca_cert %s user %s will_topic %s\n", S(mcfg.ssl_ca_cert), S(mcfg.user), S(mcfg.will_topic));
  if (mcfg.ssl_ca_cert == NULL) printf("ssl_ca_cert == NULL: a connector would set \"ca.pem\"\n");
  /* Too big for the client's storage: refused, with an error. */
  memset(huge, 'h', sizeof(huge) - 1);
  big.user = huge;
  ok = mgos_mqtt_set_config(&big);
  printf("oversized set_config -> %s\n", ok ? "true" : "false");
  mcfg.server = server;
  mcfg.client_id = cid;
  mcfg.user = user;
  mcfg.enable = true;
  ok = mgos_mqtt_set_config(&mcfg);
  printf("set_config -> %s\n", ok ? "true" : "false");
  burn(server);
  burn(cid);
  burn(user);
  mgos_mqtt_add_global_handler(conn_ev, "global");
  c2.server = server2;
  c2.client_id = cid2;
  c2.enable = true;
  c = mgos_mqtt_conn_create2(5, &c2, NULL);
  burn(server2);
  burn(cid2);
  printf("conn_create2 -> %s\n", c != NULL ? "ok" : "NULL");
  if (c != NULL) mgos_mqtt_conn_add_handler(c, conn_ev, "second");
}

/* ---------------------------------------------------------------- flags */

#ifdef MG_F_CLOSE_IMMEDIATELY
static int s_flag_round;
static int s_fn_calls;

static void flags_connect_fn(struct mg_connection *c, const char *client_id, struct mg_send_mqtt_handshake_opts *opts,
                             void *arg) {
  (void)arg;
  s_fn_calls++;
  if (s_fn_calls == 1) {
    /* As the GCP connector when it cannot sign its token. */
    printf("connect_fn closes\n");
    c->flags |= MG_F_CLOSE_IMMEDIATELY;
    return;
  }
  mg_send_mqtt_handshake_opt(c, client_id, *opts);
}

static void flags_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)ev_data;
  (void)ud;
  if (ev == MG_EV_MQTT_CONNACK) {
    s_flag_round++;
    printf("connack %d\n", s_flag_round);
    if (s_flag_round == 1) {
      printf("set MG_F_CLOSE_IMMEDIATELY\n");
      nc->flags |= MG_F_CLOSE_IMMEDIATELY;
    } else if (s_flag_round == 2) {
      mg_mqtt_publish(nc, "compat/flags/last", 0, MG_MQTT_QOS(0), "before-close", 12);
      printf("set MG_F_SEND_AND_CLOSE\n");
      nc->flags |= MG_F_SEND_AND_CLOSE;
    } else {
      printf("stays connected\n");
    }
  }
  if (ev == MG_EV_CLOSE) printf("closed after round %d\n", s_flag_round);
}

static void flags_init(void) {
  mgos_mqtt_set_connect_fn(flags_connect_fn, NULL);
  mgos_mqtt_add_global_handler(flags_ev, NULL);
}
#else
static void flags_init(void) {
  printf("this mgos_mqtt.h has no mg_connection.flags / MG_F_CLOSE_IMMEDIATELY\n");
  exit(3);
}
#endif

/* ---------------------------------------------------------------- reqtime */

static double s_fake_time = 0.0; /* 1970: the clock is not set */
static double fake_clock(void) { return s_fake_time; }

static void reqtime_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)nc;
  (void)ev_data;
  (void)ud;
  if (ev == MG_EV_MQTT_CONNACK) printf("connected at fake time %.0f\n", s_fake_time);
}

static void reqtime_init(void) {
  if (mgos_mqtt_host_set_time_fn != NULL) mgos_mqtt_host_set_time_fn(fake_clock);
  else printf("no mgos_mqtt_host_set_time_fn: the clock cannot be faked\n");
  mgos_mqtt_add_global_handler(reqtime_ev, NULL);
}

/* ---------------------------------------------------------------- handlers */

static int s_handler_hits[16];
static void count_ev(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void)nc;
  (void)ev_data;
  if (ev == MG_EV_MQTT_CONNACK) s_handler_hits[(intptr_t)ud]++;
}
static void count_sub(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  (void)nc;
  (void)topic;
  (void)topic_len;
  (void)msg;
  (void)msg_len;
  (void)ud;
}

static void handlers_init(void) {
  intptr_t i;
  char topic[32];
  /* Topic handlers first: with one shared table they took every slot. */
  for (i = 0; i < 8; i++) {
    snprintf(topic, sizeof(topic), "compat/h/%d", (int)i);
    mgos_mqtt_sub(topic, count_sub, NULL); /* copied by the library */
  }
  for (i = 0; i < 8; i++) mgos_mqtt_add_global_handler(count_ev, (void *)i);
}

static void handlers_tick(void) {
  int i, n = 0;
  for (i = 0; i < 8; i++) n += s_handler_hits[i] > 0;
  printf("global handlers called: %d of 8\n", n);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
  const char *mode;
  int i;
  double start, last_tick;
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) {
    fprintf(stderr, "usage: %s shadow|rpc|connector|flags|reqtime|handlers [--set k=v]...\n", argv[0]);
    return 2;
  }
  mode = argv[1];
  for (i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--set") != 0 || mgos_mqtt_config_set(argv[i + 1]) != 0) {
      fprintf(stderr, "config error: %s\n", mgos_mqtt_config_error());
      return 2;
    }
  }
  signal(SIGTERM, on_signal);
  if (strcmp(mode, "shadow") == 0) shadow_init();
  else if (strcmp(mode, "rpc") == 0) rpc_init();
  else if (strcmp(mode, "connector") == 0) (void)0;
  else if (strcmp(mode, "flags") == 0) flags_init();
  else if (strcmp(mode, "reqtime") == 0) reqtime_init();
  else if (strcmp(mode, "handlers") == 0) handlers_init();
  else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  mgos_mqtt_init();
  /* Mongoose OS initializes the mqtt library before the connectors. */
  if (strcmp(mode, "connector") == 0) connector_init();
  printf("started %s\n", mode);
  start = last_tick = mono_s();
  while (!s_quit) {
    double now;
    mgos_mqtt_poll(50);
    now = mono_s();
    if (now - last_tick >= 1.0) {
      last_tick = now;
      if (strcmp(mode, "shadow") == 0) shadow_tick();
      if (strcmp(mode, "handlers") == 0) handlers_tick();
    }
    /* reqtime: the clock gets set 2 s after start (SNTP answering). */
    if (strcmp(mode, "reqtime") == 0 && s_fake_time == 0.0 && now - start >= 2.0) {
      s_fake_time = 1767225600.0;
      printf("clock set\n");
    }
  }
  mgos_mqtt_global_disconnect();
  mgos_mqtt_poll(20);
  mgos_mqtt_host_cleanup();
  return 0;
}
