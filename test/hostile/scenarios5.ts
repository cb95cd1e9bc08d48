// MQTT 5 specific hostile-broker scenarios (hostile.test.ts runs them under
// protocol_version 5 only, beside every 3.1.1 scenario that applies): bad
// property ids, properties a packet may not carry, single-use properties
// given twice, property lengths that lie, topic aliases never set / 0 / above
// our maximum, CONNACK limits out of range and honoured, reason codes a
// packet does not have, a broker that ignores our Receive Maximum or Maximum
// Packet Size, DISCONNECT with a Server Reference, AUTH without a method.
//
// Each protocol error after CONNACK is sent while one of the app's QoS 1
// messages is in flight (unacknowledged): the client must answer with
// DISCONNECT and the right reason code (checked on the wire by the runner),
// log the reason once, and resend that message on the next connection.
import * as assert from "node:assert/strict";
import { HConn, PacketType, raw, remLen, str } from "./support/hostile_broker";
import { Scenario, subscribed, sleep } from "./support/scenario";
import { Proc } from "../integration/support/harness";

/** A PUBLISH (QoS 0, topic `t`, payload "x") with property block `props`
 *  (raw bytes); `propLen` replaces the length field. */
function pub5(props: number[], propLen?: number[], topic = "h/p5"): Buffer {
  const pb = Buffer.from([...(propLen ?? remLen(props.length)), ...props]);
  const body = Buffer.concat([str(topic), pb, Buffer.from("x-bad-props")]);
  return raw(0x30, remLen(body.length), body);
}

/** A CONNACK (accepted) with property block `props` (raw bytes). */
function connack5(props: number[], propLen?: number[]): Buffer {
  const body = Buffer.from([0, 0, ...(propLen ?? remLen(props.length)), ...props]);
  return raw(0x20, remLen(body.length), body);
}

/** An ack (PUBACK .. PUBCOMP by `first`) for `id` with `reason` and property block `props`. */
function ack5(first: number, id: number, reason: number, props: number[] = []): Buffer {
  const body = Buffer.from([id >> 8, id & 0xff, reason, ...remLen(props.length), ...props]);
  return raw(first, remLen(body.length), body);
}

let tagSeq = 0;

/** After CONNACK and SUBACK, the app's QoS 1 message goes out and is not
 *  acknowledged; then `bad(c, id)` is sent and the client must close. On the
 *  next (good) connection the message is resent. */
function inFlight(bad: (c: HConn, id: number) => Buffer, reason: number, log: RegExp, extra: Partial<Scenario> = {}): Omit<Scenario, "name"> {
  const tag = `keep5-${++tagSeq}`;
  return {
    act: async (c: HConn, cli: Proc) => {
      await subscribed(c);
      cli.send(`pub 1 0 h/keep ${tag}`);
      const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep");
      c.send(bad(c, p.id));
      await c.clientCloses(3000);
    },
    reason,
    log,
    notDelivered: ["x-bad-props"],
    checkGood: async (good: HConn, cli: Proc) => {
      // (With a clean session it goes as a new message, without DUP: session.ts enterDisconnected.)
      const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep" && x.payload.toString() === tag);
      await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
    },
    only: 5,
    ...extra,
  };
}

/** A CONNACK the client must refuse: DISCONNECT `reason`, never connected. */
function badConnack(bytes: Buffer, reason: number, log: RegExp): Omit<Scenario, "name"> {
  return {
    act: async (c: HConn) => {
      await c.packet(PacketType.CONNECT);
      c.send(bytes);
      await c.clientCloses(3000);
    },
    reason,
    log,
    neverConnected: true,
    only: 5,
  };
}

const MALFORMED = 0x81, PROTOCOL = 0x82;

export function scenarios5(): Scenario[] {
  const list: Scenario[] = [
    // ---- property ids
    { name: "PUBLISH with an unknown property id (0x7f)", ...inFlight(() => pub5([0x7f, 0]), MALFORMED, /unknown property id/) },
    { name: "PUBLISH with property id 0", ...inFlight(() => pub5([0x00, 0]), MALFORMED, /unknown property id/) },
    { name: "CONNACK with an unknown property id (0x2b, one past the last)", ...badConnack(connack5([0x2b, 0]), MALFORMED, /unknown property id/) },
    { name: "PUBACK with an unknown property id", ...inFlight((_c, id) => ack5(0x40, id, 0, [0x05, 1]), MALFORMED, /unknown property id/) },
    // ---- a property the packet may not carry
    { name: "PUBLISH with Session Expiry Interval (a CONNECT/CONNACK property)",
      ...inFlight(() => pub5([0x11, 0, 0, 0, 5]), PROTOCOL, /property not allowed in this packet/) },
    { name: "CONNACK with a Topic Alias (a PUBLISH property)", ...badConnack(connack5([0x23, 0, 1]), PROTOCOL, /property not allowed in this packet/) },
    { name: "PUBACK with a Server Reference", ...inFlight((_c, id) => ack5(0x40, id, 0, [0x1c, ...str("x:1")]), PROTOCOL, /property not allowed in this packet/) },
    // ---- single-use properties given twice
    { name: "PUBLISH with Message Expiry Interval twice", ...inFlight(() => pub5([0x02, 0, 0, 0, 9, 0x02, 0, 0, 0, 9]), PROTOCOL, /property given twice/) },
    { name: "PUBLISH with Topic Alias twice", ...inFlight(() => pub5([0x23, 0, 1, 0x23, 0, 1]), PROTOCOL, /property given twice/) },
    { name: "CONNACK with Receive Maximum twice", ...badConnack(connack5([0x21, 0, 5, 0x21, 0, 5]), PROTOCOL, /property given twice/) },
    { name: "PUBACK with Reason String twice", ...inFlight((_c, id) => ack5(0x40, id, 0, [0x1f, ...str("a"), 0x1f, ...str("b")]), PROTOCOL, /property given twice/) },
    { name: "PUBLISH with two User Properties (repeatable): delivered, no close", only: 5,
      act: async (c, cli) => {
        await subscribed(c);
        c.send(pub5([0x26, ...str("k"), ...str("v1"), 0x26, ...str("k"), ...str("v2")], undefined, "h/users"));
        await cli.waitOut(/^msg h\/users x-bad-props$/m, 3000);
        c.end();
      },
      log: /connection closed by the server/,
      check: (c0) => assert.equal(c0.clientClosed, false) },
    // ---- lengths that lie
    { name: "PUBLISH property length longer than the packet", ...inFlight(() => pub5([0x01, 0], [40]), MALFORMED, /property length runs past its end|field past packet end|bad remaining length/) },
    { name: "PUBLISH property length shorter than its properties (Message Expiry cut at 2 of 4 bytes)",
      ...inFlight(() => pub5([0x02, 0, 0, 0, 9], [3]), MALFORMED, /property length runs past its end/) },
    { name: "PUBLISH property length a 5-byte variable byte integer", ...inFlight(() => pub5([], [0xff, 0xff, 0xff, 0xff, 0x7f]), MALFORMED, /variable byte integer over 4 bytes|remaining length/) },
    { name: "PUBLISH property length not minimal (0x80 0x00)", ...inFlight(() => pub5([], [0x80, 0x00]), MALFORMED, /variable byte integer not minimal/) },
    { name: "PUBLISH Subscription Identifier a 5-byte variable byte integer", ...inFlight(() => pub5([0x0b, 0xff, 0xff, 0xff, 0xff, 0x7f]), MALFORMED, /variable byte integer over 4 bytes|property length runs past/) },
    { name: "PUBLISH Content Type string longer than its property block", ...inFlight(() => pub5([0x03, 0, 30, 0x61, 0x62]), MALFORMED, /property length runs past its end|field past packet end/) },
    { name: "PUBLISH Content Type not UTF-8", ...inFlight(() => pub5([0x03, 0, 2, 0xc3, 0x28]), MALFORMED, /bad UTF-8/) },
    { name: "CONNACK property length longer than the packet", ...badConnack(connack5([0x21, 0, 5], [9]), MALFORMED, /property length runs past its end|field past packet end|bad remaining length/) },
    { name: "PUBACK property length longer than the packet", ...inFlight((_c, id) => raw(0x40, [4], [id >> 8, id & 0xff, 0, 7]), MALFORMED, /property length runs past its end|field past packet end|bad remaining length/) },
    // ---- topic aliases
    { name: "PUBLISH with a topic alias never set (empty topic)", ...inFlight(() => pub5([0x23, 0, 2], undefined, ""), PROTOCOL, /topic alias never set/) },
    { name: "PUBLISH with topic alias 0", ...inFlight(() => pub5([0x23, 0, 0]), 0x94, /topic alias 0/) },
    { name: "PUBLISH with a topic alias above our Topic Alias Maximum", ...inFlight((c) => {
      const max = c.rx[0].props?.topicAliasMaximum ?? 0;
      return pub5([0x23, (max + 1) >> 8, (max + 1) & 0xff]);
    }, 0x94, /topic alias above our Topic Alias Maximum/) },
    { name: "a topic alias set on one connection is not known on the next", only: 5,
      repeat: 2,
      backoffReset: true,
      act: async (c) => {
        await subscribed(c);
        // Connection 0 sets alias 1; connection 1 uses it without setting it.
        c.send(c.index === 0 ? pub5([0x23, 0, 1], undefined, "h/alias") : pub5([0x23, 0, 1], undefined, ""));
        if (c.index === 0) {
          await sleep(100);
          c.end();
        } else {
          await c.clientCloses(3000);
        }
      },
      log: /topic alias never set/,
      reason: [null, PROTOCOL],
      timeout: 25_000 },
    // ---- CONNACK values out of range, limits honoured
    { name: "CONNACK Maximum QoS 2 (only 0 or 1 may be sent)", ...badConnack(connack5([0x24, 2]), PROTOCOL, /property value out of range/) },
    { name: "CONNACK Receive Maximum 0", ...badConnack(connack5([0x21, 0, 0]), PROTOCOL, /property value out of range/) },
    { name: "CONNACK Maximum Packet Size 0", ...badConnack(connack5([0x27, 0, 0, 0, 0]), PROTOCOL, /property value out of range/) },
    { name: "CONNACK Retain Available 2", ...badConnack(connack5([0x25, 2]), PROTOCOL, /property value out of range/) },
    { name: "CONNACK Maximum QoS 0: a QoS 1 publish goes out at QoS 0", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        c.send(connack5([0x24, 0]));
        await cli.waitOut(/^ev 202 /m, 3000);
        cli.send("pub 1 0 h/mq maxqos-zero");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/mq");
        assert.equal(p.qos, 0);
        c.end();
      },
      log: /connection closed by the server/ },
    // Accepted while connecting, before the CONNACK said the broker's Maximum QoS.
    { name: "CONNACK Maximum QoS 1: a QoS 2 message queued before it goes out at QoS 1", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        cli.send("pub 2 0 h/mq2 queued-qos2");
        await cli.waitOut(/^pub \d+$/m, 3000);
        c.send(connack5([0x24, 1]));
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/mq2");
        assert.equal(p.qos, 1, "QoS over the broker's Maximum QoS [MQTT-3.2.2-11]");
        c.send(c.P.ack(PacketType.PUBACK, p.id));
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
        c.end();
      },
      log: /broker's Maximum QoS is 1: sent at QoS 1/ },
    { name: "CONNACK Maximum QoS 0: QoS 1 messages queued before it go out at QoS 0, whole", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        cli.send("pub 1 0 h/mq0 queued-qos1-a");
        cli.send(`pub 1 0 h/mq0 ${"b".repeat(200)}`);
        cli.send("pub 0 0 h/mq0 not-queued");
        cli.send("pub 2 0 h/mq0 queued-qos2-c");
        await cli.waitOut(/^pub \d+$(?:[\s\S]*^pub \d+$){3}/m, 3000);
        c.send(connack5([0x24, 0]));
        const deadline = Date.now() + 3000;
        while (c.count(PacketType.PUBLISH, (x) => x.topic === "h/mq0") < 3 && Date.now() < deadline) await sleep(20);
        const got = c.rx.filter((x) => x.type === PacketType.PUBLISH && x.topic === "h/mq0");
        assert.deepEqual(got.map((x) => `${x.qos} ${x.payload.toString()}`), ["0 queued-qos1-a", `0 ${"b".repeat(200)}`, "0 queued-qos2-c"]);
        c.end();
      },
      log: /broker's Maximum QoS is 0: sent at QoS 0/ },
    { name: "CONNACK Retain Available 0: a retained publish goes out without RETAIN", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        c.send(connack5([0x25, 0]));
        await c.packet(PacketType.SUBSCRIBE, 3000);
        cli.send("pub 1 1 h/ra retain-unavailable");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/ra");
        assert.equal(p.retain, false, "RETAIN sent to a broker without Retain Available [MQTT-3.2.2-14]");
        c.end();
      },
      log: /Retain Available 0/ },
    { name: "CONNACK Wildcard Subscription Available 0: no wildcard SUBSCRIBE is sent, the refusal is logged", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        c.send(connack5([0x28, 0]));
        cli.send("sub h/plain");
        await c.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "h/plain"));
        await sleep(200);
        assert.equal(c.count(PacketType.SUBSCRIBE, (p) => p.filters.some((f) => /[#+]/.test(f.filter))), 0, "wildcard SUBSCRIBE sent");
        c.end();
      },
      log: /Wildcard Subscriptions not supported/ },
    { name: "CONNACK Receive Maximum 1: one QoS 1 message in flight at a time", only: 5,
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        c.send(connack5([0x21, 0, 1]));
        const s = await c.packet(PacketType.SUBSCRIBE, 3000);
        c.send(c.P.suback(s.id, [1]));
        for (let i = 0; i < 3; i++) cli.send(`pub 1 0 h/rm rm${i}`);
        const p0 = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/rm");
        await sleep(300);
        assert.equal(c.count(PacketType.PUBLISH, (x) => x.topic === "h/rm"), 1, "more in flight than the broker's Receive Maximum");
        c.send(c.P.ack(PacketType.PUBACK, p0.id));
        const p1 = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/rm" && x.id !== p0.id);
        c.send(c.P.ack(PacketType.PUBACK, p1.id));
        await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/rm" && x.id !== p0.id && x.id !== p1.id);
        c.end();
      },
      log: /connection closed by the server/ },
    // ---- reason codes a packet does not have
    { name: "PUBACK with reason code 0x02 (a SUBACK code)", ...inFlight((_c, id) => ack5(0x40, id, 0x02), MALFORMED, /reason code not valid for the packet/) },
    { name: "CONNACK with reason code 0x04 (a DISCONNECT code)", ...badConnack(raw(0x20, [3], [0, 0x04, 0]), MALFORMED, /reason code not valid for the packet/) },
    { name: "DISCONNECT from the broker with 0x04 (Disconnect with Will Message: a client's code)",
      ...inFlight(() => raw(0xe0, [2], [0x04, 0]), MALFORMED, /reason code not valid for the packet/) },
    { name: "PUBACK with an error reason code (0x97 Quota exceeded): the message is the broker's answer, not resent",
      only: 5,
      act: async (c, cli) => {
        await subscribed(c);
        cli.send("pub 1 0 h/quota over-quota");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/quota");
        c.send(ack5(0x40, p.id, 0x97, [0x1f, ...str("too many")]));
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
        await cli.waitOut(/^ev 204 reason=151$/m, 3000);
        c.end();
      },
      log: /Quota exceeded/,
      checkGood: async (good) => {
        await sleep(300);
        assert.equal(good.count(PacketType.PUBLISH, (x) => x.topic === "h/quota"), 0, "refused message resent");
      } },
    // ---- a broker that ignores our limits
    { name: "a broker that ignores our Receive Maximum: DISCONNECT 0x93 Receive Maximum exceeded", only: 5,
      act: async (c) => {
        await subscribed(c);
        const rm = c.rx[0].props?.receiveMaximum ?? 0;
        assert.ok(rm > 0, "no Receive Maximum in CONNECT");
        for (let i = 1; i <= rm + 1; i++) c.send(c.P.publish("h/rmx", `rmx${i}`, 2, 200 + i));
        await c.clientCloses(3000);
      },
      log: /broker exceeded our Receive Maximum/,
      reason: 0x93 },
    { name: "a broker that ignores our Maximum Packet Size: DISCONNECT 0x95 Packet too large", only: 5,
      sets: ["mqtt.max_packet_size=600"],
      act: async (c, cli) => {
        await subscribed(c);
        assert.equal(c.rx[0].props?.maximumPacketSize, 600);
        cli.send("pub 1 0 h/keep mps-keep");
        await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep");
        c.send(c.P.publish("h/mps", "M".repeat(700), 1, 9));
        await c.clientCloses(3000);
      },
      log: /packet too large/,
      reason: 0x95,
      notDelivered: ["MMMMMMMM"],
      checkGood: async (good, cli) => {
        const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep" && x.payload.toString() === "mps-keep");
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
      },
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK, (p) => p.id === 9), 0) },
    // ---- DISCONNECT from the broker
    { name: "DISCONNECT 0x9D Server moved with a Server Reference: the next attempt goes there, the outbox follows", only: 5,
      act: async (c, cli) => {
        await subscribed(c);
        cli.send("pub 1 0 h/keep moved-keep");
        await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep");
        const ref = `localhost:${(c.sock.address() as { port: number }).port}`;
        const body = Buffer.from([0x9d, ...remLen(3 + ref.length), 0x1c, ...str(ref)]);
        c.send(raw(0xe0, remLen(body.length), body));
        await c.clientCloses(3000);
      },
      log: /following the broker's Server Reference: localhost:\d+/,
      checkGood: async (good, cli) => {
        const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/keep" && x.payload.toString() === "moved-keep");
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
        await cli.waitErr(/connecting to localhost:\d+/, 3000);
      },
      check: (c0, cli) => {
        assert.equal(c0.count(PacketType.DISCONNECT), 0, "a DISCONNECT answered with DISCONNECT");
        assert.match(cli.out, /^ev 214 reason=157$/m);
      } },
    { name: "DISCONNECT with a Reason String but an invalid property (Topic Alias)",
      ...inFlight(() => raw(0xe0, [5], [0x8b, 3, 0x23, 0, 1]), PROTOCOL, /property not allowed in this packet/) },
    // ---- AUTH
    { name: "AUTH 0x18 when we set no authentication method",
      ...inFlight(() => raw(0xf0, [8], [0x18, 6, 0x1f, ...str("abc")]), PROTOCOL, /AUTH without an authentication method/) },
    { name: "AUTH with Authentication Data but no Authentication Method",
      ...inFlight(() => raw(0xf0, [6], [0x18, 4, 0x16, 0, 1, 0x41]), PROTOCOL, /authentication data without method/) },
    { name: "AUTH before CONNACK when we set no authentication method", ...badConnack(raw(0xf0, [2], [0x18, 0]), PROTOCOL, /AUTH without an authentication method/) },
  ];
  return list;
}
