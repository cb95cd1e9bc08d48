// n++ inside an expression that also reads n: C leaves the order open.
import { u32, u8 } from "../../../ts-src/rt/rt";

class W {
  out: Uint8Array = new Uint8Array(4);
}

const w = new W();

export function f(): void {
  let n: u32 = 0;
  w.out[n++] = u8(n); //! a variable is changed by ++/-- and also used elsewhere in the same expression (the order is unspecified in C); split it into two statements
}
