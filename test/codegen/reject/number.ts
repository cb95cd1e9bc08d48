// Plain `number` is rejected: the width must be explicit.
import { printInt } from "../../../ts-src/rt/rt";

export function show(n: number): void { //! plain `number` has no C type; write an integer type from rt.ts (u8 u16 u32 i8 i16 i32) or f64
  printInt(n);
}
