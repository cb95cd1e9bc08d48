// Scripts for the WebSocket differential test (ws-diff.test.ts) and their
// replay on the TypeScript link. The C replay is ws_driver.c; both print the
// same transcript lines for the same script.
import { WsLink } from "../../../ts-src/mgos/ws";
import { frame, acceptFor, XorShift } from "./frames";

const hex = (b: Uint8Array) => (b.length === 0 ? "-" : Buffer.from(b).toString("hex"));
const unhex = (h: string) => (h === "-" ? new Uint8Array(0) : new Uint8Array(Buffer.from(h, "hex")));

/** The key begin() sends when the random source starts from its seed. */
function firstKey(): string {
  const r = new XorShift();
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = r.next() & 255;
  return b.toString("base64");
}

/** Splits `b` into R lines of random sizes. */
function chunks(rng: XorShift, b: Buffer, now: number, out: string[]): void {
  let i = 0;
  while (i < b.length) {
    const n = 1 + rng.below(rng.below(4) === 0 ? 3 : 400);
    out.push(`R ${hex(b.subarray(i, i + n))} ${now}`);
    i += n;
  }
}

function bytes(rng: XorShift, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.next() & 255;
  return b;
}

/** One seeded script: a handshake (good or broken), then server frames, client data, closes, deadlines. */
export function generate(seed: number, steps: number): string[] {
  const rng = new XorShift(seed * 2654435761 >>> 0 || 1);
  const out: string[] = ["N"];
  const hosts = ["broker.example", "127.0.0.1", "::1", "h"];
  const paths = ["/mqtt", "/", "-", "/a/b?c=d", "/bad path", "nope"];
  let now = (rng.below(1000) + (rng.below(4) === 0 ? 0xffffff00 : 0)) >>> 0;
  const path = paths[rng.below(8) < 6 ? rng.below(3) : rng.below(paths.length)];
  const tls = rng.below(2);
  const port = [80, 443, 1883, 8080][rng.below(4)];
  out.push(`B ${hex(Buffer.from(hosts[rng.below(hosts.length)]))} ${port} ${tls} ${path === "-" ? "-" : hex(Buffer.from(path))} ${now}`);
  out.push("T 0");
  const key = firstKey();
  const good = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n`;
  const variants = [
    good, good, good, good, good,
    good.toLowerCase().replace(acceptFor(key).toLowerCase(), acceptFor(key)),
    good.replace(/\r\n/g, "\n"),
    good.replace(acceptFor(key), acceptFor(key + "x")),
    "HTTP/1.1 404 Not Found\r\n\r\n",
    good.replace("Upgrade: websocket\r\n", ""),
    good.replace("mqtt", "chat"),
    good.replace("Connection: Upgrade", "Connection: keep-alive, upgrade"),
    "HTTP/1.1 101 x\r\n" + "X: y\r\n".repeat(1400),
  ];
  chunks(rng, Buffer.from(variants[rng.below(variants.length)], "latin1"), now, out);
  for (let s = 0; s < steps; s++) {
    now = (now + rng.below(300)) >>> 0;
    const k = rng.below(20);
    if (k < 7) {
      // A run of server frames: data (maybe fragmented), control frames in between, rarely an error.
      const parts: Buffer[] = [];
      const nf = 1 + rng.below(4);
      for (let f = 0; f < nf; f++) {
        const r = rng.below(40);
        const len = rng.below(8) === 0 ? 126 + rng.below(400) : rng.below(130);
        if (r < 20) parts.push(frame(2, bytes(rng, len)));
        else if (r < 26) {
          parts.push(frame(2, bytes(rng, rng.below(20)), false));
          if (rng.below(2) === 0) parts.push(frame(9, bytes(rng, rng.below(126))));
          parts.push(frame(0, bytes(rng, rng.below(20)), false));
          if (rng.below(2) === 0) parts.push(frame(10, bytes(rng, rng.below(10))));
          parts.push(frame(0, bytes(rng, len), true));
        } else if (r < 30) parts.push(frame(9, bytes(rng, rng.below(126))));
        else if (r < 32) parts.push(frame(10, bytes(rng, rng.below(126))));
        else if (r < 33) parts.push(frame(2, bytes(rng, 66000 + rng.below(4000))));
        else if (r < 34) parts.push(frame(8, Buffer.concat([Buffer.from([0x03, 0xe8 + rng.below(3)]), bytes(rng, rng.below(5))])));
        else if (r < 35) parts.push(frame(8, Buffer.alloc(0)));
        else if (r < 36) parts.push(frame(2, bytes(rng, 3), true, { mask: [1, 2, 3, 4] }));
        else if (r < 37) parts.push(frame(1, bytes(rng, 3)));
        else if (r < 38) parts.push(frame(2 + rng.below(14), bytes(rng, 3), rng.below(2) === 0, { rsv: rng.below(8) }));
        else if (r < 39) parts.push(Buffer.from([0x82, 0x7f, 0, 0, rng.below(2), 0, 0x20, 0, 0, 0]));
        else parts.push(frame(0, bytes(rng, 2)));
      }
      chunks(rng, Buffer.concat(parts), now, out);
    } else if (k < 12) out.push(`W ${hex(bytes(rng, rng.below(4) === 0 ? rng.below(3000) : rng.below(200)))}`);
    else if (k < 17) out.push(`T ${rng.below(3) === 0 ? 0 : rng.below(600)}`);
    else if (k < 18) out.push(`C ${[1000, 1001, 1005][rng.below(3)]} ${now}`);
    else out.push(`E ${(now + rng.below(3) * 5000) >>> 0}`);
  }
  out.push("T 0");
  return out;
}

/** Replays scripts on the TypeScript link; returns the transcript lines. */
export class Replayer {
  lines: string[] = [];
  private link = new WsLink();
  private rng = new XorShift();

  constructor() {
    const g = globalThis as Record<string, unknown>;
    g.port_random_fill = (dst: Uint8Array) => { for (let i = 0; i < dst.length; i++) dst[i] = this.rng.next() & 255; };
    g.port_log = (level: number, msg: string, detail: Uint8Array) => {
      this.lines.push(`log ${level} ${msg}${Buffer.from(detail).toString("latin1")}`);
    };
  }

  run(script: string[]): void {
    for (const l of script) this.op(l);
  }

  private op(l: string): void {
    const [op, a, b, c, d, e] = l.split(" ");
    const L = this.link;
    switch (op) {
      case "N":
        this.link = new WsLink();
        this.link.reset();
        this.link.onData = (_ud, data, now) => { this.lines.push(`data ${now} ${hex(data)}`); return true; };
        this.link.onOpen = (_ud, now) => { this.lines.push(`open ${now}`); return true; };
        this.rng = new XorShift();
        this.lines.push("N");
        return;
      case "B":
        this.lines.push(`begin ${L.begin(unhex(a), Number(b), c !== "0", unhex(d), Number(e)) ? 1 : 0}`);
        break;
      case "R":
        L.onRecv(unhex(a), Number(b));
        break;
      case "W":
        this.lines.push(`wrap ${L.wrap(unhex(a))}`);
        break;
      case "T": {
        let n = Number(a);
        const v = L.txView();
        if (n === 0 || n > v.length) n = v.length;
        this.lines.push(`tx ${hex(v.subarray(0, n))}`);
        L.txConsumed(n);
        break;
      }
      case "C":
        L.close(Number(a), Number(b));
        break;
      case "E": {
        const now = Number(a);
        const x = L.expired(now);
        this.lines.push(`expired ${x ? 1 : 0} next ${L.nextIn(now, 60000)}`);
        break;
      }
      default:
        throw new Error(`bad op ${op}`);
    }
    this.lines.push(`state ${this.link.state} txLen ${this.link.txLen} want ${this.link.wantsClose() ? 1 : 0}`);
  }
}
