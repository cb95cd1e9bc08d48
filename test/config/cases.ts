// Config cases shared by the Node tests (config.test.ts) and the C tests
// (test/c/test_config.c, whose case table is generated from this file by
// cTable() and checked by cases.test.ts), so both tiers assert the same
// messages for the same inputs.

import { config_err as E, load, reset, error_msg } from "../../ts-src/config/config";

export const FULL_MQTT: Record<string, boolean | number | string> = {
  enable: true, server: "broker.example.com:8883", client_id: "dev-42", user: "alice", pass: "s3cr\"t",
  reconnect_timeout_min: 0.5, reconnect_timeout_max: 120.25,
  ssl_cert: "cert.pem", ssl_key: "key.pem", ssl_ca_cert: "ca.pem", ssl_cipher_suites: "TLS-PSK-WITH-AES-128-GCM-SHA256",
  ssl_psk_identity: "id1", ssl_psk_key: "00112233445566778899aabbccddeeff",
  clean_session: false, keep_alive: 65535, will_topic: "dev/42/status", will_message: "offline", will_retain: true,
  max_qos: 0, recv_mbuf_limit: 0, require_time: true, cloud_events: false, max_queue_length: 100,
  max_queue_drop_oldest: true, outbox_persist: "/var/lib/dev-42/outbox", debug_use_log_level: true, ws_enable: true, ws_path: "/ws",
  protocol_version: 5, session_expiry: 3600, max_packet_size: 65536,
  will_delay: 30, will_message_expiry: 600, will_payload_format: 1, will_content_type: "text/plain",
  will_response_topic: "dev/42/r", will_correlation_data: "c1", will_user_props: "fw=1",
};

/** Loaded before the BAD cases: every key of mqtt set, and one string of mqtt1. */
export const PRELOAD_JSON = JSON.stringify({ mqtt: FULL_MQTT, mqtt1: { server: "b:2" } });

/** [file text, code, exact message] */
export const BAD: [string, E, string][] = [
  // unknown section / key
  [`{"mqtt2": {}}`, E.UNKNOWN_SECTION, `config.json:1:2: mqtt2: unknown section (expected mqtt or mqtt1)`],
  [`{"mqtt": {},\n "wifi": {"ssid": "x"}}`, E.UNKNOWN_SECTION, `config.json:2:2: wifi: unknown section (expected mqtt or mqtt1)`],
  [`{"mqtt": {\n  "server": "a",\n  "sevrer": "b"}}`, E.UNKNOWN_KEY, `config.json:3:3: mqtt.sevrer: unknown key`],
  [`{"mqtt1": {"${"k".repeat(50)}": 1}}`, E.UNKNOWN_KEY, `config.json:1:12: mqtt1.${"k".repeat(32)}: unknown key`],
  // wrong type, for each kind
  [`{"mqtt": {\n  "keep_alive": "abc"}}`, E.TYPE, `config.json:2:17: mqtt.keep_alive: expected an integer, got "abc"`],
  [`{"mqtt": {"keep_alive": 1.5}}`, E.TYPE, `config.json:1:25: mqtt.keep_alive: expected an integer, got 1.5`],
  [`{"mqtt": {"max_qos": 1e0}}`, E.TYPE, `config.json:1:22: mqtt.max_qos: expected an integer, got 1e0`],
  [`{"mqtt": {"enable": 1}}`, E.TYPE, `config.json:1:21: mqtt.enable: expected true or false, got 1`],
  [`{"mqtt": {"enable": "true"}}`, E.TYPE, `config.json:1:21: mqtt.enable: expected true or false, got "true"`],
  [`{"mqtt": {"clean_session": null}}`, E.TYPE, `config.json:1:28: mqtt.clean_session: expected true or false, got null`],
  [`{"mqtt": {"reconnect_timeout_min": "2"}}`, E.TYPE, `config.json:1:36: mqtt.reconnect_timeout_min: expected a number, got "2"`],
  [`{"mqtt": {"server": 1883}}`, E.TYPE, `config.json:1:21: mqtt.server: expected a string, got 1883`],
  [`{"mqtt": {"server": {"host": "h"}}}`, E.TYPE, `config.json:1:21: mqtt.server: expected a string, got an object`],
  [`{"mqtt": {"user": ["a"]}}`, E.TYPE, `config.json:1:19: mqtt.user: expected a string, got an array`],
  [`{"mqtt": {"keep_alive": "${"t".repeat(60)}"}}`, E.TYPE,
    `config.json:1:25: mqtt.keep_alive: expected an integer, got "${"t".repeat(39)}...`],
  [`{"mqtt": true}`, E.TYPE, `config.json:1:10: mqtt: expected an object, got true`],
  // out of range
  [`{"mqtt": {"max_qos": 3}}`, E.RANGE, `config.json:1:22: mqtt.max_qos: 3 is out of range 0..2`],
  [`{"mqtt1": {"max_qos": -1}}`, E.RANGE, `config.json:1:23: mqtt1.max_qos: -1 is out of range 0..2`],
  [`{"mqtt": {"keep_alive": 65536}}`, E.RANGE, `config.json:1:25: mqtt.keep_alive: 65536 is out of range 0..65535`],
  [`{"mqtt": {"recv_mbuf_limit": 99999999999999999999}}`, E.RANGE, `config.json:1:30: mqtt.recv_mbuf_limit: 99999999999999999999 is out of range 0..2147483647`],
  [`{"mqtt": {"max_queue_length": -5}}`, E.RANGE, `config.json:1:31: mqtt.max_queue_length: -5 is out of range 0..2147483647`],
  [`{"mqtt": {"reconnect_timeout_min": 0}}`, E.RANGE, `config.json:1:36: mqtt.reconnect_timeout_min: 0 is out of range 0.001..86400`],
  [`{"mqtt": {"reconnect_timeout_max": 1e999}}`, E.RANGE, `config.json:1:36: mqtt.reconnect_timeout_max: 1e999 is out of range 0.001..86400`],
  [`{"mqtt": {"reconnect_timeout_max": 86400.001}}`, E.RANGE, `config.json:1:36: mqtt.reconnect_timeout_max: 86400.001 is out of range 0.001..86400`],
  // malformed JSON at line:col
  [``, E.SYNTAX, `config.json:1:1: expected '{', got end of input`],
  [`[]`, E.SYNTAX, `config.json:1:1: expected '{', got an array`],
  [`{\n  "mqtt": {\n    "server": "a" # }}`, E.SYNTAX, `config.json:3:19: unexpected character '#'`],
  [`{"mqtt": {"server": 'a'}}`, E.SYNTAX, `config.json:1:21: unexpected character '''`],
  [`{"mqtt": {"enable": tru}}`, E.SYNTAX, `config.json:1:21: invalid literal (expected true, false or null)`],
  [`{"mqtt": {"enable": yes}}`, E.SYNTAX, `config.json:1:21: unexpected character 'y'`],
  [`{"mqtt": {"enable": true,}}`, E.SYNTAX, `config.json:1:26: expected a key, got '}'`],
  [`{"mqtt": {"enable" true}}`, E.SYNTAX, `config.json:1:20: expected ':', got true`],
  [`{"mqtt": {"enable": true "server": ""}}`, E.SYNTAX, `config.json:1:26: expected ',' or '}', got "server"`],
  [`{"mqtt": {}`, E.SYNTAX, `config.json:1:12: expected ',' or '}', got end of input`],
  [`{"mqtt": {}} {}`, E.SYNTAX, `config.json:1:14: expected end of input, got an object`],
  [`{1: {}}`, E.SYNTAX, `config.json:1:2: expected a section name, got 1`],
  [`{"mqtt": {"server": "abc}}`, E.SYNTAX, `config.json:1:21: unterminated string`],
  [`{"mqtt": {"server": "a\\qb"}}`, E.SYNTAX, `config.json:1:23: invalid escape in string`],
  [`{"mqtt": {"server": "a\\u12g4"}}`, E.SYNTAX, `config.json:1:23: invalid \\u escape in string`],
  [`{"mqtt": {"server": "\\udc00"}}`, E.SYNTAX, `config.json:1:22: invalid \\u escape in string`],
  [`{"mqtt": {"server": "\\ud83dx"}}`, E.SYNTAX, `config.json:1:22: invalid \\u escape in string`],
  [`{"mqtt": {"server": "a\tb"}}`, E.SYNTAX, `config.json:1:23: control character in string (escape it)`],
  [`{"mqtt": {"keep_alive": 012}}`, E.SYNTAX, `config.json:1:25: invalid number`],
  [`{"mqtt": {"keep_alive": -}}`, E.SYNTAX, `config.json:1:25: invalid number`],
  [`{"mqtt": {"reconnect_timeout_min": 1.}}`, E.SYNTAX, `config.json:1:36: invalid number`],
  [`{"mqtt": {"reconnect_timeout_min": 1e+}}`, E.SYNTAX, `config.json:1:36: invalid number`],
  [`{"mqtt": {"server": "a"}}\u0001`, E.SYNTAX, `config.json:1:26: unexpected byte 0x01`],
  // strings a C string cannot hold, or that do not fit
  [`{"mqtt": {"server": "a\\u0000b"}}`, E.TYPE, `config.json:1:21: mqtt.server: a string cannot contain the NUL character`],
  [`{"mqtt": {"will_message": "${"m".repeat(600)}"}}`, E.NO_SPACE,
    `config.json:1:27: mqtt.will_message: a 600-byte string does not fit in the config arena (512 bytes, 210 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)`],
  // values that parse but cannot work: a server address that does not split into host and port
  [`{"mqtt": {"server": "host:99999"}}`, E.RANGE, `config.json:1:21: mqtt.server: port 99999 is out of range 1..65535`],
  [`{"mqtt": {"server": "host:0"}}`, E.RANGE, `config.json:1:21: mqtt.server: port 0 is out of range 1..65535`],
  [`{"mqtt": {"server": ":1883"}}`, E.INVALID, `config.json:1:21: mqtt.server: ":1883" has no host name`],
  [`{"mqtt1": {"server": "host:"}}`, E.INVALID, `config.json:1:22: mqtt1.server: "host:" has no port after ':'`],
  [`{"mqtt": {"server": "host:1883x"}}`, E.INVALID, `config.json:1:21: mqtt.server: port "1883x" is not a number`],
  [`{"mqtt": {"server": "host:-1"}}`, E.INVALID, `config.json:1:21: mqtt.server: port "-1" is not a number`],
  [`{"mqtt": {"server": "${"h".repeat(300)}"}}`, E.INVALID,
    `config.json:1:21: mqtt.server: the host name is 300 bytes, longer than MGOS_MQTT_MAX_HOST_LEN (128)`],
  [`{"mqtt": {"server": "[::1"}}`, E.INVALID, `config.json:1:21: mqtt.server: "[::1": expected [IPv6 address] or [IPv6 address]:port`],
  [`{"mqtt": {"server": "[::1]x"}}`, E.INVALID, `config.json:1:21: mqtt.server: "[::1]x": expected [IPv6 address] or [IPv6 address]:port`],
  [`{"mqtt": {"server": "[]:1883"}}`, E.INVALID, `config.json:1:21: mqtt.server: "[]:1883" has no host name`],
  // a will goes to one topic
  [`{"mqtt": {"will_topic": "dev/+/status"}}`, E.INVALID,
    `config.json:1:25: mqtt.will_topic: "dev/+/status" contains a wildcard (+ or #): a will is published to one topic`],
  [`{"mqtt1": {\n  "will_topic": "#"}}`, E.INVALID,
    `config.json:2:17: mqtt1.will_topic: "#" contains a wildcard (+ or #): a will is published to one topic`],
  [`{"mqtt": {"will_topic": "dev/\\u0001/status"}}`, E.INVALID,
    `config.json:1:25: mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic`],
  [`{"mqtt": {"will_topic": "dev/\\u0085"}}`, E.INVALID,
    `config.json:1:25: mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic`],
  // keys that contradict each other (checked on the whole result, so without a location)
  [`{"mqtt": {"server": ""}}`, E.INVALID, `mqtt.server: not set, but mqtt.enable is true`],
  [`{"mqtt1": {"enable": true, "server": null}}`, E.INVALID, `mqtt1.server: not set, but mqtt1.enable is true`],
  [`{"mqtt": {"user": ""}}`, E.INVALID, `mqtt.pass: set without mqtt.user (MQTT 3.1.1 3.1.2.9: a password needs a user name)`],
  [`{"mqtt": {"reconnect_timeout_max": 0.25}}`, E.INVALID, `mqtt.reconnect_timeout_max: below mqtt.reconnect_timeout_min`],
  [`{"mqtt1": {"reconnect_timeout_min": 61}}`, E.INVALID, `mqtt1.reconnect_timeout_max: below mqtt1.reconnect_timeout_min`],
];

/** [file bytes, code, exact message]: text that is not UTF-8, which a JavaScript string cannot hold. */
export const BAD_BYTES: [number[], E, string][] = [
  [[...Buffer.from(`{"mqtt": {"client_id": "a`), 0xff, ...Buffer.from(`b"}}`)], E.INVALID,
    `config.json:1:24: mqtt.client_id: not valid UTF-8 (MQTT strings must be)`],
  [[...Buffer.from(`{"mqtt": {"user": "`), 0xc0, 0x80, ...Buffer.from(`"}}`)], E.INVALID,
    `config.json:1:19: mqtt.user: not valid UTF-8 (MQTT strings must be)`],
  [[...Buffer.from(`{"mqtt1": {"user": "x`), 0xed, 0xa0, 0x80, ...Buffer.from(`"}}`)], E.INVALID,
    `config.json:1:20: mqtt1.user: not valid UTF-8 (MQTT strings must be)`],
];

/** [--set argument bytes, code, exact message], as SET_BAD. */
export const SET_BAD_BYTES: [number[], E, string][] = [
  [[...Buffer.from("mqtt.client_id=dev"), 0xc3, 0x28], E.INVALID, `mqtt.client_id: not valid UTF-8 (MQTT strings must be)`],
  [[...Buffer.from("mqtt1.user="), 0xff], E.INVALID, `mqtt1.user: not valid UTF-8 (MQTT strings must be)`],
];

/** Files and batches that must load: IPv6 literals, bare IPv6, host names (after reset). */
export const GOOD_SERVERS: string[] = ["[::1]:1883", "[::1]", "::1", "[fe80::1%eth0]:8883", "host", "host:1", "h.example.com:65535", "10.0.0.1:1883"];

/** [--set argument, code, exact message], applied after --set mqtt.keep_alive=30. */
export const SET_BAD: [string, E, string][] = [
  ["mqtt.keep_alive=abc", E.TYPE, `mqtt.keep_alive: expected an integer, got "abc"`],
  ["mqtt.keep_alive= 5", E.TYPE, `mqtt.keep_alive: expected an integer, got " 5"`],
  ["mqtt.keep_alive=5x", E.TYPE, `mqtt.keep_alive: expected an integer, got "5x"`],
  ["mqtt.keep_alive=", E.TYPE, `mqtt.keep_alive: expected an integer, got ""`],
  ["mqtt.keep_alive=2.0", E.TYPE, `mqtt.keep_alive: expected an integer, got "2.0"`],
  ["mqtt.max_qos=3", E.RANGE, `mqtt.max_qos: 3 is out of range 0..2`],
  ["mqtt.keep_alive=-1", E.RANGE, `mqtt.keep_alive: -1 is out of range 0..65535`],
  ["mqtt.reconnect_timeout_min=fast", E.TYPE, `mqtt.reconnect_timeout_min: expected a number, got "fast"`],
  ["mqtt.reconnect_timeout_min=0", E.RANGE, `mqtt.reconnect_timeout_min: 0 is out of range 0.001..86400`],
  ["mqtt.enable=yes", E.TYPE, `mqtt.enable: expected true or false, got "yes"`],
  ["mqtt.enable=1", E.TYPE, `mqtt.enable: expected true or false, got "1"`],
  ["mqtt.sevrer=h", E.UNKNOWN_KEY, `mqtt.sevrer: unknown key`],
  ["mqtt.=h", E.UNKNOWN_KEY, `mqtt.: unknown key`],
  ["mqtt2.server=h", E.UNKNOWN_SECTION, `mqtt2: unknown section (expected mqtt or mqtt1)`],
  ["server=h", E.BAD_ARG, `server: expected section.key`],
  ["mqtt.server", E.BAD_ARG, `mqtt.server: expected section.key=value`],
  ["mqtt.server=host:99999", E.RANGE, `mqtt.server: port 99999 is out of range 1..65535`],
  ["mqtt.server=:1883", E.INVALID, `mqtt.server: ":1883" has no host name`],
  ["mqtt1.will_topic=a/#", E.INVALID, `mqtt1.will_topic: "a/#" contains a wildcard (+ or #): a will is published to one topic`],
  ["mqtt1.will_response_topic=a/+", E.INVALID, `mqtt1.will_response_topic: "a/+" is not a topic name (UTF-8, no + or #): a response goes to one topic`],
  ["mqtt.will_user_props=k=v,bad", E.INVALID, `mqtt.will_user_props: "k=v,bad" is not key=value,key=value (each entry has = after a non-empty key)`],
  ["mqtt.will_user_props==v", E.INVALID, `mqtt.will_user_props: "=v" is not key=value,key=value (each entry has = after a non-empty key)`],
  ["mqtt.will_topic=dev/\x7fx", E.INVALID, `mqtt.will_topic: contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic`],
  [`mqtt.server=${"s".repeat(512)}`, E.NO_SPACE, `mqtt.server: a 512-byte string does not fit in the config arena (512 bytes, 0 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)`],
];

/** A C string literal holding the UTF-8 bytes of `s` (octal escapes outside printable ASCII; no trigraphs). */
export function cString(s: string | number[]): string {
  let out = '"';
  for (const b of typeof s === "string" ? Buffer.from(s, "utf8") : s) {
    if (b === 0x22 || b === 0x5c || b === 0x3f) out += "\\" + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += "\\" + b.toString(8).padStart(3, "0");
  }
  return out + '"';
}

/** The file the mutation test starts from: every kind of value, escapes, both sections. */
export const FUZZ_BASE = `{"mqtt": {"enable": true, "server": "h\\u00e9:1883", "keep_alive": 30,
 "reconnect_timeout_min": 2.5e0, "max_qos": 1, "user": "a\\"b", "will_message": null},
 "mqtt1": {"clean_session": false, "reconnect_timeout_max": 12.5, "pass": ""}}`;
export const FUZZ_ITER = 3000;

/**
 * Loads FUZZ_ITER mutations of FUZZ_BASE (bytes replaced, deleted or inserted
 * at positions from a 32-bit LCG) and hashes every result code and message
 * with FNV-1a. test_config.c does the same with the generated C: equal hashes
 * mean Node and C agree on every one of those inputs.
 */
export function fuzzHash(check?: (code: E, text: Uint8Array) => void): number {
  const base = Buffer.from(FUZZ_BASE, "utf8");
  const buf = new Uint8Array(512);
  let x = 1;
  let h = 2166136261;
  const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x >>> 8; };
  const mix = (b: number): void => { h = Math.imul(h ^ b, 16777619) >>> 0; };
  for (let it = 0; it < FUZZ_ITER; it++) {
    buf.set(base);
    let len = base.length;
    const n = 1 + (rnd() % 3);
    for (let m = 0; m < n; m++) {
      const pos = rnd() % len, op = rnd() % 3, b = 1 + (rnd() % 127);
      if (op === 0) buf[pos] = b;
      else if (op === 1) { buf.copyWithin(pos, pos + 1, len); len--; }
      else { buf.copyWithin(pos + 1, pos, len); buf[pos] = b; len++; }
    }
    reset();
    const code = load("f.json", buf.subarray(0, len));
    if (check) check(code, buf.subarray(0, len));
    mix(code);
    for (const c of Buffer.from(error_msg(), "utf8")) mix(c);
  }
  reset();
  return h;
}

export const C_BEGIN = "/* BEGIN cases generated from test/config/cases.ts (cTable); do not edit by hand */";
export const C_END = "/* END cases */";

/** The C block of test/c/test_config.c that mirrors these cases. */
export function cTable(): string {
  const lines = [C_BEGIN];
  lines.push(`static const char PRELOAD_JSON[] = ${cString(PRELOAD_JSON)};`);
  lines.push("struct config_case { const char *text; int code; const char *msg; };");
  lines.push("static const struct config_case BAD[] = {");
  for (const [text, code, msg] of BAD) lines.push(`  {${cString(text)}, ${code}, ${cString(msg)}},`);
  lines.push("};");
  lines.push("static const struct config_case SET_BAD[] = {");
  for (const [arg, code, msg] of SET_BAD) lines.push(`  {${cString(arg)}, ${code}, ${cString(msg)}},`);
  lines.push("};");
  lines.push("static const struct config_case BAD_BYTES[] = {");
  for (const [text, code, msg] of BAD_BYTES) lines.push(`  {${cString(text)}, ${code}, ${cString(msg)}},`);
  lines.push("};");
  lines.push("static const struct config_case SET_BAD_BYTES[] = {");
  for (const [arg, code, msg] of SET_BAD_BYTES) lines.push(`  {${cString(arg)}, ${code}, ${cString(msg)}},`);
  lines.push("};");
  lines.push("static const char *const GOOD_SERVERS[] = {");
  for (const g of GOOD_SERVERS) lines.push(`  ${cString(g)},`);
  lines.push("};");
  lines.push(`static const char FUZZ_BASE[] = ${cString(FUZZ_BASE)};`);
  lines.push(`#define FUZZ_ITER ${FUZZ_ITER}`);
  lines.push(`#define FUZZ_HASH 0x${fuzzHash().toString(16).padStart(8, "0")}u`);
  lines.push(C_END);
  return lines.join("\n");
}
