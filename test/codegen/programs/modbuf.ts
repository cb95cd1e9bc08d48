// Module-level buffers (fixed storage outside any class) used as views.
import { Bytes, copyBytes, lit, printHex, printInt, printStr, printLn, u8, u32 } from "../../../ts-src/rt/rt";

const scratch = new Uint8Array(6);
const words = new Uint16Array(3);

function fill(b: Bytes, v: u8): void {
  for (let i: u32 = 0; i < b.length; i++) b[i] = v;
}

export function main(): void {
  fill(scratch, 0x11);
  copyBytes(scratch, 2, lit("hi"));
  printHex(scratch); printStr(" "); printInt(scratch.length); printLn();
  fill(scratch.subarray(4), 0xff);
  printHex(scratch); printLn();
  words[1] = 513;
  printInt(words[0] + words[1] + words[2]); printStr(" "); printInt(words.length); printLn();
}
