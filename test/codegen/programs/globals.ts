// Module globals (`let`), exported globals, constants, and a module-level
// struct instance with non-zero field initializers.
import { printInt, printStr, printLn, u8, u16, u32, i32, bool } from "../../../ts-src/rt/rt";

const LIMIT: u32 = 3;
const BASE: i32 = -10;

let calls: u32 = 0;
export let lastValue: i32 = BASE;
let flag: bool = false;
let label: string = "init";
let small: u8 = 250;

class Stats {
  count: u32 = 7;
  min: i32 = 2147483647;
  max: i32 = -2147483648;
  name: string = "stats";
  ok: bool = true;
  ratio: u16 = 500;
}

const stats = new Stats();

function record(v: i32): void {
  calls++;
  lastValue = v;
  stats.count++;
  if (v < stats.min) stats.min = v;
  if (v > stats.max) stats.max = v;
  if (calls >= LIMIT) flag = true;
  small = u8(small + 3);
}

export function main(): void {
  printStr(label); printStr(" "); printInt(calls); printStr(" "); printInt(lastValue); printStr(" ");
  printStr(stats.name); printStr(" "); printInt(stats.count); printStr(" "); printInt(stats.min); printStr(" ");
  printInt(stats.max); printStr(stats.ok ? " ok " : " bad "); printInt(stats.ratio); printLn();
  record(5);
  record(-20);
  record(100);
  label = "after";
  printStr(label); printStr(" "); printInt(calls); printStr(" "); printInt(lastValue); printStr(" ");
  printInt(stats.count); printStr(" "); printInt(stats.min); printStr(" "); printInt(stats.max);
  printStr(flag ? " flag " : " noflag "); printInt(small); printLn();
}
