// A small JSON tokenizer for config files (RFC 8259 tokens: { } [ ] : , strings
// with escapes including \uXXXX and surrogate pairs, numbers, true, false, null).
//
// It never allocates and never copies: a token is a byte range of the input.
// Strings are validated while scanning, so decoding them later cannot fail;
// `string_decode` writes the decoded UTF-8 where the caller wants it. The
// parser that gives the tokens a meaning is the config loader (config.ts).

import { u8, i16, u32, i32, f64, bool, Bytes, noBytes, lit } from "../rt/rt";

export enum json_tok {
  EOF = 0, LBRACE = 1, RBRACE = 2, LBRACKET = 3, RBRACKET = 4, COLON = 5, COMMA = 6,
  STRING = 7, NUMBER = 8, TRUE = 9, FALSE = 10, NULL = 11, ERROR = 12,
}

/** Why the tokenizer stopped with json_tok.ERROR. */
export enum json_err {
  NONE = 0, BAD_CHAR = 1, BAD_WORD = 2, UNTERMINATED = 3, BAD_ESCAPE = 4, BAD_UNICODE = 5,
  CONTROL = 6, BAD_NUMBER = 7,
}

/** The byte at `p`, or -1 past the end (no out-of-range reads in either language). */
export function byte_at(b: Bytes, p: u32): i16 {
  if (p < b.length) return b[p];
  return -1;
}

function is_digit(c: i16): bool {
  return c >= 0x30 && c <= 0x39;
}

/** The value of 4 hex digits at `p`, or -1. */
function hex4(b: Bytes, p: u32): i32 {
  let v: i32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    const c: i16 = byte_at(b, u32(p + i));
    let d: i32 = -1;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Does `b` hold `word` at `p`? */
function has_word(b: Bytes, p: u32, word: Bytes): bool {
  for (let i: u32 = 0; i < word.length; i++) {
    if (byte_at(b, u32(p + i)) !== word[i]) return false;
  }
  return true;
}

function is_letter(c: i16): bool {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

export class json_lexer {
  src: Bytes = noBytes();
  pos: u32 = 0;
  /** The current token: kind and bytes [start, end) of `src`. */
  tok: json_tok = json_tok.EOF;
  start: u32 = 0;
  end: u32 = 0;
  /** For a NUMBER: true when it has no fraction and no exponent. */
  is_int: bool = false;
  /** For an ERROR: why, and the offset of the offending byte. */
  err: json_err = json_err.NONE;
  err_pos: u32 = 0;

  /** Starts tokenizing `src` (a UTF-8 byte order mark is skipped). */
  reset(src: Bytes): void {
    this.src = src;
    this.pos = 0;
    if (byte_at(src, 0) === 0xef && byte_at(src, 1) === 0xbb && byte_at(src, 2) === 0xbf) this.pos = 3;
    this.tok = json_tok.EOF;
    this.start = 0;
    this.end = 0;
    this.is_int = false;
    this.err = json_err.NONE;
    this.err_pos = 0;
  }

  /** Scans the next token; on ERROR, `err` and `err_pos` say why and where. */
  next(): json_tok {
    const src: Bytes = this.src;
    let p: u32 = this.pos;
    for (;;) {
      const w: i16 = byte_at(src, p);
      if (w !== 0x20 && w !== 0x09 && w !== 0x0a && w !== 0x0d) break;
      p++;
    }
    this.start = p;
    const c: i16 = byte_at(src, p);
    switch (c) {
      case -1: return this.token(json_tok.EOF, p);
      case 0x7b: return this.token(json_tok.LBRACE, u32(p + 1));
      case 0x7d: return this.token(json_tok.RBRACE, u32(p + 1));
      case 0x5b: return this.token(json_tok.LBRACKET, u32(p + 1));
      case 0x5d: return this.token(json_tok.RBRACKET, u32(p + 1));
      case 0x3a: return this.token(json_tok.COLON, u32(p + 1));
      case 0x2c: return this.token(json_tok.COMMA, u32(p + 1));
      case 0x22: return this.scan_string(p);
      default: break;
    }
    if (c === 0x2d || is_digit(c)) return this.scan_number(p);
    if (is_letter(c)) {
      // A word must be exactly true/false/null, not a prefix of a longer word.
      if (has_word(src, p, lit("true")) && !is_letter(byte_at(src, u32(p + 4)))) return this.token(json_tok.TRUE, u32(p + 4));
      if (has_word(src, p, lit("false")) && !is_letter(byte_at(src, u32(p + 5)))) return this.token(json_tok.FALSE, u32(p + 5));
      if (has_word(src, p, lit("null")) && !is_letter(byte_at(src, u32(p + 4)))) return this.token(json_tok.NULL, u32(p + 4));
      // Only a misspelt literal is "invalid literal"; other letters are just unexpected.
      if (c === 0x74 || c === 0x66 || c === 0x6e) return this.fail(json_err.BAD_WORD, p);
    }
    return this.fail(json_err.BAD_CHAR, p);
  }

  /** Ends the current token (which began at `start`) at `end`. */
  token(t: json_tok, end: u32): json_tok {
    this.tok = t;
    this.end = end;
    this.pos = end;
    return t;
  }

  fail(e: json_err, at: u32): json_tok {
    this.err = e;
    this.err_pos = at;
    this.tok = json_tok.ERROR;
    this.end = this.start;
    return json_tok.ERROR;
  }

  scan_string(p0: u32): json_tok {
    const src: Bytes = this.src;
    let p: u32 = u32(p0 + 1);
    for (;;) {
      const c: i16 = byte_at(src, p);
      if (c < 0) return this.fail(json_err.UNTERMINATED, p0);
      if (c === 0x22) break;
      if (c < 0x20) return this.fail(json_err.CONTROL, p);
      if (c !== 0x5c) {
        p++;
        continue;
      }
      const e: i16 = byte_at(src, u32(p + 1));
      if (e < 0) return this.fail(json_err.UNTERMINATED, p0);
      if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        p += 2;
        continue;
      }
      if (e !== 0x75) return this.fail(json_err.BAD_ESCAPE, p);
      const cp: i32 = hex4(src, u32(p + 2));
      if (cp < 0 || (cp >= 0xdc00 && cp <= 0xdfff)) return this.fail(json_err.BAD_UNICODE, p);
      if (cp >= 0xd800 && cp <= 0xdbff) {
        // A high surrogate must be followed by an escaped low surrogate.
        if (byte_at(src, u32(p + 6)) !== 0x5c || byte_at(src, u32(p + 7)) !== 0x75) return this.fail(json_err.BAD_UNICODE, p);
        const lo: i32 = hex4(src, u32(p + 8));
        if (lo < 0xdc00 || lo > 0xdfff) return this.fail(json_err.BAD_UNICODE, u32(p + 6));
        p += 12;
        continue;
      }
      p += 6;
    }
    return this.token(json_tok.STRING, u32(p + 1));
  }

  scan_number(p0: u32): json_tok {
    const src: Bytes = this.src;
    let p: u32 = p0;
    if (byte_at(src, p) === 0x2d) p++;
    if (!is_digit(byte_at(src, p))) return this.fail(json_err.BAD_NUMBER, p0);
    if (byte_at(src, p) === 0x30) {
      p++;
      // No leading zeros: "012" is not JSON.
      if (is_digit(byte_at(src, p))) return this.fail(json_err.BAD_NUMBER, p0);
    } else {
      while (is_digit(byte_at(src, p))) p++;
    }
    let is_int: bool = true;
    if (byte_at(src, p) === 0x2e) {
      is_int = false;
      p++;
      if (!is_digit(byte_at(src, p))) return this.fail(json_err.BAD_NUMBER, p0);
      while (is_digit(byte_at(src, p))) p++;
    }
    const e: i16 = byte_at(src, p);
    if (e === 0x65 || e === 0x45) {
      is_int = false;
      p++;
      const sign: i16 = byte_at(src, p);
      if (sign === 0x2b || sign === 0x2d) p++;
      if (!is_digit(byte_at(src, p))) return this.fail(json_err.BAD_NUMBER, p0);
      while (is_digit(byte_at(src, p))) p++;
    }
    this.is_int = is_int;
    return this.token(json_tok.NUMBER, p);
  }
}

/**
 * Decodes the STRING token `src[start, end)` (quotes included, already
 * validated by the lexer) to UTF-8 at `dst[off..]`. Writes past the end of
 * `dst` are dropped, so an empty `dst` just measures. Returns the decoded
 * length, or -1 when the string contains U+0000 (a C string cannot hold it).
 */
export function string_decode(src: Bytes, start: u32, end: u32, dst: Bytes, off: u32): i32 {
  let n: u32 = 0;
  let p: u32 = u32(start + 1);
  const stop: u32 = u32(end - 1);
  let nul: bool = false;
  while (p < stop) {
    const c: i16 = byte_at(src, p);
    if (c !== 0x5c) {
      dst[u32(off + n)] = u8(c);
      n++;
      p++;
      continue;
    }
    const e: i16 = byte_at(src, u32(p + 1));
    let out: i16 = -1;
    switch (e) {
      case 0x62: out = 0x08; break;
      case 0x66: out = 0x0c; break;
      case 0x6e: out = 0x0a; break;
      case 0x72: out = 0x0d; break;
      case 0x74: out = 0x09; break;
      case 0x75: break;
      default: out = e; break;
    }
    if (out >= 0) {
      dst[u32(off + n)] = u8(out);
      n++;
      p += 2;
      continue;
    }
    let cp: i32 = hex4(src, u32(p + 2));
    p += 6;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const lo: i32 = hex4(src, u32(p + 2));
      cp = i32(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
      p += 6;
    }
    if (cp === 0) nul = true;
    n += utf8_put(dst, u32(off + n), cp);
  }
  if (nul) return -1;
  // Token lengths are bounded by the input length, far below 2^31.
  return i32(n);
}

/** Writes code point `cp` as UTF-8 at `dst[at..]`; returns the byte count. */
function utf8_put(dst: Bytes, at: u32, cp: i32): u32 {
  if (cp < 0x80) {
    dst[at] = u8(cp);
    return 1;
  }
  if (cp < 0x800) {
    dst[at] = u8(0xc0 | (cp >> 6));
    dst[u32(at + 1)] = u8(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    dst[at] = u8(0xe0 | (cp >> 12));
    dst[u32(at + 1)] = u8(0x80 | ((cp >> 6) & 0x3f));
    dst[u32(at + 2)] = u8(0x80 | (cp & 0x3f));
    return 3;
  }
  dst[at] = u8(0xf0 | (cp >> 18));
  dst[u32(at + 1)] = u8(0x80 | ((cp >> 12) & 0x3f));
  dst[u32(at + 2)] = u8(0x80 | ((cp >> 6) & 0x3f));
  dst[u32(at + 3)] = u8(0x80 | (cp & 0x3f));
  return 4;
}

/** 2^53 / 10: below this, mantissa * 10 + 9 is still exact in a double. */
const MANT_LIMIT: f64 = 900719925474099;

/**
 * The value of the NUMBER token `src[start, end)`. Up to 15 significant
 * digits and |exponent| <= 22 the result is correctly rounded (one exact
 * multiply or divide); beyond that it is close, and the same bits in Node
 * and C since both use the same IEEE double operations in the same order.
 */
export function number_value(src: Bytes, start: u32, end: u32): f64 {
  let p: u32 = start;
  let neg: bool = false;
  if (byte_at(src, p) === 0x2d) {
    neg = true;
    p++;
  }
  let mant: f64 = 0;
  let exp10: i32 = 0;
  while (p < end && is_digit(byte_at(src, p))) {
    if (mant < MANT_LIMIT) mant = mant * 10 + (byte_at(src, p) - 0x30);
    else if (exp10 < 100000) exp10++;
    p++;
  }
  if (p < end && byte_at(src, p) === 0x2e) {
    p++;
    while (p < end && is_digit(byte_at(src, p))) {
      if (mant < MANT_LIMIT) {
        mant = mant * 10 + (byte_at(src, p) - 0x30);
        if (exp10 > -100000) exp10--;
      }
      p++;
    }
  }
  if (p < end) {
    // An exponent: e / E, an optional sign, digits (saturated: it only has to be "huge").
    p++;
    let eneg: bool = false;
    const sign: i16 = byte_at(src, p);
    if (sign === 0x2b || sign === 0x2d) {
      eneg = sign === 0x2d;
      p++;
    }
    let ev: i32 = 0;
    while (p < end && is_digit(byte_at(src, p))) {
      if (ev < 100000) ev = i32(ev * 10 + (byte_at(src, p) - 0x30));
      p++;
    }
    exp10 = i32(eneg ? exp10 - ev : exp10 + ev);
  }
  let v: f64 = mant;
  if (mant !== 0) {
    // 10^k is exact for k <= 22; past that, keep scaling (overflow gives infinity, underflow 0).
    if (exp10 > 0) {
      let k: i32 = exp10 > 400 ? 400 : exp10;
      while (k > 22) {
        v = v * 1e22;
        k -= 22;
      }
      v = v * pow10(k);
    } else if (exp10 < 0) {
      let k: i32 = exp10 < -400 ? 400 : i32(-exp10);
      while (k > 22) {
        v = v / 1e22;
        k -= 22;
      }
      v = v / pow10(k);
    }
  }
  return neg ? -v : v;
}

/** 10^k for 0 <= k <= 22, exactly. */
function pow10(k: i32): f64 {
  let r: f64 = 1;
  for (let i: i32 = 0; i < k; i++) r = r * 10;
  return r;
}
