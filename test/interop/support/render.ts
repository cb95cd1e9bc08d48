// Renders the deviation data (profiles.ts) as the generated part of
// docs/interop.md. `node build/test/interop/support/render.js --write`
// rewrites it; test/interop/docs.test.ts fails when the doc is stale.
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../integration/support/harness";
import { PROFILES, Profile } from "./profiles";

export const DOC = path.join(ROOT, "docs/interop.md");
export const BEGIN = "<!-- generated from test/interop/support/profiles.ts: begin -->";
export const END = "<!-- generated from test/interop/support/profiles.ts: end -->";
export const MATRIX_BEGIN = "<!-- matrix from the last run of the tier (build/interop/results): begin -->";
export const MATRIX_END = "<!-- matrix from the last run of the tier (build/interop/results): end -->";
const RESULTS = path.join(ROOT, "build", "interop", "results");

interface RunFile {
  broker: string; version: string; startMs: number; suiteSeconds: number; date: string; commit: string;
  results: { flow: string; outcome: string; note?: string }[];
}

/** The broker x flow matrix of the last run of each broker's suite (null when none ran). */
export function renderMatrix(): string | null {
  if (!fs.existsSync(RESULTS)) return null;
  const runs: RunFile[] = Object.keys(PROFILES).filter((id) => fs.existsSync(path.join(RESULTS, `${id}.json`)))
    .map((id) => JSON.parse(fs.readFileSync(path.join(RESULTS, `${id}.json`), "utf8")));
  if (!runs.length) return null;
  const flows: string[] = [];
  for (const r of runs) for (const x of r.results) if (!flows.includes(x.flow)) flows.push(x.flow);
  const mark = (r: RunFile, f: string): string => {
    const x = r.results.find((y) => y.flow === f);
    if (!x) return "—";
    const dev = PROFILES[r.broker as keyof typeof PROFILES].deviations.some((d) => f.startsWith(d.flow));
    switch (x.outcome) {
      case "pass": return dev ? "pass (deviation)" : "pass";
      case "fail": return "**FAIL**";
      case "todo-fails": return "todo";
      case "todo-passes": return "todo, passes";
      default: return "n/a";
    }
  };
  const out = ["| flow | " + runs.map((r) => r.broker).join(" | ") + " |", "|---|" + runs.map(() => "---").join("|") + "|"];
  for (const f of flows) out.push(`| ${cell(f)} | ${runs.map((r) => mark(r, f)).join(" | ")} |`);
  out.push("", "| broker | version | start | suite | run | commit |", "|---|---|---|---|---|---|");
  for (const r of runs) out.push(`| ${r.broker} | ${r.version} | ${(r.startMs / 1000).toFixed(1)} s | ${r.suiteSeconds} s | ${r.date.slice(0, 16).replace("T", " ")} UTC | ${r.commit} |`);
  return out.join("\n") + "\n";
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

/** The doc with its generated part replaced. */
export function rendered(doc: string): string {
  const a = doc.indexOf(BEGIN), b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${DOC}: markers ${BEGIN} / ${END} not found`);
  return doc.slice(0, a + BEGIN.length) + "\n" + render() + doc.slice(b);
}

if (require.main === module) {
  const doc = fs.readFileSync(DOC, "utf8");
  let next = rendered(doc);
  const m = renderMatrix();
  const a = next.indexOf(MATRIX_BEGIN), b = next.indexOf(MATRIX_END);
  if (m !== null && a >= 0 && b > a) next = next.slice(0, a + MATRIX_BEGIN.length) + "\n" + m + next.slice(b);
  if (process.argv.includes("--write")) {
    fs.writeFileSync(DOC, next);
    console.log(`${path.relative(ROOT, DOC)}: ${next === doc ? "unchanged" : "rewritten"}`);
  } else {
    process.stdout.write(render());
  }
}
