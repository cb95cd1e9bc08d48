// A recording TCP proxy between the client and mosquitto (127.0.0.1 only).
//
// Bytes are forwarded unchanged both ways; each direction is also decoded
// with the project's codec and every packet recorded with its connection
// number and time. The fault tests use the record to tell who lost or
// duplicated a message when the broker is killed: a message the broker had
// acknowledged (PUBACK / PUBREC) before dying is the broker's to keep; the
// client must resend everything else, with the same id and DUP, and must not
// resend a PUBLISH after its PUBREC (MQTT 3.1.1 4.3.3, 4.4).
//
// When either side closes, the other is closed too, so the client sees the
// broker's death as a closed connection; while the broker is down each new
// connection is accepted and closed at once (the upstream connect fails).
import * as net from "node:net";
import { decode } from "../../mqtt/support/codec_broker";
import { Packet, decodeErrNameAll, DecodeErr } from "../../../ts-src/mqtt/packet";

export interface Seen {
  /** "c2b": client to broker; "b2c": broker to client. */
  dir: "c2b" | "b2c";
  /** Proxy connection number (0-based). */
  conn: number;
  type: number;
  id: number;
  qos: number;
  dup: boolean;
  topic: string;
  payload: string;
  /** CONNACK session present. */
  sessionPresent: boolean;
  at: number;
}

class Direction {
  private buf: Buffer = Buffer.alloc(0);
  private pk = new Packet();
  private broken = false;
  constructor(private dir: "c2b" | "b2c", private conn: number, private out: Seen[], private errors: string[]) {}

  feed(d: Buffer): void {
    if (this.broken) return;
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const r = decode(this.buf, 1 << 28, false, this.pk);
      if (r === 0) return;
      if (r < 0) {
        this.errors.push(`${this.dir} conn ${this.conn}: undecodable packet (${decodeErrNameAll(-r as DecodeErr)})`);
        this.broken = true;
        return;
      }
      const p = this.pk;
      this.out.push({
        dir: this.dir, conn: this.conn, type: p.type, id: p.packetId, qos: p.qos, dup: p.dup,
        topic: Buffer.from(p.topic).toString("utf8"), payload: Buffer.from(p.payload).toString("utf8"),
        sessionPresent: p.sessionPresent, at: Date.now(),
      });
      this.buf = this.buf.subarray(r);
    }
  }
}

export class MqttProxy {
  server: net.Server;
  port = 0;
  seen: Seen[] = [];
  /** Packets the codec refused (a malformed packet on the wire is a bug of its sender). */
  errors: string[] = [];
  private conns = 0;
  private sockets = new Set<net.Socket>();

  constructor(public upstreamPort: number) {
    this.server = net.createServer((client) => this.onConn(client));
  }

  static async start(upstreamPort: number): Promise<MqttProxy> {
    const p = new MqttProxy(upstreamPort);
    await new Promise<void>((resolve, reject) => {
      p.server.once("error", reject);
      p.server.listen(0, "127.0.0.1", () => resolve());
    });
    p.port = (p.server.address() as net.AddressInfo).port;
    return p;
  }

  private onConn(client: net.Socket): void {
    const n = this.conns++;
    const up = net.connect({ host: "127.0.0.1", port: this.upstreamPort });
    const c2b = new Direction("c2b", n, this.seen, this.errors);
    const b2c = new Direction("b2c", n, this.seen, this.errors);
    this.sockets.add(client);
    this.sockets.add(up);
    client.setNoDelay(true);
    up.setNoDelay(true);
    const closeBoth = () => {
      client.destroy();
      up.destroy();
    };
    client.on("data", (d: Buffer) => {
      c2b.feed(d);
      up.write(d);
    });
    up.on("data", (d: Buffer) => {
      b2c.feed(d);
      client.write(d);
    });
    for (const s of [client, up]) {
      s.on("error", closeBoth);
      s.on("end", closeBoth);
      s.on("close", () => {
        this.sockets.delete(s);
        closeBoth();
      });
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
