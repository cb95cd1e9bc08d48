// String literals of function bodies become one static array per text
// (test/codegen/strpool.test.ts). unusedFirst() comes first and shares
// "shared text" with used(): inline literals would put both of its texts in
// its string section, which used() then keeps in the link.
import { printStr, printLn } from "../../../ts-src/rt/rt";

export function unusedFirst(): void {
  printStr("only in the unused function");
  printStr("shared text");
}

export function used(): void {
  printStr("shared text");
  printStr("quote \" backslash \\ 100% ??= é");
  printLn();
}
