// The runtime intrinsics of the TypeScript subset.
//
// Every compiled module imports its scalar types and helpers from here. Under
// Node these are ordinary functions; the compiler (codegen/) knows each one by
// name and emits the C equivalent inline, so this module itself is never
// translated. The helpers are written so that Node and C produce the same bits.
// See codegen/SUBSET.md for the rules.

export type u8 = number;
export type u16 = number;
export type u32 = number;
export type i8 = number;
export type i16 = number;
export type i32 = number;
/** C `int`: only for signatures that must match an existing C API. */
export type int = number;
/** C `size_t` (treated as a 32-bit unsigned range). */
export type usize = number;
export type f64 = number;
export type bool = boolean;
/** Opaque user data: `void *` in C. Only passed around, never inspected. */
export type Ptr = unknown;
/** A byte view: pointer + length (`rt_bytes` in C). */
export type Bytes = Uint8Array;

// ---- wrapping conversions (mask under Node, cast in C) ----
export function u8(x: number): u8 { return x & 0xff; }
export function u16(x: number): u16 { return x & 0xffff; }
export function u32(x: number): u32 { return x >>> 0; }
export function i8(x: number): i8 { return (x << 24) >> 24; }
export function i16(x: number): i16 { return (x << 16) >> 16; }
export function i32(x: number): i32 { return x | 0; }
export function int(x: number): int { return x | 0; }
export function usize(x: number): usize { return x >>> 0; }

/** Integer division truncating toward zero, as C's `/`. A zero divisor gives 0 (in C too).
 *  `+ 0` turns -0 (idiv(0, -5)) into 0: C has no negative zero. */
export function idiv(a: number, b: number): number { return b === 0 ? 0 : Math.trunc(a / b) + 0; }
/** 32-bit multiplication, wrapped, for products that may exceed 2^53 under Node. */
export function mul32(a: number, b: number): u32 { return Math.imul(a, b) >>> 0; }

/** f64 -> u32, truncating toward zero and saturating at 0 and 2^32-1 (C: no UB). */
export function f64ToU32(x: f64): u32 {
  if (!(x > 0)) return 0;
  if (x >= 4294967295) return 4294967295;
  return Math.trunc(x);
}
/** The high / low 32 bits of an f64's IEEE-754 encoding: reading a double
 *  with integer arithmetic only (no soft-float helper on an MCU without FPU). */
const f64View = new DataView(new ArrayBuffer(8));
export function f64Hi(x: f64): u32 { f64View.setFloat64(0, x); return f64View.getUint32(0); }
export function f64Lo(x: f64): u32 { f64View.setFloat64(0, x); return f64View.getUint32(4); }
/** f64 -> i32, truncating toward zero and saturating at the i32 range. */
export function f64ToI32(x: f64): i32 {
  if (x !== x) return 0;
  if (x <= -2147483648) return -2147483648;
  if (x >= 2147483647) return 2147483647;
  return Math.trunc(x) + 0; // -0.5 truncates to -0 under Node; C has no negative zero
}

// ---- storage ----
/** A fixed array of `n` structs (n a compile-time constant). Only as a field or module initializer. */
export function structs<T>(n: number, make: new () => T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(new make());
  return a;
}
/** Struct copy: `*dst = *src` in C. Both must be the same class. Embedded structs,
 *  fixed arrays and fixed buffers are copied by value; views and `T | null`
 *  references by reference, exactly as the C struct assignment does. */
export function copy<T extends object>(dst: T, src: T): void {
  const d = dst as Record<string, unknown>;
  const s = src as Record<string, unknown>;
  const ownedFields = ownedOf(dst);
  for (const k of Object.keys(s)) {
    const v = s[k];
    if (!ownedFields.has(k)) { d[k] = v; continue; }
    const dv = d[k];
    if (ArrayBuffer.isView(dv)) (dv as Uint8Array).set(v as Uint8Array);
    else if (Array.isArray(dv)) {
      const sv = v as unknown[];
      for (let i = 0; i < dv.length; i++) {
        if (typeof dv[i] === "object" && dv[i] !== null) copy(dv[i] as object, sv[i] as object);
        else dv[i] = sv[i];
      }
    } else copy(dv as object, v as object);
  }
}
// A field owns its storage when the class initializer built it: `new X()`,
// `new Uint8Array(N)` with N > 0, `structs(...)`. A view field starts as
// `noBytes()` (length 0) and a reference field as `null`.
const ownedCache = new Map<Function, Set<string>>();
function ownedOf(o: object): Set<string> {
  const ctor = (o as { constructor: new () => object }).constructor;
  let set = ownedCache.get(ctor);
  if (!set) {
    set = new Set();
    const fresh = new ctor() as Record<string, unknown>;
    for (const k of Object.keys(fresh)) {
      const v = fresh[k];
      if (ArrayBuffer.isView(v)) { if ((v as Uint8Array).length > 0) set.add(k); }
      else if (v !== null && typeof v === "object") set.add(k);
    }
    ownedCache.set(ctor, set);
  }
  return set;
}

// ---- name lists ----
/** Entry `i` of a name list (a module `const T: readonly string[]` of string
 *  literals), or `dflt` when `i` is past its end or the entry is "". In C the
 *  list is one text, its entries separated by NULs, and this scans to the i-th
 *  (codegen/SUBSET.md, "Name lists"). */
export function nameAt(list: readonly string[], i: number, dflt: string): string {
  const s = i >= 0 && i < list.length ? list[i] : "";
  return s !== "" ? s : dflt;
}

// ---- byte views ----
/** The bytes of a string literal (C: compile-time constant view). */
export function lit(s: string): Bytes { return new TextEncoder().encode(s); }
/** The bytes of a NUL-terminated C string (C: strlen). */
export function strBytes(s: string): Bytes { return new TextEncoder().encode(s); }
/** A message given as bytes or as a string (an app API parameter of type
 *  `Bytes | string`): its bytes (C: the compiler has already made a string
 *  argument a view, so this is the value itself). */
export function toBytes(m: Bytes | string): Bytes { return typeof m === "string" ? new TextEncoder().encode(m) : m; }
/** Copies all of `src` into `dst` at `off`. Copies nothing and returns false if it does not fit. */
export function copyBytes(dst: Bytes, off: u32, src: Bytes): bool {
  if (off > dst.length || src.length > dst.length - off) return false;
  dst.set(src, off);
  return true;
}
/** Byte-wise equality of two views. */
export function bytesEqual(a: Bytes, b: Bytes): bool {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
/** The C string stored in `b` up to its first NUL byte (C: `(const char *)b.p`; the
 *  caller guarantees a NUL inside `b`, e.g. a buffer it NUL-terminated itself). */
export function cstr(b: Bytes): string {
  let n = 0;
  while (n < b.length && b[n] !== 0) n++;
  return new TextDecoder().decode(b.subarray(0, n));
}
/** An empty view (C: `{NULL, 0}`). */
export function noBytes(): Bytes { return new Uint8Array(0); }

// ---- output, for tests and the demo (C: printf in rt.c) ----
let outFn: (s: string) => void = (s) => { process.stdout.write(s); };
/** Node only: redirect print output (tests). */
export function setPrintSink(f: (s: string) => void): void { outFn = f; }
export function printStr(s: string): void { outFn(s); }
export function printInt(x: number): void { outFn(String(x)); }
export function printHex(b: Bytes): void {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  outFn(s);
}
export function printLn(): void { outFn("\n"); }
