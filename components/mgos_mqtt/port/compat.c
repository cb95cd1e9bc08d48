/* Thin C wrappers for the mgos_mqtt.h / Mongoose functions whose reference
 * signatures the TypeScript subset cannot express: structs passed by value
 * (struct mg_str, struct mg_send_mqtt_handshake_opts), `const void *` + size_t
 * buffers, const config pointers and arrays of topics. Each converts its
 * arguments and calls the generated function that holds the logic
 * (ts-src/mgos/conn.ts, facade.ts, mg_mqtt.ts). No logic lives here.
 *
 * Including the public header together with the generated ones makes the C
 * compiler check that both declare every shared function identically. */
#include <stdint.h>
#include <string.h>

#include "mgos_mqtt.h"

#include "conn.h"
#include "facade.h"
#include "mg_mqtt.h"
#include "mqtt5_api.h"

/* A byte view of caller memory. The generated code only reads through it. */
static rt_bytes bytes_of(const void *p, size_t len) {
  rt_bytes b;
  b.p = (uint8_t *)(uintptr_t)p;
  b.len = p != NULL ? (uint32_t)len : 0u;
  return b;
}

/* A message as a byte view for a publish. A length beyond 32 bits becomes
 * 0xFFFFFFFF, still over MQTT's 256 MiB, so the publish is refused as too big
 * (MGOS_MQTT_ERR_TOO_BIG) instead of being cut; nothing reads that far. */
static rt_bytes msg_of(const void *p, size_t len) {
  rt_bytes b;
  b.p = (uint8_t *)(uintptr_t)p;
#if SIZE_MAX > UINT32_MAX
  b.len = len > (size_t)UINT32_MAX ? UINT32_MAX : (uint32_t)len;
#else
  b.len = (uint32_t)len;
#endif
  return b;
}

/* The text of a refusal's log line; "" when logs are compiled out, so the
 * text does not stay in flash. */
#define REFUSAL(text) (CONFIG_MGOS_MQTT_LOG_LEVEL > 0 ? (text) : "")

/* Publishes `msg` on c, refusing what the generated code cannot see: a NULL
 * message with a length (MGOS_MQTT_ERR_INVALID, logged). A NULL topic goes
 * on as "", which the session refuses as an invalid topic name (INVALID,
 * logged): one check, one log line. */
static uint16_t pub_checked(struct mgos_mqtt_conn *c, const char *topic, const void *msg, size_t len, int qos,
                            bool retain) {
  if (topic == NULL) topic = "";
  if (msg == NULL && len > 0) return conn_refuse_pub(c, topic, REFUSAL("publish: message is NULL with a non-zero length: "));
  return conn_pub_bytes(c, topic, msg_of(msg, len), qos, retain);
}

struct mg_str mg_mk_str(const char *s) {
  struct mg_str r;
  r.p = s;
  r.len = s != NULL ? strlen(s) : 0u;
  return r;
}

struct mg_str mg_mk_str_n(const char *s, size_t len) {
  struct mg_str r;
  r.p = s;
  r.len = len;
  return r;
}

/* The generated functions copy the config; they never write through it. */
struct mgos_mqtt_conn *mgos_mqtt_conn_create(int conn_id, const struct mgos_config_mqtt *cfg) {
  if (cfg == NULL) return NULL;
  return conn_create2(conn_id, (mgos_config_mqtt *)(uintptr_t)cfg, NULL);
}

struct mgos_mqtt_conn *mgos_mqtt_conn_create2(int conn_id, const struct mgos_config_mqtt *cfg,
                                              const struct mgos_config_mqtt *cfg1) {
  if (cfg == NULL) return NULL;
  return conn_create2(conn_id, (mgos_config_mqtt *)(uintptr_t)cfg, (mgos_config_mqtt *)(uintptr_t)cfg1);
}

bool mgos_mqtt_conn_set_config(struct mgos_mqtt_conn *c, const struct mgos_config_mqtt *cfg) {
  if (c == NULL || cfg == NULL) return false;
  return conn_set_config(c, (mgos_config_mqtt *)(uintptr_t)cfg);
}

bool mgos_mqtt_set_config(const struct mgos_config_mqtt *cfg) {
  if (cfg == NULL) return false;
  return facade_set_config((mgos_config_mqtt *)(uintptr_t)cfg);
}

uint16_t mgos_mqtt_conn_pub(struct mgos_mqtt_conn *c, const char *topic, struct mg_str msg, int qos, bool retain) {
  if (c == NULL) return 0;
  return pub_checked(c, topic, msg.p, msg.len, qos, retain);
}

uint16_t mgos_mqtt_pub(const char *topic, const void *message, size_t len, int qos, bool retain) {
  return pub_checked(mgos_mqtt_get_global(), topic, message, len, qos, retain);
}

void mgos_mqtt_global_subscribe(const struct mg_str topic, mg_event_handler_t handler, void *ud) {
  if (handler == NULL) return;
  facade_global_subscribe(bytes_of(topic.p, topic.len), handler, ud);
}

void mg_send_mqtt_handshake_opt(struct mg_connection *nc, const char *client_id,
                                struct mg_send_mqtt_handshake_opts opts) {
  if (nc == NULL || client_id == NULL) return;
  mg_mqtt_handshake(nc, client_id, &opts);
}

void mg_mqtt_publish(struct mg_connection *nc, const char *topic, uint16_t message_id, int flags,
                     const void *data, size_t len) {
  if (nc == NULL || topic == NULL) return;
  if (data == NULL && len > 0) {
    struct mgos_mqtt_conn *c = mgos_mqtt_conn_from_nc(nc);
    if (c != NULL) conn_refuse_pub(c, topic, REFUSAL("mg_mqtt_publish: message is NULL with a non-zero length: "));
    return;
  }
  mg_mqtt_raw_publish(nc, topic, message_id, flags, msg_of(data, len));
}

/* Element accessors for the arrays mg_mqtt.ts walks (declared there as externs). */
const char *mg_topic_expr_topic(void *topics, uint32_t i) {
  return ((const struct mg_mqtt_topic_expression *)topics)[i].topic;
}

uint8_t mg_topic_expr_qos(void *topics, uint32_t i) {
  return ((const struct mg_mqtt_topic_expression *)topics)[i].qos;
}

const char *mg_topic_list_at(void *topics, uint32_t i) { return ((char **)topics)[i]; }

void mg_mqtt_subscribe(struct mg_connection *nc, const struct mg_mqtt_topic_expression *topics,
                       size_t topics_len, uint16_t message_id) {
  if (nc == NULL || topics == NULL || topics_len > UINT32_MAX) return;
  mg_mqtt_raw_subscribe(nc, (void *)(uintptr_t)topics, (uint32_t)topics_len, message_id);
}

void mg_mqtt_unsubscribe(struct mg_connection *nc, char **topics, size_t topics_len, uint16_t message_id) {
  if (nc == NULL || topics == NULL || topics_len > UINT32_MAX) return;
  mg_mqtt_raw_unsubscribe(nc, (void *)topics, (uint32_t)topics_len, message_id);
}

int mg_mqtt_next_subscribe_topic(struct mg_mqtt_message *msg, struct mg_str *topic, uint8_t *qos, int pos) {
  int32_t r;
  if (msg == NULL || topic == NULL || qos == NULL) return -1;
  r = mg_mqtt_next_sub_topic(bytes_of(msg->payload.p, msg->payload.len), topic, pos);
  if (r < 0) return -1;
  *qos = (uint8_t)(r & 3);
  return (int)(r >> 2);
}

int mg_mqtt_match_topic_expression(struct mg_str exp, struct mg_str topic) {
  return mg_mqtt_match_topic(bytes_of(exp.p, exp.len), bytes_of(topic.p, topic.len));
}

int mg_mqtt_vmatch_topic_expression(const char *exp, struct mg_str topic) {
  if (exp == NULL) return 0;
  return mg_mqtt_match_topic(bytes_of(exp, strlen(exp)), bytes_of(topic.p, topic.len));
}

/* ---- MQTT 5 (ts-src/mgos/mqtt5_api.ts, docs/mqtt5.md) ---- */

rt_bytes mg_str_bytes(mg_str *s) { return bytes_of(s->p, s->len); }

uint16_t mgos_mqtt_conn_pub5(struct mgos_mqtt_conn *c, const char *topic, struct mg_str msg, int qos, bool retain,
                             const struct mgos_mqtt_props *props) {
  if (c == NULL) return 0;
  if (topic == NULL) return conn_refuse_pub(c, "", REFUSAL("publish: topic is NULL"));
  if (msg.p == NULL && msg.len > 0) return conn_refuse_pub(c, topic, REFUSAL("publish: message is NULL with a non-zero length: "));
  return mqtt5_api_conn_pub5_bytes(c, topic, msg_of(msg.p, msg.len), qos, retain, (mgos_mqtt_props *)(uintptr_t)props);
}

uint16_t mgos_mqtt_pub5(const char *topic, const void *message, size_t len, int qos, bool retain,
                        const struct mgos_mqtt_props *props) {
  return mgos_mqtt_conn_pub5(mgos_mqtt_get_global(), topic, mg_mk_str_n((const char *)message, len), qos, retain, props);
}

bool mgos_mqtt_conn_set_auth(struct mgos_mqtt_conn *c, const char *method, struct mg_str data) {
  if (c == NULL) return false;
  return mqtt5_api_conn_set_auth_bytes(c, method, bytes_of(data.p, data.len));
}

bool mgos_mqtt_conn_auth_continue(struct mgos_mqtt_conn *c, int reason, struct mg_str data) {
  if (c == NULL) return false;
  return mqtt5_api_conn_auth_continue_bytes(c, reason, bytes_of(data.p, data.len));
}

struct mg_str mgos_mqtt_conn_auth_data(struct mgos_mqtt_conn *c) {
  struct mg_str r = {NULL, 0};
  if (c != NULL) mqtt5_api_conn_auth_data_into(c, &r);
  return r;
}
