// conn.ts with mqtt.ws_enable on the fake port and clock (test/mgos/support/fake.ts):
// the hooks between the socket, the WebSocket link and the session, with time
// controlled: MQTT only after the 101, keepalive PINGREQ inside a frame,
// unsent bytes counting frames not yet written, the handshake timeout (connect
// error, backoff), the close wait after our Close, a TCP close during the
// handshake, and a server Close answered before the reconnect.
import { test, beforeEach } from "node:test";
import * as assert from "node:assert/strict";
import { FakePort, bytes, text } from "../mgos/support/fake";
import { PacketType } from "../../ts-src/mqtt/packet";
import { encodeSimple } from "../../ts-src/mqtt/codec";
import { encodeConnack } from "../mqtt/support/codec_broker";
import { MGOS_EVENT } from "../../ts-src/mgos/mg_types";
import { mgos_mqtt_init, pub_bytes, mgos_mqtt_global_is_connected, mgos_mqtt_global_disconnect, mgos_mqtt_num_unsent_bytes } from "../../ts-src/mgos/facade";
import { mgos_mqtt_port_on_recv, mgos_mqtt_port_on_close } from "../../ts-src/mgos/conn";
import { WS_HANDSHAKE_TIMEOUT_MS, WS_CLOSE_WAIT_MS } from "../../ts-src/mgos/ws";
import { frame, decodeClient, response101, ClientFrame } from "./support/frames";

const fp = new FakePort().install();
(globalThis as Record<string, unknown>).port_random_fill = (dst: Uint8Array) => { for (let i = 0; i < dst.length; i++) dst[i] = (i * 37 + 11) & 255; };

beforeEach(() => fp.reset());

/** What the client wrote since the last call. */
function take(): Buffer {
  const b = fp.wire.get(0) ?? Buffer.alloc(0);
  fp.wire.set(0, Buffer.alloc(0));
  return b;
}

function frames(): ClientFrame[] {
  return decodeClient(take());
}

/** Connects the global connection over the WebSocket: the 101, then CONNECT/CONNACK. */
function connectWs(...extra: string[]): void {
  fp.config("mqtt.enable=true", "mqtt.server=broker.local:8080", "mqtt.ws_enable=true", ...extra);
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0);
  const req = take().toString("latin1");
  assert.match(req, /^GET \/mqtt HTTP\/1\.1\r\nHost: broker\.local:8080\r\n/);
  assert.equal(mgos_mqtt_global_is_connected(), false);
  const key = /Sec-WebSocket-Key: (\S+)/.exec(req)![1];
  mgos_mqtt_port_on_recv(0, bytes(response101(key)));
  const f = frames();
  assert.equal(f.length, 1);
  assert.equal(f[0].op, 2);
  assert.equal(f[0].payload[0], 0x10, "CONNECT inside a binary frame, only after the 101");
  const ca = new Uint8Array(4);
  encodeConnack(ca, false, 0);
  mgos_mqtt_port_on_recv(0, frame(2, ca));
  assert.equal(mgos_mqtt_global_is_connected(), true);
}

test("MQTT starts after the 101; publishes and PINGREQ go out in frames; a server PING gets its PONG", () => {
  connectWs("mqtt.keep_alive=10");
  assert.ok(pub_bytes("t/a", bytes("hello"), 0, false) > 0);
  const f = frames();
  assert.equal(f.length, 1);
  assert.equal(f[0].payload[0] >> 4, PacketType.PUBLISH);
  assert.match(text(f[0].payload), /t\/ahello$/);
  fp.advance(10_000);
  const ping = frames();
  assert.deepEqual(ping.map((x) => [x.op, [...x.payload]]), [[2, [0xc0, 0x00]]], "PINGREQ in a frame");
  const pr = new Uint8Array(2);
  encodeSimple(pr, PacketType.PINGRESP);
  mgos_mqtt_port_on_recv(0, Buffer.concat([frame(9, bytes("hb")), frame(2, pr)]));
  assert.deepEqual(frames().map((x) => [x.op, text(x.payload)]), [[10, "hb"]]);
  fp.advance(12_000);
  assert.ok(mgos_mqtt_global_is_connected(), "PINGRESP through the link kept the connection");
});

test("num_unsent_bytes counts frames the socket has not taken yet", () => {
  connectWs();
  fp.sendLimit = 0;
  assert.ok(pub_bytes("t/b", bytes("x".repeat(50)), 0, false) > 0);
  assert.ok(mgos_mqtt_num_unsent_bytes() >= 50 + 6, `unsent ${mgos_mqtt_num_unsent_bytes()}`);
  fp.sendLimit = Infinity;
  fp.advance(10);
  assert.equal(mgos_mqtt_num_unsent_bytes(), 0);
  assert.equal(frames().length, 1);
});

test("no 101 within the handshake timeout: connect error, closed, reconnect with backoff", () => {
  fp.config("mqtt.enable=true", "mqtt.server=broker.local:8080", "mqtt.ws_enable=true");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0);
  take();
  fp.advance(WS_HANDSHAKE_TIMEOUT_MS - 10);
  assert.deepEqual(fp.closes, []);
  fp.advance(20);
  assert.deepEqual(fp.closes, [0]);
  assert.equal(fp.events[fp.events.length - 1].ev, MGOS_EVENT.CLOUD_CONNECTERROR);
  assert.ok(fp.logs.some((l) => /no handshake response in time/.test(l.text)));
  const before = fp.now;
  fp.nextConnect();
  assert.ok(fp.now - before >= 1800 && fp.now - before <= 2200, `backoff ${fp.now - before} ms`);
});

test("the peer closes TCP during the handshake: connect error, reconnect", () => {
  fp.config("mqtt.enable=true", "mqtt.server=broker.local:8080", "mqtt.ws_enable=true");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0);
  fp.open.delete(0);
  mgos_mqtt_port_on_close(0, 0);
  assert.equal(fp.events[fp.events.length - 1].ev, MGOS_EVENT.CLOUD_CONNECTERROR);
  fp.nextConnect();
});

test("disconnect: DISCONNECT, Close 1000, the socket closes after the server's Close or after the close wait", () => {
  connectWs();
  mgos_mqtt_global_disconnect();
  const f = frames();
  assert.deepEqual(f.map((x) => [x.op, [...x.payload]]), [[2, [0xe0, 0x00]], [8, [0x03, 0xe8]]]);
  fp.advance(WS_CLOSE_WAIT_MS - 10);
  assert.deepEqual(fp.closes, [], "waiting for the server's Close");
  fp.advance(20);
  assert.deepEqual(fp.closes, [0]);

  fp.reset();
  connectWs();
  mgos_mqtt_global_disconnect();
  take();
  mgos_mqtt_port_on_recv(0, frame(8, Buffer.from([0x03, 0xe8])));
  assert.deepEqual(fp.closes, [0], "closed as soon as the server's Close came");
  assert.equal(take().length, 0, "its Close is not answered");
});

test("the server's Close: answered with its code, closed, CLOSE event, reconnect", () => {
  connectWs();
  mgos_mqtt_port_on_recv(0, frame(8, Buffer.concat([Buffer.from([0x03, 0xf3]), Buffer.from("restart")])));
  assert.deepEqual(frames().map((x) => [x.op, [...x.payload]]), [[8, [0x03, 0xf3]]]);
  assert.deepEqual(fp.closes, [0]);
  assert.equal(mgos_mqtt_global_is_connected(), false);
  assert.equal(fp.events[fp.events.length - 1].ev, MGOS_EVENT.CLOUD_DISCONNECTED);
  assert.ok(fp.logs.some((l) => /server closed the connection: 1011 restart/.test(l.text)));
  fp.nextConnect();
});
