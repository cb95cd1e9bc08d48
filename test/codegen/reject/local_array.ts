// Local arrays are rejected: use a field or a module-level buffer.
import { u8, u32 } from "../../../ts-src/rt/rt";

export function total(): u32 {
  const xs: u8[] = [1, 2, 3]; //! array
  return xs[0]; //? not declared in a form
}
