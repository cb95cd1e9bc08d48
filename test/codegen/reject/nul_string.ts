// A string is a C string: it ends at its first NUL in C, not in Node.
import { u32, strBytes, lit, Bytes } from "../../../ts-src/rt/rt";

export function len(): u32 {
  return strBytes("ab\0cd").length; //! a string literal with a NUL character is cut there in C (it is a C string); write lit("...") for bytes that contain NUL
}

export function bytes(): Bytes {
  return lit("ab\0cd");
}
