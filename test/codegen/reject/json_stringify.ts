// JSON.stringify of an object and JSON.parse: the diagnostics name the app's JSON builder and reader.
import { i32 } from "../../../ts-src/rt/rt";

export function report(n: i32): string {
  return JSON.stringify({ count: n }); //! Json.begin()
}

export function read(s: string): i32 {
  const o = JSON.parse(s); //! Json.getInt
  return 0; 
}
