// Local arrays are rejected: use a field or a module-level buffer.
import { u8, u32 } from "../../../ts-src/rt/rt";

export function total(): u32 {
  const xs: u8[] = [1, 2, 3]; //! array type `u8[]` is only allowed for a field `x: C[] = structs(N, C)` or a module const table `readonly u8[]`; for N numbers write `const a = new Uint8Array(N)` at module level or a field `a = new Uint8Array(N)` (Uint16Array, Uint32Array, Int32Array too)
  //! array literals are only allowed as a module const table (`const T: readonly u8[] = [...]`); for values that change write `const a = new Uint8Array(N)` at module level (Uint16Array, Uint32Array, Int32Array too; 0/1 for flags) and set its elements
  return xs[0];
}
