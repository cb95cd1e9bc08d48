// String methods are library calls: rejected.
import { bool } from "../../../ts-src/rt/rt";

export function shout(s: string): string {
  return s.toUpperCase(); //! string methods are not in the subset; work on bytes: strBytes(s)
}

export function starts(s: string): bool {
  return s.startsWith("$"); //! string methods are not in the subset; work on bytes: strBytes(s)
}
