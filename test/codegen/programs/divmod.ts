// idiv truncates toward zero (as C's /); % follows the sign of the dividend in
// both languages, also when the operands have different signedness.
import { idiv, printInt, printStr, printLn, i32, u32, u8, i8 } from "../../../ts-src/rt/rt";

export function pair(a: i32, b: i32): void {
  printInt(a); printStr(" / "); printInt(b); printStr(" = "); printInt(idiv(a, b));
  printStr(" rem "); printInt(a % b); printLn();
}

export function main(): void {
  pair(7, 2);
  pair(-7, 2);
  pair(7, -2);
  pair(-7, -2);
  pair(6, 3);
  pair(-6, 3);
  pair(0, -5);
  pair(2147483647, -1);
  pair(-2147483647, 10);

  // Unsigned operands above 2^31.
  const big: u32 = 0xffffffff;
  printStr("big/2 "); printInt(idiv(big, 2)); printLn();
  printStr("big%10 "); printInt(big % 10); printLn();
  // Mixed signedness: an exact result, not C's unsigned conversion.
  const m: i32 = -7;
  const three: u32 = 3;
  printStr("-7%u3 "); printInt(m % three); printLn();
  printStr("-7/u3 "); printInt(idiv(m, three)); printLn();
  printStr("u3/-7 "); printInt(idiv(three, m)); printLn();
  const small: i8 = -100;
  const k: u8 = 7;
  printStr("i8%u8 "); printInt(small % k); printLn();
  printStr("i8/u8 "); printInt(idiv(small, k)); printLn();
  // The result of idiv can be stored back once it is wrapped.
  const q: i32 = i32(idiv(big, three));
  printStr("q "); printInt(q); printLn();
}
