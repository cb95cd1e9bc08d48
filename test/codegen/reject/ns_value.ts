// A namespace import is not a value: only its members are.
import { Ptr } from "../../../ts-src/rt/rt";
import * as M from "../programs/lib/mathlib";

export function keep(): Ptr {
  const m = M; //! module namespace
  return null;
}
