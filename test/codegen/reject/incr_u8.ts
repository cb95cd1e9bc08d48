// ++ / -- / += / -= on 8- and 16-bit targets are rejected: wrap explicitly.
import { u8, u16, i8 } from "../../../ts-src/rt/rt";

class C {
  n: u16 = 0;
}

const c = new C();

export function bump(): void {
  let a: u8 = 0;
  a++; //! ++
  let b: i8 = 0;
  b--; //! --
  c.n += 1; //! +=
  a = u8(a + b + c.n);
}
