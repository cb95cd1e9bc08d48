// Under Node, the app's template literals, string + and JSON.stringify()
// are JavaScript's own; the app build wraps each site the compiler lowered
// (codegen/src/lower.ts) in site(), which applies the same capacity as the C
// buffer and reports an overflow the same way (app_fmt.ts's overflow()).
import { overflow } from "../app/app_fmt";
import { PARSE_DEPTH } from "../app/app_json";

/** `s` (the site's value), or "" with the site's error line when its UTF-8
 *  is longer than `cap` bytes. */
export function site(cap: number, msg: string, s: string): string {
  return Buffer.byteLength(s, "utf8") > cap ? overflow(msg) : s;
}

/** A field of a class JSON.parse() reads (codegen/src/lower.ts). */
export type ParseField = { name: string; kind: "int"; lo: number; hi: number } | { name: string; kind: "bool" | "string" } |
  { name: string; kind: "object"; fields: ParseField[] };

function depth(v: unknown): number {
  if (v === null || typeof v !== "object") return 0;
  let d = 0;
  for (const x of Object.values(v as Record<string, unknown>)) d = Math.max(d, depth(x));
  return d + 1;
}

/** `JSON.parse(text) as C | null` under Node, by the rules of the C reader
 *  (app_json.ts pBegin/pInt/pBool/pStr): null unless `text` is JSON nested at
 *  most PARSE_DEPTH deep whose value is an object with every field of
 *  `shape`, each of its type (an integer in range; true/false; a string
 *  without NUL), the strings taking at most `cap` bytes with a NUL each. */
export function parse(shape: ParseField[], cap: number, text: Uint8Array | string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(typeof text === "string" ? text : new TextDecoder().decode(text));
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v) || depth(v) > PARSE_DEPTH) return null;
  const used = { n: 0 };
  return fields(v as Record<string, unknown>, shape, cap, used) ? (v as Record<string, unknown>) : null;
}

/** Whether object `o` has every field of `shape`, each of its type (strings normalized in place). */
function fields(o: Record<string, unknown>, shape: ParseField[], cap: number, used: { n: number }): boolean {
  for (const f of shape) {
    if (!Object.prototype.hasOwnProperty.call(o, f.name)) return false;
    const x = o[f.name];
    if (f.kind === "int") {
      if (typeof x !== "number" || !Number.isInteger(x) || x < f.lo || x > f.hi) return false;
      if (Object.is(x, -0)) o[f.name] = 0;
    } else if (f.kind === "bool") {
      if (typeof x !== "boolean") return false;
    } else if (f.kind === "object") {
      if (x === null || typeof x !== "object" || Array.isArray(x) || !fields(x as Record<string, unknown>, f.fields, cap, used)) return false;
    } else {
      if (typeof x !== "string" || x.includes("\0")) return false;
      // A lone surrogate (\ud800) is U+FFFD in C's UTF-8; the same here.
      o[f.name] = Buffer.from(x, "utf8").toString("utf8");
      used.n += Buffer.byteLength(x, "utf8") + 1;
      if (used.n > cap) return false;
    }
  }
  return true;
}
