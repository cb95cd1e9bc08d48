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
  let src: string;
  try {
    // Bytes that are not UTF-8 are refused, as the C reader does (not read as U+FFFD).
    src = typeof text === "string" ? text : new TextDecoder("utf-8", { fatal: true }).decode(text);
    v = JSON.parse(src);
  } catch {
    return null;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v) || depth(v) > PARSE_DEPTH) return null;
  const used = { n: 0 };
  return fields(v as Record<string, unknown>, rawOf(src), shape, cap, used) ? (v as Record<string, unknown>) : null;
}

/** A JSON text's values with each number's source text (the text is valid JSON). */
type Raw = { num: string } | Map<string, Raw> | Raw[] | null;
const NUM = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
function rawOf(src: string): Raw {
  let i = 0;
  const ws = (): void => {
    while (i < src.length && " \t\n\r".includes(src[i])) i++;
  };
  const str = (): string => {
    const s = i;
    for (i++; src[i] !== "\""; i++) if (src[i] === "\\") i++;
    i++;
    return JSON.parse(src.slice(s, i)) as string;
  };
  const value = (): Raw => {
    ws();
    const c = src[i];
    if (c === "{") {
      const m = new Map<string, Raw>();
      i++;
      ws();
      if (src[i] === "}") { i++; return m; }
      for (;;) {
        ws();
        const k = str();
        ws();
        i++; // :
        m.set(k, value()); // of a repeated key the last counts, as JSON.parse keeps
        ws();
        if (src[i++] === "}") return m;
      }
    }
    if (c === "[") {
      const a: Raw[] = [];
      i++;
      ws();
      if (src[i] === "]") { i++; return a; }
      for (;;) {
        a.push(value());
        ws();
        if (src[i++] === "]") return a;
      }
    }
    if (c === "\"") { str(); return null; }
    NUM.lastIndex = i;
    const m = NUM.exec(src);
    if (m) { i += m[0].length; return { num: m[0] }; }
    i += c === "n" ? 4 : c === "t" ? 4 : 5; // null, true, false
    return null;
  };
  return value();
}

/** Whether number text `t` is exactly an integer in lo..hi, by its decimal
 *  digits as the C reader (app_json.ts pInt) takes it: `1.00000000000000000001`
 *  and `1e-400` are not integers, though JSON.parse rounds them to one. */
function exactInt(t: string, lo: number, hi: number): boolean {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(t);
  if (!m) return false;
  let d = (m[2] + (m[3] ?? "")).replace(/^0+/, "");
  let exp = Number(m[4] ?? "0") - (m[3] ?? "").length;
  if (d === "") return lo <= 0 && hi >= 0;
  const z = /0*$/.exec(d)![0].length;
  d = d.slice(0, d.length - z);
  exp += z;
  if (exp < 0 || d.length + exp > 20) return false;
  const v = BigInt(m[1] + d) * 10n ** BigInt(exp);
  return v >= BigInt(lo) && v <= BigInt(hi);
}

/** Whether object `o` has every field of `shape`, each of its type (strings
 *  normalized in place); `raw` is the same object with its numbers' text. */
function fields(o: Record<string, unknown>, raw: Raw, shape: ParseField[], cap: number, used: { n: number }): boolean {
  for (const f of shape) {
    if (!Object.prototype.hasOwnProperty.call(o, f.name)) return false;
    const x = o[f.name];
    const r = raw instanceof Map ? raw.get(f.name) ?? null : null;
    if (f.kind === "int") {
      if (typeof x !== "number" || r === null || !("num" in r) || !exactInt(r.num, f.lo, f.hi)) return false;
      if (Object.is(x, -0)) o[f.name] = 0;
    } else if (f.kind === "bool") {
      if (typeof x !== "boolean") return false;
    } else if (f.kind === "object") {
      if (x === null || typeof x !== "object" || Array.isArray(x) || !fields(x as Record<string, unknown>, r, f.fields, cap, used)) return false;
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
