// switch on integers and enums: grouped empty cases, default in the middle,
// cases ending in break, return and continue.
import { printInt, printStr, printLn, u8, u32, i32 } from "../../../ts-src/rt/rt";

enum Kind { Zero = 0, Small = 1, Large = 2, Odd = 3 }

function classify(n: i32): Kind {
  switch (n) {
    case 0:
      return Kind.Zero;
    case 1:
    case 2:
    case 3:
      return Kind.Small;
    default:
      if (n % 2 !== 0) return Kind.Odd;
      return Kind.Large;
  }
}

function name(k: Kind): string {
  let s: string = "?";
  switch (k) {
    case Kind.Zero: s = "zero"; break;
    case Kind.Small: s = "small"; break;
    default: s = "other"; break;
    case Kind.Odd: s = "odd"; break;
  }
  return s;
}

export function main(): void {
  for (let i: i32 = -3; i < 8; i++) {
    printInt(i); printStr(" "); printStr(name(classify(i))); printLn();
  }
  // continue inside a switch continues the loop.
  let kept: u32 = 0;
  for (let b: u32 = 0; b < 20; b++) {
    const t: u8 = u8(b);
    switch (t & 3) {
      case 0:
        continue;
      case 1:
        kept += 10;
        break;
      case 2:
      case 3:
        kept += 1;
        break;
    }
    kept += 100;
  }
  printStr("kept "); printInt(kept); printLn();
  // No case matches and there is no default.
  let hit: i32 = 0;
  const v: i32 = 99;
  switch (v) {
    case 1: hit = 1; break;
    case 2: hit = 2; break;
  }
  printStr("hit "); printInt(hit); printLn();
}
