// C text of names and literals: C identifiers that do not clash with C
// keywords and macros, integer and string literals, comments, zero values.
// Pure functions of their arguments: no diagnostics, no compiler state.
import { T, ClassInfo, fitsI32 } from "./types";

export const C_RESERVED = new Set(
  ("auto break case char const continue default do double else enum extern float for goto if inline int long " +
    "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while " +
    "_Bool _Complex _Imaginary bool true false NULL self errno stdin stdout stderr assert offsetof " +
    "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t size_t uintptr_t main").split(" "),
);

/** The field initializer function: C_init, or C_initFields when the class has its own `init` method. */
export function initName(cls: ClassInfo): string {
  return cls.methods.has("init") ? `${cls.cname}_initFields` : `${cls.cname}_init`;
}

/** Macros of <stdint.h>/<stddef.h>/<stdbool.h>/<string.h>, the runtime's names, and reserved identifiers. */
export const C_MACRO = /^(U?INT(8|16|32|64|PTR|MAX)?_(MIN|MAX|C)|U?INT_(LEAST|FAST)(8|16|32|64)_(MIN|MAX)|SIZE_MAX|PTRDIFF_(MIN|MAX)|SIG_ATOMIC_(MIN|MAX)|WCHAR_(MIN|MAX)|WINT_(MIN|MAX)|U?INTMAX_C|EOF|CONFIG_\w*|RT_\w*|rt_\w*|_[A-Z_]\w*|__\w*)$/;

export function cIdent(name: string): string {
  return C_RESERVED.has(name) || C_MACRO.test(name) ? `${name}_` : name;
}

export function fmtRange(n: number): string {
  if (n === 4294967295) return "2^32-1";
  if (n === 2147483647) return "2^31-1";
  if (n === -2147483648) return "-2^31";
  return String(n);
}

/** A literal written for C type ct; hex kept when the source used hex. */
export function fmtLit(v: number, ct: string, text?: string): string {
  const hex = text && /^0[xX][0-9a-fA-F]+$/.test(text) ? "0x" + v.toString(16) : undefined;
  if (v === -2147483648 && ct !== "int64_t") return "INT32_MIN";
  if (ct === "int64_t" && !fitsI32(v, v)) return `INT64_C(${v})`;
  const body = hex ?? String(Math.abs(v));
  const s = v < 0 ? `-${body}` : body;
  if ((ct === "uint32_t" || ct === "size_t") && v > 2147483647) return `${s}u`;
  if (ct === "double") return `${v}.0`;
  return s;
}

export function zeroOf(t: T): string {
  switch (t.k) {
    case "int": return t.enumOf ? `(${t.ct})0` : "0";
    case "bool": return "false";
    case "f64": return "0.0";
    case "bytes": return "RT_NOBYTES";
    default: return "NULL";
  }
}

export function isZeroInit(c: string): boolean {
  return c === "0" || c === "false" || c === "0.0" || c === "NULL" || c === "RT_NOBYTES_INIT" || c === "{0}" || c === "{{0}}" || c === "" || /^\(\w+\)0$/.test(c);
}

/** A C string literal (UTF-8 bytes; octal escapes; `?` escaped against trigraphs). */
export function cString(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let r = '"';
  for (const b of bytes) {
    if (b === 0x22) r += '\\"';
    else if (b === 0x5c) r += "\\\\";
    else if (b === 0x3f) r += "\\?";
    else if (b === 0x0a) r += "\\n";
    else if (b === 0x0d) r += "\\r";
    else if (b === 0x09) r += "\\t";
    else if (b >= 0x20 && b < 0x7f) r += String.fromCharCode(b);
    else r += "\\" + b.toString(8).padStart(3, "0");
  }
  return r + '"';
}

/** A TypeScript comment as C: no trigraphs, no line splices, no nested close. */
export function cComment(text: string): string {
  let t = text.replace(/\?\?/g, "? ?");
  if (t.startsWith("//")) return t.replace(/\\+$/, "");
  return t.replace(/\r/g, "");
}
