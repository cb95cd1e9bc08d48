// A site's value lives in the site's one static buffer until the site runs
// again (codegen/src/site_escape.ts): the uses that are safe compile and give
// what Node gives (C with ASan/UBSan vs the app build's Node emit), the ones
// that would see the buffer rewritten are refused with file:line:col and what
// to write instead (test/apps/reject/lang_self_bad.ts).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { compile } from "../../codegen/src/index";
import { ROOT, haveGcc, nodeAndC } from "./support/nodec";

const SRC = `import { i32, u32, bool, printStr, printLn, strBytes } from "../../../../ts-src/rt/rt";
import { sized } from "../../../../ts-src/app/app_fmt";
class Cmd { op: string = ""; n: u32 = 0; }
let topic: string = "";
let cmd: Cmd | null = null;
function I(n: i32): i32 { return n; }
function show(s: string): void { printStr(s); printLn(); }
function twice(a: string, b: string): void { show(a); show(b); }
function tag(n: i32): void { const t: string = \`tag\${n}\`; show(t); }
function pick(ok: bool, n: i32): void { const t: string = ok ? \`yes\${n}\` : "no"; show(t); }
function len(s: string): u32 { return strBytes(s).length; }
export function init(): void {
  topic = \`dev/\${I(7)}/x\`;
  cmd = JSON.parse(\`{"op":"boot","n":\${I(9)}}\`) as Cmd | null;
}
export function main(): void {
  show(topic);
  if (cmd !== null) show(\`\${cmd.op}/\${cmd.n}\`);
  tag(1);
  tag(2);
  for (let i: i32 = 0; i < 3; i++) {
    const t: string = \`i=\${i}\`;
    show(\`\${t}/\${t}\`);
    let u: string = \`[\${t}]\`;
    u = \`\${u}\${u}\`;
    show(u);
  }
  let acc: string = \`a\${I(0)}\`;
  acc = \`\${acc}b\`;
  acc = acc + "c" + I(1);
  show(acc);
  twice(\`x\${I(1)}\`, \`y\${I(2)}\`);
  const j: string = sized(64, JSON.stringify({ t: \`\${I(3)}\`, n: I(4), s: acc }));
  show(j);
  show(\`\${len(\`\${I(12345)}\`)}\`);
  const c = JSON.parse(\`{"op":"go","n":\${I(5)}}\`) as Cmd | null;
  if (c !== null && c.op === "go") show(\`\${c.op}:\${c.n}\`);
  let sum: u32 = 0;
  for (let k: i32 = 0; k < 4; k++) {
    const d = JSON.parse(\`{"op":"k","n":\${k}}\`) as Cmd | null;
    if (d !== null) sum += d.n;
  }
  show(\`sum=\${sum}\`);
  pick(true, 1);
  pick(false, 2);
  show(topic);
}
`;

const WANT = ["dev/7/x", "boot/9", "tag1", "tag2", "i=0/i=0", "[i=0][i=0]", "i=1/i=1", "[i=1][i=1]", "i=2/i=2", "[i=2][i=2]", "a0bc1", "x1", "y2",
  "{\"t\":\"3\",\"n\":4,\"s\":\"a0bc1\"}", "5", "go:5", "sum=6", "yes1", "no", "dev/7/x"].join("\n") + "\n";

test("safe uses of a site's value: C equals Node", { skip: haveGcc ? false : "gcc missing (apt-get install gcc)", timeout: 300_000 }, () => {
  nodeAndC("langself", "selfok", SRC, ["init", "main"], WANT);
});

test("uses that outlive the site's next run are refused with file:line:col and what to write", { timeout: 120_000 }, () => {
  const file = path.join(ROOT, "test/apps/reject/lang_self_bad.ts");
  const rel = "test/apps/reject/lang_self_bad.ts";
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const r = compile({ inputs: [file, path.join(ROOT, "ts-src/app/app_fmt.ts")], root: ROOT });
  const all = r.diagnostics.map((d) => d.text).join("\n");
  let marked = 0;
  lines.forEach((l, i) => {
    const m = /\/\/!\s*(.+?)\s*$/.exec(l);
    if (!m) return;
    marked++;
    const hit = r.diagnostics.find((d) => d.file === rel && d.line === i + 1 && d.message.includes(m[1]));
    assert.ok(hit, `${rel}:${i + 1}: expected a diagnostic containing ${JSON.stringify(m[1])}; got:\n${all}`);
    assert.match(hit.text, new RegExp(`^${rel.replace(/[/.]/g, "\\$&")}:${i + 1}:${hit.col}: error: `));
  });
  assert.equal(r.diagnostics.length, marked, `one diagnostic per marked line, none elsewhere:\n${all}`);
  // Each says what to write instead.
  for (const d of r.diagnostics) assert.match(d.message, /init\(\)|Text|inside the loop|inside the function|does not recurse|pass it on/, d.text);
  assert.equal(r.files.size, 0, "no C for code with errors");
});

/** Messages JSON.parse() refuses or reads the same way in C and under Node:
 *  bytes that are not UTF-8 anywhere in the text, numbers whose exact
 *  decimal value is not an integer though a double rounds it to one. */
const PARSE_CASES: [Buffer, string][] = [
  [Buffer.from(`{"n":1,"s":"a"}`), `{"n":1,"s":"a"}`],
  [Buffer.concat([Buffer.from(`{"n":1,"s":"a`), Buffer.from([0xff]), Buffer.from(`"}`)]), "null"],
  [Buffer.from(`{"n":1,"s":"é"}`), `{"n":1,"s":"é"}`],
  [Buffer.concat([Buffer.from(`{"n":1,"s":"`), Buffer.from([0xc0, 0xaf]), Buffer.from(`"}`)]), "null"], // overlong
  [Buffer.concat([Buffer.from(`{"n":1,"s":"`), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`"}`)]), "null"], // a surrogate
  [Buffer.concat([Buffer.from(`{"n":1,"s":"`), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from(`"}`)]), "null"], // above U+10FFFF
  [Buffer.from(`{"n":1,"s":"😀"}`), `{"n":1,"s":"😀"}`],
  [Buffer.concat([Buffer.from(`{"n":1,"s":"x","y":"`), Buffer.from([0xe2, 0x82]), Buffer.from(`"}`)]), "null"], // cut, in a member not read
  [Buffer.from(`{"n":1.00000000000000000001,"s":""}`), "null"],
  [Buffer.from(`{"n":1e-400,"s":""}`), "null"],
  [Buffer.from(`{"n":100000000000000000000e-20,"s":""}`), `{"n":1,"s":""}`],
  [Buffer.from(`{"n":4294967295.0000000000000000001,"s":""}`), "null"],
  [Buffer.from(`{"n":4294967295.000000000000000000,"s":""}`), `{"n":4294967295,"s":""}`],
  [Buffer.from(`{"n":0.0e-999,"s":""}`), `{"n":0,"s":""}`],
  [Buffer.from(`{"n":12.3e1,"s":"","x":1.00000000000000000001}`), `{"n":123,"s":""}`],
  [Buffer.from(`{"n":2,"s":"","n":1e-400}`), "null"],
];

test("JSON.parse(): invalid UTF-8 and inexact numbers are refused alike in C and under Node", { skip: haveGcc ? false : "gcc missing (apt-get install gcc)", timeout: 300_000 }, () => {
  const src = [
    "import { u32, printStr, printLn } from \"../../../../ts-src/rt/rt\";",
    "class N { n: u32 = 0; s: string = \"\"; }",
    "const buf: Uint8Array = new Uint8Array(64);",
    "function show(m: N | null): void {",
    "  if (m === null) printStr(\"null\");",
    "  else printStr(JSON.stringify({ n: m.n, s: m.s }));",
    "  printLn();",
    "}",
    "export function main(): void {",
    ...PARSE_CASES.map(([b]) => `  ${[...b].map((x, i) => `buf[${i}] = ${x};`).join(" ")}\n  show(JSON.parse(buf.subarray(0, ${b.length})) as N | null);`),
    "}",
    "",
  ].join("\n");
  const want = PARSE_CASES.map(([, w]) => w).join("\n") + "\n";
  nodeAndC("langself", "parseraw", src, ["main"], want);
});
