// Template strings are rejected (they need a heap); print the parts.
import { i32 } from "../../../ts-src/rt/rt";

export function label(n: i32): string {
  return `n=${n}`; //! template strings are not in the subset of the library (app code has them: ts-src/app/app_fmt.ts); write a plain string literal and print the parts separately
}
