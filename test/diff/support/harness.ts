// The harness the decoder differential tests share (decode.test.ts for
// 3.1.1, decode5.test.ts for MQTT 5): byte helpers, the seeded corpus
// builder (fixed edge cases, then generated inputs, some concatenated, under
// random size limits), mutation, and the Node-vs-C run: compile a TypeScript
// entry with the project's compiler, build it with gcc under ASan/UBSan with
// a C main that reads "<forClient> <max> <hex>" lines, feed the corpus, and
// require every output line to equal the Node side's.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { compile } from "../../../codegen/src/index";
import { Rng } from "../../mqtt/support/gen5";

export { Rng };

export const ROOT = path.resolve(__dirname, "../../../..");

export const cat = (...xs: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of xs) { out.set(x, o); o += x.length; }
  return out;
};
export const u16be = (v: number): Uint8Array => new Uint8Array([(v >> 8) & 0xff, v & 0xff]);
export const str16 = (s: Uint8Array): Uint8Array => cat(u16be(s.length), s);
export const hx = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** 1-3 random edits: bit flips, byte changes, inserts, deletes, a cut, a remaining-length byte. */
export function mutate(r: Rng, x: Uint8Array): Uint8Array {
  let b = Array.from(x);
  const k = 1 + r.int(3);
  for (let i = 0; i < k; i++) {
    const at = r.int(b.length + 1);
    switch (r.int(6)) {
      case 0: if (b.length) b[at % b.length] ^= 1 << r.int(8); break;
      case 1: if (b.length) b[at % b.length] = r.int(256); break;
      case 2: b.splice(at, 0, r.int(256)); break;
      case 3: b.splice(at, 1); break;
      case 4: b = b.slice(0, at); break;
      default: if (b.length > 1) b[1] = r.pick([0x00, 0x7f, 0x80, 0xff, b[1] + 1, b[1] - 1]) & 0xff; break;
    }
  }
  return new Uint8Array(b);
}

/** One decoder input: direction (client, or any type), size limit, bytes. */
export interface Input { forClient: boolean; max: number; bytes: Uint8Array }

export interface CorpusSpec {
  seed: number;
  count: number;
  /** Hex inputs first (decoded as a client, no limit): remaining-length boundaries and such. */
  fixed: string[];
  /** One generated input. */
  one: (r: Rng) => Uint8Array;
  /** A packet to append to an input (several packets in one buffer). */
  more: (r: Rng) => Uint8Array;
  /** How often an input gets more packets appended. */
  multi: number;
  /** How often an input is decoded as a client (else: any type). */
  client: number;
  /** The size limits drawn from; `len` is the input's length. */
  limits: (r: Rng, len: number) => number;
}

/** The seeded corpus: the same inputs on every run. */
export function corpus(s: CorpusSpec): Input[] {
  const r = new Rng(s.seed);
  const out: Input[] = [];
  for (const h of s.fixed) out.push({ forClient: true, max: 0xffffffff, bytes: new Uint8Array(Buffer.from(h, "hex")) });
  while (out.length < s.count) {
    let bytes = s.one(r);
    if (r.chance(s.multi)) {
      const parts = [bytes];
      for (let k = 1 + r.int(3); k > 0; k--) parts.push(s.more(r));
      bytes = cat(...parts);
    }
    const max = s.limits(r, bytes.length);
    out.push({ forClient: r.chance(s.client), max, bytes });
  }
  return out;
}

export function hasGcc(): boolean {
  return spawnSync("gcc", ["--version"], { timeout: 20000 }).status === 0;
}

export interface CRun {
  /** The TypeScript entry compiled to C (with what it imports). */
  entry: string;
  /** The C main (relative to the repository root). */
  main: string;
  inputs: Input[];
  /** What Node prints for the inputs, one line each. */
  nodeLines: (inputs: Input[]) => string[];
  /** ms for the gcc build and for the run. */
  timeout: number;
}

/** Builds the C side, runs it on the inputs and compares line by line with
 *  Node. Returns the lines (for counting what they hold). */
export function runC(c: CRun): string[] {
  const res = compile({ inputs: [c.entry], root: ROOT });
  assert.deepEqual(res.diagnostics.map((d) => d.text), []);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codec-diff-"));
  try {
    for (const [name, text] of res.files) fs.writeFileSync(path.join(dir, name), text);
    const cfiles = [...res.files.keys()].filter((n) => n.endsWith(".c")).map((n) => path.join(dir, n));
    const exe = path.join(dir, "diff");
    const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I", dir,
      ...cfiles, path.join(ROOT, c.main), "-o", exe], { encoding: "utf8", timeout: c.timeout });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);
    const text = c.inputs.map((i) => `${i.forClient ? 1 : 0} ${i.max} ${hx(i.bytes)}\n`).join("");
    const run = spawnSync(exe, [], { input: text, encoding: "utf8", timeout: c.timeout, maxBuffer: 1 << 29 });
    assert.equal(run.status, 0, `${path.basename(c.main)} failed (${run.signal ?? run.status}):\n${run.stderr.slice(0, 4000)}`);
    const cLines = run.stdout.split("\n");
    assert.equal(cLines.pop(), "");
    const want = c.nodeLines(c.inputs);
    assert.equal(cLines.length, c.inputs.length);
    assert.equal(want.length, c.inputs.length);
    for (let i = 0; i < c.inputs.length; i++) {
      if (cLines[i] !== want[i]) {
        const inp = c.inputs[i];
        assert.fail(`input ${i} (${inp.forClient ? "client" : "any"}, max ${inp.max}): ${hx(inp.bytes)}\n  node: ${want[i]}\n  C:    ${cLines[i]}`);
      }
    }
    return want;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
