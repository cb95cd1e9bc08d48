// Object literals are rejected (even where TypeScript accepts one for a class type): declare a module instance.
import { i32 } from "../../../ts-src/rt/rt";

class Pt {
  x: i32 = 0;
  y: i32 = 0;
}

export const origin: Pt = { x: 0, y: 0 }; //! a module-level class value must own its storage: write `const x = new C();` (no type annotation needed)

export function f(): i32 {
  const o: Pt = { x: 1, y: 2 }; //! object literals are not in the subset (no dynamic objects); declare a class and set its fields, or for a JSON text use the builder of ts-src/app/app_json.ts: Json.begin().int("a", 1).str("b", s).end()
  return o.x;
}
