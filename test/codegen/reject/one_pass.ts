// One pass: a TypeScript error, a subset error and an arithmetic (range) error
// in one file are reported together, each at its line (not in rounds).
import { u8, u32, Bytes } from "../../../ts-src/rt/rt";

export function f(b: Bytes): u32 {
  const s: u8 = "x"; //! TS2322: Type 'string' is not assignable to type 'number'. (a TypeScript error, tsc --strict)
  const o = { a: 1 }; //! object literals are not in the subset (no dynamic objects); declare a class and set its fields, or for a JSON text use the builder of ts-src/app/app_json.ts: Json.begin().int("a", 1).str("b", s).end()
  let c: u8 = s;
  c = c + b[0]; //! the value assigned to `c`: implicit narrowing of a value in 0..510 to u8 (0..255); write u8(c + b[0]) to wrap, or widen the target type
  return c;
}
