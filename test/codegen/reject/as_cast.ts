// `as` converts only Ptr -> class and an integer whose range fits an enum;
// anything else must already be implicit.
import { u8, u32, Ptr } from "../../../ts-src/rt/rt";

enum Small { A = 0, B = 1 }

export function toSmall(v: u8): Small {
  return v as Small; //! Small
}

export function narrow(v: u32): u8 {
  return v as u8; //! narrowing
}
