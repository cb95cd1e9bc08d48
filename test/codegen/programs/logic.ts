// && || ! ?: on bool, with short-circuit evaluation observed through calls
// that print, and bool locals, params, fields and returns.
import { printInt, printStr, printLn, i32, bool } from "../../../ts-src/rt/rt";

class Flags {
  a: bool = false;
  b: boolean = true;
}

const fl = new Flags();

function t(name: string): bool {
  printStr(name);
  return true;
}

function f(name: string): bool {
  printStr(name);
  return false;
}

function between(x: i32, lo: i32, hi: i32): bool {
  return x >= lo && x <= hi;
}

export function main(): void {
  if (f("1") && t("2")) printStr("!");
  printLn();
  if (t("3") || f("4")) printStr("+");
  printLn();
  if (!(f("5") || f("6")) && t("7")) printStr("+");
  printLn();
  const v: bool = t("8") && (f("9") || t("10"));
  printStr(v ? " T" : " F"); printLn();
  fl.a = !fl.a;
  fl.b = fl.a && !fl.b;
  printStr(fl.a ? "T" : "F"); printStr(fl.b ? "T" : "F"); printLn();
  const n: i32 = between(5, 1, 9) ? 1 : between(5, 6, 9) ? 2 : 3;
  printStr("n "); printInt(n); printStr(" "); printInt(between(-1, 0, 0) ? 1 : 0); printLn();
  let toggles: i32 = 0;
  let state: bool = false;
  for (let i: i32 = 0; i < 5; i++) {
    state = !state;
    if (state !== (i % 2 === 0)) toggles = 100;
    if (state) toggles++;
  }
  printStr("toggles "); printInt(toggles); printLn();
}
