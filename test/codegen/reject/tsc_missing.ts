// An unknown name is a TypeScript error.
import { u32 } from "../../../ts-src/rt/rt";

export function f(): u32 {
  return undefinedThing; //! TS2304: Cannot find name 'undefinedThing'. (a TypeScript error, tsc --strict)
}
