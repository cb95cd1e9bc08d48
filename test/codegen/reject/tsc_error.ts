// A TypeScript type error is reported as a diagnostic; no C is emitted.
import { u8, u32 } from "../../../ts-src/rt/rt";

export function f(): u32 {
  const x: u8 = "not a number"; //! TS2322: Type 'string' is not assignable to type 'number'. (a TypeScript error, tsc --strict)
  return x;
}
