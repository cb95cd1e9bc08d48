// A module an app imports from outside its own folder, with text sites: the
// app build's Node emit must check their capacity as the C does
// (test/apps/langshared.test.ts).
import { i32 } from "../../../../ts-src/rt/rt";
import * as Log from "../../../../ts-src/app/app_log";
import { sized } from "../../../../ts-src/app/app_fmt";

export function say(n: i32): void {
  Log.info(sized(4, `n=${n}`));
}
