// try/catch is rejected.
import { i32, printInt } from "../../../ts-src/rt/rt";

export function guarded(v: i32): void {
  try { //! try
    printInt(v);
  } catch {
    printInt(0);
  }
}
