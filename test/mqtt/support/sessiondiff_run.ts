// The differential run shared by the session tests (3.1.1 and MQTT 5) and the
// WebSocket link's: builds the generated C of the module with its driver under
// ASan/UBSan, replays seeded scripts on the TypeScript (the driver's replay)
// and on the C driver, and fails on the first transcript line that differs.

import { strict as assert } from "node:assert";
import { spawnSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Replayer } from "./sessiondiff";

function root(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, "package.json"))) d = path.dirname(d);
  return d;
}

/** Runs a program with stdin, killed by pid after `ms`. */
function runWithInput(cmd: string, input: string, ms: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, [], { stdio: ["pipe", "pipe", "pipe"] });
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

export interface DiffRun {
  scripts: string[][];
  /** The Node transcripts, one per script (equal to C's when this returns). */
  expected: string[][];
  /** Every transcript line's first two words ("E 202", "W 1", ...). */
  kinds: Set<string>;
}

/** True when gcc is there (the tests skip otherwise). */
export function haveGcc(): boolean {
  return spawnSync("sh", ["-c", "command -v gcc"]).status === 0;
}

/** What a differential run builds and replays: the C driver and the
 *  generated C of one TypeScript module, and Node's transcript of a script. */
export interface DiffDriver {
  /** The module whose current TypeScript is compiled to C for the driver. */
  module: string;
  /** The C driver: reads the scripts on stdin, prints their transcripts. */
  source: string;
  /** Node's transcript of one script; its first line starts with "N", as C's. */
  replay: (script: string[]) => string[];
}

/** The session (ts-src/mqtt/session.ts) and its driver. */
export const SESSION_DRIVER: DiffDriver = {
  module: "ts-src/mqtt/session.ts",
  source: "test/mqtt/support/session_driver.c",
  replay: (script) => {
    const rp = new Replayer();
    for (const l of script) rp.line(l);
    return rp.out;
  },
};

/** Replays `count` scripts from `generate(seed, steps)` on Node and on the C
 *  driver built with `defines`; asserts every transcript line equal. */
export async function runSessionDiff(name: string, generate: (seed: number, steps: number) => string[], count: number, steps: number,
  defines: string[], ms: number, driver: DiffDriver = SESSION_DRIVER): Promise<DiffRun> {
  const R = root();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  try {
    // The C of the current TypeScript, not whatever is committed in gen/.
    const cg = spawnSync(process.execPath, ["build/codegen/src/cli.js", "--out", tmp, driver.module], { cwd: R, encoding: "utf8" });
    assert.equal(cg.status, 0, `codegen failed:\n${cg.stderr}`);
    const exe = path.join(tmp, "driver");
    const cc = spawnSync("gcc", [
      "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", `-I${tmp}`,
      "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4", // the transcript has every log line, as Node prints them
      "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1", // the store hook's calls are in the transcript (off by default in C)
      "-DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE=1", // the scripts take fragments, as Node does (off by default in C)
      ...defines,
      driver.source, ...fs.readdirSync(tmp).filter((f) => f.endsWith(".c")).map((f) => path.join(tmp, f)),
      "-o", exe,
    ], { cwd: R, encoding: "utf8" });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);

    const scripts: string[][] = [];
    const expected: string[][] = [];
    for (let seed = 1; seed <= count; seed++) {
      const lines = generate(seed, steps);
      scripts.push(lines);
      expected.push(driver.replay(lines));
    }
    const res = await runWithInput(exe, scripts.map((s) => s.join("\n")).join("\n") + "\n", ms);
    assert.equal(res.code, 0, `driver failed (${res.code}):\n${res.err.slice(0, 4000)}`);
    // Split the C transcript at each script's "N" line.
    const got: string[][] = [];
    for (const l of res.out.split("\n")) {
      if (l === "") continue;
      if (l === "N" || l.startsWith("N ") || got.length === 0) got.push([]);
      got[got.length - 1].push(l);
    }
    assert.equal(got.length, count);
    const kinds = new Set<string>();
    for (let i = 0; i < count; i++) {
      const e = expected[i];
      const g = got[i];
      for (let k = 0; k < Math.max(e.length, g.length); k++) {
        if (e[k] !== g[k]) {
          assert.fail(`seed ${i + 1}, transcript line ${k + 1}:\n  node: ${e[k]}\n  C:    ${g[k]}\nscript:\n${scripts[i].join("\n")}`);
        }
        kinds.add(e[k].split(" ").slice(0, 2).join(" "));
      }
    }
    return { scripts, expected, kinds };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
