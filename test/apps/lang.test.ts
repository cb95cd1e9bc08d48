// App code's template literals, string + and JSON.stringify() (codegen/src/lower.ts,
// ts-src/app/app_fmt.ts) against Node's own: a program of many generated
// expressions (escapes, control characters, UTF-8 of 2, 3 and 4 bytes,
// U+2028, integers at the i32/u32 edges and beyond 32 bits, nesting) is
// compiled to C (gcc -Werror, ASan/UBSan) and run, and also run under Node
// as the app build emits it (each site wrapped in app_lower's bound check);
// both outputs must equal what Node's JSON.stringify / template literals
// give for the same values, overflowing sites included (empty, one error line).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { compile } from "../../codegen/src/index";
import { ROOT, haveGcc, nodeAndC } from "./support/nodec";

/** mulberry32: the same program on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ["a", "Z", "0", " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x01", "\x1f", "\x7f", "é", "€", "😀", "\u2028", "{", "}", ":", ",", "'", "`", "$"];

interface V { ts: string; js: unknown }

class Gen {
  constructor(public r: () => number) {}
  int(n: number): number { return Math.floor(this.r() * n); }
  pick<X>(xs: X[]): X { return xs[this.int(xs.length)]; }
  str(max = 10): string {
    let s = "";
    for (let i = this.int(max + 1); i > 0; i--) s += this.pick(CHARS);
    return s;
  }
  i32(): number { return this.pick([0, -1, 1, 2147483647, -2147483648, -this.int(100000), this.int(1 << 30)]); }
  u32(): number { return this.pick([0, 1, 4294967295, 2147483648, this.int(4294967296)]); }
  /** A scalar value: a constant, or a dynamic one (a call: the C computes it at run time). */
  scalar(): V {
    switch (this.int(9)) {
      case 0: { const s = this.str(); return { ts: q(s), js: s }; }
      case 1: case 2: { const s = this.str(); return { ts: `S(${q(s)})`, js: s }; }
      case 3: { const n = this.i32(); return { ts: `I(${n})`, js: n }; }
      case 4: { const n = this.u32(); return { ts: `U(${n})`, js: n }; }
      case 5: {
        // Beyond 32 bits: hi * 10^6 + lo, |v| < 2^53.
        const hi = this.u32(), lo = this.int(1000000), neg = this.r() < 0.5;
        return neg ? { ts: `I(${-(hi % 2147483648)}) * 1000000 - U(${lo})`, js: -(hi % 2147483648) * 1000000 - lo } : { ts: `U(${hi}) * 1000000 + U(${lo})`, js: hi * 1000000 + lo };
      }
      case 6: { const b = this.r() < 0.5; return this.r() < 0.5 ? { ts: `B(${b})`, js: b } : { ts: String(b), js: b }; }
      case 7: { const n = this.int(2000) - 1000; return { ts: String(n), js: n }; }
      default: {
        // A template as a value.
        const a = this.str(4), n = this.i32();
        return { ts: `\`${tplText(a)}\${I(${n})}\``, js: `${a}${n}` };
      }
    }
  }
  value(depth: number): V {
    const k = this.int(10);
    if (depth < 3 && k === 0) return this.array(depth + 1);
    if (depth < 3 && k === 1) return this.object(depth + 1);
    if (k === 2) return { ts: "null", js: null };
    return this.scalar();
  }
  array(depth: number): V {
    const vs = Array.from({ length: this.int(4) }, () => this.value(depth));
    return { ts: `[${vs.map((v) => v.ts).join(", ")}]`, js: vs.map((v) => v.js) };
  }
  object(depth: number): V {
    const keys = new Set<string>();
    const n = this.int(5);
    const parts: string[] = [];
    const o: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = this.r() < 0.5 ? this.pick(["device", "v", "avg", "on", "id", "t"]) + i : this.str(6) + "k";
      if (keys.has(key) || /^(0|[1-9][0-9]*)$/.test(key) || key === "__proto__") continue;
      keys.add(key);
      const v = this.value(depth);
      parts.push(`${/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && this.r() < 0.5 ? key : q(key)}: ${v.ts}`);
      o[key] = v.js;
    }
    return { ts: `{ ${parts.join(", ")} }`, js: o };
  }
}

/** `s` as a string literal; U+2028 escaped (TypeScript counts it as a line break). */
function q(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028");
}

/** `s` as the text of a template literal. */
function tplText(s: string): string {
  return q(s).slice(1, -1).replace(/`/g, "\\`").replace(/\$/g, "\\$");
}

/** The program and what each line must print. */
function program(): { src: string; want: string } {
  const g = new Gen(rng(19));
  const lines: string[] = [];
  let want = "";
  const site = (n: number, col: number): string => `test/apps/lang/gen/langgen.ts:${n}:${col}`;
  const expect = (text: string, cap: number, lineNo: number, col: number, json: boolean): void => {
    if (Buffer.byteLength(text) > cap) {
      const what = cap === 256 ? "this text is longer than MGOS_APP_TEXT_SIZE (256) bytes" : cap === 512 ? "this JSON text is longer than MGOS_APP_JSON_SIZE (512) bytes" :
        `this ${json ? "JSON text" : "text"} is longer than its sized() capacity (${cap} bytes)`;
      const fix = json ? "give the site room with sized(n, JSON.stringify(...))" : "give the site room with sized(n, ...)";
      want += `E ${site(lineNo, col)}: ${what}, so its value is the empty string (${fix})\n`;
      want += "\n";
    } else want += text + "\n";
  };
  const head = [
    "import { u32, i32, bool, printStr, printLn } from \"../../../../ts-src/rt/rt\";",
    "import { sized } from \"../../../../ts-src/app/app_fmt\";",
    "function S(s: string): string { return s; }",
    "function I(n: i32): i32 { return n; }",
    "function U(n: u32): u32 { return n; }",
    "function B(b: bool): bool { return b; }",
    "export function main(): void {",
  ];
  lines.push(...head);
  const emit = (expr: string, text: string, cap: number, json: boolean, col = 12): void => {
    lines.push(`  printStr(${expr}); printLn();`);
    expect(text, cap, lines.length, col, json);
  };
  // JSON.stringify of objects, arrays and scalars.
  for (let i = 0; i < 160; i++) {
    const v = i % 8 === 7 ? g.array(1) : i % 8 === 6 ? g.scalar() : g.object(1);
    if (i % 8 === 6 && typeof v.js !== "string" && !v.ts.startsWith("S(")) continue;
    emit(`JSON.stringify(${v.ts})`, JSON.stringify(v.js), 512, true);
  }
  // Template literals and string +.
  for (let i = 0; i < 120; i++) {
    let ts = "", js = "";
    for (let k = g.int(5); k >= 0; k--) {
      const lit = g.str(4);
      ts += tplText(lit);
      js += lit;
      const v = g.scalar();
      if (typeof v.js === "object") continue;
      ts += `\${${v.ts}}`;
      js += String(v.js);
    }
    if (ts.includes("${")) emit(`\`${ts}\``, js, 256, false);
    const a = g.str(5), n = g.i32(), b = g.str(3);
    emit(`S(${q(a)}) + I(${n}) + ${q(b)} + U(7)`, `${a}${n}${b}7`, 256, false);
  }
  // Capacities: exactly full fits, one byte more is refused, both ways.
  emit("sized(4, `${S(\"ab\")}cd`)", "abcd", 4, false);
  emit("sized(4, `${S(\"ab\")}cde`)", "abcde", 4, false);
  emit("sized(5, `${S(\"é\")}€`)", "é€", 5, false);
  emit("sized(4, `${S(\"é\")}€`)", "é€", 4, false);
  emit("sized(12, JSON.stringify({ a: S(\"\\n\\n\") }))", JSON.stringify({ a: "\n\n" }), 12, true);
  emit("sized(11, JSON.stringify({ a: S(\"\\n\\n\") }))", JSON.stringify({ a: "\n\n" }), 11, true);
  emit("`${S(\"" + "x".repeat(200) + "\")}${S(\"" + "y".repeat(56) + "\")}`", "x".repeat(200) + "y".repeat(56), 256, false);
  emit("`${S(\"" + "x".repeat(200) + "\")}${S(\"" + "y".repeat(57) + "\")}`", "x".repeat(200) + "y".repeat(57), 256, false);
  lines.push("}", "");
  return { src: lines.join("\n"), want };
}

test("template literals, string + and JSON.stringify(): C and Node equal Node's own", { skip: haveGcc ? false : "gcc missing (apt-get install gcc)", timeout: 300_000 }, (t) => {
  const { src, want } = program();
  const r = nodeAndC("lang", "langgen", src, ["main"], want);
  t.diagnostic(`${want.split("\n").length - 1} lines, ${(r.sites ?? []).length} sites`);
});

/** Messages for JSON.parse(): valid ones with every field, and each way of
 *  being refused (missing or ill-typed fields, numbers in every form,
 *  repeated and escaped keys, nesting at the depth limit, malformed JSON). */
function messages(): string[] {
  const g = new Gen(rng(7));
  const out: string[] = [];
  const num = (): string => g.pick(["0", "-0", "7", "-7", "2.0", "2e0", "20e-1", "2.5", "1e3", "1E+2", "0.0", "-2147483648", "2147483647", "2147483648",
    "4294967295", "4294967296", "-1", "255", "256", "01", "+1", ".5", "1.", "1e", "-", "1e400", "100000000000000000000e-20", "0e99", "12.50e1", "3.000"]);
  const str = (): string => g.pick([q(g.str(6)), "\"a\\u0070\\n\\t\\\"\\\\\\/\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\u00e9\\u20ac\"", "\"\\x\"", "\"a\u0001b\"", "\"\\u0000\"", "'a'", "\"" + "x".repeat(300) + "\""]);
  const val = (k: string): string => {
    if (g.r() < 0.92) {
      if (k === "op") return q(g.str(6));
      if (k === "on") return g.pick(["true", "false"]);
      if (k === "a") return String(g.i32());
      if (k === "u") return String(g.u32());
      return String(g.int(256));
    }
    return g.pick([num(), str(), "true", "false", "null", "[]", "{}", "[1,2]", "{\"op\":\"x\"}"]);
  };
  const nest = (d: number): string => (d === 0 ? "1" : g.r() < 0.5 ? `[${nest(d - 1)}]` : `{"n":${nest(d - 1)}}`);
  for (let i = 0; i < 300; i++) {
    const keys = ["op", "a", "u", "on", "b"].filter(() => g.r() < 0.97);
    const members = keys.map((k) => `${g.r() < 0.1 ? q(k).replace(/^"(.)/, (_m, c: string) => `"\\u00${c.charCodeAt(0).toString(16)}`) : q(k)}${g.pick(["", " "])}:${g.pick(["", " ", "\n"])}${val(k)}`);
    if (g.r() < 0.15) members.push(`${q(g.pick(keys.length ? keys : ["op"]))}:${val(g.pick(["op", "a", "u", "on", "b"]))}`); // a repeated key: the last counts
    if (g.r() < 0.2) members.splice(g.int(members.length + 1), 0, `"x":${nest(g.pick([1, 5, 30, 31, 32]))}`);
    let m = `{${members.join(",")}}`;
    const k = g.int(20);
    if (k === 0) m = m.slice(0, g.int(m.length));
    else if (k === 1) m += g.pick([" ", "\n", "x", "}", ",", "\t\r\n"]);
    else if (k === 2) m = g.pick([" ", "\t", "\n"]) + m;
    else if (k === 3) m = m.replace(/}$/, ",}");
    else if (k === 4) m = `[${m}]`;
    else if (k === 5) m = g.pick(["", "null", "1", "\"s\"", "{}", "{\"op\":\"a\",}", "{\"op\"}", "{op:\"a\"}"]);
    out.push(m);
  }
  // Each field with every kind of value, the others valid.
  const base: Record<string, string> = { op: "\"go\"", a: "-5", u: "7", on: "true", b: "9" };
  const variants = ["0", "-0", "7", "-7", "2.0", "2e0", "20e-1", "2.5", "1e3", "1E+2", "0.0", "-2147483648", "2147483647", "2147483648", "-2147483649",
    "4294967295", "4294967296", "-1", "255", "256", "01", "+1", ".5", "1.", "1e", "-", "1e400", "100000000000000000000e-20", "0e99", "12.50e1", "3.000",
    "1.5e1", "15e-1", "0.000001e6", "-0.0", "true", "false", "null", "[]", "{}", "\"7\"", "\"\"", "\"a\\u0070\\n\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"",
    "\"\\u0000\"", "\"\\x\"", "\"a\u0001\"", "1.00000000000000000001", "1e-400", "4294967295.0000000000000000001", "6.0000000000000000000e0"];
  for (const k of Object.keys(base)) {
    for (const v of variants) out.push(`{${Object.entries(base).map(([n, x]) => `"${n}":${n === k ? v : x}`).join(",")}}`);
  }
  // Depth limit: 32 levels are read, 33 are refused.
  out.push(`{"op":"d","a":1,"u":2,"on":true,"b":3,"x":${nest(31)}}`, `{"op":"d","a":1,"u":2,"on":true,"b":3,"x":${nest(32)}}`);
  // String storage: the strings with their NULs fill MGOS_APP_JSON_SIZE + 1 bytes, or one more.
  out.push(`{"op":"${"y".repeat(512)}","a":1,"u":2,"on":true,"b":3}`, `{"op":"${"y".repeat(513)}","a":1,"u":2,"on":true,"b":3}`);
  return out;
}

/** Messages for a class with a nested class (an object member). */
function moveMessages(): string[] {
  const g = new Gen(rng(11));
  const out: string[] = [];
  const to = (): string => g.pick([
    `{"x":${g.i32()},"name":${q(g.str(5))}}`, `{"name":"n","x":-1,"x":2}`, `{"x":1}`, `{"name":"a"}`, "null", "[]", "1", "\"{}\"",
    `{"x":1,"name":"a","deep":{"x":{"y":[1,2,{}]}}}`, `{"\\u0078":5,"name":"esc"}`, `{"x":1.0,"name":""}`, `{"x":1.5,"name":""}`, `{"x":1,"name":null}`]);
  for (let i = 0; i < 80; i++) {
    const id = g.pick(["1", "255", "256", "-1", "\"1\""]);
    const members = [`"id":${id}`, `"to":${to()}`];
    if (g.r() < 0.2) members.push(`"to":${to()}`);
    if (g.r() < 0.1) members.reverse();
    if (g.r() < 0.1) members.shift();
    out.push(`{${members.join(",")}}`);
  }
  return out;
}

test("JSON.parse(msg) as Cmd | null: C equals Node's own JSON.parse with the same field rules", { skip: haveGcc ? false : "gcc missing (apt-get install gcc)", timeout: 300_000 }, (t) => {
  const msgs = messages();
  const moves = moveMessages();
  const src = [
    "import { u8, u32, i32, bool, lit, printStr, printLn } from \"../../../../ts-src/rt/rt\";",
    "import { sized } from \"../../../../ts-src/app/app_fmt\";",
    "class Cmd { op: string = \"\"; a: i32 = 0; u: u32 = 0; on: bool = false; b: u8 = 0; }",
    "function show(m: Cmd | null): void {",
    "  if (m === null) printStr(\"null\");",
    "  else printStr(sized(2048, JSON.stringify({ op: m.op, a: m.a, u: m.u, on: m.on, b: m.b, go: m.op === \"go\", notA: m.op !== \"a\u0070\\n\" })));",
    "  printLn();",
    "}",
    "class Pos { x: i32 = 0; name: string = \"\"; }",
    "class Move { to: Pos = new Pos(); id: u8 = 0; }",
    "function showMove(m: Move | null): void {",
    "  if (m === null) printStr(\"null\");",
    "  else printStr(JSON.stringify({ id: m.id, to: { x: m.to.x, name: m.to.name } }));",
    "  printLn();",
    "}",
    "export function main(): void {",
    ...moves.map((m) => `  showMove(JSON.parse(lit(${q(m)})) as Move | null);`),
    ...msgs.map((m, i) => (i % 2 ? `  show(JSON.parse(lit(${q(m)})) as Cmd | null);` : `  const m${i} = JSON.parse(${q(m)}) as Cmd | null;\n  show(m${i});`)),
    "}",
    "",
  ].join("\n");
  // What Node's JSON.parse gives, by the rules of ts-src/node/app_lower.ts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lower = require(path.join(ROOT, "build/ts-src/node/app_lower.js")) as typeof import("../../ts-src/node/app_lower");
  const shape = [{ name: "op", kind: "string" }, { name: "a", kind: "int", lo: -2147483648, hi: 2147483647 }, { name: "u", kind: "int", lo: 0, hi: 4294967295 },
    { name: "on", kind: "bool" }, { name: "b", kind: "int", lo: 0, hi: 255 }] as const;
  let want = "";
  let parsed = 0;
  const moveShape = [{ name: "to", kind: "object", fields: [{ name: "x", kind: "int", lo: -2147483648, hi: 2147483647 }, { name: "name", kind: "string" }] }, { name: "id", kind: "int", lo: 0, hi: 255 }] as const;
  let movesParsed = 0;
  for (const m of moves) {
    const o = lower.parse(moveShape as unknown as Parameters<typeof lower.parse>[0], 513, m) as { id: number; to: { x: number; name: string } } | null;
    if (o) movesParsed++;
    want += (o ? JSON.stringify({ id: o.id, to: { x: o.to.x, name: o.to.name } }) : "null") + "\n";
  }
  for (const m of msgs) {
    const o = lower.parse([...shape], 513, m);
    if (o) parsed++;
    want += (o ? JSON.stringify({ op: o.op, a: o.a, u: o.u, on: o.on, b: o.b, go: o.op === "go", notA: o.op !== "ap\n" }) : "null") + "\n";
  }
  assert.ok(parsed > 100 && parsed < msgs.length - 100, `a mix of accepted (${parsed}) and refused messages`);
  t.diagnostic(`${msgs.length} messages, ${parsed} parsed; ${moves.length} with a nested class, ${movesParsed} parsed`);
  assert.ok(movesParsed > 10 && movesParsed < moves.length - 10, `nested: a mix of accepted (${movesParsed}) and refused messages`);
  nodeAndC("lang", "parsegen", src, ["main"], want);
});

test("what is refused names file:line:col and what to write instead", { timeout: 120_000 }, () => {
  const file = path.join(ROOT, "test/apps/reject/lang_bad.ts");
  const rel = "test/apps/reject/lang_bad.ts";
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const want: { line: number; text: string }[] = [];
  lines.forEach((l, i) => {
    const m = /\/\/!\s*(.+?)\s*$/.exec(l);
    if (m) want.push({ line: i + 1, text: m[1] });
  });
  const r = compile({ inputs: [file, path.join(ROOT, "ts-src/app/app_fmt.ts")], root: ROOT });
  const all = r.diagnostics.map((d) => d.text).join("\n");
  // Field diagnostics are at the field and name the site.
  const fieldOf = (name: string): number => lines.findIndex((l) => new RegExp(`^  ${name}: `).test(l)) + 1;
  for (const m of want) {
    const hit = r.diagnostics.find((d) => d.file === rel && d.line === m.line && d.message.includes(m.text)) ??
      r.diagnostics.find((d) => d.file === rel && d.message.includes(m.text) && d.message.includes(`${rel}:${m.line}:`));
    assert.ok(hit, `${rel}:${m.line}: expected a diagnostic containing ${JSON.stringify(m.text)}; got:\n${all}`);
    assert.match(hit.text, new RegExp(`^${rel.replace(/[/.]/g, "\\$&")}:${hit.line}:${hit.col}: error: `));
  }
  const msg = (needle: string): string => r.diagnostics.find((d) => d.message.includes(needle))?.message ?? "";
  assert.match(msg("an f64 in a text"), /f64ToI32\(x\)/);
  assert.match(msg("a byte view in a text"), /keep text in a string/);
  assert.match(msg("integer keys first"), /"1", "b"/);
  assert.match(msg("compiles only as"), /class Cmd \{ op: string = ""; a: i32 = 0; \}/);
  // Each unreadable field is named once, where it is declared.
  for (const f of ["v", "raw", "name"]) {
    const d = r.diagnostics.filter((x) => x.message.includes(`field \`${f}\``));
    assert.equal(d.length, 1, `field ${f}: ${all}`);
    assert.equal(d[0].line, fieldOf(f));
  }
  assert.equal(r.files.size, 0, "no C for code with errors");
  // The library (without app_fmt) keeps refusing templates, naming where they work.
  const lib = compile({ inputs: [path.join(ROOT, "test/apps/reject/app_bad.ts")], root: ROOT });
  assert.ok(lib.diagnostics.some((d) => d.message.includes("Json.begin()")), "JSON.stringify without app_fmt: the builder is named");
});
