// MQTT 5 test support: a private mosquitto with a given config, and a TCP
// proxy between the client under test and it that decodes every packet both
// ways with the npm mqtt-packet parser (an independent implementation), so a
// test can assert what went over the wire. Everything listens on 127.0.0.1
// on free ports; processes are killed by pid; waits are bounded.

import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync, ChildProcess } from "child_process";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttPacket = require("mqtt-packet");

export const MOSQUITTO = fs.existsSync("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const haveMosquitto = (): boolean => spawnSync("sh", ["-c", `command -v ${MOSQUITTO}`]).status === 0;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits for `cond`; the default bound is generous (the machine is shared and loaded). */
export async function until(what: string, cond: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.on("connect", () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
  });
}

/** A mosquitto 2 on a free port with `extra` config lines. */
export class Mosquitto {
  port = 0;
  log = "";
  private proc: ChildProcess | null = null;
  private dir = "";

  static async start(extra: string[] = []): Promise<Mosquitto> {
    const m = new Mosquitto();
    m.dir = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt5-"));
    m.port = await freePort();
    fs.writeFileSync(path.join(m.dir, "mosquitto.conf"),
      [`listener ${m.port} 127.0.0.1`, "allow_anonymous true", "persistence false", "log_dest stderr", "log_type all", ...extra, ""].join("\n"));
    m.proc = spawn(MOSQUITTO, ["-c", path.join(m.dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    m.proc.stderr!.on("data", (d: Buffer) => { m.log += d.toString(); });
    const end = Date.now() + 5000;
    while (!(await canConnect(m.port))) {
      if (Date.now() > end || m.proc.exitCode !== null) throw new Error(`mosquitto did not start:\n${m.log}`);
      await sleep(50);
    }
    return m;
  }

  stop(): void {
    if (this.proc && this.proc.pid !== undefined && this.proc.exitCode === null) process.kill(this.proc.pid, "SIGKILL");
    this.proc = null;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One packet seen by the proxy: direction ("c2s" client to server) and mqtt-packet's decoding. */
export interface WirePacket { dir: "c2s" | "s2c"; pkt: any; at: number }

/** A TCP proxy 127.0.0.1:port -> target that records decoded MQTT 5 packets. */
export class WireProxy {
  port = 0;
  packets: WirePacket[] = [];
  /** Raw client -> server bytes of the current connection (for byte-level checks). */
  c2sBytes: Buffer[] = [];
  private server: net.Server | null = null;
  private socks: net.Socket[] = [];
  /** When set, server -> client bytes are replaced by what this returns (hostile tests). */
  rewriteS2C: ((b: Buffer) => Buffer) | null = null;

  static async start(target: number): Promise<WireProxy> {
    const w = new WireProxy();
    w.server = net.createServer((c) => {
      const up = net.connect({ host: "127.0.0.1", port: target });
      w.socks.push(c, up);
      const pc = mqttPacket.parser({ protocolVersion: 5 });
      const ps = mqttPacket.parser({ protocolVersion: 5 });
      pc.on("packet", (p: any) => w.packets.push({ dir: "c2s", pkt: p, at: Date.now() }));
      ps.on("packet", (p: any) => w.packets.push({ dir: "s2c", pkt: p, at: Date.now() }));
      pc.on("error", (e: Error) => w.packets.push({ dir: "c2s", pkt: { cmd: "error", message: e.message }, at: Date.now() }));
      ps.on("error", (e: Error) => w.packets.push({ dir: "s2c", pkt: { cmd: "error", message: e.message }, at: Date.now() }));
      c.on("data", (d: Buffer) => { w.c2sBytes.push(d); pc.parse(d); up.write(d); });
      up.on("data", (d: Buffer) => { ps.parse(d); c.write(w.rewriteS2C ? w.rewriteS2C(d) : d); });
      c.on("close", () => up.destroy());
      up.on("close", () => c.destroy());
      c.on("error", () => up.destroy());
      up.on("error", () => c.destroy());
    });
    await new Promise<void>((r) => w.server!.listen(0, "127.0.0.1", () => r()));
    w.port = (w.server.address() as net.AddressInfo).port;
    return w;
  }

  of(dir: "c2s" | "s2c", cmd: string): any[] {
    return this.packets.filter((p) => p.dir === dir && p.pkt.cmd === cmd).map((p) => p.pkt);
  }

  /** Writes `b` to the client of every connection, as if the server sent it. */
  inject(b: Buffer): void {
    for (let k = 0; k < this.socks.length; k += 2) this.socks[k].write(b);
  }

  /** Cuts every connection through the proxy (a network failure). */
  cut(): void {
    for (const s of this.socks) s.destroy();
    this.socks = [];
  }

  stop(): void {
    this.cut();
    this.server?.close();
  }
}
