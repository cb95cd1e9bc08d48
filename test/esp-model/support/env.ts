// Shared by the model tier's test and its measurement script: builds of the
// model (test/esp-model/build.sh), the broker with the listeners the
// scenarios use, and one scenario run with its RESULT / FIGURE lines.
import * as fs from "node:fs";
import * as path from "node:path";
import { Broker, ROOT, freePort, runCmd } from "../../integration/support/harness";
import { Pki, makePki } from "../../tls/support/pki";

export const HERE = path.join(ROOT, "test", "esp-model");
export const OUT = path.join(ROOT, "build", "esp-model");

/** Builds variant `v` (plain, tsan, asan) of the model program; returns its path. */
export async function buildModel(v: string, portFile = ""): Promise<string> {
  fs.mkdirSync(OUT, { recursive: true });
  const out = path.join(OUT, `esp_model_${v}${portFile ? "_alt" : ""}`);
  const r = await runCmd("sh", [path.join(HERE, "build.sh"), out, v, ...(portFile ? [portFile] : [])], 600_000);
  if (r.code !== 0) throw new Error(`build ${v} failed:\n${r.stderr.slice(-4000)}`);
  if (/warning:/.test(r.stderr)) throw new Error(`build ${v} has warnings:\n${r.stderr.slice(-4000)}`);
  return out;
}

export interface Env { pki: Pki; broker: Broker; port: Record<string, number> }

/** Certificates and a mosquitto: plain on 127.0.0.1, plain on ::1, TLS, mutual TLS. */
export async function startEnv(): Promise<Env> {
  const pki = await makePki();
  // mosquitto started as root drops to its own user: it must be able to read these.
  fs.chmodSync(pki.dir, 0o755);
  for (const f of fs.readdirSync(pki.dir)) fs.chmodSync(path.join(pki.dir, f), 0o644);
  const port: Record<string, number> = {};
  for (const k of ["v6", "tls", "mtls"]) port[k] = await freePort();
  const tls = [`cafile ${pki.pem("ca")}`, `certfile ${pki.pem("server")}`, `keyfile ${pki.key("server")}`];
  const broker = await Broker.start([
    `listener ${port.v6} ::1`,
    `listener ${port.tls} 127.0.0.1`, ...tls,
    `listener ${port.mtls} 127.0.0.1`, ...tls, "require_certificate true",
  ]);
  port.plain = broker.port;
  return { pki, broker, port };
}

export async function stopEnv(e: Env | undefined): Promise<void> {
  if (!e) return;
  await e.broker.close();
  fs.rmSync(e.pki.dir, { recursive: true, force: true });
}

export interface Run {
  results: { check: string; ok: boolean; detail: string }[];
  figures: string[];
  out: string;
  err: string;
  code: number | null;
}

let seq = 0;
export async function runScenario(e: Env, bin: string, scenario: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  const args = [scenario, `plain=${e.port.plain}`, `v6=${e.port.v6}`, `tls=${e.port.tls}`, `mtls=${e.port.mtls}`,
    `ca=${e.pki.pem("ca")}`, `cert=${e.pki.pem("client")}`, `key=${e.pki.key("client")}`, `id=espm${process.pid}_${seq++}_${scenario}`, ...extra];
  const r = await runCmd(bin, args, 120_000, {
    env: { ...process.env, TSAN_OPTIONS: "halt_on_error=0 exitcode=66", ASAN_OPTIONS: "detect_leaks=0 exitcode=86",
      UBSAN_OPTIONS: "print_stacktrace=1 halt_on_error=1 exitcode=87", ...env },
  });
  const results = [...r.stdout.matchAll(/^RESULT (\S+) (PASS|FAIL) (.*)$/gm)].map((m) => ({ check: m[1], ok: m[2] === "PASS", detail: m[3] }));
  const figures = [...r.stdout.matchAll(/^FIGURE (.*)$/gm)].map((m) => m[1]);
  return { results, figures, out: r.stdout, err: r.stderr, code: r.code };
}

/** A figure's first number, e.g. figure(run, "stack_client_task") of "stack_client_task 5399 of 8192". */
export function figure(r: Run, name: string): number | undefined {
  for (const f of r.figures) {
    const m = new RegExp(`^${name} (-?\\d+)`).exec(f);
    if (m) return Number(m[1]);
  }
  return undefined;
}
