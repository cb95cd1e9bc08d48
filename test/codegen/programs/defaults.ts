// Default parameter values (constants), filled in by the caller in C.
import { printInt, printStr, printLn, u8, u16, i32, bool } from "../../../ts-src/rt/rt";

enum Mode { Quiet = 0, Loud = 1 }

function line(text: string, times: i32 = 1, sep: string = ",", mode: Mode = Mode.Loud): void {
  for (let i: i32 = 0; i < times; i++) {
    if (i > 0) printStr(sep);
    printStr(text);
  }
  printStr(mode === Mode.Loud ? "!" : "."); printLn();
}

class Port {
  base: u16 = 1880;

  at(offset: u16 = 3, secure: bool = false): i32 {
    return this.base + offset + (secure ? 5000 : 0);
  }
}

const port = new Port();

export function mask(v: i32, bits: u8 = 8): i32 {
  return v & ((1 << bits) - 1);
}

export function main(): void {
  line("a");
  line("b", 3);
  line("c", 2, "-");
  line("d", 2, "+", Mode.Quiet);
  printStr("port "); printInt(port.at()); printStr(" "); printInt(port.at(0)); printStr(" "); printInt(port.at(3, true)); printLn();
  printStr("mask "); printInt(mask(0x1ff)); printStr(" "); printInt(mask(0x1ff, 4)); printLn();
}
