// Helpers for the WebSocket tests: server frames (unmasked, as a server sends
// them), decoding of the client's masked frames, a 101 response for a key,
// and a deterministic random source shared by the Node and C runs.
import * as crypto from "node:crypto";

export const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export function acceptFor(key: string): string {
  return crypto.createHash("sha1").update(key + GUID).digest("base64");
}

/** One server frame: FIN flag, opcode, payload (unmasked), optional mask / RSV bits. */
export function frame(op: number, payload: Uint8Array, fin = true, opts: { mask?: number[]; rsv?: number; len64?: boolean } = {}): Buffer {
  const n = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | op];
  const m = opts.mask ? 0x80 : 0;
  if (opts.len64 || n > 0xffff) head.push(m | 127, 0, 0, 0, 0, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  else if (n >= 126) head.push(m | 126, n >>> 8, n & 255);
  else head.push(m | n);
  const body = Buffer.from(payload);
  if (opts.mask) {
    head.push(...opts.mask);
    for (let i = 0; i < body.length; i++) body[i] ^= opts.mask[i & 3];
  }
  return Buffer.concat([Buffer.from(head), body]);
}

export interface ClientFrame { fin: boolean; op: number; masked: boolean; payload: Buffer }

/** Decodes the client's frames (all must be complete). */
export function decodeClient(b: Uint8Array): ClientFrame[] {
  const out: ClientFrame[] = [];
  let i = 0;
  while (i < b.length) {
    const fin = (b[i] & 0x80) !== 0;
    const op = b[i] & 15;
    const masked = (b[i + 1] & 0x80) !== 0;
    let n = b[i + 1] & 0x7f;
    i += 2;
    if (n === 126) { n = b[i] * 256 + b[i + 1]; i += 2; }
    else if (n === 127) { n = b[i + 4] * 2 ** 24 + b[i + 5] * 65536 + b[i + 6] * 256 + b[i + 7]; i += 8; }
    const mask = masked ? Array.from(b.subarray(i, i + 4)) : [0, 0, 0, 0];
    if (masked) i += 4;
    const payload = Buffer.from(b.subarray(i, i + n));
    if (payload.length !== n) throw new Error(`truncated client frame at ${i}`);
    for (let k = 0; k < n; k++) payload[k] ^= mask[k & 3];
    out.push({ fin, op, masked, payload });
    i += n;
  }
  return out;
}

export function response101(key: string, extra = ""): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: mqtt\r\n${extra}\r\n`;
}

/** xorshift32, the same as test/ws/support/ws_driver.c's. */
export class XorShift {
  constructor(public s = 2463534242) {}
  next(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  below(n: number): number { return this.next() % n; }
}
