// `@inline` needs a function static in C, and not `@noinline` too.
import { u32 } from "../../../ts-src/rt/rt";

/** @inline */
export function shared(x: u32): u32 { //! @inline on `shared`, which is external in C (another module or hand-written C calls it): a C99 inline definition would not be linkable; take the tag off, or keep the function private to its module
  return x;
}

/** @inline @noinline */
function both(x: u32): u32 { //! @inline and @noinline on `both` contradict each other; remove one of them
  return x;
}

export function user(x: u32): u32 {
  return both(x);
}
