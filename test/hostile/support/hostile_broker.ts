// A test MQTT server of our own that misbehaves on purpose.
//
// It listens on 127.0.0.1 (a free port). Connection number k (0-based) is
// handed to acts[k] when there is one: a script that sends whatever bytes it
// likes (hand-made bad packets) and may switch the connection to good().
// Every other connection, and a connection after good(), is served by a
// correct minimal broker of the broker's protocol version (3.1.1, or MQTT 5):
// CONNACK 0, SUBACK with the requested QoS, PUBACK / PUBREC / PUBREL /
// PUBCOMP, UNSUBACK, PINGRESP, and an echo of each PUBLISH that matches one
// of the connection's own subscriptions.
//
// Good packets are encoded with the project's codec (ts-src/mqtt/codec.ts, or
// codec5.ts and test/mqtt/support/codec5_broker.ts for MQTT 5); what the
// client sends is decoded with it too (forClient = false accepts every type)
// and recorded, so a test can assert what the client did and did NOT send (no
// PUBACK for id 0, the reason code of its DISCONNECT, ...).
import * as net from "node:net";
import { encodeAck, encodePublish, encodeSimple } from "../../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "../../mqtt/support/codec_broker";
import { Packet, PacketType, decodeErrNameAll, DecodeErr } from "../../../ts-src/mqtt/packet";
import { topicMatches } from "../../../ts-src/mqtt/topic";
import { encodeAck5, encodePublishAny5 } from "../../../ts-src/mqtt/codec5";
import { Packet5, Props5, decode5ErrName } from "../../../ts-src/mqtt/packet5";
import { decode5Any, encodeConnack5, encodeCodesAck5 } from "../../mqtt/support/codec5_broker";

export { PacketType };

/** One packet the client sent, as decoded. */
export interface RxPacket {
  type: number;
  flags: number;
  qos: number;
  dup: boolean;
  retain: boolean;
  id: number;
  topic: string;
  payload: Buffer;
  /** SUBSCRIBE: filters and their requested QoS; UNSUBSCRIBE: filters (qos 0). */
  filters: { filter: string; qos: number }[];
  /** MQTT 5: the reason code (acks, DISCONNECT, AUTH; 0 when omitted) and properties. */
  reason: number;
  props: Props5 | null;
  /** CONNECT */
  clientId: string;
  cleanSession: boolean;
  keepAlive: number;
  /** ms (Date.now()) when it arrived. */
  at: number;
}

const OUT = new Uint8Array(300_000);

/** Runs an encoder on a scratch buffer; throws when it refuses (a bug in the test). */
function enc(what: string, f: (out: Uint8Array) => number): Buffer {
  const n = f(OUT);
  if (n === 0) throw new Error(`hostile broker: cannot encode ${what}`);
  return Buffer.from(OUT.subarray(0, n));
}

const te = new TextEncoder();

/** The good packets of one protocol version (4: 3.1.1, 5: MQTT 5). */
export interface Pkt {
  connack(code?: number, sessionPresent?: boolean): Buffer;
  suback(id: number, codes: number[]): Buffer;
  ack(type: number, id: number): Buffer;
  publish(topic: string, payload: string | Uint8Array, qos?: number, id?: number, dup?: boolean, retain?: boolean): Buffer;
  simple(type: number): Buffer;
}

// Good packets, encoded by our codec.
export const pkt: Pkt = {
  connack: (code = 0, sessionPresent = false) => enc("CONNACK", (o) => encodeConnack(o, sessionPresent, code)),
  suback: (id: number, codes: number[]) => enc("SUBACK", (o) => encodeSuback(o, id, Uint8Array.from(codes))),
  ack: (type: number, id: number) => enc("ack", (o) => encodeAck(o, type, id)),
  publish: (topic: string, payload: string | Uint8Array, qos = 0, id = 0, dup = false, retain = false) =>
    enc("PUBLISH", (o) => encodePublish(o, te.encode(topic), typeof payload === "string" ? te.encode(payload) : payload, qos, retain, dup, id)),
  simple: (type: number) => enc("simple", (o) => encodeSimple(o, type)),
};

/** Properties for an MQTT 5 packet: `f` sets them on an empty set. */
export function props5(f: (p: Props5) => void = () => undefined): Props5 {
  const p = new Props5();
  f(p);
  return p;
}

/** MQTT 5 good packets (codec5.ts; CONNACK and SUBACK from the test-only broker half).
 *  `connackProps` go into every CONNACK this builder makes. */
export function pkt5(connackProps: Props5 = props5()): Pkt {
  return {
    connack: (code = 0, sessionPresent = false) => enc("CONNACK 5", (o) => encodeConnack5(o, sessionPresent, code, connackProps)),
    suback: (id, codes) => enc("SUBACK 5", (o) => encodeCodesAck5(o, PacketType.SUBACK, id, Uint8Array.from(codes), props5())),
    ack: (type, id) => type === PacketType.UNSUBACK
      ? enc("UNSUBACK 5", (o) => encodeCodesAck5(o, type, id, Uint8Array.from([0]), props5()))
      : enc("ack 5", (o) => encodeAck5(o, type, id, 0, props5())),
    publish: (topic, payload, qos = 0, id = 0, dup = false, retain = false) =>
      enc("PUBLISH 5", (o) => encodePublishAny5(o, te.encode(topic), typeof payload === "string" ? te.encode(payload) : payload, qos, retain, dup, id, props5())),
    simple: (type) => enc("simple", (o) => encodeSimple(o, type)),
  };
}

/** The good packets of `version`. */
export function pktFor(version: number): Pkt {
  return version === 5 ? pkt5() : pkt;
}

/** Hand-made bytes: a fixed header with any first byte and a raw remaining-length field, then a body. */
export function raw(first: number, remLenBytes: number[], body: number[] | Buffer = []): Buffer {
  return Buffer.concat([Buffer.from([first, ...remLenBytes]), Buffer.from(body)]);
}

/** A 2-byte-length-prefixed field. */
export function str(s: string | Buffer): Buffer {
  const b = typeof s === "string" ? Buffer.from(s, "utf8") : s;
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/** The minimal remaining-length encoding of n (any n up to 2^28-1). */
export function remLen(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** A PUBLISH built by hand (any topic bytes, any flags, any id); for MQTT 5
 *  (`version` 5) with the property block `props` (raw bytes after the length;
 *  `propLen` overrides the length field, to lie). */
export function rawPublish(topic: Buffer | string, payload: string, qos: number, id: number, flagsExtra = 0, version = 4,
  props: number[] = [], propLen?: number[]): Buffer {
  const pb = version === 5 ? Buffer.from([...(propLen ?? remLen(props.length)), ...props]) : Buffer.alloc(0);
  const body = Buffer.concat([str(topic), qos > 0 ? Buffer.from([id >> 8, id & 0xff]) : Buffer.alloc(0), pb, Buffer.from(payload)]);
  return raw(0x30 | (qos << 1) | flagsExtra, remLen(body.length), body);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One TCP connection from the client. */
export class HConn {
  rx: RxPacket[] = [];
  private buf = Buffer.alloc(0);
  private pk = new Packet();
  /** The good packets of this connection's protocol version. */
  P: Pkt;
  private waiters: (() => void)[] = [];
  private serving = false;
  private subs: { filter: string; qos: number }[] = [];
  private nextId = 1;
  /** The connection's log of what happened, for failure messages. */
  notes: string[] = [];
  acceptedAt = Date.now();
  /** The client closed first (FIN or RST before we ended it). */
  clientClosed = false;
  /** We ended or reset it. */
  serverClosed = false;
  closed = false;
  closedAt = 0;
  /** Set when the client sent bytes our decoder refuses (a client bug). */
  clientDecodeError: string | null = null;
  bytesFromClient = 0;

  constructor(public sock: net.Socket, public index: number, public version = 4, connackProps: Props5 | null = null) {
    this.P = version === 5 ? pkt5(connackProps ?? props5()) : pkt;
    sock.setNoDelay(true);
    sock.on("data", (d: Buffer) => this.onData(d));
    sock.on("end", () => {
      if (!this.serverClosed) this.clientClosed = true;
      this.note("client FIN");
      this.wake();
    });
    sock.on("error", (e) => {
      if (!this.serverClosed) this.clientClosed = true;
      this.note(`socket error ${e.message}`);
      this.wake();
    });
    sock.on("close", () => {
      this.closed = true;
      this.closedAt = Date.now();
      this.note("closed");
      this.wake();
    });
  }

  note(s: string): void {
    this.notes.push(`${Date.now() - this.acceptedAt}ms ${s}`);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private onData(d: Buffer): void {
    this.bytesFromClient += d.length;
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      // MQTT 5: a Packet5 per packet (its properties are views, kept in the record).
      const p5 = this.version === 5 ? new Packet5() : null;
      const r = p5 ? decode5Any(this.buf, 1 << 20, false, p5) : decode(this.buf, 1 << 20, false, this.pk);
      if (r === 0) break;
      if (r < 0) {
        this.clientDecodeError = -r >= 32 ? decode5ErrName(-r) : decodeErrNameAll(-r as DecodeErr);
        this.note(`client sent a bad packet: ${this.clientDecodeError}`);
        this.buf = Buffer.alloc(0);
        break;
      }
      const p = p5 ? p5.base : this.pk;
      const rec: RxPacket = {
        type: p.type, flags: p.flags, qos: p.qos, dup: p.dup, retain: p.retain, id: p.packetId,
        topic: Buffer.from(p.topic).toString("utf8"), payload: Buffer.from(p.payload), filters: [],
        reason: p5 ? p5.reasonCode : 0, props: p5 ? p5.props : null,
        clientId: Buffer.from(p.clientId).toString("utf8"), cleanSession: (p.connectFlags & 0x02) !== 0, keepAlive: p.keepAlive,
        at: Date.now(),
      };
      if (p.type === PacketType.SUBSCRIBE || p.type === PacketType.UNSUBSCRIBE) {
        const b = Buffer.from(p.body);
        let at = 0;
        while (at + 2 <= b.length) {
          const len = b.readUInt16BE(at);
          const filter = b.subarray(at + 2, at + 2 + len).toString("utf8");
          at += 2 + len;
          let qos = 0;
          if (p.type === PacketType.SUBSCRIBE) qos = b[at++] & 3; // MQTT 5: the options' QoS bits
          rec.filters.push({ filter, qos });
        }
      }
      this.buf = this.buf.subarray(r);
      this.rx.push(rec);
      this.note(`got ${typeName(rec.type)}${rec.id ? " id=" + rec.id : ""}${rec.topic ? " " + rec.topic : ""}${rec.reason ? " reason=0x" + rec.reason.toString(16) : ""}`);
      if (this.serving) this.serve(rec);
    }
    this.wake();
  }

  /** Answers like a correct broker from now on (and answers nothing of the past). */
  good(): void {
    this.serving = true;
  }

  private serve(p: RxPacket): void {
    switch (p.type) {
      case PacketType.CONNECT:
        this.send(this.P.connack(0));
        break;
      case PacketType.SUBSCRIBE:
        for (const f of p.filters) this.subs.push(f);
        this.send(this.P.suback(p.id, p.filters.map((f) => f.qos)));
        break;
      case PacketType.UNSUBSCRIBE:
        this.subs = this.subs.filter((s) => !p.filters.some((f) => f.filter === s.filter));
        this.send(this.P.ack(PacketType.UNSUBACK, p.id));
        break;
      case PacketType.PUBLISH: {
        if (p.qos === 1) this.send(this.P.ack(PacketType.PUBACK, p.id));
        if (p.qos === 2) this.send(this.P.ack(PacketType.PUBREC, p.id));
        // Echo once per matching subscription (at the lower QoS). A QoS 2
        // duplicate (DUP) is not echoed again.
        if (p.qos === 2 && p.dup) break;
        for (const s of this.subs) {
          if (!topicMatches(te.encode(s.filter), te.encode(p.topic))) continue;
          const q = Math.min(p.qos, s.qos);
          this.send(this.P.publish(p.topic, p.payload, q, q > 0 ? this.takeId() : 0));
        }
        break;
      }
      case PacketType.PUBREL:
        this.send(this.P.ack(PacketType.PUBCOMP, p.id));
        break;
      case PacketType.PUBREC:
        this.send(this.P.ack(PacketType.PUBREL, p.id));
        break;
      case PacketType.PINGREQ:
        this.send(this.P.simple(PacketType.PINGRESP));
        break;
      case PacketType.DISCONNECT:
        this.end();
        break;
      default:
        break; // PUBACK, PUBCOMP: nothing to answer
    }
  }

  takeId(): number {
    const id = this.nextId;
    this.nextId = this.nextId >= 65535 ? 1 : this.nextId + 1;
    return id;
  }

  send(b: Uint8Array): boolean {
    if (this.closed || this.sock.destroyed) return false;
    return this.sock.write(b);
  }

  /** Sends `b` one byte per write, `gapMs` apart (each byte its own TCP segment: no delay). */
  async dribble(b: Uint8Array, gapMs: number): Promise<void> {
    for (const x of b) {
      if (this.closed) return;
      this.sock.write(Buffer.from([x]));
      await sleep(gapMs);
    }
  }

  /** FIN. */
  end(): void {
    if (this.closed) return;
    this.serverClosed = true;
    this.note("server FIN");
    this.sock.end();
  }

  /** RST (SO_LINGER 0 close). */
  reset(): void {
    if (this.closed) return;
    this.serverClosed = true;
    this.note("server RST");
    this.sock.resetAndDestroy();
  }

  /** Stops reading from the socket: the client's writes back up in TCP buffers. */
  stopReading(): void {
    this.sock.pause();
  }

  private async until<T>(what: string, f: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`hostile broker conn #${this.index}: ${what} not within ${timeoutMs} ms\n  ${this.notes.slice(-30).join("\n  ")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 100));
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  /** The first packet of `type` (matching `pred`) the client sent, waiting for it. */
  packet(type: number, timeoutMs = 3000, pred: (p: RxPacket) => boolean = () => true): Promise<RxPacket> {
    return this.until(`a ${typeName(type)} from the client`, () => this.rx.find((p) => p.type === type && pred(p)), timeoutMs);
  }

  /** Waits for the connection to be closed (by either side); returns when. */
  whenClosed(timeoutMs: number): Promise<number> {
    return this.until("the connection closing", () => (this.closed ? this.closedAt : undefined), timeoutMs);
  }

  /** Waits for the client to close the connection itself; fails when it does not. */
  async clientCloses(timeoutMs = 3000): Promise<number> {
    await this.until("the client closing the connection", () => (this.clientClosed ? true : undefined), timeoutMs);
    return this.whenClosed(1000);
  }

  count(type: number, pred: (p: RxPacket) => boolean = () => true): number {
    return this.rx.filter((p) => p.type === type && pred(p)).length;
  }
}

export function typeName(t: number): string {
  return ["RESERVED0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK",
    "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "RESERVED15"][t] ?? `type${t}`;
}

export type Act = (c: HConn) => Promise<void>;

/** What the client sent last on `c` before it closed: its DISCONNECT's reason, or null. */
export function lastDisconnect(c: HConn): RxPacket | null {
  const last = c.rx[c.rx.length - 1];
  return last !== undefined && last.type === PacketType.DISCONNECT ? last : null;
}

export class HostileBroker {
  server: net.Server;
  conns: HConn[] = [];
  /** Errors thrown by acts (a scenario script failing is a test failure). */
  actErrors: Error[] = [];
  private actDone: Promise<void>[] = [];
  port = 0;

  /** `version` 5: the connections speak MQTT 5 (good() answers in 5 too). */
  constructor(private acts: Act[], public version = 4) {
    this.server = net.createServer((sock) => this.onConn(sock));
  }

  static async start(acts: Act[], version = 4): Promise<HostileBroker> {
    const b = new HostileBroker(acts, version);
    await new Promise<void>((resolve, reject) => {
      b.server.once("error", reject);
      b.server.listen(0, "127.0.0.1", () => resolve());
    });
    b.port = (b.server.address() as net.AddressInfo).port;
    return b;
  }

  private onConn(sock: net.Socket): void {
    const c = new HConn(sock, this.conns.length, this.version);
    this.conns.push(c);
    const act = this.acts[c.index];
    if (act === undefined) {
      c.good();
      return;
    }
    this.actDone.push(act(c).catch((e: Error) => {
      c.note(`act failed: ${e.message}`);
      this.actErrors.push(e);
    }));
  }

  /** Waits for connection `k` to be accepted. */
  async conn(k: number, timeoutMs = 5000): Promise<HConn> {
    const deadline = Date.now() + timeoutMs;
    while (this.conns.length <= k) {
      if (Date.now() > deadline) throw new Error(`hostile broker: connection #${k} not made within ${timeoutMs} ms (${this.conns.length} so far)`);
      await sleep(10);
    }
    return this.conns[k];
  }

  /** Waits for the acts to finish; rethrows the first act error. */
  async settle(timeoutMs = 10_000): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.actDone), new Promise<void>((r) => { t = setTimeout(r, timeoutMs); })]);
    clearTimeout(t);
    if (this.actErrors.length) throw this.actErrors[0];
  }

  async close(): Promise<void> {
    for (const c of this.conns) if (!c.closed) c.sock.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
