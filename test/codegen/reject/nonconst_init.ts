// Module `let` and field initializers must be constants (storage is zeroed .bss
// plus a constructor that sets constants).
import { u32 } from "../../../ts-src/rt/rt";

function start(): u32 {
  return 5;
}

let counter: u32 = start(); //! a function call is not a constant; an initializer may only use literals, constants and enum members

export class Conf {
  port: u32 = start(); //! a function call is not a constant; an initializer may only use literals, constants and enum members
}

export function get(): u32 {
  return counter;
}
