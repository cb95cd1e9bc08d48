/* An application written against the reference mgos_mqtt.h API only, the way
 * Mongoose OS firmware uses it: a connect_fn that sends CONNECT itself, a
 * global handler, mgos_mqtt_global_subscribe with an mg_str, mgos_mqtt_sub,
 * pub/pubf, and the Mongoose helpers. It must compile unchanged (-Werror)
 * against this project's header. */
#include <stdio.h>
#include <string.h>

#include "mgos_mqtt.h"

static int s_echoes;

static void my_connect(struct mg_connection *c, const char *client_id, struct mg_send_mqtt_handshake_opts *opts,
                       void *fn_arg) {
  (void) fn_arg;
  opts->keep_alive = 20;
  opts->will_topic = "refapp/will";
  opts->will_message = "gone";
  opts->flags |= MG_MQTT_CLEAN_SESSION;
  printf("connect_fn for %s\n", client_id);
  mg_send_mqtt_handshake_opt(c, client_id, *opts);
}

static void ev_handler(struct mg_connection *c, int ev, void *ev_data, void *user_data) {
  struct mg_mqtt_message *msg = (struct mg_mqtt_message *) ev_data;
  (void) user_data;
  if (ev == MG_EV_MQTT_CONNACK) {
    printf("CONNACK %d conn %s\n", msg->connack_ret_code, mgos_mqtt_get_global_conn() == c ? "same" : "other");
  } else if (ev == MG_EV_MQTT_PUBACK) {
    printf("PUBACK %u\n", (unsigned) msg->message_id);
  }
}

static void echo_handler(struct mg_connection *c, int ev, void *ev_data, void *user_data) {
  struct mg_mqtt_message *msg = (struct mg_mqtt_message *) ev_data;
  (void) c;
  (void) user_data;
  if (ev == MG_EV_MQTT_SUBACK) {
    printf("SUBACK %u\n", (unsigned) msg->message_id);
  } else if (ev == MG_EV_MQTT_PUBLISH) {
    struct mg_str want = mg_mk_str("refapp/in/+");
    printf("got %.*s: %.*s (match %d)\n", (int) msg->topic.len, msg->topic.p, (int) msg->payload.len, msg->payload.p,
           mg_mqtt_match_topic_expression(want, msg->topic));
    mgos_mqtt_pubf("refapp/out", 1, false, "{echo: %.*Q, n: %d}", (int) msg->payload.len, msg->payload.p, ++s_echoes);
  }
}

static void sub_handler(struct mg_connection *nc, const char *topic, int topic_len, const char *msg, int msg_len,
                        void *ud) {
  (void) nc;
  (void) ud;
  printf("sub %.*s %.*s\n", topic_len, topic, msg_len, msg);
  mgos_mqtt_pub("refapp/raw", msg, (size_t) msg_len, MG_MQTT_GET_QOS(MG_MQTT_QOS(1)), false);
}

/* What mgos_app_init would do. */
void refapp_init(void) {
  mgos_mqtt_set_connect_fn(my_connect, NULL);
  mgos_mqtt_add_global_handler(ev_handler, NULL);
  mgos_mqtt_global_subscribe(mg_mk_str("refapp/in/+"), echo_handler, NULL);
  mgos_mqtt_sub("refapp/sub", sub_handler, NULL);
  mgos_mqtt_set_max_qos(2);
}
