// The client against a hostile broker (test/hostile/support/hostile_broker.ts):
// one misbehaviour per scenario, on the first connection only. For each:
//   - the client logs the reason (a regexp per scenario),
//   - where MQTT 3.1.1 says the receiver must close (malformed packets, 4.8),
//     the client itself closes the connection,
//   - nothing from a malformed packet reaches the application, and no ack is
//     sent for it,
//   - the reconnect comes after the configured backoff (min 0.3 s +/-10%),
//   - the next connection (a correct broker) works: CONNACK, SUBSCRIBE/SUBACK,
//     a QoS 1 publish echoed back and acknowledged both ways,
//   - the process exits 0 on SIGTERM with no ASan/UBSan/LSan report.
// The client is the host build under ASan/UBSan (test/integration/mqtt_cli.c,
// built by the integration harness).
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { FRAGMENTS_ON, Proc, Programs, buildPrograms, missingTools, sanEnv, sanitizerReport, stopClean } from "../integration/support/harness";
import { HostileBroker, HConn, PacketType, lastDisconnect, pktFor, raw, rawPublish, remLen, str } from "./support/hostile_broker";
import { Scenario, accept, subscribed, malformed, stillWorks, noCloseByClient, sleep } from "./support/scenario";
import { scenarios5 } from "./scenarios5";

const skip = missingTools();
let progs: Programs;
let progsFrag: Programs;

before(async () => {
  if (skip) return;
  progs = await buildPrograms();
  progsFrag = await buildPrograms(FRAGMENTS_ON);
}, { timeout: 600_000 });

/** Bytes that depend on their offset (a reordering or a gap shows). */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** FNV-1a, as mqtt_cli prints it for a message joined from fragments. */
function fnv(b: Uint8Array): string {
  let h = 2166136261;
  for (const c of b) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** Reconnect backoff the scenarios use: the first retry comes after RECONNECT_MIN s +/-10%. */
const RECONNECT_MIN = 0.3;
const RECONNECT_MAX = 0.6;

// ---------------------------------------------------------------- the scenarios

const NOT_FOR_CLIENT = /type not for a client/;

/** MQTT 5: a PUBLISH over our Maximum Packet Size (recv_mbuf_limit, capped at
 *  the rx buffer; sent in CONNECT) is a protocol error: DISCONNECT 0x95,
 *  nothing delivered or acknowledged, where 3.1.1 skips and acknowledges it. */
function tooLarge5(bytes: Buffer): Scenario["v5"] {
  return {
    act: malformed(bytes),
    log: /packet too large/,
    reason: 0x95,
    check: (c0) => assert.equal(c0.count(PacketType.PUBACK) + c0.count(PacketType.PUBREC), 0),
  };
}

/** The scenarios, their packets in protocol version `v` (4: 3.1.1, 5: MQTT 5);
 *  `v5` says what differs under MQTT 5. */
function scenariosFor(v: number): Scenario[] {
  const P = pktFor(v);
  const rp = (topic: Buffer | string, payload: string, qos: number, id: number, flags = 0) => rawPublish(topic, payload, qos, id, flags, v);
  /** A CONNACK by hand: flags, code (and an empty property block in 5). */
  const connackRaw = (flags: number, code: number) => v === 5 ? raw(0x20, [3], [flags, code, 0]) : raw(0x20, [2], [flags, code]);
  return [
    {
      name: "remaining length over 4 bytes",
      v5: { reason: 0x81 },
      act: malformed(raw(0x30, [0xff, 0xff, 0xff, 0xff, 0x7f], str("h/x"))),
      log: /length over 4 bytes/,
    },
    {
      name: "remaining length over 4 bytes instead of CONNACK",
      v5: { reason: 0x81 },
      act: malformed(raw(0x20, [0x80, 0x80, 0x80, 0x80, 0x01]), "connect"),
      log: /length over 4 bytes/,
      neverConnected: true,
    },
    {
      name: "PUBLISH over recv_mbuf_limit (1024), its body 300 ms after the header: skipped, not a close; PUBACK; connection kept",
      v5: tooLarge5(P.publish("h/big", "b".repeat(4991), 1, 44)),
      sets: ["mqtt.recv_mbuf_limit=1024"],
      act: async (c, cli) => {
        await subscribed(c);
        // 5000 = topic field 7 + id 2 + payload 4991.
        c.send(raw(0x32, remLen(5000), str("h/big")));
        await sleep(300);
        assert.equal(c.clientClosed, false, "closed on a large PUBLISH");
        c.send(Buffer.concat([Buffer.from([0, 44]), Buffer.alloc(4991, "b")]));
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 44);
        await cli.waitOut(/^skipped global h\/big id=44 qos=1 total=4991$/m, 3000);
        await stillWorks(c, cli, "after-big");
        c.end();
      },
      log: /PUBLISH larger than the receive buffer, skipped: h\/big \(4991\)/,
      notDelivered: ["bbbbbbbb"],
      check: noCloseByClient,
    },
    {
      name: "PUBLISH of 3000 bytes, over recv_mbuf_limit 2048, sent whole: skipped and acknowledged",
      v5: tooLarge5(P.publish("h/big2", "B".repeat(2990), 1, 5)),
      sets: ["mqtt.recv_mbuf_limit=2048"],
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.publish("h/big2", "B".repeat(2990), 1, 5));
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 5);
        await stillWorks(c, cli, "after-big2");
        c.end();
      },
      log: /PUBLISH larger than the receive buffer, skipped: h\/big2/,
      notDelivered: ["BBBBBBBB"],
      check: noCloseByClient,
    },
    {
      name: "remaining length 268435455 (the largest encodable): read past (64 KiB of it), then the server closes; nothing acked",
      v5: tooLarge5(Buffer.concat([raw(0x32, [0xff, 0xff, 0xff, 0x7f], str("h/huge")), Buffer.from([0, 45, 0]), Buffer.alloc(65536, "H")])),
      act: async (c, cli) => {
        await subscribed(c);
        c.send(Buffer.concat([raw(0x32, [0xff, 0xff, 0xff, 0x7f], str("h/huge")), Buffer.from([0, 45]), Buffer.alloc(65536, "H")]));
        await cli.waitOut(/^skipped global h\/huge id=45 qos=1 total=268435445$/m, 3000);
        await sleep(200);
        assert.equal(c.clientClosed, false);
        c.end();
      },
      log: /connection closed by the server/,
      notDelivered: ["HHHHHHHH"],
      check: (c0, cli) => {
        assert.equal(c0.count(PacketType.PUBACK), 0);
        assert.match(cli.err, /PUBLISH larger than the receive buffer, skipped: h\/huge \(268435445\)/);
      },
    },
    {
      name: "truncated PUBLISH, then the server closes",
      act: async (c) => {
        await subscribed(c);
        const p = P.publish("h/trunc", "never-delivered", 1, 7);
        c.send(p.subarray(0, p.length - 5));
        await sleep(100);
        c.end();
      },
      log: /connection closed by the server/,
      notDelivered: ["h/trunc"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "truncated CONNACK, then the server closes",
      v5: {
        // MQTT 5's CONNACK has at least 3 bytes (a remaining length of 2 is malformed at once): cut one of 3.
        act: async (c) => {
          await c.packet(PacketType.CONNECT);
          c.send(Buffer.from([0x20, 0x03, 0x00]));
          await sleep(100);
          c.end();
        },
      },
      act: async (c) => {
        await c.packet(PacketType.CONNECT);
        c.send(Buffer.from([0x20, 0x02, 0x00]));
        await sleep(100);
        c.end();
      },
      log: /connection closed by the server/,
      neverConnected: true,
    },
    {
      name: "CONNACK twice",
      v5: { reason: 0x82 },
      act: async (c) => {
        await subscribed(c);
        c.send(P.connack(0));
        await c.clientCloses();
      },
      log: /second CONNACK/,
    },
    {
      name: "CONNACK with return code 6 (undefined)",
      v5: { reason: 0x81, log: /reason code not valid for the packet/ },
      act: malformed(connackRaw(0, 6), "connect"),
      log: /bad CONNACK code/,
      neverConnected: true,
    },
    {
      name: "CONNACK refusal 5 (not authorized): no handler sees a connection",
      act: malformed(P.connack(v === 5 ? 0x87 : 5), "connect"),
      log: /server refused the connection: not authorized/,
      v5: { log: /server refused the connection: Not authorized/ },
      neverConnected: true,
      check: (_c0, cli) => assert.match(cli.out, /^cloud CONNECTERROR$/m),
    },
    {
      name: "CONNACK refusal 2 (identifier rejected)",
      act: malformed(P.connack(v === 5 ? 0x85 : 2), "connect"),
      log: /server refused the connection: identifier rejected/,
      v5: { log: /server refused the connection: Client Identifier not valid/ },
      neverConnected: true,
    },
    {
      name: "CONNACK with reserved flag bits set",
      v5: { reason: 0x81 },
      act: malformed(connackRaw(0x02, 0), "connect"),
      log: /bad CONNACK flags/,
      neverConnected: true,
    },
    {
      name: "CONNACK refusal with session present",
      v5: { reason: 0x81 },
      act: malformed(connackRaw(0x01, v === 5 ? 0x87 : 4), "connect"),
      log: /bad CONNACK flags/,
      neverConnected: true,
    },
    {
      name: "CONNACK session present on a clean session",
      v5: { reason: 0x82 },
      act: malformed(P.connack(0, true), "connect"),
      log: /unexpected session present/,
      neverConnected: true,
    },
    {
      name: "CONNACK of 3 bytes",
      v5: {
        // 3 bytes are a whole MQTT 5 CONNACK (empty properties): one byte more.
        name: "CONNACK with a byte after its properties",
        act: malformed(raw(0x20, [4], [0, 0, 0, 0]), "connect"),
        reason: 0x81,
      },
      act: malformed(raw(0x20, [3], [0, 0, 0]), "connect"),
      log: /bad remaining length/,
      neverConnected: true,
    },
    {
      name: "PUBLISH before CONNACK",
      v5: { reason: 0x82 },
      act: malformed(P.publish("h/early", "early-bird", 1, 3), "connect"),
      log: /packet before CONNACK/,
      neverConnected: true,
      notDelivered: ["h/early", "early-bird"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      // Over the receive buffer (3072) it takes the streaming path; still a
      // protocol error, answered as the small one (MQTT 5: DISCONNECT 0x82).
      name: "PUBLISH larger than the receive buffer before CONNACK",
      // Under MQTT 5 it is streamed only within the Maximum Packet Size we announce.
      v5: { reason: 0x82, sets: ["mqtt.max_packet_size=100000"] },
      act: malformed(P.publish("h/early-big", "E".repeat(4000), 1, 4), "connect"),
      log: /packet before CONNACK/,
      neverConnected: true,
      notDelivered: ["h/early-big", "EEEEEEEE"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "SUBACK for an unknown id (then the right one): logged, connection kept",
      act: async (c, cli) => {
        await accept(c);
        const s = await c.packet(PacketType.SUBSCRIBE);
        c.send(P.suback((s.id + 1000) & 0xffff || 1, [1]));
        c.send(P.suback(s.id, [1]));
        await stillWorks(c, cli, "after-bad-suback");
        c.end();
      },
      log: /SUBACK: unknown id/,
      check: noCloseByClient,
    },
    {
      name: "PUBACK for an unknown id: logged, connection kept",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.ack(PacketType.PUBACK, 4242));
        await stillWorks(c, cli, "after-bad-puback");
        c.end();
      },
      log: /PUBACK: unexpected id/,
      check: noCloseByClient,
    },
    {
      name: "PUBREC for an unknown id: logged, no PUBREL for it",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.ack(PacketType.PUBREC, 4243));
        await stillWorks(c, cli, "after-bad-pubrec");
        c.end();
      },
      log: /PUBREC: unexpected id/,
      check: (c0) => {
        noCloseByClient(c0);
        assert.equal(c0.count(PacketType.PUBREL, (p) => p.id === 4243), 0);
      },
    },
    {
      name: "PUBCOMP for an unknown id: logged, connection kept",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.ack(PacketType.PUBCOMP, 4244));
        await stillWorks(c, cli, "after-bad-pubcomp");
        c.end();
      },
      log: /PUBCOMP: unexpected id/,
      check: noCloseByClient,
    },
    {
      name: "UNSUBACK for an unknown id: logged, connection kept",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.ack(PacketType.UNSUBACK, 4245));
        await stillWorks(c, cli, "after-bad-unsuback");
        c.end();
      },
      log: /UNSUBACK: unknown id/,
      check: noCloseByClient,
    },
    {
      name: "PUBREL for an unknown id: PUBCOMP all the same (4.3.3 method B)",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.ack(PacketType.PUBREL, 4246));
        await c.packet(PacketType.PUBCOMP, 3000, (p) => p.id === 4246);
        await stillWorks(c, cli, "after-bad-pubrel");
        c.end();
      },
      log: /PUBREL: unknown id/,
      check: noCloseByClient,
    },
    {
      name: "PUBACK instead of PUBREC for a QoS 2 message: the server took it at QoS 1 (RabbitMQ does): the exchange ends with a warning, nothing stays in flight",
      act: async (c, cli) => {
        await subscribed(c);
        const mark = cli.out.length;
        cli.send("pub 2 0 h/q2out wrong-ack");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/q2out");
        c.send(P.ack(PacketType.PUBACK, p.id));
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000, mark);
        // A PUBREC after that is for an id no longer in flight: logged, no PUBREL.
        c.send(P.ack(PacketType.PUBREC, p.id));
        await stillWorks(c, cli, "after-puback-for-qos2");
        assert.equal(c.count(PacketType.PUBREL), 0);
        c.end();
      },
      log: /PUBACK for a QoS 2 message: the server took it at QoS 1/,
      check: noCloseByClient,
    },
    {
      name: "QoS 1 PUBLISH with packet id 0: no delivery, no PUBACK",
      v5: { reason: 0x81 },
      act: malformed(rp("h/zero", "zero-id-1", 1, 0)),
      log: /packet id 0/,
      notDelivered: ["zero-id-1"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "QoS 2 PUBLISH with packet id 0: no delivery, no PUBREC",
      v5: { reason: 0x81 },
      act: malformed(rp("h/zero", "zero-id-2", 2, 0)),
      log: /packet id 0/,
      notDelivered: ["zero-id-2"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBREC), 0),
    },
    {
      name: "PUBACK with packet id 0",
      v5: { reason: 0x81 },
      act: malformed(raw(0x40, [2], [0, 0])),
      log: /packet id 0/,
    },
    {
      name: "PUBLISH with '+' in the topic",
      v5: { reason: 0x81 },
      act: malformed(rp("h/+/x", "wild-plus", 1, 9)),
      log: /wildcard in topic/,
      notDelivered: ["wild-plus"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "PUBLISH with '#' in the topic",
      v5: { reason: 0x81 },
      act: malformed(rp("h/#", "wild-hash", 0, 0)),
      log: /wildcard in topic/,
      notDelivered: ["wild-hash"],
    },
    {
      name: "PUBLISH with a zero-length topic",
      v5: { reason: 0x82, log: /empty topic without topic alias/ },
      act: malformed(rp("", "no-topic", 1, 10)),
      log: /empty topic/,
      notDelivered: ["no-topic"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "PUBLISH topic that is not UTF-8",
      v5: { reason: 0x81 },
      act: malformed(rp(Buffer.from([0x68, 0x2f, 0xc3, 0x28]), "bad-utf8", 0, 0)),
      log: /bad UTF-8/,
      notDelivered: ["bad-utf8"],
    },
    {
      name: "PUBLISH topic with U+0000",
      v5: { reason: 0x81 },
      act: malformed(rp(Buffer.from("h/\u0000x"), "nul-topic", 0, 0)),
      log: /bad UTF-8/,
      notDelivered: ["nul-topic"],
    },
    {
      name: "PUBLISH with QoS 3",
      v5: { reason: 0x81 },
      act: malformed(rp("h/q3", "qos-three", 1, 11, 0x04)), // qos bits 11
      log: /QoS 3/,
      notDelivered: ["qos-three"],
    },
    {
      name: "PUBLISH QoS 0 with DUP",
      v5: { reason: 0x81 },
      act: malformed(rp("h/dup0", "dup-zero", 0, 0, 0x08)),
      log: /DUP on QoS 0/,
      notDelivered: ["dup-zero"],
    },
    {
      name: "PUBLISH whose topic length runs past the packet",
      v5: { reason: 0x81 },
      act: malformed(raw(0x30, [6], [0, 40, 0x68, 0x2f, 0x61, 0x62])),
      log: /field past packet end/,
    },
    {
      name: "QoS 1 PUBLISH too short for its packet id",
      v5: { reason: 0x81 },
      act: malformed(raw(0x32, [4], [0, 2, 0x68, 0x2f])),
      log: /bad remaining length/,
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "CONNECT sent to the client",
      v5: { reason: 0x82 },
      act: malformed(raw(0x10, [0])),
      log: NOT_FOR_CLIENT,
    },
    {
      name: "SUBSCRIBE sent to the client",
      v5: { reason: 0x82 },
      act: malformed(raw(0x82, [8], [0, 1, 0, 3, 0x68, 0x2f, 0x23, 0])),
      log: NOT_FOR_CLIENT,
    },
    {
      name: "UNSUBSCRIBE sent to the client",
      v5: { reason: 0x82 },
      act: malformed(raw(0xa2, [7], [0, 1, 0, 3, 0x68, 0x2f, 0x23])),
      log: NOT_FOR_CLIENT,
    },
    {
      name: "PINGREQ sent to the client",
      v5: { reason: 0x82 },
      act: malformed(raw(0xc0, [0])),
      log: NOT_FOR_CLIENT,
      check: (c0) => assert.equal(c0.count(PacketType.PINGRESP), 0),
    },
    {
      name: "DISCONNECT sent to the client",
      // a server's DISCONNECT is MQTT 5: the client closes, answering nothing
      v5: { log: /DISCONNECT from the broker/ },
      act: malformed(raw(0xe0, [0])),
      log: NOT_FOR_CLIENT,
    },
    {
      name: "reserved packet type 0",
      v5: { reason: 0x81 },
      act: malformed(raw(0x00, [0])),
      log: /reserved packet type/,
    },
    {
      name: "reserved packet type 15",
      // type 15 is AUTH in MQTT 5
      v5: { reason: 0x82, log: /AUTH without an authentication method/ },
      act: malformed(raw(0xf0, [0])),
      log: /reserved packet type/,
    },
    {
      name: "PUBACK with reserved flags set",
      v5: { reason: 0x81 },
      act: malformed(raw(0x41, [2], [0, 1])),
      log: /bad header flags/,
    },
    {
      name: "PUBREL without its required flags (0x60)",
      v5: { reason: 0x81 },
      act: malformed(raw(0x60, [2], [0, 1])),
      log: /bad header flags/,
    },
    {
      name: "PINGRESP with a body",
      v5: { reason: 0x81 },
      act: malformed(raw(0xd0, [1], [0])),
      log: /bad remaining length/,
    },
    {
      name: "SUBACK with return code 3",
      v5: { reason: 0x81 },
      act: async (c) => {
        await accept(c);
        const s = await c.packet(PacketType.SUBSCRIBE);
        c.send(v === 5 ? raw(0x90, [4], [s.id >> 8, s.id & 0xff, 0, 3]) : raw(0x90, [3], [s.id >> 8, s.id & 0xff, 3]));
        await c.clientCloses();
      },
      log: /bad SUBACK code/,
    },
    {
      name: "an HTTP error page instead of MQTT",
      v5: { reason: 0x81 },
      act: malformed(Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), "connect"),
      log: /bad header flags/,
      neverConnected: true,
    },
    {
      name: "one byte at a time: CONNACK, SUBACK, PUBLISH, PINGRESP all dribbled (works, no close)",
      sets: ["mqtt.keep_alive=1"],
      act: async (c, cli) => {
        await c.packet(PacketType.CONNECT);
        await c.dribble(P.connack(0), 15);
        const s = await c.packet(PacketType.SUBSCRIBE);
        await c.dribble(P.suback(s.id, [1]), 15);
        await c.dribble(P.publish("h/slow", "dribbled-bytes", 1, 77), 15);
        await cli.waitOut(/^msg h\/slow dribbled-bytes$/m, 3000);
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 77);
        await c.packet(PacketType.PINGREQ, 3000);
        // A non-minimal remaining length (0x80 0x00 = 0) is valid in 3.1.1 (not in 5: 1.5.5).
        await c.dribble(Buffer.from(v === 5 ? [0xd0, 0x00] : [0xd0, 0x80, 0x00]), 15);
        await cli.waitOut(/^ev 213/m, 3000);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
    },
    {
      name: "never answering PINGREQ (keep_alive 1 s): closed within 1.5 x keep_alive of the broker's last packet",
      sets: ["mqtt.keep_alive=1"],
      act: async (c) => {
        await subscribed(c);
        const last = Date.now(); // the SUBACK: nothing more comes from the broker
        await c.packet(PacketType.PINGREQ, 3000);
        const closed = await c.clientCloses(3000);
        const dt = closed - last;
        // 1.5 x keep_alive (the bound), +300 ms for scheduling.
        assert.ok(dt >= 1000 && dt <= 1800, `closed ${dt} ms after the broker's last packet, want 1000..1500 (+300)`);
      },
      log: /no PINGRESP in time/,
      timeout: 30_000,
    },
    {
      name: "never sending CONNACK: closed after the CONNACK timeout (2 s in this build)",
      act: async (c) => {
        const conn = await c.packet(PacketType.CONNECT);
        const closed = await c.clientCloses(4000);
        const dt = closed - conn.at;
        assert.ok(dt >= 1900 && dt <= 3200, `closed ${dt} ms after CONNECT, want ~2000`);
      },
      log: /no CONNACK in time/,
      neverConnected: true,
      timeout: 30_000,
    },
    {
      name: "first byte of CONNACK, then silence: CONNACK timeout",
      act: async (c) => {
        await c.packet(PacketType.CONNECT);
        c.send(Buffer.from([0x20]));
        await c.clientCloses(4000);
      },
      log: /no CONNACK in time/,
      neverConnected: true,
      timeout: 30_000,
    },
    {
      name: "flood: 20000 QoS 0 PUBLISHes in one burst, all delivered in order",
      act: async (c, cli) => {
        await subscribed(c);
        const n = 20000;
        const parts: Buffer[] = [];
        for (let i = 0; i < n; i++) parts.push(P.publish("h/f0", `f${i}`));
        c.send(Buffer.concat(parts));
        await cli.waitOut(new RegExp(`^msg h/f0 f${n - 1}$`, "m"), 30_000);
        const got = [...cli.out.matchAll(/^msg h\/f0 f(\d+)$/gm)].map((m) => Number(m[1]));
        assert.equal(got.length, n);
        for (let i = 0; i < n; i++) if (got[i] !== i) assert.fail(`message ${i}: got f${got[i]}`);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
      timeout: 60_000,
    },
    {
      name: "flood: 3000 QoS 1 PUBLISHes of 1000 bytes in one burst, each delivered once and acked",
      act: async (c, cli) => {
        await subscribed(c);
        const n = 3000;
        const parts: Buffer[] = [];
        const body = "x".repeat(990);
        for (let i = 1; i <= n; i++) parts.push(P.publish("h/f1", `${i}:${body}`, 1, i));
        c.send(Buffer.concat(parts));
        await cli.waitOut(new RegExp(`^msg h/f1 ${n}:`, "m"), 30_000);
        const deadline = Date.now() + 5000;
        while (c.count(PacketType.PUBACK) < n && Date.now() < deadline) await sleep(50);
        const acked = new Set(c.rx.filter((p) => p.type === PacketType.PUBACK).map((p) => p.id));
        assert.equal(acked.size, n, `PUBACKs for ${acked.size} of ${n} ids`);
        assert.equal(c.count(PacketType.PUBACK), n, "a PUBACK sent twice");
        const got = [...cli.out.matchAll(/^msg h\/f1 (\d+):x{990}$/gm)].map((m) => Number(m[1]));
        assert.equal(got.length, n);
        assert.equal(new Set(got).size, n);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
      timeout: 60_000,
    },
    {
      name: "flood: 1000 QoS 2 PUBLISHes, each delivered once, full PUBREC/PUBREL/PUBCOMP",
      v5: { skip: "a broker may not send more unreleased QoS 2 than our Receive Maximum: \"20 QoS 2 PUBLISHes never released\" shows the DISCONNECT 0x93" },
      act: async (c, cli) => {
        c.good(); // answers CONNECT, SUBSCRIBE, and the client's PUBRECs with PUBREL
        await c.packet(PacketType.SUBSCRIBE);
        await sleep(50);
        const n = 1000;
        const parts: Buffer[] = [];
        for (let i = 1; i <= n; i++) parts.push(P.publish("h/f2", `q2-${i}`, 2, i));
        c.send(Buffer.concat(parts));
        const deadline = Date.now() + 20_000;
        while (c.count(PacketType.PUBCOMP) < n && Date.now() < deadline) await sleep(50);
        assert.equal(new Set(c.rx.filter((p) => p.type === PacketType.PUBCOMP).map((p) => p.id)).size, n);
        const got = [...cli.out.matchAll(/^msg h\/f2 q2-(\d+)$/gm)].map((m) => Number(m[1]));
        assert.equal(got.length, n, "each QoS 2 message delivered exactly once");
        assert.equal(new Set(got).size, n);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
      timeout: 60_000,
    },
    {
      name: "QoS 2 PUBLISH sent twice (DUP) before PUBREL: delivered once, PUBREC twice",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.publish("h/q2", "exactly-once", 2, 42));
        await c.packet(PacketType.PUBREC, 3000, (p) => p.id === 42);
        c.send(P.publish("h/q2", "exactly-once", 2, 42, true));
        const deadline = Date.now() + 3000;
        while (c.count(PacketType.PUBREC, (p) => p.id === 42) < 2 && Date.now() < deadline) await sleep(20);
        assert.equal(c.count(PacketType.PUBREC, (p) => p.id === 42), 2);
        c.send(P.ack(PacketType.PUBREL, 42));
        await c.packet(PacketType.PUBCOMP, 3000, (p) => p.id === 42);
        await sleep(100);
        assert.equal((cli.out.match(/^msg h\/q2 exactly-once$/gm) ?? []).length, 1, cli.out);
        c.end();
      },
      log: /duplicate QoS 2 PUBLISH/,
      check: noCloseByClient,
    },
    {
      name: "20 QoS 2 PUBLISHes never released: all delivered once, the id table overflow is logged",
      v5: {
        // Past our Receive Maximum (the table's size, sent in CONNECT): Receive Maximum exceeded.
        act: async (c, cli) => {
          await subscribed(c);
          // One write: a broker still writing when the client closes gets an RST, which may lose the DISCONNECT.
          c.send(Buffer.concat(Array.from({ length: 20 }, (_, i) => P.publish("h/norel", `nr${i + 1}`, 2, 101 + i))));
          await c.clientCloses(3000);
          await cli.waitOut(/^msg h\/norel nr1$/m, 3000);
        },
        log: /broker exceeded our Receive Maximum/,
        reason: 0x93,
        check: (c0) => assert.ok(c0.rx.some((p) => p.type === PacketType.CONNECT && p.props !== null && p.props.receiveMaximum > 0 && p.props.receiveMaximum < 20)),
        notDelivered: ["nr20"],
      },
      act: async (c, cli) => {
        await subscribed(c);
        for (let i = 1; i <= 20; i++) c.send(P.publish("h/norel", `nr${i}`, 2, 100 + i));
        await cli.waitOut(/^msg h\/norel nr20$/m, 3000);
        const deadline = Date.now() + 3000;
        while (c.count(PacketType.PUBREC) < 20 && Date.now() < deadline) await sleep(20);
        assert.equal(c.count(PacketType.PUBREC), 20);
        assert.equal((cli.out.match(/^msg h\/norel nr\d+$/gm) ?? []).length, 20);
        c.end();
      },
      log: /rx QoS 2 table full/,
      check: noCloseByClient,
    },
    {
      name: "connection reset (RST) in the middle of a PUBLISH",
      act: async (c) => {
        await subscribed(c);
        const p = P.publish("h/rst", "cut-by-reset", 1, 12);
        c.send(p.subarray(0, 9));
        await sleep(50);
        c.reset();
      },
      log: /recv from 127\.0\.0\.1:\d+: Connection reset by peer/,
      notDelivered: ["h/rst"],
      check: (c0) => assert.equal(c0.count(PacketType.PUBACK), 0),
    },
    {
      name: "connection reset (RST) right after accept",
      act: async (c) => {
        c.reset();
      },
      log: /Connection reset by peer|connection closed/,
      neverConnected: true,
    },
    {
      // Before CONNACK: an accepted CONNACK resets the backoff to its minimum.
      name: "a malformed CONNACK on three connections in a row: backoff 0.3, 0.6, 0.6 s (min 0.3, max 0.6)",
      v5: { reason: 0x81 },
      repeat: 3,
      act: malformed(raw(0x20, [0x80, 0x80, 0x80, 0x80, 0x01]), "connect"),
      log: /length over 4 bytes/,
      neverConnected: true,
    },
    {
      name: "QoS 1 message in flight when a malformed packet ends the connection: resent with DUP and the same id (clean_session=false)",
      v5: { reason: 0x81 },
      sets: ["mqtt.clean_session=false"],
      act: async (c, cli) => {
        await subscribed(c);
        cli.send("pub 1 0 h/inflight keep-me-1");
        await c.packet(PacketType.PUBLISH, 3000, (p) => p.topic === "h/inflight");
        c.send(raw(0x00, [0])); // no PUBACK: a reserved packet type instead
        await c.clientCloses();
      },
      log: /reserved packet type/,
      checkGood: async (good, cli) => {
        const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/inflight");
        assert.equal(p.payload.toString(), "keep-me-1");
        assert.equal(p.dup, true, "a resent PUBLISH must have DUP set (MQTT-3.3.1-1)");
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
      },
    },
    {
      name: "QoS 2 message in flight (PUBREC received) when the connection is reset: PUBREL resent, not the PUBLISH (clean_session=false)",
      sets: ["mqtt.clean_session=false"],
      act: async (c, cli) => {
        await subscribed(c);
        cli.send("pub 2 0 h/inflight2 keep-me-2");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/inflight2");
        c.send(P.ack(PacketType.PUBREC, p.id));
        await c.packet(PacketType.PUBREL, 3000, (x) => x.id === p.id);
        c.reset(); // no PUBCOMP
      },
      log: /Connection reset by peer/,
      checkGood: async (good, cli) => {
        const rel = await good.packet(PacketType.PUBREL, 3000);
        await cli.waitOut(new RegExp(`^ev 207 id=${rel.id} `, "m"), 3000);
        assert.equal(good.count(PacketType.PUBLISH, (x) => x.topic === "h/inflight2"), 0, "PUBLISH resent after its PUBREC");
      },
    },
    {
      name: "QoS 1 message in flight when a malformed packet ends the connection: not lost with clean_session=true either",
      v5: { reason: 0x81 },
      act: async (c, cli) => {
        await subscribed(c);
        cli.send("pub 1 0 h/inflight keep-me-3");
        await c.packet(PacketType.PUBLISH, 3000, (p) => p.topic === "h/inflight");
        c.send(raw(0x00, [0]));
        await c.clientCloses();
      },
      log: /reserved packet type/,
      checkGood: async (good) => {
        const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/inflight");
        assert.equal(p.payload.toString(), "keep-me-3");
      },
    },
    {
      name: "PUBLISH of exactly recv_mbuf_limit (3072) bytes is delivered; one byte more is skipped and acknowledged",
      v5: {
        // Our Maximum Packet Size is the limit: the one byte more is a protocol error (0x95), not skipped.
        name: "PUBLISH of exactly recv_mbuf_limit (3072) bytes is delivered; one byte more: DISCONNECT Packet too large",
        act: async (c, cli) => {
          await subscribed(c);
          const ok = P.publish("h/edge", "e".repeat(3072 - 14), 1, 31);
          assert.equal(ok.length, 3072);
          c.send(ok);
          await cli.waitOut(/^msg h\/edge e{3058}$/m, 3000);
          await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 31);
          c.send(P.publish("h/edge", "E".repeat(3072 - 13), 1, 32));
          await c.clientCloses(3000);
        },
        log: /packet too large/,
        reason: 0x95,
        check: (c0) => assert.equal(c0.count(PacketType.PUBACK, (p) => p.id === 32), 0),
      },
      act: async (c, cli) => {
        await subscribed(c);
        // Fixed header 1 + 2 (remaining length 3069) + topic 2 + 6 + id 2 = 13 bytes before the payload.
        const ok = P.publish("h/edge", "e".repeat(3072 - 13), 1, 31);
        assert.equal(ok.length, 3072);
        c.send(ok);
        await cli.waitOut(/^msg h\/edge e{3059}$/m, 3000);
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 31);
        c.send(P.publish("h/edge", "E".repeat(3072 - 12), 1, 32));
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 32);
        await cli.waitOut(/^skipped global h\/edge id=32 qos=1 total=3060$/m, 3000);
        c.end();
      },
      log: /PUBLISH larger than the receive buffer, skipped: h\/edge \(3060\)/,
      notDelivered: ["EEEEEEEE"],
      check: noCloseByClient,
    },
    {
      name: "recv_mbuf_limit above the rx buffer (10000): capped at the buffer (3072), a 5000-byte PUBLISH is skipped",
      v5: tooLarge5(P.publish("h/capped", "C".repeat(4980), 1, 33)),
      sets: ["mqtt.recv_mbuf_limit=10000"],
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.publish("h/capped", "C".repeat(4980), 1, 33));
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 33);
        await stillWorks(c, cli, "after-capped");
        c.end();
      },
      log: /PUBLISH larger than the receive buffer, skipped: h\/capped \(4980\)/,
      notDelivered: ["CCCCCCCC"],
      check: noCloseByClient,
    },
    {
      name: "a large PUBLISH (4000-byte QoS 1) one byte per TCP segment: fragments to an opted-in handler, joined exactly; PUBACK",
      fragments: true,
      // Under MQTT 5 a PUBLISH over the receive buffer is streamed only when max_packet_size announces room for it.
      v5: { sets: ["mqtt.max_packet_size=100000"] },
      act: async (c, cli) => {
        cli.send("osub 1 1 f/#");
        c.good();
        await c.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "f/#"));
        await sleep(50);
        const body = pattern(4000, 3);
        await c.dribble(P.publish("f/drip", body, 1, 21), 0);
        await cli.waitOut(new RegExp(`^fdone f/drip total=4000 fnv=${fnv(body)}$`, "m"), 30_000);
        const parts = (cli.out.match(/^part f\/drip /gm) ?? []).length;
        assert.ok(parts > 100, `only ${parts} fragments: the bytes were not split`);
        await c.packet(PacketType.PUBACK, 3000, (p) => p.id === 21);
        assert.equal((cli.out.match(/^error /gm) ?? []).length, 0);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
      timeout: 60_000,
    },
    {
      name: "a large PUBLISH cut off mid-payload by a reset: the handler hears it was cut, nothing acked; after reconnect the resend arrives whole",
      fragments: true,
      // Under MQTT 5 a PUBLISH over the receive buffer is streamed only when max_packet_size announces room for it.
      v5: { sets: ["mqtt.max_packet_size=100000"] },
      act: async (c, cli) => {
        cli.send("osub 1 1 f/#");
        c.good();
        await c.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "f/#"));
        await sleep(50);
        c.send(P.publish("f/cut", pattern(50_000, 4), 1, 8).subarray(0, 20_000));
        await cli.waitOut(/^part f\/cut off=\d+ len=\d+ total=50000$/m, 3000);
        await sleep(100);
        c.reset();
      },
      log: /Connection reset by peer/,
      check: (c0, cli) => {
        assert.equal(c0.count(PacketType.PUBACK, (p) => p.id === 8), 0);
        assert.match(cli.out, /^fcut off=\d+$/m);
      },
      checkGood: async (good, cli) => {
        const body = pattern(50_000, 4);
        // After CONNACK (the client subscribes only once it has it).
        await good.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "f/#"));
        good.send(P.publish("f/cut", body, 1, 8, true));
        await cli.waitOut(new RegExp(`^fdone f/cut total=50000 fnv=${fnv(body)}$`, "m"), 5000);
        await good.packet(PacketType.PUBACK, 3000, (p) => p.id === 8);
      },
    },
    {
      name: "PUBACK with a 4-byte non-minimal remaining length (valid in 3.1.1) is accepted",
      v5: {
        // MQTT 5 wants the shortest encoding (1.5.5): malformed; the message stays in the outbox.
        name: "PUBACK with a 4-byte non-minimal remaining length: DISCONNECT Malformed Packet, the message is resent",
        act: async (c, cli) => {
          await subscribed(c);
          cli.send("pub 1 0 h/nm non-minimal");
          const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/nm");
          c.send(raw(0x40, [0x82, 0x80, 0x80, 0x00], [p.id >> 8, p.id & 0xff]));
          await c.clientCloses(3000);
        },
        log: /variable byte integer not minimal/,
        reason: 0x81,
        check: undefined,
        checkGood: async (good, cli) => {
          const p = await good.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/nm");
          assert.equal(p.payload.toString(), "non-minimal");
          await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000);
        },
      },
      act: async (c, cli) => {
        await subscribed(c);
        const mark = cli.out.length;
        cli.send("pub 1 0 h/nm non-minimal");
        const p = await c.packet(PacketType.PUBLISH, 3000, (x) => x.topic === "h/nm");
        c.send(raw(0x40, [0x82, 0x80, 0x80, 0x00], [p.id >> 8, p.id & 0xff]));
        await cli.waitOut(new RegExp(`^ev 204 id=${p.id} `, "m"), 3000, mark);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
    },
    {
      name: "SUBACK refusal (0x80): logged, the connection is kept",
      act: async (c, cli) => {
        await accept(c);
        const s = await c.packet(PacketType.SUBSCRIBE);
        c.send(P.suback(s.id, [0x80]));
        await stillWorks(c, cli, "after-refused-sub");
        c.end();
      },
      log: /subscription refused/,
      check: noCloseByClient,
    },
    {
      name: "a second QoS 2 PUBLISH reusing an unreleased id: not delivered (the id is still in use), PUBREC again",
      act: async (c, cli) => {
        await subscribed(c);
        c.send(P.publish("h/reuse", "first-of-id-9", 2, 9));
        await c.packet(PacketType.PUBREC, 3000, (p) => p.id === 9);
        c.send(P.publish("h/reuse", "second-of-id-9", 2, 9));
        const deadline = Date.now() + 3000;
        while (c.count(PacketType.PUBREC, (p) => p.id === 9) < 2 && Date.now() < deadline) await sleep(20);
        c.send(P.ack(PacketType.PUBREL, 9));
        await c.packet(PacketType.PUBCOMP, 3000, (p) => p.id === 9);
        await cli.waitOut(/^msg h\/reuse first-of-id-9$/m, 3000);
        c.end();
      },
      log: /duplicate QoS 2 PUBLISH/,
      notDelivered: ["second-of-id-9"],
      check: noCloseByClient,
    },
    {
      name: "flood while the app is stalled (its stdout blocked 2 s): 20000 QoS 1 PUBLISHes, none lost, each acked once",
      act: async (c, cli) => {
        await subscribed(c);
        const n = 20000;
        // The app stops consuming: its printf blocks on the full pipe, so the
        // client's loop stops reading the socket and TCP pushes back on us.
        cli.child.stdout!.pause();
        const parts: Buffer[] = [];
        for (let i = 1; i <= n; i++) parts.push(P.publish("h/stall", `s${i}`, 1, i));
        c.send(Buffer.concat(parts));
        await sleep(2000);
        const ackedWhileStalled = c.count(PacketType.PUBACK);
        cli.child.stdout!.resume();
        await cli.waitOut(new RegExp(`^msg h/stall s${n}$`, "m"), 30_000);
        const deadline = Date.now() + 5000;
        while (c.count(PacketType.PUBACK) < n && Date.now() < deadline) await sleep(50);
        assert.ok(ackedWhileStalled < n, "the stall did not hold anything back");
        assert.equal(new Set(c.rx.filter((p) => p.type === PacketType.PUBACK).map((p) => p.id)).size, n);
        assert.equal(c.count(PacketType.PUBACK), n);
        const got = [...cli.out.matchAll(/^msg h\/stall s(\d+)$/gm)].map((m) => Number(m[1]));
        assert.equal(got.length, n);
        for (let i = 0; i < n; i++) if (got[i] !== i + 1) assert.fail(`message ${i + 1}: got s${got[i]}`);
        c.end();
      },
      log: /connection closed by the server/,
      check: noCloseByClient,
      timeout: 60_000,
    },
    {
      // (The client's PUBACKs, 4 bytes each, fit in the kernel's socket buffers
      // long before its own tx buffer fills: it is keepalive that notices.)
      name: "a broker that floods QoS 1 and then stops reading: every message delivered, keepalive closes the dead connection",
      sets: ["mqtt.keep_alive=1"],
      act: async (c, cli) => {
        await subscribed(c);
        c.stopReading();
        const n = 20_000;
        const parts: Buffer[] = [];
        for (let i = 1; i <= n; i++) parts.push(P.publish("h/nr", `n${i}`, 1, i));
        c.send(Buffer.concat(parts));
        await cli.waitOut(new RegExp(`^msg h/nr n${n}$`, "m"), 30_000);
        assert.equal((cli.out.match(/^msg h\/nr n\d+$/gm) ?? []).length, n);
        await cli.waitErr(/no PINGRESP in time/, 5000);
        // Read again (a paused socket does not see the client's FIN either).
        c.sock.resume();
        await c.clientCloses(3000);
      },
      log: /no PINGRESP in time/,
      timeout: 60_000,
    },
    {
      name: "connection closed (FIN) right after reading CONNECT",
      act: async (c) => {
        await c.packet(PacketType.CONNECT);
        c.end();
      },
      log: /connection closed by the server/,
      neverConnected: true,
    },
  ];
}

// ---------------------------------------------------------------- the runner

const CONNECTING = / I mgos_mqtt: connecting (\(mqtt1\) )?to /;
/** Lines the attempt itself logs just before "connecting to" (conn.ts startConnect). */
const ATTEMPT = / I mgos_mqtt: following the broker's Server Reference: /;

/** Seconds on the client's own log clock (port_posix.c stamps each line) from
 *  the close that precedes reconnect #n to that reconnect's "connecting to":
 *  the close is the last log line before it that the attempt did not log
 *  itself (the reason or "disconnected"; nothing is logged during the wait).
 *  The broker's clock sees the close late on a loaded machine, making the gap
 *  look short. NaN: not logged yet. */
function logGap(log: string, n: number): number {
  const lines = log.split("\n").filter((l) => /^\s*\d+\.\d{3} [EWID] mgos_mqtt: /.test(l));
  const at = (l: string) => Number(l.trim().split(" ")[0]);
  let seen = -1;
  for (let j = 0; j < lines.length; j++) {
    if (!CONNECTING.test(lines[j])) continue;
    if (++seen !== n) continue;
    let i = j - 1;
    while (i >= 0 && ATTEMPT.test(lines[i])) i--;
    return i >= 0 ? at(lines[j]) - at(lines[i]) : NaN;
  }
  return NaN;
}

let seq = 0;

/** Every scenario under both protocol versions (the MQTT 5 specific ones under 5 only). */
const RUNS: { v: 4 | 5; s: Scenario; skipWhy: string | null }[] = [];
for (const v of [4, 5] as const) {
  for (const base of [...scenariosFor(v), ...(v === 5 ? scenarios5() : [])]) {
    if (base.only !== undefined && base.only !== v) continue;
    const s: Scenario = v === 5 && base.v5 ? { ...base, ...base.v5 } : base;
    RUNS.push({ v, s, skipWhy: v === 5 ? base.v5?.skip ?? null : null });
  }
}

/** MQTT 5 is off by default in C (Kconfig MGOS_MQTT_V5_SUPPORT): on for the v5 runs, as a firmware turns it on;
 *  fragments too (Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT) for the scenarios that take them. */
const V5_DEFINES = ["-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1", ...FRAGMENTS_ON];
let progs5: Programs;
before(async () => {
  if (skip) return;
  progs5 = await buildPrograms(V5_DEFINES);
}, { timeout: 600_000 });

for (const { v, s, skipWhy } of RUNS) {
  const label = v === 5 ? "MQTT 5" : "3.1.1";
  test(`hostile ${label}: ${s.name}`, { skip: skip || (skipWhy ? `MQTT 5: ${skipWhy}` : false), timeout: s.timeout ?? 20_000 }, async () => {
    let cli: Proc | undefined;
    const repeat = s.repeat ?? 1;
    const broker = await HostileBroker.start(Array.from({ length: repeat }, () => async (c: HConn) => s.act(c, cli!)), v);
    const sets = ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=hostile${process.pid}_${seq++}`,
      `mqtt.reconnect_timeout_min=${RECONNECT_MIN}`, `mqtt.reconnect_timeout_max=${RECONNECT_MAX}`,
      ...(v === 5 ? ["mqtt.protocol_version=5"] : []), ...(s.sets ?? [])];
    const args: string[] = [];
    for (const x of sets) args.push("--set", x);
    cli = new Proc("mqtt_cli", v === 5 ? progs5.cli : s.fragments ? progsFrag.cli : progs.cli, args, sanEnv(), true);
    try {
      await cli.waitOut(/^ready$/m, 5000);
      cli.send("sub h/#");
      const c0 = await broker.conn(0);
      let outAtClose = 0;
      for (let k = 0; k < repeat; k++) {
        const ck = await broker.conn(k, 5000);
        await ck.whenClosed((s.timeout ?? 20_000) - 5000);
        outAtClose = cli.out.length;
        // The reconnect: after the backoff's delay (min, doubling up to max; +/-10% jitter).
        const next = await broker.conn(k + 1, 5000);
        const want = s.backoffReset ? RECONNECT_MIN : Math.min(RECONNECT_MIN * 2 ** k, RECONNECT_MAX);
        // Measured on the client's log clock (see logGap); the log is stderr:
        // wait until the reconnect's line has been read from it.
        for (const end = Date.now() + 5000; Number.isNaN(logGap(cli.err, k + 1)) && Date.now() < end;) await sleep(20);
        const gap = logGap(cli.err, k + 1);
        const brokerGap = (next.acceptedAt - ck.closedAt) / 1000;
        assert.ok(gap >= want * 0.9 - 0.03 && gap <= want * 1.1 + 0.4,
          `reconnect #${k + 1} came ${gap.toFixed(3)} s after the close (client's log; broker saw ${brokerGap.toFixed(3)} s), want ${want} s +/-10%`);
      }
      const c1 = await broker.conn(repeat);
      await broker.settle();
      if (s.checkGood) await s.checkGood(c1, cli);
      // A normal session with the good broker: subscription, QoS 1 both ways.
      await c1.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "h/#"));
      const mark = cli.out.length;
      cli.send("pub 1 0 h/echo normal-session");
      const id = (await cli.waitOut(/^pub (\d+)$/m, 3000, mark))[1];
      await cli.waitOut(/^msg h\/echo normal-session$/m, 3000, mark);
      await cli.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 3000, mark);
      await c1.packet(PacketType.PUBACK, 3000); // for the echo
      assert.equal(c1.clientDecodeError, null, "the client sent a malformed packet");
      assert.equal(c0.clientDecodeError, null, "the client sent a malformed packet");

      // The client's log is stderr, read apart from stdout: wait for the reason there.
      await cli.waitErr(s.log, 3000);
      if (s.neverConnected) assert.doesNotMatch(cli.out.slice(0, outAtClose), /^ev 202 /m, "CONNACK event on the hostile connection");
      for (const bad of s.notDelivered ?? []) assert.ok(!cli.out.includes(bad), `"${bad}" reached the application`);
      if (v === 5) checkDisconnects5(s, broker, repeat, cli);
      s.check?.(c0, cli);
      assert.equal(sanitizerReport(cli.err), null);
      await stopClean(cli);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const conns = broker.conns.map((c) => `  conn #${c.index}:\n    ${c.notes.join("\n    ")}`).join("\n");
      throw new Error(`${why}\n--- broker:\n${conns}\n--- client stderr (tail):\n${cli.err.slice(-2500)}`);
    } finally {
      cli.kill("SIGKILL");
      await broker.close();
    }
  });
}

/** MQTT 5: on each hostile connection the client sent DISCONNECT with the
 *  scenario's reason code as its last packet and then closed, and logged the
 *  reason once per connection; without a reason, no error DISCONNECT at all. */
function checkDisconnects5(s: Scenario, broker: HostileBroker, repeat: number, cli: Proc): void {
  let errors = 0;
  for (let k = 0; k < repeat; k++) {
    const ck = broker.conns[k];
    const want = Array.isArray(s.reason) ? s.reason[k] ?? null : s.reason ?? null;
    const sent = ck.rx.filter((p) => p.type === PacketType.DISCONNECT).map((p) => `0x${p.reason.toString(16)}`);
    if (want === null) {
      assert.deepEqual(sent.filter((r) => Number(r) >= 0x80), [], `conn #${k}: the client sent an error DISCONNECT`);
      continue;
    }
    errors++;
    const d = lastDisconnect(ck);
    assert.ok(d !== null, `conn #${k}: the client closed without DISCONNECT ${want.toString(16)} (sent: ${sent.join(",") || "none"})`);
    assert.equal(d.reason, want, `conn #${k}: DISCONNECT reason 0x${d.reason.toString(16)}, want 0x${want.toString(16)}`);
    assert.ok(ck.clientClosed, `conn #${k}: the client did not close after its DISCONNECT`);
  }
  if (errors > 0) {
    // As an error or warning (the "disconnected: <why>" info line that ends every connection aside).
    const n = cli.err.split("\n").filter((l) => / [EW] mgos_mqtt: /.test(l) && s.log.test(l)).length;
    assert.equal(n, errors, `the reason (${s.log}) logged ${n} times for ${errors} connection(s)`);
  }
}

after(() => {
  // One line for the README table: how many scenario runs this file tries.
  if (!skip) {
    const n4 = RUNS.filter((r) => r.v === 4).length, n5 = RUNS.filter((r) => r.v === 5 && !r.skipWhy).length;
    console.log(`hostile broker scenarios: ${n4} under 3.1.1, ${n5} under MQTT 5 (${RUNS.length - n4 - n5} not applicable)`);
  }
});
