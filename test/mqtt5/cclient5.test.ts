// The generated C (host build, ASan/UBSan, the scriptable client of
// test/integration) with mqtt.protocol_version 5 against a real mosquitto:
// the broker sees an MQTT 5 client (p5), QoS 0/1/2 both ways, a PUBACK of
// a message nobody subscribed to reaches the global handler, and the
// client exits clean. The Node tests of this folder cover the properties;
// this shows the same source works compiled to C.
import { test, before, after } from "node:test";
import { Broker, Proc, Programs, buildPrograms, missingTools, sanEnv, stopClean, subReady } from "../integration/support/harness";

const skip = missingTools();
let progs: Programs;
let broker: Broker;

before(async () => {
  if (skip) return;
  progs = await buildPrograms();
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
});

test("C client, protocol_version 5: connect, sub/pub QoS 0/1/2 both ways, clean exit", { skip, timeout: 120_000 }, async () => {
  const p = `c5_${process.pid}`;
  const s = broker.sub([`${p}/out/#`], ["-q", "2", "-V", "mqttv5"]);
  await subReady(broker, s, `${p}/out/ready`);
  const args: string[] = [];
  for (const x of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=${p}`, "mqtt.protocol_version=5"]) args.push("--set", x);
  const c = new Proc("cli5", progs.cli, args, sanEnv(), true);
  try {
    await c.waitOut(/^ev 202 /m, 15000);
    await broker.proc!.waitErr(new RegExp(`${p} \\(p5, c1, k60\\)`), 5000);
    c.send(`sub ${p}/in/#`);
    await new Promise((r) => setTimeout(r, 500));
    for (const q of [0, 1, 2]) {
      await broker.pub(`${p}/in/x`, `to-c-q${q}`, ["-q", String(q), "-V", "mqttv5"]);
      await c.waitOut(new RegExp(`^msg ${p}/in/x to-c-q${q}$`, "m"), 10000);
    }
    for (const q of [0, 1, 2]) {
      c.send(`pub ${q} 0 ${p}/out/q${q} from-c-q${q}`);
      await s.waitOut(new RegExp(`^${p}/out/q${q} from-c-q${q}$`, "m"), 10000);
    }
    const mark = c.out.length;
    c.send(`pub 1 0 ${p}/nobody x`);
    const id = Number((await c.waitOut(/^pub (\d+)$/m, 10000, mark))[1]);
    await c.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 10000, mark);
    // SIGTERM: exit 0 and no sanitizer report (leaks included).
    await stopClean(c);
  } finally {
    s.kill("SIGTERM");
    c.kill("SIGKILL"); // only if a wait above failed; gone otherwise
  }
});
