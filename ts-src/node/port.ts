// The Node port: the externs of ts-src/mgos/port.ts on Node's net module, so
// the TypeScript client runs under Node against a real broker.
//
// Node-only (not compiled to C; ordinary TypeScript). `install()` puts the
// port_* functions on globalThis, where the compiled-away `declare function`s
// of port.ts find them; `start()` runs the timer loop (mgos_mqtt_port_poll)
// the way the C ports' poll loops do.

import * as net from "net";
import * as os from "os";
import * as crypto from "crypto";
import {
  mgos_mqtt_port_on_connect, mgos_mqtt_port_on_recv, mgos_mqtt_port_on_close, mgos_mqtt_port_poll,
} from "../mgos/conn";

export interface LogLine { level: number; text: string }
export interface CloudEvent { ev: number; type: number }

const LEVELS = ["E", "W", "I", "D"];

export class NodePort {
  private socks = new Map<number, net.Socket>();
  private timer: NodeJS.Timeout | null = null;
  private t0 = process.hrtime.bigint();
  logs: LogLine[] = [];
  events: CloudEvent[] = [];
  /** Print log lines to stderr at or below this level (-1: silent). */
  printLevel = -1;

  nowMs(): number {
    return Number((process.hrtime.bigint() - this.t0) / 1000000n) >>> 0;
  }

  install(): this {
    const g = globalThis as Record<string, unknown>;
    g.port_now_ms = (): number => this.nowMs();
    g.port_time = (): number => Date.now() / 1000;
    // The array accessors of mg_mqtt_subscribe / mg_mqtt_unsubscribe (compat.c in C).
    g.mg_topic_expr_topic = (t: { topic: string | null }[], i: number): string | null => t[i].topic;
    g.mg_topic_expr_qos = (t: { qos: number }[], i: number): number => t[i].qos;
    g.mg_topic_list_at = (t: (string | null)[], i: number): string | null => t[i];
    // mqtt5_api.ts: an mg_str's bytes (compat.c in C).
    g.mg_str_bytes = (m: { p: string; len: number }): Uint8Array => new TextEncoder().encode(m.p ?? "").subarray(0, m.len);
    g.port_rand = (): number => (Math.random() * 0x100000000) >>> 0;
    g.port_random_fill = (dst: Uint8Array): void => { crypto.randomFillSync(dst); };
    g.port_log = (level: number, msg: string, detail: Uint8Array): void => {
      const text = `mgos_mqtt: ${msg}${Buffer.from(detail).toString("latin1")}`;
      this.logs.push({ level, text });
      if (level <= this.printLevel) process.stderr.write(`${LEVELS[level] ?? level} ${text}\n`);
    };
    g.port_net_connect = (slot: number, host: Uint8Array, port: number, tlsSlot: number): number =>
      this.connect(slot, Buffer.from(host).toString("latin1"), port, tlsSlot);
    g.port_net_send = (slot: number, data: Uint8Array): number => {
      const s = this.socks.get(slot);
      if (!s || s.destroyed) return -1;
      // Node buffers whatever the kernel does not take yet: everything is accepted.
      s.write(Buffer.from(data));
      return data.length;
    };
    g.port_net_close = (slot: number): void => {
      const s = this.socks.get(slot);
      this.socks.delete(slot);
      if (s) s.destroy();
    };
    g.port_device_id = (): string => `mgos_${os.hostname()}_${process.pid}`;
    g.port_event_trigger = (ev: number, arg: { type: number }): void => {
      this.events.push({ ev, type: arg.type });
    };
    return this;
  }

  private connect(slot: number, host: string, port: number, tlsSlot: number): number {
    if (tlsSlot >= 0) {
      this.logs.push({ level: 0, text: "mgos_mqtt: TLS is not supported by the Node port" });
      return -1;
    }
    const old = this.socks.get(slot);
    if (old) old.destroy();
    const s = net.connect({ host, port });
    this.socks.set(slot, s);
    let connected = false;
    // Callbacks only while this socket is still the slot's (port_net_close
    // or a newer connect makes it stale).
    const mine = (): boolean => this.socks.get(slot) === s;
    s.on("connect", () => {
      if (!mine()) return;
      connected = true;
      s.setNoDelay(true);
      mgos_mqtt_port_on_connect(slot, true, 0);
      this.kick();
    });
    s.on("data", (d: Buffer) => {
      if (!mine()) return;
      mgos_mqtt_port_on_recv(slot, new Uint8Array(d.buffer, d.byteOffset, d.length));
      this.kick();
    });
    s.on("error", () => { /* reported through "close" */ });
    s.on("close", (hadError: boolean) => {
      if (!mine()) return;
      this.socks.delete(slot);
      if (!connected) mgos_mqtt_port_on_connect(slot, false, -1);
      else mgos_mqtt_port_on_close(slot, hadError ? -1 : 0);
      this.kick();
    });
    return 0;
  }

  /** Runs the timer loop until stop(). */
  start(): this {
    this.kick();
    return this;
  }

  /** Polls now and re-arms the timer for when the client next needs it. */
  kick(): void {
    if (this.timer) clearTimeout(this.timer);
    const wait = mgos_mqtt_port_poll(this.nowMs());
    this.timer = setTimeout(() => { this.timer = null; this.kick(); }, Math.max(1, wait));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const s of this.socks.values()) s.destroy();
    this.socks.clear();
  }
}
