// Unions other than `T | null` are rejected.
import { u8, u32 } from "../../../ts-src/rt/rt";

export let value: u8 | string = 0; //! union types other than `T | null` are not in the subset; use an enum or separate fields

export function f(v: u32 | boolean): void { //! union types other than `T | null` are not in the subset; use an enum or separate fields
  value = 1;
}
