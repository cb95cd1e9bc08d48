// Object type literals are rejected: declare a class.
import { i32 } from "../../../ts-src/rt/rt";

type Pt = { x: i32; y: i32 }; //! type `{ x: i32; y: i32 }` is not in the subset; use the types from rt.ts, classes, enums, `T | null` or a function type alias

export function f(p: Pt): i32 {
  return 0;
}
