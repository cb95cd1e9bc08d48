/* The MQTT 5 additions of this folder's Node tests, in the generated C, on
 * the host port against a real broker (test/mqtt5/cextra5.test.ts):
 *   c5_extra [--empty-id] [--will5] [--pub-users] [--set section.key=value]...
 * --empty-id: a connect_fn sends CONNECT with an empty client id (the broker
 *             assigns one; later CONNECTs must reuse it).
 * --will5:    will properties through mgos_mqtt_conn_set_will5 and
 *             mgos_mqtt_conn_add_will_user_prop (else the config's will_* keys).
 * --pub-users: after the first CONNACK, publishes with several user
 *             properties (props.user_key then mgos_mqtt_conn_add_pub_user_prop),
 *             fills the staging to its limit and past it (pub_users_run).
 * Prints "connack R assigned=ID" for each CONNACK and "msg TOPIC PAYLOAD"
 * for each message on c5x/in; exits 0 on SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mgos_mqtt.h"
#include "mgos_mqtt_conn.h"
#include "mgos_mqtt_host.h"

static volatile sig_atomic_t s_quit = 0;
static int s_connacks = 0;

static void on_signal(int sig) {
  (void) sig;
  s_quit = 1;
}

static void empty_id(struct mg_connection *nc, const char *client_id, struct mg_send_mqtt_handshake_opts *opts, void *arg) {
  (void) client_id;
  (void) arg;
  mg_send_mqtt_handshake_opt(nc, "", *opts);
}

static void on_global(struct mg_connection *nc, int ev, void *ev_data, void *ud) {
  (void) nc;
  (void) ud;
  if (ev == MG_EV_MQTT_CONNACK) {
    struct mg_mqtt_message *m = (struct mg_mqtt_message *) ev_data;
    struct mgos_mqtt_v5_info *i = mgos_mqtt_conn_v5_info(mgos_mqtt_get_global());
    s_connacks++;
    printf("connack %d assigned=%.*s\n", (int) m->reason_code, (int) i->assigned_client_id.len, i->assigned_client_id.p);
  }
}

static void on_in(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len, void *ud) {
  (void) nc;
  (void) ud;
  printf("msg %.*s %.*s\n", topic_len, topic, msg_len, msg);
}

/* Stages "kNN" = 20 bytes until refused; returns how many were taken. */
static int fill_staged(struct mgos_mqtt_conn *c) {
  char k[8];
  int n = 0;
  for (;;) {
    snprintf(k, sizeof(k), "k%02d", n);
    if (!mgos_mqtt_conn_add_pub_user_prop(c, k, "twenty-bytes-value!!")) return n;
    n++;
  }
}

static void pub_users_run(void) {
  struct mgos_mqtt_conn *c = mgos_mqtt_get_global();
  struct mgos_mqtt_props p;
  char big[300];
  int n;
  memset(&p, 0, sizeof(p));
  p.payload_format = -1;
  p.user_key = mg_mk_str("dev");
  p.user_value = mg_mk_str("c5u-1");
  /* Four, in this order: props' own first, then the staged ones. */
  if (!mgos_mqtt_conn_add_pub_user_prop(c, "zone", "eu-west") || !mgos_mqtt_conn_add_pub_user_prop(c, "fw", "1.2.3") ||
      !mgos_mqtt_conn_add_pub_user_prop(c, "seq", "42"))
    printf("stage failed\n");
  printf("many %u\n", (unsigned) mgos_mqtt_conn_pub5(c, "c5u/many", mg_mk_str("m"), 1, false, &p));
  /* To the limit and one past it: refused, logged, the staged ones kept and sent. */
  n = fill_staged(c);
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  printf("staged %d big %d\n", n, (int) mgos_mqtt_conn_add_pub_user_prop(c, "big", big));
  printf("full %u\n", (unsigned) mgos_mqtt_pub5("c5u/full", "f", 1, 1, false, NULL));
  /* That pub5 took them: the next one has none. */
  printf("after %u\n", (unsigned) mgos_mqtt_pub5("c5u/after", "a", 1, 1, false, NULL));
  /* props' user property with a full staging does not fit: refused, and the staging is dropped too. */
  fill_staged(c);
  printf("combined %u\n", (unsigned) mgos_mqtt_conn_pub5(c, "c5u/combined", mg_mk_str("c"), 1, false, &p));
  printf("after2 %u\n", (unsigned) mgos_mqtt_pub5("c5u/after2", "a", 1, 1, false, NULL));
  /* Cleared: nothing staged goes out. */
  mgos_mqtt_conn_add_pub_user_prop(c, "gone", "1");
  mgos_mqtt_conn_clear_pub_user_props(c);
  printf("cleared %u\n", (unsigned) mgos_mqtt_pub5("c5u/cleared", "x", 1, 1, false, NULL));
}

int main(int argc, char **argv) {
  int i, will5 = 0, pub_users = 0;
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (i = 1; i < argc; i++) {
    int rc;
    if (strcmp(argv[i], "--empty-id") == 0) {
      mgos_mqtt_set_connect_fn(empty_id, NULL);
      continue;
    }
    if (strcmp(argv[i], "--pub-users") == 0) {
      pub_users = 1;
      continue;
    }
    if (strcmp(argv[i], "--will5") == 0) {
      will5 = 1;
      continue;
    }
    rc = mgos_mqtt_host_config_arg(argc, argv, &i);
    if (rc <= 0) {
      fprintf(stderr, "usage: %s [--empty-id] [--will5] [--pub-users] [--set section.key=value]...\n", argv[0]);
      return 2;
    }
  }
  if (mgos_mqtt_host_config_done() < 0) return 2;
  if (will5) {
    struct mgos_mqtt_props p;
    memset(&p, 0, sizeof(p));
    p.payload_format = 0;
    p.message_expiry = 90;
    p.content_type = mg_mk_str("application/x-c");
    p.response_topic = mg_mk_str("c5x/reply");
    p.correlation_data = mg_mk_str_n("\x00\x01\xff", 3);
    p.user_key = mg_mk_str("from");
    p.user_value = mg_mk_str("c");
    if (!mgos_mqtt_conn_set_will5(mgos_mqtt_get_global(), 1, &p)) return 3;
    if (!mgos_mqtt_conn_add_will_user_prop(mgos_mqtt_get_global(), "n", "2")) return 3;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  mgos_mqtt_add_global_handler(on_global, NULL);
  mgos_mqtt_sub("c5x/in", on_in, NULL);
  mgos_mqtt_init();
  printf("ready\n");
  while (!s_quit) {
    mgos_mqtt_poll(20);
    if (pub_users && s_connacks > 0) {
      pub_users = 0;
      pub_users_run();
    }
  }
  mgos_mqtt_poll(0);
  mgos_mqtt_host_cleanup();
  return 0;
}
