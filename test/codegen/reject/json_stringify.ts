// JSON.stringify of an object and JSON.parse: the diagnostics name the app's JSON builder and reader.
import { i32 } from "../../../ts-src/rt/rt";

export function report(n: i32): string {
  return JSON.stringify({ count: n }); //! `JSON.stringify()` cannot be compiled to C (no dynamic objects, no heap); build the text with the JSON builder of ts-src/app/app_json.ts: `Json.begin().int("a", 1).str("b", s).end()` gives the same text as a Bytes view
}

export function read(s: string): i32 {
  const o = JSON.parse(s); //! `JSON.parse()` cannot be compiled to C (no dynamic objects, no heap); read fields with ts-src/app/app_json.ts: `Json.getInt(msg, "a", 0)`, `Json.getStr(msg, "op")`, `Json.kind(msg, "k")`
  return 0; 
}
