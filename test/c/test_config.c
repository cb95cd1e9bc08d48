/* C tier of the mqtt / mqtt1 configuration: the generated C of ts-src/config/
 * (struct mgos_config_mqtt, the mgos_sys_config_get_* getters, the JSON loader
 * and --set) under the same scenarios as test/config/config.test.ts. The case
 * table below is generated from test/config/cases.ts, so both tiers assert the
 * same messages; test/config/cases.test.ts fails when it is out of date. */

#include <stdio.h>
#include <string.h>

#include "unity.h"
#include "config.h"
#include "config_gen.h"
#include "config_sys.h"

/* BEGIN cases generated from test/config/cases.ts (cTable); do not edit by hand */
static const char PRELOAD_JSON[] = "{\"mqtt\":{\"enable\":true,\"server\":\"broker.example.com:8883\",\"client_id\":\"dev-42\",\"user\":\"alice\",\"pass\":\"s3cr\\\"t\",\"reconnect_timeout_min\":0.5,\"reconnect_timeout_max\":120.25,\"ssl_cert\":\"cert.pem\",\"ssl_key\":\"key.pem\",\"ssl_ca_cert\":\"ca.pem\",\"ssl_cipher_suites\":\"TLS-PSK-WITH-AES-128-GCM-SHA256\",\"ssl_psk_identity\":\"id1\",\"ssl_psk_key\":\"00112233445566778899aabbccddeeff\",\"clean_session\":false,\"keep_alive\":65535,\"will_topic\":\"dev/42/status\",\"will_message\":\"offline\",\"will_retain\":true,\"max_qos\":0,\"recv_mbuf_limit\":0,\"require_time\":true,\"cloud_events\":false,\"max_queue_length\":100,\"max_queue_drop_oldest\":true,\"outbox_persist\":\"/var/lib/dev-42/outbox\",\"debug_use_log_level\":true,\"ws_enable\":true,\"ws_path\":\"/ws\",\"protocol_version\":5,\"session_expiry\":3600,\"max_packet_size\":65536,\"will_delay\":30,\"will_message_expiry\":600,\"will_payload_format\":1,\"will_content_type\":\"text/plain\",\"will_response_topic\":\"dev/42/r\",\"will_correlation_data\":\"c1\",\"will_user_props\":\"fw=1\"},\"mqtt1\":{\"server\":\"b:2\"}}";
struct config_case { const char *text; int code; const char *msg; };
static const struct config_case BAD[] = {
  {"{\"mqtt2\": {}}", 2, "config.json:1:2: mqtt2: unknown section (expected mqtt or mqtt1)"},
  {"{\"mqtt\": {},\012 \"wifi\": {\"ssid\": \"x\"}}", 2, "config.json:2:2: wifi: unknown section (expected mqtt or mqtt1)"},
  {"{\"mqtt\": {\012  \"server\": \"a\",\012  \"sevrer\": \"b\"}}", 3, "config.json:3:3: mqtt.sevrer: unknown key"},
  {"{\"mqtt1\": {\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\": 1}}", 3, "config.json:1:12: mqtt1.kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: unknown key"},
  {"{\"mqtt\": {\012  \"keep_alive\": \"abc\"}}", 4, "config.json:2:17: mqtt.keep_alive: expected an integer, got \"abc\""},
  {"{\"mqtt\": {\"keep_alive\": 1.5}}", 4, "config.json:1:25: mqtt.keep_alive: expected an integer, got 1.5"},
  {"{\"mqtt\": {\"max_qos\": 1e0}}", 4, "config.json:1:22: mqtt.max_qos: expected an integer, got 1e0"},
  {"{\"mqtt\": {\"enable\": 1}}", 4, "config.json:1:21: mqtt.enable: expected true or false, got 1"},
  {"{\"mqtt\": {\"enable\": \"true\"}}", 4, "config.json:1:21: mqtt.enable: expected true or false, got \"true\""},
  {"{\"mqtt\": {\"clean_session\": null}}", 4, "config.json:1:28: mqtt.clean_session: expected true or false, got null"},
  {"{\"mqtt\": {\"reconnect_timeout_min\": \"2\"}}", 4, "config.json:1:36: mqtt.reconnect_timeout_min: expected a number, got \"2\""},
  {"{\"mqtt\": {\"server\": 1883}}", 4, "config.json:1:21: mqtt.server: expected a string, got 1883"},
  {"{\"mqtt\": {\"server\": {\"host\": \"h\"}}}", 4, "config.json:1:21: mqtt.server: expected a string, got an object"},
  {"{\"mqtt\": {\"user\": [\"a\"]}}", 4, "config.json:1:19: mqtt.user: expected a string, got an array"},
  {"{\"mqtt\": {\"keep_alive\": \"tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt\"}}", 4, "config.json:1:25: mqtt.keep_alive: expected an integer, got \"ttttttttttttttttttttttttttttttttttttttt..."},
  {"{\"mqtt\": true}", 4, "config.json:1:10: mqtt: expected an object, got true"},
  {"{\"mqtt\": {\"max_qos\": 3}}", 5, "config.json:1:22: mqtt.max_qos: 3 is out of range 0..2"},
  {"{\"mqtt1\": {\"max_qos\": -1}}", 5, "config.json:1:23: mqtt1.max_qos: -1 is out of range 0..2"},
  {"{\"mqtt\": {\"keep_alive\": 65536}}", 5, "config.json:1:25: mqtt.keep_alive: 65536 is out of range 0..65535"},
  {"{\"mqtt\": {\"recv_mbuf_limit\": 99999999999999999999}}", 5, "config.json:1:30: mqtt.recv_mbuf_limit: 99999999999999999999 is out of range 0..2147483647"},
  {"{\"mqtt\": {\"max_queue_length\": -5}}", 5, "config.json:1:31: mqtt.max_queue_length: -5 is out of range 0..2147483647"},
  {"{\"mqtt\": {\"reconnect_timeout_min\": 0}}", 5, "config.json:1:36: mqtt.reconnect_timeout_min: 0 is out of range 0.001..86400"},
  {"{\"mqtt\": {\"reconnect_timeout_max\": 1e999}}", 5, "config.json:1:36: mqtt.reconnect_timeout_max: 1e999 is out of range 0.001..86400"},
  {"{\"mqtt\": {\"reconnect_timeout_max\": 86400.001}}", 5, "config.json:1:36: mqtt.reconnect_timeout_max: 86400.001 is out of range 0.001..86400"},
  {"", 1, "config.json:1:1: expected '{', got end of input"},
  {"[]", 1, "config.json:1:1: expected '{', got an array"},
  {"{\012  \"mqtt\": {\012    \"server\": \"a\" # }}", 1, "config.json:3:19: unexpected character '#'"},
  {"{\"mqtt\": {\"server\": 'a'}}", 1, "config.json:1:21: unexpected character '''"},
  {"{\"mqtt\": {\"enable\": tru}}", 1, "config.json:1:21: invalid literal (expected true, false or null)"},
  {"{\"mqtt\": {\"enable\": yes}}", 1, "config.json:1:21: unexpected character 'y'"},
  {"{\"mqtt\": {\"enable\": true,}}", 1, "config.json:1:26: expected a key, got '}'"},
  {"{\"mqtt\": {\"enable\" true}}", 1, "config.json:1:20: expected ':', got true"},
  {"{\"mqtt\": {\"enable\": true \"server\": \"\"}}", 1, "config.json:1:26: expected ',' or '}', got \"server\""},
  {"{\"mqtt\": {}", 1, "config.json:1:12: expected ',' or '}', got end of input"},
  {"{\"mqtt\": {}} {}", 1, "config.json:1:14: expected end of input, got an object"},
  {"{1: {}}", 1, "config.json:1:2: expected a section name, got 1"},
  {"{\"mqtt\": {\"server\": \"abc}}", 1, "config.json:1:21: unterminated string"},
  {"{\"mqtt\": {\"server\": \"a\\qb\"}}", 1, "config.json:1:23: invalid escape in string"},
  {"{\"mqtt\": {\"server\": \"a\\u12g4\"}}", 1, "config.json:1:23: invalid \\u escape in string"},
  {"{\"mqtt\": {\"server\": \"\\udc00\"}}", 1, "config.json:1:22: invalid \\u escape in string"},
  {"{\"mqtt\": {\"server\": \"\\ud83dx\"}}", 1, "config.json:1:22: invalid \\u escape in string"},
  {"{\"mqtt\": {\"server\": \"a\011b\"}}", 1, "config.json:1:23: control character in string (escape it)"},
  {"{\"mqtt\": {\"keep_alive\": 012}}", 1, "config.json:1:25: invalid number"},
  {"{\"mqtt\": {\"keep_alive\": -}}", 1, "config.json:1:25: invalid number"},
  {"{\"mqtt\": {\"reconnect_timeout_min\": 1.}}", 1, "config.json:1:36: invalid number"},
  {"{\"mqtt\": {\"reconnect_timeout_min\": 1e+}}", 1, "config.json:1:36: invalid number"},
  {"{\"mqtt\": {\"server\": \"a\"}}\001", 1, "config.json:1:26: unexpected byte 0x01"},
  {"{\"mqtt\": {\"server\": \"a\\u0000b\"}}", 4, "config.json:1:21: mqtt.server: a string cannot contain the NUL character"},
  {"{\"mqtt\": {\"will_message\": \"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\"}}", 6, "config.json:1:27: mqtt.will_message: a 600-byte string does not fit in the config arena (512 bytes, 210 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)"},
  {"{\"mqtt\": {\"server\": \"host:99999\"}}", 5, "config.json:1:21: mqtt.server: port 99999 is out of range 1..65535"},
  {"{\"mqtt\": {\"server\": \"host:0\"}}", 5, "config.json:1:21: mqtt.server: port 0 is out of range 1..65535"},
  {"{\"mqtt\": {\"server\": \":1883\"}}", 8, "config.json:1:21: mqtt.server: \":1883\" has no host name"},
  {"{\"mqtt1\": {\"server\": \"host:\"}}", 8, "config.json:1:22: mqtt1.server: \"host:\" has no port after ':'"},
  {"{\"mqtt\": {\"server\": \"host:1883x\"}}", 8, "config.json:1:21: mqtt.server: port \"1883x\" is not a number"},
  {"{\"mqtt\": {\"server\": \"host:-1\"}}", 8, "config.json:1:21: mqtt.server: port \"-1\" is not a number"},
  {"{\"mqtt\": {\"server\": \"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh\"}}", 8, "config.json:1:21: mqtt.server: the host name is 300 bytes, longer than MGOS_MQTT_MAX_HOST_LEN (128)"},
  {"{\"mqtt\": {\"server\": \"[::1\"}}", 8, "config.json:1:21: mqtt.server: \"[::1\": expected [IPv6 address] or [IPv6 address]:port"},
  {"{\"mqtt\": {\"server\": \"[::1]x\"}}", 8, "config.json:1:21: mqtt.server: \"[::1]x\": expected [IPv6 address] or [IPv6 address]:port"},
  {"{\"mqtt\": {\"server\": \"[]:1883\"}}", 8, "config.json:1:21: mqtt.server: \"[]:1883\" has no host name"},
  {"{\"mqtt\": {\"will_topic\": \"dev/+/status\"}}", 8, "config.json:1:25: mqtt.will_topic: \"dev/+/status\" contains a wildcard (+ or #): a will is published to one topic"},
  {"{\"mqtt1\": {\012  \"will_topic\": \"#\"}}", 8, "config.json:2:17: mqtt1.will_topic: \"#\" contains a wildcard (+ or #): a will is published to one topic"},
  {"{\"mqtt\": {\"will_topic\": \"dev/\\u0001/status\"}}", 8, "config.json:1:25: mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic"},
  {"{\"mqtt\": {\"will_topic\": \"dev/\\u0085\"}}", 8, "config.json:1:25: mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic"},
  {"{\"mqtt\": {\"server\": \"\"}}", 8, "mqtt.server: not set, but mqtt.enable is true"},
  {"{\"mqtt1\": {\"enable\": true, \"server\": null}}", 8, "mqtt1.server: not set, but mqtt1.enable is true"},
  {"{\"mqtt\": {\"user\": \"\"}}", 8, "mqtt.pass: set without mqtt.user (MQTT 3.1.1 3.1.2.9: a password needs a user name)"},
  {"{\"mqtt\": {\"reconnect_timeout_max\": 0.25}}", 8, "mqtt.reconnect_timeout_max: below mqtt.reconnect_timeout_min"},
  {"{\"mqtt1\": {\"reconnect_timeout_min\": 61}}", 8, "mqtt1.reconnect_timeout_max: below mqtt1.reconnect_timeout_min"},
};
static const struct config_case SET_BAD[] = {
  {"mqtt.keep_alive=abc", 4, "mqtt.keep_alive: expected an integer, got \"abc\""},
  {"mqtt.keep_alive= 5", 4, "mqtt.keep_alive: expected an integer, got \" 5\""},
  {"mqtt.keep_alive=5x", 4, "mqtt.keep_alive: expected an integer, got \"5x\""},
  {"mqtt.keep_alive=", 4, "mqtt.keep_alive: expected an integer, got \"\""},
  {"mqtt.keep_alive=2.0", 4, "mqtt.keep_alive: expected an integer, got \"2.0\""},
  {"mqtt.max_qos=3", 5, "mqtt.max_qos: 3 is out of range 0..2"},
  {"mqtt.keep_alive=-1", 5, "mqtt.keep_alive: -1 is out of range 0..65535"},
  {"mqtt.reconnect_timeout_min=fast", 4, "mqtt.reconnect_timeout_min: expected a number, got \"fast\""},
  {"mqtt.reconnect_timeout_min=0", 5, "mqtt.reconnect_timeout_min: 0 is out of range 0.001..86400"},
  {"mqtt.enable=yes", 4, "mqtt.enable: expected true or false, got \"yes\""},
  {"mqtt.enable=1", 4, "mqtt.enable: expected true or false, got \"1\""},
  {"mqtt.sevrer=h", 3, "mqtt.sevrer: unknown key"},
  {"mqtt.=h", 3, "mqtt.: unknown key"},
  {"mqtt2.server=h", 2, "mqtt2: unknown section (expected mqtt or mqtt1)"},
  {"server=h", 7, "server: expected section.key"},
  {"mqtt.server", 7, "mqtt.server: expected section.key=value"},
  {"mqtt.server=host:99999", 5, "mqtt.server: port 99999 is out of range 1..65535"},
  {"mqtt.server=:1883", 8, "mqtt.server: \":1883\" has no host name"},
  {"mqtt1.will_topic=a/#", 8, "mqtt1.will_topic: \"a/#\" contains a wildcard (+ or #): a will is published to one topic"},
  {"mqtt1.will_response_topic=a/+", 8, "mqtt1.will_response_topic: \"a/+\" is not a topic name (UTF-8, no + or #): a response goes to one topic"},
  {"mqtt.will_user_props=k=v,bad", 8, "mqtt.will_user_props: \"k=v,bad\" is not key=value,key=value (each entry has = after a non-empty key)"},
  {"mqtt.will_user_props==v", 8, "mqtt.will_user_props: \"=v\" is not key=value,key=value (each entry has = after a non-empty key)"},
  {"mqtt.will_topic=dev/\177x", 8, "mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic"},
  {"mqtt.server=ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss", 6, "mqtt.server: a 512-byte string does not fit in the config arena (512 bytes, 0 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)"},
};
static const struct config_case BAD_BYTES[] = {
  {"{\"mqtt\": {\"client_id\": \"a\377b\"}}", 8, "config.json:1:24: mqtt.client_id: not valid UTF-8 (MQTT strings must be)"},
  {"{\"mqtt\": {\"user\": \"\300\200\"}}", 8, "config.json:1:19: mqtt.user: not valid UTF-8 (MQTT strings must be)"},
  {"{\"mqtt1\": {\"user\": \"x\355\240\200\"}}", 8, "config.json:1:20: mqtt1.user: not valid UTF-8 (MQTT strings must be)"},
};
static const struct config_case SET_BAD_BYTES[] = {
  {"mqtt.client_id=dev\303(", 8, "mqtt.client_id: not valid UTF-8 (MQTT strings must be)"},
  {"mqtt1.user=\377", 8, "mqtt1.user: not valid UTF-8 (MQTT strings must be)"},
};
static const char *const GOOD_SERVERS[] = {
  "[::1]:1883",
  "[::1]",
  "::1",
  "[fe80::1%eth0]:8883",
  "host",
  "host:1",
  "h.example.com:65535",
  "10.0.0.1:1883",
};
static const char FUZZ_BASE[] = "{\"mqtt\": {\"enable\": true, \"server\": \"h\\u00e9:1883\", \"keep_alive\": 30,\012 \"reconnect_timeout_min\": 2.5e0, \"max_qos\": 1, \"user\": \"a\\\"b\", \"will_message\": null},\012 \"mqtt1\": {\"clean_session\": false, \"reconnect_timeout_max\": 12.5, \"pass\": \"\"}}";
#define FUZZ_ITER 3000
#define FUZZ_HASH 0xbb1fd2a4u
/* END cases */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int load(const char *json) {
  return mgos_mqtt_config_load_json("config.json", json);
}

void setUp(void) {
  mgos_mqtt_config_reset();
}

void tearDown(void) {
}

/* The defaults of one section against the table of behaviour.md, through the
 * struct (as Mongoose OS firmware reads it). */
static void check_defaults(const struct mgos_config_mqtt *c) {
  TEST_ASSERT_FALSE(c->enable);
  TEST_ASSERT_NULL(c->server);
  TEST_ASSERT_NULL(c->client_id);
  TEST_ASSERT_NULL(c->user);
  TEST_ASSERT_NULL(c->pass);
  TEST_ASSERT_TRUE(c->reconnect_timeout_min == 2.0);
  TEST_ASSERT_TRUE(c->reconnect_timeout_max == 60.0);
  TEST_ASSERT_NULL(c->ssl_cert);
  TEST_ASSERT_NULL(c->ssl_key);
  TEST_ASSERT_NULL(c->ssl_ca_cert);
  TEST_ASSERT_NULL(c->ssl_cipher_suites);
  TEST_ASSERT_NULL(c->ssl_psk_identity);
  TEST_ASSERT_NULL(c->ssl_psk_key);
  TEST_ASSERT_TRUE(c->clean_session);
  TEST_ASSERT_EQUAL_INT(60, c->keep_alive);
  TEST_ASSERT_NULL(c->will_topic);
  TEST_ASSERT_NULL(c->will_message);
  TEST_ASSERT_FALSE(c->will_retain);
  TEST_ASSERT_EQUAL_INT(2, c->max_qos);
  TEST_ASSERT_EQUAL_INT(3072, c->recv_mbuf_limit);
  TEST_ASSERT_FALSE(c->require_time);
  TEST_ASSERT_TRUE(c->cloud_events);
  TEST_ASSERT_EQUAL_INT(5, c->max_queue_length);
  TEST_ASSERT_FALSE(c->debug_use_log_level);
}

static void test_defaults_both_sections(void) {
  check_defaults(mgos_sys_config_get_mqtt());
  check_defaults(mgos_sys_config_get_mqtt1());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt() != mgos_sys_config_get_mqtt1());
  TEST_ASSERT_EQUAL_UINT32(0, config_arena_used());
  TEST_ASSERT_EQUAL_STRING("", mgos_mqtt_config_error());
}

static void test_defaults_every_getter(void) {
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_enable());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_client_id());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_user());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_pass());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_min() == 2.0);
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_max() == 60.0);
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_cert());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_key());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_ca_cert());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_cipher_suites());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_psk_identity());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_ssl_psk_key());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_clean_session());
  TEST_ASSERT_EQUAL_INT(60, mgos_sys_config_get_mqtt_keep_alive());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_will_topic());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_will_message());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_will_retain());
  TEST_ASSERT_EQUAL_INT(2, mgos_sys_config_get_mqtt_max_qos());
  TEST_ASSERT_EQUAL_INT(3072, mgos_sys_config_get_mqtt_recv_mbuf_limit());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_require_time());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_cloud_events());
  TEST_ASSERT_EQUAL_INT(5, mgos_sys_config_get_mqtt_max_queue_length());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_debug_use_log_level());

  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt1_enable());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_server());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_client_id());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_user());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_pass());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_reconnect_timeout_min() == 2.0);
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_reconnect_timeout_max() == 60.0);
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_cert());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_key());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_ca_cert());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_cipher_suites());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_psk_identity());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_ssl_psk_key());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_clean_session());
  TEST_ASSERT_EQUAL_INT(60, mgos_sys_config_get_mqtt1_keep_alive());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_will_topic());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_will_message());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt1_will_retain());
  TEST_ASSERT_EQUAL_INT(2, mgos_sys_config_get_mqtt1_max_qos());
  TEST_ASSERT_EQUAL_INT(3072, mgos_sys_config_get_mqtt1_recv_mbuf_limit());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt1_require_time());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_cloud_events());
  TEST_ASSERT_EQUAL_INT(5, mgos_sys_config_get_mqtt1_max_queue_length());
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt1_debug_use_log_level());
}

static void test_full_file(void) {
  const struct mgos_config_mqtt *c;
  TEST_ASSERT_EQUAL_INT(config_err_OK, load(PRELOAD_JSON));
  TEST_ASSERT_EQUAL_STRING("", mgos_mqtt_config_error());
  c = mgos_sys_config_get_mqtt();
  TEST_ASSERT_TRUE(c->enable);
  TEST_ASSERT_EQUAL_STRING("broker.example.com:8883", c->server);
  TEST_ASSERT_EQUAL_STRING("dev-42", c->client_id);
  TEST_ASSERT_EQUAL_STRING("alice", c->user);
  TEST_ASSERT_EQUAL_STRING("s3cr\"t", c->pass);
  TEST_ASSERT_TRUE(c->reconnect_timeout_min == 0.5);
  TEST_ASSERT_TRUE(c->reconnect_timeout_max == 120.25);
  TEST_ASSERT_EQUAL_STRING("cert.pem", c->ssl_cert);
  TEST_ASSERT_EQUAL_STRING("key.pem", c->ssl_key);
  TEST_ASSERT_EQUAL_STRING("ca.pem", c->ssl_ca_cert);
  TEST_ASSERT_EQUAL_STRING("TLS-PSK-WITH-AES-128-GCM-SHA256", c->ssl_cipher_suites);
  TEST_ASSERT_EQUAL_STRING("id1", c->ssl_psk_identity);
  TEST_ASSERT_EQUAL_STRING("00112233445566778899aabbccddeeff", c->ssl_psk_key);
  TEST_ASSERT_FALSE(c->clean_session);
  TEST_ASSERT_EQUAL_INT(65535, c->keep_alive);
  TEST_ASSERT_EQUAL_STRING("dev/42/status", c->will_topic);
  TEST_ASSERT_EQUAL_STRING("offline", c->will_message);
  TEST_ASSERT_TRUE(c->will_retain);
  TEST_ASSERT_EQUAL_INT(0, c->max_qos);
  TEST_ASSERT_EQUAL_INT(0, c->recv_mbuf_limit);
  TEST_ASSERT_TRUE(c->require_time);
  TEST_ASSERT_FALSE(c->cloud_events);
  TEST_ASSERT_EQUAL_INT(100, c->max_queue_length);
  TEST_ASSERT_TRUE(c->debug_use_log_level);
  TEST_ASSERT_EQUAL_STRING("b:2", mgos_sys_config_get_mqtt1_server());
  TEST_ASSERT_EQUAL_INT(60, mgos_sys_config_get_mqtt1_keep_alive());
  TEST_ASSERT_EQUAL_INT(30, c->will_delay);
  TEST_ASSERT_EQUAL_INT(1, c->will_payload_format);
  TEST_ASSERT_EQUAL_STRING("fw=1", c->will_user_props);
  TEST_ASSERT_EQUAL_UINT32(218, config_arena_used());
}

static void test_escapes_and_numbers(void) {
  TEST_ASSERT_EQUAL_INT(config_err_OK,
      load("{\"mqtt\": {\"will_message\": \"q\\\"b\\\\s\\/n\\nt\\tr\\rb\\bf\\f\", "
           "\"user\": \"caf\\u00e9 \\u20ac \\ud83d\\ude00\", \"\\u0073erver\": \"esc\"}}"));
  TEST_ASSERT_EQUAL_STRING("q\"b\\s/n\nt\tr\rb\bf\f", mgos_sys_config_get_mqtt_will_message());
  TEST_ASSERT_EQUAL_STRING("caf\303\251 \342\202\254 \360\237\230\200", mgos_sys_config_get_mqtt_user());
  TEST_ASSERT_EQUAL_STRING("esc", mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_INT(config_err_OK,
      load("{\"mqtt\": {\"reconnect_timeout_min\": 1e-3, \"reconnect_timeout_max\": 6.5E1, "
           "\"recv_mbuf_limit\": 2147483647}, \"mqtt1\": {\"reconnect_timeout_max\": 0.000123e7, "
           "\"reconnect_timeout_min\": 12.3456789012345}}"));
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_min() == 0.001);
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_max() == 65.0);
  TEST_ASSERT_EQUAL_INT(2147483647, mgos_sys_config_get_mqtt_recv_mbuf_limit());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_reconnect_timeout_max() == 1230.0);
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt1_reconnect_timeout_min() == 12.3456789012345);
}

/* Every error kind: the code and the exact message (the same as under Node),
 * and nothing changes. */
static void test_errors_leave_config(void) {
  const struct mgos_config_mqtt *c = mgos_sys_config_get_mqtt();
  const char *server;
  size_t i;
  TEST_ASSERT_EQUAL_INT(config_err_OK, load(PRELOAD_JSON));
  server = c->server;
  for (i = 0; i < COUNT(BAD); i++) {
    char what[64];
    snprintf(what, sizeof what, "BAD[%u]", (unsigned)i);
    TEST_ASSERT_EQUAL_INT_MESSAGE(BAD[i].code, load(BAD[i].text), what);
    TEST_ASSERT_EQUAL_STRING_MESSAGE(BAD[i].msg, mgos_mqtt_config_error(), what);
    /* The live config still holds the preloaded values, at the same addresses. */
    TEST_ASSERT_TRUE_MESSAGE(c == mgos_sys_config_get_mqtt(), what);
    TEST_ASSERT_TRUE_MESSAGE(server == c->server, what);
    TEST_ASSERT_EQUAL_STRING_MESSAGE("broker.example.com:8883", c->server, what);
    TEST_ASSERT_EQUAL_STRING_MESSAGE("offline", c->will_message, what);
    TEST_ASSERT_EQUAL_INT_MESSAGE(65535, c->keep_alive, what);
    TEST_ASSERT_EQUAL_STRING_MESSAGE("b:2", mgos_sys_config_get_mqtt1_server(), what);
    TEST_ASSERT_EQUAL_UINT32_MESSAGE(218, config_arena_used(), what);
  }
  /* A byte the NUL-terminated API cannot carry, through the view API. */
  {
    static const uint8_t nul_in_text[] = "{\"mqtt\": {\"server\": \"a\0\"}}";
    rt_bytes b;
    b.p = (uint8_t *)nul_in_text;
    b.len = (uint32_t)(sizeof nul_in_text - 1u);
    TEST_ASSERT_EQUAL_INT(config_err_SYNTAX, config_load("x.json", b));
    TEST_ASSERT_EQUAL_STRING("x.json:1:23: control character in string (escape it)", mgos_mqtt_config_error());
  }
  TEST_ASSERT_EQUAL_INT(config_err_OK, load("{}"));
  TEST_ASSERT_EQUAL_STRING("", mgos_mqtt_config_error());
}

static void test_set_each_type(void) {
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.server=host:1883"));
  TEST_ASSERT_EQUAL_STRING("host:1883", mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt1.pass=a=b c"));
  TEST_ASSERT_EQUAL_STRING("a=b c", mgos_sys_config_get_mqtt1_pass());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.enable=true"));
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_enable());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.clean_session=false"));
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_clean_session());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.keep_alive=15"));
  TEST_ASSERT_EQUAL_INT(15, mgos_sys_config_get_mqtt_keep_alive());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_max=1e2"));
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_max() == 100.0);
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_min=0.25"));
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_reconnect_timeout_min() == 0.25);
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.will_message=\"q\"\\n"));
  TEST_ASSERT_EQUAL_STRING("\"q\"\\n", mgos_sys_config_get_mqtt_will_message());
  TEST_ASSERT_EQUAL_INT(2, mgos_sys_config_get_mqtt_max_qos());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_server());
  /* The path/value form. */
  TEST_ASSERT_EQUAL_INT(config_err_OK, config_set(RT_LIT("mqtt1.server"), RT_LIT("h:1")));
  TEST_ASSERT_EQUAL_STRING("h:1", mgos_sys_config_get_mqtt1_server());
}

static void test_set_errors(void) {
  size_t i;
  uint32_t gen;
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.keep_alive=30"));
  gen = mgos_mqtt_config_generation();
  for (i = 0; i < COUNT(SET_BAD); i++) {
    TEST_ASSERT_EQUAL_INT_MESSAGE(SET_BAD[i].code, mgos_mqtt_config_set(SET_BAD[i].text), SET_BAD[i].text);
    TEST_ASSERT_EQUAL_STRING_MESSAGE(SET_BAD[i].msg, mgos_mqtt_config_error(), SET_BAD[i].text);
  }
  TEST_ASSERT_EQUAL_INT(30, mgos_sys_config_get_mqtt_keep_alive());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_server());
  /* Failures are not changes. */
  TEST_ASSERT_EQUAL_UINT32(gen, mgos_mqtt_config_generation());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.keep_alive=31"));
  TEST_ASSERT_EQUAL_UINT32(gen + 1u, mgos_mqtt_config_generation());
}

/* Text that is not UTF-8 in client_id or user: refused with the key, at load
 * and --set, nothing changes (the same cases as under Node). */
static void test_not_utf8(void) {
  size_t i;
  TEST_ASSERT_EQUAL_INT(config_err_OK, load(PRELOAD_JSON));
  for (i = 0; i < COUNT(BAD_BYTES); i++) {
    TEST_ASSERT_EQUAL_INT_MESSAGE(BAD_BYTES[i].code, load(BAD_BYTES[i].text), BAD_BYTES[i].msg);
    TEST_ASSERT_EQUAL_STRING(BAD_BYTES[i].msg, mgos_mqtt_config_error());
  }
  for (i = 0; i < COUNT(SET_BAD_BYTES); i++) {
    TEST_ASSERT_EQUAL_INT_MESSAGE(SET_BAD_BYTES[i].code, mgos_mqtt_config_set(SET_BAD_BYTES[i].text), SET_BAD_BYTES[i].msg);
    TEST_ASSERT_EQUAL_STRING(SET_BAD_BYTES[i].msg, mgos_mqtt_config_error());
  }
  TEST_ASSERT_EQUAL_STRING("dev-42", mgos_sys_config_get_mqtt_client_id());
  TEST_ASSERT_EQUAL_STRING("alice", mgos_sys_config_get_mqtt_user());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1_user()); /* unset: NULL */
}

/* Server addresses that work: IPv6 in brackets with and without a port, bare IPv6, names, IPv4. */
static void test_good_servers(void) {
  size_t i;
  for (i = 0; i < COUNT(GOOD_SERVERS); i++) {
    char json[160], arg[160];
    mgos_mqtt_config_reset();
    snprintf(json, sizeof json, "{\"mqtt\": {\"enable\": true, \"server\": \"%s\"}}", GOOD_SERVERS[i]);
    TEST_ASSERT_EQUAL_INT_MESSAGE(config_err_OK, load(json), mgos_mqtt_config_error());
    TEST_ASSERT_EQUAL_STRING(GOOD_SERVERS[i], mgos_sys_config_get_mqtt_server());
    snprintf(arg, sizeof arg, "mqtt1.server=%s", GOOD_SERVERS[i]);
    TEST_ASSERT_EQUAL_INT_MESSAGE(config_err_OK, mgos_mqtt_config_set(arg), mgos_mqtt_config_error());
  }
}

/* A batch is one change, checked as a whole: its parts may come in any order;
 * a contradiction left at the end, or a failing part, applies nothing. */
static void test_batch(void) {
  mgos_mqtt_config_begin();
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.enable=true"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.pass=secret"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_min=100"));
  TEST_ASSERT_FALSE(mgos_sys_config_get_mqtt_enable());
  TEST_ASSERT_EQUAL_INT(0, load("{\"mqtt\": {\"server\": \"h:1\", \"user\": \"u\"}}"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.reconnect_timeout_max=200"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_commit());
  TEST_ASSERT_TRUE(mgos_sys_config_get_mqtt_enable());
  TEST_ASSERT_EQUAL_STRING("h:1", mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_STRING("secret", mgos_sys_config_get_mqtt_pass());
  mgos_mqtt_config_begin();
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.keep_alive=5"));
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.user="));
  TEST_ASSERT_EQUAL_INT(config_err_INVALID, mgos_mqtt_config_commit());
  TEST_ASSERT_EQUAL_STRING("mqtt.pass: set without mqtt.user (MQTT 3.1.1 3.1.2.9: a password needs a user name)", mgos_mqtt_config_error());
  TEST_ASSERT_EQUAL_INT(60, mgos_sys_config_get_mqtt_keep_alive());
  TEST_ASSERT_EQUAL_STRING("u", mgos_sys_config_get_mqtt_user());
  mgos_mqtt_config_begin();
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.keep_alive=6"));
  TEST_ASSERT_EQUAL_INT(config_err_INVALID, mgos_mqtt_config_set("mqtt.server=h:x"));
  TEST_ASSERT_EQUAL_INT(config_err_INVALID, mgos_mqtt_config_commit());
  TEST_ASSERT_EQUAL_STRING("mqtt.server: port \"x\" is not a number", mgos_mqtt_config_error());
  TEST_ASSERT_EQUAL_INT(60, mgos_sys_config_get_mqtt_keep_alive());
  TEST_ASSERT_EQUAL_STRING("h:1", mgos_sys_config_get_mqtt_server());
}

/* Strings are copied: nothing points into the loaded text. */
static char text_buf[256];
static void test_strings_are_copied(void) {
  strcpy(text_buf, "{\"mqtt\": {\"server\": \"copied:1\", \"user\": \"u\"}}");
  TEST_ASSERT_EQUAL_INT(0, load(text_buf));
  memset(text_buf, 'X', sizeof text_buf - 1u);
  TEST_ASSERT_EQUAL_STRING("copied:1", mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_STRING("u", mgos_sys_config_get_mqtt_user());
  strcpy(text_buf, "mqtt.pass=p1");
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set(text_buf));
  memset(text_buf, 'Y', sizeof text_buf - 1u);
  TEST_ASSERT_EQUAL_STRING("p1", mgos_sys_config_get_mqtt_pass());
  TEST_ASSERT_EQUAL_STRING("copied:1", mgos_sys_config_get_mqtt_server());
}

static char big[700];
/* As Mongoose OS: a string that is not set is NULL, so the connectors'
 * `if (cfg->ssl_ca_cert == NULL) cfg->ssl_ca_cert = "ca.pem";` (Azure, GCP)
 * turns TLS on. Every way of "not set" gives NULL: the default, JSON null,
 * "" in JSON and an empty --set value. */
static void test_unset_strings_are_null(void) {
  struct mgos_config_mqtt mcfg = *mgos_sys_config_get_mqtt();
  if (mcfg.ssl_ca_cert == NULL) mcfg.ssl_ca_cert = "ca.pem";
  TEST_ASSERT_EQUAL_STRING("ca.pem", mcfg.ssl_ca_cert);
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_load_json("c.json",
      "{\"mqtt\": {\"user\": \"u\", \"pass\": \"p\", \"server\": \"h\"}, \"mqtt1\": {\"server\": \"b\"}}"));
  TEST_ASSERT_EQUAL_STRING("u", mgos_sys_config_get_mqtt_user());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_load_json("c.json",
      "{\"mqtt\": {\"user\": null, \"pass\": \"\"}, \"mqtt1\": {}}"));
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_user());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt()->pass);
  TEST_ASSERT_EQUAL_STRING("h", mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.server="));
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt_server());
  TEST_ASSERT_EQUAL_STRING("b", mgos_sys_config_get_mqtt1_server());
  TEST_ASSERT_NULL(mgos_sys_config_get_mqtt1()->ssl_ca_cert);
}

static void test_arena(void) {
  int i;
  /* 511 bytes + NUL fill the 512-byte arena exactly. */
  strcpy(big, "mqtt.will_message=");
  memset(big + 18, 'a', 511);
  big[18 + 511] = '\0';
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set(big));
  TEST_ASSERT_EQUAL_UINT32(512, config_arena_used());
  TEST_ASSERT_EQUAL_size_t(511, strlen(mgos_sys_config_get_mqtt_will_message()));
  memset(big + 18, 'b', 511);
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set(big));
  TEST_ASSERT_EQUAL_STRING(big + 18, mgos_sys_config_get_mqtt_will_message());
  TEST_ASSERT_EQUAL_INT(config_err_NO_SPACE, mgos_mqtt_config_set("mqtt1.user=x"));
  TEST_ASSERT_EQUAL_STRING("mqtt1.user: a 1-byte string does not fit in the config arena (512 bytes, 512 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)",
                           mgos_mqtt_config_error());
  TEST_ASSERT_EQUAL_INT(0, mgos_mqtt_config_set("mqtt.will_message="));
  TEST_ASSERT_EQUAL_UINT32(0, config_arena_used());
  /* Many loads with changing strings: the arena holds only the current values. */
  for (i = 0; i < 200; i++) {
    char server[40], user[64], json[300];
    int n = snprintf(server, sizeof server, "host-%d.example:%d", i, 1000 + i);
    memset(user, 'u', (size_t)(i % 50));
    user[i % 50] = '\0';
    snprintf(json, sizeof json, "{\"mqtt\": {\"server\": \"%s\", \"user\": \"%s\"}, \"mqtt1\": {\"server\": \"%s\", \"user\": \"%s\"}}",
             server, user, user, server);
    TEST_ASSERT_EQUAL_INT_MESSAGE(0, load(json), mgos_mqtt_config_error());
    TEST_ASSERT_EQUAL_STRING(server, mgos_sys_config_get_mqtt_server());
    /* "" is "not set": NULL. */
    TEST_ASSERT_EQUAL_STRING(user[0] ? user : NULL, mgos_sys_config_get_mqtt_user());
    TEST_ASSERT_EQUAL_STRING(user[0] ? user : NULL, mgos_sys_config_get_mqtt1_server());
    TEST_ASSERT_EQUAL_STRING(server, mgos_sys_config_get_mqtt1_user());
    TEST_ASSERT_EQUAL_UINT32((uint32_t)(2 * (n + 1) + (i % 50 ? 2 * (i % 50 + 1) : 0)), config_arena_used());
  }
}

/* The mutation test of test/config/cases.ts (fuzzHash), on the generated C:
 * the same inputs must give the same codes and messages as under Node (equal
 * FNV-1a hash), with no memory error under ASan/UBSan. */
static uint8_t fuzz_buf[512];
static uint32_t fuzz_x = 1;
static uint32_t fuzz_rnd(void) {
  fuzz_x = fuzz_x * 1103515245u + 12345u;
  return fuzz_x >> 8;
}
static void test_mutations_match_node(void) {
  uint32_t h = 2166136261u;
  uint32_t base_len = (uint32_t)(sizeof FUZZ_BASE - 1u);
  int it;
  fuzz_x = 1;
  for (it = 0; it < FUZZ_ITER; it++) {
    uint32_t len = base_len, n, m;
    rt_bytes b;
    const char *msg;
    int code;
    memcpy(fuzz_buf, FUZZ_BASE, base_len);
    n = 1u + fuzz_rnd() % 3u;
    for (m = 0; m < n; m++) {
      uint32_t pos = fuzz_rnd() % len, op = fuzz_rnd() % 3u;
      uint8_t byte = (uint8_t)(1u + fuzz_rnd() % 127u);
      if (op == 0u) {
        fuzz_buf[pos] = byte;
      } else if (op == 1u) {
        memmove(fuzz_buf + pos, fuzz_buf + pos + 1, len - pos - 1u);
        len--;
      } else {
        memmove(fuzz_buf + pos + 1, fuzz_buf + pos, len - pos);
        fuzz_buf[pos] = byte;
        len++;
      }
    }
    mgos_mqtt_config_reset();
    b.p = fuzz_buf;
    b.len = len;
    code = config_load("f.json", b);
    h = (h ^ (uint32_t)code) * 16777619u;
    for (msg = mgos_mqtt_config_error(); *msg != '\0'; msg++) h = (h ^ (uint8_t)*msg) * 16777619u;
  }
  mgos_mqtt_config_reset();
  TEST_ASSERT_EQUAL_HEX32(FUZZ_HASH, h);
}

int main(void) {
  UNITY_BEGIN();
  RUN_TEST(test_defaults_both_sections);
  RUN_TEST(test_defaults_every_getter);
  RUN_TEST(test_full_file);
  RUN_TEST(test_escapes_and_numbers);
  RUN_TEST(test_errors_leave_config);
  RUN_TEST(test_set_each_type);
  RUN_TEST(test_set_errors);
  RUN_TEST(test_not_utf8);
  RUN_TEST(test_good_servers);
  RUN_TEST(test_batch);
  RUN_TEST(test_strings_are_copied);
  RUN_TEST(test_unset_strings_are_null);
  RUN_TEST(test_arena);
  RUN_TEST(test_mutations_match_node);
  return UNITY_END();
}
