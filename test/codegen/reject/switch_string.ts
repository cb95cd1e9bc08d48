// switch works on integers and enums only (C has no string switch).
import { i32 } from "../../../ts-src/rt/rt";

export function code(s: string): i32 {
  switch (s) { //! switch works on integers and enums, got string; write an if/else chain
    case "a": return 1;
    default: return 0;
  }
}
