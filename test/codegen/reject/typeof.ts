// typeof, instanceof and delete are rejected.
import { i32, bool, Ptr } from "../../../ts-src/rt/rt";

class A {
  v: i32 = 0;
}

export function kinds(p: Ptr): bool {
  const s: bool = typeof p === "string"; //! `typeof` is not in the subset; types are static, compare values instead
  return s || p instanceof A; //! `instanceof` is not in the subset; types are static (use an enum field to tell kinds apart)
}
