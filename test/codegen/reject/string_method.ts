// String methods are library calls: rejected.
import { bool } from "../../../ts-src/rt/rt";

export function shout(s: string): string {
  return s.toUpperCase(); //! string methods
}

export function starts(s: string): bool {
  return s.startsWith("$"); //! string methods
}
