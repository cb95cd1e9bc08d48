// An app whose text sites are in a shared module (../lib/util.ts).
import { i32 } from "../../../../ts-src/rt/rt";
import { say } from "../lib/util";

function I(n: i32): i32 {
  return n;
}

export function init(): void {
  say(I(7));
  say(I(12345));
}
