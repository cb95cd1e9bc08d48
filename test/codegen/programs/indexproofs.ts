// Index proofs: one function per rule by which the compiler drops the bounds
// check of b[i] (plain `b.p[i]` in C) or the clamps of b.subarray() (rt_slice),
// and beside it the near miss where the proof must fail and the check stays.
// Functions named proven_* must have no check in the C, kept_* must keep one
// (indexproofs.test.ts reads the golden C). The views are windows into a larger
// buffer whose other bytes are not 0: a check dropped by mistake would read
// them in C, where Node reads undefined (0 after u8()), and the outputs differ.
import { u8, u16, u32, bool, Bytes, printInt, printStr, printLn, printHex } from "../../../ts-src/rt/rt";

class Store {
  big: Uint8Array = new Uint8Array(64);
  small: Uint8Array = new Uint8Array(16);
}
const st = new Store();

function show(name: string, v: u32): void {
  printStr(name); printStr(" "); printInt(v); printLn();
}

/** fact: the loop condition is `i < b.length` itself. */
function proven_loop(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) s = u32(s + b[i]);
  return s;
}
/** i <= b.length lets i reach the length. */
function kept_loopLe(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i <= b.length; i++) s = u32(s + u8(b[i]));
  return s;
}
/** fact: `const n = b.length` is b.length. */
function proven_alias(b: Bytes): u32 {
  const n: u32 = b.length;
  let s: u32 = 0;
  for (let i: u32 = 0; i < n; i++) s = u32(s * 3 + b[i]);
  return s;
}
/** A length alias ends when the local is written. */
function kept_aliasWritten(b: Bytes, extra: u32): u32 {
  let n: u32 = b.length;
  if (extra < 4) n = u32(n + extra);
  let s: u32 = 0;
  for (let i: u32 = 0; i < n; i++) s = u32(s * 3 + u8(b[i]));
  return s;
}
/** ... and when the view is reassigned. */
function kept_aliasView(b: Bytes, other: Bytes): u32 {
  const n: u32 = b.length;
  if (other.length > 0) b = other;
  let s: u32 = 0;
  for (let i: u32 = 0; i < n; i++) s = u32(s * 3 + u8(b[i]));
  return s;
}
/** chain: i < n and n <= b.length. */
function proven_chain(b: Bytes, i: u32, n: u32): u32 {
  if (i < n && n <= b.length) return b[i];
  return 999;
}
/** i <= n and n <= b.length: i may be the length. */
function kept_chainLe(b: Bytes, i: u32, n: u32): u32 {
  if (i <= n && n <= b.length) return u8(b[i]);
  return 999;
}
/** range: after `b.length < 4` returned, b[0]..b[3] are inside. */
function proven_minLength(b: Bytes): u32 {
  if (b.length < 4) return 0;
  return u32((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
}
/** b[4] is not. */
function kept_pastMinLength(b: Bytes): u32 {
  if (b.length < 4) return 0;
  return u8(b[4]);
}
/** `b.length !== 0`: the length is at least 1. */
function proven_notEmpty(b: Bytes): u32 {
  if (b.length !== 0) return b[0];
  return 999;
}
/** `b.length !== 1` says nothing about b[0]. */
function kept_notOne(b: Bytes): u32 {
  if (b.length !== 1) return u8(b[0]);
  return 999;
}
/** minus: i - 1 <= i < b.length (i > 0, so u32(i - 1) does not wrap). */
function proven_prev(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) {
    if (i > 0) s = u32(s + (b[i] ^ b[u32(i - 1)]));
  }
  return s;
}
/** i + 1 may be the length. */
function kept_next(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) s = u32(s + (b[i] ^ u8(b[i + 1])));
  return s;
}
/** plus: k < n and n <= b.length - off prove off + k < b.length; writes too. */
function proven_window(b: Bytes, off: u32, n: u32): u32 {
  if (off > b.length || n > b.length - off) return 0;
  let s: u32 = 0;
  for (let k: u32 = 0; k < n; k++) {
    s = u32(s + b[off + k]);
    b[off + k] = u8(b[off + k] + 1);
  }
  return s;
}
/** n <= b.length - off + 1 allows one byte too many: read and write keep their checks. */
function kept_windowLoose(b: Bytes, off: u32, n: u32): u32 {
  if (off > b.length || n > b.length - off + 1) return 0;
  let s: u32 = 0;
  for (let k: u32 = 0; k < n; k++) {
    s = u32(s + u8(b[off + k]));
    b[off + k] = 0x55;
  }
  return s;
}
/** A slice whose bounds are checked: start <= end <= b.length. */
function proven_slice(b: Bytes, start: u32, end: u32): Bytes {
  if (start <= end && end <= b.length) return b.subarray(start, end);
  return b.subarray(0, 0);
}
/** start <= end alone: end may pass the length (JavaScript clamps it). */
function kept_sliceEnd(b: Bytes, start: u32, end: u32): Bytes {
  if (start <= end) return b.subarray(start, end);
  return b.subarray(0, 0);
}
/** end <= b.length alone: start may pass end (JavaScript clamps it). */
function kept_sliceStart(b: Bytes, start: u32, end: u32): Bytes {
  if (end <= b.length) return b.subarray(start, end);
  return b.subarray(0, 0);
}
/** succ: the tail after a separator found at i < b.length starts at i + 1 <= b.length. */
function proven_tail(b: Bytes): Bytes {
  for (let i: u32 = 0; i < b.length; i++) {
    if (b[i] === 0x3d) return b.subarray(i + 1);
  }
  return b.subarray(b.length);
}
/** i + 2 may pass the length. */
function kept_tail2(b: Bytes): Bytes {
  for (let i: u32 = 0; i < b.length; i++) {
    if (b[i] === 0x3d) return b.subarray(u32(i + 2));
  }
  return b.subarray(0, 0);
}
/** A fixed array: i < n and n <= 16 through a chain of facts. */
function proven_fixed(i: u32, n: u32): u32 {
  if (i < n && n <= 16) return st.small[i];
  return 999;
}
/** i <= n <= 16 lets i be 16. */
function kept_fixed(i: u32, n: u32): u32 {
  if (i <= n && n <= 16) return u8(st.small[i]);
  return 999;
}
/** `const end = start + 2`: start < end; then end <= b.length. */
function proven_sumDecl(b: Bytes, start: u16): u32 {
  const end: u32 = start + 2;
  if (end <= b.length) return b[start];
  return 999;
}
/** `start + k` with k possibly 0: start <= end only. */
function kept_sumDecl(b: Bytes, start: u16, k: u8): u32 {
  const end: u32 = start + k;
  if (end <= b.length) return u8(b[start]);
  return 999;
}
/** The same fact from a plain assignment. */
function proven_sumAssign(b: Bytes, start: u16): u32 {
  let end: u32 = 0;
  end = start + 1;
  if (end <= b.length) return b[start];
  return 999;
}
/** An assignment that reads its target gives no fact (not `end < end`). */
function kept_selfAssign(b: Bytes, start: u16): u32 {
  let end: u32 = start;
  if (end < 1000) {
    end = end + 1;
    if (end <= b.length) return u8(b[end]);
  }
  return 999;
}
/** A sum that may wrap gives no fact: u32(hdr + rem) can be below hdr. */
function kept_wrappedSum(b: Bytes, hdr: u32, rem: u32): Bytes {
  const total: u32 = u32(hdr + rem);
  if (total <= b.length) return b.subarray(hdr, total);
  return b.subarray(0, 0);
}
/** `last = b.length - 1` (b not empty): last < b.length. */
function proven_last(b: Bytes): u32 {
  if (b.length === 0) return 999;
  const last: u32 = b.length - 1;
  return b[last];
}
/** `b.length - k` with k possibly 0. */
function kept_lastK(b: Bytes, k: u8): u32 {
  const n: u32 = b.length;
  if (n < 8 || k > n) return 999;
  const last: u32 = n - k;
  return u8(b[last]);
}
/** A length alias narrowed by its own facts: n !== 0 proves b[0]. */
function proven_aliasNotEmpty(b: Bytes): u32 {
  const n: u32 = b.length;
  if (n === 0) return 999;
  return b[0];
}
/** n !== 1 does not. */
function kept_aliasNotOne(b: Bytes): u32 {
  const n: u32 = b.length;
  if (n === 1) return 999;
  return u8(b[0]);
}

/** A view of a Uint8Array(16) field: 16 <= h.length until h is written. */
function proven_fixedView(): u32 {
  const h: Bytes = st.small;
  return u32(h[0] + h[15]);
}
/** ... index 16 is past it. */
function kept_fixedViewPast(): u32 {
  const h: Bytes = st.small;
  return u8(h[16]);
}
/** ... and a view written since may be shorter. */
function kept_fixedViewWritten(b: Bytes): u32 {
  let h: Bytes = st.small;
  if (b.length > 0) h = b;
  return u8(h[3]);
}

export function main(): void {
  for (let i: u32 = 0; i < st.big.length; i++) st.big[i] = u8(0x80 + i);
  for (let i: u32 = 0; i < st.small.length; i++) st.small[i] = u8(0x40 + i);
  const w: Bytes = st.big.subarray(8, 16); // 8 bytes, neighbours not 0
  const w4: Bytes = st.big.subarray(20, 24);
  const w3: Bytes = st.big.subarray(30, 33);
  const e: Bytes = st.big.subarray(40, 40);
  show("fixedView", proven_fixedView());
  show("fixedViewPast", kept_fixedViewPast());
  show("fixedViewWritten", kept_fixedViewWritten(w3));
  show("fixedViewWritten short", kept_fixedViewWritten(st.big.subarray(50, 52)));
  show("loop", proven_loop(w));
  show("loopLe", kept_loopLe(w));
  show("alias", proven_alias(w));
  show("aliasWritten", kept_aliasWritten(w, 2));
  show("aliasWritten big", kept_aliasWritten(w, 9));
  show("aliasView", kept_aliasView(w, w3));
  show("aliasView same", kept_aliasView(w3, e));
  for (let i: u32 = 0; i < 10; i++) {
    show("chain", proven_chain(w, i, 8));
    show("chain short", proven_chain(w, i, 5));
    show("chain long", proven_chain(w3, i, 8));
    show("chainLe", kept_chainLe(w, i, 8));
    show("fixed", proven_fixed(i, 16));
    show("fixed", proven_fixed(u32(i + 10), 16));
    show("fixedLe", kept_fixed(u32(i + 10), 16));
  }
  show("minLength", proven_minLength(w4));
  show("minLength short", proven_minLength(w3));
  show("pastMinLength", kept_pastMinLength(w4));
  show("pastMinLength 8", kept_pastMinLength(w));
  show("notEmpty", proven_notEmpty(w3));
  show("notEmpty empty", proven_notEmpty(e));
  show("notOne empty", kept_notOne(e));
  show("notOne", kept_notOne(w3));
  show("prev", proven_prev(w));
  show("next", kept_next(w));
  for (let off: u32 = 0; off < 10; off += 3) {
    for (let n: u32 = 0; n < 10; n += 4) {
      show("window", proven_window(w, off, n));
      show("windowLoose", kept_windowLoose(w4, off, n));
    }
  }
  printHex(st.big.subarray(0, 48)); printLn();
  for (let s: u32 = 0; s < 10; s += 3) {
    for (let t: u32 = 0; t < 12; t += 5) {
      printHex(proven_slice(w, s, t)); printStr("|");
      printHex(kept_sliceEnd(w, s, t)); printStr("|");
      printHex(kept_sliceStart(w, s, t)); printLn();
    }
  }
  st.big[12] = 0x3d;
  printHex(proven_tail(w)); printStr("|"); printHex(kept_tail2(w)); printLn();
  st.big[15] = 0x3d;
  st.big[12] = 0;
  printHex(proven_tail(w)); printStr("|"); printHex(kept_tail2(w)); printLn();
  for (let i: u32 = 0; i < 10; i += 2) {
    show("sumDecl", proven_sumDecl(w, u16(i)));
    show("sumDecl k0", kept_sumDecl(w, u16(i + 3), 0));
    show("sumDecl k1", kept_sumDecl(w, u16(i), 1));
    show("sumAssign", proven_sumAssign(w, u16(i + 1)));
    show("selfAssign", kept_selfAssign(w, u16(i + 1)));
  }
  printHex(kept_wrappedSum(w, 5, 4294967293)); printStr("|"); printHex(kept_wrappedSum(w, 2, 4)); printLn();
  show("last", proven_last(w3));
  show("last empty", proven_last(e));
  show("lastK 0", kept_lastK(w, 0));
  show("lastK 1", kept_lastK(w, 1));
  show("aliasNotEmpty", proven_aliasNotEmpty(w3));
  show("aliasNotEmpty empty", proven_aliasNotEmpty(e));
  show("aliasNotOne", kept_aliasNotOne(w3));
  show("aliasNotOne empty", kept_aliasNotOne(e));
  const ok: bool = proven_tail(e).length === 0;
  show("tail empty", ok ? 1 : 0);
}
