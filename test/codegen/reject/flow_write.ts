// Flow facts end where the local is written, hold only in the region the
// condition guards, and a loop forgets what its body writes.
import { u8, u32, bool } from "../../../ts-src/rt/rt";

export function afterWrite(n: u32, m: u32): u8 {
  let x: u32 = n;
  if (x < 200) {
    const ok: u8 = x;
    x = m;
    return x + ok; //! the returned value: implicit narrowing of a value in 0..4294967550 to u8 (0..255); write u8(x + ok) to wrap, or widen the target type
  }
  return 0;
}

export function elseBranch(n: u32): u8 {
  if (n < 10) {
    return n;
  } else {
    return n; //! the returned value: implicit narrowing of a value in 10..2^32-1 to u8 (0..255); write u8(n) to wrap, or widen the target type
  }
}

export function afterIf(n: u32, f: bool): u8 {
  if (n < 10 && f) {
    return n;
  }
  return n; //! the returned value: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(n) to wrap, or widen the target type
}

export function loopCarried(n: u32, m: u32): u8 {
  let i: u32 = n;
  let last: u8 = 0;
  while (i < 100) {
    last = i;
    i = m;
    last = i; //! the value assigned to `last`: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(i) to wrap, or widen the target type
  }
  return last;
}

export function afterBreak(n: u32, f: bool): u8 {
  let i: u32 = n;
  while (i < 300) {
    if (f) break;
    i++;
  }
  return i; //! the returned value: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(i) to wrap, or widen the target type
}

export function orBranch(n: u32, f: bool): u8 {
  const a: bool = n < 10 || f;
  return a ? n : 0; //! the returned value: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(a ? n : 0) to wrap, or widen the target type
}

export function incInRegion(n: u32): u8 {
  let i: u32 = n;
  if (i < 10) {
    i++;
    return i; //! the returned value: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(i) to wrap, or widen the target type
  }
  return 0;
}

export function decrement(n: u32): u32 {
  let i: u32 = n;
  i--; //! `--` on u32 `i` may go below 0 (Node gives -1, C 2^32-1); check `i > 0` first, or write `i = u32(i - 1)` to wrap
  if (i > 0) i--;
  return i;
}

function take(x: u8): bool {
  return x < 100;
}

export function boundWritten(m: u32): u32 {
  let n: u32 = m;
  if (n > 10) return 0;
  let c: u32 = 0;
  // The loop writes n: its range before the loop does not bound i.
  for (let i: u32 = 0; i < n && take(i); i++) { //! argument `x` of take(): implicit narrowing of a value in 0..4294967294 to u8 (0..255); write u8(i) to wrap, or widen the target type
    n = 1000;
    c++;
  }
  return c;
}
