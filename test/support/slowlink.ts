// A slow link of our own: a loopback TCP proxy (127.0.0.1 only) that delays
// every byte by `delayMs`, throttles each direction to `bytesPerSec`, and
// stalls completely for `stallMs` every `stallEveryMs`. It stops reading from
// a side whose bytes it cannot forward yet (at `highWater` queued bytes), so
// the sender's socket fills and the sender feels the backpressure, as over a
// real slow radio link. Bytes are never changed, dropped or reordered.
import * as net from "node:net";

export interface SlowLinkOptions {
  delayMs: number;
  bytesPerSec: number;
  /** 0: never stalls. */
  stallEveryMs?: number;
  stallMs?: number;
  /** Bytes queued per direction before the proxy stops reading that side. */
  highWater?: number;
}

interface Chunk { at: number; data: Buffer }

/** One direction of one connection. */
class Pipe {
  private q: Chunk[] = [];
  private queued = 0;
  private credit = 0;
  private last = Date.now();
  private paused = false;
  ended = false;

  constructor(private from: net.Socket, private to: net.Socket, private o: Required<SlowLinkOptions>, private born: number) {
    from.on("data", (d: Buffer) => {
      this.q.push({ at: Date.now() + o.delayMs, data: d });
      this.queued += d.length;
      if (this.queued >= o.highWater && !this.paused) {
        this.paused = true;
        from.pause();
      }
    });
    from.on("end", () => { this.ended = true; });
  }

  /** Forwards what the rate and the delay allow now. */
  tick(now: number): void {
    const dt = now - this.last;
    this.last = now;
    const stalled = this.o.stallEveryMs > 0 && (now - this.born) % this.o.stallEveryMs < this.o.stallMs;
    if (stalled) { this.credit = 0; return; }
    // At most a tenth of a second of credit: no bursts after an idle time.
    this.credit = Math.min(this.credit + (this.o.bytesPerSec * dt) / 1000, this.o.bytesPerSec / 10);
    while (this.q.length > 0 && this.q[0].at <= now && this.credit >= 1) {
      const c = this.q[0];
      const n = Math.min(c.data.length, Math.floor(this.credit));
      if (!this.to.destroyed) this.to.write(c.data.subarray(0, n));
      this.credit -= n;
      this.queued -= n;
      if (n === c.data.length) this.q.shift();
      else c.data = c.data.subarray(n);
    }
    if (this.paused && this.queued < this.o.highWater / 2) {
      this.paused = false;
      this.from.resume();
    }
    if (this.ended && this.q.length === 0 && !this.to.destroyed) this.to.end();
  }
}

export class SlowLink {
  private server: net.Server;
  private pipes: Pipe[] = [];
  private socks: net.Socket[] = [];
  private timer: NodeJS.Timeout;
  port = 0;
  /** Connections accepted so far. */
  connections = 0;

  private constructor(private upstream: number, private o: Required<SlowLinkOptions>) {
    this.server = net.createServer((client) => this.accept(client));
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const p of this.pipes) p.tick(now);
    }, 5);
  }

  static async start(upstreamPort: number, opts: SlowLinkOptions): Promise<SlowLink> {
    const o: Required<SlowLinkOptions> = { stallEveryMs: 0, stallMs: 0, highWater: 16384, ...opts };
    const l = new SlowLink(upstreamPort, o);
    await new Promise<void>((resolve, reject) => {
      l.server.once("error", reject);
      l.server.listen(0, "127.0.0.1", () => resolve());
    });
    l.port = (l.server.address() as net.AddressInfo).port;
    return l;
  }

  private accept(client: net.Socket): void {
    this.connections++;
    const up = net.connect({ host: "127.0.0.1", port: this.upstream });
    this.socks.push(client, up);
    const born = Date.now();
    const a = new Pipe(client, up, this.o, born);
    const b = new Pipe(up, client, this.o, born);
    this.pipes.push(a, b);
    const kill = (): void => {
      client.destroy();
      up.destroy();
      this.pipes = this.pipes.filter((p) => p !== a && p !== b);
    };
    client.on("error", kill);
    up.on("error", kill);
    client.on("close", kill);
    up.on("close", kill);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const s of this.socks) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
