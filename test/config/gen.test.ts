// The config schema generator (codegen/src/config/gen.ts): the committed
// outputs are current, the Kconfig entries round-trip the schema's defaults,
// a bad schema is rejected with file:line:col, and the C case table of
// test/c/test_config.c matches test/config/cases.ts.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { generate, readSchema, genSdkconfig, SchemaError, SCHEMA_FILE, OUT_KCONFIG } from "../../codegen/src/config/gen";
import { cTable, C_BEGIN, C_END } from "./cases";

const ROOT = path.resolve(__dirname, "../../..");

test("the generated files are up to date (run `npm run codegen` if not)", () => {
  for (const [rel, text] of generate(ROOT)) {
    const onDisk = fs.readFileSync(path.join(ROOT, rel), "utf8");
    assert.ok(onDisk === text, `${rel} is stale: run node build/codegen/src/config/gen.js`);
  }
});

test("the CLI's --check agrees and exits 0", () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, "build/codegen/src/config/gen.js"), "--check"], { encoding: "utf8", timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3 files up to date/);
});

/** Kconfig entries as { name: { type, default, range, ifDefault } }. */
function parseKconfig(text: string): Map<string, { type: string; def: string[]; range?: string }> {
  const out = new Map<string, { type: string; def: string[]; range?: string }>();
  let cur: { type: string; def: string[]; range?: string } | null = null;
  for (const line of text.split("\n")) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^\s*config (\w+)$/))) { cur = { type: "", def: [] }; out.set(m[1], cur); }
    else if (cur && (m = line.match(/^\s+(bool|int|string)\b/))) cur.type = m[1];
    else if (cur && (m = line.match(/^\s+default (.*)$/))) cur.def.push(m[1]);
    else if (cur && (m = line.match(/^\s+range (.*)$/))) cur.range = m[1];
  }
  return out;
}

test("Kconfig: every key of both sections, defaults that round-trip, bools with an int twin, seconds as ms", () => {
  const { keys } = readSchema(ROOT);
  const k = parseKconfig(fs.readFileSync(path.join(ROOT, OUT_KCONFIG), "utf8"));
  for (const prefix of ["MGOS_MQTT_", "MGOS_MQTT1_"]) {
    for (const key of keys) {
      const base = prefix + key.name.toUpperCase();
      if (key.kind === "bool") {
        assert.deepEqual(k.get(base), { type: "bool", def: [key.def ? "y" : "n"] }, base);
        // A bool set to n is absent from sdkconfig.h: the C reads the hidden int, always defined.
        assert.deepEqual(k.get(base + "_VALUE"), { type: "int", def: [`1 if ${base}`, "0"] }, base + "_VALUE");
      } else if (key.kind === "string") {
        assert.deepEqual(k.get(base), { type: "string", def: [JSON.stringify(key.def)] }, base);
      } else if (key.kind === "int") {
        assert.deepEqual(k.get(base), { type: "int", def: [String(key.def)], range: `${key.minText} ${key.maxText}` }, base);
      } else {
        const ms = (v: number) => String(Math.round(v * 1000));
        assert.deepEqual(k.get(base + "_MS"), { type: "int", def: [ms(key.def as number)], range: `${ms(key.min)} ${ms(key.max)}` }, base + "_MS");
      }
    }
  }
  assert.deepEqual(k.get("MGOS_MQTT_CONFIG_ARENA_SIZE"), { type: "int", def: ["512"], range: "64 65535" });
  assert.deepEqual(k.get("MGOS_MQTT_MAX_HOST_LEN"), { type: "int", def: ["128"], range: "16 255" });
  // The keys, their bool twins, and the loader's two capacities.
  assert.equal(k.size, 2 * (keys.length + keys.filter((x) => x.kind === "bool").length) + 2);
});

test("config_gen.ts carries the same defaults as @kconfig constants", () => {
  const gen = fs.readFileSync(path.join(ROOT, "ts-src/config/config_gen.ts"), "utf8");
  assert.match(gen, /\/\*\* mqtt\.keep_alive default @kconfig MGOS_MQTT_KEEP_ALIVE \*\/\nexport const MGOS_MQTT_KEEP_ALIVE: i32 = 60;/);
  assert.match(gen, /@kconfig MGOS_MQTT1_CLEAN_SESSION_VALUE \*\/\nexport const MGOS_MQTT1_CLEAN_SESSION_VALUE: i32 = 1;/);
  assert.match(gen, /@kconfig MGOS_MQTT_RECONNECT_TIMEOUT_MAX_MS \*\/\nexport const MGOS_MQTT_RECONNECT_TIMEOUT_MAX_MS: i32 = 60000;/);
  assert.match(gen, /@kconfig MGOS_MQTT1_SERVER \*\/\nexport const MGOS_MQTT1_SERVER: string = "";/);
});

test("sdkconfig.defaults lines for every default", () => {
  const { keys, caps } = readSchema(ROOT);
  const s = genSdkconfig(keys, caps);
  assert.match(s, /^# CONFIG_MGOS_MQTT_ENABLE is not set$/m);
  assert.match(s, /^CONFIG_MGOS_MQTT1_CLEAN_SESSION=y$/m);
  assert.match(s, /^CONFIG_MGOS_MQTT_SERVER=""$/m);
  assert.match(s, /^CONFIG_MGOS_MQTT_RECONNECT_TIMEOUT_MIN_MS=2000$/m);
  assert.match(s, /^CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE=512$/m);
  assert.match(s, /^CONFIG_MGOS_MQTT_MAX_HOST_LEN=128$/m);
  assert.equal(s.trim().split("\n").length, 1 + 2 * keys.length + caps.length);
});

/** A scratch root holding a copy of the schema with `edit` applied. */
function withSchema(edit: (s: string) => string, fn: (root: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-gen-"));
  try {
    fs.mkdirSync(path.join(root, "ts-src/config"), { recursive: true });
    fs.mkdirSync(path.join(root, "ts-src/rt"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "ts-src/rt/rt.ts"), path.join(root, "ts-src/rt/rt.ts"));
    const orig = fs.readFileSync(path.join(ROOT, SCHEMA_FILE), "utf8");
    const changed = edit(orig);
    assert.notEqual(changed, orig, "the edit applies");
    fs.writeFileSync(path.join(root, SCHEMA_FILE), changed);
    fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

test("a bad schema is rejected with file:line:col and the reason", () => {
  const cases: [(s: string) => string, RegExp][] = [
    [(s) => s.replace("max_qos: int = 2;", "max_qos: u8 = 2;"), /config_schema\.ts:\d+:\d+: max_qos: type must be bool, int, f64 or string \| null, not u8/],
    [(s) => s.replace("user: string | null = null;", "user: string = \"\";"), /user: declare strings as `string \| null` \(NULL = not set, as Mongoose OS\)/],
    [(s) => s.replace("user: string | null = null;", "user: string | null = \"\";"), /user: write null for "not set", not ""/],
    [(s) => s.replace("keep_alive: int = 60;", "keep_alive: int = 70000;"), /keep_alive: default 70000 is out of range 0\.\.65535/],
    [(s) => s.replace("   * @min 0\n   * @max 2\n", "   * @max 2\n"), /max_qos: needs a @min tag/],
    [(s) => s.replace("/** Enable MQTT functionality */\n", ""), /:\d+:\d+: enable: needs a JSDoc description/],
    [(s) => s.replace("reconnect_timeout_min: f64 = 2.0;", "reconnect_timeout_min: f64 = 2.0005;"), /reconnect_timeout_min: default 2\.0005 s is not a whole number of milliseconds/],
    [(s) => s.replace("enable: bool = false;", "enable: bool = 0 as unknown as boolean;"), /enable: default must be true or false/],
    [(s) => s.replace("   * @min 0\n   * @max 65535\n", "   * @min 10\n   * @max 5\n"), /keep_alive: @min 10 is above @max 5/],
  ];
  for (const [edit, re] of cases) {
    withSchema(edit, (root) => {
      assert.throws(() => generate(root), (e: unknown) => e instanceof SchemaError && re.test((e as Error).message), String(re));
    });
  }
  // The CLI prints the message and exits 1 without writing anything.
  withSchema((s) => s.replace("max_qos: int = 2;", "max_qos: number = 2;"), (root) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "build/codegen/src/config/gen.js"), "--root", root], { encoding: "utf8", timeout: 60000 });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^ts-src\/config\/config_schema\.ts:\d+:\d+: max_qos: type must be bool, int, f64 or string \| null, not number\n$/);
    assert.equal(fs.existsSync(path.join(root, "ts-src/config/config_gen.ts")), false);
  });
});

test("a new key in the schema reaches every output", () => {
  withSchema((s) => s.replace("  /** Enable MQTT functionality */", "  /**\n   * Extra\n   * @min 1\n   * @max 9\n   */\n  extra_key: int = 3;\n  /** Enable MQTT functionality */"), (root) => {
    const files = generate(root);
    assert.match(files.get("ts-src/config/config_gen.ts")!, /case 0: c\.extra_key = v; break;/);
    // One more than the schema has (read from the committed output, so other keys may come and go).
    const keys = Number(/export const KEY_COUNT: i32 = (\d+);/.exec(fs.readFileSync(path.join(ROOT, "ts-src/config/config_gen.ts"), "utf8"))![1]);
    assert.match(files.get("ts-src/config/config_gen.ts")!, new RegExp(`export const KEY_COUNT: i32 = ${keys + 1};`));
    assert.match(files.get("ts-src/config/config_sys.ts")!, /export function mgos_sys_config_get_mqtt1_extra_key\(\): int \{/);
    assert.match(files.get(OUT_KCONFIG)!, /    config MGOS_MQTT_EXTRA_KEY\n        int "mqtt.extra_key"\n        default 3\n        range 1 9\n/);
  });
});

test("the case table in test/c/test_config.c matches test/config/cases.ts", () => {
  const c = fs.readFileSync(path.join(ROOT, "test/c/test_config.c"), "utf8");
  const a = c.indexOf(C_BEGIN), b = c.indexOf(C_END);
  assert.ok(a >= 0 && b > a, "markers present");
  assert.ok(c.slice(a, b + C_END.length) === cTable(),
    "test/c/test_config.c is stale: replace its BEGIN..END block with require('./build/test/config/cases.js').cTable()");
});
