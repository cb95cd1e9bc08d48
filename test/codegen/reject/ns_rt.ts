// The intrinsics are known by their plain names: no namespace import of rt.ts.
import * as rt from "../../../ts-src/rt/rt"; //! a namespace import of rt.ts is not in the subset; import the rt.ts intrinsics by name (`import { u8, Bytes } from "../rt/rt"`)

export function f(x: rt.u32): rt.u32 {
  return rt.u32(x + 1);
}
