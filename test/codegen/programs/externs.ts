// Externs: `declare function` prototypes go in the header; the C bodies are in
// externs.port.c and the Node implementations are installed on globalThis by
// the test before main() runs.
import { printInt, printStr, printLn, printHex, u32, i32, Bytes, lit, bool } from "../../../ts-src/rt/rt";

declare function ext_scale(a: i32, k: i32): i32;
declare function ext_sum(b: Bytes): u32;
declare function ext_flag(on: bool): bool;
declare function ext_tick(): void;
declare function ext_ticks(): u32;
declare function ext_len(s: string): u32;
declare function ext_view(): Bytes;

export function main(): void {
  printStr("scale "); printInt(ext_scale(7, -3)); printLn();
  printStr("sum "); printInt(ext_sum(lit("abc"))); printLn();
  printStr("flag "); printStr(ext_flag(true) ? "T" : "F"); printStr(ext_flag(false) ? "T" : "F"); printLn();
  ext_tick();
  ext_tick();
  printStr("ticks "); printInt(ext_ticks()); printLn();
  printStr("len "); printInt(ext_len("hello")); printStr(" view "); printHex(ext_view()); printLn();
}
