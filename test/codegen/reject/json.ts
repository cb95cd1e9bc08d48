// JSON.* is a library call: rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function show(v: i32): string {
  return JSON.stringify(v); //! JSON
}
