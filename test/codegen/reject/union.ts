// Unions other than `T | null` are rejected.
import { u8, u32 } from "../../../ts-src/rt/rt";

export let value: u8 | string = 0; //! union

export function f(v: u32 | boolean): void { //! union
  value = 1;
}
