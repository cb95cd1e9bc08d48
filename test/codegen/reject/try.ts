// try/catch is rejected.
import { i32, printInt } from "../../../ts-src/rt/rt";

export function guarded(v: i32): void {
  try { //! `try` is not in the subset (no exceptions); check return values
    printInt(v);
  } catch {
    printInt(0);
  }
}
