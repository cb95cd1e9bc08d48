// The WebSocket link (ts-src/mgos/ws.ts) under Node: the Upgrade request, the
// 101 checks, server frames split at every byte, fragmentation with control
// frames in between, PING -> PONG, the close handshake both ways, every
// protocol error (with its Close code), the client's masked frames, SHA-1 and
// base64 against Node's crypto.
import { test, beforeEach } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { WsLink, WsState, Sha1, base64, computeAccept, hasToken, WS_TX_SIZE, WS_HANDSHAKE_TIMEOUT_MS, WS_CLOSE_WAIT_MS } from "../../ts-src/mgos/ws";
import { frame, decodeClient, response101, acceptFor, XorShift } from "./support/frames";

const g = globalThis as Record<string, unknown>;
let logs: string[] = [];
let rng = new XorShift();
g.port_log = (level: number, msg: string, detail: Uint8Array) => { logs.push(`${level} ${msg}${Buffer.from(detail).toString("latin1")}`); };
g.port_random_fill = (dst: Uint8Array) => { for (let i = 0; i < dst.length; i++) dst[i] = rng.next() & 255; };

/** A link with recording callbacks. */
class Rig {
  link = new WsLink();
  data: Buffer[] = [];
  opens = 0;
  stopAfterOpen = false;
  constructor() {
    this.link.reset();
    this.link.ud = this;
    this.link.onData = (ud, d) => { (ud as Rig).data.push(Buffer.from(d)); return true; };
    this.link.onOpen = (ud) => { (ud as Rig).opens++; return !(ud as Rig).stopAfterOpen; };
  }
  /** Takes everything in tx. */
  drain(): Buffer {
    const b = Buffer.from(this.link.txView());
    this.link.txConsumed(b.length);
    return b;
  }
  key(req: string): string {
    const m = /\r\nSec-WebSocket-Key: (\S+)\r\n/.exec(req);
    assert.ok(m, `no key in ${req}`);
    return m[1];
  }
  /** begin + the server's 101: an open link (tx empty). */
  open(now = 0): void {
    assert.equal(this.link.begin(Buffer.from("example.com"), 8080, false, Buffer.from("/mqtt"), now), true);
    const req = this.drain().toString("latin1");
    this.feed(Buffer.from(response101(this.key(req)), "latin1"), now);
    assert.equal(this.link.state, WsState.OPEN);
  }
  feed(b: Uint8Array, now = 0): void {
    this.link.onRecv(b, now);
  }
  all(): Buffer { return Buffer.concat(this.data); }
}

beforeEach(() => {
  logs = [];
  rng = new XorShift();
});

test("SHA-1 and base64 equal Node's crypto for lengths 0..300, split anywhere; the RFC 6455 accept example", () => {
  const out = new Uint8Array(28);
  computeAccept(Buffer.from("dGhlIHNhbXBsZSBub25jZQ=="), out);
  assert.equal(Buffer.from(out).toString(), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  for (let n = 0; n <= 300; n++) {
    const b = crypto.randomBytes(n);
    const s = new Sha1();
    s.start();
    const cut = n === 0 ? 0 : crypto.randomInt(n + 1);
    s.update(b.subarray(0, cut));
    s.update(b.subarray(cut));
    const d = new Uint8Array(20);
    s.finish(d);
    assert.equal(Buffer.from(d).toString("hex"), crypto.createHash("sha1").update(b).digest("hex"), `length ${n}`);
    const o = new Uint8Array(420);
    const k = base64(b, o);
    assert.equal(Buffer.from(o.subarray(0, k)).toString(), b.toString("base64"), `base64 length ${n}`);
  }
  assert.equal(base64(Buffer.from("abcd"), new Uint8Array(7)), 0, "no room: 0");
});

test("the Upgrade request: path, Host (port unless the scheme's default, [v6]), key, version, subprotocol", () => {
  const r = new Rig();
  assert.equal(r.link.begin(Buffer.from("broker.example"), 8083, false, Buffer.from("/mqtt"), 0), true);
  const req = r.drain().toString("latin1");
  const key = r.key(req);
  assert.equal(Buffer.from(key, "base64").length, 16);
  assert.equal(req, "GET /mqtt HTTP/1.1\r\nHost: broker.example:8083\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n`);
  const host = (h: string, port: number, tls: boolean) => {
    const x = new Rig();
    assert.equal(x.link.begin(Buffer.from(h), port, tls, Buffer.from("/"), 0), true);
    return /\r\nHost: (\S+)\r\n/.exec(x.drain().toString("latin1"))![1];
  };
  assert.equal(host("a.example", 80, false), "a.example");
  assert.equal(host("a.example", 443, true), "a.example");
  assert.equal(host("a.example", 443, false), "a.example:443");
  assert.equal(host("::1", 8080, false), "[::1]:8080");
  // Two connections never share a key.
  const k2 = new Rig();
  k2.link.begin(Buffer.from("h"), 1, false, Buffer.from("/mqtt"), 0);
  assert.notEqual(k2.key(k2.drain().toString("latin1")), key);
  // An empty path is "/"; a path with a space or CR/LF (header injection) is refused.
  const e = new Rig();
  assert.equal(e.link.begin(Buffer.from("h"), 1, false, Buffer.from(""), 0), true);
  assert.match(e.drain().toString("latin1"), /^GET \/ HTTP\/1\.1\r\n/);
  for (const bad of ["mqtt", "/a b", "/a\r\nX: y"]) {
    const b = new Rig();
    assert.equal(b.link.begin(Buffer.from("h"), 1, false, Buffer.from(bad), 0), false, bad);
    assert.equal(b.link.txLen, 0);
  }
  const long = new Rig();
  assert.equal(long.link.begin(Buffer.from("h"), 1, false, Buffer.from("/" + "p".repeat(WS_TX_SIZE)), 0), false);
  assert.match(logs.join("\n"), /longer than MGOS_MQTT_WS_TX_SIZE/);
});

test("a valid 101 split at every byte opens once; the frame bytes after it in the same read are not lost", () => {
  const tail = frame(2, Buffer.from("after-101"));
  for (let cut = 0; cut <= 200; cut++) {
    const r = new Rig();
    r.link.begin(Buffer.from("h"), 1883, false, Buffer.from("/mqtt"), 0);
    const resp = Buffer.concat([Buffer.from(response101(r.key(r.drain().toString("latin1")), "Date: x\r\n"), "latin1"), tail]);
    const c = Math.min(cut, resp.length);
    r.feed(resp.subarray(0, c));
    r.feed(resp.subarray(c));
    assert.equal(r.opens, 1, `cut ${cut}`);
    assert.equal(r.all().toString(), "after-101", `cut ${cut}`);
  }
});

test("101 variants that are valid: any header case, LF-only lines, Connection as a list, no subprotocol header", () => {
  for (const make of [
    (k: string) => `HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nsec-websocket-accept: ${acceptFor(k)}\r\n\r\n`,
    (k: string) => `HTTP/1.1 101 OK\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept:${acceptFor(k)}  \nSec-WebSocket-Protocol: MQTT\n\n`,
  ]) {
    const r = new Rig();
    r.link.begin(Buffer.from("h"), 1883, false, Buffer.from("/mqtt"), 0);
    r.feed(Buffer.from(make(r.key(r.drain().toString("latin1"))), "latin1"));
    assert.equal(r.opens, 1);
  }
  assert.equal(hasToken(Buffer.from(" a ,b,  upgrade "), Buffer.from("UPGRADE")), true);
  assert.equal(hasToken(Buffer.from("upgraded"), Buffer.from("upgrade")), false);
});

test("bad 101 responses: each is logged with its reason and ends the link without a frame", () => {
  const cases: [string, (k: string) => string, RegExp][] = [
    ["status 404", () => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", /handshake refused, the server answered: HTTP\/1\.1 404 Not Found/],
    ["status 200", (k) => response101(k).replace("101 Switching Protocols", "200 OK"), /handshake refused.*200 OK/],
    ["status 1010", (k) => response101(k).replace("101 Switching", "1010 Switching"), /handshake refused/],
    ["not HTTP", () => "SSH-2.0-OpenSSH\r\n\r\n", /handshake refused.*SSH-2\.0/],
    ["wrong accept", (k) => response101(k).replace(acceptFor(k), acceptFor(k + "x")), /wrong Sec-WebSocket-Accept: /],
    ["accept of the wrong length", (k) => response101(k).replace(acceptFor(k), "abc"), /wrong Sec-WebSocket-Accept: abc/],
    ["no accept", (k) => response101(k).replace(/Sec-WebSocket-Accept: .*\r\n/, ""), /without Sec-WebSocket-Accept/],
    ["no upgrade", (k) => response101(k).replace("Upgrade: websocket\r\n", ""), /without Upgrade: websocket/],
    ["upgrade to h2c", (k) => response101(k).replace("Upgrade: websocket", "Upgrade: h2c"), /bad Upgrade header: h2c/],
    ["no connection", (k) => response101(k).replace("Connection: Upgrade\r\n", ""), /without Connection: Upgrade/],
    ["connection close", (k) => response101(k).replace("Connection: Upgrade", "Connection: close"), /bad Connection header: close/],
    ["another subprotocol", (k) => response101(k).replace("Protocol: mqtt", "Protocol: mqttv5"), /another subprotocol: mqttv5/],
    ["an extension", (k) => response101(k, "Sec-WebSocket-Extensions: permessage-deflate\r\n"), /extension we did not offer: permessage-deflate/],
    ["a line without a colon", (k) => response101(k, "garbage\r\n"), /malformed response header line: garbage/],
    ["an endless header", () => "HTTP/1.1 101 Switching Protocols\r\n" + "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(200), /response header too long/],
  ];
  for (const [name, make, re] of cases) {
    logs = [];
    const r = new Rig();
    r.link.begin(Buffer.from("h"), 1883, false, Buffer.from("/mqtt"), 0);
    r.feed(Buffer.concat([Buffer.from(make(r.key(r.drain().toString("latin1"))), "latin1"), frame(2, Buffer.from("x"))]));
    assert.equal(r.opens, 0, name);
    assert.equal(r.link.state, WsState.CLOSED, name);
    assert.equal(r.link.txLen, 0, `${name}: no Close frame before the handshake`);
    assert.equal(r.link.wantsClose(), true, name);
    assert.equal(r.data.length, 0, name);
    assert.match(logs.join("\n"), re, name);
  }
});

test("no 101 in time: expired() after MGOS_MQTT_WS_HANDSHAKE_TIMEOUT_MS, not before (clock wrap too)", () => {
  const t0 = 0xffffff00;
  const r = new Rig();
  r.link.begin(Buffer.from("h"), 1883, false, Buffer.from("/mqtt"), t0);
  assert.equal(r.link.expired((t0 + WS_HANDSHAKE_TIMEOUT_MS - 1) >>> 0), false);
  assert.equal(r.link.nextIn((t0 + 1000) >>> 0, 60000), WS_HANDSHAKE_TIMEOUT_MS - 1000);
  assert.equal(r.link.expired((t0 + WS_HANDSHAKE_TIMEOUT_MS) >>> 0), true);
  assert.match(logs.join("\n"), /no handshake response in time/);
  const o = new Rig();
  o.open(5);
  assert.equal(o.link.expired(5 + WS_HANDSHAKE_TIMEOUT_MS * 10), false, "an open link has no deadline");
});

/** A server stream: binary messages of many sizes, fragmented ones with PING/PONG between the fragments. */
function serverStream(): { bytes: Buffer; data: Buffer; pings: Buffer[] } {
  const parts: Buffer[] = [];
  const data: Buffer[] = [];
  const pings: Buffer[] = [];
  const bin = (n: number, fin = true, op = 2) => {
    const p = crypto.randomBytes(n);
    data.push(p);
    parts.push(frame(op, p, fin));
  };
  const ping = (s: string) => { pings.push(Buffer.from(s)); parts.push(frame(9, Buffer.from(s))); };
  bin(0); bin(1); bin(125); bin(126); bin(300);
  bin(10, false); ping("p1"); bin(0, false, 0); parts.push(frame(10, Buffer.from("unsolicited pong"))); bin(7, true, 0);
  ping("");
  bin(3, false); bin(4, false, 0); ping("x".repeat(125)); bin(5, true, 0);
  bin(20, true, 2);
  bin(5, false); bin(65536, true, 0); // a 64-bit length continuation
  return { bytes: Buffer.concat(parts), data: Buffer.concat(data), pings };
}

test("server frames split at every byte (two reads), and byte by byte: same payload, a PONG per PING", () => {
  const s = serverStream();
  const check = (r: Rig, what: string) => {
    assert.ok(r.all().equals(s.data), `${what}: payload`);
    const pongs = decodeClient(r.drain()).filter((f) => f.op === 10);
    assert.deepEqual(pongs.map((f) => f.payload.toString()), s.pings.map((p) => p.toString()), `${what}: pongs`);
    assert.ok(decodeClient(Buffer.alloc(0)).length === 0);
    assert.equal(r.link.state, WsState.OPEN, what);
  };
  const head = s.bytes.subarray(0, 700); // every split of the part with the small and fragmented frames
  for (let cut = 0; cut <= head.length; cut += 1) {
    const r = new Rig();
    r.open();
    r.feed(s.bytes.subarray(0, cut));
    r.feed(s.bytes.subarray(cut));
    check(r, `cut ${cut}`);
  }
  const r = new Rig();
  r.open();
  for (let i = 0; i < s.bytes.length; i++) r.feed(s.bytes.subarray(i, i + 1));
  check(r, "byte by byte");
  for (let round = 0; round < 20; round++) {
    const x = new Rig();
    x.open();
    let i = 0;
    while (i < s.bytes.length) {
      const n = 1 + crypto.randomInt(3000);
      x.feed(s.bytes.subarray(i, i + n));
      i += n;
    }
    check(x, `random reads ${round}`);
  }
});

test("the client's frames: masked, binary, FIN, fresh mask each, split to fit tx; a PONG waits for room and goes first", () => {
  const r = new Rig();
  r.open();
  const msg = crypto.randomBytes(3000);
  let off = 0;
  const sent: Buffer[] = [];
  while (off < msg.length) {
    const k = r.link.wrap(msg.subarray(off));
    assert.ok(k > 0);
    off += k;
    sent.push(r.drain());
  }
  const frames = decodeClient(Buffer.concat(sent));
  assert.ok(frames.length >= 3, "3000 bytes need several 1 KiB frames");
  for (const f of frames) {
    assert.equal(f.masked, true);
    assert.equal(f.fin, true);
    assert.equal(f.op, 2);
  }
  assert.ok(Buffer.concat(frames.map((f) => f.payload)).equals(msg));
  // Masks differ between frames (they come from port_random_fill).
  const raw = Buffer.concat(sent);
  assert.notDeepEqual(raw.subarray(4, 8), raw.subarray(4 + 8 + frames[0].payload.length, 8 + 8 + frames[0].payload.length));
  // Small frames use the 7-bit length, 126.. the 16-bit one.
  assert.equal(r.link.wrap(Buffer.from("hi")), 2);
  assert.deepEqual([...r.link.txView().subarray(0, 2)], [0x82, 0x82]);
  r.drain();
  assert.equal(r.link.wrap(Buffer.alloc(200)), 200);
  assert.deepEqual([...r.link.txView().subarray(0, 4)], [0x82, 0xfe, 0, 200]);
  r.drain();
  // tx full: the PING's answer waits, then goes before further data.
  while (r.link.wrap(Buffer.alloc(5000)) > 0) { /* fill */ }
  r.feed(frame(9, Buffer.from("ping-while-full")));
  assert.equal(r.link.wrap(Buffer.from("more")), 0, "no data ahead of an owed PONG");
  const first = decodeClient(r.drain());
  assert.ok(first.every((f) => f.op === 2) || first.some((f) => f.op === 10));
  const after = r.link.wrap(Buffer.from("more"));
  const rest = decodeClient(r.drain());
  const all = [...first, ...rest];
  const pongAt = all.findIndex((f) => f.op === 10);
  assert.ok(pongAt >= 0, "the PONG went out");
  assert.equal(all[pongAt].payload.toString(), "ping-while-full");
  assert.equal(after, 4);
  assert.equal(all[all.length - 1].payload.toString(), "more", "data after the PONG");
  // Nothing is wrapped before the handshake or after the close.
  const h = new Rig();
  h.link.begin(Buffer.from("h"), 1, false, Buffer.from("/"), 0);
  assert.equal(h.link.wrap(Buffer.from("x")), 0);
});

test("the server closes: its code is logged and echoed, the link ends once the echo is written; later bytes are ignored", () => {
  const r = new Rig();
  r.open();
  r.feed(Buffer.concat([frame(2, Buffer.from("last")), frame(8, Buffer.from([0x03, 0xe9, ...Buffer.from("going away")])), frame(2, Buffer.from("ignored"))]));
  assert.equal(r.all().toString(), "last");
  assert.match(logs.join("\n"), /server closed the connection: 1001 going away/);
  assert.equal(r.link.state, WsState.CLOSED);
  assert.equal(r.link.wantsClose(), false, "the echo is not written yet");
  const out = decodeClient(r.drain());
  assert.equal(out.length, 1);
  assert.equal(out[0].op, 8);
  assert.deepEqual([...out[0].payload], [0x03, 0xe9]);
  assert.equal(r.link.wantsClose(), true);
  // An empty Close is answered with an empty Close.
  const e = new Rig();
  e.open();
  e.feed(frame(8, Buffer.alloc(0)));
  const echo = decodeClient(e.drain());
  assert.equal(echo[0].op, 8);
  assert.equal(echo[0].payload.length, 0);
});

test("the client closes: Close 1000, data ignored until the server's Close, then done; no answer in time: expired", () => {
  const r = new Rig();
  r.open(100);
  r.link.close(1000, 100);
  assert.equal(r.link.state, WsState.CLOSING);
  const out = decodeClient(r.drain());
  assert.deepEqual(out.map((f) => [f.op, [...f.payload]]), [[8, [0x03, 0xe8]]]);
  r.link.close(1000, 100); // twice: still one Close frame
  assert.equal(r.link.txLen, 0);
  assert.equal(r.link.wrap(Buffer.from("x")), 0, "no data after our Close");
  r.feed(Buffer.concat([frame(2, Buffer.from("late")), frame(9, Buffer.from("p"))]));
  assert.equal(r.data.length, 0, "data after our Close is dropped");
  assert.equal(r.link.txLen, 0, "no PONG after our Close");
  r.feed(frame(8, Buffer.from([0x03, 0xe8])));
  assert.equal(r.link.state, WsState.CLOSED);
  assert.equal(r.link.txLen, 0, "the answer to our Close is not answered");
  assert.equal(r.link.wantsClose(), true);
  assert.match(logs.join("\n"), /close acknowledged: 1000/);
  const t = new Rig();
  t.open(100);
  t.link.close(1000, 100);
  t.drain();
  assert.equal(t.link.expired(100 + WS_CLOSE_WAIT_MS - 1), false);
  assert.equal(t.link.expired(100 + WS_CLOSE_WAIT_MS), true);
});

test("protocol errors: logged, answered with the right Close code, nothing more delivered", () => {
  const cases: [string, Buffer, number, RegExp][] = [
    ["masked server frame", frame(2, Buffer.from("ab"), true, { mask: [1, 2, 3, 4] }), 1002, /masked frame from the server/],
    ["text frame", frame(1, Buffer.from("{}")), 1003, /text frame \(MQTT needs binary frames\)/],
    ["frame over 4 GiB", Buffer.from([0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0]), 1009, /frame too big \(over 4 GiB\)/],
    ["frame larger than an MQTT packet", Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0x10, 0, 0, 5]), 1009, /larger than the largest MQTT packet/],
    ["RSV bits", frame(2, Buffer.from("a"), true, { rsv: 4 }), 1002, /reserved bits set/],
    ["opcode 3", frame(3, Buffer.from("a")), 1002, /unknown opcode/],
    ["opcode 11", frame(11, Buffer.from("a")), 1002, /unknown opcode/],
    ["fragmented PING", frame(9, Buffer.from("a"), false), 1002, /fragmented control frame/],
    ["PING of 126 bytes", frame(9, Buffer.alloc(126)), 1002, /control frame longer than 125/],
    ["continuation without a message", frame(0, Buffer.from("a")), 1002, /continuation frame without a message/],
    ["binary inside a fragmented message", Buffer.concat([frame(2, Buffer.from("a"), false), frame(2, Buffer.from("b"))]), 1002, /new message inside a fragmented one/],
    ["Close with a 1-byte payload", frame(8, Buffer.from([3])), 1002, /Close frame with a 1-byte payload/],
  ];
  for (const [name, bad, code, re] of cases) {
    for (const split of [false, true]) {
      logs = [];
      const r = new Rig();
      r.open();
      const bytes = Buffer.concat([bad, frame(2, Buffer.from("never"))]);
      if (split) for (let i = 0; i < bytes.length; i++) r.feed(bytes.subarray(i, i + 1));
      else r.feed(bytes);
      assert.ok(!r.all().toString().includes("never"), name);
      assert.equal(r.link.state, WsState.CLOSED, name);
      const out = decodeClient(r.drain());
      assert.equal(out.length, 1, `${name}: one Close frame`);
      assert.equal(out[0].op, 8, name);
      assert.equal(out[0].payload.readUInt16BE(0), code, name);
      assert.equal(r.link.wantsClose(), true, name);
      assert.match(logs.join("\n"), re, name);
    }
  }
});

test("a handler that ends the connection stops the loop: no further bytes are handled", () => {
  const r = new Rig();
  r.stopAfterOpen = true;
  r.link.begin(Buffer.from("h"), 1, false, Buffer.from("/mqtt"), 0);
  const key = r.key(r.drain().toString("latin1"));
  r.feed(Buffer.concat([Buffer.from(response101(key), "latin1"), frame(2, Buffer.from("x"))]));
  assert.equal(r.opens, 1);
  assert.equal(r.data.length, 0, "onOpen returned false: the frame after it is not handled");
  const d = new Rig();
  d.open();
  d.link.onData = (ud, b) => { (ud as Rig).data.push(Buffer.from(b)); return false; };
  d.feed(Buffer.concat([frame(2, Buffer.from("one")), frame(2, Buffer.from("two"))]));
  assert.equal(d.all().toString(), "one");
});

test("refused while the request is still being written: the rest of it is dropped, the socket may close", () => {
  const r = new Rig();
  r.link.begin(Buffer.from("h"), 1883, false, Buffer.from("/mqtt"), 0);
  r.link.txConsumed(10); // the socket took only part of the request
  assert.ok(r.link.txLen > 0);
  r.feed(Buffer.from("HTTP/1.1 503 Service Unavailable\r\n\r\n"));
  assert.equal(r.link.txLen, 0);
  assert.equal(r.link.wantsClose(), true);
});

test("a protocol error while our Close is still owed (tx full): the queued frames and our Close still go out", () => {
  const r = new Rig();
  r.open();
  while (r.link.wrap(Buffer.alloc(5000)) > 0) { /* fill tx */ }
  r.link.close(1000, 0);
  r.feed(frame(2, Buffer.from("ab"), true, { mask: [1, 2, 3, 4] }));
  assert.equal(r.link.state, WsState.CLOSED);
  assert.equal(r.link.wantsClose(), false, "tx not written yet");
  assert.ok(r.link.txLen > 0, "the frames already queued are kept");
  const out = decodeClient(Buffer.concat([r.drain(), r.drain()]));
  assert.ok(out.length > 1 && out.slice(0, -1).every((f) => f.op === 2), "the data frames first");
  assert.equal(out[out.length - 1].op, 8, "our Close went out after the data");
  assert.equal(out[out.length - 1].payload.readUInt16BE(0), 1000);
  assert.equal(r.link.wantsClose(), true);
});
