// The hint of a refused compound assignment (`c ^= b[i]` on a u32, `d += 1` on a
// u8, `c *= k` beyond 2^53, ...) must be code that compiles: for every compound
// operator and several kinds of target, the statement is replaced by what the
// first diagnostic says to write, and the result must compile with no diagnostic.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, loadCompiler } from "./support";

const OPS = ["+=", "-=", "*=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>="];
/** [target, right-hand side] pairs: u32, u8, i32 locals, a view element, a field, a module variable. */
const CASES: [string, string][] = [
  ["c", "b[i]"], ["c", "k"], ["c", "n"], ["d", "b[i]"], ["d", "2"], ["d", "k"], ["s", "n"], ["s", "k"],
  ["b[0]", "k"], ["st.v", "k"], ["st.w", "b[i] + k"], ["g", "k"],
];
const DIR = path.join(ROOT, "build/test-hints");

function source(stmt: string): string {
  return [
    `import { u8, u32, i32, Bytes, mul32 } from "../../ts-src/rt/rt";`,
    "class St { v: u8 = 0; w: u32 = 0; }",
    "const st = new St();",
    "let g: u32 = 0;",
    "export function f(b: Bytes, i: u32, k: i32, n: u32): u32 {",
    "  let c: u32 = 1;",
    "  let d: u8 = 1;",
    "  let s: i32 = 1;",
    `  ${stmt};`,
    "  return u32(c ^ d ^ s ^ g ^ st.v ^ st.w);",
    "}",
    "",
  ].join("\n");
}

test("the hint of every refused compound assignment compiles", { timeout: 300_000 }, (t) => {
  const compiler = loadCompiler();
  if (typeof compiler === "string") assert.fail(compiler);
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, "hint.ts");
  const compileStmt = (stmt: string) => {
    fs.writeFileSync(file, source(stmt));
    return compiler.compile({ inputs: [file], root: ROOT }).diagnostics;
  };
  const hinted = new Set<string>();
  const seen: string[] = [];
  for (const op of OPS) {
    for (const [l, r] of CASES) {
      const stmt = `${l} ${op} ${r}`;
      const ds = compileStmt(stmt);
      if (ds.length === 0) continue;
      const m = /write `?(.+?)`? (?:to wrap|for the wrapped|to make it 0)/.exec(ds[0].message);
      assert.ok(m, `${stmt}: the first diagnostic gives no form to write:\n${ds.map((d) => d.text).join("\n")}`);
      // A whole assignment (`c = u32(c ^ b[i])`), or the operand to write instead (`u32(k)`).
      const fixed = m[1].startsWith(`${l} = `) ? m[1] : `${l} ${op} ${m[1]}`;
      // It means what the compound assignment means: the operator applied to the whole right side.
      const bop = op.slice(0, -1);
      const rr = /^[\w.[\]]+$/.test(r) ? r : `(${r})`;
      const T = "(u8|u16|u32|i8|i16|i32)";
      const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const same = [
        `${esc(l)} = ${T}\\(${esc(`${l} ${bop} ${rr}`)}\\)`,
        `${esc(l)} = (${T}\\()?${esc(`mul32(${l}, ${r})`)}\\)?`,
        `${esc(`${l} ${op} `)}${T}\\(${esc(r)}\\)`,
      ];
      assert.ok(same.some((x) => new RegExp(`^${x}$`).test(fixed)), `${stmt}: the hint ${fixed} does not mean the same`);
      const again = compileStmt(fixed);
      assert.deepEqual(again.map((d) => d.text), [], `${stmt} -> ${fixed} (the hint of: ${ds[0].message})`);
      hinted.add(op);
      seen.push(`${stmt}  ->  ${fixed}`);
    }
  }
  t.diagnostic(seen.join("\n"));
  assert.deepEqual(OPS.filter((op) => !hinted.has(op)), [], "operators with no refused case");
  fs.rmSync(DIR, { recursive: true, force: true });
});
