// An enum whose members no 32-bit C integer type holds is refused where it is declared.
enum Big { Neg = -5, Zero = 0, Huge = 3000000000 } //! enum Big has members from -5 to 3000000000, which no 32-bit C integer type holds; keep the values within i32 (-2^31..2^31-1) or within u32 (0..2^32-1)

enum Ok { A = -1, B = 2147483647 }

export function f(): Ok {
  return Ok.B;
}
