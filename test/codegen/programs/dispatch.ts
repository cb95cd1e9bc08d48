// A subscription table: callbacks with user data in a fixed array of structs,
// `Fn | null` and `Ptr` parameters with null defaults, dispatch skipping
// empty slots, `.length` of a struct array.
import { printInt, printStr, printLn, printHex, Bytes, lit, structs, u32, i32, Ptr, bool } from "../../../ts-src/rt/rt";
type OnData = (data: Bytes, ud: Ptr) => u32;
class Slot2 {
  cb: OnData | null = null;
  ud: Ptr = null;
  hits: u32 = 0;
}
class SubTable {
  subs: Slot2[] = structs(3, Slot2);
}
const table = new SubTable();
const marker = new SubTable();
function count(data: Bytes, ud: Ptr): u32 { printStr("count "); printHex(data); printStr(ud !== null ? " ud" : " -"); printLn(); return data.length; }
function first(data: Bytes, ud: Ptr): u32 { return data.length > 0 ? data[0] : 0; }
function add(i: u32, cb: OnData | null = null, ud: Ptr = null): void {
  const s: Slot2 = table.subs[i];
  s.cb = cb;
  s.ud = ud;
}
function dispatch(data: Bytes): u32 {
  let total: u32 = 0;
  for (let i: u32 = 0; i < table.subs.length; i++) {
    const s: Slot2 = table.subs[i];
    const cb: OnData | null = s.cb;
    if (cb === null) continue;
    s.hits++;
    total = u32(total + cb(data, s.ud));
  }
  return total;
}
export function main(): void {
  add(0, count, marker);
  add(1);
  add(2, first);
  printInt(dispatch(lit("hey"))); printLn();
  add(0, null);
  printInt(dispatch(lit("A"))); printStr(" "); printInt(table.subs[0].hits); printInt(table.subs[2].hits); printLn();
}
