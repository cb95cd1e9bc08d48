// Fleet failover: 1,000 devices (4 host processes of 250 connections each,
// made with mgos_mqtt_conn_create2) spread over a "cluster" of 3 independent
// mosquitto nodes on 127.0.0.1; device d uses node d % 3 as `mqtt` and node
// (d + 1) % 3 as `mqtt1`. Node 0 is killed (SIGKILL): each of its devices
// climbs its backoff ladder, switches to mqtt1 and connects there. Run with
// the default jitter (+/-10%) and with jitter off (the client built with
// CONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=0). Meanwhile every device publishes
// QoS 1 with a sequence number once a second, and a subscriber on each node
// collects them. Asserted: every device is back, on the surviving node, no
// other device dropped, and no accepted message is missing. Printed (not asserted:
// the machine is shared): the reconnect-time distribution and the peak
// connection rate the surviving node saw. INTEROP_FLEET_DEVICES changes the size.
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Broker, Proc, ROOT, haveTool, runCmd } from "../integration/support/harness";
import { buildProgram, FAST_FLAGS } from "./support/build";
import { histogramSvg } from "./support/svg";

const PER_PROC = 250;
const DEVICES = Math.max(3, Math.min(2000, Number(process.env.INTEROP_FLEET_DEVICES ?? 1000)));
const NODES = 3;
const MIN_S = 0.5, MAX_S = 2;
const skip = ["gcc", "mosquitto", "mosquitto_sub"].every(haveTool) ? undefined : "needs gcc, mosquitto, mosquitto_sub";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** CLOCK_MONOTONIC in ms: the clock the fleet program prints (libuv reads the same one). */
const monoMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;

const live: { procs: Proc[]; brokers: Broker[] } = { procs: [], brokers: [] };
after(async () => {
  for (const p of live.procs) p.kill("SIGKILL");
  for (const b of live.brokers) await b.close();
});

interface Figures {
  jitterPct: number; devices: number; affected: number; back: number; onSurvivor: number;
  accepted: number; refused: number; delivered: number; lost: number; duplicates: number; droppedLogs: number;
  times: number[]; p50: number; p90: number; p99: number; max: number; spreadS: number; peakPer100ms: number; peakPerS: number; otherDrops: number;
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];

/** Connected clients a node reports ($SYS, refreshed every second), minus our own query. */
async function connectedOn(b: Broker): Promise<number> {
  const r = await runCmd("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(b.port), "-t", "$SYS/broker/clients/connected", "-C", "1", "-W", "5"], 10_000);
  return Number(r.stdout.trim()) - 1;
}

async function run(jitterPct: number): Promise<Figures> {
  const flags = [...FAST_FLAGS, `-DCONFIG_MGOS_MQTT_MAX_CONNS=${PER_PROC + 1}`, `-DCONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=${jitterPct}`];
  const exe = await buildProgram("fleet.c", flags);
  const nodes: Broker[] = [];
  // The collecting subscribers must not lose anything themselves: no queue limit for them.
  for (let i = 0; i < NODES; i++) nodes.push(await Broker.start(["sys_interval 1", "max_connections -1", "max_queued_messages 0"]));
  live.brokers.push(...nodes);
  const procs: Proc[] = [];
  try {
    // A subscriber per node (kept until the end: node 0's holds what it got before the kill).
    const subs = nodes.map((b) => b.sub(["fleet/+/seq"], ["-q", "1", "-i", `fleetsub${process.pid}_${b.port}`]));
    procs.push(...subs);
    const list = nodes.map((b) => `127.0.0.1:${b.port}`).join(",");
    for (let first = 0; first < DEVICES; first += PER_PROC) {
      const n = Math.min(PER_PROC, DEVICES - first);
      const p = new Proc(`fleet${first}`, exe, ["--first", String(first), "--n", String(n), "--nodes", list,
        "--min", String(MIN_S), "--max", String(MAX_S)], { ...process.env, MGOS_MQTT_LOG_LEVEL: "1" }, true);
      procs.push(p);
      live.procs.push(p);
    }
    const fleets = procs.slice(subs.length);
    const ups = () => procs.flatMap((p) => [...p.out.matchAll(/^up (\d+) ([\d.]+)$/gm)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]));
    const downs = () => procs.flatMap((p) => [...p.out.matchAll(/^down (\d+) ([\d.]+)$/gm)].map((m) => Number(m[1])));
    // All up (each device once).
    const deadline = Date.now() + 120_000;
    while (new Set(ups().map((u) => u[0])).size < DEVICES && Date.now() < deadline) await sleep(200);
    assert.equal(new Set(ups().map((u) => u[0])).size, DEVICES, "not every device connected at the start");
    for (const p of fleets) p.send("go");
    await sleep(3000);
    const affected = Array.from({ length: DEVICES }, (_, d) => d).filter((d) => d % NODES === 0);
    // Kill node 0.
    const tKill = monoMs();
    nodes[0].proc!.kill("SIGKILL");
    await nodes[0].proc!.wait(5000);
    const backAt = new Map<number, number>();
    const deadline2 = Date.now() + 120_000;
    while (backAt.size < affected.length && Date.now() < deadline2) {
      await sleep(200);
      for (const [d, t] of ups()) if (t > tKill && d % NODES === 0 && !backAt.has(d)) backAt.set(d, t);
    }
    // The survivor's view: its own devices and node 0's (after the next $SYS update).
    const want = affected.length + Array.from({ length: DEVICES }, (_, d) => d).filter((d) => d % NODES === 1).length;
    let onSurvivor = 0;
    for (let i = 0; i < 10 && onSurvivor < want; i++) {
      await sleep(1000);
      onSurvivor = await connectedOn(nodes[1]);
    }
    const otherDrops = downs().filter((d) => d % NODES !== 0).length;
    // Publishing goes on for 3 s after the last one is back, then stops; in-flight messages drain.
    await sleep(3000);
    for (const p of fleets) p.send("stop");
    for (const p of fleets) await p.waitOut(/^stopped$/m, 30_000);
    const sent = new Map<number, number>();
    let refused = 0;
    for (const p of fleets) for (const m of p.out.matchAll(/^sent (\d+) (\d+) (\d+)$/gm)) { sent.set(Number(m[1]), Number(m[2])); refused += Number(m[3]); }
    const accepted = [...sent.values()].reduce((a, b) => a + b, 0);
    const got = () => subs.flatMap((s) => [...s.out.matchAll(/^fleet\/(\d+)\/seq (\d+)$/gm)].map((m) => `${m[1]}:${m[2]}`));
    const waitUntil = Date.now() + 30_000;
    while (new Set(got()).size < accepted && Date.now() < waitUntil) await sleep(500);
    const all = got(), uniqSet = new Set(all);
    let lost = 0;
    for (const [d, n] of sent) for (let k = 0; k < n; k++) if (!uniqSet.has(`${d}:${k}`)) lost++;
    const times = [...backAt.values()].map((t) => (t - tKill) / 1000).sort((a, b) => a - b);
    const bins = new Map<number, number>();
    const binsS = new Map<number, number>();
    for (const t of backAt.values()) {
      const k = Math.floor((t - tKill) / 100), ks = Math.floor((t - tKill) / 1000);
      bins.set(k, (bins.get(k) ?? 0) + 1);
      binsS.set(ks, (binsS.get(ks) ?? 0) + 1);
    }
    return {
      jitterPct, devices: DEVICES, affected: affected.length, back: backAt.size, onSurvivor, times,
      accepted, refused, delivered: uniqSet.size, lost, duplicates: all.length - uniqSet.size,
      droppedLogs: fleets.reduce((a, p) => a + (p.err.match(/dropped/g) ?? []).length, 0),
      p50: pct(times, 0.5), p90: pct(times, 0.9), p99: pct(times, 0.99), max: times[times.length - 1],
      spreadS: times[times.length - 1] - times[0], peakPer100ms: Math.max(...bins.values()), peakPerS: Math.max(...binsS.values()), otherDrops,
    };
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    for (const p of procs) await p.wait(10_000);
    for (const b of nodes) await b.close();
  }
}

function show(f: Figures): string {
  return `jitter +/-${f.jitterPct}%: ${f.back}/${f.affected} of node 0's devices back (on the survivor: ${f.onSurvivor} connected), ` +
    `reconnect after the kill p50 ${f.p50.toFixed(2)} s, p90 ${f.p90.toFixed(2)} s, p99 ${f.p99.toFixed(2)} s, max ${f.max.toFixed(2)} s ` +
    `(spread ${f.spreadS.toFixed(2)} s); survivor's peak: ${f.peakPer100ms} CONNACKs in 100 ms, ${f.peakPerS} in 1 s; other devices dropped: ${f.otherDrops}; ` +
    `QoS 1: ${f.accepted} accepted (${f.refused} refused), ${f.delivered} delivered, ${f.lost} lost, ${f.duplicates} duplicates; "dropped" in the devices' logs: ${f.droppedLogs}`;
}

const res: Figures[] = [];

test(`fleet failover: ${DEVICES} devices on 3 nodes, node 0 killed, with and without jitter`, { skip, timeout: 900_000 }, async () => {
  for (const j of [10, 0]) {
    const f = await run(j);
    console.log(`# ${show(f)}`);
    res.push(f);
  }
  fs.mkdirSync(path.join(ROOT, "build", "interop"), { recursive: true });
  fs.writeFileSync(path.join(ROOT, "build", "interop", "fleet-figures.json"), JSON.stringify({ date: new Date().toISOString(), runs: res }, null, 2) + "\n");
  // The plot docs/interop-fleet.svg is a copy of this file from a run.
  fs.writeFileSync(path.join(ROOT, "build", "interop", "fleet-reconnect.svg"), histogramSvg(
    `${res[0].affected} devices of a killed node reconnecting to the survivor`,
    res.map((f, k) => ({ label: `jitter +/-${f.jitterPct}%: peak ${f.peakPer100ms} per 100 ms`, color: k === 0 ? "#1f77b4" : "#d62728", times: f.times }))));
  for (const f of res) {
    assert.equal(f.back, f.affected, `jitter ${f.jitterPct}%: not every device came back`);
    assert.equal(f.otherDrops, 0, `jitter ${f.jitterPct}%: devices of the surviving nodes dropped`);
    assert.ok(f.onSurvivor >= f.affected, `jitter ${f.jitterPct}%: the survivor reports ${f.onSurvivor} connected`);
    // Generous: the ladder is 0.5 + 1 + 2 + 0.5 s (+/-10%); a loaded machine may add seconds, not minutes.
    assert.ok(f.max < 60, `jitter ${f.jitterPct}%: the last device took ${f.max} s`);
    assert.ok(f.accepted > f.devices, `jitter ${f.jitterPct}%: only ${f.accepted} messages accepted`);
  }
});

test("fleet failover: a lost QoS 1 message is only ever one the client logged as dropped", { skip, timeout: 10_000 }, () => {
  assert.equal(res.length, 2, "the failover runs did not finish");
  for (const f of res) assert.ok(f.lost <= f.droppedLogs, `jitter ${f.jitterPct}%: ${f.lost} lost, ${f.droppedLogs} drops logged`);
});

// QoS 1 is at least once: duplicates (a message in flight when its node died, sent again) are counted, not failed.
// Issue 12's delivery rule: an accepted message is never dropped without the app's policy.
test("fleet failover: no QoS 1 message the devices accepted is lost", { skip, timeout: 10_000 }, () => {
  assert.equal(res.length, 2, "the failover runs did not finish");
  for (const f of res) {
    assert.equal(f.lost, 0, `jitter ${f.jitterPct}%: ${f.lost} of ${f.accepted} lost`);
  }
});
