// A scripted broker for session tests: it reads what the client session put in
// its tx buffer with the codec's server-side decoder, and answers with packets
// built by the codec's encoders. Time is a fake clock (`now`, ms) that the
// test moves by hand, so every timing is exact and nothing sleeps.

import { Session, SessionConfig, SessionEvent } from "../../../ts-src/mqtt/session";
import { Packet, PacketType } from "../../../ts-src/mqtt/packet";
import { encodePublish, encodeAck, encodeSimple } from "../../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "./codec_broker";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

/** A packet the client sent, copied out of the session's buffer. */
export interface Sent {
  type: number;
  flags: number;
  dup: boolean;
  qos: number;
  retain: boolean;
  packetId: number;
  topic: string;
  payload: string;
  /** SUBSCRIBE: [filter, qos]; UNSUBSCRIBE: [filter, -1]. */
  filters: [string, number][];
  /** CONNECT fields. */
  clientId: string;
  userName: string;
  password: string;
  willTopic: string;
  willMessage: string;
  connectFlags: number;
  keepAlive: number;
  protocolLevel: number;
}

/** An event the session raised, with the fields a test looks at. */
export interface Ev {
  ev: number;
  packetId: number;
  topic: string;
  payload: string;
  qos: number;
  dup: boolean;
  returnCode: number;
  sessionPresent: boolean;
  codes: number[];
  tag: number;
  reason: string;
  wasConnected: boolean;
}

export interface Log { level: number; msg: string; detail: string; num: number }

/** Topic-filter list of a SUBSCRIBE (with QoS bytes) or UNSUBSCRIBE body. */
function parseFilters(body: Uint8Array, withQos: boolean): [string, number][] {
  const out: [string, number][] = [];
  let i = 0;
  while (i + 2 <= body.length) {
    const n = (body[i] << 8) | body[i + 1];
    const f = text(body.subarray(i + 2, i + 2 + n));
    i += 2 + n;
    if (withQos) { out.push([f, body[i]]); i += 1; } else out.push([f, -1]);
  }
  return out;
}

export class Peer {
  s = new Session();
  now = 0;
  events: Ev[] = [];
  logs: Log[] = [];
  scratch = new Uint8Array(70000);

  constructor(setup?: (c: SessionConfig) => void) {
    if (setup) setup(this.s.cfg);
    this.s.onEvent = (s, ev, p) => {
      this.events.push({
        ev,
        packetId: p ? p.packetId : 0,
        topic: p && p.type === PacketType.PUBLISH ? text(p.topic) : "",
        payload: p && p.type === PacketType.PUBLISH ? text(p.payload) : "",
        qos: p ? p.qos : 0,
        dup: p ? p.dup : false,
        returnCode: p ? p.returnCode : 0,
        sessionPresent: p ? p.sessionPresent : false,
        codes: p && p.type === PacketType.SUBACK ? Array.from(p.codes) : [],
        tag: s.evTag,
        reason: s.closeReason,
        wasConnected: s.wasConnected,
      });
    };
    this.s.onLog = (_s, level, msg, detail, num) => {
      this.logs.push({ level, msg, detail: text(detail), num });
    };
  }

  /** What the broker read of the current connection that is not a whole packet yet
   *  (a packet streamed through tx arrives over several pulls). */
  wire = new Uint8Array(0);

  /** Decodes and consumes everything the client has queued for sending. */
  pull(): Sent[] {
    const out: Sent[] = [];
    const fresh = this.s.txView();
    const tx = new Uint8Array(this.wire.length + fresh.length);
    tx.set(this.wire);
    tx.set(fresh, this.wire.length);
    const consumed = fresh.length;
    const p = new Packet();
    let off = 0;
    while (off < tx.length) {
      const r = decode(tx.subarray(off), 1 << 28, false, p);
      if (r === 0) break; // the rest of a streamed packet comes with the next pull
      if (r < 0) throw new Error(`client sent an undecodable packet (decode ${r}) at ${off}: ${Buffer.from(tx.subarray(off)).toString("hex")}`);
      out.push({
        type: p.type, flags: p.flags, dup: p.dup, qos: p.qos, retain: p.retain, packetId: p.packetId,
        topic: p.type === PacketType.PUBLISH ? text(p.topic) : "",
        payload: p.type === PacketType.PUBLISH ? text(p.payload) : "",
        filters: p.type === PacketType.SUBSCRIBE ? parseFilters(p.body, true)
          : p.type === PacketType.UNSUBSCRIBE ? parseFilters(p.body, false) : [],
        clientId: text(p.clientId), userName: text(p.userName), password: text(p.password),
        willTopic: text(p.willTopic), willMessage: text(p.willMessage),
        connectFlags: p.connectFlags, keepAlive: p.keepAlive, protocolLevel: p.protocolLevel,
      });
      off += r;
    }
    this.wire = tx.slice(off);
    this.s.txConsumed(consumed);
    return out;
  }

  /** Delivers bytes to the client, at once or `chunk` bytes at a time. */
  send(b: Uint8Array, chunk = 0): void {
    if (chunk <= 0) { this.s.onRecv(b, this.now); return; }
    for (let i = 0; i < b.length; i += chunk) this.s.onRecv(b.subarray(i, Math.min(b.length, i + chunk)), this.now);
  }

  private built(n: number): Uint8Array {
    if (n === 0) throw new Error("encoder refused the packet");
    return this.scratch.slice(0, n);
  }
  connackBytes(code = 0, sessionPresent = false): Uint8Array {
    return this.built(encodeConnack(this.scratch, sessionPresent, code));
  }
  publishBytes(topic: string, payload: string, qos: number, id = 0, dup = false, retain = false): Uint8Array {
    return this.built(encodePublish(this.scratch, bytes(topic), bytes(payload), qos, retain, dup, id));
  }
  ackBytes(type: number, id: number): Uint8Array {
    return this.built(encodeAck(this.scratch, type, id));
  }
  subackBytes(id: number, codes: number[]): Uint8Array {
    return this.built(encodeSuback(this.scratch, id, new Uint8Array(codes)));
  }

  connack(code = 0, sessionPresent = false): void { this.send(this.connackBytes(code, sessionPresent)); }
  publish(topic: string, payload: string, qos: number, id = 0, dup = false): void {
    this.send(this.publishBytes(topic, payload, qos, id, dup));
  }
  ack(type: number, id: number): void { this.send(this.ackBytes(type, id)); }
  suback(id: number, codes: number[]): void { this.send(this.subackBytes(id, codes)); }
  pingresp(): void { this.send(this.built(encodeSimple(this.scratch, PacketType.PINGRESP))); }

  /** connect() + pull the CONNECT + CONNACK; returns the CONNECT seen. */
  open(sessionPresent = false): Sent {
    this.wire = new Uint8Array(0);
    if (!this.s.connect(this.now)) throw new Error("connect() refused");
    const c = this.pull();
    if (c.length !== 1 || c[0].type !== PacketType.CONNECT) throw new Error("expected one CONNECT");
    this.connack(0, sessionPresent);
    return c[0];
  }

  /** The port's side of a lost transport. */
  drop(): void { this.s.connectionLost(this.now); }

  evs(ev: SessionEvent): Ev[] { return this.events.filter((e) => e.ev === ev); }
  takeEvents(): Ev[] { const e = this.events; this.events = []; return e; }
}
