// The generated parts of docs/interop.md and README.md must be current: the
// deviation tables with the data the interop tier asserts (profiles.ts), the
// matrix and the README's summary with the recorded last run
// (docs/interop-matrix.json), the cluster figures with docs/interop-cluster.json.
// Every recorded deviation must name a flow the suite runs.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../integration/support/harness";
import { DOC, README, README_BEGIN, between, readRuns, renderSummary, rendered, renderedReadme } from "./support/render";
import { PROFILES } from "./support/profiles";

const HOW = "run `npm run build && node build/test/interop/support/render.js --write`";

test("docs/interop.md is current with profiles.ts, the recorded last run and the cluster figures", () => {
  const doc = fs.readFileSync(DOC, "utf8");
  assert.ok(doc === rendered(doc), `docs/interop.md is stale: ${HOW}`);
});

test("README.md's interop summary is current with the recorded last run (docs/interop-matrix.json)", () => {
  const readme = fs.readFileSync(README, "utf8");
  assert.ok(readme.includes(README_BEGIN), "README.md lost its interop summary markers");
  assert.ok(readme === renderedReadme(readme), `README.md's interop summary is stale: ${HOW}`);
});

test("the README check fails on a stale summary (a changed outcome, or an older run)", () => {
  const runs = readRuns();
  assert.ok(runs.length >= 5, `docs/interop-matrix.json records ${runs.length} brokers`);
  const readme = fs.readFileSync(README, "utf8");
  const changed = structuredClone(runs);
  changed[0].results[0].outcome = changed[0].results[0].outcome === "pass" ? "fail" : "pass";
  assert.notEqual(renderedReadme(readme, changed), readme);
  const older = structuredClone(runs);
  older[1].date = "2000-01-01T00:00:00.000Z";
  const staleReadme = between(readme, README, README_BEGIN, README_BEGIN.replace(": begin", ": end"), renderSummary(older));
  assert.notEqual(renderedReadme(staleReadme), staleReadme);
});

test("the recorded run names every broker with a date and a commit, and nothing failed", () => {
  const runs = readRuns();
  assert.deepEqual(runs.map((r) => r.broker), Object.keys(PROFILES));
  for (const r of runs) {
    assert.match(r.date, /^\d{4}-\d\d-\d\dT/, `${r.broker}: date`);
    assert.match(r.commit, /^[0-9a-f]{7,}/, `${r.broker}: commit`);
    assert.deepEqual(r.results.filter((x) => x.outcome === "fail").map((x) => x.flow), [], `${r.broker}: failed flows recorded`);
  }
});

test("every deviation names a flow of the suite", () => {
  const src = fs.readFileSync(path.join(ROOT, "test/interop/support/flows.ts"), "utf8");
  const names = [...src.matchAll(/\b(?:test|flow)\("([^"]+)"/g)].map((m) => m[1]);
  assert.ok(names.length > 15, `only ${names.length} flows found`);
  for (const p of Object.values(PROFILES)) {
    for (const d of p.deviations) {
      assert.ok(names.some((n) => n.startsWith(d.flow)), `${p.id}: deviation for "${d.flow}" names no flow (${names.join("; ")})`);
    }
  }
});
