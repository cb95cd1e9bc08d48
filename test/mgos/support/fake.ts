// A fake platform for the mgos API tests: the port externs on a fake clock
// with seeded randomness, and a scripted broker per connection slot. The
// session, codec, config and API layer under test are all the real ones; only
// the socket and the clock are stand-ins (there is no real network here).
//
// The broker decodes what the client "wrote" with the codec's server-side
// decoder and answers with the codec's encoders, through the same callbacks a
// real port uses (mgos_mqtt_port_on_connect / _on_recv / _on_close / _poll).

import { copy } from "../../../ts-src/rt/rt";
import { Packet, PacketType } from "../../../ts-src/mqtt/packet";
import { encodePublish, encodeAck, encodeSimple } from "../../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "../../mqtt/support/codec_broker";
import {
  mgos_mqtt_conn, conn_slot, MAX_CONNS,
  mgos_mqtt_port_on_connect, mgos_mqtt_port_on_recv, mgos_mqtt_port_on_close, mgos_mqtt_port_poll,
} from "../../../ts-src/mgos/conn";
import { mgos_mqtt_config_reset, mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../../ts-src/config/config";

export const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));

export interface Sent {
  type: number; qos: number; dup: boolean; retain: boolean; packetId: number;
  topic: string; payload: string; filters: [string, number][];
  clientId: string; userName: string; password: string; willTopic: string; willMessage: string;
  connectFlags: number; keepAlive: number;
}

export interface ConnectReq { slot: number; host: string; port: number; tls: number; at: number }

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

export class FakePort {
  now = 0;
  private seed = 12345;
  logs: { level: number; text: string }[] = [];
  events: { ev: number; type: number; at: number }[] = [];
  connects: ConnectReq[] = [];
  closes: number[] = [];
  /** Bytes the client wrote per slot, not yet read by the broker. */
  wire = new Map<number, Buffer>();
  open = new Set<number>();
  /** port_time(): seconds since the epoch (2026-01-01 unless a test unsets the clock). */
  wallTime = 1767225600;
  /** port_net_connect's result (a negative value simulates an immediate failure). */
  connectResult = 0;
  /** Max bytes port_net_send accepts per call (Infinity: all). */
  sendLimit = Infinity;
  private scratch = new Uint8Array(70000);

  install(): this {
    const g = globalThis as Record<string, unknown>;
    g.port_now_ms = (): number => this.now >>> 0;
    g.port_time = (): number => this.wallTime;
    // xorshift32: deterministic jitter.
    // The array accessors of mg_mqtt_subscribe / mg_mqtt_unsubscribe (compat.c in C).
    g.mg_topic_expr_topic = (t: { topic: string | null }[], i: number): string | null => t[i].topic;
    g.mg_topic_expr_qos = (t: { qos: number }[], i: number): number => t[i].qos;
    g.mg_topic_list_at = (t: (string | null)[], i: number): string | null => t[i];
    g.port_rand = (): number => {
      let x = this.seed;
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      this.seed = x;
      return x;
    };
    g.port_log = (level: number, msg: string, detail: Uint8Array): void => {
      this.logs.push({ level, text: msg + text(detail) });
    };
    g.port_net_connect = (slot: number, host: Uint8Array, port: number, tls: number): number => {
      this.connects.push({ slot, host: text(host), port, tls, at: this.now });
      return this.connectResult;
    };
    g.port_net_send = (slot: number, data: Uint8Array): number => {
      if (!this.open.has(slot)) return -1;
      const n = Math.min(data.length, this.sendLimit);
      this.wire.set(slot, Buffer.concat([this.wire.get(slot) ?? Buffer.alloc(0), Buffer.from(data.subarray(0, n))]));
      return n;
    };
    g.port_net_close = (slot: number): void => {
      this.closes.push(slot);
      this.open.delete(slot);
    };
    g.port_device_id = (): string => "fake_device";
    g.port_event_trigger = (ev: number, arg: { type: number }): void => {
      this.events.push({ ev, type: arg.type, at: this.now });
    };
    return this;
  }

  /** Fresh slots, default config, empty records. */
  reset(seed = 12345): void {
    for (let i = 0; i < MAX_CONNS; i++) copy(conn_slot(i), new mgos_mqtt_conn());
    mgos_mqtt_config_reset();
    this.now = 0;
    this.seed = seed;
    this.logs = [];
    this.events = [];
    this.connects = [];
    this.closes = [];
    this.wire.clear();
    this.open.clear();
    this.connectResult = 0;
    this.sendLimit = Infinity;
    this.wallTime = 1767225600;
  }

  /** Applies `section.key=value` overrides through the real config loader. */
  config(...args: string[]): void {
    for (const a of args) {
      if (mgos_mqtt_config_set(a) !== 0) throw new Error(`config ${a}: ${mgos_mqtt_config_error()}`);
    }
  }

  poll(): number {
    return mgos_mqtt_port_poll(this.now >>> 0);
  }

  /** Moves the clock forward in steps no longer than the client asks for. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const wait = this.poll();
      if (this.now >= end) break;
      this.now = Math.min(end, this.now + Math.max(1, wait));
    }
  }

  /** Advances until a new port_net_connect happens (at most `limitMs`); returns it. */
  nextConnect(limitMs = 200000): ConnectReq {
    const n = this.connects.length;
    const end = this.now + limitMs;
    while (this.connects.length === n) {
      if (this.now >= end) throw new Error(`no connect attempt within ${limitMs} ms`);
      const wait = this.poll();
      if (this.connects.length !== n) break;
      this.now = Math.min(end, this.now + Math.max(1, wait));
    }
    return this.connects[this.connects.length - 1];
  }

  // ---- the broker side

  /** Completes the pending TCP connect of `slot` (ok) or fails it. */
  accept(slot: number, ok = true): void {
    if (ok) this.open.add(slot);
    mgos_mqtt_port_on_connect(slot, ok, ok ? 0 : -111);
  }

  /** Decodes and consumes what the client wrote on `slot`. */
  read(slot: number): Sent[] {
    const buf = this.wire.get(slot) ?? Buffer.alloc(0);
    const out: Sent[] = [];
    const p = new Packet();
    let off = 0;
    while (off < buf.length) {
      const r = decode(new Uint8Array(buf.subarray(off)), 1 << 20, false, p);
      if (r === 0) break;
      if (r < 0) throw new Error(`client wrote an undecodable packet (${r}): ${buf.subarray(off).toString("hex")}`);
      out.push({
        type: p.type, qos: p.qos, dup: p.dup, retain: p.retain, packetId: p.packetId,
        topic: p.type === PacketType.PUBLISH ? text(p.topic) : "",
        payload: p.type === PacketType.PUBLISH ? text(p.payload) : "",
        filters: p.type === PacketType.SUBSCRIBE ? parseFilters(p.body, true)
          : p.type === PacketType.UNSUBSCRIBE ? parseFilters(p.body, false) : [],
        clientId: text(p.clientId), userName: text(p.userName), password: text(p.password),
        willTopic: text(p.willTopic), willMessage: text(p.willMessage),
        connectFlags: p.connectFlags, keepAlive: p.keepAlive,
      });
      off += r;
    }
    this.wire.set(slot, buf.subarray(off));
    return out;
  }

  private built(n: number): Uint8Array {
    if (n === 0) throw new Error("encoder refused the packet");
    return this.scratch.slice(0, n);
  }
  send(slot: number, b: Uint8Array): void { mgos_mqtt_port_on_recv(slot, b); }
  connack(slot: number, code = 0, sessionPresent = false): void {
    this.send(slot, this.built(encodeConnack(this.scratch, sessionPresent, code)));
  }
  publish(slot: number, topic: string, payload: string, qos = 0, id = 0, retain = false): void {
    this.send(slot, this.built(encodePublish(this.scratch, bytes(topic), bytes(payload), qos, retain, false, id)));
  }
  ack(slot: number, type: number, id: number): void { this.send(slot, this.built(encodeAck(this.scratch, type, id))); }
  suback(slot: number, id: number, codes: number[]): void {
    this.send(slot, this.built(encodeSuback(this.scratch, id, new Uint8Array(codes))));
  }
  pingresp(slot: number): void { this.send(slot, this.built(encodeSimple(this.scratch, PacketType.PINGRESP))); }
  /** The broker drops the connection. */
  hangup(slot: number): void {
    this.open.delete(slot);
    mgos_mqtt_port_on_close(slot, 0);
  }

  /** Accepts the TCP connect, reads the CONNECT, answers CONNACK `code`. */
  handshake(slot: number, code = 0): Sent {
    this.accept(slot);
    const s = this.read(slot);
    if (s.length !== 1 || s[0].type !== PacketType.CONNECT) throw new Error(`expected one CONNECT, got ${JSON.stringify(s.map((x) => x.type))}`);
    this.connack(slot, code);
    return s[0];
  }
}
