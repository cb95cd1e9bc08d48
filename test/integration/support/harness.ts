// Broker integration harness: builds the host programs (generated C + the
// POSIX port + a main) with ASan/UBSan, runs a private mosquitto on
// 127.0.0.1, and drives processes line by line. Every process started here
// is killed by its pid, and every wait has a deadline.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}
export const ROOT = repoRoot();

export function haveTool(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v '${cmd}'`], { stdio: "ignore" }).status === 0;
}

/** The Debian tools these tests need; the reason to skip when one is missing. */
export function missingTools(): string | undefined {
  const need = ["gcc", "mosquitto", "mosquitto_sub", "mosquitto_pub", "mosquitto_passwd"];
  const miss = need.filter((t) => !haveTool(t));
  return miss.length ? `missing Debian tools: ${miss.join(", ")} (apt-get install gcc mosquitto mosquitto-clients)` : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- building

/** Runs a command to completion (bounded); resolves with its output. */
export function runCmd(cmd: string, args: string[], timeoutMs: number, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}):
  Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", timedOut = false;
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) try { process.kill(child.pid, "SIGKILL"); } catch { /* gone */ }
    }, timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, timedOut }); });
  });
}

const GEN_DEFAULT = "components/mgos_mqtt/gen";
const PORT_DIR = "components/mgos_mqtt/port";
const BASE_CFLAGS = ["-std=c99", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-Wall",
  // A primary that never answers CONNECT is given up after 2 s instead of 30 (Kconfig knob).
  "-DCONFIG_MGOS_MQTT_CONNACK_TIMEOUT_MS=2000",
  // A TLS server that never answers the handshake is given up after 3 s instead of 10 (Kconfig knob).
  "-DCONFIG_MGOS_MQTT_TLS_HANDSHAKE_TIMEOUT_MS=3000",
  // A WebSocket server that never answers the Upgrade is given up after 3 s instead of 10 (Kconfig knob).
  "-DCONFIG_MGOS_MQTT_WS_HANDSHAKE_TIMEOUT_MS=3000",
  // Room for a PEM certificate in the config itself (test/tls puts one there; 512 by default).
  "-DCONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE=4096",
  // Every log line compiled in (the firmware default is errors only): the tests read warnings and info lines.
  "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4"];
/** MQTT over WebSocket and the persistent outbox are off by default in C (Kconfig
 *  MGOS_MQTT_WS_SUPPORT, MGOS_MQTT_PERSIST_SUPPORT): a test that uses one builds with it on. */
export const WS_ON = ["-DCONFIG_MGOS_MQTT_WS_SUPPORT=1", "-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1"];
export const PERSIST_ON = ["-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT=1", "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1"];
/** Large messages in fragments (MGOS_MQTT_SUB_FRAGMENTS) are off by default in C (Kconfig
 *  MGOS_MQTT_FRAGMENTS_SUPPORT; off, they are skipped as the spec says): on for tests that take fragments. */
export const FRAGMENTS_ON = ["-DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT=1", "-DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE=1"];
/** The port's TLS (port/tls_mbedtls.c) uses the system mbedTLS (Debian: libmbedtls-dev, 2.28), or
 *  MGOS_MBEDTLS_DIR=<dir> with <dir>/include and static <dir>/lib/libmbed{tls,x509,crypto}.a (e.g. a
 *  3.x build, to run the tests against the mbedTLS generation ESP-IDF ships). */
const MBEDTLS_DIR = process.env.MGOS_MBEDTLS_DIR ? path.resolve(process.env.MGOS_MBEDTLS_DIR) : null;
const LIBS = MBEDTLS_DIR
  ? [`-L${path.join(MBEDTLS_DIR, "lib")}`, "-Wl,-Bstatic", "-lmbedtls", "-lmbedx509", "-lmbedcrypto", "-Wl,-Bdynamic"]
  : ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

function listC(dir: string): string[] {
  const abs = path.resolve(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs).filter((f) => f.endsWith(".c")).sort().map((f) => path.join(abs, f));
}

/** The generated C to test: MGOS_GEN_DIR, else the committed gen/, else fresh compiler output. */
async function genDir(): Promise<string> {
  if (process.env.MGOS_GEN_DIR) return path.resolve(process.env.MGOS_GEN_DIR);
  const committed = path.resolve(ROOT, GEN_DEFAULT);
  if (fs.existsSync(path.join(committed, "conn.c"))) return committed;
  // Not generated yet in this checkout: run the compiler into build/.
  const out = path.join(ROOT, "build", "integration", "gen");
  const cli = path.join(ROOT, "build", "codegen", "src", "cli.js");
  const r = await runCmd(process.execPath, [cli, "--out", out], 300_000);
  if (r.code !== 0) throw new Error(`codegen failed:\n${r.stderr}${r.stdout}`);
  return out;
}

export interface Programs {
  dir: string;
  /** main/main.c: the demo firmware. */
  demo: string;
  /** test/integration/mqtt_cli.c: the scriptable client. */
  cli: string;
  /** test/integration/refapp/: an app written against the reference API (null until the public header exists). */
  refapp: string | null;
}

/** The public header a reference-API app includes. */
export const PUBLIC_HEADER = path.join(ROOT, "components/mgos_mqtt/include/mgos_mqtt.h");

/** Builds (or reuses, by content hash) the host programs with ASan/UBSan;
 *  `defines` adds compiler flags (e.g. `-DCONFIG_MGOS_MQTT_STORE_SIZE=131072`). */
export async function buildPrograms(defines: string[] = []): Promise<Programs> {
  const CFLAGS = [...BASE_CFLAGS, ...defines];
  const gen = await genDir();
  const common = [...listC(gen), ...listC(PORT_DIR)];
  const mains: Record<string, string[]> = {
    demo: [path.join(ROOT, "main/main.c")],
    mqtt_cli: [path.join(ROOT, "test/integration/mqtt_cli.c")],
  };
  const haveHeader = fs.existsSync(PUBLIC_HEADER);
  if (haveHeader) mains.refapp = ["app.c", "host_main.c"].map((f) => path.join(ROOT, "test/integration/refapp", f));
  const includes = [...(MBEDTLS_DIR ? [path.join(MBEDTLS_DIR, "include")] : []), gen, path.join(ROOT, "components/mgos_mqtt/include"),
    path.join(ROOT, PORT_DIR), path.join(ROOT, "main"), path.join(ROOT, "test/integration")].map((d) => `-I${d}`);
  // Everything that can change the binaries goes into the cache key.
  const h = crypto.createHash("sha256");
  h.update(CFLAGS.join(" ") + LIBS.join(" ") + includes.join(" "));
  const hashDirs = [gen, path.join(ROOT, PORT_DIR), path.join(ROOT, "main"), path.join(ROOT, "test/integration"),
    path.join(ROOT, "test/integration/refapp"), path.join(ROOT, "components/mgos_mqtt/include")];
  for (const d of hashDirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (!/\.[ch]$/.test(f)) continue;
      h.update(f);
      h.update(fs.readFileSync(path.join(d, f)));
    }
  }
  const key = h.digest("hex").slice(0, 16);
  const dir = path.join(ROOT, "build", "integration", `bin-${key}`);
  const progs: Programs = { dir, demo: path.join(dir, "demo"), cli: path.join(dir, "mqtt_cli"), refapp: haveHeader ? path.join(dir, "refapp") : null };
  if (fs.existsSync(progs.demo) && fs.existsSync(progs.cli)) return progs;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-int-build-"));
  try {
    // Objects once, two at a time (the machine has 2 shared cores), then two links.
    const objs: string[] = [];
    const queue = [...common];
    const worker = async () => {
      for (let src = queue.shift(); src !== undefined; src = queue.shift()) {
        const obj = path.join(tmp, path.basename(path.dirname(src)) + "_" + path.basename(src, ".c") + ".o");
        const r = await runCmd("gcc", [...CFLAGS, ...includes, "-c", src, "-o", obj], 180_000);
        if (r.code !== 0) throw new Error(`compiling ${path.relative(ROOT, src)} failed:\n${r.stderr}`);
        objs.push(obj);
      }
    };
    await Promise.all([worker(), worker()]);
    for (const [name, srcs] of Object.entries(mains)) {
      // The reference app must compile warning-free, unchanged: -Wextra -Werror.
      const strict = name === "refapp" ? ["-Wextra", "-Werror"] : [];
      const r = await runCmd("gcc", [...CFLAGS, ...strict, ...includes, ...srcs, ...objs, ...LIBS, "-o", path.join(tmp, name)], 180_000);
      if (r.code !== 0) throw new Error(`building ${name} failed:\n${r.stderr}`);
    }
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(tmp, dir); // atomic: a parallel build of the same key just loses the race
    } catch {
      if (!fs.existsSync(progs.demo)) throw new Error(`could not move the build to ${dir}`);
    }
  } finally {
    if (fs.existsSync(tmp)) fs.rmSync(tmp, { recursive: true, force: true });
  }
  return progs;
}

// ---------------------------------------------------------------- processes

/** The environment of a program under test: leak checks on, our log level. */
export function sanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ASAN_OPTIONS: "detect_leaks=1:abort_on_error=0:exitcode=86",
    UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1:exitcode=87",
    MGOS_MQTT_LOG_LEVEL: "3",
    ...extra,
  };
}

/** An ASan/LSan/UBSan report in a program's stderr, if any. */
export function sanitizerReport(stderr: string): string | null {
  const m = /(==\d+==ERROR: (AddressSanitizer|LeakSanitizer)[\s\S]*|\S+:\d+:\d+: runtime error:[\s\S]*)/.exec(stderr);
  return m ? m[0].slice(0, 4000) : null;
}

/** A running process whose stdout/stderr lines can be awaited. */
export class Proc {
  child: ChildProcess;
  out = "";
  err = "";
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];
  done = false;

  constructor(public name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv, stdin = false) {
    this.child = spawn(cmd, args, { cwd: ROOT, env: env ?? process.env, stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => { this.out += d; this.wake(); });
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => { this.err += d; this.wake(); });
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => { this.done = true; this.wake(); resolve({ code, signal }); });
      this.child.on("error", () => { this.done = true; this.wake(); resolve({ code: -1, signal: null }); });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Waits until `re` matches stdout (from `from` on); returns the match. */
  async waitOut(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return this.waitIn(() => this.out.slice(from), re, timeoutMs, "stdout");
  }

  async waitErr(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpExecArray> {
    return this.waitIn(() => this.err.slice(from), re, timeoutMs, "stderr");
  }

  private async waitIn(text: () => string, re: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(text());
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0 || this.done) {
        throw new Error(`${this.name}: ${re} not seen on ${what} within ${timeoutMs} ms${this.done ? " (process exited)" : ""}\n` +
          `--- stdout:\n${this.out.slice(-3000)}\n--- stderr:\n${this.err.slice(-3000)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(line + "\n");
  }

  /** Sends a signal by pid (no-op when it already exited). */
  kill(sig: NodeJS.Signals = "SIGTERM"): void {
    if (!this.done && this.child.pid !== undefined) try { process.kill(this.child.pid, sig); } catch { /* gone */ }
  }

  /** Waits for exit; SIGKILL after timeoutMs. */
  async wait(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const t = setTimeout(() => this.kill("SIGKILL"), timeoutMs);
    const r = await this.exited;
    clearTimeout(t);
    return r;
  }
}

/** Stops a program under test cleanly (SIGTERM) and checks exit 0 with no sanitizer report. */
export async function stopClean(p: Proc, timeoutMs = 5000): Promise<void> {
  p.kill("SIGTERM");
  const r = await p.wait(timeoutMs);
  const san = sanitizerReport(p.err);
  if (san) throw new Error(`${p.name}: sanitizer report:\n${san}`);
  if (r.code !== 0) throw new Error(`${p.name}: exit code ${r.code} signal ${r.signal}\n--- stderr:\n${p.err.slice(-3000)}`);
}

// ---------------------------------------------------------------- mosquitto

/** A free TCP port on 127.0.0.1 (the kernel's pick; released before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port });
    c.on("connect", () => { c.destroy(); resolve(true); });
    c.on("error", () => resolve(false));
  });
}

export class Broker {
  proc: Proc | null = null;
  dir: string;
  confPath: string;

  constructor(public port: number, extraConf: string[] = []) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "mosq-"));
    this.confPath = path.join(this.dir, "mosquitto.conf");
    const conf = [`listener ${port} 127.0.0.1`, "persistence false", "log_dest stderr", "log_type error",
      "log_type warning", "log_type notice", ...extraConf];
    if (!extraConf.some((l) => l.startsWith("allow_anonymous") || l.startsWith("password_file"))) conf.push("allow_anonymous true");
    fs.writeFileSync(this.confPath, conf.join("\n") + "\n");
  }

  static async start(extraConf: string[] = []): Promise<Broker> {
    const b = new Broker(await freePort(), extraConf);
    await b.restart();
    return b;
  }

  /** Starts (again) on the same port; waits until it accepts connections. */
  async restart(): Promise<void> {
    this.proc = new Proc("mosquitto", "mosquitto", ["-c", this.confPath]);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (await canConnect(this.port)) return;
      if (this.proc.done) break;
      await sleep(50);
    }
    throw new Error(`mosquitto did not start on port ${this.port}:\n${this.proc.err}`);
  }

  async stop(): Promise<void> {
    if (this.proc === null) return;
    this.proc.kill("SIGTERM");
    await this.proc.wait(3000);
    this.proc = null;
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** mosquitto_sub in the background: lines "topic payload" (-v). */
  sub(topics: string[], args: string[] = []): Proc {
    const a = ["-h", "127.0.0.1", "-p", String(this.port), "-v", ...args];
    for (const t of topics) a.push("-t", t);
    return new Proc("mosquitto_sub", "mosquitto_sub", a);
  }

  /** mosquitto_pub, to completion. */
  async pub(topic: string, msg: string, args: string[] = []): Promise<void> {
    const r = await runCmd("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(this.port), "-t", topic, "-m", msg, ...args], 10_000);
    if (r.code !== 0) throw new Error(`mosquitto_pub ${topic} failed: ${r.stderr}`);
  }
}

/** Waits until a mosquitto_sub has subscribed (it prints nothing, so: a marker message round trip). */
export async function subReady(b: Broker, s: Proc, topic: string): Promise<void> {
  const deadline = Date.now() + 5000;
  let n = 0;
  while (Date.now() < deadline) {
    const mark = `ready-${process.pid}-${n++}`;
    await b.pub(topic, mark);
    try {
      await s.waitOut(new RegExp(mark), 300);
      return;
    } catch { /* not subscribed yet */ }
  }
  throw new Error(`mosquitto_sub on ${topic} never became ready`);
}
