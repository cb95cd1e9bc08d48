// Text sites in a module the app imports from another folder: the app build
// emits that module's JavaScript with the same bound checks as the entry's
// folder (codegen/src/app/build.ts emitAppJs), so Node and C agree on an
// overflowing sized() site there (empty value, one error line).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT, missingTools } from "../integration/support/harness";
import { buildApp } from "../../codegen/src/app/build";
import { installAppPort } from "../../apps/run-node";

const skip = missingTools();

test("a shared module's sites: Node checks their capacity as C does", { skip: skip || false, timeout: 600_000 }, async () => {
  const r = await buildApp({ app: "test/apps/shared/app/main.ts", root: ROOT, out: "build/apps/shared" });
  assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], [], "building the app");
  const want = [
    "I n=7",
    "E test/apps/shared/lib/util.ts:9:12: this text is longer than its sized() capacity (4 bytes), so its value is the empty string (give the site room with sized(n, ...))",
    "I ",
  ].join("\n") + "\n";

  const c = spawnSync(r.binary!, ["--run-ms", "1"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout, want, "C");

  let node = "";
  installAppPort((b) => { node += b.toString("utf8"); });
  const js = path.join(ROOT, "build/test/apps/shared/app/main.js");
  delete require.cache[js];
  delete require.cache[path.join(ROOT, "build/test/apps/shared/lib/util.js")];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(js) as { init: () => void }).init();
  assert.equal(node, want, "Node (the app build's emit)");
});
