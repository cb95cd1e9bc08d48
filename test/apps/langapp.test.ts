// test/apps/langapp: an app written with template literals, string +,
// JSON.stringify and JSON.parse (codegen/src/lower.ts) runs compiled to C
// (ASan/UBSan) and under Node (the app build's emit) against one mosquitto;
// both must put exactly the expected messages on the broker and write the
// same app log, an overflowing topic included (empty, logged, refused by pub).
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { Broker, Proc, ROOT, missingTools, sanEnv, sanitizerReport, subReady } from "../integration/support/harness";
import { buildApp } from "../../codegen/src/app/build";

const skip = missingTools();
const RUN_NODE = path.join(ROOT, "build", "apps", "run-node.js");
const ENTRY = "test/apps/langapp/main.ts";
let bin = "";
let broker: Broker;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  const r = await buildApp({ app: ENTRY, root: ROOT, san: true, out: "build/apps/langapp" });
  assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], [], "building langapp");
  bin = r.binary!;
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
});

const count = (s: Proc, from: number, prefix: string): number => s.out.slice(from).split("\n").filter((l) => l.startsWith(prefix)).length;

async function until(what: string, f: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Commands, and whether each gets an answer. */
const LONG = "o".repeat(30);
const CMDS: [string, boolean][] = [
  [`{"op":"add","n":21}`, true],
  [` {"n" : -2147483648, "op" : "h\\u00e9 \\"q\\""} `, true],
  ["not json", false],
  [`{"op":"x","n":1.5}`, false],
  [`{"op":"x"}`, false],
  [`{"op":"${LONG}","n":0}`, true],
  [`{"op":"a","n":1,"n":2e3}`, true],
  [`{"op":"a","n":1} x`, false],
];

function expected(dev: string): { messages: string[]; log: string[] } {
  const messages = [`${dev}/status online`];
  const log = ["I connected"];
  let n = 0;
  const answer = (op: string, v: number, echo: boolean): void => {
    n++;
    messages.push(`${dev}/resp ${JSON.stringify({ op, n: v, twice: v * 2, count: n, dev, ok: v >= 0 })}`);
    if (echo) messages.push(`${dev}/echo/${op} ${op}`);
  };
  for (const [cmd, ok] of CMDS) {
    messages.push(`${dev}/cmd ${cmd}`);
    if (!ok) {
      log.push(`W bad command, ${Buffer.byteLength(cmd)} bytes`);
      continue;
    }
    const o = JSON.parse(cmd) as { op: string; n: number };
    const fits = Buffer.byteLength(`${dev}/echo/${o.op}`) <= 40;
    answer(o.op, o.n, fits);
    if (!fits) {
      log.push(`E ${ENTRY}:27:16: this text is longer than its sized() capacity (40 bytes), so its value is the empty string (give the site room with sized(n, ...))`,
        "E MQTT.pub: empty topic; nothing sent", "I echo of a long op skipped");
    }
  }
  return { messages, log };
}

async function runOnce(way: "C" | "Node", dev: string): Promise<{ messages: string[]; log: string[] }> {
  const s = broker.sub([`${dev}/#`]);
  let p: Proc | null = null;
  try {
    await subReady(broker, s, `${dev}/ready`);
    const from = s.out.length;
    const args = [...["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=${dev}`].flatMap((x) => ["--set", x]), "--run-ms", "20000"];
    p = way === "C" ? new Proc("langapp (C)", bin, args, sanEnv()) : new Proc("langapp (Node)", process.execPath, [RUN_NODE, ENTRY, ...args], sanEnv());
    await p.waitOut(/^I connected$/m, 5000);
    await until("online", () => count(s, from, `${dev}/status online`) === 1, 5000);
    let answers = 0, bad = 0;
    for (const [cmd, ok] of CMDS) {
      await broker.pub(`${dev}/cmd`, cmd);
      if (ok) await until(`answer ${answers + 1}`, () => count(s, from, `${dev}/resp `) === answers + 1, 5000);
      else await until(`warning ${bad + 1} in:\n${p.out}\n${p.err.slice(-2000)}`, () => p!.out.split("\n").filter((l) => l.startsWith("W bad command")).length === bad + 1, 5000);
      if (ok) answers++; else bad++;
    }
    await sleep(300); // an echo still on its way
    p.kill("SIGTERM");
    const r = await p.wait(5000);
    assert.equal(sanitizerReport(p.err), null, `${p.name}: sanitizer report`);
    assert.equal(r.code, 0, `${p.name}: exit code ${r.code}\n${p.err.slice(-3000)}`);
    return { messages: s.out.slice(from).split("\n").filter((l) => l !== ""), log: p.out.split("\n").filter((l) => l !== "") };
  } finally {
    if (p) p.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
}

test("an app with template literals, JSON.stringify and JSON.parse: C and Node put the same messages on the broker", { skip, timeout: 90_000 }, async () => {
  const dev = `app${process.pid}_lang`;
  const want = expected(dev);
  const c = await runOnce("C", dev);
  assert.deepEqual(c.messages, want.messages, "C: messages on the broker");
  assert.deepEqual(c.log, want.log, "C: app log");
  const n = await runOnce("Node", dev);
  assert.deepEqual(n.messages, c.messages, "Node and C: messages on the broker");
  assert.deepEqual(n.log, c.log, "Node and C: app log");
});
