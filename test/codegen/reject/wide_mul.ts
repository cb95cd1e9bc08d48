// A product whose range exceeds 2^53 is rejected: use mul32().
import { u32, printInt } from "../../../ts-src/rt/rt";

export function f(a: u32, b: u32): void {
  printInt(a * b); //! the result may exceed 2^53 (u32 * u32), where Node loses precision; write mul32(a, b) for a wrapped 32-bit product
}
