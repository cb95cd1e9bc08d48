// The project's test runner (test/run.js) on fixture test files: what it
// counts (leaf tests; a parent only when it fails on its own; todo and skip
// apart), its closing line, exit status and filtering.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, run } from "../c/support/ctier";

const RUNNER = path.join(ROOT, "test", "run.js");

const MIXED = `
const { test, describe, it } = require("node:test");
test("leaf pass", () => {});
test("leaf fail", () => { throw new Error("boom"); });
test("todo that fails", { todo: "later" }, () => { throw new Error("x"); });
test("skipped", { skip: "no tool" }, () => {});
test("parent", async (t) => {
  await t.test("c1", () => {});
  await t.test("c2", async (t2) => {
    await t2.test("g1", () => {});
    await t2.test("g2", () => { throw new Error("g2 bad"); });
  });
});
test("parent failing on its own", async (t) => {
  await t.test("ok child", () => {});
  throw new Error("parent itself failed");
});
describe("suite", () => { it("a", () => {}); it("b", () => {}); });
`;
const PASSING = `
const { test } = require("node:test");
test("one", () => {});
test("two", async (t) => { await t.test("two.a", () => {}); await t.test("two.b", () => {}); });
`;
const CRASHING = `throw new Error("does not even load");\n`;

function fixtureDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runner-fixture-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function runner(dir: string, args: string[] = []) {
  const r = await run(process.execPath, [RUNNER, ...args], 120_000, { ...process.env, MGOS_TEST_DIR: dir });
  const lines = r.stdout.trimEnd().split("\n");
  return { ...r, last: lines[lines.length - 1], before: lines[lines.length - 2] };
}

test("runner: counts leaves, parents failing on their own, todo and skip; fails the run", async () => {
  const dir = fixtureDir({ "a/mixed.test.js": MIXED, "b/passing.test.js": PASSING });
  try {
    const r = await runner(dir);
    // mixed: passes leaf pass, c1, g1, ok child, a, b; fails leaf fail, g2, the parent. passing: one, two.a, two.b.
    assert.equal(r.last, "9 passed, 3 failed");
    assert.equal(r.before, "skipped: 1, todo: 1");
    assert.equal(r.code, 1);
    assert.match(r.stdout, /mixed\.test\.js › parent failing on its own: parent itself failed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("runner: a passing run exits 0; a filter selects files by path", async () => {
  const dir = fixtureDir({ "a/mixed.test.js": MIXED, "b/passing.test.js": PASSING });
  try {
    const r = await runner(dir, ["--", "passing"]);
    assert.equal(r.last, "3 passed, 0 failed");
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /mixed\.test\.js/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("runner: a file that fails to load counts as a failure; no match is an error", async () => {
  const dir = fixtureDir({ "crash.test.js": CRASHING });
  try {
    const r = await runner(dir);
    assert.equal(r.last, "0 passed, 1 failed");
    assert.equal(r.code, 1);
    const none = await runner(dir, ["no-such-file"]);
    assert.equal(none.last, "0 passed, 1 failed");
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no test file matches "no-such-file"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
