// A namespace import is not a value: only its members are.
import { Ptr } from "../../../ts-src/rt/rt";
import * as M from "../programs/lib/mathlib";

export function keep(): Ptr {
  const m = M; //! `M` is a module namespace (`import * as M`); it is not a value: use its members, `M.name`
  return null;
}
