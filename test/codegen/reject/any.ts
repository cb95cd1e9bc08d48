// `any` is rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function f(): i32 {
  const x: any = 1; //! `any` is not in the subset; write a concrete type (use Ptr for opaque user data)
  return x;
}
