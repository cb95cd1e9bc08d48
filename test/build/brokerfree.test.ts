// The component ships the client side of the codecs only: what only a broker
// encodes or decodes lives in the test-only modules test/mqtt/support/
// codec_broker.ts and codec5_broker.ts, whose C `npm run codegen` writes to
// test/support/gen/ (codegen/src/cli.ts TEST_MODULES). Checked here:
//   - no generated file of the component comes from a test module, and the
//     component's build files do not name test/support/gen;
//   - nm over the component's objects (every gen/*.c, compiled): none defines
//     a broker-side function, under its test-module name (codec_broker_x) or
//     the name it had inside the client module (codec_x). The forbidden names
//     are read from the test-only objects themselves, so a function added
//     there is covered without editing this file.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GEN_DIR, TEST_GEN_DIR, INCLUDES, TEST_INCLUDES, genSources, testGenSources, haveTool, pool, run } from "../c/support/ctier";

const COMP = path.join(ROOT, "components/mgos_mqtt");
/** Helpers a test module repeats for itself (tiny, static), which the client
 *  module also has under the same name: not broker-side code. */
const SHARED_HELPERS = new Set(["readU16", "putU16", "packetSize", "putHeader", "validSubackCodes"]);

test("the component's generated C has nothing from the test-only modules", () => {
  assert.ok(testGenSources().length >= 2, `no test-only generated C in ${TEST_GEN_DIR}: run \`npm run codegen\``);
  const gen = path.resolve(ROOT, GEN_DIR);
  for (const f of fs.readdirSync(gen)) {
    const text = fs.readFileSync(path.join(gen, f), "utf8");
    assert.doesNotMatch(text.split("\n")[0], /from test\//, `${GEN_DIR}/${f} is generated from a test module`);
    assert.doesNotMatch(text, /_broker_|\bcodec5?_broker\.h\b/, `${GEN_DIR}/${f} refers to the broker side`);
  }
  for (const f of ["CMakeLists.txt", "idf_component.yml"]) {
    assert.doesNotMatch(fs.readFileSync(path.join(COMP, f), "utf8"), /test\/support|_broker/, `components/mgos_mqtt/${f} names test-only code`);
  }
});

/** Defined symbols ("T name", any binding) of the objects, by nm. */
async function defined(objs: string[]): Promise<Map<string, string>> {
  const r = await run("nm", ["-A", ...objs], 60_000);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const m = /^(.+?):\s*(?:[0-9a-f]+\s+)?([A-Za-z])\s+(\S+)$/.exec(line);
    // A function taking views is defined as `<name>_v` behind its inline wrapper `<name>` (codegen splitWrapper()).
    if (m && !/^[Uuw]$/.test(m[2]) && /^[TtDdRrBb]$/.test(m[2])) out.set(m[3].replace(/_v$/, ""), path.basename(m[1]));
  }
  return out;
}

test("nm: no broker-side function in the component's objects", { skip: haveTool("gcc") && haveTool("nm") ? false : "gcc or nm missing", timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "brokerfree-"));
  try {
    const compile = (inc: string[]) => (src: string) => {
      const obj = path.join(dir, path.basename(src, ".c") + ".o");
      // -O0: every function, static ones too, keeps its symbol.
      return run("gcc", ["-std=c99", "-O0", ...inc, "-c", src, "-o", obj], 120_000).then((r) => {
        assert.equal(r.code, 0, `${src}: ${r.stderr}`);
        return obj;
      });
    };
    const comp = await pool(genSources(), 2, compile(INCLUDES));
    const tests = await pool(testGenSources(), 2, compile(TEST_INCLUDES));
    const forbidden = new Set<string>();
    for (const sym of (await defined(tests)).keys()) {
      const m = /^(codec5?)_broker_(\w+)$/.exec(sym);
      if (!m || SHARED_HELPERS.has(m[2])) continue;
      forbidden.add(sym);
      forbidden.add(`${m[1]}_${m[2]}`);
    }
    // The check can see what it looks for: the broker half's entry points.
    for (const s of ["codec_broker_decode", "codec_broker_encodeConnack", "codec_broker_encodeSuback", "codec_broker_decodeConnect", "codec5_broker_decode5Any"]) {
      assert.ok(forbidden.has(s), `${s} not found in the test-only objects`);
    }
    const found = [...(await defined(comp))].filter(([s]) => forbidden.has(s)).map(([s, o]) => `${s} (${o})`);
    assert.deepEqual(found, [], `broker-side code in the component: ${found.join(", ")}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
