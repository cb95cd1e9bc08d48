// docs/interop.md renders the deviation data the interop tier asserts: it must
// be current, and every recorded deviation must name a flow the suite runs.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../integration/support/harness";
import { DOC, rendered } from "./support/render";
import { PROFILES } from "./support/profiles";

test("docs/interop.md is current with test/interop/support/profiles.ts", () => {
  const doc = fs.readFileSync(DOC, "utf8");
  assert.ok(doc === rendered(doc), "stale: run `node build/test/interop/support/render.js --write` after `npm run build`");
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
