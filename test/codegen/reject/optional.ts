// Optional chaining and ?? are rejected.
import { i32 } from "../../../ts-src/rt/rt";

class Node {
  v: i32 = 0;
  next: Node | null = null;
}

const n = new Node();

export function nextValue(): i32 {
  const nx: Node | null = n.next;
  if (nx?.v === 1) return 1; //! optional chaining (`?.`) is not in the subset; check `x !== null` first
  const a: i32 = nx !== null ? nx.v : -1;
  const b: i32 = a ?? 0; //! `??` is not in the subset; write `x !== null ? x : y`
  return b;
}
