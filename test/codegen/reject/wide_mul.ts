// A product whose range exceeds 2^53 is rejected: use mul32().
import { u32, printInt } from "../../../ts-src/rt/rt";

export function f(a: u32, b: u32): void {
  printInt(a * b); //! mul32
}
