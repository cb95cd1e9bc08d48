// `npm run bench` (scripts/bench.sh): this project's MQTT client side by side
// with the clients a firmware developer would pick instead (libmosquitto,
// Eclipse Paho C, MQTT.js), on the same workloads, through the same local
// mosquitto. Prints one table and writes bench/results/latest.json.
// These are measurements, not tests: nothing here passes or fails on a number.
//
// What is measured (bench/README.md has the method in full):
//   code size   per-object text/data/bss of our component for Cortex-M3 and
//               Xtensa lx106 (-Os), split into generated core, generated
//               config, ports and TLS glue; host x86-64 -Os beside the other
//               libraries' shared objects.
//   RAM         static RAM (data+bss); peak heap and allocation counts from a
//               counting allocator (bench/c/alloc_count.c, LD_PRELOAD).
//   CPU         user-space instructions per message under callgrind: a run
//               with N messages minus the same run with N=0, divided by N,
//               counting the whole process (client library, our code, libc,
//               the bench program; the kernel is not counted).
//   throughput  QoS 0 and QoS 1 publishes per second; round-trip latency.
//   growth      instructions per received message against the number of
//               subscriptions, and per message against the payload size.
// BENCH_QUICK=1: smaller counts and fewer growth points (a few minutes).
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { Broker, Proc, ROOT, haveTool, runCmd } from "../test/integration/support/harness";
import { LINK_TARGETS, LOG_LEVELS, compileObjects, linkRoot, haveCc, mapInputSections, tmpDir } from "../test/build/support/flashlink";
import { flashSymbols } from "./flash_symbols";

const QUICK = process.env.BENCH_QUICK === "1";
const N = {
  thr0: QUICK ? 20000 : 100000, // QoS 0 throughput and allocation counts
  thr1: QUICK ? 4000 : 20000,   // QoS 1 throughput
  flood: QUICK ? 20000 : 100000, // QoS 1 as fast as backpressure allows (ours, libmosquitto)
  lat: QUICK ? 300 : 2000,      // round trips
  cg: QUICK ? 500 : 5000,       // messages per callgrind run
  cgJs: QUICK ? 500 : 1000,     // the same for MQTT.js
};
const SIZES = QUICK ? [16, 1024, 65536] : [16, 256, 1024, 4096, 16384, 65536];
const SUBS = [1, 10, 100];
const WINDOW = 8; // unacknowledged QoS 1 messages per client (our MAX_INFLIGHT default)
const OUT = path.join(ROOT, "build", "bench");
const BIN = path.join(OUT, "bin");
const CG = path.join(OUT, "callgrind");

const T0 = Date.now();
/** Progress on stderr, with the seconds since the start. */
const log = (s: string): void => { process.stderr.write(`[${String(Math.round((Date.now() - T0) / 1000)).padStart(4)} s] ${s}\n`); };

// ---------------------------------------------------------------- building

const GEN = path.join(ROOT, "components/mgos_mqtt/gen");
const PORT = path.join(ROOT, "components/mgos_mqtt/port");
const INC = [GEN, path.join(ROOT, "components/mgos_mqtt/include"), PORT, path.join(ROOT, "bench/c")].map((d) => `-I${d}`);
const listC = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith(".c")).sort().map((f) => path.join(dir, f));

/** Our component's host sources: generated C and the ports except ESP-IDF's. */
function ourSources(): string[] {
  return [...listC(GEN), ...listC(PORT).filter((f) => !/esp32/.test(path.basename(f)))];
}

async function cc(args: string[], what: string): Promise<void> {
  let r = await runCmd("gcc", args, 300_000);
  if (r.code !== 0) {
    // Another engineer's `npm run codegen` may be rewriting gen/ right now: once more, a little later.
    log(`bench: building ${what} failed; trying again in 30 s (gen/ may be being regenerated)`);
    await new Promise((res) => setTimeout(res, 30_000));
    r = await runCmd("gcc", args, 300_000);
  }
  if (r.code !== 0) throw new Error(`building ${what} failed:\n${r.stderr}`);
}

/** Extra -D for the large build: 100 subscriptions, 64 KiB payloads in and out. */
const BIG_DEFS = ["-DBENCH_BIG", "-DCONFIG_MGOS_MQTT_MAX_SUBSCRIPTIONS=128", "-DCONFIG_MGOS_MQTT_MAX_TOPIC_HANDLERS=136", "-DCONFIG_MGOS_MQTT_MAX_GLOBAL_HANDLERS=8",
  "-DCONFIG_MGOS_MQTT_TX_BUF_SIZE=70000", "-DCONFIG_MGOS_MQTT_RX_BUF_SIZE=70000", "-DCONFIG_MGOS_MQTT_STORE_SIZE=140000"];

async function buildAll(): Promise<void> {
  fs.mkdirSync(BIN, { recursive: true });
  const common = path.join(ROOT, "bench/c/bench_common.c");
  const opt = ["-std=c99", "-O2", "-g", "-Wall"];
  const tls = ourSources().some((f) => /tls/.test(path.basename(f)));
  const mbed = tls ? ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"] : [];
  await Promise.all([
    cc([...opt, ...INC, path.join(ROOT, "bench/c/bench_ours.c"), common, ...ourSources(), ...mbed, "-o", path.join(BIN, "ours")], "bench_ours"),
    cc([...opt, ...BIG_DEFS, ...INC, path.join(ROOT, "bench/c/bench_ours.c"), common, ...ourSources(), ...mbed, "-o", path.join(BIN, "ours_big")], "bench_ours (large buffers)"),
  ]);
  await Promise.all([
    cc([...opt, ...INC, path.join(ROOT, "bench/c/bench_mosquitto.c"), common, "-lmosquitto", "-o", path.join(BIN, "mosquitto")], "bench_mosquitto"),
    cc([...opt, ...INC, path.join(ROOT, "bench/c/bench_paho.c"), common, "-lpaho-mqtt3a", "-lpthread", "-o", path.join(BIN, "paho")], "bench_paho"),
  ]);
  await cc(["-O2", "-shared", "-fPIC", "-Wall", path.join(ROOT, "bench/c/alloc_count.c"), "-o", path.join(BIN, "alloc_count.so")], "alloc_count.so");
}

// ---------------------------------------------------------------- clients

interface Client { key: string; label: string; cmd: string[]; big: string[] }
const CLIENTS: Client[] = [
  { key: "ours", label: "ours (mgos_mqtt)", cmd: [path.join(BIN, "ours")], big: [path.join(BIN, "ours_big")] },
  { key: "mosquitto", label: "libmosquitto", cmd: [path.join(BIN, "mosquitto")], big: [path.join(BIN, "mosquitto")] },
  { key: "paho", label: "Paho C (MQTTAsync)", cmd: [path.join(BIN, "paho")], big: [path.join(BIN, "paho")] },
  { key: "mqttjs", label: "MQTT.js", cmd: [process.execPath, path.join(ROOT, "build/bench/node/bench_mqttjs.js")],
    big: [process.execPath, path.join(ROOT, "build/bench/node/bench_mqttjs.js")] },
];

// ---------------------------------------------------------------- the feeder
// Publishes the messages a recv run receives: a raw MQTT 3.1.1 publisher on a
// plain socket (CONNECT, n QoS 0 PUBLISH packets, DISCONNECT), so that it
// costs the client under test nothing and is the same for every client.

function remLen(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function mqttString(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

export function payloadBytes(size: number): Buffer {
  const p = Buffer.alloc(size);
  for (let i = 0; i < size; i++) p[i] = 0x61 + ((i * 7) % 26); // as bench_common.c
  return p;
}

async function feed(port: number, id: string, topic: string, n: number, size: number): Promise<void> {
  const sock = net.connect({ host: "127.0.0.1", port });
  sock.setNoDelay(true);
  await new Promise<void>((resolve, reject) => { sock.once("connect", resolve); sock.once("error", reject); });
  const vh = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60]); // "MQTT", level 4, clean session, keepalive 60
  const cp = Buffer.concat([vh, mqttString(id)]);
  sock.write(Buffer.concat([Buffer.from([0x10]), remLen(cp.length), cp]));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("feeder: no CONNACK in 10 s")), 10_000);
    sock.once("data", (d: Buffer) => {
      clearTimeout(t);
      if (d[0] !== 0x20 || d[3] !== 0) reject(new Error(`feeder: CONNACK refused: ${d.toString("hex")}`));
      else resolve();
    });
  });
  const body = Buffer.concat([mqttString(topic), payloadBytes(size)]);
  const pkt = Buffer.concat([Buffer.from([0x30]), remLen(body.length), body]);
  // Batches of about 64 KiB per write; wait for 'drain' when the socket is full.
  const per = Math.max(1, Math.floor(65536 / pkt.length));
  const batch = Buffer.concat(Array.from({ length: per }, () => pkt));
  for (let sent = 0; sent < n;) {
    const k = Math.min(per, n - sent);
    const ok = sock.write(k === per ? batch : batch.subarray(0, k * pkt.length));
    sent += k;
    if (!ok) await new Promise((r) => sock.once("drain", r));
  }
  sock.end(Buffer.from([0xe0, 0x00])); // DISCONNECT, after every PUBLISH
  await new Promise<void>((resolve) => { sock.once("close", () => resolve()); sock.resume(); });
}

// ---------------------------------------------------------------- one run

interface RunSpec { mode: "pub0" | "pub1" | "recv" | "lat" | "flood"; n: number; size: number; subs?: number; big?: boolean }
interface RunOut {
  result: { n: number; done: number; us: number; p50_us?: number; p99_us?: number; lost?: number; refused?: number };
  ir?: number;          // callgrind: instructions of the whole process
  alloc?: { allocs: number; frees: number; peak_bytes: number };
  cgFile?: string;
}

let runSeq = 0;

// The broker must outlive every run. If it has gone (it crashed, or something
// on this shared machine killed it), say how and start it again on the same
// port; concurrent runs share one restart.
let brokerRestart: Promise<void> | null = null;
let stopping = false;
function watchBroker(broker: Broker): void {
  const p = broker.proc;
  if (p === null) return;
  void p.exited.then((r) => {
    if (!stopping) log(`bench: the broker exited (code ${r.code}, signal ${r.signal ?? "none"}); stderr: ${p.err.trim().split("\n").slice(-3).join(" | ") || "(empty)"}`);
  });
}
async function ensureBroker(broker: Broker): Promise<void> {
  if (broker.proc !== null && !broker.proc.done) return;
  if (brokerRestart === null) {
    brokerRestart = (async () => {
      log(`bench: restarting the broker on port ${broker.port}`);
      await broker.restart();
      watchBroker(broker);
    })().finally(() => { brokerRestart = null; });
  }
  await brokerRestart;
}

async function runOne(c: Client, spec: RunSpec, broker: Broker, how: { callgrind?: boolean; alloc?: boolean } = {}): Promise<RunOut> {
  await ensureBroker(broker);
  const id = `${c.key}-${process.pid}-${++runSeq}`;
  const argv = [...(spec.big ? c.big : c.cmd), "--mode", spec.mode, "--n", String(spec.n), "--size", String(spec.size),
    "--subs", String(spec.subs ?? 1), "--window", String(WINDOW), "--port", String(broker.port), "--id", id];
  const env: NodeJS.ProcessEnv = { ...process.env, MGOS_MQTT_LOG_LEVEL: "0" };
  let cgFile: string | undefined;
  let allocFile: string | undefined;
  if (how.callgrind) {
    fs.mkdirSync(CG, { recursive: true });
    cgFile = path.join(CG, `${c.key}-${spec.mode}-n${spec.n}-s${spec.size}-k${spec.subs ?? 1}${spec.big ? "-big" : ""}.out`);
    argv.unshift("valgrind", "--tool=callgrind", `--callgrind-out-file=${cgFile}`);
  }
  if (how.alloc) {
    allocFile = path.join(OUT, `alloc-${id}.txt`);
    env.LD_PRELOAD = path.join(BIN, "alloc_count.so");
    env.ALLOC_COUNT_OUT = allocFile;
  }
  const p = new Proc(`${c.key} ${spec.mode}`, argv[0], argv.slice(1), env);
  const limit = how.callgrind ? 600_000 : 180_000;
  const killer = setTimeout(() => p.kill("SIGKILL"), limit);
  try {
    if (spec.mode === "recv") {
      await p.waitOut(/^READY$/m, limit);
      if (spec.n > 0) await feed(broker.port, `feed-${id}`, `bench/${id}/s/${(spec.subs ?? 1) - 1}`, spec.n, spec.size);
    }
    const r = await p.wait(limit);
    if (r.code !== 0) throw new Error(`${argv.join(" ")}: exit ${r.code} ${r.signal ?? ""}\n${p.err.slice(-2000)}`);
  } finally {
    clearTimeout(killer);
    p.kill("SIGKILL");
  }
  const m = /^RESULT (\{.*\})$/m.exec(p.out);
  if (!m) throw new Error(`${argv.join(" ")}: no RESULT line\n${p.out.slice(-1000)}\n${p.err.slice(-1000)}`);
  const out: RunOut = { result: JSON.parse(m[1]), cgFile };
  if (out.result.done !== spec.n) throw new Error(`${argv.join(" ")}: ${out.result.done} of ${spec.n} messages`);
  if (how.callgrind) {
    const ir = /Collected : (\d+)/.exec(p.err);
    if (!ir) throw new Error(`${argv.join(" ")}: no callgrind total\n${p.err.slice(-1000)}`);
    out.ir = Number(ir[1]);
  }
  if (allocFile) {
    const a = /allocs=(\d+) frees=(\d+) peak_bytes=(\d+)/.exec(fs.existsSync(allocFile) ? fs.readFileSync(allocFile, "utf8") : "");
    if (!a) throw new Error(`${argv.join(" ")}: the counting allocator wrote no report`);
    out.alloc = { allocs: Number(a[1]), frees: Number(a[2]), peak_bytes: Number(a[3]) };
    fs.rmSync(allocFile, { force: true });
  }
  return out;
}

/** Runs jobs at most `width` at a time (the machine has 2 shared cores). */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) out[i] = await jobs[i]();
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}

// ---------------------------------------------------------------- code size

interface Sizes { text: number; data: number; bss: number }
const zero = (): Sizes => ({ text: 0, data: 0, bss: 0 });

/** Which part of the component a source file is. */
function category(f: string): string | null {
  const b = path.basename(f);
  if (path.dirname(f) === GEN) return b.startsWith("config") ? "config" : "core";
  if (/tls/.test(b)) return "tls";
  if (/esp32/.test(b)) return null; // needs ESP-IDF headers
  if (/posix/.test(b)) return "port_host";
  return "ports";
}

interface SizeTarget { name: string; cc: string; size: string; flags: string[]; gen: string[]; hosted: string[] | null }
// `gen`: extra flags for the generated C. `hosted`: extra flags for the
// hand-written C (ports, TLS glue), which needs a C library's headers (null:
// none for that target). Debian's lx106 toolchain has none: those sources are
// compiled against newlib's generic headers (libnewlib-dev, the C library an
// ESP8266 SDK links); the generated C needs none (rt.h uses compiler
// built-ins when freestanding), as in the cross-build test tier.
const NEWLIB_INC = "/usr/include/newlib";
const SIZE_TARGETS: SizeTarget[] = [
  { name: "cortex-m3", cc: "arm-none-eabi-gcc", size: "arm-none-eabi-size", flags: ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections"],
    gen: [], hosted: [] }, // newlib comes with the toolchain
  { name: "xtensa-lx106", cc: "xtensa-lx106-elf-gcc", size: "xtensa-lx106-elf-size", flags: ["-Os", "-mlongcalls", "-ffunction-sections", "-fdata-sections"],
    gen: ["-ffreestanding"], hosted: fs.existsSync(path.join(NEWLIB_INC, "stdio.h")) ? ["-isystem", NEWLIB_INC] : null },
  { name: "host-x86_64", cc: "gcc", size: "size", flags: ["-Os", "-ffunction-sections", "-fdata-sections"], gen: [], hosted: [] },
];

/** Sizes of one target: per part (core, config, ports, port_host, tls; null when
 *  it could not be built there) and per source file ("gen/codec", "port/compat").
 *  tlsNote says how the TLS glue was measured (or why not). */
interface TargetSizes {
  parts: Record<string, Sizes | null>; files: Record<string, Sizes>; tlsNote: string;
  /** Linked with --gc-sections from the roots of bench/c/size_roots.c: per file, what is kept. */
  linked: { typical: Record<string, Sizes>; full: Record<string, Sizes> } | null;
}

/** The module a generated file belongs to, for the per-module split. Every
 *  generated file has a row (a new one lands in "other generated" until it
 *  gets its own), so the rows add up to what the link keeps. */
function moduleOf(file: string): string {
  const [dir, b] = file.split("/");
  if (dir === "port") return b.startsWith("port_") ? "host port (POSIX)" : /tls/.test(b) ? "TLS glue" : "ports";
  if (b.startsWith("config")) return "config";
  if (b === "conn" || b === "facade" || b === "mg_mqtt") return "conn/facade/mg_mqtt";
  if (b === "mg_types" || b === "port" || b === "rt" || b === "loglevel" || b === "options") return "rt/port/mg_types";
  if (["codec5", "packet5", "session5", "mqtt5", "mqtt5_api"].includes(b)) return MQTT5_ROW;
  if (CORE_MODULES.includes(b)) return b; // codec, packet, topic, session, delivery, persist, ws
  return "other generated";
}
/** The generated core's rows (the generated config aside), then the rest. */
const MQTT5_ROW = "MQTT 5 (codec5, packet5, session5, mqtt5, mqtt5_api)";
const CORE_MODULES = ["codec", MQTT5_ROW, "packet", "topic", "session", "delivery", "persist", "conn/facade/mg_mqtt", "ws",
  "rt/port/mg_types", "other generated"];
const MODULES = [...CORE_MODULES, "config", "ports", "TLS glue", "host port (POSIX)"];

/** Per-part sums of per-object sizes, and the per-file sizes they come from. */
async function codeSize(): Promise<Record<string, TargetSizes>> {
  const out: Record<string, TargetSizes> = {};
  const srcs = listC(GEN).concat(listC(PORT));
  const tlsSrc = srcs.filter((f) => category(f) === "tls");
  // mbedTLS headers for the TLS glue on cross targets: Debian's (the host's;
  // mbedTLS's headers are target-independent C, the configuration included),
  // through a folder that holds only them, so that the host's libc headers
  // do not leak into a cross build.
  const mbedInc = path.join(OUT, "mbedtls-inc");
  const haveMbed = fs.existsSync("/usr/include/mbedtls/ssl.h");
  if (haveMbed && !fs.existsSync(path.join(mbedInc, "mbedtls"))) {
    fs.mkdirSync(mbedInc, { recursive: true });
    fs.symlinkSync("/usr/include/mbedtls", path.join(mbedInc, "mbedtls"));
    if (fs.existsSync("/usr/include/psa")) fs.symlinkSync("/usr/include/psa", path.join(mbedInc, "psa"));
  }
  for (const t of SIZE_TARGETS) {
    const cats: Record<string, Sizes | null> = { core: null, config: null, ports: null, port_host: null, tls: null };
    const files: Record<string, Sizes> = {};
    const host = t.name === "host-x86_64";
    let tlsNote = tlsSrc.length === 0 ? "not built yet (no components/mgos_mqtt/port/*tls*.c)" : "";
    let linked: TargetSizes["linked"] = null;
    if (!haveTool(t.cc)) { out[t.name] = { parts: cats, files, tlsNote: `no ${t.cc}`, linked }; continue; }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-size-${t.name}-`));
    try {
      const jobs = srcs.map((src) => async () => {
        const cat = category(src);
        if (cat === null || (cat === "port_host" && !host)) return null;
        const handWritten = cat === "ports" || cat === "tls";
        if (handWritten && t.hosted === null) return null; // no C library headers for this target
        if (!host && cat === "tls" && !haveMbed) return null;
        const name = path.basename(path.dirname(src)) + "/" + path.basename(src, ".c");
        const obj = path.join(dir, name.replace("/", "_") + ".o");
        const extra = [...(handWritten ? t.hosted ?? [] : t.gen), ...(cat === "tls" && !host ? [`-I${mbedInc}`] : [])];
        const r = await runCmd(t.cc, ["-std=c99", ...t.flags, ...extra, ...INC, "-c", src, "-o", obj], 120_000);
        const why = r.code === 0 ? "" : (r.stderr.split("\n").find((l) => /error/.test(l)) ?? r.stderr.slice(0, 200)).replace(/^.*?error: /, "");
        if (r.code !== 0) log(`bench: size: ${name} does not build for ${t.name}: ${why}`);
        return { cat, obj, name, ok: r.code === 0, why };
      });
      const built = await pool(jobs, 2);
      const failed = new Set<string>();
      for (const b of built) if (b && !b.ok) failed.add(b.cat);
      const objs = built.filter((b): b is { cat: string; obj: string; name: string; ok: boolean; why: string } => b !== null && b.ok);
      const tlsWhy = built.find((b) => b !== null && b.cat === "tls" && !b.ok)?.why ?? "";
      if (objs.length) {
        const r = await runCmd(t.size, objs.map((b) => b.obj), 60_000);
        for (const line of r.stdout.split("\n").slice(1)) {
          const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+[0-9a-f]+\s+(.+)$/.exec(line);
          if (!m) continue;
          const b = objs.find((o) => o.obj === m[4].trim());
          if (!b) continue;
          const one = { text: Number(m[1]), data: Number(m[2]), bss: Number(m[3]) };
          files[b.name] = one;
          if (failed.has(b.cat)) continue; // a part with a missing file has no honest sum
          const s = cats[b.cat] ?? (cats[b.cat] = zero());
          s.text += one.text; s.data += one.data; s.bss += one.bss;
        }
      }
      if (!host) linked = await linkedSizes(t, dir, objs);
      if (tlsSrc.length > 0) {
        tlsNote = cats.tls !== null ? (host ? "host build against Debian's mbedTLS" : "cross-built against Debian's mbedTLS headers")
          : !host && !haveMbed ? "no mbedTLS headers for this target (host size only)" : `does not build for this target (${tlsWhy}): host size only`;
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    out[t.name] = { parts: cats, files, tlsNote, linked };
  }
  return out;
}

/** The public API's functions, from the generated header: the roots of the "full API" link. */
function publicFunctions(): string[] {
  const h = fs.readFileSync(path.join(ROOT, "components/mgos_mqtt/include/mgos_mqtt.h"), "utf8");
  const names = new Set<string>();
  for (const m of h.matchAll(/^[A-Za-z][\w \t*]*?\b(\w+)\s*\(/gm)) if (!/^(typedef|return|void|int|struct|if|while|sizeof)$/.test(m[1])) names.add(m[1]);
  return [...names];
}

/**
 * What a firmware links of our code: the target's objects (generated core,
 * config, portable ports; no platform port, no TLS glue) linked with
 * --gc-sections, -nostdlib and unresolved symbols allowed (the port_*
 * functions and the C library are not ours), from two sets of roots:
 * bench/c/size_roots.c (a typical firmware, plus the port's entry points) and
 * every function of mgos_mqtt.h. The kept input sections are summed per
 * object from the linker map. Null when the link fails (logged).
 */
async function linkedSizes(t: SizeTarget, dir: string, objs: { cat: string; obj: string; name: string }[]): Promise<TargetSizes["linked"]> {
  const ours = objs.filter((o) => o.cat === "core" || o.cat === "config" || o.cat === "ports");
  const rootsSrc = path.join(dir, "size_roots_full.c");
  const fns = publicFunctions().filter((f) => !/^mgos_mqtt_(poll|run)$/.test(f)); // the host port's loop
  fs.writeFileSync(rootsSrc, `/* Generated by bench/run.ts: every function of mgos_mqtt.h, as link roots. */
#include "conn.h"
#include "mgos_mqtt.h"
typedef void (*size_fn)(void);
const size_fn size_roots_full[] = {
${fns.map((f) => `  (size_fn) ${f},`).join("\n")}
  (size_fn) mgos_mqtt_port_on_connect, (size_fn) mgos_mqtt_port_on_recv, (size_fn) mgos_mqtt_port_on_close, (size_fn) mgos_mqtt_port_poll,
};
`);
  const hosted = t.hosted ?? [];
  const roots: Record<string, { src: string; sym: string }> = {
    typical: { src: path.join(ROOT, "bench/c/size_roots.c"), sym: "size_root_typical" },
    full: { src: rootsSrc, sym: "size_roots_full" },
  };
  const res: Record<string, Record<string, Sizes>> = {};
  for (const [k, r] of Object.entries(roots)) {
    const obj = path.join(dir, `roots_${k}.o`), elf = path.join(dir, `linked_${k}.elf`), map = path.join(dir, `linked_${k}.map`);
    const c = await runCmd(t.cc, ["-std=c99", ...t.flags, ...hosted, ...INC, "-c", r.src, "-o", obj], 120_000);
    const l = c.code !== 0 ? c : await runCmd(t.cc, [...t.flags, "-nostdlib", "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all",
      `-Wl,--undefined=${r.sym}`, `-Wl,-e,${r.sym}`, `-Wl,-Map=${map}`, obj, ...ours.map((o) => o.obj), "-o", elf], 120_000);
    if (l.code !== 0) { log(`bench: size: linking ${k} for ${t.name} failed: ${l.stderr.slice(0, 400)}`); return null; }
    const byObj = mapSizes(fs.readFileSync(map, "utf8"));
    res[k] = {};
    for (const o of ours) if (byObj.has(o.obj)) res[k][o.name] = byObj.get(o.obj)!;
  }
  return { typical: res.typical, full: res.full };
}

/** Kept input sections per object file, from a GNU ld map (flashlink's reading of it). */
function mapSizes(map: string): Map<string, Sizes> {
  const out = new Map<string, Sizes>();
  for (const r of mapInputSections(map)) {
    if (!r.obj.endsWith(".o")) continue;
    // Loaded sections only (not .comment, .ARM.attributes, .xt.prop, debug info).
    const kind = /^\.(text|rodata|literal|init_array|fini_array|ctors|dtors|ARM\.exidx|ARM\.extab)/.test(r.sec) ? "text"
      : /^\.(s?data)/.test(r.sec) ? "data" : /^(\.s?bss|COMMON)/.test(r.sec) ? "bss" : null;
    if (kind === null) continue;
    const s = out.get(r.obj) ?? zero();
    s[kind] += r.size;
    out.set(r.obj, s);
  }
  return out;
}

/** Per-module sums (MODULES) of per-file sizes (by default, the per-object ones). */
function moduleSizes(t: TargetSizes | undefined, files?: Record<string, Sizes>): Record<string, Sizes | null> {
  const out: Record<string, Sizes | null> = {};
  for (const m of MODULES) out[m] = null;
  for (const [f, s] of Object.entries(files ?? t?.files ?? {})) {
    const m = moduleOf(f);
    if (!(m in out)) continue;
    const o = out[m] ?? (out[m] = zero());
    o.text += s.text; o.data += s.data; o.bss += s.bss;
  }
  return out;
}

/** Sizes of the other clients' shared objects on the host (they have no MCU build here). */
function libSize(file: string): Sizes | null {
  const r = spawnSync("size", [file], { encoding: "utf8" });
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(r.stdout ?? "");
  return m ? { text: Number(m[1]), data: Number(m[2]), bss: Number(m[3]) } : null;
}

function findLib(name: string): string | null {
  for (const d of ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"]) {
    const f = path.join(d, name);
    if (fs.existsSync(f)) return fs.realpathSync(f);
  }
  return null;
}

/** Exclusive instructions per function of one callgrind output. callgrind
 *  splits a function by the source file of each instruction (code inlined
 *  from rt.h counts as "rt.h:Session_parse"): the parts are summed per name. */
async function fnCosts(file: string): Promise<Map<string, number>> {
  const r = await runCmd("callgrind_annotate", ["--auto=no", "--inclusive=no", "--threshold=100", file], 120_000);
  if (r.code !== 0) throw new Error(`callgrind_annotate ${file} failed: ${r.stderr.slice(0, 300)}`);
  const out = new Map<string, number>();
  const lines = r.stdout.split("\n");
  const from = lines.findIndex((l) => /file:function/.test(l));
  for (const line of lines.slice(from + 2)) {
    const m = /^\s*([\d,]+) \([^)]*\)\s+(.+?)(?: \[[^\]]*\])?$/.exec(line);
    if (!m) continue;
    const fn = m[2].slice(m[2].lastIndexOf(":") + 1);
    out.set(fn, (out.get(fn) ?? 0) + Number(m[1].replace(/,/g, "")));
  }
  return out;
}

/** The top functions by exclusive instructions per message: (run with n
 *  messages - baseline run) / n, with their share of the per-message total. */
async function hotspotText(withFile: string, baseFile: string, n: number, top = 10): Promise<string> {
  const [withN, without] = await Promise.all([fnCosts(withFile), fnCosts(baseFile)]);
  const per: [string, number][] = [];
  let total = 0;
  for (const [fn, ir] of withN) {
    const x = (ir - (without.get(fn) ?? 0)) / n;
    per.push([fn, x]);
    total += x;
  }
  for (const [fn, ir] of without) if (!withN.has(fn)) total -= ir / n;
  per.sort((a, b) => b[1] - a[1]);
  return per.slice(0, top).filter((x) => x[1] >= 1)
    .map(([fn, x]) => `${int(x).padStart(7)}  ${((100 * x) / total).toFixed(1).padStart(5)}%  ${fn}`).join("\n");
}

// ---------------------------------------------------------------- machine

function sh(cmd: string): string {
  const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
  return (r.stdout ?? "").trim();
}

function machine(): Record<string, string> {
  const lscpu = sh("lscpu");
  const field = (k: string): string => (new RegExp(`^${k}:\\s*(.*)$`, "m").exec(lscpu)?.[1] ?? "").trim();
  const deb = (p: string): string => sh(`dpkg-query -W -f='\${Version}' ${p} 2>/dev/null`);
  let mqttjs = "";
  try { mqttjs = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/mqtt/package.json"), "utf8")).version; } catch { /* absent */ }
  return {
    cpu: `${field("Model name")} (${field("Architecture")}, ${field("CPU\\(s\\)")} CPUs)`,
    os: sh(". /etc/os-release && echo \"$PRETTY_NAME\"") + `, kernel ${os.release()}`,
    node: process.version,
    gcc: sh("gcc -dumpfullversion"),
    valgrind: sh("valgrind --version"),
    mosquitto_broker: deb("mosquitto"),
    libmosquitto: deb("libmosquitto1"),
    paho: deb("libpaho-mqtt1.3"),
    mqttjs,
    git: sh(`git -C '${ROOT}' rev-parse --short HEAD`),
    lscpu: sh("lscpu | head -20"),
  };
}

// ---------------------------------------------------------------- the table

type Cell = string;
const kib = (b: number): string => (b >= 10240 ? `${(b / 1024).toFixed(0)} KiB` : b >= 1024 ? `${(b / 1024).toFixed(1)} KiB` : `${b} B`);
const int = (x: number): string => Math.round(x).toLocaleString("en-US");

function renderTable(rows: [string, Cell[]][], head: string[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 0 ? r[0] : r[1][i - 1] ?? "").length)));
  const line = (cells: string[]): string => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ") + " |";
  const out = [line(head), "|" + w.map((x, i) => (i === 0 ? "-".repeat(x + 2) : "-".repeat(x + 1) + ":")).join("|") + "|"];
  for (const [name, cells] of rows) out.push(line([name, ...cells]));
  return out.join("\n");
}

/** coreMQTT v2.3.1's own size table (docs/doxygen/include/size_table.md, -Os,
 *  -DNDEBUG, "GCC for ARM Cortex-M"): core_mqtt.c + core_mqtt_state.c +
 *  core_mqtt_serializer.c. Printed beside ours for reference, not measured here. */
const COREMQTT_PUBLISHED_B = 5323;

/** Linked flash with libgcc (test/build/support/flashlink.ts): the protocol core
 *  and the typical firmware, per target and log level (CONFIG_MGOS_MQTT_LOG_LEVEL).
 *  `typical`: per target, the typical firmware at the default level (error),
 *  ours and libgcc, for the check against the per-module table. */
function flashTable(): { text: string; typical: Record<string, { ours: number; libgcc: number }> } {
  const typical: Record<string, { ours: number; libgcc: number }> = {};
  const rows: string[] = [];
  const levels = ["error", "none"];
  rows.push("Linked flash, libgcc included (-Os, --gc-sections; bench/c/size_roots.c), bytes:");
  rows.push("| target | log level | protocol core (codec, packet, topic, session) | of it libgcc | typical firmware via mgos_mqtt.h | of it libgcc |");
  rows.push("|---|---|---:|---:|---:|---:|");
  for (const t of LINK_TARGETS) {
    if (!haveCc(t)) { rows.push(`| ${t.name} | - | no ${t.cc} | | | |`); continue; }
    for (const lv of levels) {
      const dir = tmpDir(`bench-${t.name}-${lv}`);
      try {
        const defs = [`-DCONFIG_MGOS_MQTT_LOG_LEVEL=${LOG_LEVELS[lv]}`];
        const objs = compileObjects(t, defs, dir);
        const core = linkRoot(t, objs, "size_root_core", defs, dir);
        const typ = linkRoot(t, objs, "size_root_typical", defs, dir);
        rows.push(`| ${t.name} | ${lv}${lv === "error" ? " (default)" : ""} | ${int(core.total)} | ${int(core.libgcc)} | ${int(typ.total)} | ${int(typ.libgcc)} |`);
        if (lv === "error") typical[t.name] = { ours: typ.ours, libgcc: typ.libgcc };
      } catch (e) {
        rows.push(`| ${t.name} | ${lv} | build failed: ${String(e).split("\n")[0]} | | | |`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  rows.push(`| coreMQTT v2.3.1 (its published size table: GCC, ARM Cortex-M, -Os -DNDEBUG) | - | ${int(COREMQTT_PUBLISHED_B)} | | | |`);
  rows.push("coreMQTT's figure is from its own size table, for reference: it leaves to the application what our core does itself");
  rows.push("(reconnect, offline queue, subscriptions kept across reconnects, logging), and its build is not ours.");
  return { text: rows.join("\n"), typical };
}

/** Our code size per module, flash / static RAM: per object on each target,
 *  and linked (--gc-sections) for a typical firmware and for the whole API. */
function moduleTable(sizes: Record<string, TargetSizes>): { mods: Record<string, Record<string, Sizes | null>>; modTable: string } {
  const fr = (s: Sizes): string => `${int(s.text + s.data)} / ${int(s.data + s.bss)}`;
  const cols: { head: string; t: string; how: "objects" | "typical" | "full" }[] = [];
  for (const t of SIZE_TARGETS) {
    const short = t.name === "cortex-m3" ? "Cortex-M3" : t.name === "xtensa-lx106" ? "lx106" : "host x86-64";
    cols.push({ head: `${short}: objects`, t: t.name, how: "objects" });
    if (t.name !== "host-x86_64") {
      cols.push({ head: `${short}: linked, typical`, t: t.name, how: "typical" });
      cols.push({ head: `${short}: linked, full API`, t: t.name, how: "full" });
    }
  }
  const mods: Record<string, Record<string, Sizes | null>> = {};
  for (const c of cols) {
    const z = sizes[c.t];
    const files = c.how === "objects" ? z?.files : z?.linked?.[c.how];
    mods[`${c.t}:${c.how}`] = files ? moduleSizes(z, files) : Object.fromEntries(MODULES.map((m) => [m, null]));
  }
  const CORE = CORE_MODULES;
  const coreSum = (m: Record<string, Sizes | null>): Sizes | null => {
    const t = zero();
    let any = false;
    for (const k of CORE) { const x = m[k]; if (x) { any = true; t.text += x.text; t.data += x.data; t.bss += x.bss; } }
    return any ? t : null;
  };
  const cell = (c: typeof cols[number], m: string): string => {
    const x = m === "= generated core" ? coreSum(mods[`${c.t}:${c.how}`]) : mods[`${c.t}:${c.how}`][m];
    if (x) return fr(x);
    if (m === "TLS glue") return c.how !== "objects" ? "-" : sizes[c.t]?.tlsNote.startsWith("not built") ? "not built yet" : "host only⁴";
    if (m === "host port (POSIX)") return "-";
    return c.how === "objects" || sizes[c.t]?.linked ? "0 / 0" : "n/a";
  };
  // "other generated" only when some generated file has no row of its own.
  const names = [...CORE, "= generated core", ...MODULES.slice(CORE.length)]
    .filter((m) => m !== "other generated" || cols.some((c) => mods[`${c.t}:${c.how}`][m]));
  const modRows: [string, Cell[]][] = names.map((m) => [m, cols.map((c) => cell(c, m))]);
  const modTable = renderTable(modRows, ["module (flash / static RAM, B)", ...cols.map((c) => c.head)]);
  return { mods, modTable };
}

// ---------------------------------------------------------------- main

interface ClientResults {
  throughput: { pub0_msgs_s: number; pub1_msgs_s: number; recv0_msgs_s: number; lat_p50_us: number; lat_p99_us: number;
    flood_msgs_s?: number; flood_lost?: number; flood_refused?: number };
  heap: { peak_idle_bytes: number; peak_bytes: number; allocs_per_100k_pub0: number; allocs_per_100k_recv0: number; allocs_baseline: number };
  ir: Record<string, number>;      // instructions per message, by workload
  subs: Record<string, number>;    // recv 16 B, by number of subscriptions
  payload_pub0: Record<string, number>;
  payload_recv0: Record<string, number>;
}

/** `--cpu`: the instruction counts of the full run's publish rows (QoS 0 and 1,
 *  16 B) for ours and libmosquitto only, the same callgrind runs (N.cg messages
 *  minus a run with none), with our hotspots; nothing written. */
async function cpuOnly(): Promise<void> {
  log(`bench --cpu: ${QUICK ? "quick" : "full"} counts (${N.cg} messages per run); building the bench programs`);
  await buildAll();
  const broker = await Broker.start(["max_queued_messages 0", "max_queued_bytes 0"]);
  watchBroker(broker);
  try {
    const rows: string[] = [];
    const per: Record<string, Record<string, number>> = {};
    for (const c of CLIENTS.filter((x) => x.key === "ours" || x.key === "mosquitto")) {
      per[c.key] = {};
      for (const mode of ["pub0", "pub1"] as const) {
        const [base, run] = await pool([
          () => runOne(c, { mode, n: 0, size: 16 }, broker, { callgrind: true }),
          () => runOne(c, { mode, n: N.cg, size: 16 }, broker, { callgrind: true }),
        ], 2);
        per[c.key][mode] = (run.ir! - base.ir!) / N.cg;
        if (c.key === "ours" && run.cgFile && base.cgFile) rows.push(`Our hotspots, ${mode} 16 B:\n${await hotspotText(run.cgFile, base.cgFile, N.cg)}`);
      }
    }
    for (const mode of ["pub0", "pub1"]) {
      const o = per.ours[mode], m = per.mosquitto[mode];
      console.log(`instructions / ${mode === "pub0" ? "QoS 0 publish" : "QoS 1 publish + PUBACK"}, 16 B: ours ${int(Math.round(o))}, libmosquitto ${int(Math.round(m))}, ratio ${(o / m).toFixed(3)}`);
    }
    for (const r of rows) console.log(`\n${r}`);
  } finally {
    stopping = true;
    await broker.close();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const need = ["gcc", "valgrind", "mosquitto"];
  const miss = need.filter((t) => !haveTool(t));
  if (miss.length) throw new Error(`missing tools: ${miss.join(", ")} (scripts/bench.sh installs them)`);
  // `--hotspots <run.out> <baseline.out> <n>`: our hotspots from two callgrind files of build/bench/callgrind.
  const hi = process.argv.indexOf("--hotspots");
  if (hi > 0) {
    const [f, b, n] = process.argv.slice(hi + 1);
    if (!f || !b || !(Number(n) > 0)) throw new Error("usage: --hotspots <run.out> <baseline.out> <messages in the run>");
    console.log(await hotspotText(path.resolve(f), path.resolve(b), Number(n), 20));
    return;
  }
  // `--symbols [level] [typical|core]`: linked flash per function (bench/flash_symbols.ts).
  const si = process.argv.indexOf("--symbols");
  if (si > 0) {
    const [level, root] = process.argv.slice(si + 1);
    console.log(flashSymbols(level ?? "error", root ?? "typical"));
    return;
  }
  if (process.argv.includes("--cpu")) {
    await cpuOnly();
    return;
  }
  const sizesOnly = process.argv.includes("--sizes"); // code size only: no broker, nothing written
  if (!sizesOnly) {
    log(`bench: ${QUICK ? "quick mode (BENCH_QUICK=1)" : "full run"}; building the bench programs`);
    await buildAll();
  }
  log("bench: code size");
  const sizes = await codeSize();
  if (sizesOnly) {
    const flash = flashTable();
    console.log(flash.text);
    const { mods, modTable } = moduleTable(sizes);
    console.log(modTable);
    // The per-module rows of a typical firmware's link must add up to what
    // flashlink.ts's link of the same roots keeps of our objects.
    for (const [t, f] of Object.entries(flash.typical)) {
      const m = mods[`${t}:typical`];
      let sum = 0;
      for (const k of MODULES) { const x = m?.[k]; if (x) sum += x.text + x.data; }
      const same = sum === f.ours;
      console.log(`${t}: typical firmware, module rows ${int(sum)} B, flashlink's link ${int(f.ours)} B of ours + ${int(f.libgcc)} B of libgcc: ` +
        (same ? "rows add up" : `rows differ by ${int(sum - f.ours)} B`));
      if (!same) process.exitCode = 1;
    }
    for (const [t, z] of Object.entries(sizes)) console.log(`${t}: TLS glue: ${z.tlsNote}`);
    return;
  }

  // QoS 0 to a slow (callgrind) subscriber must not be dropped: no queue limit.
  const broker = await Broker.start(["max_queued_messages 0", "max_queued_bytes 0"]);
  watchBroker(broker);
  const res: Record<string, ClientResults> = {};
  // The 1-minute load average as each client's timed runs start: the wall-clock
  // figures are only comparable when the machine was equally busy.
  const loads: number[] = [];
  const hotspots: Record<string, string> = {};
  try {
    // ---- native runs, one at a time: throughput, latency, heap
    for (const c of CLIENTS) {
      log(`bench: ${c.label}: throughput, latency, heap (load average ${os.loadavg()[0].toFixed(1)})`);
      loads.push(os.loadavg()[0]);
      const base = await runOne(c, { mode: "pub0", n: 0, size: 16 }, broker, { alloc: true });
      const p0 = await runOne(c, { mode: "pub0", n: N.thr0, size: 16 }, broker, { alloc: true });
      const p1 = await runOne(c, { mode: "pub1", n: N.thr1, size: 16 }, broker);
      const rbase = await runOne(c, { mode: "recv", n: 0, size: 16 }, broker, { alloc: true });
      const r0 = await runOne(c, { mode: "recv", n: N.thr0, size: 16 }, broker, { alloc: true });
      const lat = await runOne(c, { mode: "lat", n: N.lat, size: 16 }, broker);
      const fl = c.key === "ours" || c.key === "mosquitto" ? await runOne(c, { mode: "flood", n: N.flood, size: 16 }, broker) : null;
      const per100k = (a: RunOut, b: RunOut): number => ((a.alloc!.allocs - b.alloc!.allocs) * 100000) / N.thr0;
      res[c.key] = {
        throughput: {
          pub0_msgs_s: (N.thr0 * 1e6) / p0.result.us,
          pub1_msgs_s: (N.thr1 * 1e6) / p1.result.us,
          recv0_msgs_s: r0.result.us > 0 ? ((N.thr0 - 1) * 1e6) / r0.result.us : 0,
          lat_p50_us: lat.result.p50_us ?? 0,
          lat_p99_us: lat.result.p99_us ?? 0,
          ...(fl ? { flood_msgs_s: (fl.result.done * 1e6) / fl.result.us, flood_lost: fl.result.lost ?? -1, flood_refused: fl.result.refused ?? 0 } : {}),
        },
        heap: {
          peak_idle_bytes: Math.max(base.alloc!.peak_bytes, rbase.alloc!.peak_bytes),
          peak_bytes: Math.max(p0.alloc!.peak_bytes, r0.alloc!.peak_bytes),
          allocs_per_100k_pub0: per100k(p0, base),
          allocs_per_100k_recv0: per100k(r0, rbase),
          allocs_baseline: base.alloc!.allocs,
        },
        ir: {}, subs: {}, payload_pub0: {}, payload_recv0: {},
      };
    }

    // ---- callgrind runs, two at a time
    interface Job { c: Client; spec: RunSpec; put: (perMsg: number) => void; baseKey: string }
    const jobs: Job[] = [];
    const baselines = new Map<string, { c: Client; spec: RunSpec }>();
    const bkey = (c: Client, s: RunSpec): string => `${c.key}:${s.mode}:${s.subs ?? 1}:${s.big ? 1 : 0}`;
    const add = (c: Client, spec: RunSpec, put: (perMsg: number) => void): void => {
      const b: RunSpec = { ...spec, n: 0, size: 16 };
      const k = bkey(c, b);
      if (!baselines.has(k)) baselines.set(k, { c, spec: b });
      jobs.push({ c, spec, put, baseKey: k });
    };
    // MQTT.js costs 10-100 times more per message, and each of its runs starts
    // Node under valgrind (about 1.1 billion instructions): fewer messages.
    const cgN = (c: Client): number => (c.key === "mqttjs" ? Math.min(N.cg, N.cgJs) : N.cg);
    const growthN = (c: Client, size: number): number => Math.min(cgN(c), Math.max(100, Math.floor((8 << 20) / size)));
    for (const c of CLIENTS) {
      const r = res[c.key];
      for (const size of [16, 1024]) {
        add(c, { mode: "pub0", n: cgN(c), size }, (x) => (r.ir[`pub0_${size}`] = x));
        add(c, { mode: "pub1", n: cgN(c), size }, (x) => (r.ir[`pub1_${size}`] = x));
        add(c, { mode: "recv", n: cgN(c), size }, (x) => (r.ir[`recv0_${size}`] = x));
      }
      // Growth: our client needs its large-buffer build (more subscriptions, 64 KiB packets).
      const big = c.key === "ours";
      for (const k of SUBS) add(c, { mode: "recv", n: cgN(c), size: 16, subs: k, big }, (x) => (r.subs[String(k)] = x));
      for (const size of SIZES) {
        if (!big && (size === 16 || size === 1024)) continue; // the same runs as above
        add(c, { mode: "pub0", n: growthN(c, size), size, big }, (x) => (r.payload_pub0[String(size)] = x));
        if (!(big && size === 16)) add(c, { mode: "recv", n: growthN(c, size), size, big }, (x) => (r.payload_recv0[String(size)] = x));
      }
    }
    const baseIr = new Map<string, number>();
    const baseFile = new Map<string, string>();
    const outs: { job: Job; ir: number; file?: string }[] = [];
    // Node's runs are the slow ones (about 15 s of start-up each under valgrind): they go first.
    const all: { slow: boolean; run: () => Promise<void> }[] = [];
    for (const [k, b] of baselines) {
      all.push({ slow: b.c.key === "mqttjs", run: async () => {
        const o = await runOne(b.c, b.spec, broker, { callgrind: true });
        baseIr.set(k, o.ir!);
        if (o.cgFile) baseFile.set(k, o.cgFile);
      } });
    }
    for (const job of jobs) {
      all.push({ slow: job.c.key === "mqttjs", run: async () => {
        const o = await runOne(job.c, job.spec, broker, { callgrind: true });
        outs.push({ job, ir: o.ir!, file: o.cgFile });
      } });
    }
    all.sort((a, b) => Number(b.slow) - Number(a.slow));
    log(`bench: callgrind: ${all.length} runs (${N.cg} messages each, MQTT.js ${Math.min(N.cg, N.cgJs)}, fewer for large payloads)`);
    let done = 0;
    // A run that fails (a loaded machine can starve a valgrind run) gets one more try.
    const retry = async (e: { run: () => Promise<void> }): Promise<void> => {
      try { await e.run(); } catch (err) {
        const lines = String(err).split("\n").filter((l) => /error|fail|refused|exit/i.test(l));
        log(`bench: retrying after: ${lines.slice(0, 3).join(" | ")}`);
        await e.run();
      }
    };
    await pool(all.map((e) => async () => { await retry(e); if (++done % 10 === 0) log(`bench: callgrind ${done}/${all.length}`); }), 2);
    for (const o of outs) o.job.put((o.ir - baseIr.get(o.job.baseKey)!) / o.job.spec.n);
    // Where our instructions go, per message: callgrind_annotate's exclusive
    // counts per function, the run with N messages minus its baseline, / N.
    for (const o of outs) {
      const bf = baseFile.get(o.job.baseKey);
      const k100 = o.job.spec.subs === 100;
      if (o.job.c.key !== "ours" || (o.job.spec.big && !k100) || !o.file || !bf) continue;
      hotspots[`${o.job.spec.mode === "recv" ? "recv0" : o.job.spec.mode}_${o.job.spec.size}${k100 ? "_100subs" : ""}`] =
        await hotspotText(o.file, bf, o.job.spec.n);
    }
  } finally {
    stopping = true;
    await broker.close();
  }

  // ---- the table
  const keys = CLIENTS.map((c) => c.key);
  const col = (f: (r: ClientResults, key: string) => string): Cell[] => keys.map((k) => f(res[k], k));
  const ours = (s: string): Cell[] => [s, ...keys.slice(1).map(() => "n/a¹")];
  const fr = (s: Sizes): string => `${int(s.text + s.data)} / ${int(s.data + s.bss)}`;
  const sz = (t: string, cat: string): string => {
    const s = sizes[t]?.parts[cat];
    if (s) return fr(s);
    if (cat === "tls") {
      const h = sizes["host-x86_64"]?.parts.tls;
      return h ? `host: ${fr(h)}⁴` : "not built yet";
    }
    return "n/a²";
  };
  const libs: Record<string, Sizes | null> = {
    ours: (() => {
      const h = sizes["host-x86_64"];
      const t = zero();
      for (const cat of ["core", "config", "ports", "port_host", "tls"]) {
        const s = h?.parts[cat];
        if (s) { t.text += s.text; t.data += s.data; t.bss += s.bss; }
      }
      return t;
    })(),
    mosquitto: (() => { const f = findLib("libmosquitto.so.1"); return f ? libSize(f) : null; })(),
    paho: (() => { const f = findLib("libpaho-mqtt3a.so.1"); return f ? libSize(f) : null; })(),
    mqttjs: null,
  };
  let mqttjsBytes = 0;
  const dist = path.join(ROOT, "node_modules/mqtt/dist/mqtt.min.js");
  if (fs.existsSync(dist)) mqttjsBytes = fs.statSync(dist).size;
  // A difference <= 0 means the run without messages cost more than the run
  // with them (V8's JIT and GC vary more than MQTT.js's messages cost): no figure.
  const irc = (x: number | undefined): string => (x === undefined ? "?" : x <= 0 ? "noise⁶" : int(x));
  const { mods, modTable } = moduleTable(sizes);
  /** The generated core as a typical firmware links it (--gc-sections). */
  const linkedCore = (t: string): string => {
    const m = mods[`${t}:typical`];
    const c = zero();
    let any = false;
    for (const k of CORE_MODULES) { const x = m?.[k]; if (x) { any = true; c.text += x.text; c.data += x.data; c.bss += x.bss; } }
    return any ? `${int(c.text + c.data)} / ${int(c.data + c.bss)}` : "n/a²";
  };
  const rows: [string, Cell[]][] = [
    ["flash/static RAM, Cortex-M3 -Os: generated core (B)", ours(sz("cortex-m3", "core"))],
    ["  generated core, linked by a typical firmware⁵", ours(linkedCore("cortex-m3"))],
    ["  generated config (mgos_sys_config, JSON loader)", ours(sz("cortex-m3", "config"))],
    ["  ports (portable C: compat, pubf, json_printf)", ours(sz("cortex-m3", "ports"))],
    ["  TLS glue (mbedTLS)", ours(sz("cortex-m3", "tls"))],
    ["flash/static RAM, Xtensa lx106 -Os: generated core", ours(sz("xtensa-lx106", "core"))],
    ["  generated core, linked by a typical firmware⁵", ours(linkedCore("xtensa-lx106"))],
    ["  generated config", ours(sz("xtensa-lx106", "config"))],
    ["  ports", ours(sz("xtensa-lx106", "ports"))],
    ["  TLS glue", ours(sz("xtensa-lx106", "tls"))],
    ["host x86-64 code+data / static RAM (B)", col((_, k) => {
      if (k === "mqttjs") return mqttjsBytes ? `${int(mqttjsBytes)} JS³` : "n/a";
      const s = libs[k];
      return s ? `${int(s.text + s.data)} / ${int(s.data + s.bss)}` : "n/a";
    })],
    ["peak heap, connected, default config: no messages", col((r) => kib(r.heap.peak_idle_bytes))],
    [`  during ${int(N.thr0)} QoS 0 publishes / receives`, col((r) => kib(r.heap.peak_bytes))],
    [`heap allocations per 100,000 QoS 0 publishes`, col((r) => int(r.heap.allocs_per_100k_pub0))],
    [`heap allocations per 100,000 received QoS 0`, col((r) => int(r.heap.allocs_per_100k_recv0))],
    ["instructions / QoS 0 publish, 16 B", col((r) => irc(r.ir.pub0_16))],
    ["instructions / QoS 0 publish, 1 KiB", col((r) => irc(r.ir.pub0_1024))],
    ["instructions / QoS 1 publish + PUBACK, 16 B", col((r) => irc(r.ir.pub1_16))],
    ["instructions / QoS 1 publish + PUBACK, 1 KiB", col((r) => irc(r.ir.pub1_1024))],
    ["instructions / received QoS 0, 16 B", col((r) => irc(r.ir.recv0_16))],
    ["instructions / received QoS 0, 1 KiB", col((r) => irc(r.ir.recv0_1024))],
    ...SUBS.map((k): [string, Cell[]] => [`  received 16 B, ${k} subscription${k > 1 ? "s" : ""}`, col((r) => irc(r.subs[String(k)]))]),
    ...SIZES.map((s): [string, Cell[]] => [`  QoS 0 publish, ${kib(s)} payload`, col((r, k) => irc(k !== "ours" && s === 16 ? r.ir.pub0_16 : k !== "ours" && s === 1024 ? r.ir.pub0_1024 : r.payload_pub0[String(s)]))]),
    ...SIZES.map((s): [string, Cell[]] => [`  received QoS 0, ${kib(s)} payload`, col((r, k) => irc(k !== "ours" && s === 16 ? r.ir.recv0_16 : k !== "ours" && s === 1024 ? r.ir.recv0_1024 : s === 16 ? r.subs["1"] : r.payload_recv0[String(s)]))]),
    [`QoS 0 publishes/s (${int(N.thr0)} x 16 B)`, col((r) => int(r.throughput.pub0_msgs_s))],
    [`QoS 1 publishes/s (${int(N.thr1)} x 16 B, window ${WINDOW})`, col((r) => int(r.throughput.pub1_msgs_s))],
    [`QoS 1 as fast as backpressure allows (${int(N.flood)} x 16 B): publishes/s, lost`,
      col((r) => (r.throughput.flood_msgs_s === undefined ? "n/a" : `${int(r.throughput.flood_msgs_s)}, lost ${r.throughput.flood_lost}`))],
    [`received QoS 0/s (${int(N.thr0)} x 16 B)`, col((r) => int(r.throughput.recv0_msgs_s))],
    [`round trip p50 / p99, us (${int(N.lat)} x 16 B)`, col((r) => `${r.throughput.lat_p50_us} / ${r.throughput.lat_p99_us}`)],
  ];
  const table = renderTable(rows, ["", ...CLIENTS.map((c) => c.label)]);
  const mach = machine();
  const notes = [
    "Sizes are `flash / static RAM` in bytes: flash = text + data, static RAM = data + bss. Main table: summed over the objects (-ffunction-sections, before any --gc-sections). Per-module table: also linked with --gc-sections from the calls of a typical firmware (bench/c/size_roots.c) and from every function of mgos_mqtt.h.",
    "¹ Debian ships these libraries for the host only: no Cortex-M3/lx106 build to measure. ² Not buildable for that target here. lx106: the generated C is compiled freestanding, the hand-written ports against newlib's headers (Debian's lx106 toolchain has no C library of its own).",
    "⁶ No figure: the run with N messages took fewer instructions than the run without any (MQTT.js: V8's JIT and garbage collector vary by more than the messages cost); left out of the comparison with ours.",
    "³ MQTT.js: bytes of its minified browser bundle (dist/mqtt.min.js); it runs on a JavaScript engine, not on the MCU.",
    `⁴ TLS glue (port/*tls*.c): ${SIZE_TARGETS.map((t) => `${t.name}: ${sizes[t.name]?.tlsNote ?? "?"}`).join("; ")}.`,
    "⁵ Linked with --gc-sections from what a typical firmware calls (bench/c/size_roots.c: init, a global handler, one subscription, QoS 0 and 1 publishes, and the port task's entry points); the per-module table has the split and the whole-API figure.",
    "Throughput and latency: wall clock, one client at a time, on a machine other work shares (load averages above): tens of percent of noise.",
    "Instructions: callgrind, whole process, user space; (run with N messages - run with none) / N. Heap: counting allocator (LD_PRELOAD); MQTT.js's own objects live in V8's heap, which malloc does not see.",
  ];

  // Where we stand against the issue's targets.
  const core = sizes["cortex-m3"]?.parts.core;
  const targets: string[] = [];
  const verdict = (flash: number): string => (flash <= 8192 ? "met" : `missed by ${int(flash - 8192)} B (${((flash / 8192 - 1) * 100).toFixed(0)}% over)`);
  for (const t of ["cortex-m3", "xtensa-lx106"]) {
    const c = sizes[t]?.parts.core;
    const flash = c ? c.text + c.data : NaN;
    const linked = mods[`${t}:typical`];
    let lf = 0;
    for (const m of CORE_MODULES) { const x = linked?.[m]; if (x) lf += x.text + x.data; }
    targets.push(`core flash (${t} -Os, codec + session + API), target <= 8,192 B: linked for a typical firmware ${int(lf)} B: ${verdict(lf)}; ` +
      `all objects ${int(flash)} B: ${verdict(flash)}` + (c ? `; static RAM ${int(c.data + c.bss)} B (no target)` : ""));
  }
  const oa = res.ours.heap;
  targets.push(`heap allocations per message: ${oa.allocs_per_100k_pub0 / 100000} (publish), ${oa.allocs_per_100k_recv0 / 100000} (receive); target 0: ${oa.allocs_per_100k_pub0 === 0 && oa.allocs_per_100k_recv0 === 0 ? "met" : "missed"}`);
  for (const w of ["pub0_16", "pub0_1024", "pub1_16", "pub1_1024", "recv0_16", "recv0_1024"]) {
    const others = keys.filter((k) => k !== "ours").map((k) => ({ k, v: res[k].ir[w] })).filter((o) => o.v !== undefined && o.v > 0);
    const best = others.reduce((a, b) => (b.v < a.v ? b : a));
    const mine = res.ours.ir[w];
    const ratio = mine / best.v;
    targets.push(`instructions ${w}: ours ${int(mine)}, best other ${best.k} ${int(best.v)} (ratio ${ratio.toFixed(2)}); target < 0.5: ${ratio < 0.5 ? "met" : `missed (need <= ${int(best.v / 2)}, ${int(mine - best.v / 2)} over)`}`);
  }

  const json = {
    when: new Date().toISOString(), quick: QUICK, seconds: Math.round((Date.now() - t0) / 1000), machine: mach,
    counts: { ...N, window: WINDOW, sizes: SIZES, subs: SUBS }, load_average_at_timed_runs: loads,
    code_size: sizes, code_size_modules: mods, libraries_host: libs, mqttjs_bundle_bytes: mqttjsBytes,
    clients: res, targets, hotspots_ours: hotspots, table, module_table: modTable, notes,
  };
  const file = path.join(ROOT, "bench", "results", QUICK ? "latest-quick.json" : "latest.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(json, null, 2) + "\n");

  if (!QUICK) writeReadme(json);

  console.log(`\nMQTT clients side by side (${QUICK ? "quick" : "full"} run, ${Math.round((Date.now() - t0) / 1000)} s)`);
  console.log(`machine: ${mach.cpu}; ${mach.os}; node ${mach.node}; gcc ${mach.gcc}; ${mach.valgrind}; mosquitto ${mach.mosquitto_broker}`);
  console.log(`load average (1 min) as each client's timed runs started: ${loads.map((l) => l.toFixed(1)).join(", ")}\n`);
  console.log(table);
  console.log("\nOur code size per module (flash / static RAM, B): per object, and linked with --gc-sections⁵:\n" + modTable);
  console.log("\n" + notes.join("\n"));
  console.log("\nTargets:\n  " + targets.join("\n  "));
  for (const [k, v] of Object.entries(hotspots)) console.log(`\nOur hotspots, instructions per message, ${k}:\n${v}`);
  console.log(`\nwritten: ${path.relative(ROOT, file)}; callgrind files: ${path.relative(ROOT, CG)}/`);
}

/** A full run puts its figures into bench/README.md, between the markers. */
export function writeReadme(j: { when: string; seconds: number; machine: Record<string, string>; table: string; module_table: string;
  notes: string[]; targets: string[]; hotspots_ours: Record<string, string>; load_average_at_timed_runs: number[] }): void {
  const file = path.join(ROOT, "bench", "README.md");
  const START = "<!-- bench:latest:start (written by a full `npm run bench`) -->", END = "<!-- bench:latest:end -->";
  const text = fs.readFileSync(file, "utf8");
  const a = text.indexOf(START), b = text.indexOf(END);
  if (a < 0 || b < a) { log(`bench: ${path.relative(ROOT, file)} has no figure markers: not updated`); return; }
  const m = j.machine;
  const body = [
    START,
    `Full run of ${j.when.slice(0, 16).replace("T", " ")} UTC (${Math.round(j.seconds / 60)} min), commit ${m.git}.`,
    "",
    `Machine: ${m.cpu}; ${m.os}; Node ${m.node}; gcc ${m.gcc}; ${m.valgrind}; mosquitto ${m.mosquitto_broker}; ` +
      `libmosquitto ${m.libmosquitto}; Paho C ${m.paho}; MQTT.js ${m.mqttjs}. Load average (1 min) as each client's timed runs ` +
      `started: ${j.load_average_at_timed_runs.map((l) => l.toFixed(1)).join(", ")}.`,
    "",
    "```", m.lscpu, "```",
    "",
    j.table,
    "",
    ...j.notes.map((n) => `- ${n}`),
    "",
    "Our code size per module (flash / static RAM, bytes):",
    "",
    j.module_table,
    "",
    "Against the targets:",
    "",
    ...j.targets.map((t) => `- ${t}`),
    "",
    "Our hotspots (callgrind, exclusive instructions per message, share of the per-message total):",
    "",
    ...Object.entries(j.hotspots_ours).flatMap(([k, v]) => [`${k}:`, "```", v, "```"]),
    END,
  ].join("\n");
  fs.writeFileSync(file, text.slice(0, a) + body + text.slice(b + END.length));
  log(`bench: figures written to ${path.relative(ROOT, file)}`);
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`bench failed: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
