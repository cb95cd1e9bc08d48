// Module const tables (static const arrays) and constant expressions.
import { printInt, printStr, printLn, u8, u16, u32, i32 } from "../../../ts-src/rt/rt";

const N: u32 = 5;
const TWICE: i32 = N * 2 + 1;
const PRIMES: readonly u8[] = [2, 3, 5, 7, 11];
const PORTS: readonly u16[] = [1883, 8883, 65535];
export const DELTAS: readonly i32[] = [-2147483648, -1, 0, 1, 2147483647];
export const MASKS: readonly u32[] = [0x1, 0x80, 0x8000, 0x80000000, 0xffffffff];
/** Powers used by a varint: 128^k. */
const POW: readonly u32[] = [1, 128, 16384, 2097152];

export function main(): void {
  let s: u32 = 0;
  for (let i: u32 = 0; i < N; i++) s += PRIMES[i];
  printStr("primes "); printInt(s); printStr(" twice "); printInt(TWICE); printLn();
  printStr("ports "); printInt(PORTS[0]); printStr(" "); printInt(PORTS[2]); printLn();
  for (let i: u32 = 0; i < 5; i++) {
    printInt(DELTAS[i]); printStr(" "); printInt(MASKS[i]); printLn();
  }
  printStr("pow "); printInt(POW[3] * 127 + POW[2] * 127 + POW[1] * 127 + POW[0] * 127); printLn();
}
