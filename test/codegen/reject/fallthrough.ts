// A non-empty case must end in break/return/continue.
import { i32, printInt } from "../../../ts-src/rt/rt";

export function f(v: i32): void {
  switch (v) {
    case 1: //! TS7029: Fallthrough case in switch. (a TypeScript error, tsc --strict)
      printInt(1);
    case 2:
      printInt(2);
      break;
  }
}
