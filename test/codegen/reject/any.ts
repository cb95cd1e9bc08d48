// `any` is rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function f(): i32 {
  const x: any = 1; //! any
  return x; //? not declared in a form
}
