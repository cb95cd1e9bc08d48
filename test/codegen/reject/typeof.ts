// typeof, instanceof and delete are rejected.
import { i32, bool, Ptr } from "../../../ts-src/rt/rt";

class A {
  v: i32 = 0;
}

export function kinds(p: Ptr): bool {
  const s: bool = typeof p === "string"; //! typeof
  return s || p instanceof A; //! instanceof
}
