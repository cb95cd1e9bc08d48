// Function expressions are rejected: use a top-level function declaration.
import { i32 } from "../../../ts-src/rt/rt";

type Op = (a: i32) => i32;

export const op: Op = function (a: i32): i32 { return a; }; //! arrow functions and function expressions are not in the subset; write `function name(...): R { ... }` at the top level
