// A local buffer is heap memory in disguise: rejected.
import { Bytes, u8 } from "../../../ts-src/rt/rt";

export function scratch(v: u8): Bytes {
  const b: Bytes = new Uint8Array(16); //! `new` in a function body is not in the subset (no heap); declare the storage as a field initializer or a module-level `const x = new C();`
  b[0] = v;
  return b;
}
