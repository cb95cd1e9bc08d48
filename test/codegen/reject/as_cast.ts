// `as` converts only Ptr -> class and an integer whose range fits the enum's C
// type (here uint8_t); anything else must already be implicit.
import { u8, u16, u32 } from "../../../ts-src/rt/rt";

enum Small { A = 0, B = 1 }

export function toSmall(v: u8): Small {
  return v as Small;
}

export function wideToSmall(v: u16): Small {
  return v as Small; //! the value (0..65535) does not fit enum Small (a uint8_t); write u8(v) as Small
}

export function narrow(v: u32): u8 {
  return v as u8; //! `as` does not convert values; the operand: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(v) to wrap, or widen the target type
}
