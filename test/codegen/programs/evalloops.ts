// Loop and if conditions whose calls must run in source order: the compiler
// evaluates them at the top of every iteration (not once before the loop), and
// `continue` still re-evaluates them.
import { printInt, printStr, printLn, i32 } from "../../../ts-src/rt/rt";

let c: i32 = 0;

function next(): i32 {
  c++;
  printStr("n");
  return c;
}

function pair(a: i32, b: i32): i32 {
  return i32(a * 10 + b);
}

export function main(): void {
  let loops: i32 = 0;
  while (pair(next(), next()) < 60) loops++;
  printStr(" while "); printInt(loops); printLn();
  c = 0;
  loops = 0;
  for (let i: i32 = 0; pair(next(), next()) < 80; i++) {
    if (i % 2 === 0) continue;
    loops++;
  }
  printStr(" for "); printInt(loops); printLn();
  c = 0;
  loops = 0;
  while (pair(next(), next()) < 80) {
    loops++;
    if (loops > 1) continue;
    printStr("first");
  }
  printStr(" while-continue "); printInt(loops); printLn();
  c = 0;
  if (pair(next(), next()) === 12) printStr(" if ok");
  else printStr(" if wrong");
  printLn();
}
