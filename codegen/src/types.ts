// The compiler's own type model. TypeScript erases `type u8 = number`, so the
// compiler reads alias names from declarations and tracks integer value ranges
// itself (see codegen/SUBSET.md).
import { ts } from "ts-morph";

export interface IntT {
  k: "int";
  /** Source name: u8, u32, an enum name, or i32/u32/i64 for computed values. */
  name: string;
  /** The C type of a value of this type (an enum's typedef name for enums). */
  ct: string;
  /** The underlying C integer type (differs from ct for enums). */
  base: string;
  lo: number;
  hi: number;
  enumOf?: EnumInfo;
}
export interface ClassT { k: "class"; cls: ClassInfo; nullable: boolean }
export interface FnT { k: "fn"; fn: FnTypeInfo; nullable: boolean }
export type T =
  | IntT
  | ClassT
  | FnT
  | { k: "void" }
  | { k: "bool" }
  | { k: "f64" }
  | { k: "string"; nullable: boolean }
  | { k: "ptr" }
  /** orStr: declared `Bytes | string` (a string converts to its bytes). */
  | { k: "bytes"; orStr?: boolean }
  | { k: "null" }
  /** A fixed integer array (Uint8Array field/global of constant size). */
  | { k: "arr"; elem: IntT; n: number; nC: string; nLo: number; nHi: number }
  /** A fixed array of structs (structs(N, C)). */
  | { k: "sarr"; cls: ClassInfo; n: number; nC: string }
  /** A module-level const table (readonly u8[]). */
  | { k: "table"; elem: IntT; n: number }
  /** A module-level name list (`const T: readonly string[] = ["a", "b"]`): one
   *  NUL-separated C text, read only through nameAt(T, i, dflt). */
  | { k: "names"; n: number }
  /** A top-level function used as a value. */
  | { k: "fnref"; fn: FuncInfo };

export interface EnumInfo { name: string; members: Map<string, number>; t: IntT; decl: ts.EnumDeclaration }
export interface FnTypeInfo { name: string; params: T[]; ret: T; decl: ts.TypeAliasDeclaration }
export interface ParamInfo { name: string; cname: string; t: T; def?: ts.Expression; decl: ts.ParameterDeclaration }
export interface FuncInfo {
  name: string;
  cname: string;
  params: ParamInfo[];
  ret: T;
  decl: ts.FunctionDeclaration | ts.MethodDeclaration;
  mod: ModInfo;
  cls?: ClassInfo;
  extern: boolean;
  /** Visible outside its .c file (exported function, public method). */
  exported: boolean;
  /** Exported in TypeScript but static in C: no other library module uses it (visibility.ts). */
  hidden?: boolean;
  used: boolean;
  /** Its byte-view parameters are passed as pointer and length (splitViews()). */
  split?: boolean;
}
export type Storage = "val" | "embed" | "buf" | "sarr";
export interface FieldInfo { name: string; cname: string; t: T; storage: Storage; decl: ts.PropertyDeclaration }
export interface ClassInfo {
  name: string;
  cname: string;
  decl: ts.ClassDeclaration;
  mod: ModInfo;
  fields: Map<string, FieldInfo>;
  methods: Map<string, FuncInfo>;
  /** Fields whose declaration was rejected (their uses are not reported again). */
  badFields?: Set<string>;
  /** Statements of C_init(self) (non-zero fields), empty when every field starts zero. */
  initBody?: string[];
  initState?: "busy" | "done";
}
export interface ModInfo {
  sf: ts.SourceFile;
  /** Path relative to the root, with forward slashes. */
  rel: string;
  base: string;
  imports: Set<ModInfo>;
  /** Headers its .c needs beyond its own (the @loglevel constant's). */
  extraIncludes?: Set<string>;
}

export const I64_MAX = 2 ** 53;
export const INTS: Record<string, { ct: string; lo: number; hi: number }> = {
  u8: { ct: "uint8_t", lo: 0, hi: 255 },
  u16: { ct: "uint16_t", lo: 0, hi: 65535 },
  u32: { ct: "uint32_t", lo: 0, hi: 4294967295 },
  i8: { ct: "int8_t", lo: -128, hi: 127 },
  i16: { ct: "int16_t", lo: -32768, hi: 32767 },
  i32: { ct: "int32_t", lo: -2147483648, hi: 2147483647 },
  int: { ct: "int", lo: -2147483648, hi: 2147483647 },
  usize: { ct: "size_t", lo: 0, hi: 4294967295 },
  i64: { ct: "int64_t", lo: -I64_MAX, hi: I64_MAX },
};
export function intT(name: string): IntT {
  const d = INTS[name];
  return { k: "int", name, ct: d.ct, base: d.ct, lo: d.lo, hi: d.hi };
}
export const BOOL: T = { k: "bool" };
export const F64: T = { k: "f64" };
export const VOID: T = { k: "void" };
export const BYTES: T = { k: "bytes" };
export const PTR: T = { k: "ptr" };
export const NULLT: T = { k: "null" };

export const fitsI32 = (lo: number, hi: number) => lo >= -2147483648 && hi <= 2147483647;
export const fitsU32 = (lo: number, hi: number) => lo >= 0 && hi <= 4294967295;

/** The C type that computes a value of this range exactly. */
export function rangeCt(lo: number, hi: number): string {
  if (fitsI32(lo, hi)) return "int32_t";
  if (fitsU32(lo, hi)) return "uint32_t";
  return "int64_t";
}
export function rangeName(ct: string): string {
  return ct === "int32_t" ? "i32" : ct === "uint32_t" ? "u32" : "i64";
}
export function computedInt(lo: number, hi: number): IntT {
  const ct = rangeCt(lo, hi);
  const t = intT(rangeName(ct));
  return t;
}

/** C integer type after the usual integer promotions (int is 32 bits on every target). */
export function promote(ct: string): string {
  switch (ct) {
    case "uint8_t": case "uint16_t": case "int8_t": case "int16_t": case "int": case "int32_t": case "bool":
      return "int32_t";
    default:
      return ct;
  }
}
const WIDTH: Record<string, [number, boolean]> = {
  uint8_t: [8, false], uint16_t: [16, false], uint32_t: [32, false],
  int8_t: [8, true], int16_t: [16, true], int32_t: [32, true], int: [32, true], int64_t: [64, true],
};
/** True when C converts `from` to `to` implicitly without a -Wconversion warning
 *  and without changing any value. */
export function castFree(from: string, to: string): boolean {
  if (from === to) return true;
  if ((from === "int" && to === "int32_t") || (from === "int32_t" && to === "int")) return true;
  if (to === "size_t") return from === "uint8_t" || from === "uint16_t" || from === "uint32_t";
  const f = WIDTH[from], t = WIDTH[to];
  if (!f || !t) return false;
  if (!f[1]) return t[0] > f[0]; // unsigned into anything wider
  return t[1] && t[0] > f[0]; // signed into a wider signed
}

export function typeName(t: T): string {
  switch (t.k) {
    case "int": return t.name;
    case "class": return t.cls.name + (t.nullable ? " | null" : "");
    case "fn": return t.fn.name + (t.nullable ? " | null" : "");
    case "string": return t.nullable ? "string | null" : "string";
    case "arr": return `fixed ${t.elem.name} array`;
    case "sarr": return `${t.cls.name}[]`;
    case "table": return `readonly ${t.elem.name}[]`;
    case "names": return "a name list (readonly string[])";
    case "fnref": return `function ${t.fn.name}`;
    case "ptr": return "Ptr";
    case "bytes": return "Bytes";
    default: return t.k;
  }
}

/** The C type used to declare a variable, parameter, field or return of type t. */
export function cType(t: T): string {
  switch (t.k) {
    case "int": return t.ct;
    case "bool": return "bool";
    case "f64": return "double";
    case "string": return "const char *";
    case "ptr": return "void *";
    case "bytes": return "rt_bytes";
    case "class": return t.cls.cname + " *";
    case "fn": return t.fn.name;
    case "void": return "void";
    default: return "void *";
  }
}
/** The C parameter list of a function: `self`, then each parameter; a byte view
 *  of a split function (FuncInfo.split) as two, `<name>_p` and `<name>_len`. */
export function cParams(fi: FuncInfo, split = !!fi.split): string {
  const ps = fi.params.flatMap((p) => (split && p.t.k === "bytes" ? [`uint8_t *${p.cname}_p`, `uint32_t ${p.cname}_len`] : [cDecl(p.t, p.cname)]));
  if (fi.cls) ps.unshift(`${fi.cls.cname} *self`);
  return ps.length ? ps.join(", ") : "void";
}
/** The C name of a function's definition: a split function's is `<cname>_v`;
 *  `<cname>` is then its wrapper, which takes the views whole, so calls (and
 *  hand-written C) read as before (splitWrapper()). */
export function defName(fi: FuncInfo): string {
  return fi.split ? `${fi.cname}_v` : fi.cname;
}
/** `static inline` wrapper of a split function, with the views whole: every call
 *  goes through it, so GCC inlines it and passes the two words in registers.
 *  (GCC stores an aggregate parameter to the stack in the prologue of every
 *  function that takes one, though ARM and Xtensa pass it in two registers.) */
export function splitWrapper(fi: FuncInfo): string {
  const args = fi.params.flatMap((p) => (p.t.k === "bytes" ? [`${p.cname}.p`, `${p.cname}.len`] : [p.cname]));
  if (fi.cls) args.unshift("self");
  const call = `${defName(fi)}(${args.join(", ")})`;
  return `static RT_INLINE ${cDecl(fi.ret, `${fi.cname}(${cParams(fi, false)})`)} { ${fi.ret.k === "void" ? "" : "return "}${call}; }`;
}
export function cDecl(t: T, name: string): string {
  const ct = cType(t);
  return ct.endsWith("*") ? ct + name : ct + " " + name;
}
