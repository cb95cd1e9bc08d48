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
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compile } from "../../codegen/src/index";
import { emitNodeJs } from "../../codegen/src/app/node_emit";
import { setPrintSink } from "../../ts-src/rt/rt";
import { installAppPort } from "../../apps/run-node";

const ROOT = path.resolve(__dirname, "../../..");
const haveGcc = spawnSync("sh", ["-c", "command -v gcc"], { stdio: "ignore" }).status === 0;
const GEN = path.join(ROOT, "test/apps/lang/gen");

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
  constructor(private r: () => number) {}
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

/** Fails at the first line that differs (with its number), then on the whole. */
function sameText(got: string, want: string, what: string): void {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    assert.equal(JSON.stringify(g[i]), JSON.stringify(w[i]), `${what}: output line ${i + 1} differs`);
  }
  assert.equal(got, want, what);
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
  fs.mkdirSync(GEN, { recursive: true });
  const file = path.join(GEN, "langgen.ts");
  fs.writeFileSync(file, src);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lang-"));
  try {
    const r = compile({ inputs: [file, path.join(ROOT, "ts-src/app/app_fmt.ts")], root: ROOT });
    assert.deepEqual(r.diagnostics.map((d) => d.text), []);
    t.diagnostic(`${want.split("\n").length - 1} lines, ${(r.sites ?? []).length} sites`);

    // Node, as the app build emits it.
    const out = path.join(ROOT, "build/test/apps/lang/gen/langgen.js");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, emitNodeJs(src, file, out, (r.sites ?? []).filter((s) => s.file === "test/apps/lang/gen/langgen.ts"), path.join(ROOT, "build/ts-src/node/app_lower.js")));
    delete require.cache[out];
    let node = "";
    setPrintSink((s) => { node += s; });
    try {
      installAppPort((b) => { node += b.toString("utf8"); });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(out) as { main: () => void }).main();
    } finally {
      setPrintSink((s) => { process.stdout.write(s); });
    }
    sameText(node, want, "Node (the app build's emit)");

    // C.
    for (const [n, text] of r.files) fs.writeFileSync(path.join(dir, n), text);
    fs.writeFileSync(path.join(dir, "run.c"), "#include \"langgen.h\"\nint main(void) {\n  langgen_main();\n  return 0;\n}\n");
    const srcs = [...r.files.keys()].filter((f) => f.endsWith(".c")).map((f) => path.join(dir, f));
    const exe = path.join(dir, "langgen");
    const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g", "-fsanitize=address,undefined",
      "-fno-sanitize-recover=all", `-I${dir}`, ...srcs, path.join(dir, "run.c"), path.join(ROOT, "apps/support/app_port.c"), "-o", exe],
    { encoding: "utf8", timeout: 240_000 });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync(exe, [], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    sameText(run.stdout, want, "C");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(GEN, { recursive: true, force: true });
  }
});
