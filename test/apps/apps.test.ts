// The example apps (apps/button, apps/cmdresp), written once in TypeScript,
// run two ways against the same real mosquitto on 127.0.0.1:
//   - compiled to C with the library (codegen/src/app/build.ts, gcc -Werror,
//     ASan/UBSan) and run as a host firmware;
//   - under Node on the TypeScript client (apps/run-node.ts, Node's net module).
// Each run gets the same inputs (mosquitto_pub), one after the other; a
// mosquitto_sub -v on <dev>/# records what reaches the broker. Both runs must
// produce exactly the expected messages, hence the same ones, and the same
// app log. Every process is stopped by pid; every wait has a deadline.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { Broker, Proc, ROOT, missingTools, sanEnv, sanitizerReport, subReady } from "../integration/support/harness";
import { buildApp } from "../../codegen/src/app/build";
import { appModulePath } from "../../apps/run-node";
import * as buttonApp from "../../apps/button/main";
import * as cmdrespApp from "../../apps/cmdresp/main";

const skip = missingTools();
const RUN_NODE = path.join(ROOT, "build", "apps", "run-node.js");
const bins: Record<string, string> = {};
let broker: Broker;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  // The entry modules export init() (and tsc compiled them next to the runner).
  assert.equal(typeof buttonApp.init, "function");
  assert.equal(typeof cmdrespApp.init, "function");
  for (const app of ["button", "cmdresp", "telemetry", "relays", "fwdl"]) {
    assert.ok(appModulePath(app), `build/apps/${app}/main.js is missing`);
    const r = await buildApp({ app, root: ROOT, san: true });
    assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], [], `building ${app}`);
    bins[app] = r.binary!;
  }
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
});

interface Run { messages: string[]; log: string[]; /** ms until mosquitto_sub was ready, from start to connected, and the run in all */ readyMs: number; connectMs: number; ms: number }

/** Lines of `s` after `from` that start with `prefix`. */
function linesOf(s: Proc, from: number, prefix: string): string[] {
  return s.out.slice(from).split("\n").filter((l) => l.startsWith(prefix));
}

async function waitCount(s: Proc, from: number, prefix: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (linesOf(s, from, prefix).length < n) {
    if (Date.now() > deadline) throw new Error(`no ${n}th "${prefix}" message within ${timeoutMs} ms; got:\n${s.out.slice(from)}`);
    await sleep(20);
  }
}

/** Runs one app one way (C binary or Node) as device `dev`; `steps` feeds the inputs. */
async function runApp(way: "C" | "Node", app: string, dev: string,
  steps: (p: Proc, s: Proc, from: number) => Promise<void>): Promise<Run> {
  const s = broker.sub([`${dev}/#`]);
  let p: Proc | null = null;
  try {
    const tr = Date.now();
    await subReady(broker, s, `${dev}/ready`);
    const t0 = Date.now();
    const readyMs = t0 - tr;
    const from = s.out.length;
    const sets = ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=${dev}`].flatMap((x) => ["--set", x]);
    // --run-ms bounds a run that the test fails to stop.
    const args = [...sets, "--run-ms", "20000"];
    p = way === "C" ? new Proc(`${app} (C)`, bins[app], args, sanEnv())
      : new Proc(`${app} (Node)`, process.execPath, [RUN_NODE, app, ...args], sanEnv());
    await p.waitOut(/^I connected$/m, 5000);
    const connectMs = Date.now() - t0;
    await steps(p, s, from);
    p.kill("SIGTERM");
    const r = await p.wait(5000);
    assert.equal(sanitizerReport(p.err), null, `${p.name}: sanitizer report`);
    assert.equal(r.code, 0, `${p.name}: exit code ${r.code} signal ${r.signal}\n${p.err.slice(-3000)}`);
    await sleep(150); // anything still on its way to mosquitto_sub
    return { messages: s.out.slice(from).split("\n").filter((l) => l !== ""), log: p.out.split("\n").filter((l) => l !== ""), readyMs, connectMs, ms: Date.now() - t0 };
  } finally {
    if (p) p.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
}

const uniq = (name: string) => `app${process.pid}_${name}`;

// ---------------------------------------------------------------- button

async function buttonSteps(p: Proc, s: Proc, from: number, dev: string): Promise<void> {
  // The stand-in button presses 5 times, 300 ms apart, once connected.
  await p.waitOut(/^I button: no more presses$/m, 6000);
  await waitCount(s, from, `${dev}/events `, 5, 3000);
  let states = 0;
  for (const cmd of ["on", "toggle", "bogus", "off"]) {
    await broker.pub(`${dev}/led`, cmd);
    if (cmd === "bogus") await p.waitOut(/^W unknown LED command: bogus$/m, 3000);
    else await waitCount(s, from, `${dev}/led/state `, ++states, 3000);
  }
}

function buttonExpected(dev: string): string[] {
  const ev = (n: number) => `${dev}/events {"device":"${dev}","press":${n},"led":false}`;
  return [
    `${dev}/status online`,
    ev(1), ev(2), ev(3), ev(4), ev(5),
    `${dev}/led on`, `${dev}/led/state {"led":true}`,
    `${dev}/led toggle`, `${dev}/led/state {"led":false}`,
    `${dev}/led bogus`,
    `${dev}/led off`, `${dev}/led/state {"led":false}`,
  ];
}

test("button app: compiled to C and under Node, the same messages reach the broker", { skip, timeout: 60_000 }, async (t) => {
  const dev = uniq("button");
  const c = await runApp("C", "button", dev, (p, s, from) => buttonSteps(p, s, from, dev));
  assert.deepEqual(c.messages, buttonExpected(dev), "C: messages on the broker");
  const n = await runApp("Node", "button", dev, (p, s, from) => buttonSteps(p, s, from, dev));
  t.diagnostic(`C: connected after ${c.connectMs} ms, run ${c.ms} ms; Node: connected after ${n.connectMs} ms, run ${n.ms} ms; ` +
    `${c.messages.length} messages each; mosquitto_sub ready after ${c.readyMs} / ${n.readyMs} ms`);
  assert.deepEqual(n.messages, c.messages, "Node and C: messages on the broker");
  assert.deepEqual(n.log, c.log, "Node and C: app log");
  assert.deepEqual(c.log.slice(0, 3), [`I button app on ${dev}`, "I connected",
    `I Published: yes ${dev}/events -> {"device":"${dev}","press":1,"led":false}`]);
  assert.ok(c.log.includes("W unknown LED command: bogus"), c.log.join("\n"));
});

// ---------------------------------------------------------------- cmdresp

/** Command -> the answer on <dev>/resp. */
const COMMANDS: [string, string][] = [
  ["ping", "pong"],
  [`{"op":"add","a":2,"b":3}`, `{"op":"add","result":5}`],
  [`{"op":"add","a":-40,"b":-2,"id":7}`, `{"op":"add","result":-42,"id":7}`],
  [`{"op":"add","a":2147483647,"b":1,"id":9}`, `{"error":"sum out of range","id":9}`],
  [`{"op":"add","a":1,"b":2.5}`, `{"error":"add needs integers \\"a\\" and \\"b\\""}`],
  [` { "text" : "h\\u00e9 \\"q\\"\\n\\u0001" , "op" : "echo" , "id" : -3 } `, `{"op":"echo","text":"hé \\"q\\"\\n\\u0001","id":-3}`],
  [`{"cfg":{"x":[1,{"y":"}"}]},"op":"echo","text":"nested ok"}`, `{"op":"echo","text":"nested ok"}`],
  [`{"op":"count"}`, `{"op":"count","handled":8}`],
  [`{"op":"reboot","id":4}`, `{"error":"unknown op","id":4}`],
  [`{"op":1}`, `{"error":"missing \\"op\\""}`],
  [`not json`, `{"error":"expected ping or a JSON object"}`],
  [`{"op":"echo","text":"a"} trailing`, `{"error":"expected ping or a JSON object"}`],
  [`{"op":"echo","text":"unterminated}`, `{"error":"expected ping or a JSON object"}`],
];

async function cmdSteps(p: Proc, s: Proc, from: number, dev: string): Promise<void> {
  // "online" comes after the SUBSCRIBE: from then on commands are heard.
  await waitCount(s, from, `${dev}/status online`, 1, 5000);
  let n = 0;
  for (const [cmd] of COMMANDS) {
    await broker.pub(`${dev}/cmd`, cmd);
    await waitCount(s, from, `${dev}/resp `, ++n, 3000);
  }
}

test("cmdresp app: compiled to C and under Node, the same answers reach the broker", { skip, timeout: 60_000 }, async (t) => {
  const dev = uniq("cmd");
  const expected = [`${dev}/status online`, ...COMMANDS.flatMap(([cmd, resp]) => [`${dev}/cmd ${cmd}`, `${dev}/resp ${resp}`])];
  const c = await runApp("C", "cmdresp", dev, (p, s, from) => cmdSteps(p, s, from, dev));
  assert.deepEqual(c.messages, expected, "C: messages on the broker");
  const n = await runApp("Node", "cmdresp", dev, (p, s, from) => cmdSteps(p, s, from, dev));
  t.diagnostic(`C: connected after ${c.connectMs} ms, run ${c.ms} ms; Node: connected after ${n.connectMs} ms, run ${n.ms} ms; ` +
    `${c.messages.length} messages each; mosquitto_sub ready after ${c.readyMs} / ${n.readyMs} ms`);
  assert.deepEqual(n.messages, c.messages, "Node and C: messages on the broker");
  assert.deepEqual(n.log, c.log, "Node and C: app log");
  assert.ok(c.log.includes("I <- ping") && c.log.includes("I -> pong"), c.log.join("\n"));
});

test("an app's firmware refuses a bad config and a bad --run-ms, both ways", { skip, timeout: 30_000 }, async () => {
  for (const way of ["C", "Node"] as const) {
    for (const [args, re] of [
      [["--set", "mqtt.keep_alive=abc"], /config error: .*mqtt\.keep_alive/],
      [["--run-ms", "soon"], /--run-ms: expected milliseconds/],
      [["--frobnicate"], /unknown or incomplete argument '--frobnicate'/],
    ] as [string[], RegExp][]) {
      const p = way === "C" ? new Proc("cmdresp (C)", bins.cmdresp, args, sanEnv())
        : new Proc("cmdresp (Node)", process.execPath, [RUN_NODE, "cmdresp", ...args], sanEnv());
      const r = await p.wait(10_000);
      assert.equal(r.code, 2, `${way} ${args.join(" ")}: exit code\n${p.err}`);
      assert.match(p.err, re, `${way} ${args.join(" ")}`);
    }
  }
});

test("the build writes an ESP-IDF component with only the app's own C", { skip, timeout: 120_000 }, async () => {
  const out = path.join(ROOT, "build", "apps", "idf-cmdresp");
  fs.rmSync(out, { recursive: true, force: true });
  const r = await buildApp({ app: "cmdresp", root: ROOT, idfOut: path.relative(ROOT, out) });
  assert.deepEqual(r.diagnostics, []);
  const files = fs.readdirSync(out).sort();
  for (const f of ["CMakeLists.txt", "app_entry.c", "app_json.c", "app_main_esp32.c", "app_mqtt.c", "app_port.c", "app_timer.c", "main.c", "main.h"]) assert.ok(files.includes(f), `${f} in ${files.join(", ")}`);
  // The library stays in components/mgos_mqtt: not copied.
  for (const f of ["conn.c", "session.c", "facade.c", "rt.c"]) assert.ok(!files.includes(f), `${f} must come from the mgos_mqtt component`);
  const cm = fs.readFileSync(path.join(out, "CMakeLists.txt"), "utf8");
  assert.match(cm, /idf_component_register\(SRCS .*app_entry\.c.*app_main_esp32\.c.*\n\s*INCLUDE_DIRS \.\n\s*REQUIRES mgos_mqtt\n/);
  assert.ok(files.includes("Kconfig.projbuild"));
});

test("--idf-out never overwrites a file it did not write, and builds the folder's other C files", { skip, timeout: 120_000 }, async () => {
  const dir = path.join(ROOT, "build", "apps", "idf-project-main");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // An ESP-IDF project's main/: its own main.c and CMakeLists.txt.
  const mine = { "main.c": "void app_main(void) {}\n", "CMakeLists.txt": "idf_component_register(SRCS \"main.c\")\n", "sensor.c": "int sensor_read(void) { return 1; }\n" };
  for (const [f, t] of Object.entries(mine)) fs.writeFileSync(path.join(dir, f), t);
  const r = await buildApp({ app: "cmdresp", root: ROOT, idfOut: path.relative(ROOT, dir) });
  assert.equal(r.errors.length, 1, r.errors.join("\n"));
  assert.match(r.errors[0], /main\.c, CMakeLists\.txt exist and were not written by the app build; nothing written/);
  assert.deepEqual(fs.readdirSync(dir).sort(), Object.keys(mine).sort(), "nothing added");
  for (const [f, t] of Object.entries(mine)) assert.equal(fs.readFileSync(path.join(dir, f), "utf8"), t, f);
  // Without the clashing files the component is written, and the folder's own sensor.c is in SRCS; a second run is the same.
  fs.rmSync(path.join(dir, "main.c"));
  fs.rmSync(path.join(dir, "CMakeLists.txt"));
  for (let i = 0; i < 2; i++) {
    const r2 = await buildApp({ app: "cmdresp", root: ROOT, idfOut: path.relative(ROOT, dir) });
    assert.deepEqual([...r2.diagnostics.map((d) => d.text), ...r2.errors], [], `run ${i + 1}`);
    const cm = fs.readFileSync(path.join(dir, "CMakeLists.txt"), "utf8");
    assert.match(cm, /idf_component_register\(SRCS [^\n]*\bsensor\.c\b/, cm);
    assert.match(cm, /\bmain\.c\b/, "the app's main.c");
    assert.equal(fs.readFileSync(path.join(dir, "sensor.c"), "utf8"), mine["sensor.c"]);
  }
});

test("the app build reuses its C only while no input changed", { skip, timeout: 180_000 }, async () => {
  const dir = path.join(ROOT, "build", "cacheapp");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const src = (word: string) => `import * as Log from "../../ts-src/app/app_log";\nexport function init(): void {\n  Log.info("${word}");\n}\n`;
  fs.writeFileSync(path.join(dir, "main.ts"), src("first"));
  const build = async (): Promise<string[]> => {
    const lines: string[] = [];
    const r = await buildApp({ app: path.relative(ROOT, dir), root: ROOT, genOnly: true, out: path.join("build", "cacheapp-out"), log: (l) => lines.push(l) });
    assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], []);
    return lines;
  };
  const genMain = () => fs.readFileSync(path.join(ROOT, "build", "cacheapp-out", "gen", "main.c"), "utf8");
  assert.match((await build()).join("\n"), /\(compiled, /);
  assert.match(genMain(), /"first"/);
  assert.match((await build()).join("\n"), /\(unchanged inputs, reused, /);
  fs.writeFileSync(path.join(dir, "main.ts"), src("second"));
  assert.match((await build()).join("\n"), /\(compiled, /);
  assert.match(genMain(), /"second"/);
  // The app's JavaScript for the Node runner, next to where tsc puts it.
  assert.match(fs.readFileSync(path.join(ROOT, "build", "build", "cacheapp", "main.js"), "utf8"), /"second"/);
});

// ---------------------------------------------------------------- telemetry, relays, fwdl

/** An input (topic suffix, payload) and what the app publishes for it ([suffix, payload] pairs), or a log line it writes instead. */
type Step = { in: [string, string]; out: [string, string][]; log?: RegExp };

/** Feeds `steps` one by one, each once everything before it was seen; `initial` is what the app publishes on connecting. */
async function feed(p: Proc, s: Proc, from: number, dev: string, initial: [string, string][], steps: Step[]): Promise<void> {
  let n = initial.length;
  await waitCount(s, from, `${dev}/`, n, 5000);
  for (const st of steps) {
    await broker.pub(`${dev}/${st.in[0]}`, st.in[1]);
    n += 1 + st.out.length;
    await waitCount(s, from, `${dev}/`, n, 5000);
    if (st.log) await p.waitOut(st.log, 5000);
  }
}

function expectedOf(dev: string, initial: [string, string][], steps: Step[]): string[] {
  const line = ([t, m]: [string, string]) => `${dev}/${t} ${m}`;
  return [...initial.map(line), ...steps.flatMap((st) => [line(st.in), ...st.out.map(line)])];
}

async function sameBothWays(t: { diagnostic: (s: string) => void }, app: string, initial: [string, string][], steps: Step[]): Promise<Run> {
  const dev = uniq(app);
  const c = await runApp("C", app, dev, (p, s, from) => feed(p, s, from, dev, initial, steps));
  assert.deepEqual(c.messages, expectedOf(dev, initial, steps), "C: messages on the broker");
  const n = await runApp("Node", app, dev, (p, s, from) => feed(p, s, from, dev, initial, steps));
  t.diagnostic(`C: connected after ${c.connectMs} ms, run ${c.ms} ms; Node: connected after ${n.connectMs} ms, run ${n.ms} ms; ${c.messages.length} messages each`);
  assert.deepEqual(n.messages, c.messages, "Node and C: messages on the broker");
  assert.deepEqual(n.log, c.log, "Node and C: app log");
  return c;
}

test("telemetry app: readings, moving average, alerts and a threshold set over MQTT, the same in C and under Node", { skip, timeout: 90_000 }, async (t) => {
  const r = (v: number, avg: number, thr?: number): Step => ({ in: ["sim", `{"v":${v}}`],
    out: [["telemetry", `{"v":${v},"avg":${avg}}`], ...(thr !== undefined ? [["alert", `{"avg":${avg},"threshold":${thr}}`] as [string, string]] : [])] });
  const c = await sameBothWays(t, "telemetry", [["status", "online"]], [
    r(10, 10), r(20, 15), r(30, 20), r(40, 25), r(70, 40),
    { in: ["threshold/set", `{"threshold":22}`], out: [["threshold", `{"threshold":22}`]] },
    r(60, 50, 22), r(-100, 17),
    { in: ["threshold/set", `{"threshold":"x"}`], out: [], log: /^W threshold: expected/m },
    r(5, 8),
  ]);
  assert.ok(c.log.includes(`W threshold: expected {"threshold":N}`), c.log.join("\n"));
});

test("relays app: four relays on <dev>/relay/+/set, state retained, the same in C and under Node", { skip, timeout: 90_000 }, async (t) => {
  const st = (i: number, v: string): [string, string] => [`relay/${i}`, v];
  const dev = `${uniq("relays")}`;
  await sameBothWays(t, "relays", [st(0, "off"), st(1, "off"), st(2, "off"), st(3, "off")], [
    { in: ["relay/2/set", "on"], out: [st(2, "on")] },
    { in: ["relay/0/set", "on"], out: [st(0, "on")] },
    { in: ["relay/2/set", "off"], out: [st(2, "off")] },
    { in: ["relay/3/set", "on"], out: [st(3, "on")] },
    { in: ["relay/4/set", "on"], out: [], log: /^W no such relay: .*\/relay\/4\/set$/m },
    { in: ["relay/1/set", "maybe"], out: [], log: /^W relay: expected on or off, got maybe$/m },
    { in: ["relay/12/set", "on"], out: [], log: /^W no such relay: .*\/relay\/12\/set$/m },
  ]);
  // What a dashboard subscribing now gets: the last state of each relay, retained.
  const s = broker.sub([`${dev}/relay/+`]);
  try {
    const deadline = Date.now() + 5000;
    while (s.out.split("\n").filter((l) => l).length < 4 && Date.now() < deadline) await sleep(20);
    assert.deepEqual(s.out.split("\n").filter((l) => l).sort(), [`${dev}/relay/0 on`, `${dev}/relay/1 off`, `${dev}/relay/2 off`, `${dev}/relay/3 on`]);
  } finally {
    s.kill();
    await s.wait(2000);
  }
});

test("fwdl app: a chunked base64 download checked by offset and CRC-32, the same in C and under Node", { skip, timeout: 90_000 }, async (t) => {
  const img = Buffer.alloc(1000);
  for (let i = 0; i < img.length; i++) img[i] = (i * 8 + 3) & 255;
  const crc = zlib.crc32(img);
  assert.ok(crc > 0x7fffffff, "the CRC needs the u32 range");
  const chunk = (off: number, len: number) => `{"off":${off},"data":"${img.subarray(off, off + len).toString("base64")}"}`;
  const status = (m: string): [string, string][] => [["fw/status", m]];
  const c = await sameBothWays(t, "fwdl", [["status", "online"]], [
    { in: ["fw/chunk", chunk(0, 300)], out: status(`{"error":"no transfer","next":0}`) },
    { in: ["fw/begin", `{"size":1000,"crc":${crc}}`], out: status(`{"next":0}`) },
    { in: ["fw/chunk", chunk(0, 300)], out: status(`{"next":300}`) },
    { in: ["fw/chunk", chunk(0, 300)], out: status(`{"error":"offset","next":300}`) },
    { in: ["fw/chunk", `{"off":300,"data":"@@@@"}`], out: status(`{"error":"base64","next":300}`) },
    { in: ["fw/chunk", chunk(300, 300)], out: status(`{"next":600}`) },
    { in: ["fw/chunk", chunk(600, 299)], out: status(`{"next":899}`) },
    { in: ["fw/chunk", chunk(899, 101)], out: status(`{"done":true,"crc":${crc}}`) },
    { in: ["fw/begin", `{"size":4,"crc":1}`], out: status(`{"next":0}`) },
    { in: ["fw/chunk", chunk(0, 4)], out: status(`{"error":"crc","next":4}`) },
    { in: ["fw/begin", `{"size":2,"crc":1}`], out: status(`{"next":0}`) },
    { in: ["fw/chunk", chunk(0, 3)], out: status(`{"error":"too long","next":0}`) },
    { in: ["fw/begin", `{"size":2}`], out: status(`{"error":"begin needs size and crc","next":0}`) },
  ]);
  assert.ok(c.log.includes("I fw: image complete"), c.log.join("\n"));
});
