// Local arrays are rejected: use a field or a module-level buffer.
import { u8, u32 } from "../../../ts-src/rt/rt";

export function total(): u32 {
  const xs: u8[] = [1, 2, 3]; //! array type `u8[]` is only allowed for a field `x: C[] = structs(N, C)` or a module const table `readonly u8[]`; use a Uint8Array field or a byte view
  //! array literals are only allowed as a module const table (`const T: readonly u8[] = [...]`); use a field or module buffer
  return xs[0];
}
