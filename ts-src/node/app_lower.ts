// Under Node, the app's template literals, string + and JSON.stringify()
// are JavaScript's own; the app build wraps each site the compiler lowered
// (codegen/src/lower.ts) in site(), which applies the same capacity as the C
// buffer and reports an overflow the same way (app_fmt.ts's overflow()).
import { overflow } from "../app/app_fmt";

/** `s` (the site's value), or "" with the site's error line when its UTF-8
 *  is longer than `cap` bytes. */
export function site(cap: number, msg: string, s: string): string {
  return Buffer.byteLength(s, "utf8") > cap ? overflow(msg) : s;
}
