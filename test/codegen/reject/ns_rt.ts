// The intrinsics are known by their plain names: no namespace import of rt.ts.
import * as rt from "../../../ts-src/rt/rt"; //! import the rt.ts intrinsics by name

export function f(x: rt.u32): rt.u32 { //? unknown type
  return rt.u32(x + 1); //? intrinsic|library|not declared
}
