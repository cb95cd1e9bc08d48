// The generated C (host port, ASan/UBSan, MQTT 5 on) against a real
// mosquitto 2, with MQTT.js 5 as the peer and the decoding proxy of
// support/wire.ts: will properties from the config keys and from
// mgos_mqtt_conn_set_will5 reach the peer when the will fires, after its
// delay; an empty client id gets one assigned, and the reconnect reuses it,
// so the session (and a message sent while away) resumes; a publish carries
// any number of user properties (mgos_mqtt_conn_add_pub_user_prop), in order.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { Proc, ROOT, missingTools, sanEnv, stopClean, runCmd } from "../integration/support/harness";
import { genSources } from "../c/support/ctier";
import { Mosquitto, WireProxy, until } from "./support/wire";

const skip = missingTools();
let exe = "";
let dir = "";
let broker: Mosquitto;
const started: { stop(): void }[] = [];
const peers: any[] = [];

before(async () => {
  if (skip) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "c5-extra-"));
  exe = path.join(dir, "c5_extra");
  const port = "components/mgos_mqtt/port";
  const ports = fs.readdirSync(path.join(ROOT, port)).filter((f) => f.endsWith(".c") && !/esp32/.test(f)).map((f) => path.join(port, f));
  const r = await runCmd("gcc", ["-std=c99", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
    "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", "-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1",
    "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4", `-I${path.join(ROOT, "components/mgos_mqtt/gen")}`, "-Icomponents/mgos_mqtt/include", `-I${port}`,
    "test/mqtt5/support/c5_extra.c", ...genSources(), ...ports, "-lmbedtls", "-lmbedx509", "-lmbedcrypto", "-o", exe], 600_000, { cwd: ROOT });
  assert.equal(r.code, 0, r.stderr);
  broker = await Mosquitto.start([]);
  started.push(broker);
}, { timeout: 900_000 });

after(() => {
  for (const p of peers) p.end(true);
  for (const s of started) s.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function peer(filter: string): Promise<{ c: any; got: { topic: string; payload: Buffer; props: any; at: number }[] }> {
  const got: { topic: string; payload: Buffer; props: any; at: number }[] = [];
  const c = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  peers.push(c);
  c.on("message", (topic: string, payload: Buffer, packet: any) => got.push({ topic, payload, props: packet.properties ?? {}, at: Date.now() }));
  await new Promise<void>((r) => c.once("connect", () => r()));
  await new Promise<void>((r) => c.subscribe(filter, { qos: 1 }, () => r()));
  return { c, got };
}

const sets = (...kv: string[]): string[] => kv.flatMap((x) => ["--set", x]);

test("C: will properties from the config keys and from set_will5, at the peer after the delay", { skip, timeout: 120_000 }, async () => {
  const { got } = await peer("c5w/#");
  for (const way of ["config", "api"]) {
    const w = await WireProxy.start(broker.port);
    started.push(w);
    const args = sets("mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`, "mqtt.protocol_version=5", `mqtt.client_id=c5w-${way}`,
      "mqtt.clean_session=false", "mqtt.session_expiry=60", "mqtt.reconnect_timeout_min=30", "mqtt.reconnect_timeout_max=30",
      `mqtt.will_topic=c5w/${way}`, "mqtt.will_message=gone", "mqtt.will_delay=2", "mqtt.will_payload_format=1",
      "mqtt.will_content_type=text/plain", "mqtt.will_user_props=src=config");
    const c = new Proc(`c5_extra ${way}`, exe, way === "api" ? ["--will5", ...args] : args, sanEnv(), true);
    try {
      await c.waitOut(/^connack 0 /m, 15000);
      const cut = Date.now();
      w.stop();
      await until(`the ${way} will`, () => got.some((m) => m.topic === `c5w/${way}`), 20000);
      const m = got.find((x) => x.topic === `c5w/${way}`)!;
      assert.equal(m.payload.toString(), "gone");
      if (way === "config") {
        assert.ok(m.at - cut >= 1500, `the will came ${m.at - cut} ms after the cut (delay 2 s)`);
        assert.deepEqual({ fmt: m.props.payloadFormatIndicator, ct: m.props.contentType, users: { ...m.props.userProperties } },
          { fmt: true, ct: "text/plain", users: { src: "config" } });
      } else {
        // set_will5 replaced every will property of the config.
        assert.ok(m.at - cut >= 500, `the will came ${m.at - cut} ms after the cut (delay 1 s)`);
        assert.deepEqual({ fmt: m.props.payloadFormatIndicator, ct: m.props.contentType, rt: m.props.responseTopic,
          cd: [...Buffer.from(m.props.correlationData)], users: { ...m.props.userProperties } },
        { fmt: false, ct: "application/x-c", rt: "c5x/reply", cd: [0, 1, 255], users: { from: "c", n: "2" } });
        assert.ok(m.props.messageExpiryInterval > 0 && m.props.messageExpiryInterval <= 90);
      }
      await stopClean(c);
    } finally {
      c.kill("SIGKILL");
    }
  }
});

test("C: an empty client id is assigned, reused on reconnect, and the session resumes", { skip, timeout: 120_000 }, async () => {
  const w = await WireProxy.start(broker.port);
  started.push(w);
  const c = new Proc("c5_extra empty-id", exe, ["--empty-id", ...sets("mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`,
    "mqtt.protocol_version=5", "mqtt.clean_session=false", "mqtt.session_expiry=60", "mqtt.reconnect_timeout_min=0.5",
    "mqtt.reconnect_timeout_max=1")], sanEnv(), true);
  try {
    const first = await c.waitOut(/^connack 0 assigned=(\S+)$/m, 15000);
    const id = first[1];
    await until("SUBACK", () => w.of("s2c", "suback").length === 1);
    assert.equal(w.of("c2s", "connect")[0].clientId, "");
    w.cut();
    const { c: pc } = await peer("c5x/none");
    await new Promise<void>((r) => pc.publish("c5x/in", "while-away", { qos: 1 }, () => r()));
    await c.waitOut(/^msg c5x\/in while-away$/m, 20000);
    const cn = w.of("c2s", "connect");
    assert.equal(cn.length, 2);
    assert.equal(cn[1].clientId, id, "the reconnect sends the assigned id");
    assert.equal(w.of("s2c", "connack")[1].sessionPresent, true);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("C: any number of publish user properties (add_pub_user_prop), in order; over the limit refused and logged", { skip, timeout: 120_000 }, async () => {
  const { got } = await peer("c5u/#");
  const c = new Proc("c5_extra pub-users", exe, ["--pub-users", ...sets("mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`,
    "mqtt.protocol_version=5", "mqtt.client_id=c5u")], sanEnv(), true);
  try {
    const out = await c.waitOut(/^cleared (\d+)$/m, 20000);
    assert.notEqual(out[1], "0");
    assert.match(c.out, /^many [1-9]\d*$/m);
    // 256 B (MGOS_MQTT_V5_STR_SIZE) holds 9 of 28 B; the 10th and a 300 B value are refused, logged.
    assert.match(c.out, /^staged 9 big 0$/m);
    await c.waitErr(/publish user property not UTF-8 or does not fit MGOS_MQTT_V5_STR_SIZE: k09/, 10000);
    assert.match(c.out, /^combined 0$/m);
    await c.waitErr(/props.user_key with the staged user properties over MGOS_MQTT_V5_STR_SIZE/, 10000);
    await until("the five messages", () => ["many", "full", "after", "after2", "cleared"].every((t) => got.some((m) => m.topic === `c5u/${t}`)), 20000);
    const at = (t: string): any => got.find((m) => m.topic === `c5u/${t}`)!.props;
    // Object.keys keeps the wire order (mqtt-packet adds them as it parses).
    assert.deepEqual(Object.entries(at("many").userProperties), [["dev", "c5u-1"], ["zone", "eu-west"], ["fw", "1.2.3"], ["seq", "42"]]);
    assert.deepEqual(Object.keys(at("full").userProperties), Array.from({ length: 9 }, (_, i) => `k0${i}`));
    assert.ok(Object.values(at("full").userProperties).every((v) => v === "twenty-bytes-value!!"));
    // Each pub5 takes the staged ones (the refused one too), and clear drops them.
    for (const t of ["after", "after2", "cleared"]) assert.equal(at(t).userProperties, undefined, t);
    assert.ok(!got.some((m) => m.topic === "c5u/combined"));
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});
