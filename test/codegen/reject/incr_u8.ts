// ++ / -- / += / -= on 8- and 16-bit targets are rejected: wrap explicitly.
import { u8, u16, i8 } from "../../../ts-src/rt/rt";

class C {
  n: u16 = 0;
}

const c = new C();

export function bump(): void {
  let a: u8 = 0;
  a++; //! `++` is only accepted on i32/u32 counters (u8 would silently wrap differently in C); write `a = u8(a + 1)`
  let b: i8 = 0;
  b--; //! `--` is only accepted on i32/u32 counters (i8 would silently wrap differently in C); write `b = i8(b - 1)`
  c.n += 1; //! `+=` on u16 may wrap differently in C; write `c.n = u16(c.n + 1)` to wrap
  a = u8(a + b + c.n);
}
