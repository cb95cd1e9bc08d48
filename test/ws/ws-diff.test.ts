// Differential test of the WebSocket link: seeded scripts (handshakes good and
// broken, server frames of every kind split at random, client data, closes,
// deadlines) replayed on ts-src/mgos/ws.ts under Node and on its generated C
// (ASan/UBSan, the C of the current TypeScript); every transcript line equal.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { spawnSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generate, Replayer } from "./support/wsdiff";

const SCRIPTS = 300;
const STEPS = 60;

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

test("WebSocket link: Node and generated C print the same transcript for random scripts", { timeout: 300_000 }, async (t) => {
  if (spawnSync("sh", ["-c", "command -v gcc"]).status !== 0) { t.skip("gcc is not installed"); return; }
  const R = root();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ws-diff-"));
  try {
    const cg = spawnSync(process.execPath, ["build/codegen/src/cli.js", "--out", tmp, "ts-src/mgos/ws.ts"], { cwd: R, encoding: "utf8" });
    assert.equal(cg.status, 0, `codegen failed:\n${cg.stderr}`);
    const exe = path.join(tmp, "driver");
    const cc = spawnSync("gcc", [
      "-std=c99", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-O1", "-g",
      "-fsanitize=address,undefined", "-fno-sanitize-recover=all", `-I${tmp}`,
      "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4", // the transcript has every log line, as Node prints them
      "-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1", // off by default in C (Kconfig MGOS_MQTT_WS_SUPPORT)
      "test/ws/support/ws_driver.c", ...fs.readdirSync(tmp).filter((f) => f.endsWith(".c")).map((f) => path.join(tmp, f)),
      "-o", exe,
    ], { cwd: R, encoding: "utf8" });
    assert.equal(cc.status, 0, `gcc failed:\n${cc.stderr}`);

    const scripts: string[][] = [];
    const rp = new Replayer();
    for (let seed = 1; seed <= SCRIPTS; seed++) {
      const s = generate(seed, STEPS);
      scripts.push(s);
      rp.run(s);
    }
    const expected = rp.lines;
    const r = await runWithInput(exe, scripts.map((s) => s.join("\n")).join("\n") + "\n", 240_000);
    assert.equal(r.code, 0, `driver exited ${r.code}:\n${r.err.slice(0, 4000)}`);
    const got = r.out.split("\n");
    if (got[got.length - 1] === "") got.pop();
    // The first differing line, with its script.
    for (let i = 0; i < Math.max(got.length, expected.length); i++) {
      if (got[i] !== expected[i]) {
        const script = expected.slice(0, i + 1).filter((l) => l === "N").length;
        assert.fail(`line ${i + 1} (script ${script}) differs:\n  node: ${expected[i]}\n  c:    ${got[i]}\n` +
          `context:\n${expected.slice(Math.max(0, i - 5), i).join("\n")}`);
      }
    }
    // The scripts reach every part of the link (not only handshake failures).
    const text = expected.join("\n");
    for (const re of [/^open /m, /^data /m, /server closed the connection/, /masked frame/, /text frame/, /reserved bits/,
      /frame too big/, /wrong Sec-WebSocket-Accept/, /handshake refused/, /close acknowledged/, /^expired 1/m]) {
      assert.match(text, re);
    }
    t.diagnostic(`${SCRIPTS} scripts, ${expected.length} transcript lines equal`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
