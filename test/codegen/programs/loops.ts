// while, do..while and for with break and continue, nested loops.
import { printInt, printStr, printLn, u32, i32 } from "../../../ts-src/rt/rt";

export function main(): void {
  let i: u32 = 0;
  while (i < 10) {
    i++;
    if (i === 3) continue;
    if (i === 7) break;
    printInt(i);
  }
  printLn();
  // continue in a do..while jumps to the condition.
  let j: i32 = 0;
  do {
    j++;
    if (j % 2 === 0) continue;
    printInt(j);
  } while (j < 9);
  printLn();
  let once: u32 = 0;
  do { once++; } while (false);
  printStr("once "); printInt(once); printLn();
  for (let k: i32 = 10; k > 0; k -= 3) printInt(k);
  printLn();
  // Nested: break leaves the inner loop only.
  let pairs: u32 = 0;
  for (let a: u32 = 0; a < 5; a++) {
    for (let b: u32 = 0; b < 5; b++) {
      if (b > a) break;
      if ((a + b) % 2 === 1) continue;
      pairs++;
    }
  }
  printStr("pairs "); printInt(pairs); printLn();
  // A for with an empty body and no init.
  let n: u32 = 1;
  for (; n < 1000; n = u32(n * 2)) {}
  printStr("n "); printInt(n); printLn();
  // while (true) left with break.
  let steps: u32 = 0;
  let x: u32 = 27;
  while (true) {
    if (x === 1) break;
    x = x % 2 === 0 ? x >>> 1 : u32(3 * x + 1);
    steps++;
  }
  printStr("collatz "); printInt(steps); printLn();
}
