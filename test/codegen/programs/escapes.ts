// String literals that C would misread: trigraphs (`??!` is `|` in C99), quotes,
// backslashes, printf-like `%`, control bytes and UTF-8; f64 fields and
// globals with initializers; a ?: between byte views.
import { printStr, printLn, printInt, printHex, lit, strBytes, Bytes, f64, f64ToI32, noBytes, bool } from "../../../ts-src/rt/rt";

class Ratio {
  ratio: f64 = 0.5;
  count: f64 = 3;
}

const ratio = new Ratio();
let scale: f64 = 1.25;

function pick(c: bool, a: Bytes): Bytes {
  return c ? a : noBytes();
}

export function main(): void {
  printStr("what??! really??= yes??/ ??( ??) ??' ??< ??> ??-"); printLn();
  printStr("tab\there\nnew line \"q\" back\\slash %d %s %%"); printLn();
  printStr("h\u00e9llo \u2713 caf\xe9"); printLn();
  printHex(lit("\u00e9\u2713")); printStr(" "); printInt(lit("\u00e9\u2713").length); printLn();
  printHex(strBytes("a\x7fb\x01")); printLn();
  printInt(f64ToI32(ratio.ratio * 100 + ratio.count + scale)); printLn();
  scale = scale * 4;
  printInt(f64ToI32(scale)); printLn();
  printHex(pick(true, lit("ab"))); printStr("|"); printHex(pick(false, lit("ab"))); printLn();
}
