// The other library module of the visibility test: it uses shared(), sum()
// and Acc.add() of vis_a, which therefore stay external.
import { u32, printInt, printStr, printLn } from "../../../../ts-src/rt/rt";
import { Acc, shared, sum } from "./vis_a";

const acc = new Acc();

/** @cextern the test's C driver calls it */
export function main(): void {
  printStr("total "); printInt(sum(acc)); printLn();
  acc.add(shared(5));
  printStr("twice "); printInt(u32(acc.n * 2)); printLn();
}
