// The mqtt / mqtt1 configuration under Node: defaults, the JSON loader, every
// error kind with its exact message, all-or-nothing loading, --set overrides,
// and the string arena. The same scenarios run against the generated C in
// test/c/test_config.c.

import { test, beforeEach } from "node:test";
import { strict as assert } from "node:assert";
import * as cfg from "../../ts-src/config/config";
import { config_err as E } from "../../ts-src/config/config";
import * as sys from "../../ts-src/config/config_sys";
import { KEY_COUNT, key_name, key_kind, config_kind, get_bool, get_int, get_f64, get_str } from "../../ts-src/config/config_gen";
import { mgos_config_mqtt } from "../../ts-src/config/config_schema";
import { BAD, SET_BAD, BAD_BYTES, SET_BAD_BYTES, GOOD_SERVERS, FULL_MQTT, PRELOAD_JSON, fuzzHash, FUZZ_ITER } from "./cases";

const enc = (s: string) => new TextEncoder().encode(s);
const load = (json: string, name = "config.json") => cfg.load(name, enc(json));
const set = (arg: string) => cfg.set_arg(enc(arg));

/** The config table of /work/shared/spec/behaviour.md, transcribed; its ""
 *  ("not set") is NULL, as Mongoose OS stores it (`if (cfg->x == NULL)`). */
const TABLE: Record<string, boolean | number | string | null> = {
  enable: false, server: null, client_id: null, user: null, pass: null,
  reconnect_timeout_min: 2.0, reconnect_timeout_max: 60.0,
  ssl_cert: null, ssl_key: null, ssl_ca_cert: null, ssl_cipher_suites: null, ssl_psk_identity: null, ssl_psk_key: null,
  clean_session: true, keep_alive: 60, will_topic: null, will_message: null, will_retain: false,
  max_qos: 2, recv_mbuf_limit: 3072, require_time: false, cloud_events: true, max_queue_length: 5,
  // Ours, not the reference's (docs/delivery.md): the offline policy, refuse by default.
  max_queue_drop_oldest: false, outbox_persist: null,
  debug_use_log_level: false,
  // Not in behaviour.md's table: the reference's mos.yml (MQTT over WebSocket).
  ws_enable: false, ws_path: "/mqtt",
  // Ours: MQTT 5 (docs/mqtt5.md); 3.1.1 stays the default.
  protocol_version: 4, session_expiry: -1, max_packet_size: 0,
  will_delay: 0, will_message_expiry: 0, will_payload_format: -1, will_content_type: null, will_response_topic: null,
  will_correlation_data: null, will_user_props: null,
};

/** Every key of a section as a plain object, read through the generated per-key getters. */
function sectionValues(c: mgos_config_mqtt): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let k = 0; k < KEY_COUNT; k++) {
    const kind = key_kind(k);
    out[key_name(k)] = kind === config_kind.BOOL ? get_bool(c, k) : kind === config_kind.INT ? get_int(c, k) :
      kind === config_kind.F64 ? get_f64(c, k) : get_str(c, k);
  }
  return out;
}

/** The mgos_sys_config_get_<section>_<key> getter, looked up by name. */
function getter(section: string, key: string): unknown {
  const f = (sys as unknown as Record<string, () => unknown>)[`mgos_sys_config_get_${section}_${key}`];
  assert.equal(typeof f, "function", `mgos_sys_config_get_${section}_${key} exists`);
  return f();
}

beforeEach(() => cfg.reset());

test("defaults equal the table in behaviour.md, in both sections and through every getter", () => {
  assert.equal(KEY_COUNT, Object.keys(TABLE).length);
  assert.deepEqual(Object.keys(sectionValues(sys.mgos_sys_config_get_mqtt())).sort(), Object.keys(TABLE).sort());
  for (const section of ["mqtt", "mqtt1"]) {
    const whole = section === "mqtt" ? sys.mgos_sys_config_get_mqtt() : sys.mgos_sys_config_get_mqtt1();
    assert.deepEqual(sectionValues(whole), TABLE, section);
    for (const [key, v] of Object.entries(TABLE)) assert.equal(getter(section, key), v, `${section}.${key}`);
    // The struct's own field initializers (C: mgos_config_mqtt_init) agree too.
    assert.deepEqual({ ...new mgos_config_mqtt() }, TABLE);
  }
  assert.equal(cfg.arena_used(), 0);
  assert.equal(cfg.error_msg(), "");
});


test("a full valid file sets every key of both sections", () => {
  const mqtt1 = { ...TABLE, enable: true, server: "backup:1883", keep_alive: 0, max_qos: 1, reconnect_timeout_min: 1 };
  const text = JSON.stringify({ mqtt: FULL_MQTT, mqtt1 }, null, 2);
  assert.equal(load(text), E.OK, cfg.error_msg());
  assert.equal(cfg.error_msg(), "");
  assert.deepEqual(sectionValues(sys.mgos_sys_config_get_mqtt()), FULL_MQTT);
  assert.deepEqual(sectionValues(sys.mgos_sys_config_get_mqtt1()), mqtt1);
  for (const [key, v] of Object.entries(FULL_MQTT)) assert.equal(getter("mqtt", key), v, key);
  assert.equal(sys.mgos_sys_config_get_mqtt1_server(), "backup:1883");
  assert.equal(sys.mgos_sys_config_get_mqtt1_keep_alive(), 0);
});

test("a file changes only the keys it names; later files layer on top", () => {
  assert.equal(load(`{"mqtt": {"server": "a:1"}}`), E.OK);
  assert.equal(load(`{"mqtt1": {"enable": true, "server": "b:1"}, "mqtt": {"keep_alive": 10}}`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), "a:1");
  assert.equal(sys.mgos_sys_config_get_mqtt_keep_alive(), 10);
  assert.equal(sys.mgos_sys_config_get_mqtt1_enable(), true);
  assert.equal(sys.mgos_sys_config_get_mqtt_enable(), false);
  // Empty objects, whitespace of every kind, a BOM, duplicate keys (the last wins), null for a string.
  assert.equal(load(`\ufeff {\r\n\t"mqtt" : { } ,"mqtt1":{"will_topic":"x","will_topic":null}}  \n`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt1_will_topic(), null);
  assert.equal(load(`{}`), E.OK);
});

test("string escapes decode to UTF-8, including \\u and surrogate pairs", () => {
  assert.equal(load(String.raw`{"mqtt": {"will_message": "q\"b\\s\/n\nt\tr\rb\bf\f", "user": "caf\u00e9 \u20ac \ud83d\ude00", "pass": "é€😀"}}`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_will_message(), "q\"b\\s/n\nt\tr\rb\bf\f");
  assert.equal(sys.mgos_sys_config_get_mqtt_user(), "café € 😀");
  assert.equal(sys.mgos_sys_config_get_mqtt_pass(), "é€😀");
  // Keys may be escaped too.
  assert.equal(load(String.raw`{"\u006dqtt": {"serv\u0065r": "esc"}}`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), "esc");
});

test("numbers: integers, fractions and exponents where each kind allows them", () => {
  assert.equal(load(`{"mqtt": {"reconnect_timeout_min": 1e-3, "reconnect_timeout_max": 6.5E1, "keep_alive": 0, "recv_mbuf_limit": 2147483647}}`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_min(), 0.001);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 65);
  assert.equal(sys.mgos_sys_config_get_mqtt_recv_mbuf_limit(), 2147483647);
  assert.equal(load(`{"mqtt": {"reconnect_timeout_min": 0.1, "reconnect_timeout_max": 3}}`), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_min(), 0.1);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 3);
  assert.equal(load(`{"mqtt": {"reconnect_timeout_max": 86400}}`), E.OK);
  // Up to 15 significant digits the value is exact; past that, within an ulp or two.
  assert.equal(load(`{"mqtt": {"reconnect_timeout_max": 12.3456789012345}}`), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 12.3456789012345);
  assert.equal(load(`{"mqtt": {"reconnect_timeout_max": 12.345678901234567}}`), E.OK);
  assert.ok(Math.abs(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max() - 12.345678901234567) < 1e-14);
  assert.equal(load(`{"mqtt": {"reconnect_timeout_max": 0.000123e7}}`), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 1230);
});


test("every error kind has its code and exact message, and leaves the config as it was", () => {
  assert.equal(load(PRELOAD_JSON), E.OK, cfg.error_msg());
  const before = [sectionValues(sys.mgos_sys_config_get_mqtt()), sectionValues(sys.mgos_sys_config_get_mqtt1())];
  const usedBefore = cfg.arena_used();
  // The strings loaded first take 218 bytes; the NO_SPACE case below reports 210 in
  // use because the value it replaces (will_message "offline", 8 bytes) is freed first.
  assert.equal(usedBefore, 218);
  for (const [text, code, msg] of BAD) {
    // Each bad file also changes a key before its error, to prove nothing is applied.
    const r = load(text.replace(/^\{"mqtt": \{/, `{"mqtt": {"keep_alive": 7, "server": "changed", `));
    const r2 = load(text);
    assert.equal(r2, code, `${JSON.stringify(text)} -> ${cfg.error_msg()}`);
    assert.equal(cfg.error_msg(), msg, JSON.stringify(text));
    assert.equal(cfg.last_error(), code);
    assert.notEqual(r, E.OK, `prefixed ${JSON.stringify(text)}`);
    assert.deepEqual([sectionValues(sys.mgos_sys_config_get_mqtt()), sectionValues(sys.mgos_sys_config_get_mqtt1())], before, JSON.stringify(text));
    assert.equal(cfg.arena_used(), usedBefore);
  }
  // A success clears the message.
  assert.equal(load(`{}`), E.OK);
  assert.equal(cfg.error_msg(), "");
});

test("the file name and a location past a multi-byte character appear as given (columns count bytes)", () => {
  assert.equal(load(`{"mqtt": {"user": "é", "x": 1}}`, "/spiffs/conf9.json"), E.UNKNOWN_KEY);
  assert.equal(cfg.error_msg(), `/spiffs/conf9.json:1:25: mqtt.x: unknown key`);
});

test("--set overrides of each type", () => {
  assert.equal(set("mqtt.server=host:1883"), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), "host:1883");
  assert.equal(set("mqtt1.pass=a=b c"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt1_pass(), "a=b c", "only the first '=' splits");
  assert.equal(set("mqtt.user="), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_user(), null);
  assert.equal(set("mqtt.enable=true"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_enable(), true);
  assert.equal(set("mqtt.clean_session=false"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_clean_session(), false);
  assert.equal(set("mqtt.keep_alive=15"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_keep_alive(), 15);
  assert.equal(set("mqtt1.max_queue_length=0"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt1_max_queue_length(), 0);
  assert.equal(set("mqtt.reconnect_timeout_max=1e2"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 100);
  assert.equal(set("mqtt.reconnect_timeout_min=0.25"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_min(), 0.25);
  // Strings from --set are taken as they are: no JSON unquoting.
  assert.equal(set(`mqtt.will_message="q"\\n`), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_will_message(), `"q"\\n`);
  // None of that touched the other keys.
  assert.equal(sys.mgos_sys_config_get_mqtt_max_qos(), 2);
  assert.equal(sys.mgos_sys_config_get_mqtt1_server(), null);
});

test("--set errors name the key and the reason, and change nothing", () => {
  assert.equal(set("mqtt.keep_alive=30"), E.OK);
  const cases = SET_BAD;
  for (const [arg, code, msg] of cases) {
    assert.equal(set(arg), code, arg);
    assert.equal(cfg.error_msg(), msg, arg);
  }
  assert.equal(sys.mgos_sys_config_get_mqtt_keep_alive(), 30);
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), null);
  // The path/value form used by code (not argv).
  assert.equal(cfg.set(enc("mqtt1.server"), enc("h:1")), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt1_server(), "h:1");
});

test("the arena: exact capacity, reuse across loads, and room taken back from replaced values", () => {
  // 511 bytes + NUL fill the 512-byte arena exactly; one more byte does not fit.
  assert.equal(set(`mqtt.will_message=${"a".repeat(511)}`), E.OK, cfg.error_msg());
  assert.equal(cfg.arena_used(), 512);
  assert.equal(sys.mgos_sys_config_get_mqtt_will_message(), "a".repeat(511));
  // Replacing the only value must not count the old one against the new.
  assert.equal(set(`mqtt.will_message=${"b".repeat(511)}`), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_will_message(), "b".repeat(511));
  assert.equal(set(`mqtt1.user=x`), E.NO_SPACE);
  assert.equal(cfg.error_msg(), `mqtt1.user: a 1-byte string does not fit in the config arena (512 bytes, 512 in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)`);
  assert.equal(set(`mqtt.will_message=`), E.OK);
  assert.equal(cfg.arena_used(), 0, "an empty string takes no room");
  // Many loads of changing strings: the arena never grows past what the current values need.
  for (let i = 0; i < 200; i++) {
    const server = `host-${i}.example:${1000 + i}`, user = "u".repeat(i % 50);
    assert.equal(load(JSON.stringify({ mqtt: { server, user }, mqtt1: { server: user, user: server } })), E.OK, cfg.error_msg());
    assert.equal(sys.mgos_sys_config_get_mqtt_server(), server);
    assert.equal(sys.mgos_sys_config_get_mqtt_user(), user || null, "\"\" is not set: NULL");
    assert.equal(sys.mgos_sys_config_get_mqtt1_server(), user || null);
    assert.equal(sys.mgos_sys_config_get_mqtt1_user(), server);
    assert.equal(cfg.arena_used(), 2 * (server.length + 1) + (user.length ? 2 * (user.length + 1) : 0));
  }
  // Values that only fit once the ones they replace are dropped, in one file.
  cfg.reset();
  assert.equal(set(`mqtt.will_message=${"c".repeat(300)}`), E.OK);
  assert.equal(load(JSON.stringify({ mqtt: { user: "u".repeat(200), will_message: "d".repeat(300) } })), E.OK, cfg.error_msg());
  assert.equal(sys.mgos_sys_config_get_mqtt_will_message(), "d".repeat(300));
  assert.equal(sys.mgos_sys_config_get_mqtt_user(), "u".repeat(200));
});

test("reset returns to the defaults", () => {
  assert.equal(load(JSON.stringify({ mqtt: FULL_MQTT })), E.OK);
  cfg.reset();
  assert.deepEqual(sectionValues(sys.mgos_sys_config_get_mqtt()), TABLE);
  assert.equal(cfg.arena_used(), 0);
});

test("the C API wrappers take C strings and return the codes", () => {
  assert.equal(cfg.mgos_mqtt_config_load_json("f.json", `{"mqtt": {"max_qos": 1}}`), 0);
  assert.equal(sys.mgos_sys_config_get_mqtt_max_qos(), 1);
  assert.equal(cfg.mgos_mqtt_config_set("mqtt.max_qos=9"), E.RANGE);
  assert.equal(cfg.mgos_mqtt_config_error(), "mqtt.max_qos: 9 is out of range 0..2");
  cfg.mgos_mqtt_config_reset();
  assert.equal(sys.mgos_sys_config_get_mqtt_max_qos(), 2);
  assert.equal(cfg.mgos_mqtt_config_error(), "");
});

test("mutated files: never a crash, a located message for each failure, nothing applied on failure", () => {
  let ok = 0, failed = 0;
  fuzzHash((code, text) => {
    assert.ok(code >= E.OK && code <= E.INVALID, `code ${code}`);
    if (code === E.OK) {
      ok++;
      assert.equal(cfg.error_msg(), "");
      // Whatever was accepted is valid JSON (our tokenizer is not more lenient than JSON.parse).
      assert.doesNotThrow(() => JSON.parse(new TextDecoder().decode(text)), new TextDecoder().decode(text));
    } else {
      failed++;
      // Located, or (keys that contradict each other, checked on the whole file) naming the key.
      assert.match(cfg.error_msg(), /^(f\.json:\d+:\d+: |mqtt1?\.\w+: )\S/, new TextDecoder().decode(text));
      assert.deepEqual(sectionValues(sys.mgos_sys_config_get_mqtt()), TABLE);
      assert.deepEqual(sectionValues(sys.mgos_sys_config_get_mqtt1()), TABLE);
    }
  });
  assert.equal(ok + failed, FUZZ_ITER);
  assert.ok(ok > 50 && failed > 1000, `ok ${ok} failed ${failed}`);
});

test("generation() counts successful changes only", () => {
  const g = cfg.generation();
  assert.equal(load(`{"mqtt": {"max_qos": 1}}`), E.OK);
  assert.equal(cfg.generation(), g + 1);
  assert.equal(load(`{"mqtt": {"max_qos": 5}}`), E.RANGE);
  assert.equal(set("mqtt.sevrer=1"), E.UNKNOWN_KEY);
  assert.equal(cfg.generation(), g + 1);
  assert.equal(set("mqtt.max_qos=0"), E.OK);
  cfg.reset();
  assert.equal(cfg.mgos_mqtt_config_generation(), g + 3);
});

test("text that is not UTF-8 in client_id or user is refused with the key, at load and --set; nothing changes", () => {
  assert.equal(load(PRELOAD_JSON), E.OK, cfg.error_msg());
  const before = [sectionValues(sys.mgos_sys_config_get_mqtt()), sectionValues(sys.mgos_sys_config_get_mqtt1())];
  for (const [bytes, code, msg] of BAD_BYTES) {
    assert.equal(cfg.load("config.json", new Uint8Array(bytes)), code, msg);
    assert.equal(cfg.error_msg(), msg);
  }
  for (const [bytes, code, msg] of SET_BAD_BYTES) {
    assert.equal(cfg.set_arg(new Uint8Array(bytes)), code, msg);
    assert.equal(cfg.error_msg(), msg);
  }
  assert.deepEqual([sectionValues(sys.mgos_sys_config_get_mqtt()), sectionValues(sys.mgos_sys_config_get_mqtt1())], before);
});

test("server addresses that work load: IPv6 in brackets with and without a port, bare IPv6, names, IPv4", () => {
  for (const s of GOOD_SERVERS) {
    cfg.reset();
    assert.equal(load(JSON.stringify({ mqtt: { enable: true, server: s } })), E.OK, `${s}: ${cfg.error_msg()}`);
    assert.equal(sys.mgos_sys_config_get_mqtt_server(), s);
    assert.equal(set(`mqtt1.server=${s}`), E.OK, `${s}: ${cfg.error_msg()}`);
  }
  // A host name of exactly MGOS_MQTT_MAX_HOST_LEN bytes is fine.
  assert.equal(set(`mqtt.server=${"h".repeat(Number(cfg.MAX_HOST_LEN))}:1`), E.OK, cfg.error_msg());
});

test("keys that depend on each other: a single --set is a partial edit; a batch is checked as a whole, in any order", () => {
  // One key at a time may pass through a contradiction (the next set completes it)...
  assert.equal(set("mqtt.enable=true"), E.OK, cfg.error_msg());
  assert.equal(set("mqtt.server=h:1883"), E.OK, cfg.error_msg());
  // ...a batch is one change: the order of its parts does not matter.
  cfg.reset();
  cfg.batch_begin();
  assert.equal(set("mqtt.enable=true"), E.OK);
  assert.equal(set("mqtt.pass=secret"), E.OK);
  assert.equal(set("mqtt.reconnect_timeout_min=100"), E.OK);
  assert.equal(sys.mgos_sys_config_get_mqtt_enable(), false, "nothing is live before commit");
  assert.equal(load(`{"mqtt": {"server": "h:1", "user": "u"}}`), E.OK);
  assert.equal(set("mqtt.reconnect_timeout_max=200"), E.OK);
  const gen = cfg.generation();
  assert.equal(cfg.batch_commit(), E.OK, cfg.error_msg());
  assert.equal(cfg.generation(), gen + 1);
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), "h:1");
  assert.equal(sys.mgos_sys_config_get_mqtt_pass(), "secret");
  assert.equal(sys.mgos_sys_config_get_mqtt_reconnect_timeout_max(), 200);
  // A contradiction left at the end refuses the whole batch; the previous config stays.
  cfg.batch_begin();
  assert.equal(set("mqtt.keep_alive=5"), E.OK);
  assert.equal(set("mqtt.user="), E.OK);
  assert.equal(cfg.batch_commit(), E.INVALID);
  assert.equal(cfg.error_msg(), "mqtt.pass: set without mqtt.user (MQTT 3.1.1 3.1.2.9: a password needs a user name)");
  assert.equal(sys.mgos_sys_config_get_mqtt_keep_alive(), 60);
  assert.equal(sys.mgos_sys_config_get_mqtt_user(), "u");
  // A failing part ends the batch: commit reports it and applies nothing.
  cfg.batch_begin();
  assert.equal(set("mqtt.keep_alive=6"), E.OK);
  assert.equal(set("mqtt.server=h:x"), E.INVALID);
  assert.equal(cfg.batch_commit(), E.INVALID);
  assert.equal(cfg.error_msg(), `mqtt.server: port "x" is not a number`);
  assert.equal(sys.mgos_sys_config_get_mqtt_keep_alive(), 60);
  assert.equal(sys.mgos_sys_config_get_mqtt_server(), "h:1");
});
