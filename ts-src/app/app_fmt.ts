// The text of template literals, string `+` and JSON.stringify() in app code.
// The compiler lowers each such expression site to a buffer of its own
// (static storage it allocates: TEXT_SIZE bytes, JSON_SIZE for
// JSON.stringify, or the size given with sized(n, ...)) and calls these
// functions to fill it; under Node the app build wraps the native expression
// in ts-src/node/app_lower.ts, which checks the same bound and reports an
// overflow through overflow() below. So the text is the same in both, and
// so is what happens when it does not fit: an error line naming the site,
// the empty string as the value, and overflowed() true.

// Capacities: app_text's TEXT_SIZE (MGOS_APP_TEXT_SIZE, 256) by default,
// app_json's JSON_SIZE (MGOS_APP_JSON_SIZE, 512) for JSON.stringify().

import { u8, u32, i32, f64, bool, Bytes, strBytes, bytesEqual, cstr, idiv, noBytes, f64ToU32 } from "../rt/rt";
import * as Log from "./app_log";
import { TEXT_SIZE } from "./app_text";
import { JSON_SIZE } from "./app_json";

/** Gives a template literal, string `+` or JSON.stringify() site a capacity
 *  other than the default: `sized(64, \`${dev}/temp\`)` (an integer literal).
 *  On any other string it is the string itself. */
export function sized(cap: u32, s: string): string {
  if (cap === 0) return s;
  return s;
}

let over: bool = false;

/** Whether some site's text did not fit since the last call (then cleared).
 *  That site gave the empty string and logged an error naming it. */
export function overflowed(): bool {
  const o: bool = over;
  over = false;
  return o;
}

/** `a === b` of two strings in app code: the same bytes (the compiler
 *  writes this call; under Node === compares the same way). */
export function strEq(a: string, b: string): bool {
  return bytesEqual(strBytes(a), strBytes(b));
}

/** Reports a site whose text is longer than its capacity (`msg` names the
 *  site and its capacity); returns the value the site then has, "". */
export function overflow(msg: string): string {
  over = true;
  Log.error(msg);
  return "";
}

/** One site's buffer as it is filled (C: a static of the app's module). */
export class Fmt {
  buf: Bytes = noBytes();
  /** Capacity (the buffer has one byte more, for the NUL). */
  cap: u32 = 0;
  len: u32 = 0;
  full: bool = false;
}

export function begin(f: Fmt, buf: Bytes): void {
  f.buf = buf;
  f.cap = buf.length > 0 ? u32(buf.length - 1) : 0;
  f.len = 0;
  f.full = false;
}

function put(f: Fmt, c: u8): void {
  if (f.len >= f.cap) {
    f.full = true;
    return;
  }
  f.buf[f.len] = c;
  f.len++;
}

/** A string as it is (a C string: up to its NUL); null as JavaScript writes it. */
export function putStr(f: Fmt, s: string | null): void {
  if (s === null) {
    putStr(f, "null");
    return;
  }
  const b: Bytes = strBytes(s);
  for (let i: u32 = 0; i < b.length; i++) put(f, b[i]);
}

/** An unsigned integer in decimal (as JavaScript's String(n)). */
export function putUint(f: Fmt, n: u32): void {
  let p: u32 = 1;
  while (p <= 429496729 && u32(p * 10) <= n) p = u32(p * 10);
  for (;;) {
    put(f, u8(48 + idiv(n, p) % 10));
    if (p === 1) break;
    p = idiv(p, 10);
  }
}

/** A signed integer in decimal. */
export function putInt(f: Fmt, n: i32): void {
  if (n < 0) {
    put(f, 45);
    // -(-2^31) does not fit an i32; in u32 it does.
    putUint(f, u32(0 - n));
    return;
  }
  putUint(f, u32(n));
}

export function putBool(f: Fmt, b: bool): void {
  putStr(f, b ? "true" : "false");
}

const HEX: readonly u8[] = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** A string as JSON.stringify writes it: quoted, with \" \\ \b \f \n \r \t
 *  and \u00XX for the other control characters; everything else (UTF-8
 *  included) as it is. null is `null`. */
export function putJson(f: Fmt, s: string | null): void {
  if (s === null) {
    putStr(f, "null");
    return;
  }
  const b: Bytes = strBytes(s);
  put(f, 34);
  for (let i: u32 = 0; i < b.length; i++) {
    const c: u8 = b[i];
    if (c === 34 || c === 92) {
      put(f, 92);
      put(f, c);
    } else if (c === 8) {
      putStr(f, "\\b");
    } else if (c === 12) {
      putStr(f, "\\f");
    } else if (c === 10) {
      putStr(f, "\\n");
    } else if (c === 13) {
      putStr(f, "\\r");
    } else if (c === 9) {
      putStr(f, "\\t");
    } else if (c < 32) {
      putStr(f, "\\u00");
      put(f, HEX[c >> 4]);
      put(f, HEX[c & 15]);
    } else {
      put(f, c);
    }
  }
  put(f, 34);
}

/** An integer beyond 32 bits (|v| <= 2^53, as the compiler proves): nine
 *  digits at a time, as JavaScript's String(n). */
export function putWide(f: Fmt, v: f64): void {
  let a: f64 = v;
  if (a < 0) {
    put(f, 45);
    a = 0 - a;
  }
  let hi: u32 = f64ToU32(a / 1000000000.0);
  let lo: f64 = a - hi * 1000000000.0;
  // The division may round up or down by one near a multiple of 10^9.
  if (lo < 0) {
    hi = u32(hi - 1);
    lo = lo + 1000000000.0;
  } else if (lo >= 1000000000.0) {
    hi = u32(hi + 1);
    lo = lo - 1000000000.0;
  }
  const l: u32 = f64ToU32(lo);
  if (hi === 0) {
    putUint(f, l);
    return;
  }
  putUint(f, hi);
  for (let p: u32 = 100000000; p > 0; p = idiv(p, 10)) put(f, u8(48 + idiv(l, p) % 10));
}

/** The text (NUL-terminated, valid until the site runs again), or, when it
 *  did not fit, the empty string and the error line `msg`. */
export function end(f: Fmt, msg: string): string {
  if (f.full || f.buf.length === 0) return overflow(msg);
  f.buf[f.len] = 0;
  return cstr(f.buf);
}
