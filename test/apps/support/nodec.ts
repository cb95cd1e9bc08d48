// The language tests' harness: an app program compiled with app_fmt (the
// sites' checks of codegen/src/lower.ts), run under Node as the app build
// emits it and as C (gcc -Werror, ASan/UBSan); both must print `want`.

import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compile, CompileResult } from "../../../codegen/src/index";
import { emitNodeJs } from "../../../codegen/src/app/node_emit";
import { setPrintSink } from "../../../ts-src/rt/rt";
import { installAppPort } from "../../../apps/run-node";

export const ROOT = path.resolve(__dirname, "../../../..");
export const haveGcc = spawnSync("sh", ["-c", "command -v gcc"], { stdio: "ignore" }).status === 0;

/** Fails at the first line that differs (with its number), then on the whole. */
export function sameText(got: string, want: string, what: string): void {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    assert.equal(JSON.stringify(g[i]), JSON.stringify(w[i]), `${what}: output line ${i + 1} differs`);
  }
  assert.equal(got, want, what);
}

/** Writes `src` to test/apps/<folder>/gen/<name>.ts (removed afterwards),
 *  compiles it without diagnostics, calls its exported `calls` in order under
 *  Node and in C, and asserts both print `want`. Returns the compile result. */
export function nodeAndC(folder: string, name: string, src: string, calls: string[], want: string): CompileResult {
  const rel = `test/apps/${folder}/gen/${name}.ts`;
  const file = path.join(ROOT, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, src);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  try {
    const r = compile({ inputs: [file, path.join(ROOT, "ts-src/app/app_fmt.ts")], root: ROOT });
    assert.deepEqual(r.diagnostics.map((d) => d.text), []);

    // Node, as the app build emits it; the app port's lines (a site's error) go to the output too.
    const out = path.join(ROOT, "build", rel.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, emitNodeJs(src, file, out, (r.sites ?? []).filter((s) => s.file === rel), path.join(ROOT, "build/ts-src/node/app_lower.js")));
    delete require.cache[out];
    let node = "";
    setPrintSink((s) => { node += s; });
    try {
      installAppPort((b) => { node += b.toString("utf8"); });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require(out) as Record<string, () => void>;
      for (const c of calls) m[c]();
    } finally {
      setPrintSink((s) => { process.stdout.write(s); });
    }
    sameText(node, want, "Node (the app build's emit)");

    // C.
    for (const [n, text] of r.files) fs.writeFileSync(path.join(dir, n), text);
    fs.writeFileSync(path.join(dir, "run.c"), `#include "${name}.h"\nint main(void) {\n${calls.map((c) => `  ${name}_${c}();\n`).join("")}  return 0;\n}\n`);
    const srcs = [...r.files.keys()].filter((f) => f.endsWith(".c")).map((f) => path.join(dir, f));
    const exe = path.join(dir, name);
    const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g", "-fsanitize=address,undefined",
      "-fno-sanitize-recover=all", `-I${dir}`, ...srcs, path.join(dir, "run.c"), path.join(ROOT, "apps/support/app_port.c"), "-o", exe],
    { encoding: "utf8", timeout: 240_000 });
    assert.equal(cc.status, 0, cc.stderr);
    const run = spawnSync(exe, [], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    sameText(run.stdout, want, "C");
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
