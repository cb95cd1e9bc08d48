// A local buffer is heap memory in disguise: rejected.
import { Bytes, u8 } from "../../../ts-src/rt/rt";

export function scratch(v: u8): Bytes {
  const b: Bytes = new Uint8Array(16); //! new
  b[0] = v;
  return b;
}
