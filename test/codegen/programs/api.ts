// @api functions keep their exact C names (the public API). api.port.c calls
// them by those names, so a wrong name fails at link time.
import { printInt, printStr, printLn, i32, u32 } from "../../../ts-src/rt/rt";

declare function ext_call_api(x: i32): i32;

let total: u32 = 0;

/** Adds to the running total and returns the new value.
 *  @api */
export function my_api_add(n: u32): u32 {
  total = u32(total + n);
  return total;
}

/** @api */
export function my_api_negate(x: i32): i32 {
  return i32(0 - x);
}

export function main(): void {
  printStr("direct "); printInt(my_api_add(5)); printLn();
  printStr("via C "); printInt(ext_call_api(9)); printLn();
  printStr("total "); printInt(total); printLn();
}
