// Declaration order: classes embedding or pointing at classes declared later,
// functions called before their definition, and mutual recursion. C needs the
// types defined and the functions declared before use.
import { printInt, printStr, printLn, u32, i32, bool } from "../../../ts-src/rt/rt";

export function main(): void {
  outer.inner.count = 3;
  outer.link = later;
  later.back = outer;
  printStr("even "); printStr(isEven(10) ? "T" : "F"); printStr(isEven(7) ? "T" : "F"); printLn();
  printStr("total "); printInt(outer.total()); printLn();
}

class Outer {
  inner: Core = new Core();
  link: Later | null = null;

  total(): u32 {
    const l: Later | null = this.link;
    return u32(this.inner.count + (l !== null ? l.weight() : 0));
  }
}

class Core {
  count: u32 = 0;
}

class Later {
  back: Outer | null = null;
  extra: Core = new Core();

  weight(): u32 {
    const b: Outer | null = this.back;
    return b !== null ? u32(b.inner.count * 10) : 1;
  }
}

const outer = new Outer();
const later = new Later();

function isEven(n: u32): bool {
  if (n === 0) return true;
  return isOdd(u32(n - 1));
}

function isOdd(n: u32): bool {
  if (n === 0) return false;
  return isEven(u32(n - 1));
}

export function unused(x: i32): i32 {
  return x;
}
