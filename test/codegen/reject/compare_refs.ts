// Strings and byte views cannot be compared with === (C would compare pointers).
import { Bytes, bool, lit } from "../../../ts-src/rt/rt";

export function isPing(s: string): bool {
  return s === "ping"; //! strings cannot be compared with ===/!== in the subset (C would compare pointers); compare bytes: bytesEqual(strBytes(a), strBytes(b)) (app code, compiled with ts-src/app/app_fmt.ts, compares contents)
}

export function sameView(a: Bytes): bool {
  return a === lit("x"); //! byte views cannot be compared with ===/!==; write bytesEqual(a, b) (contents) or compare lengths
}
