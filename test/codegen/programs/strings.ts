// `string`: literals (with escapes), params, fields, returns, `string | null`.
import { printStr, printLn, printInt, printHex, strBytes, u32, bool } from "../../../ts-src/rt/rt";

class Named {
  name: string = "default";
  alias: string | null = null;
}

const named = new Named();

function greet(who: string, loud: bool = false): string {
  printStr("hello, "); printStr(who);
  return loud ? "!" : ".";
}

function hasAlias(n: Named): bool {
  return n.alias !== null;
}

export function main(): void {
  printStr(greet("world")); printLn();
  printStr(greet(named.name, true)); printLn();
  named.name = "renamed";
  printStr(hasAlias(named) ? "alias" : "no alias"); printStr(" "); printStr(named.name); printLn();
  named.alias = "al";
  printStr(hasAlias(named) ? "alias" : "no alias"); printLn();
  printStr("tab\tquote\"backslash\\ 'single'"); printLn();
  const s: string = "len7abc";
  printStr("bytes "); printInt(strBytes(s).length); printStr(" "); printHex(strBytes("AZ")); printLn();
  printStr(""); printStr("end"); printLn();
}
