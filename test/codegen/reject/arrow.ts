// Arrow functions are rejected even when they capture nothing.
import { i32 } from "../../../ts-src/rt/rt";

type Op = (a: i32) => i32;

export function pick(): Op {
  return (a: i32): i32 => a; //! arrow function
}
