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
  const next = rendered(doc);
  if (process.argv.includes("--write")) {
    fs.writeFileSync(DOC, next);
    console.log(`${path.relative(ROOT, DOC)}: ${next === doc ? "unchanged" : "rewritten"}`);
  } else {
    process.stdout.write(render());
  }
}
