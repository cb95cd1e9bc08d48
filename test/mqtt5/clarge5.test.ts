// The generated C (host build with MQTT 5 compiled in, ASan/UBSan, the
// scriptable client of test/integration) streaming PUBLISHes larger than its
// receive buffer under MQTT 5 from a real mosquitto 2: max_packet_size above
// the buffer is announced, 100 KiB QoS 0/1/2 messages with properties arrive
// in fragments joined to the exact bytes, one nobody takes is skipped and
// acknowledged (not sent again), and the client exits clean.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Broker, FRAGMENTS_ON, Proc, Programs, buildPrograms, missingTools, runCmd, sanEnv, stopClean } from "../integration/support/harness";

const skip = missingTools();
let progs: Programs;
let broker: Broker;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt5-large-"));
const SIZE = 100 * 1024;

before(async () => {
  if (skip) return;
  progs = await buildPrograms(["-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1", ...FRAGMENTS_ON]); // fragments: off by default in C
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function fnv(b: Buffer): string {
  let h = 2166136261;
  for (const c of b) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

function cli(name: string, sets: string[], commands: string[]): Proc {
  const args: string[] = [];
  for (const s of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, "mqtt.protocol_version=5", "mqtt.max_packet_size=200000",
    "mqtt.reconnect_timeout_min=0.3", "mqtt.reconnect_timeout_max=1", ...sets]) args.push("--set", s);
  const p = new Proc(name, progs.cli, args, sanEnv(), true);
  for (const c of commands) p.send(c);
  return p;
}

async function pubFile(topic: string, file: string, qos: number): Promise<void> {
  const r = await runCmd("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.port), "-V", "mqttv5", "-q", String(qos), "-t", topic, "-f", file,
    "-D", "publish", "content-type", "application/x-fw", "-D", "publish", "user-property", "part", "1"], 10_000);
  assert.equal(r.code, 0, `mosquitto_pub: ${r.stderr}`);
}

const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, "gm")) ?? []).length;

test("C client, MQTT 5: 100 KiB QoS 0/1/2 with properties streamed in fragments, one skipped and acknowledged", { skip, timeout: 90_000 }, async () => {
  const id = `l5c${process.pid}`;
  const out = path.join(tmp, "out.bin");
  const a = cli("frag5", [`mqtt.client_id=${id}`, "mqtt.clean_session=false"], [`osub 1 0 ${id}/s/#`, `osub 2 1 ${id}/f/# ${out}`] /* the last osub names the file */);
  try {
    await a.waitOut(/^tev 209 /m, 10_000);
    await broker.proc!.waitErr(new RegExp(`${id} \\(p5, c0, k\\d+\\)`), 5000);
    for (const qos of [0, 1, 2]) {
      const body = crypto.randomBytes(SIZE);
      const file = path.join(tmp, `b${qos}.bin`);
      fs.writeFileSync(file, body);
      const mark = a.out.length;
      await pubFile(`${id}/f/q${qos}`, file, qos);
      const m = await a.waitOut(new RegExp(`^fdone ${id}/f/q${qos} total=${SIZE} fnv=([0-9a-f]{8})$`, "m"), 15_000, mark);
      assert.equal(m[1], fnv(body));
      assert.ok(fs.readFileSync(out).equals(body), "joined fragments equal the published bytes");
    }
    const file = path.join(tmp, "skip.bin");
    fs.writeFileSync(file, crypto.randomBytes(SIZE));
    await pubFile(`${id}/s/x`, file, 1);
    await a.waitOut(new RegExp(`^tev 231 `, "m"), 10_000);
    // Acknowledged: mosquitto does not send it again.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(count(a.out, /^tev 231 /), 1);
    assert.equal(count(a.out, /^ev 202 /), 1, "one connection");
    assert.equal(count(a.out, /^error /), 0, a.out.slice(-2000));
    await stopClean(a);
  } finally {
    a.kill("SIGKILL");
  }
});
