// The application API (ts-src/app/) under Node: the JSON builder gives the
// text JSON.stringify gives, the reader finds flat fields (and refuses what is
// not JSON), Text bounds its appends, Timer runs and cancels callbacks on a
// clock the test controls. The same modules run as C in test/apps/apps.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { lit, Ptr } from "../../ts-src/rt/rt";
import * as Json from "../../ts-src/app/app_json";
import * as Timer from "../../ts-src/app/app_timer";
import * as Log from "../../ts-src/app/app_log";
import * as MQTT from "../../ts-src/app/app_mqtt";
import { Text, TEXT_SIZE } from "../../ts-src/app/app_text";
import { JsonOut, JSON_SIZE } from "../../ts-src/app/app_json";

const g = globalThis as Record<string, unknown>;
const logged: string[] = [];
g.port_app_log = (level: number, line: Uint8Array): void => { logged.push(`${"EWID"[level]} ${Buffer.from(line).toString("utf8")}`); };
let clock = 1000;
g.port_now_ms = (): number => clock >>> 0;
g.port_time = (): number => 1767225600 + clock / 1000;

const text = (b: Uint8Array): string => Buffer.from(b).toString("utf8");
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

test("Json builder: the same text as JSON.stringify for ints, bools, null and escaped strings", () => {
  const strings = ["", "plain", "q\"uote", "back\\slash", "nl\n cr\r tab\t bs\b ff\f", "\u0001\u001f\u007f", "h\u00e9 \u20ac \u{1f600}", "/slash"];
  for (const s of strings) {
    const out = Json.begin().str("s", s).bytes("b", bytes(s)).end();
    assert.equal(text(out), JSON.stringify({ s, b: s }), JSON.stringify(s));
  }
  const ints = [0, 1, -1, 9, 10, 99, 100, 2147483647, -2147483648, 123456789];
  for (const n of ints) assert.equal(text(Json.begin().int("n", n).end()), JSON.stringify({ n }));
  for (const n of [0, 7, 4294967295, 1000000000]) assert.equal(text(Json.begin().uint("n", n).end()), JSON.stringify({ n }));
  assert.equal(text(Json.begin().bool("t", true).bool("f", false).nul("z").end()), JSON.stringify({ t: true, f: false, z: null }));
  assert.equal(text(Json.begin().end()), "{}");
  const inner = new JsonOut();
  assert.equal(text(Json.begin().raw("in", inner.begin().int("a", 1).end()).str("k", "v").end()), `{"in":{"a":1},"k":"v"}`);
});

test("Json builder: a text longer than MGOS_APP_JSON_SIZE gives an empty view and an error line", () => {
  logged.length = 0;
  const j = Json.begin();
  for (let i = 0; i < JSON_SIZE; i++) j.int("k", i);
  assert.equal(j.end().length, 0);
  assert.equal(j.ok, false);
  assert.match(logged.join("\n"), /^E Json: the object is longer than MGOS_APP_JSON_SIZE/m);
  // The next begin() starts over.
  assert.equal(text(Json.begin().int("a", 1).end()), `{"a":1}`);
});

test("Json builder: one level of nesting on the shared builders is right; two levels, or one builder in itself, give an empty view and an error line", () => {
  assert.equal(text(Json.begin().int("a", 1).raw("inner", Json.begin().int("b", 2).end()).int("c", 3).end()),
    JSON.stringify({ a: 1, inner: { b: 2 }, c: 3 }));
  logged.length = 0;
  const deep = Json.begin().int("a", 1).raw("x", Json.begin().raw("y", Json.begin().int("z", 1).end()).end()).end();
  assert.equal(deep.length, 0);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^E Json: a member or end\(\) came after this builder's end\(\)/);
  const own = new JsonOut();
  const self = own.begin().int("a", 1).raw("inner", own.begin().int("b", 2).end()).end();
  assert.equal(self.length, 0);
  assert.equal(own.ok, false);
  // An abandoned object is no misuse: begin() starts over.
  own.begin().int("a", 1);
  assert.equal(text(own.begin().int("b", 2).end()), `{"b":2}`);
  assert.equal(own.ok, true);
});

test("Json reader: getStr of an escaped string longer than MGOS_APP_JSON_SIZE unescaped is empty, flagged and logged, never cut", () => {
  logged.length = 0;
  const fits = "x".repeat(JSON_SIZE - 1) + "\n";
  assert.equal(text(Json.getStr(bytes(JSON.stringify({ s: fits })), "s")), fits);
  assert.equal(Json.strTooLong(), false);
  const long = "x".repeat(799) + "\n";
  assert.equal(Json.getStr(bytes(JSON.stringify({ s: long })), "s").length, 0);
  assert.equal(Json.strTooLong(), true);
  assert.equal(Json.kind(bytes(JSON.stringify({ s: long })), "s"), Json.STRING);
  assert.deepEqual(logged, ["E Json.getStr: the string, unescaped, is longer than MGOS_APP_JSON_SIZE; returned empty"]);
  // Without escapes it is a view into the message, any length.
  assert.equal(Json.getStr(bytes(JSON.stringify({ s: "y".repeat(800) })), "s").length, 800);
  assert.equal(Json.strTooLong(), false);
});

test("Json reader: getUint reads the whole u32 range (a CRC-32) and refuses the rest", () => {
  const js = bytes(`{"crc":3735928559,"max":4294967295,"over":4294967296,"neg":-1,"f":1.5,"s":"7"}`);
  assert.equal(Json.getUint(js, "crc", 0), 0xdeadbeef);
  assert.equal(Json.getUint(js, "max", 0), 4294967295);
  for (const k of ["over", "neg", "f", "s", "absent"]) assert.equal(Json.getUint(js, k, 5), 5, k);
});

test("Json reader: flat fields by key, kinds, defaults", () => {
  const m = bytes(` { "op" : "add", "a": -12, "b": 2147483647, "big": 2147483648, "f": 2.5, "e": 1e3, ` +
    `"t": true, "n": null, "o": {"x": [1, "}", {"y": 2}]}, "arr": [1, 2], "s": "a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\\ud800" } `);
  assert.equal(Json.isObject(m), true);
  assert.equal(text(Json.getStr(m, "op")), "add");
  assert.equal(Json.getInt(m, "a", 0), -12);
  assert.equal(Json.getInt(m, "b", 0), 2147483647);
  assert.equal(Json.getInt(m, "big", -1), -1, "beyond i32");
  assert.equal(Json.getInt(m, "f", -1), -1, "not an integer");
  assert.equal(Json.getInt(m, "e", -1), -1, "exponent");
  assert.equal(Json.getInt(m, "missing", 42), 42);
  assert.equal(Json.getBool(m, "t", false), true);
  assert.equal(Json.getBool(m, "a", false), false, "a number is not a bool");
  assert.deepEqual(["op", "a", "t", "n", "o", "arr", "zz"].map((k) => Json.kind(m, k)),
    [Json.STRING, Json.NUMBER, Json.BOOL, Json.NULL, Json.OBJECT, Json.ARRAY, Json.NONE]);
  assert.equal(text(Json.getRaw(m, "o")), `{"x": [1, "}", {"y": 2}]}`);
  assert.equal(text(Json.getStr(m, "s")), "a\"b\\c\n\u00e9\u{1f600}\ufffd");
  assert.equal(Json.getStr(m, "a").length, 0, "a number is not a string");
  // A key inside a nested object is not a member of the outer one.
  assert.equal(Json.has(m, "x"), false);
  assert.equal(Json.has(m, "y"), false);
});

test("Json reader: what is not one JSON object is refused", () => {
  for (const bad of ["", "ping", "[1]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":01x}", "{\"a\":\"x}",
    "{\"a\":tru}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":\"ctl\u0001\"}", "{a:1}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u00g0\"}"]) {
    assert.equal(Json.isObject(bytes(bad)), false, JSON.stringify(bad));
  }
  for (const good of ["{}", " {} ", "{\"a\":0}", "{\"a\":-0.5e-3}", "{\"a\":[],\"b\":{}}"]) assert.equal(Json.isObject(bytes(good)), true, good);
  // Fields before the malformed part are still found, as the reader stops at the key.
  assert.equal(Json.getInt(bytes("{\"a\":5, oops"), "a", 0), 5);
});

test("Text: appends, numbers, bounded at MGOS_APP_TEXT_SIZE with a NUL kept", () => {
  const t = new Text();
  t.clear().add("dev").addChar(47).addUint(0).addChar(32).addInt(-2147483648).addChar(32).addUint(4294967295).addBytes(lit("!"));
  assert.equal(t.cstr(), "dev/0 -2147483648 4294967295!");
  assert.equal(t.length(), t.cstr().length);
  t.clear();
  for (let i = 0; i < TEXT_SIZE + 10; i++) t.add("x");
  assert.equal(t.length(), TEXT_SIZE);
  assert.equal(t.full, true);
  assert.equal(t.buf[TEXT_SIZE], 0);
  assert.equal(t.clear().full, false);
});

test("Timer: one-shot, REPEAT, RUN_NOW, del, ids, the wait until the next one, the pool limit", () => {
  const calls: string[] = [];
  const ud = { name: "u" };
  function cb(u: Ptr): void { calls.push(`${(u as { name: string }).name}@${clock}`); }
  function other(u: Ptr): void { calls.push(`o@${clock}`); }
  clock = 0xfffffe00; // across the 2^32 wrap of the port clock
  const a = Timer.set(100, 0, cb, ud);
  const b = Timer.set(250, Timer.REPEAT, other, null);
  const c = Timer.set(1000, Timer.REPEAT | Timer.RUN_NOW, cb, { name: "c" });
  assert.ok(a !== 0 && b !== 0 && c !== 0 && new Set([a, b, c]).size === 3);
  assert.equal(Timer.mgos_app_poll(clock), 100, "c ran now; a is next");
  assert.deepEqual(calls, [`c@${0xfffffe00}`]);
  const at = (ms: number): number => { clock = (0xfffffe00 + ms) >>> 0; return Timer.mgos_app_poll(clock); };
  assert.equal(at(99), 1);
  assert.equal(at(100), 150);
  assert.equal(at(250), 250);
  assert.equal(at(500), 250);
  Timer.del(b);
  Timer.del(b); // twice: ignored
  Timer.del(0);
  assert.equal(at(760), 240, "only c is left: due at 1000");
  assert.equal(at(5000), 1000, "late by several periods: one call, not a burst");
  assert.deepEqual(calls.map((x) => x.split("@")[0]), ["c", "u", "o", "o", "c"]);
  assert.equal(Timer.active(), 1);
  Timer.del(c);
  assert.equal(Timer.mgos_app_poll(clock), Timer.MAX_WAIT_MS);
  // The pool: MGOS_APP_MAX_TIMERS, then 0 and an error line.
  logged.length = 0;
  const ids: number[] = [];
  for (let i = 0; i < Timer.MAX_TIMERS; i++) ids.push(Timer.set(10, 0, cb, ud));
  assert.ok(ids.every((x) => x !== 0));
  assert.equal(Timer.set(10, 0, cb, ud), 0);
  assert.match(logged.join("\n"), /^E Timer.set: all MGOS_APP_MAX_TIMERS timers are in use/m);
  for (const id of ids) Timer.del(id);
  assert.equal(Timer.active(), 0);
});

test("Log: level filter", () => {
  logged.length = 0;
  Log.setLevel(Log.WARN);
  Log.info("hidden");
  Log.warn("shown");
  Log.errorText(new Text().clear().add("text ").addInt(3));
  assert.equal(Log.enabled(Log.DEBUG), false);
  Log.setLevel(99);
  Log.debug("debug now");
  Log.setLevel(Log.INFO);
  assert.deepEqual(logged, ["W shown", "E text 3", "D debug now"]);
});

test("apps/support/Kconfig.projbuild defaults equal the @kconfig constants of ts-src/app", () => {
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const root = path.resolve(__dirname, "../../..");
  const kconfig = fs.readFileSync(path.join(root, "apps/support/Kconfig.projbuild"), "utf8");
  const defaults = new Map<string, string>();
  for (const m of kconfig.matchAll(/config (\w+)\n(?:(?!\n\s*config )[\s\S])*?default (\S+)/g)) defaults.set(m[1], m[2]);
  const consts = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(root, "ts-src/app"))) {
    const src = fs.readFileSync(path.join(root, "ts-src/app", f), "utf8");
    for (const m of src.matchAll(/@kconfig\s+(\w+)[\s\S]*?\*\/\s*export const \w+: \w+ = (\d+);/g)) consts.set(m[1], m[2]);
  }
  assert.equal(consts.size, 5);
  for (const [k, v] of consts) assert.equal(defaults.get(k), v, `${k}: Kconfig default vs ts-src/app`);
});

test("MQTT.sub: true while the client takes it; false with an error line for a bad filter or a full table", () => {
  const clientLog: string[] = [];
  g.port_log = (level: number, msg: string, detail: Uint8Array): void => { clientLog.push(`${msg}${Buffer.from(detail).toString()}`); };
  g.port_rand = (): number => 4;
  g.port_device_id = (): string => "test-dev";
  function h(conn: MQTT.Conn, topic: Uint8Array, msg: Uint8Array, ud: Ptr): void { /* never called: not connected */ }
  logged.length = 0;
  assert.equal(MQTT.sub("dev/a/#", h, null), true);
  assert.equal(MQTT.sub("dev/#/b", h, null), false, "'#' must be last");
  assert.match(logged.join("\n"), /^E MQTT.sub: the client refused the subscription/m);
  assert.match(clientLog.join("\n"), /invalid topic: dev\/#\/b/);
  let ok = 1;
  while (MQTT.sub(`dev/t${ok}`, h, null)) ok++;
  // MGOS_MQTT_MAX_HANDLERS (8) or MGOS_APP_MAX_SUBS (8), whichever is reached first.
  assert.equal(ok, 8);
  assert.equal(MQTT.subCount(), 8);
  assert.equal(MQTT.isConnected(), false);
});
