// Library module of the visibility test (test/codegen/visibility.test.ts
// compiles test/codegen/visibility/lib as the library): which exports stay
// external in C. vis_b imports shared() and sum() and calls Acc.add(); nothing
// outside this module uses lonely() or Acc.total(), so their C is static (and
// lonely() gets its callers' argument ranges: its index checks go).
import { u8, u32 } from "../../../../ts-src/rt/rt";

export class Acc {
  n: u32 = 0;
  add(v: u32): void {
    this.n = u32(this.n + v);
  }
  total(): u32 {
    return this.n;
  }
}

const table: Uint8Array = new Uint8Array(8);

export function shared(x: u32): u32 {
  return u32(x * 3 + 1);
}

/** Every call passes 0..6 (the checks on table[i + 1] go once it is static). */
export function lonely(i: u32): u32 {
  return u32(table[i] * 256 + table[i + 1]);
}

/** @cextern the test's C driver calls it */
export function forC(x: u32): u32 {
  return u32(x + 7);
}

export function sum(acc: Acc): u32 {
  for (let i: u32 = 0; i < 8; i++) table[i] = u8(i * 37 + 5);
  for (let i: u32 = 0; i < 7; i++) acc.add(lonely(i));
  return acc.total();
}
