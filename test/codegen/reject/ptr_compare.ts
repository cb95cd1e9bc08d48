// Ptr is opaque: comparing it with a class reference is rejected, with a hint.
import { Ptr, bool, u8 } from "../../../ts-src/rt/rt";

class Ctx {
  n: u8 = 0;
}

const ctx = new Ctx();

export function isCtx(ud: Ptr): bool {
  return ud === ctx; //! cannot compare Ptr with Ctx; compare values of the same type, or a reference with null
}
