// Application code the subset cannot compile: each line of test/apps/reject/*.ts
// marked `//! text` must get a diagnostic containing the text, with
// file:line:col, the source line and a caret; no other diagnostics; no C.
// The app build also refuses an entry module without `export function init(): void`,
// together with every other error of the app (one pass).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { compile } from "../../codegen/src/index";
import { buildApp } from "../../codegen/src/app/build";

const ROOT = path.resolve(__dirname, "../../..");
const DIR = path.join(ROOT, "test/apps/reject");

function markers(source: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  source.split("\n").forEach((l, i) => {
    const m = /\/\/!\s*(.+?)\s*$/.exec(l);
    if (m) out.push({ line: i + 1, text: m[1] });
  });
  return out;
}

test("app code the subset cannot compile: closures, object literals, JSON.stringify, dynamic access, callback signatures", { timeout: 120_000 }, () => {
  const file = path.join(DIR, "app_bad.ts");
  const rel = path.relative(ROOT, file);
  const source = fs.readFileSync(file, "utf8");
  const lines = source.split("\n");
  const want = markers(source);
  assert.ok(want.length >= 6, "the source has its markers");
  const r = compile({ inputs: [file], root: ROOT });
  const all = r.diagnostics.map((d) => d.text).join("\n");
  for (const m of want) {
    const hit = r.diagnostics.find((d) => d.file === rel && d.line === m.line && d.message.includes(m.text));
    assert.ok(hit, `${rel}:${m.line}: expected a diagnostic containing ${JSON.stringify(m.text)}; got:\n${all}`);
    // file:line:col: error: message, then the source line and a caret under the column.
    const [head, src, caret] = hit.text.split("\n");
    assert.equal(head, `${rel}:${m.line}:${hit.col}: error: ${hit.message}`);
    assert.equal(src.trim(), lines[m.line - 1].trim());
    assert.equal(caret.indexOf("^") - src.search(/\S/), hit.col - 1 - lines[m.line - 1].search(/\S/), `caret of ${head}`);
  }
  const marked = new Set(want.map((m) => m.line));
  assert.deepEqual(r.diagnostics.filter((d) => d.file !== rel || !marked.has(d.line)).map((d) => d.text), [], "diagnostics on unmarked lines");
  assert.equal(r.files.size, 0, "no C for code with errors");
});

test("the diagnostics say what to write instead", { timeout: 120_000 }, () => {
  const file = path.join(DIR, "app_bad.ts");
  const r = compile({ inputs: [file], root: ROOT });
  const msg = (needle: string): string => r.diagnostics.find((d) => d.message.includes(needle))?.message ?? "";
  assert.match(msg("captures the local `count`"), /declare a top-level function.*module variable.*user data/);
  assert.match(msg("object literals"), /declare a class.*Json\.begin\(\)/);
  assert.match(msg("JSON.stringify"), /app_json\.ts.*Json\.begin\(\)\.int\("a", 1\)/);
  assert.match(msg("dynamic property access"), /use a field name/);
  assert.match(msg("exact C signature"), /declare it with exactly these parameter types/);
});

test("the app build refuses an entry without `export function init(): void`", { timeout: 60_000 }, async () => {
  const r = await buildApp({ app: "test/apps/reject/no_init.ts", root: ROOT, out: "build/apps/test-no-init", genOnly: true });
  assert.equal(r.diagnostics.length, 1, r.diagnostics.map((d) => d.text).join("\n"));
  const d = r.diagnostics[0];
  assert.equal(d.file, "test/apps/reject/no_init.ts");
  assert.match(d.text, /^test\/apps\/reject\/no_init\.ts:1:1: error: an app's entry module must export `function init\(\): void`/);
  assert.ok(!fs.existsSync(path.join(ROOT, "build/apps/test-no-init/gen")), "nothing generated");
});

test("the app build reports every error at once: no init(), a TypeScript error, a subset error, an arithmetic error", { timeout: 120_000 }, async () => {
  // test/codegen/reject/one_pass.ts (outside the tsc project: it has a type error) exports no init().
  const r = await buildApp({ app: "test/codegen/reject/one_pass.ts", root: ROOT, out: "build/apps/test-one-pass", genOnly: true });
  const at = r.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message.split(" ").slice(0, 4).join(" ")}`);
  assert.deepEqual(at, [
    "test/codegen/reject/one_pass.ts:1:1: an app's entry module",
    "test/codegen/reject/one_pass.ts:6:9: TS2322: Type 'string' is",
    "test/codegen/reject/one_pass.ts:7:13: object literals are not",
    "test/codegen/reject/one_pass.ts:9:7: the value assigned to",
  ]);
  assert.ok(!fs.existsSync(path.join(ROOT, "build/apps/test-one-pass/gen")), "nothing generated");
});

test("the app build refuses an app that does not exist, naming what it looked for", async () => {
  const r = await buildApp({ app: "no-such-app", root: ROOT, genOnly: true });
  assert.match(r.errors.join("\n"), /no app entry apps\/no-such-app\/main\.ts/);
});
