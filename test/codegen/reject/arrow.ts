// Arrow functions are rejected even when they capture nothing.
import { i32 } from "../../../ts-src/rt/rt";

type Op = (a: i32) => i32;

export function pick(): Op {
  return (a: i32): i32 => a; //! arrow functions and function expressions are not in the subset (no closures); declare a top-level function and pass user data as a Ptr
}
