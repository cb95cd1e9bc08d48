// Integer arithmetic can give -0 under Node (C has no negative zero); the
// int -> f64 conversion would show it (1 / -0 is -Infinity). Values that may
// be -0 are refused where they are stored or converted; i32(x) makes them 0.
import { i16, i32, f64 } from "../../../ts-src/rt/rt";

function neg(a: i16): i32 {
  return -a; //! the returned value may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write i32(-a) to make it 0
}

export function prod(a: i16, b: i16): i32 {
  const p: i32 = a * b; //! the initial value of `p` may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write i32(a * b) to make it 0
  return p;
}

export function rem(): f64 {
  const r: f64 = 1.0 / ((-4 * 0) % 3); //! the operand may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write i32((-4 * 0) % 3) to make it 0
  return r;
}

export function inv(a: i16): f64 {
  return 1.0 / -a; //! the operand may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write i32(-a) to make it 0
}

export function use(): i32 {
  return neg(1);
}
