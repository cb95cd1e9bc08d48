// The cluster failover run, on request (`npm run interop -- cluster`; not part
// of `npm test`: about 5 minutes of three RabbitMQ nodes on the shared cores).
//
// A RabbitMQ 3.10 cluster of three nodes on 127.0.0.1 (support/rabbit_cluster.ts),
// durable MQTT subscriptions on quorum queues. CLUSTER_DEVICES devices (default
// 240; host processes of 120 connections each, fleet.c, mgos_mqtt_conn_create2)
// connect with clean_session false, device d to node d % 3 as `mqtt` and node
// (d + 1) % 3 as `mqtt1`, subscribe QoS 1 to fleet/d/cmd and publish QoS 1
// fleet/d/seq with a sequence number once a second. A collector (MQTT.js,
// clean_session false, QoS 1: a quorum queue too) on node 3 takes every one.
// Node 1's Erlang VM is killed by pid (SIGKILL). While its devices are away,
// one QoS 1 command per device is published (it waits in their quorum queues,
// whose leaders on the dead node are re-elected). Checked: every device is
// back on a live node and re-subscribed, no accepted QoS 1 message is lost in
// either direction. Measured, with the default jitter and with
// CONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=0: reconnect times (kill to CONNACK).
// Writes docs/interop-cluster.json and .svg (build/interop/ when run with other
// than the defaults); exits 1 when a check fails.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as mqtt from "mqtt";
import { Proc, ROOT, haveTool } from "../integration/support/harness";
import { buildProgram, FAST_FLAGS } from "./support/build";
import { RabbitCluster } from "./support/rabbit_cluster";
import { histogramSvg } from "./support/svg";

const PER_PROC = 120;
const DEVICES = Math.max(3, Math.min(600, Number(process.env.CLUSTER_DEVICES ?? 240)));
const JITTERS = (process.env.CLUSTER_JITTERS ?? "10,0").split(",").map(Number);
const MIN_S = 0.5, MAX_S = 2;
const KILLED = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** CLOCK_MONOTONIC in ms: the clock fleet.c prints. */
const monoMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length - 1) * p))];
const r3 = (x: number) => Math.round(x * 1000) / 1000;

interface Figures {
  jitterPct: number; devices: number; affected: number; back: number; resubscribed: number; allConnectedAtEnd: number;
  quorumQueues: number; otherQueues: string[]; formSeconds: number;
  accepted: number; refused: number; delivered: number; lost: number; duplicates: number;
  cmdSent: number; cmdDelivered: number; cmdLost: number; cmdDuplicates: number;
  otherDrops: number; peerDrops: { collector: number; commander: number }; p50: number; p90: number; p99: number; max: number; resubMax: number; peakPer100ms: number;
  times: number[]; checks: string[];
}

/** Polls cond every 200 ms until true or limitMs passed; returns cond(). */
async function until(cond: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!cond() && Date.now() < deadline) await sleep(200);
  return cond();
}

/** What is running now, for a Ctrl-C: stopped by pid, the temp folder removed. */
const live: { cl: RabbitCluster | null; procs: Proc[] } = { cl: null, procs: [] };
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.error(`cluster: ${sig}, stopping what the run started`);
    for (const p of live.procs) p.kill("SIGKILL");
    const done = live.cl ? live.cl.close() : Promise.resolve();
    void done.finally(() => process.exit(130));
  });
}

async function run(jitterPct: number): Promise<Figures> {
  const flags = [...FAST_FLAGS, `-DCONFIG_MGOS_MQTT_MAX_CONNS=${PER_PROC + 1}`, `-DCONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=${jitterPct}`];
  const exe = await buildProgram("fleet.c", flags);
  const cl = new RabbitCluster(3);
  const procs: Proc[] = live.procs = [];
  live.cl = cl;
  const clients: mqtt.MqttClient[] = [];
  const checks: string[] = [];
  const check = (ok: boolean, what: string) => { if (!ok) checks.push(what); };
  try {
    const t0 = Date.now();
    await cl.start();
    const formSeconds = (Date.now() - t0) / 1000;
    console.log(`# jitter ${jitterPct}%: cluster of ${cl.nodes.map((n) => n.name).join(", ")} formed in ${formSeconds.toFixed(1)} s`);
    const nodes = cl.nodes;
    // The collector and the commander on node 3 (not the one killed).
    const url = `mqtt://127.0.0.1:${nodes[2].mqtt}`;
    const got: string[] = [];
    const collector = mqtt.connect(url, { clientId: `cluster-collector-${process.pid}`, clean: false, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 30_000 });
    const commander = mqtt.connect(url, { clientId: `cluster-commander-${process.pid}`, clean: true, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 30_000 });
    clients.push(collector, commander);
    // How often the peers' own connections to node 3 dropped (a resent command is a duplicate).
    const peerDrops = { collector: 0, commander: 0 };
    collector.on("close", () => peerDrops.collector++);
    commander.on("close", () => peerDrops.commander++);
    collector.on("message", (topic, payload) => {
      const m = /^fleet\/(\d+)\/seq$/.exec(topic);
      if (m) got.push(`${m[1]}:${payload.toString()}`);
    });
    await Promise.all([collector, commander].map((c) => new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error("collector/commander: no CONNACK in 60 s")), 60_000);
      c.once("connect", () => { clearTimeout(t); res(); });
    })));
    await Promise.race([collector.subscribeAsync("fleet/+/seq", { qos: 1 }),
      sleep(60_000).then(() => { throw new Error("collector: no SUBACK in 60 s"); })]);

    const list = nodes.map((n) => `127.0.0.1:${n.mqtt}`).join(",");
    for (let first = 0; first < DEVICES; first += PER_PROC) {
      const n = Math.min(PER_PROC, DEVICES - first);
      procs.push(new Proc(`fleet${first}`, exe, ["--first", String(first), "--n", String(n), "--nodes", list,
        "--min", String(MIN_S), "--max", String(MAX_S), "--durable", "1"], { ...process.env, MGOS_MQTT_LOG_LEVEL: "1" }, true));
    }
    const events = (kind: string) => procs.flatMap((p) => [...p.out.matchAll(new RegExp(`^${kind} (\\d+) ([\\d.]+)$`, "gm"))]
      .map((m) => [Number(m[1]), Number(m[2])] as [number, number]));
    const distinct = (kind: string) => new Set(events(kind).map((e) => e[0])).size;
    // Each durable subscription is a quorum queue declared across the three nodes: not fast.
    const allIn = await until(() => distinct("sub") >= DEVICES, 300_000);
    if (!allIn) throw new Error(`only ${distinct("up")} devices connected and ${distinct("sub")} subscribed of ${DEVICES} in 300 s`);
    const qs = await cl.queues(2);
    const subsQ = qs.filter((q) => q.name.startsWith("mqtt-subscription-"));
    const quorumQueues = subsQ.filter((q) => q.type === "quorum" && (q.members ?? []).length === 3).length;
    const otherQueues = subsQ.filter((q) => q.type !== "quorum").map((q) => `${q.name} (${q.type})`);
    check(quorumQueues === DEVICES + 1, `${quorumQueues} quorum queues with 3 members, want ${DEVICES + 1}; others: ${otherQueues.join(", ")}`);

    for (const p of procs) p.send("go");
    await sleep(3000);
    const affected = Array.from({ length: DEVICES }, (_, d) => d).filter((d) => d % 3 === KILLED);
    const tKill = monoMs();
    await cl.killNode(KILLED);
    // A command per device while node 1's devices are away (QoS 1, acknowledged by the cluster).
    const cmdAcks = await Promise.allSettled(Array.from({ length: DEVICES }, (_, d) =>
      Promise.race([commander.publishAsync(`fleet/${d}/cmd`, `c${d}`, { qos: 1 }),
        sleep(120_000).then(() => { throw new Error("no PUBACK in 120 s"); })])));
    const cmdSent = cmdAcks.filter((a) => a.status === "fulfilled").length;
    check(cmdSent === DEVICES, `${DEVICES - cmdSent} commands not acknowledged by the cluster`);

    const backAt = new Map<number, number>(), subAt = new Map<number, number>();
    const scan = () => {
      for (const [d, t] of events("up")) if (t > tKill && d % 3 === KILLED && !backAt.has(d)) backAt.set(d, t);
      for (const [d, t] of events("sub")) if (t > tKill && d % 3 === KILLED && !subAt.has(d)) subAt.set(d, t);
      return subAt.size >= affected.length && backAt.size >= affected.length;
    };
    await until(scan, 180_000);
    // Every device's last word is "up": connected at the end (others may have dropped and come back).
    const lastUp = () => {
      const last = new Map<number, string>();
      for (const p of procs) for (const m of p.out.matchAll(/^(up|down) (\d+) /gm)) last.set(Number(m[2]), m[1]);
      return [...last.values()].filter((v) => v === "up").length;
    };
    await until(() => lastUp() >= DEVICES, 60_000);
    const otherDrops = events("down").filter(([d, t]) => d % 3 !== KILLED && t > tKill).length;
    await sleep(3000);
    for (const p of procs) p.send("stop");
    for (const p of procs) await p.waitOut(/^stopped$/m, 60_000);
    const sent = new Map<number, number>();
    let refused = 0;
    for (const p of procs) for (const m of p.out.matchAll(/^sent (\d+) (\d+) (\d+)$/gm)) { sent.set(Number(m[1]), Number(m[2])); refused += Number(m[3]); }
    const accepted = [...sent.values()].reduce((a, b) => a + b, 0);
    await until(() => new Set(got).size >= accepted, 90_000);
    const uniq = new Set(got);
    let lost = 0;
    for (const [d, n] of sent) for (let k = 0; k < n; k++) if (!uniq.has(`${d}:${k}`)) lost++;
    const cmds = () => procs.flatMap((p) => [...p.out.matchAll(/^msg (\d+) c(\d+)$/gm)].filter((m) => m[1] === m[2]).map((m) => Number(m[1])));
    await until(() => new Set(cmds()).size >= cmdSent, 60_000);
    const cmdGot = cmds(), cmdUniq = new Set(cmdGot);
    if (process.env.CLUSTER_DEBUG) {
      const c = new Map<number, number>();
      for (const d of cmdGot) c.set(d, (c.get(d) ?? 0) + 1);
      console.log(`# cmd copies per device: ${[...c].filter(([, n]) => n > 1).map(([d, n]) => `${d}x${n}`).join(" ")}`);
      fs.writeFileSync(path.join(ROOT, "build", "interop", `cluster-fleet-${jitterPct}.log`), procs.map((p) => p.out + p.err).join("\n"));
    }
    const times = [...backAt.values()].map((t) => (t - tKill) / 1000).sort((a, b) => a - b);
    const resub = [...subAt.values()].map((t) => (t - tKill) / 1000).sort((a, b) => a - b);
    const bins = new Map<number, number>();
    for (const t of times) bins.set(Math.floor(t * 10), (bins.get(Math.floor(t * 10)) ?? 0) + 1);
    const f: Figures = {
      jitterPct, devices: DEVICES, affected: affected.length, back: backAt.size, resubscribed: subAt.size, allConnectedAtEnd: lastUp(),
      quorumQueues, otherQueues, formSeconds: r3(formSeconds),
      accepted, refused, delivered: uniq.size, lost, duplicates: got.length - uniq.size,
      cmdSent, cmdDelivered: cmdUniq.size, cmdLost: DEVICES - cmdUniq.size, cmdDuplicates: cmdGot.length - cmdUniq.size,
      otherDrops, peerDrops: { ...peerDrops }, p50: r3(pct(times, 0.5)), p90: r3(pct(times, 0.9)), p99: r3(pct(times, 0.99)), max: r3(times[times.length - 1]),
      resubMax: r3(resub[resub.length - 1]), peakPer100ms: Math.max(0, ...bins.values()), times: times.map(r3), checks,
    };
    check(f.back === f.affected, `${f.affected - f.back} of node 1's devices not back`);
    check(f.resubscribed === f.affected, `${f.affected - f.resubscribed} of node 1's devices not re-subscribed`);
    check(f.allConnectedAtEnd === DEVICES, `${DEVICES - f.allConnectedAtEnd} devices not connected at the end`);
    check(f.lost === 0, `${f.lost} of ${f.accepted} accepted QoS 1 messages lost`);
    check(f.cmdLost === 0, `${f.cmdLost} of ${DEVICES} commands never reached their device`);
    check(f.accepted > DEVICES, `only ${f.accepted} messages accepted`);
    return f;
  } finally {
    for (const p of procs) p.kill("SIGTERM");
    for (const p of procs) await p.wait(15_000);
    for (const c of clients) c.end(true);
    if (process.env.CLUSTER_DEBUG) cl.nodes.forEach((n, i) => fs.writeFileSync(path.join(ROOT, "build", "interop", `cluster-node${i}-${jitterPct}.log`), n.d?.log ?? ""));
    await cl.close();
    live.cl = null;
  }
}

function show(f: Figures): string {
  return `jitter +/-${f.jitterPct}%: ${f.devices} devices, ${f.quorumQueues} quorum queues; ${f.back}/${f.affected} of the killed node's devices back on a live node, ` +
    `${f.resubscribed} re-subscribed; reconnect p50 ${f.p50.toFixed(2)} s, p90 ${f.p90.toFixed(2)} s, p99 ${f.p99.toFixed(2)} s, max ${f.max.toFixed(2)} s ` +
    `(last SUBACK ${f.resubMax.toFixed(2)} s; peak ${f.peakPer100ms} CONNACKs in 100 ms); other devices dropped: ${f.otherDrops}; ` +
    `collector / commander connections dropped: ${f.peerDrops.collector} / ${f.peerDrops.commander}; ` +
    `QoS 1 up: ${f.accepted} accepted (${f.refused} refused), ${f.delivered} delivered, ${f.lost} lost, ${f.duplicates} duplicates; ` +
    `QoS 1 down (durable): ${f.cmdSent} sent, ${f.cmdDelivered} delivered, ${f.cmdLost} lost, ${f.cmdDuplicates} duplicates`;
}

function version(pkg: string): string {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "?";
}

async function main(): Promise<void> {
  const why = RabbitCluster.missing() ?? (["gcc", "epmd", "mosquitto_pub"].every(haveTool) ? undefined : "needs gcc, epmd, mosquitto_pub");
  if (why) {
    console.error(`cluster: ${why}`);
    process.exit(2);
  }
  const t0 = Date.now();
  const runs: Figures[] = [];
  for (const j of JITTERS) {
    const f = await run(j);
    console.log(`# ${show(f)}`);
    for (const c of f.checks) console.log(`# FAILED: ${c}`);
    runs.push(f);
  }
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync("git", ["status", "--porcelain", "--", "ts-src", "components", "test/interop"], { cwd: ROOT, encoding: "utf8" }).stdout.trim() !== "";
  const out = { date: new Date().toISOString(), commit: commit + (dirty ? "+changes" : ""), seconds: Math.round((Date.now() - t0) / 1000),
    rabbitmq: version("rabbitmq-server"), erlang: version("erlang-base"), perProcess: PER_PROC, runs };
  // Only the standard run (the defaults) replaces the figures in docs/; others go to build/interop/.
  const dir = DEVICES === 240 && JITTERS.join(",") === "10,0" ? path.join(ROOT, "docs") : path.join(ROOT, "build", "interop");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "interop-cluster.json"), JSON.stringify(out, null, 1) + "\n");
  fs.writeFileSync(path.join(dir, "interop-cluster.svg"), histogramSvg(
    `${runs[0].affected} of ${runs[0].devices} devices of a killed RabbitMQ node reconnecting to the other two`,
    runs.map((f, k) => ({ label: `jitter +/-${f.jitterPct}%: p50 ${f.p50.toFixed(2)} s, max ${f.max.toFixed(2)} s`, color: k === 0 ? "#1f77b4" : "#d62728", times: f.times })),
    "seconds from the node's death to the CONNACK on a live node"));
  console.log(`cluster: wrote ${path.relative(ROOT, dir)}/interop-cluster.json and .svg (${out.seconds} s)`);
  const failed = runs.some((f) => f.checks.length > 0);
  console.log(failed ? "cluster: FAILED" : "cluster: every check passed");
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`cluster: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
