// MQTT 5 differential test of the session: seeded scripts
// (support/sessiondiff5.ts: large and small PUBLISHes with properties and
// topic aliases in random splits, floods past our Receive Maximum,
// protocol_version flipping with messages in the outbox) replayed on the
// TypeScript session under Node and on the generated C session with MQTT 5
// compiled in, under ASan/UBSan; every transcript line must be equal.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { spawnSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Replayer } from "../mqtt/support/sessiondiff";
import { generate5 } from "./support/sessiondiff5";

const SCRIPTS = 200;
const STEPS = 80;

function root(): string {
  let d = __dirname;
  while (!fs.existsSync(path.join(d, "package.json"))) d = path.dirname(d);
  return d;
}

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

test("MQTT 5 session: Node and generated C (ASan/UBSan) print the same transcript", { timeout: 300_000 }, async (t) => {
  if (spawnSync("sh", ["-c", "command -v gcc"]).status !== 0) { t.skip("gcc is not installed"); return; }
  const R = root();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "session-diff5-"));
  try {
    const cg = spawnSync(process.execPath, ["build/codegen/src/cli.js", "--out", tmp, "ts-src/mqtt/session.ts"], { cwd: R, encoding: "utf8" });
    assert.equal(cg.status, 0, `codegen failed:\n${cg.stderr}`);
    const exe = path.join(tmp, "driver");
    const cc = spawnSync("gcc", [
      "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", `-I${tmp}`,
      "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4", "-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1",
      "test/mqtt/support/session_driver.c", ...fs.readdirSync(tmp).filter((f) => f.endsWith(".c")).map((f) => path.join(tmp, f)),
      "-o", exe,
    ], { cwd: R, encoding: "utf8" });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);
    const scripts: string[][] = [];
    const expected: string[][] = [];
    for (let seed = 1; seed <= SCRIPTS; seed++) {
      const lines = generate5(seed, STEPS);
      scripts.push(lines);
      const rp = new Replayer();
      for (const l of lines) rp.line(l);
      expected.push(rp.out);
    }
    const res = await runWithInput(exe, scripts.map((s) => s.join("\n")).join("\n") + "\n", 200_000);
    assert.equal(res.code, 0, `driver failed (${res.code}):\n${res.err.slice(0, 4000)}`);
    const got: string[][] = [];
    for (const l of res.out.split("\n")) {
      if (l === "") continue;
      if (l.startsWith("N ")) got.push([]);
      got[got.length - 1].push(l);
    }
    assert.equal(got.length, SCRIPTS);
    const kinds = new Set<string>();
    const logs = new Set<string>();
    for (let i = 0; i < SCRIPTS; i++) {
      const e = expected[i];
      const g = got[i];
      for (let k = 0; k < Math.max(e.length, g.length); k++) {
        if (e[k] !== g[k]) assert.fail(`seed ${i + 1}, transcript line ${k + 1}:\n  node: ${e[k]}\n  C:    ${g[k]}`);
        kinds.add(e[k].split(" ").slice(0, 2).join(" "));
        if (e[k].startsWith("G ")) logs.add(e[k].split(" ").slice(4).join(" "));
      }
    }
    // The scripts reach what they are for.
    for (const ev of [202, 203, 230, 231]) assert.ok(kinds.has(`E ${ev}`), `event ${ev} never happened`);
    for (const m of ["broker exceeded our Receive Maximum", "topic alias never set", "PUBLISH properties longer than the receive buffer, skipped"]) {
      assert.ok([...logs].some((l) => l.startsWith(m)), `never logged: ${m}`);
    }
    t.diagnostic(`${SCRIPTS} scripts, ${scripts.reduce((n, s) => n + s.length, 0)} operations, transcripts equal`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
