// Strings and byte views cannot be compared with === (C would compare pointers).
import { Bytes, bool, lit } from "../../../ts-src/rt/rt";

export function isPing(s: string): bool {
  return s === "ping"; //! bytesEqual
}

export function sameView(a: Bytes): bool {
  return a === lit("x"); //! bytesEqual
}
