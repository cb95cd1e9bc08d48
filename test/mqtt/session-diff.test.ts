// Differential test of the session: seeded random scripts (a broker that answers
// what the client sent, with splits, delays, refusals, duplicates, drops and
// garbage) replayed on the TypeScript session under Node and on the generated C
// session (ASan/UBSan); every transcript line must be equal.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { spawnSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate, Replayer } from "./support/sessiondiff";

const SCRIPTS = 300;
const STEPS = 80;

function root(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, "package.json"))) d = path.dirname(d);
  return d;
}

/** Runs a program with stdin, killed by pid after `ms`. */
function runWithInput(cmd: string, args: string[], input: string, ms: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => { if (p.pid) process.kill(p.pid, "SIGKILL"); }, ms);
    p.stdout.on("data", (d) => { out += d; });
    p.stderr.on("data", (d) => { err += d; });
    p.on("error", reject);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, out, err }); });
    p.stdin.end(input);
  });
}

test("session: Node and generated C print the same transcript for random scripts", { timeout: 240_000 }, async (t) => {
  if (spawnSync("sh", ["-c", "command -v gcc"]).status !== 0) { t.skip("gcc is not installed"); return; }
  const R = root();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "session-diff-"));
  try {
    // The C of the current TypeScript, not whatever is committed in gen/.
    const cg = spawnSync(process.execPath, ["build/codegen/src/cli.js", "--out", tmp, "ts-src/mqtt/session.ts"], { cwd: R, encoding: "utf8" });
    assert.equal(cg.status, 0, `codegen failed:\n${cg.stderr}`);
    const exe = path.join(tmp, "driver");
    const cc = spawnSync("gcc", [
      "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", `-I${tmp}`,
      "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4", // the transcript has every log line, as Node prints them
      "test/mqtt/support/session_driver.c", ...fs.readdirSync(tmp).filter((f) => f.endsWith(".c")).map((f) => path.join(tmp, f)),
      "-o", exe,
    ], { cwd: R, encoding: "utf8" });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);

    const scripts: string[][] = [];
    const expected: string[][] = [];
    for (let seed = 1; seed <= SCRIPTS; seed++) {
      const lines = generate(seed, STEPS);
      scripts.push(lines);
      const rp = new Replayer();
      for (const l of lines) rp.line(l);
      expected.push(rp.out);
    }
    const res = await runWithInput(exe, [], scripts.map((s) => s.join("\n")).join("\n") + "\n", 120_000);
    assert.equal(res.code, 0, `driver failed (${res.code}):\n${res.err.slice(0, 4000)}`);
    // Split the C transcript at each script's "N" line.
    const got: string[][] = [];
    for (const l of res.out.split("\n")) {
      if (l === "") continue;
      if (l.startsWith("N ")) got.push([]);
      got[got.length - 1].push(l);
    }
    assert.equal(got.length, SCRIPTS);
    let lines = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < SCRIPTS; i++) {
      const e = expected[i];
      const g = got[i];
      for (let k = 0; k < Math.max(e.length, g.length); k++) {
        if (e[k] !== g[k]) {
          assert.fail(`seed ${i + 1}, transcript line ${k + 1}:\n  node: ${e[k]}\n  C:    ${g[k]}\nscript:\n${scripts[i].join("\n")}`);
        }
        kinds.add(e[k].split(" ").slice(0, 2).join(" "));
      }
      lines += e.length;
    }
    // The scripts must really exercise the session: every event kind shows up.
    for (const ev of [5, 202, 203, 204, 205, 206, 207, 209, 211, 213, 230, 231, 240, 241]) assert.ok(kinds.has(`E ${ev}`), `event ${ev} never happened`);
    for (const op of [1, 2]) assert.ok(kinds.has(`W ${op}`), `no persistence op ${op}`);
    t.diagnostic(`${SCRIPTS} scripts, ${scripts.reduce((n, s) => n + s.length, 0)} operations, ${lines} transcript lines equal`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
