// Byte-view parameters: in C a function of ours takes each view as a pointer
// and a length (`f_v(uint8_t *b_p, uint32_t b_len)`, the view rebuilt as a
// local) behind an always-inlined wrapper `f(rt_bytes b)` that every call goes
// through. Covers methods, exported and @cextern functions (wrapper in the header), views
// reassigned in the body, unused views, locals named like the split
// parameters, a function used as a value of a function type (it keeps the
// view whole: the type's signature), default views, recursion, Bytes | string,
// views returned and passed on, and arguments with side effects in source order.
import { Bytes, printInt, printStr, printLn, printHex, u8, u32, lit, noBytes, copyBytes, bytesEqual, toBytes } from "../../../ts-src/rt/rt";

type ViewSink = (b: Bytes, tag: u32) => u32;

class VBuf {
  data: Uint8Array = new Uint8Array(8);
  n: u32 = 0;
  sink: ViewSink | null = null;

  /** Appends src when it fits; the view parameter of a method. */
  put(src: Bytes): boolean {
    if (!copyBytes(this.data, this.n, src)) return false;
    this.n += src.length;
    return true;
  }
  view(): Bytes {
    return this.data.subarray(0, this.n);
  }
  /** Two views and a scalar between them. */
  same(a: Bytes, k: u32, b: Bytes): boolean {
    return bytesEqual(a.subarray(k), b.subarray(k));
  }
  feed(b: Bytes): u32 {
    const s: ViewSink | null = this.sink;
    if (s === null) return 0;
    return s(b, this.n);
  }
}

const buf = new VBuf();

function show(name: string, b: Bytes): void {
  printStr(name); printStr(" "); printInt(b.length); printStr(" "); printHex(b); printLn();
}

/** The parameter is written: it is an ordinary local after the entry. */
function skip(b: Bytes, k: u32): u32 {
  while (b.length > 0 && k > 0) {
    b = b.subarray(1);
    k--;
  }
  return b.length > 0 ? b[0] : 255;
}

/** An unused view (C: both halves voided). */
function ignores(b: Bytes, x: u32): u32 {
  return u32(x + 1);
}

/** Locals named like the halves of the split parameter get other C names. */
function clash(b: Bytes): u32 {
  const b_p: u32 = 7;
  const b_len: u32 = b.length;
  return u32(b_p + b_len);
}

/** Used as a value (a ViewSink): not split (its address would be an out-of-line wrapper's). */
function count(b: Bytes, tag: u32): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) if (b[i] === tag) n++;
  return n;
}

function apply(f: ViewSink, b: Bytes): u32 {
  return f(b, 3);
}

function lenOr(b: Bytes = noBytes()): u32 {
  return b.length;
}

function sumRec(b: Bytes): u32 {
  if (b.length === 0) return 0;
  return u32(b[0] + sumRec(b.subarray(1)));
}

function text(m: Bytes | string): u32 {
  const b: Bytes = toBytes(m);
  return b.length > 0 ? b[b.length - 1] : 0;
}

/** A view passed on and returned. */
function middle(b: Bytes): Bytes {
  const n: u32 = b.length;
  return n < 2 ? b : b.subarray(1, n - 1);
}

function grow(b: Bytes): Bytes {
  buf.put(b);
  return buf.view();
}

function pair(a: Bytes, b: Bytes): void {
  show("a", a);
  show("b", b);
}

/** Called from hand-written C (a @cextern one is split too: C calls the wrapper).
 *  @cextern test drivers */
export function lastOf(b: Bytes): u8 {
  return b.length > 0 ? b[b.length - 1] : 0;
}

/** Exported: its wrapper is in the header. */
export function firstOf(b: Bytes, dflt: u8): u8 {
  return b.length > 0 ? b[0] : dflt;
}

export function main(): void {
  const d: Bytes = lit("\x01\x02\x03\x04\x05");
  printInt(skip(d, 2)); printLn();
  printInt(skip(d, 9)); printLn();
  printInt(ignores(d, 41)); printLn();
  printInt(clash(d)); printLn();
  printInt(apply(count, lit("\x03\x01\x03"))); printLn();
  buf.sink = count;
  printInt(lenOr()); printStr(" "); printInt(lenOr(d)); printLn();
  printInt(sumRec(d)); printLn();
  printInt(text("AZ")); printStr(" "); printInt(text(d)); printStr(" "); printInt(text("")); printLn();
  show("middle", middle(d));
  show("middle2", middle(middle(d)));
  printInt(firstOf(d, 9)); printStr(" "); printInt(firstOf(noBytes(), 9)); printStr(" "); printInt(lastOf(d)); printLn();
  printInt(buf.put(lit("ab")) ? 1 : 0); printInt(buf.put(lit("cdefgh")) ? 1 : 0); printInt(buf.put(lit("x")) ? 1 : 0); printLn();
  show("buf", buf.view());
  printInt(buf.same(buf.view(), 1, lit("xbcdefgh")) ? 1 : 0); printInt(buf.same(buf.view(), 0, lit("xbcdefgh")) ? 1 : 0); printLn();
  printInt(buf.feed(lit("\x08\x08\x01"))); printLn();
  // The first argument is read before grow() writes the buffer (source order).
  buf.n = 2;
  pair(buf.view(), grow(lit("\x03\x03")));
}
