import { u32, i32, bool, printStr, printLn } from "../../../ts-src/rt/rt";
import { sized, overflowed } from "../../../ts-src/app/app_fmt";

function S(s: string): string { return s; }
function I(n: i32): i32 { return n; }
function U(n: u32): u32 { return n; }

export function main(): void {
  const dev: string = S("dev1");
  printStr(`${dev}/temp`); printLn();
  printStr(dev + "/relay/+/set"); printLn();
  printStr(`${I(-2147483648)} ${U(4294967295)} ${U(4294967295) * 1000000 + U(999999)} ${I(-5) * 1000000 - U(3)} ${true}`); printLn();
  printStr(JSON.stringify({ "2": 1, device: dev, n: I(-3), ok: I(1) > 0, nested: { a: [1, S("x\"\n\u0001é😀"), U(7)], b: null } })); printLn();
  printStr(sized(4, `${dev}/x`)); printLn();
  const o: bool = overflowed();
  printStr(o ? "over" : "fine"); printLn();
}
