/// <reference path="./app_globals.d.ts" />
// JSON for application code: a builder for small flat objects (what the
// reference's apps do with JSON.stringify({...})) and a reader for the fields
// of a flat object (what they do with JSON.parse(msg).field).
//
//   const msg: Bytes = Json.begin().str("device", Sys.deviceId()).uint("press", n).end();
//   // -> {"device":"dev1","press":3}, the same text JSON.stringify gives
//
//   if (Json.isObject(msg) && bytesEqual(Json.getStr(msg, "op"), lit("add")))
//     sum = Json.getInt(msg, "a", 0) + Json.getInt(msg, "b", 0);
//
// Object literals and JSON.stringify/JSON.parse do not compile to C (no
// dynamic objects, no heap); the compiler points here when it meets them.
// No heap here either: the builder writes into a fixed buffer and the reader
// returns views into the message.

import { u8, u32, i32, f64, bool, Bytes, strBytes, bytesEqual, noBytes, f64ToI32, f64ToU32, idiv, cstr } from "../rt/rt";
import * as Log from "./app_log";

/** Largest JSON text a builder holds, and the largest decoded string getStr()
 *  returns with escapes in it. @kconfig MGOS_APP_JSON_SIZE */
export const JSON_SIZE: u32 = 512;

/** What a field holds (kind()). */
export const NONE: i32 = 0;
export const STRING: i32 = 1;
export const NUMBER: i32 = 2;
export const BOOL: i32 = 3;
export const NULL: i32 = 4;
export const OBJECT: i32 = 5;
export const ARRAY: i32 = 6;

const HEX: readonly u8[] = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

// ---------------------------------------------------------------- builder

/** A JSON object under construction in a fixed buffer. Each method appends a
 *  member and returns the builder, so calls chain; end() closes the object.
 *  When the text does not fit, or a member is added after end() (a begin()
 *  of the same builder inside the chain: it restarted the object), end()
 *  returns an empty view and logs why; `ok` is then false. */
export class JsonOut {
  buf: Uint8Array = new Uint8Array(JSON_SIZE);
  len: u32 = 0;
  members: u32 = 0;
  /** False once something did not fit or the builder was misused. */
  ok: bool = true;
  /** The object was restarted or closed under the chain that is adding to it. */
  misused: bool = false;
  /** Between begin() and end(). */
  open: bool = false;

  /** Starts a new object (forgets the previous one). */
  begin(): JsonOut {
    this.len = 0;
    this.members = 0;
    this.ok = true;
    this.misused = false;
    this.open = true;
    this.put(123);
    return this;
  }

  put(c: u8): void {
    if (this.len >= JSON_SIZE) {
      this.ok = false;
      return;
    }
    this.buf[this.len] = c;
    this.len++;
  }

  putBytes(b: Bytes): void {
    for (let i: u32 = 0; i < b.length; i++) this.put(b[i]);
  }

  /** A string with JSON.stringify's escapes: \" \\ \b \f \n \r \t, other
   *  control bytes as \u00XX; everything else (UTF-8 included) as it is. */
  putString(b: Bytes): void {
    this.put(34);
    for (let i: u32 = 0; i < b.length; i++) {
      const c: u8 = b[i];
      if (c === 34 || c === 92) {
        this.put(92);
        this.put(c);
      } else if (c === 8) {
        this.put(92);
        this.put(98);
      } else if (c === 12) {
        this.put(92);
        this.put(102);
      } else if (c === 10) {
        this.put(92);
        this.put(110);
      } else if (c === 13) {
        this.put(92);
        this.put(114);
      } else if (c === 9) {
        this.put(92);
        this.put(116);
      } else if (c < 32) {
        this.putBytes(strBytes("\\u00"));
        this.put(HEX[c >> 4]);
        this.put(HEX[c & 15]);
      } else {
        this.put(c);
      }
    }
    this.put(34);
  }

  putUint(n: u32): void {
    let p: u32 = 1;
    while (p <= 429496729 && u32(p * 10) <= n) p = u32(p * 10);
    for (;;) {
      this.put(u8(48 + idiv(n, p) % 10));
      if (p === 1) break;
      p = idiv(p, 10);
    }
  }

  /** The separator and `"k":`. */
  key(k: string): void {
    if (!this.open) {
      // Writing after end() would corrupt the text end() returned.
      this.ok = false;
      this.misused = true;
      return;
    }
    if (this.members > 0) this.put(44);
    this.members++;
    this.putString(strBytes(k));
    this.put(58);
  }

  /** `"k": v` for a signed integer. */
  int(k: string, v: i32): JsonOut {
    this.key(k);
    if (v < 0) {
      this.put(45);
      this.putUint(u32(0 - v));
    } else {
      this.putUint(u32(v));
    }
    return this;
  }

  /** `"k": v` for an unsigned integer. */
  uint(k: string, v: u32): JsonOut {
    this.key(k);
    this.putUint(v);
    return this;
  }

  /** `"k": true/false`. */
  bool(k: string, v: bool): JsonOut {
    this.key(k);
    this.putBytes(strBytes(v ? "true" : "false"));
    return this;
  }

  /** `"k": null`. */
  nul(k: string): JsonOut {
    this.key(k);
    this.putBytes(strBytes("null"));
    return this;
  }

  /** `"k": "s"` for a C string (escaped). */
  str(k: string, s: string): JsonOut {
    this.key(k);
    this.putString(strBytes(s));
    return this;
  }

  /** `"k": "b"` for bytes (a topic, part of a message; escaped). */
  bytes(k: string, b: Bytes): JsonOut {
    this.key(k);
    this.putString(b);
    return this;
  }

  /** `"k": <json>` with `json` already JSON (e.g. another builder's end()). */
  raw(k: string, json: Bytes): JsonOut {
    this.key(k);
    this.putBytes(json);
    return this;
  }

  /** Closes the object: its text (a view into the buffer, valid until the
   *  next begin()), or an empty view when it did not fit (logged). */
  end(): Bytes {
    if (!this.open) this.misused = true;
    else this.put(125);
    this.open = false;
    if (this.misused) {
      Log.error("Json: a member or end() came after this builder's end(): a begin() of the same builder inside the chain restarted it (nest with Json.begin(), which alternates two builders, or a JsonOut of your own); nothing built");
      this.ok = false;
      return noBytes();
    }
    if (!this.ok) {
      Log.error("Json: the object is longer than MGOS_APP_JSON_SIZE; nothing built");
      return noBytes();
    }
    return this.buf.subarray(0, this.len);
  }
}

// Two shared builders, used in turn: an object built inside another's chain
// (`Json.begin()...raw("k", Json.begin()...end())...end()`) gets the other one.
const shared0 = new JsonOut();
const shared1 = new JsonOut();
let turn: u32 = 0;

/** Starts an object in a shared builder. The text of an end() stays valid
 *  until the next begin() but one: one level of nesting works; deeper
 *  nesting restarts an open object, which its end() reports (empty view,
 *  logged). A module with its own `const j = new JsonOut();` keeps its text
 *  as long as it likes. */
export function begin(): JsonOut {
  turn = turn === 0 ? 1 : 0;
  if (turn === 0) return shared0.begin();
  return shared1.begin();
}

// ---------------------------------------------------------------- reader

/** Where the scanner is and what it found. */
export class JsonScan {
  src: Bytes = noBytes();
  pos: u32 = 0;
  /** The value found: [vs, ve) in src, and its kind. */
  vs: u32 = 0;
  ve: u32 = 0;
  kind: i32 = 0;
  /** The decoded string of getStr() when it had escapes. */
  out: Uint8Array = new Uint8Array(JSON_SIZE);
}

const scan = new JsonScan();

function peek(s: JsonScan): i32 {
  return s.pos < s.src.length ? s.src[s.pos] : -1;
}

function skipWs(s: JsonScan): void {
  while (s.pos < s.src.length) {
    const c: u8 = s.src[s.pos];
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
    s.pos++;
  }
}

/** At a '"': moves past the closing quote. False when unterminated or invalid. */
function skipString(s: JsonScan): bool {
  s.pos++;
  while (s.pos < s.src.length) {
    const c: u8 = s.src[s.pos];
    if (c === 34) {
      s.pos++;
      return true;
    }
    if (c < 32) return false;
    if (c === 92) {
      // An escape: one of \" \\ \/ \b \f \n \r \t, or \u and four hex digits.
      const e: i32 = s.pos + 1 < s.src.length ? s.src[s.pos + 1] : -1;
      if (e === 117) {
        for (let k: u32 = 2; k < 6; k++) {
          const h: i32 = s.pos + k < s.src.length ? s.src[s.pos + k] : -1;
          if (!isDigit(h) && !(h >= 97 && h <= 102) && !(h >= 65 && h <= 70)) return false;
        }
        s.pos = u32(s.pos + 6);
        continue;
      }
      if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) return false;
      s.pos++;
    }
    s.pos++;
  }
  return false;
}

function isDigit(c: i32): bool {
  return c >= 48 && c <= 57;
}

function skipDigits(s: JsonScan): bool {
  if (!isDigit(peek(s))) return false;
  while (isDigit(peek(s))) s.pos++;
  return true;
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function skipNumber(s: JsonScan): bool {
  if (peek(s) === 45) s.pos++;
  if (peek(s) === 48) s.pos++;
  else if (!skipDigits(s)) return false;
  if (peek(s) === 46) {
    s.pos++;
    if (!skipDigits(s)) return false;
  }
  if (peek(s) === 101 || peek(s) === 69) {
    s.pos++;
    if (peek(s) === 43 || peek(s) === 45) s.pos++;
    if (!skipDigits(s)) return false;
  }
  return true;
}

function skipWord(s: JsonScan, w: Bytes): bool {
  if (s.pos > s.src.length || w.length > s.src.length - s.pos) return false;
  if (!bytesEqual(s.src.subarray(s.pos, u32(s.pos + w.length)), w)) return false;
  s.pos = u32(s.pos + w.length);
  return true;
}

/** A nested object or array: skipped by bracket depth (strings inside are
 *  honoured; the nested content is not otherwise checked). */
function skipNested(s: JsonScan): bool {
  let depth: u32 = 0;
  while (s.pos < s.src.length) {
    const c: u8 = s.src[s.pos];
    if (c === 34) {
      if (!skipString(s)) return false;
      continue;
    }
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth = u32(depth - 1);
      if (depth === 0) {
        s.pos++;
        return true;
      }
    }
    s.pos++;
  }
  return false;
}

/** Skips the value at pos; returns its kind, NONE when it is not valid JSON. */
function skipValue(s: JsonScan): i32 {
  const c: i32 = peek(s);
  if (c === 34) return skipString(s) ? STRING : NONE;
  if (c === 123) return skipNested(s) ? OBJECT : NONE;
  if (c === 91) return skipNested(s) ? ARRAY : NONE;
  if (c === 116) return skipWord(s, strBytes("true")) ? BOOL : NONE;
  if (c === 102) return skipWord(s, strBytes("false")) ? BOOL : NONE;
  if (c === 110) return skipWord(s, strBytes("null")) ? NULL : NONE;
  if (c === 45 || isDigit(c)) return skipNumber(s) ? NUMBER : NONE;
  return NONE;
}

/** Walks the object `js`; with a key, stops at that member's value (scan.vs,
 *  scan.ve, scan.kind). Returns true when the whole object is well formed (no
 *  key) or the key was found (key given). */
function walk(js: Bytes, key: Bytes, want: bool): bool {
  const s: JsonScan = scan;
  s.src = js;
  s.pos = 0;
  s.kind = NONE;
  skipWs(s);
  if (peek(s) !== 123) return false;
  s.pos++;
  skipWs(s);
  if (peek(s) === 125) {
    s.pos++;
    skipWs(s);
    return !want && s.pos === js.length;
  }
  for (;;) {
    skipWs(s);
    if (peek(s) !== 34) return false;
    const ks: u32 = u32(s.pos + 1);
    if (!skipString(s)) return false;
    const k: Bytes = js.subarray(ks, u32(s.pos - 1));
    skipWs(s);
    if (peek(s) !== 58) return false;
    s.pos++;
    skipWs(s);
    const vs: u32 = s.pos;
    const kind: i32 = skipValue(s);
    if (kind === NONE) return false;
    if (want && bytesEqual(k, key)) {
      s.vs = vs;
      s.ve = s.pos;
      s.kind = kind;
      return true;
    }
    skipWs(s);
    const c: i32 = peek(s);
    s.pos++;
    if (c === 44) continue;
    if (c !== 125) return false;
    skipWs(s);
    return !want && s.pos === js.length;
  }
}

/** Whether `js` is one well-formed JSON object (nested values are skipped by
 *  their brackets) with nothing but whitespace after it. */
export function isObject(js: Bytes): bool {
  return walk(js, noBytes(), false);
}

/** The kind of member `key` of the object `js` (NONE when absent or when the
 *  text before it is not well-formed). Keys are compared as written. */
export function kind(js: Bytes, key: string): i32 {
  return walk(js, strBytes(key), true) ? scan.kind : NONE;
}

/** Whether the object `js` has a member `key`. */
export function has(js: Bytes, key: string): bool {
  return kind(js, key) !== NONE;
}

/** The raw JSON text of member `key` (e.g. a nested object), empty when absent. */
export function getRaw(js: Bytes, key: string): Bytes {
  if (!walk(js, strBytes(key), true)) return noBytes();
  return js.subarray(scan.vs, scan.ve);
}

/** Member `key` as an integer: `def` when absent, not a number, not an
 *  integer (2.5, 1e3) or outside the i32 range. */
export function getInt(js: Bytes, key: string, def: i32): i32 {
  if (!walk(js, strBytes(key), true) || scan.kind !== NUMBER) return def;
  const v: Bytes = js.subarray(scan.vs, scan.ve);
  let i: u32 = 0;
  const neg: bool = v.length > 0 && v[0] === 45;
  if (neg) i = 1;
  let acc: f64 = 0;
  for (; i < v.length; i++) {
    const c: u8 = v[i];
    if (c < 48 || c > 57) return def;
    acc = acc * 10 + (c - 48);
    if (acc > 2147483648.0) return def;
  }
  if (neg) acc = 0 - acc;
  if (acc > 2147483647.0) return def;
  return f64ToI32(acc);
}

/** Member `key` as an unsigned 32-bit integer (a CRC-32, a counter): `def`
 *  when absent, not a number, signed, not an integer or above 4294967295. */
export function getUint(js: Bytes, key: string, def: u32): u32 {
  if (!walk(js, strBytes(key), true) || scan.kind !== NUMBER) return def;
  const v: Bytes = js.subarray(scan.vs, scan.ve);
  let acc: f64 = 0;
  for (let i: u32 = 0; i < v.length; i++) {
    const c: u8 = v[i];
    if (c < 48 || c > 57) return def;
    acc = acc * 10 + (c - 48);
    if (acc > 4294967295.0) return def;
  }
  return f64ToU32(acc);
}

/** Member `key` as a bool: `def` when absent or not true/false. */
export function getBool(js: Bytes, key: string, def: bool): bool {
  if (!walk(js, strBytes(key), true) || scan.kind !== BOOL) return def;
  return js[scan.vs] === 116;
}

let strTooLongFlag: bool = false;

/** Whether the last getStr() met a string with escapes that, unescaped, is
 *  longer than MGOS_APP_JSON_SIZE: it then returned an empty view (and
 *  logged it) rather than a cut-off string. */
export function strTooLong(): bool {
  return strTooLongFlag;
}

/** Member `key` as a string, unescaped: a view into `js` when it has no
 *  escapes (any length), else into a shared buffer valid until the next
 *  getStr(). Empty when absent or not a string (kind() tells an empty
 *  string apart), and when the unescaped text does not fit the buffer
 *  (MGOS_APP_JSON_SIZE bytes; strTooLong() tells, and it is logged). */
export function getStr(js: Bytes, key: string): Bytes {
  strTooLongFlag = false;
  if (!walk(js, strBytes(key), true) || scan.kind !== STRING) return noBytes();
  // A string value is at least its two quotes.
  const v: Bytes = js.subarray(u32(scan.vs + 1), u32(scan.ve - 1));
  let esc: bool = false;
  for (let i: u32 = 0; i < v.length; i++) if (v[i] === 92) esc = true;
  if (!esc) return v;
  const n: i32 = unescape(v, scan.out);
  if (n < 0) return tooLong();
  return scan.out.subarray(0, u32(n));
}

/** The text of a JSON string (between its quotes, already checked by the
 *  scanner) unescaped into `out`: its length, or -1 when it does not fit. */
function unescape(v: Bytes, out: Bytes): i32 {
  let n: u32 = 0;
  let i: u32 = 0;
  while (i < v.length) {
    let c: u8 = v[i];
    i++;
    if (c !== 92) {
      if (n >= out.length) return -1;
      out[n] = c;
      n++;
      continue;
    }
    const e: u8 = v[i];
    i++;
    if (e === 117) {
      // \uXXXX, a surrogate pair combined; a lone surrogate becomes U+FFFD.
      let cp: u32 = hex4(v, i);
      i = u32(i + 4);
      if (cp >= 0xd800 && cp <= 0xdbff && v[i] === 92 && v[i + 1] === 117) {
        const lo: u32 = hex4(v, u32(i + 2));
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = u32(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
          i = u32(i + 6);
        }
      }
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      if (u32(n + utf8Len(cp)) > out.length) return -1;
      n = putUtf8(out, n, cp);
      continue;
    }
    if (e === 98) c = 8;
    else if (e === 102) c = 12;
    else if (e === 110) c = 10;
    else if (e === 114) c = 13;
    else if (e === 116) c = 9;
    else c = e;
    if (n >= out.length) return -1;
    out[n] = c;
    n++;
  }
  return i32(n);
}

function tooLong(): Bytes {
  strTooLongFlag = true;
  Log.error("Json.getStr: the string, unescaped, is longer than MGOS_APP_JSON_SIZE; returned empty");
  return noBytes();
}

function utf8Len(cp: u32): u32 {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** Four hex digits at b[i..i+4) (the scanner has checked them). */
function hex4(b: Bytes, i: u32): u32 {
  let v: u32 = 0;
  for (let k: u32 = 0; k < 4; k++) {
    const c: u8 = b[i + k];
    let d: u32 = 0;
    if (c >= 48 && c <= 57) d = u32(c - 48);
    else if (c >= 97 && c <= 102) d = u32(c - 87);
    else if (c >= 65 && c <= 70) d = u32(c - 55);
    v = (v << 4 | d) & 0xffff;
  }
  return v;
}

/** Code point `cp` as UTF-8 at out[n]; returns the new length (out is as long
 *  as any escaped source: \uXXXX is 6 bytes for at most 4 of UTF-8). */
function putUtf8(out: Bytes, n: u32, cp: u32): u32 {
  if (cp < 0x80) {
    out[n] = u8(cp);
    return u32(n + 1);
  }
  if (cp < 0x800) {
    out[n] = u8(0xc0 | (cp >> 6));
    out[n + 1] = u8(0x80 | (cp & 0x3f));
    return u32(n + 2);
  }
  if (cp < 0x10000) {
    out[n] = u8(0xe0 | (cp >> 12));
    out[n + 1] = u8(0x80 | ((cp >> 6) & 0x3f));
    out[n + 2] = u8(0x80 | (cp & 0x3f));
    return u32(n + 3);
  }
  out[n] = u8(0xf0 | (cp >> 18));
  out[n + 1] = u8(0x80 | ((cp >> 12) & 0x3f));
  out[n + 2] = u8(0x80 | ((cp >> 6) & 0x3f));
  out[n + 3] = u8(0x80 | (cp & 0x3f));
  return u32(n + 4);
}

// ---------------------------------------------------------------- JSON.parse() into a class

// `JSON.parse(msg) as Cmd | null` in app code: the compiler (codegen/src/lower.ts)
// generates, per site, a check of the whole text (pBegin), then one pInt /
// pBool / pStr per field of the class, and gives null when one fails. Under
// Node, ts-src/node/app_lower.ts checks what JSON.parse returned by the same
// rules.

/** Deepest nesting of objects and arrays a JSON.parse() accepts. */
export const PARSE_DEPTH: u32 = 32;

const OBJ: u8 = 1;
const ARR: u8 = 2;

/** The text being parsed, the site's storage for its string fields, and
 *  the value the last pInt/pBool/pStr found. */
export class JsonParse {
  src: Bytes = noBytes();
  strs: Bytes = noBytes();
  used: u32 = 0;
  num: f64 = 0;
  flag: bool = false;
  str: string | null = null;
  stack: Uint8Array = new Uint8Array(PARSE_DEPTH);
  /** The objects entered (pEnter) around the current one: their ends in src. */
  outer: Uint32Array = new Uint32Array(PARSE_DEPTH);
  outerStart: Uint32Array = new Uint32Array(PARSE_DEPTH);
  depth: u32 = 0;
  /** The current object: [start, end) in src. */
  start: u32 = 0;
  end: u32 = 0;
}

const ps = new JsonParse();

/** A key (between its quotes) at s.pos: moves past `"key"`, whitespace and `:`. */
function skipKey(s: JsonScan): bool {
  if (peek(s) !== 34 || !skipString(s)) return false;
  skipWs(s);
  if (peek(s) !== 58) return false;
  s.pos++;
  skipWs(s);
  return true;
}

/** Whether `js` is exactly one JSON text (RFC 8259, as JSON.parse accepts it)
 *  nested at most PARSE_DEPTH deep. */
export function valid(js: Bytes): bool {
  const s: JsonScan = scan;
  s.src = js;
  s.pos = 0;
  let depth: u32 = 0;
  skipWs(s);
  for (;;) {
    // A value.
    const c: i32 = peek(s);
    let closed: bool = false;
    if (c === 123 || c === 91) {
      s.pos++;
      skipWs(s);
      if (peek(s) === (c === 123 ? 125 : 93)) {
        s.pos++;
        closed = true;
      } else {
        if (depth >= PARSE_DEPTH) return false;
        ps.stack[depth] = c === 123 ? OBJ : ARR;
        depth++;
        if (c === 123 && !skipKey(s)) return false;
        continue;
      }
    }
    if (!closed) {
      if (c === 123 || c === 91) return false;
      if (skipValue(s) === NONE) return false;
    }
    // After a value: a separator, the end of containers, or the end of the text.
    for (;;) {
      skipWs(s);
      if (depth === 0) return s.pos === js.length;
      const top: u8 = ps.stack[depth - 1];
      const d: i32 = peek(s);
      if (d === 44) {
        s.pos++;
        skipWs(s);
        if (top === OBJ && !skipKey(s)) return false;
        break;
      }
      if (!(d === 125 && top === OBJ) && !(d === 93 && top === ARR)) return false;
      s.pos++;
      depth--;
    }
  }
}

/** Starts a JSON.parse() of `js` into a class: whether it is valid JSON whose
 *  value is an object. `strs` is the site's storage for string fields. */
export function pBegin(js: Bytes, strs: Bytes): bool {
  if (!utf8Valid(js) || !valid(js)) return false;
  let i: u32 = 0;
  while (i < js.length && (js[i] === 32 || js[i] === 9 || js[i] === 10 || js[i] === 13)) i++;
  if (i >= js.length || js[i] !== 123) return false;
  ps.src = js;
  ps.strs = strs;
  ps.used = 0;
  ps.depth = 0;
  ps.start = 0;
  ps.end = js.length;
  return true;
}

/** Whether `b` is well-formed UTF-8 (no overlong forms, surrogates or code
 *  points above U+10FFFF), as a strict decoder (TextDecoder fatal) takes it:
 *  JSON.parse() refuses other bytes, as the Node side does. */
function utf8Valid(b: Bytes): bool {
  let i: u32 = 0;
  while (i < b.length) {
    const c: u8 = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: u32 = 0;
    let lo: u8 = 0x80;
    let hi: u8 = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (b.length - i <= n) return false;
    if (b[i + 1] < lo || b[i + 1] > hi) return false;
    for (let k: u32 = 2; k <= n; k++) if (b[i + k] < 0x80 || b[i + k] > 0xbf) return false;
    i = i + n + 1;
  }
  return true;
}

/** Enters field `key`, which must be an object (a nested class). */
export function pEnter(key: string): bool {
  if (ps.depth >= PARSE_DEPTH || !member(key) || scan.kind !== OBJECT) return false;
  ps.outerStart[ps.depth] = ps.start;
  ps.outer[ps.depth] = ps.end;
  ps.depth++;
  ps.start = scan.vs;
  ps.end = scan.ve;
  return true;
}

/** Back to the object around the one pEnter() entered. */
export function pLeave(): void {
  if (ps.depth === 0) return;
  ps.depth = u32(ps.depth - 1);
  ps.start = ps.outerStart[ps.depth];
  ps.end = ps.outer[ps.depth];
}

/** Finds the last member `key` of the object being parsed (JSON.parse keeps
 *  the last of repeated keys; keys compare unescaped): its value in
 *  scan.vs..scan.ve and its kind in scan.kind. */
function member(key: string): bool {
  const js: Bytes = ps.src.subarray(ps.start, ps.end);
  const want: Bytes = strBytes(key);
  const s: JsonScan = scan;
  s.src = js;
  s.pos = 0;
  skipWs(s);
  s.pos++;
  skipWs(s);
  let found: bool = false;
  let vs: u32 = 0;
  let ve: u32 = 0;
  let kind: i32 = NONE;
  if (peek(s) === 125) return false;
  for (;;) {
    const ks: u32 = u32(s.pos + 1);
    if (!skipString(s)) return false;
    const k: Bytes = js.subarray(ks, u32(s.pos - 1));
    skipWs(s);
    s.pos++;
    skipWs(s);
    const at: u32 = s.pos;
    const kd: i32 = skipValue(s);
    if (kd === NONE) return false;
    let same: bool = bytesEqual(k, want);
    if (!same && k.length >= want.length) {
      let esc: bool = false;
      for (let i: u32 = 0; i < k.length; i++) if (k[i] === 92) esc = true;
      if (esc) {
        const n: i32 = unescape(k, scan.out);
        same = n >= 0 && bytesEqual(scan.out.subarray(0, u32(n)), want);
      }
    }
    if (same) {
      found = true;
      vs = at;
      ve = s.pos;
      kind = kd;
    }
    skipWs(s);
    if (peek(s) !== 44) break;
    s.pos++;
    skipWs(s);
  }
  // Positions in ps.src (js is the current object's part of it).
  s.vs = u32(vs + ps.start);
  s.ve = u32(ve + ps.start);
  s.kind = kind;
  return found;
}

/** Field `key` as an integer in lo..hi (pNum()): a number whose value is
 *  exactly an integer (2, 2.0, 2e0, 20e-1 are 2; 2.5 is not) in that range. */
export function pInt(key: string, lo: f64, hi: f64): bool {
  if (!member(key) || scan.kind !== NUMBER) return false;
  const v: Bytes = ps.src.subarray(scan.vs, scan.ve);
  let i: u32 = 0;
  const neg: bool = v[0] === 45;
  if (neg) i = 1;
  // The significant digits (leading zeros dropped), and the decimal exponent.
  let acc: f64 = 0;
  let digits: u32 = 0;
  let exp: f64 = 0;
  let frac: bool = false;
  let zeros: u32 = 0;
  for (; i < v.length; i++) {
    const c: u8 = v[i];
    if (c === 46) {
      frac = true;
      continue;
    }
    if (c === 101 || c === 69) break;
    const d: u32 = u32(c - 48);
    if (frac) exp = exp - 1;
    if (d === 0 && digits === 0) continue;
    // Zeros are kept back until a non-zero digit follows (trailing zeros of
    // a fraction do not make a value fractional).
    if (d === 0) {
      zeros++;
      continue;
    }
    for (; zeros > 0; zeros--) {
      if (digits > 16) return false;
      acc = acc * 10;
      digits++;
    }
    if (digits > 16) return false;
    acc = acc * 10 + d;
    digits++;
  }
  exp = exp + zeros;
  if (i < v.length) {
    i++;
    let eneg: bool = false;
    if (v[i] === 43 || v[i] === 45) {
      eneg = v[i] === 45;
      i++;
    }
    let e: f64 = 0;
    for (; i < v.length; i++) {
      if (e < 1000) e = e * 10 + (v[i] - 48);
    }
    exp = eneg ? exp - e : exp + e;
  }
  if (digits === 0) {
    ps.num = 0;
    return lo <= 0 && hi >= 0;
  }
  // Trailing zeros counted in exp; a negative exponent left means a fraction.
  if (exp < 0) return false;
  for (; exp > 0; exp = exp - 1) {
    acc = acc * 10;
    if (acc > 9007199254740992.0) return false;
  }
  if (neg) acc = 0 - acc;
  if (acc < lo || acc > hi) return false;
  ps.num = acc;
  return true;
}

/** The integer pInt() found. */
export function pNum(): f64 {
  return ps.num;
}

/** Field `key` as true/false (pFlag()). */
export function pBool(key: string): bool {
  if (!member(key) || scan.kind !== BOOL) return false;
  ps.flag = ps.src[scan.vs] === 116;
  return true;
}

export function pFlag(): bool {
  return ps.flag;
}

/** Field `key` as a string (pText()), unescaped into the site's storage
 *  with a NUL after it; false when it does not fit there. */
export function pStr(key: string): bool {
  if (!member(key) || scan.kind !== STRING) return false;
  const v: Bytes = ps.src.subarray(u32(scan.vs + 1), u32(scan.ve - 1));
  if (ps.used >= ps.strs.length) return false;
  const room: Bytes = ps.strs.subarray(ps.used, u32(ps.strs.length - 1));
  const n: i32 = unescape(v, room);
  if (n < 0) return false;
  // A NUL inside the string (\u0000) would end the C string there.
  for (let i: u32 = 0; i < u32(n); i++) if (room[i] === 0) return false;
  ps.strs[u32(ps.used + u32(n))] = 0;
  ps.str = cstr(ps.strs.subarray(ps.used));
  ps.used = u32(ps.used + u32(n) + 1);
  return true;
}

export function pText(): string {
  const s: string | null = ps.str;
  return s === null ? "" : s;
}
