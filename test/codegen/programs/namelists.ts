// Name lists: `const T: readonly string[]` of literals read with nameAt(T, i,
// default). In C each list is one text (count, default, names, NUL-separated)
// scanned by rt_name_at (codegen/SUBSET.md, "Name lists"); Node indexes the
// array. Every index from below 0 to past the end, "" entries, the first and
// the last entry, escapes, a 1-entry list, an enum index, two calls sharing
// one list, a list used by no function.
import { printStr, printInt, printLn, u8, u32, i32, nameAt } from "../../../ts-src/rt/rt";

enum Err { OK = 0, FIRST = 1, GAP = 2, LAST = 4 }

/** Names of Err, "" where a code has none. */
const ERR_NAMES: readonly string[] = [
  "",
  "first",
  "",
  "quote \" backslash \\ 100% ??= é\ttab",
  "last",
];
const ONE: readonly string[] = ["only"];
const LONG: readonly string[] = ["", "", "", "", "", "", "", "", "", "tenth (index 9)"];
const UNUSED: readonly string[] = ["never read: its text must not reach a --gc-sections link"];

function errName(e: Err): string {
  return nameAt(ERR_NAMES, e, "unknown error");
}

function errNameI(i: i32): string {
  return nameAt(ERR_NAMES, i, "unknown error");
}

function line(what: string, i: i32, s: string): void {
  printStr(what); printStr("["); printInt(i); printStr("] = "); printStr(s); printLn();
}

export function main(): void {
  for (let i: i32 = -2; i < 8; i++) line("err", i, errNameI(i));
  line("enum", Err.LAST, errName(Err.LAST));
  line("enum", Err.GAP, errName(Err.GAP));
  line("enum", Err.OK, errName(Err.OK));
  for (let i: u8 = 0; i < 3; i = u8(i + 1)) line("one", i, nameAt(ONE, i, "not one"));
  for (let i: u32 = 8; i < 11; i++) line("long", i, nameAt(LONG, i, "short"));
  line("max", 0, nameAt(LONG, 4294967295, "short"));
  printStr("lengths "); printInt(ERR_NAMES.length); printStr(" "); printInt(ONE.length); printLn();
}
