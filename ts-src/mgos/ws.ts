// MQTT over WebSocket (RFC 6455, client side): the `mqtt.ws_enable` transport.
//
// A sans-I/O link between the socket (plain TCP or the port's TLS: ws:// and
// wss://) and the MQTT session. conn.ts drives it:
//   begin()      on TCP connect: queues the HTTP/1.1 Upgrade request;
//   onRecv()     socket bytes: the 101 response, then frames; the payload of
//                binary frames goes to onData (the session), the 101 to onOpen;
//   wrap()       session bytes -> one masked binary frame in `tx`;
//   txView()/txConsumed()  what the socket must write;
//   close()      our Close frame (the session ended);
//   wantsClose() the socket may be closed now; expired() a deadline passed.
// Frames and MQTT packets need not line up (MQTT 3.1.1 section 6): a frame may
// carry several packets or part of one, so payload is streamed, never buffered.
// Errors (bad status or accept, masked or text or oversized frame, bad
// opcode...) are logged with the reason, answered with a Close frame where
// the protocol allows, and end the connection; conn.ts reconnects as usual.

import { u8, u16, u32, i32, bool, Ptr, Bytes, copyBytes, lit, noBytes, idiv } from "../rt/rt";
import { logMsg } from "./port";
import { WS_SUPPORT } from "./options";

/** Fills `dst` with unpredictable bytes (RFC 6455 section 10.3: the handshake
 *  key and every frame mask). Host: getrandom; ESP32: the hardware RNG. */
declare function port_random_fill(dst: Bytes): void;

/** Outgoing WebSocket bytes (the Upgrade request, frames). @kconfig MGOS_MQTT_WS_TX_SIZE */
export const WS_TX_SIZE: u32 = 1024;
/** No 101 response within this time closes the connection, ms. @kconfig MGOS_MQTT_WS_HANDSHAKE_TIMEOUT_MS */
export const WS_HANDSHAKE_TIMEOUT_MS: u32 = 10000;
/** After our Close frame: how long to wait for the server's, ms. */
export const WS_CLOSE_WAIT_MS: u32 = 2000;
/** Longest response header line kept (status line, the headers checked). */
export const WS_LINE_SIZE: u32 = 128;
/** Longest 101 response header in total, bytes. */
export const WS_MAX_RESPONSE: u32 = 8192;
/** Largest frame accepted: the largest MQTT packet (2^28 - 1 + 5 bytes). */
export const WS_MAX_FRAME: u32 = 268435460;
/** The link's buffer sizes: the real ones with WebSocket support, a byte without. */
const WS_TX_BUF: u32 = WS_SUPPORT !== 0 ? WS_TX_SIZE : 1;
const WS_LINE_BUF: u32 = WS_SUPPORT !== 0 ? WS_LINE_SIZE : 1;
const WS_CTL_BUF: u32 = WS_SUPPORT !== 0 ? 125 : 1;

export enum WsState {
  IDLE = 0,
  /** Upgrade request queued, reading the response header. */
  HANDSHAKE = 1,
  OPEN = 2,
  /** Our Close frame is queued: waiting for the server's Close or its FIN. */
  CLOSING = 3,
  /** Done (Close exchanged or an error): close the socket once tx is written. */
  CLOSED = 4,
}

export enum WsOp {
  CONT = 0,
  TEXT = 1,
  BINARY = 2,
  CLOSE = 8,
  PING = 9,
  PONG = 10,
}

/** Close status codes (RFC 6455 section 7.4.1). */
export enum WsCode {
  NORMAL = 1000,
  PROTOCOL = 1002,
  UNSUPPORTED = 1003,
  NONE = 1005,
  TOO_BIG = 1009,
}

/** Payload of binary frames, in order; false: stop (the connection went away). */
export type WsDataFn = (ud: Ptr, data: Bytes, now: u32) => bool;
/** The 101 response was valid: MQTT may start; false: stop. */
export type WsOpenFn = (ud: Ptr, now: u32) => bool;


/** SHA-1 (FIPS 180-4), for Sec-WebSocket-Accept only: not for security. */
export class Sha1 {
  h: Uint32Array = new Uint32Array(5);
  w: Uint32Array = new Uint32Array(80);
  block: Uint8Array = new Uint8Array(64);
  used: u32 = 0;
  total: u32 = 0;

  start(): void {
    this.h[0] = 0x67452301;
    this.h[1] = 0xefcdab89;
    this.h[2] = 0x98badcfe;
    this.h[3] = 0x10325476;
    this.h[4] = 0xc3d2e1f0;
    this.used = 0;
    this.total = 0;
  }

  update(b: Bytes): void {
    for (let i: u32 = 0; i < b.length; i++) {
      this.block[this.used] = b[i];
      this.used++;
      if (this.used === 64) {
        this.compress();
        this.used = 0;
      }
    }
    this.total = u32(this.total + b.length);
  }

  /** The 20-byte digest into `out`. Messages up to 512 MiB (a u32 bit count). */
  finish(out: Bytes): void {
    const bits: u32 = u32(this.total * 8);
    this.block[this.used] = 0x80;
    this.used++;
    if (this.used > 56) {
      while (this.used < 64) this.block[this.used++] = 0;
      this.compress();
      this.used = 0;
    }
    while (this.used < 60) this.block[this.used++] = 0;
    this.block[60] = u8(bits >>> 24);
    this.block[61] = u8(bits >>> 16);
    this.block[62] = u8(bits >>> 8);
    this.block[63] = u8(bits);
    this.compress();
    for (let i: u32 = 0; i < 5; i++) {
      const v: u32 = this.h[i];
      out[i * 4] = u8(v >>> 24);
      out[i * 4 + 1] = u8(v >>> 16);
      out[i * 4 + 2] = u8(v >>> 8);
      out[i * 4 + 3] = u8(v);
    }
  }

  private compress(): void {
    for (let t: u32 = 0; t < 16; t++) {
      const k: u32 = u32(t * 4);
      this.w[t] = u32(this.block[k] * 16777216 + this.block[k + 1] * 65536 + this.block[k + 2] * 256 + this.block[k + 3]);
    }
    for (let t: u32 = 16; t < 80; t++) this.w[t] = rotl(u32(this.w[t - 3] ^ this.w[t - 8] ^ this.w[t - 14] ^ this.w[t - 16]), 1);
    let a: u32 = this.h[0];
    let b: u32 = this.h[1];
    let c: u32 = this.h[2];
    let d: u32 = this.h[3];
    let e: u32 = this.h[4];
    for (let t: u32 = 0; t < 80; t++) {
      let f: u32 = 0;
      let k: u32 = 0;
      if (t < 20) {
        f = u32((b & c) | (~b & d));
        k = 0x5a827999;
      } else if (t < 40) {
        f = u32(b ^ c ^ d);
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = u32((b & c) | (b & d) | (c & d));
        k = 0x8f1bbcdc;
      } else {
        f = u32(b ^ c ^ d);
        k = 0xca62c1d6;
      }
      const tmp: u32 = u32(rotl(a, 5) + f + e + k + this.w[t]);
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = tmp;
    }
    this.h[0] = u32(this.h[0] + a);
    this.h[1] = u32(this.h[1] + b);
    this.h[2] = u32(this.h[2] + c);
    this.h[3] = u32(this.h[3] + d);
    this.h[4] = u32(this.h[4] + e);
  }
}

function rotl(x: u32, n: u32): u32 {
  return u32((x << n) | (x >>> (32 - n)));
}

/** Base64 of `src` into `dst` (RFC 4648, padded); the length written, 0 if it does not fit. */
export function base64(src: Bytes, dst: Bytes): u32 {
  const tab: Bytes = lit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  let o: u32 = 0;
  for (let i: u32 = 0; i < src.length; i += 3) {
    if (o + 4 > dst.length) return 0;
    const n: u32 = u32(src.length - i);
    const v: u32 = u32(src[i] * 65536 + (n > 1 ? src[i + 1] * 256 : 0) + (n > 2 ? src[i + 2] : 0));
    dst[o] = tab[(v >>> 18) & 63];
    dst[o + 1] = tab[(v >>> 12) & 63];
    dst[o + 2] = n > 1 ? tab[(v >>> 6) & 63] : 0x3d;
    dst[o + 3] = n > 2 ? tab[v & 63] : 0x3d;
    o += 4;
  }
  return o;
}

/** ASCII lower case of one byte. */
function lower(c: u8): u8 {
  return c >= 0x41 && c <= 0x5a ? u8(c + 32) : c;
}

/** Case-insensitive equality of two byte strings (HTTP tokens). */
export function asciiEqualNoCase(a: Bytes, b: Bytes): bool {
  if (a.length !== b.length) return false;
  for (let i: u32 = 0; i < a.length; i++) if (lower(a[i]) !== lower(b[i])) return false;
  return true;
}

/** Is `tok` one of the comma-separated tokens of `list` (case-insensitive)? */
export function hasToken(list: Bytes, tok: Bytes): bool {
  let i: u32 = 0;
  while (i < list.length) {
    while (i < list.length && (list[i] === 0x20 || list[i] === 0x09 || list[i] === 0x2c)) i++;
    const s: u32 = i;
    while (i < list.length && list[i] !== 0x2c) i++;
    let e: u32 = i;
    while (e > s && (list[e - 1] === 0x20 || list[e - 1] === 0x09)) e--;
    if (e > s && asciiEqualNoCase(list.subarray(s, e), tok)) return true;
  }
  return false;
}

/** A log line's detail text (one static buffer: logs are not re-entrant). */
class WsNote {
  buf: Uint8Array = new Uint8Array(96);
  len: u32 = 0;

  clear(): WsNote {
    this.len = 0;
    return this;
  }

  add(b: Bytes): WsNote {
    for (let i: u32 = 0; i < b.length; i++) {
      if (this.len >= this.buf.length) break;
      const c: u8 = b[i];
      this.buf[this.len++] = c >= 0x20 && c < 0x7f ? c : 0x2e;
    }
    return this;
  }

  num(v: u32): WsNote {
    let div: u32 = 1000000000;
    while (div > 1 && v < div) div = idiv(div, 10);
    while (div > 0) {
      if (this.len < this.buf.length) this.buf[this.len++] = u8(0x30 + idiv(v, div) % 10);
      div = idiv(div, 10);
    }
    return this;
  }

  view(): Bytes {
    return this.buf.subarray(0, this.len);
  }
}

const note = new WsNote();

/** One WebSocket connection, client side. */
export class WsLink {
  state: u8 = WsState.IDLE;
  onData: WsDataFn | null = null;
  onOpen: WsOpenFn | null = null;
  ud: Ptr = null;
  now: u32 = 0;
  /** Bytes for the socket: the Upgrade request, then frames. */
  tx: Uint8Array = new Uint8Array(WS_TX_BUF);
  txLen: u32 = 0;
  /** base64 of the 16 random key bytes, and the Sec-WebSocket-Accept it calls for. */
  key: Uint8Array = new Uint8Array(24);
  accept: Uint8Array = new Uint8Array(28);
  deadline: u32 = 0;
  hasDeadline: bool = false;
  // Response header: the current line, what has been seen.
  line: Uint8Array = new Uint8Array(WS_LINE_BUF);
  lineLen: u32 = 0;
  lineOver: bool = false;
  respBytes: u32 = 0;
  gotStatus: bool = false;
  gotUpgrade: bool = false;
  gotConnection: bool = false;
  gotAccept: bool = false;
  // Frame decoder: the header being read, then the payload left.
  hdr: Uint8Array = new Uint8Array(10);
  hdrLen: u32 = 0;
  hdrNeed: u32 = 2;
  op: u8 = 0;
  fin: bool = false;
  left: u32 = 0;
  /** A fragmented binary message is under way (continuation frames expected). */
  inMessage: bool = false;
  /** A control frame's payload (at most 125 bytes). */
  ctl: Uint8Array = new Uint8Array(WS_CTL_BUF);
  ctlLen: u32 = 0;
  /** A PONG owed (its payload in pong) that did not fit tx yet. */
  pong: Uint8Array = new Uint8Array(WS_CTL_BUF);
  pongLen: u32 = 0;
  pongDue: bool = false;
  /** Our Close frame is owed (did not fit tx yet). */
  closeDue: bool = false;
  closeCode: u16 = 0;
  closeBuf: Uint8Array = new Uint8Array(2);
  mask: Uint8Array = new Uint8Array(4);
  /** The 101 response was accepted on this connection. */
  opened: bool = false;
  /** The last close code received from the server (0: none), for tests and logs. */
  peerCode: u16 = 0;

  reset(): void {
    this.state = WsState.IDLE;
    this.txLen = 0;
    this.hasDeadline = false;
    this.lineLen = 0;
    this.lineOver = false;
    this.respBytes = 0;
    this.gotStatus = false;
    this.gotUpgrade = false;
    this.gotConnection = false;
    this.gotAccept = false;
    this.hdrLen = 0;
    this.hdrNeed = 2;
    this.left = 0;
    this.inMessage = false;
    this.ctlLen = 0;
    this.pongDue = false;
    this.closeDue = false;
    this.opened = false;
    this.peerCode = 0;
  }

  /** In use for this connection (the Upgrade request has been queued). */
  active(): bool {
    return this.state !== WsState.IDLE;
  }

  isOpen(): bool {
    return this.state === WsState.OPEN;
  }

  /** Queues the Upgrade request for `path` on `host`:`port` (Host names the
   *  port unless it is the scheme's default: 80 for ws, 443 for wss). */
  begin(host: Bytes, port: u16, tls: bool, path: Bytes, now: u32): bool {
    this.reset();
    this.now = now;
    let p: Bytes = path;
    if (p.length === 0) p = lit("/");
    if (p[0] !== 0x2f) {
      logMsg(1, "WebSocket: ws_path must start with '/': ", p);
      return false;
    }
    for (let i: u32 = 0; i < p.length; i++) {
      if (p[i] <= 0x20 || p[i] >= 0x7f) {
        logMsg(1, "WebSocket: ws_path has a space or a non-ASCII byte: ", p);
        return false;
      }
    }
    const raw: Bytes = this.ctl.subarray(0, 16);
    port_random_fill(raw);
    base64(raw, this.key);
    computeAccept(this.key, this.accept);
    let v6: bool = false;
    for (let i: u32 = 0; i < host.length; i++) if (host[i] === 0x3a) v6 = true;
    this.txLen = 0;
    let ok: bool = this.put(lit("GET ")) && this.put(p) && this.put(lit(" HTTP/1.1\r\nHost: "));
    if (v6) ok = ok && this.put(lit("["));
    ok = ok && this.put(host);
    if (v6) ok = ok && this.put(lit("]"));
    if (port !== (tls ? 443 : 80)) ok = ok && this.put(lit(":")) && this.putNum(port);
    ok = ok && this.put(lit("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")) && this.put(this.key) &&
      this.put(lit("\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"));
    if (!ok) {
      this.txLen = 0;
      logMsg(0, "WebSocket: Upgrade request longer than MGOS_MQTT_WS_TX_SIZE, path: ", p);
      return false;
    }
    logMsg(2, tls ? "WebSocket (wss) handshake: GET " : "WebSocket (ws) handshake: GET ", p);
    this.state = WsState.HANDSHAKE;
    this.setDeadline(WS_HANDSHAKE_TIMEOUT_MS);
    return true;
  }

  private put(b: Bytes): bool {
    if (!copyBytes(this.tx, this.txLen, b)) return false;
    this.txLen += b.length;
    return true;
  }

  private putNum(v: u32): bool {
    return this.put(note.clear().num(v).view());
  }

  private setDeadline(ms: u32): void {
    this.deadline = u32(this.now + ms);
    this.hasDeadline = true;
  }

  /** A deadline passed (no 101 in time, or no Close answer): drop the socket. */
  expired(now: u32): bool {
    if (!this.hasDeadline || i32(u32(now - this.deadline)) < 0) return false;
    if (this.state === WsState.HANDSHAKE) logMsg(0, "WebSocket: no handshake response in time", noBytes());
    return true;
  }

  /** Milliseconds until expired() turns true, at most `cap`. */
  nextIn(now: u32, cap: u32): u32 {
    if (!this.hasDeadline) return cap;
    const d: i32 = i32(u32(this.deadline - now));
    if (d <= 0) return 0;
    return u32(d) < cap ? u32(d) : cap;
  }

  /** The socket may be closed now (the Close exchange is over and written). */
  wantsClose(): bool {
    return this.state === WsState.CLOSED && this.txLen === 0 && !this.closeDue;
  }

  txView(): Bytes {
    return this.tx.subarray(0, this.txLen);
  }

  /** The socket wrote the first `n` bytes of txView(). */
  txConsumed(n: u32): void {
    if (n > this.txLen) n = this.txLen;
    if (n > 0) copyBytes(this.tx, 0, this.tx.subarray(n, this.txLen));
    this.txLen = u32(this.txLen - n);
    this.flushControl();
  }

  /** Frames a prefix of `src` as one masked binary frame in tx; the bytes taken. */
  wrap(src: Bytes): u32 {
    if (this.state !== WsState.OPEN || src.length === 0) return 0;
    this.flushControl();
    if (this.pongDue) return 0;
    const room: u32 = u32(WS_TX_BUF - this.txLen);
    if (room < 9) return 0;
    let n: u32 = src.length;
    if (n > room - 8) n = u32(room - 8);
    this.frame(WsOp.BINARY, src.subarray(0, n));
    return n;
  }

  /** Starts the close handshake with `code` (the session ended). */
  close(code: u16, now: u32): void {
    this.now = now;
    if (this.state !== WsState.OPEN) return;
    this.state = WsState.CLOSING;
    this.closeCode = code;
    this.closeDue = true;
    this.flushControl();
    this.setDeadline(WS_CLOSE_WAIT_MS);
  }

  /** Puts owed control frames (PONG, then Close) into tx when they fit. */
  private flushControl(): void {
    if (this.pongDue && WS_TX_BUF - this.txLen >= 6 + this.pongLen) {
      this.frame(WsOp.PONG, this.pong.subarray(0, this.pongLen));
      this.pongDue = false;
    }
    if (this.closeDue && !this.pongDue && WS_TX_BUF - this.txLen >= 8) {
      if (this.closeCode === WsCode.NONE) this.frame(WsOp.CLOSE, noBytes());
      else {
        this.closeBuf[0] = u8(this.closeCode >>> 8);
        this.closeBuf[1] = u8(this.closeCode);
        this.frame(WsOp.CLOSE, this.closeBuf);
      }
      this.closeDue = false;
    }
  }

  /** Appends one final frame with a fresh mask; the caller checked the room. */
  private frame(op: u8, payload: Bytes): void {
    const n: u32 = payload.length;
    const t: Bytes = this.tx;
    let o: u32 = this.txLen;
    t[o++] = u8(0x80 | op);
    if (n < 126) t[o++] = u8(0x80 | n);
    else {
      t[o++] = 0xfe;
      t[o++] = u8(n >>> 8);
      t[o++] = u8(n);
    }
    port_random_fill(this.mask);
    for (let i: u32 = 0; i < 4; i++) t[o++] = this.mask[i];
    for (let i: u32 = 0; i < n; i++) t[o++] = u8(payload[i] ^ this.mask[i & 3]);
    this.txLen = o;
  }

  /** Ends the link for `why`: a Close frame with `code` (0: none, e.g. before the
   *  handshake finished), then the socket closes once it is written. */
  private fail(code: u16, why: string, detail: Bytes): void {
    logMsg(0, why, detail);
    const prev: u8 = this.state;
    this.state = WsState.CLOSED;
    this.pongDue = false;
    if (prev === WsState.OPEN && code !== 0) {
      this.closeCode = code;
      this.closeDue = true;
      this.flushControl();
    } else if (prev === WsState.HANDSHAKE) {
      // Refused before the 101: the rest of our request is moot. (While CLOSING
      // our own Close may still be owed: it goes out before the socket closes.)
      this.txLen = 0;
    }
    this.setDeadline(WS_CLOSE_WAIT_MS);
  }

  // ---------------------------------------------------------------- receive

  /** Bytes from the socket. */
  onRecv(data: Bytes, now: u32): void {
    this.now = now;
    let off: u32 = 0;
    while (off < data.length) {
      if (this.state === WsState.HANDSHAKE) {
        const r: i32 = this.headerBytes(data.subarray(off));
        if (r < 0) return;
        off += u32(r);
        if (this.isOpen()) {
          const f: WsOpenFn | null = this.onOpen;
          if (f !== null && !f(this.ud, now)) return;
        }
        continue;
      }
      if (this.state !== WsState.OPEN && this.state !== WsState.CLOSING) return;
      if (this.hdrLen < this.hdrNeed) {
        this.hdr[this.hdrLen++] = data[off++];
        if (this.hdrLen === this.hdrNeed && !this.headerDone()) return;
        // A frame with an empty payload is complete with its header.
        if (this.hdrLen === this.hdrNeed && this.left === 0 && !this.frameDone()) return;
        continue;
      }
      let n: u32 = u32(data.length - off);
      if (n > this.left) n = this.left;
      const part: Bytes = data.subarray(off, u32(off + n));
      off += n;
      this.left = u32(this.left - n); // n <= left: clamped above
      if (this.op === WsOp.CLOSE || this.op === WsOp.PING || this.op === WsOp.PONG) {
        copyBytes(this.ctl, this.ctlLen, part);
        this.ctlLen += n;
      } else if (this.state === WsState.OPEN) {
        const f: WsDataFn | null = this.onData;
        if (f !== null && !f(this.ud, part, now)) return;
      }
      if (this.left === 0 && !this.frameDone()) return;
    }
  }

  /** The frame header is complete: check it. False when the link failed. */
  private headerDone(): bool {
    const h: Bytes = this.hdr;
    if (this.hdrNeed === 2) {
      this.fin = (h[0] & 0x80) !== 0;
      this.op = u8(h[0] & 0x0f);
      const len7: u32 = u32(h[1] & 0x7f);
      if ((h[0] & 0x70) !== 0) return this.bad(WsCode.PROTOCOL, "WebSocket: reserved bits set (no extension was agreed)");
      if ((h[1] & 0x80) !== 0) return this.bad(WsCode.PROTOCOL, "WebSocket: masked frame from the server");
      const control: bool = this.op >= 8;
      if (this.op === WsOp.TEXT) return this.bad(WsCode.UNSUPPORTED, "WebSocket: text frame (MQTT needs binary frames)");
      if (this.op !== WsOp.CONT && this.op !== WsOp.BINARY && this.op !== WsOp.CLOSE && this.op !== WsOp.PING && this.op !== WsOp.PONG) {
        return this.bad(WsCode.PROTOCOL, "WebSocket: unknown opcode");
      }
      if (control && !this.fin) return this.bad(WsCode.PROTOCOL, "WebSocket: fragmented control frame");
      if (control && len7 > 125) return this.bad(WsCode.PROTOCOL, "WebSocket: control frame longer than 125 bytes");
      if (this.op === WsOp.CONT && !this.inMessage) return this.bad(WsCode.PROTOCOL, "WebSocket: continuation frame without a message");
      if (this.op === WsOp.BINARY && this.inMessage) return this.bad(WsCode.PROTOCOL, "WebSocket: new message inside a fragmented one");
      if (len7 === 126) {
        this.hdrNeed = 4;
        return true;
      }
      if (len7 === 127) {
        this.hdrNeed = 10;
        return true;
      }
      this.left = len7;
    } else if (this.hdrNeed === 4) {
      this.left = u32(h[2] * 256 + h[3]);
    } else {
      if (h[2] !== 0 || h[3] !== 0 || h[4] !== 0 || h[5] !== 0) return this.bad(WsCode.TOO_BIG, "WebSocket: frame too big (over 4 GiB)");
      this.left = u32(h[6] * 16777216 + h[7] * 65536 + h[8] * 256 + h[9]);
    }
    if (this.left > WS_MAX_FRAME) return this.bad(WsCode.TOO_BIG, "WebSocket: frame larger than the largest MQTT packet");
    this.ctlLen = 0;
    return true;
  }

  /** The current frame is complete. False when the link ended. */
  private frameDone(): bool {
    this.hdrLen = 0;
    this.hdrNeed = 2;
    const op: u8 = this.op;
    if (op === WsOp.CONT || op === WsOp.BINARY) {
      this.inMessage = !this.fin;
      return true;
    }
    if (op === WsOp.PONG) return true;
    if (op === WsOp.PING) {
      if (this.state !== WsState.OPEN) return true;
      copyBytes(this.pong, 0, this.ctl.subarray(0, this.ctlLen));
      this.pongLen = this.ctlLen;
      this.pongDue = true;
      this.flushControl();
      return true;
    }
    // Close: a code of 1 byte is malformed; else log code and reason, answer, done.
    if (this.ctlLen === 1) return this.bad(WsCode.PROTOCOL, "WebSocket: Close frame with a 1-byte payload");
    const code: u16 = this.ctlLen >= 2 ? u16(this.ctl[0] * 256 + this.ctl[1]) : WsCode.NONE;
    this.peerCode = code;
    note.clear().num(code);
    if (this.ctlLen > 2) note.add(lit(" ")).add(this.ctl.subarray(2, this.ctlLen));
    const answer: bool = this.state === WsState.OPEN;
    if (answer) logMsg(1, "WebSocket: server closed the connection: ", note.view());
    else logMsg(2, "WebSocket: close acknowledged: ", note.view());
    this.state = WsState.CLOSED;
    this.pongDue = false;
    if (answer) {
      // Echo the status code (RFC 6455 section 5.5.1).
      this.closeCode = code;
      this.closeDue = true;
      this.flushControl();
      this.setDeadline(WS_CLOSE_WAIT_MS);
    }
    return false;
  }

  private bad(code: u16, why: string): bool {
    this.fail(code, why, noBytes());
    return false;
  }

  // ---------------------------------------------------------------- handshake response

  /** Reads response header bytes; the count taken, or -1 when the link failed.
   *  Stops right after the header: what follows is frames. */
  private headerBytes(d: Bytes): i32 {
    let i: u32 = 0;
    while (i < d.length) {
      const c: u8 = d[i++];
      this.respBytes++;
      if (this.respBytes > WS_MAX_RESPONSE) {
        this.fail(0, "WebSocket: handshake response header too long", noBytes());
        return -1;
      }
      if (c !== 0x0a) {
        if (this.lineLen < WS_LINE_BUF) this.line[this.lineLen++] = c;
        else this.lineOver = true;
        continue;
      }
      let n: u32 = this.lineLen;
      if (n > 0 && this.line[n - 1] === 0x0d) n--;
      const ln: Bytes = this.line.subarray(0, n);
      const over: bool = this.lineOver;
      this.lineLen = 0;
      this.lineOver = false;
      if (n === 0 && !over) {
        if (!this.checkResponse()) return -1;
        this.state = WsState.OPEN;
        this.opened = true;
        this.hasDeadline = false;
        logMsg(2, "WebSocket: connected", noBytes());
        return i32(i);
      }
      if (!this.headerLine(ln, over)) return -1;
    }
    return i32(i);
  }

  /** One response line (status or header). False when the link failed. */
  private headerLine(ln: Bytes, over: bool): bool {
    if (!this.gotStatus) {
      this.gotStatus = true;
      // "HTTP/1.1 101 Switching Protocols"
      const ok: bool = ln.length >= 12 && asciiEqualNoCase(ln.subarray(0, 7), lit("HTTP/1.")) && ln[8] === 0x20 &&
        ln[9] === 0x31 && ln[10] === 0x30 && ln[11] === 0x31 && (ln.length === 12 || ln[12] === 0x20);
      if (!ok) {
        this.fail(0, "WebSocket: handshake refused, the server answered: ", ln);
        return false;
      }
      return true;
    }
    let colon: u32 = 0;
    while (colon < ln.length && ln[colon] !== 0x3a) colon++;
    if (colon >= ln.length) {
      this.fail(0, "WebSocket: malformed response header line: ", ln);
      return false;
    }
    const name: Bytes = ln.subarray(0, colon);
    let s: u32 = u32(colon + 1);
    let e: u32 = ln.length;
    while (s < e && (ln[s] === 0x20 || ln[s] === 0x09)) s++;
    while (e > s && (ln[e - 1] === 0x20 || ln[e - 1] === 0x09)) e--;
    const val: Bytes = ln.subarray(s, e);
    if (asciiEqualNoCase(name, lit("Upgrade"))) {
      if (over || !asciiEqualNoCase(val, lit("websocket"))) return this.badHeader("WebSocket: bad Upgrade header: ", val);
      this.gotUpgrade = true;
    } else if (asciiEqualNoCase(name, lit("Connection"))) {
      if (over || !hasToken(val, lit("upgrade"))) return this.badHeader("WebSocket: bad Connection header: ", val);
      this.gotConnection = true;
    } else if (asciiEqualNoCase(name, lit("Sec-WebSocket-Accept"))) {
      if (over || val.length !== 28) return this.badHeader("WebSocket: wrong Sec-WebSocket-Accept: ", val);
      for (let i: u32 = 0; i < 28; i++) {
        if (val[i] !== this.accept[i]) return this.badHeader("WebSocket: wrong Sec-WebSocket-Accept: ", val);
      }
      this.gotAccept = true;
    } else if (asciiEqualNoCase(name, lit("Sec-WebSocket-Protocol"))) {
      if (over || !asciiEqualNoCase(val, lit("mqtt"))) return this.badHeader("WebSocket: server chose another subprotocol: ", val);
    } else if (asciiEqualNoCase(name, lit("Sec-WebSocket-Extensions"))) {
      if (val.length > 0) return this.badHeader("WebSocket: server chose an extension we did not offer: ", val);
    }
    return true;
  }

  private badHeader(why: string, val: Bytes): bool {
    this.fail(0, why, val);
    return false;
  }

  private checkResponse(): bool {
    if (!this.gotStatus) return this.badHeader("WebSocket: empty handshake response", noBytes());
    if (!this.gotUpgrade) return this.badHeader("WebSocket: response without Upgrade: websocket", noBytes());
    if (!this.gotConnection) return this.badHeader("WebSocket: response without Connection: Upgrade", noBytes());
    if (!this.gotAccept) return this.badHeader("WebSocket: response without Sec-WebSocket-Accept", noBytes());
    return true;
  }
}

/** Scratch for computeAccept (one static instance: not re-entrant, needs none). */
class AcceptWork {
  sha: Sha1 = new Sha1();
  digest: Uint8Array = new Uint8Array(20);
}

const work = new AcceptWork();

/** Sec-WebSocket-Accept for `key`: base64(SHA-1(key + GUID)), 28 bytes into `out`.
 *  @cextern test/fuzz/fuzz_ws.c calls it */
export function computeAccept(key: Bytes, out: Bytes): void {
  const w: AcceptWork = work;
  w.sha.start();
  w.sha.update(key);
  w.sha.update(lit("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  w.sha.finish(w.digest);
  base64(w.digest, out);
}
