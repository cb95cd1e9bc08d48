// Calls whose order matters where no statement can hold a temporary are
// rejected: a for-loop step, a do..while condition, the right side of && and
// the branches of ?: (hoisting them would run them unconditionally).
import { i32, bool } from "../../../ts-src/rt/rt";

let c: i32 = 0;

function next(): i32 {
  c++;
  return c;
}

function pair(a: i32, b: i32): i32 {
  return i32(a * 10 + b);
}

export function f(flag: bool): i32 {
  let n: i32 = 0;
  for (let i: i32 = 0; i < 3; i = pair(next(), next())) n++; //! this for-loop step has calls whose order matters; move it to the end of the body
  do { n++; } while (pair(next(), next()) < 60); //! this do..while condition has calls whose order matters; compute them into a local at the end of the body
  const t: bool = flag && pair(next(), next()) > 0; //! calls whose order matters inside a conditional operand (&&, ||, ?:); compute them into locals in statements first
  const u: i32 = flag ? pair(next(), next()) : 5; //! calls whose order matters inside a conditional operand (&&, ||, ?:); compute them into locals in statements first
  return t ? u : n;
}
