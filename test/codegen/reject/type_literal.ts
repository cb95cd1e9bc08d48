// Object type literals are rejected: declare a class.
import { i32 } from "../../../ts-src/rt/rt";

type Pt = { x: i32; y: i32 }; //! { x: i32; y: i32 }

export function f(p: Pt): i32 { //? { x: i32; y: i32 }|Pt
  return 0;
}
