// JSON.* is a library call: rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function show(v: i32): string {
  return JSON.stringify(v); //! `JSON.stringify()` cannot be compiled to C (no dynamic objects, no heap); build the text with the JSON builder of ts-src/app/app_json.ts: `Json.begin().int("a", 1).str("b", s).end()` gives the same text as a Bytes view
}
