// Renders the generated parts of docs/interop.md and README.md:
// - the deviation tables, from the data the tier asserts (profiles.ts);
// - the broker x flow matrix of the last run of the tier (docs/interop.md) and
//   its summary per broker (README.md), from docs/interop-matrix.json, the
//   committed record of that run (`--write` first copies each broker's
//   build/interop/results/<broker>.json into it, when there is one);
// - the cluster failover figures, from docs/interop-cluster.json (written by
//   `npm run interop -- cluster`).
// `node build/test/interop/support/render.js --write` rewrites them;
// test/interop/docs.test.ts fails when a file is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../integration/support/harness";
import { PROFILES, Profile } from "./profiles";

export const DOC = path.join(ROOT, "docs/interop.md");
export const README = path.join(ROOT, "README.md");
export const MATRIX_JSON = path.join(ROOT, "docs/interop-matrix.json");
export const CLUSTER_JSON = path.join(ROOT, "docs/interop-cluster.json");
export const BEGIN = "<!-- generated from test/interop/support/profiles.ts: begin -->";
export const END = "<!-- generated from test/interop/support/profiles.ts: end -->";
export const MATRIX_BEGIN = "<!-- matrix from the last run of the tier (docs/interop-matrix.json): begin -->";
export const MATRIX_END = "<!-- matrix from the last run of the tier (docs/interop-matrix.json): end -->";
export const README_BEGIN = "<!-- interop summary from the last run of the tier (docs/interop-matrix.json): begin -->";
export const README_END = "<!-- interop summary from the last run of the tier (docs/interop-matrix.json): end -->";
export const CLUSTER_BEGIN = "<!-- cluster figures (docs/interop-cluster.json): begin -->";
export const CLUSTER_END = "<!-- cluster figures (docs/interop-cluster.json): end -->";
const RESULTS = path.join(ROOT, "build", "interop", "results");

export interface RunFile {
  broker: string; version: string; startMs: number; suiteSeconds: number; date: string; commit: string;
  results: { flow: string; outcome: string; note?: string }[];
}

/** The committed record of the last run, one entry per broker, in PROFILES order. */
export function readRuns(): RunFile[] {
  return fs.existsSync(MATRIX_JSON) ? (JSON.parse(fs.readFileSync(MATRIX_JSON, "utf8")).runs as RunFile[]) : [];
}

/** The record with each broker's latest build/interop/results file taken in (others kept). */
export function mergeResults(runs: RunFile[]): RunFile[] {
  const fresh = (id: string): RunFile | undefined => {
    const f = path.join(RESULTS, `${id}.json`);
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : undefined;
  };
  return Object.keys(PROFILES).map((id) => fresh(id) ?? runs.find((r) => r.broker === id)).filter((r): r is RunFile => r !== undefined);
}

const deviates = (r: RunFile, f: string) => PROFILES[r.broker as keyof typeof PROFILES].deviations.some((d) => f.startsWith(d.flow));

/** The broker x flow matrix (null when no run is recorded). */
export function renderMatrix(runs: RunFile[]): string | null {
  if (!runs.length) return null;
  const flows: string[] = [];
  for (const r of runs) for (const x of r.results) if (!flows.includes(x.flow)) flows.push(x.flow);
  const mark = (r: RunFile, f: string): string => {
    const x = r.results.find((y) => y.flow === f);
    if (!x) return "—";
    switch (x.outcome) {
      case "pass": return deviates(r, f) ? "pass (deviation)" : "pass";
      case "fail": return "**FAIL**";
      case "todo-fails": return "todo";
      case "todo-passes": return "todo, passes";
      default: return "n/a";
    }
  };
  const out = ["| flow | " + runs.map((r) => r.broker).join(" | ") + " |", "|---|" + runs.map(() => "---").join("|") + "|"];
  for (const f of flows) out.push(`| ${cell(f)} | ${runs.map((r) => mark(r, f)).join(" | ")} |`);
  out.push("", "| broker | version | start | suite | run | commit |", "|---|---|---|---|---|---|");
  for (const r of runs) out.push(`| ${r.broker} | ${r.version} | ${(r.startMs / 1000).toFixed(1)} s | ${r.suiteSeconds} s | ${when(r.date)} | ${r.commit} |`);
  return out.join("\n") + "\n";
}

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** The README's copy: the broker x flow matrix with each broker's run (date, commit). */
export function renderSummary(runs: RunFile[]): string {
  return renderMatrix(runs) ?? "No run of the interop tier is recorded yet (`npm test -- test/interop`, then `render.js --write`).\n";
}

interface ClusterRun {
  jitterPct: number; devices: number; affected: number; back: number; resubscribed: number; quorumQueues: number;
  accepted: number; delivered: number; lost: number; duplicates: number; cmdSent: number; cmdDelivered: number; cmdLost: number;
  cmdDuplicates: number; otherDrops: number; peerDrops: { collector: number; commander: number };
  p50: number; p90: number; p99: number; max: number; resubMax: number; peakPer100ms: number; checks: string[];
}

/** The cluster failover figures (null when no run is recorded). */
export function renderCluster(): string | null {
  if (!fs.existsSync(CLUSTER_JSON)) return null;
  const c = JSON.parse(fs.readFileSync(CLUSTER_JSON, "utf8")) as { date: string; commit: string; seconds: number; rabbitmq: string; erlang: string; runs: ClusterRun[] };
  const row = (label: string, f: (r: ClusterRun) => string | number) => `| ${label} | ${c.runs.map((r) => String(f(r))).join(" | ")} |`;
  const s = (x: number) => `${x.toFixed(2)} s`;
  return [
    `| | ${c.runs.map((r) => (r.jitterPct ? `jitter ±${r.jitterPct}% (default)` : "jitter off (`CONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=0`)")).join(" | ")} |`,
    `|---|${c.runs.map(() => "---").join("|")}|`,
    row("devices (durable subscriptions: quorum queues with 3 members, + the collector's)", (r) => `${r.devices} (${r.quorumQueues})`),
    row("devices on the killed node: back on a live node / re-subscribed", (r) => `${r.back} / ${r.resubscribed} of ${r.affected}`),
    row("time until back (kill to CONNACK): p50 / p90 / p99 / max", (r) => `${s(r.p50)} / ${s(r.p90)} / ${s(r.p99)} / ${s(r.max)}`),
    row("last re-subscription (SUBACK)", (r) => s(r.resubMax)),
    row("peak CONNACKs in 100 ms", (r) => r.peakPer100ms),
    row("QoS 1 from the devices: accepted / delivered / lost / duplicates", (r) => `${r.accepted} / ${r.delivered} / **${r.lost}** / ${r.duplicates}`),
    row("QoS 1 to the devices, one each, sent while the node was down: sent / delivered / lost / duplicates", (r) => `${r.cmdSent} / ${r.cmdDelivered} / **${r.cmdLost}** / ${r.cmdDuplicates}`),
    row("connections dropped: other devices / collector / commander", (r) => `${r.otherDrops} / ${r.peerDrops.collector} / ${r.peerDrops.commander}`),
    row("checks failed", (r) => (r.checks.length ? r.checks.map(cell).join("; ") : "none")),
    "",
    `RabbitMQ ${c.rabbitmq}, Erlang ${c.erlang}; run ${when(c.date)}, commit ${c.commit}, ${c.seconds} s in all (both runs, each with its own cluster).`,
  ].join("\n") + "\n";
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

export function render(): string {
  const ps: Profile[] = Object.values(PROFILES);
  const out: string[] = [];
  out.push("| broker | granted QoS for 0/1/2 | wrong password | QoS 2 PUBLISH answered with | session after broker restart | of 20 queued offline | 1,000 QoS 1 burst to the device |");
  out.push("|---|---|---|---|---|---|---|");
  for (const p of ps) {
    out.push(`| ${p.id} | ${p.granted.join(" / ")} | ${p.authRefusal === null ? "no accounts" : `CONNACK ${p.authRefusal}`} | ` +
      `${p.qos2Publish.toUpperCase()} | ${p.sessionAfterRestart ? "kept" : "lost"} | ${p.queuedOfTwenty} | ${p.burstInWhole ? "all, in order" : "some dropped by the broker"} |`);
  }
  for (const p of ps) {
    out.push("", `### ${p.id}: ${p.title}`, "", p.setup + ".", "");
    if (p.deviations.length === 0) {
      out.push("Every flow as the standard says.");
      continue;
    }
    out.push("| flow | what the broker does | MQTT 3.1.1 |", "|---|---|---|");
    for (const d of p.deviations) out.push(`| ${cell(d.flow)} | ${cell(d.what)} | ${cell(d.spec)} |`);
  }
  return out.join("\n") + "\n";
}

/** `text` with what lies between the markers replaced (an error when they are missing). */
export function between(text: string, file: string, begin: string, end: string, body: string): string {
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file}: markers ${begin} / ${end} not found`);
  return text.slice(0, a + begin.length) + "\n" + body + text.slice(b);
}

/** The doc with its generated parts replaced, from the given record of the last run. */
export function rendered(doc: string, runs: RunFile[] = readRuns()): string {
  let next = between(doc, DOC, BEGIN, END, render());
  const m = renderMatrix(runs);
  if (m !== null) next = between(next, DOC, MATRIX_BEGIN, MATRIX_END, m);
  const c = renderCluster();
  if (c !== null) next = between(next, DOC, CLUSTER_BEGIN, CLUSTER_END, c);
  return next;
}

/** The README with its interop summary replaced. */
export function renderedReadme(readme: string, runs: RunFile[] = readRuns()): string {
  return between(readme, README, README_BEGIN, README_END, renderSummary(runs));
}

if (require.main === module) {
  if (process.argv.includes("--write")) {
    const runs = mergeResults(readRuns());
    const json = JSON.stringify({ note: "the last run of the interop tier, per broker (test/interop/support/render.ts)", runs }, null, 1) + "\n";
    for (const [file, next] of [[MATRIX_JSON, json], [DOC, rendered(fs.readFileSync(DOC, "utf8"), runs)],
      [README, renderedReadme(fs.readFileSync(README, "utf8"), runs)]] as const) {
      const was = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
      if (was !== next) fs.writeFileSync(file, next);
      console.log(`${path.relative(ROOT, file)}: ${was === next ? "unchanged" : "rewritten"}`);
    }
  } else {
    process.stdout.write(render());
  }
}
