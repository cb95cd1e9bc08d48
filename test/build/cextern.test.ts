// Hand-written C calls only what the generated headers declare. The compiler
// makes an export of ts-src static when no other module of ts-src uses it
// (codegen/src/visibility.ts); C that calls one must find it tagged
// `@cextern` (or `@capi`, `@api`) in ts-src. A C file naming a static function
// would fail to build only where it is built (ESP-IDF, a fuzzer, a bench), so
// every hand-written C and header of the repository is read here: none may
// name a function that components/mgos_mqtt/gen or test/support/gen defines
// static. The second test shows the check reports such a call.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../c/support/ctier";

const GEN_DIRS = ["components/mgos_mqtt/gen", "test/support/gen"];
/** Where hand-written C lives (generated C, the runtime gen/ copies and the compiler's goldens excluded). */
const HAND_DIRS = ["components", "main", "apps", "bench", "test"];
const SKIP = [/^components\/mgos_mqtt\/gen\//, /^test\/support\/gen\//, /^test\/codegen\//, /(^|\/)build\//, /(^|\/)node_modules\//];

function walk(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const rel = path.relative(ROOT, p).split(path.sep).join("/");
    if (SKIP.some((r) => r.test(rel + (e.isDirectory() ? "/" : "")))) continue;
    if (e.isDirectory()) walk(p, out);
    else if (/\.(c|h|cc|cpp)$/.test(e.name)) out.push(rel);
  }
}

/** Static functions the generated C defines: name -> generated file. */
function generatedStatics(): Map<string, string> {
  const res = new Map<string, string>();
  for (const d of GEN_DIRS) {
    const dir = path.join(ROOT, d);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".c"))) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      for (const m of text.matchAll(/^static (?:RT_UNUSED )?(?:const )?[A-Za-z_][\w ]*?[ *]+([A-Za-z_]\w*)\(/gm)) res.set(m[1], `${d}/${f}`);
    }
  }
  return res;
}

/** Each (file, name) where hand-written C names a static generated function. */
function callsOfStatics(statics: Map<string, string>, files: string[], read: (f: string) => string): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const text = read(f).replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/.*$/gm, " ");
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\b/g)) {
      const g = statics.get(m[1]);
      if (g !== undefined && !bad.some((b) => b.startsWith(`${f}: ${m[1]} `))) bad.push(`${f}: ${m[1]} (static in ${g})`);
    }
  }
  return bad;
}

function handFiles(): string[] {
  const files: string[] = [];
  for (const d of HAND_DIRS) walk(path.join(ROOT, d), files);
  return files;
}

test("hand-written C names no function the generated C defines static", () => {
  const statics = generatedStatics();
  assert.ok(statics.size > 50, `only ${statics.size} static functions found in ${GEN_DIRS.join(", ")}: is the pattern stale?`);
  const files = handFiles();
  assert.ok(files.some((f) => f === "components/mgos_mqtt/port/compat.c"), "compat.c not among the hand-written C");
  const bad = callsOfStatics(statics, files, (f) => fs.readFileSync(path.join(ROOT, f), "utf8"));
  assert.deepEqual(bad, [], "hand-written C calls functions the compiler made static; tag their TypeScript declarations " +
    "`/** @cextern <who calls it> */` (codegen/src/visibility.ts) and run `npm run codegen`:\n" + bad.join("\n"));
});

test("the check reports a hand-written C call of a static function", () => {
  // Session_inflightCount is @cextern because the C session driver calls it:
  // were it static, the check must name the driver.
  const statics = new Map(generatedStatics());
  statics.set("Session_inflightCount", "components/mgos_mqtt/gen/session.c");
  const bad = callsOfStatics(statics, handFiles(), (f) => fs.readFileSync(path.join(ROOT, f), "utf8"));
  assert.ok(bad.includes("test/mqtt/support/session_driver.c: Session_inflightCount (static in components/mgos_mqtt/gen/session.c)"), bad.join("\n"));
  // A comment naming it is not a call.
  assert.deepEqual(callsOfStatics(statics, ["x.c"], () => "/* Session_inflightCount */\n// Session_inflightCount\n"), []);
});
