// Types and value ranges: every integer expression has an exact range; this
// file computes the ranges of + - * % idiv, bit operations and shifts, chooses
// the C type that computes each exactly, and decides which implicit conversions
// the subset accepts (conv). It reads flow facts (flow.ts) but may not walk
// statements, and it produces C text only for the operators it types.
import { ts } from "ts-morph";
import {
  T, IntT, ClassT, FnT, EnumInfo, FnTypeInfo, FuncInfo, ParamInfo, FieldInfo, ClassInfo, ModInfo,
  INTS, intT, BOOL, F64, VOID, BYTES, PTR, NULLT, I64_MAX, fitsI32, fitsU32, rangeCt, promote, castFree,
  typeName, cType, cDecl,
} from "./types";
import { C_RESERVED, C_MACRO, cIdent, fmtRange, fmtLit, zeroOf, isZeroInit, cString, cComment, initName } from "./ctext";
import {
  Diagnostic, Val, Entity, INTRINSICS, RT_TYPES, ARRAY_KINDS, FnState, makeDiag, hasMod, jsdocTag, nullable, namedInit, lastStmt, usesThis,
  Declarations,
} from "./model";

export function pow2ceil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function wrapJs(name: string, v: number): number {
  switch (name) {
    case "u8": return v & 0xff;
    case "u16": return v & 0xffff;
    case "u32": case "usize": return v >>> 0;
    case "i8": return (v << 24) >> 24;
    case "i16": return (v << 16) >> 16;
    default: return v | 0;
  }
}

export function knownCompare(cop: string, a: Val, b: Val): boolean | undefined {
  if (a.lit !== undefined && b.lit !== undefined) return undefined; // literal vs literal: let C fold it
  switch (cop) {
    case "<": return a.hi < b.lo ? true : a.lo >= b.hi ? false : undefined;
    case "<=": return a.hi <= b.lo ? true : a.lo > b.hi ? false : undefined;
    case ">": return a.lo > b.hi ? true : a.hi <= b.lo ? false : undefined;
    case ">=": return a.lo >= b.hi ? true : a.hi < b.lo ? false : undefined;
    case "==": return a.hi < b.lo || a.lo > b.hi ? false : undefined;
    case "!=": return a.hi < b.lo || a.lo > b.hi ? true : undefined;
  }
  return undefined;
}

export abstract class Ranges extends Declarations {
  mkVal(c: string, t: T, extra: Partial<Val> = {}): Val {
    const lo = t.k === "int" ? t.lo : 0, hi = t.k === "int" ? t.hi : 0;
    return { c, t, lo, hi, atom: true, pure: true, ...extra };
  }
  bad(): Val {
    return this.mkVal("0", intT("i32"), { bad: true });
  }
  paren(v: Val): string {
    return v.atom ? v.c : `(${v.c})`;
  }
  /** v as an operand computed in C type `ct` (a literal is written for that type). */
  operand(v: Val, ct: string): string {
    if (v.lit !== undefined) {
      const s = fmtLit(v.lit, ct, v.litText);
      return s.startsWith("-") ? `(${s})` : s;
    }
    const from = v.t.k === "int" ? v.t.base : "int32_t";
    if (promote(from) === ct || (ct === "int32_t" && promote(from) === "int")) return this.paren(v);
    if (from === ct) return this.paren(v);
    return `(${ct})${this.paren(v)}`;
  }
  /** v converted (value-preserving, checked by the caller) to C integer type ct. */
  castInt(v: Val, ct: string, base?: string): string {
    if (v.lit !== undefined) return fmtLit(v.lit, base ?? ct, v.litText);
    const from = v.t.k === "int" ? v.t.base : "int32_t";
    if (castFree(from, base ?? ct)) return v.c;
    return `(${ct})${this.paren(v)}`;
  }
  /** Implicit conversion of v to type `to`, with the subset's rules. Returns the C text. */
  conv(v: Val, to: T, at: ts.Node, what: string, hint?: (wrap: string) => string): string {
    const fail = (msg: string): string => {
      this.err(at, msg);
      return "0";
    };
    if (v.bad) return "0";
    if (v.negZero && (to.k === "int" || to.k === "f64") && v.t.k === "int") {
      let inner = at;
      while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
      const src = inner.getText().replace(/\s+/g, " ");
      const w = to.k === "int" && !to.enumOf && to.name in INTS && to.lo < 0 ? to.name : "i32";
      // A compound assignment's hint is the whole assignment, in the target's type (which wraps too).
      const fix = hint ? hint(to.k === "int" && !to.enumOf && to.name in INTS ? to.name : "i32") : `${w}(${src.length <= 40 ? src : "x"})`;
      return fail(`${what} may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write ${fix} to make it 0`);
    }
    switch (to.k) {
      case "int": {
        if (v.t.k !== "int") {
          if (v.t.k === "f64") return fail(`${what}: an f64 does not convert to ${to.name} implicitly; write f64ToU32(x) or f64ToI32(x)`);
          return fail(`${what}: expected ${to.name}, got ${typeName(v.t)}; pass an integer (a comparison gives a bool, not a number)`);
        }
        if (to.enumOf && v.t.enumOf !== to.enumOf) {
          return fail(`${what}: an integer does not convert to enum ${to.name} implicitly; use a member (\`${to.name}.X\`) or write \`x as ${to.name}\``);
        }
        if (v.lo < to.lo || v.hi > to.hi) {
          const range = v.lo === v.hi ? `${v.lo}` : `${fmtRange(v.lo)}..${fmtRange(v.hi)}`;
          const src = at.getText().replace(/\s+/g, " ");
          const helper = to.enumOf ? "a member" : hint ? hint(to.name) : `${to.name}(${src.length <= 40 ? src : "x"})`;
          return fail(`${what}: implicit narrowing of ${v.t.enumOf ? v.t.name : "a value"} in ${range} to ${to.name} (${fmtRange(to.lo)}..${fmtRange(to.hi)}); write ${helper} to wrap, or widen the target type`);
        }
        return this.castInt(v, to.ct, to.base);
      }
      case "f64":
        if (v.t.k === "f64") return v.c;
        if (v.t.k === "int") {
          if (v.lit !== undefined) return Number.isInteger(v.lit) ? `${v.lit}.0` : String(v.lit);
          return `(double)${this.paren(v)}`;
        }
        return fail(`${what}: expected f64, got ${typeName(v.t)}; pass a number`);
      case "bool":
        if (v.t.k === "bool") return v.c;
        return fail(`${what}: expected bool, got ${typeName(v.t)}; write a comparison (\`x !== 0\`, \`x !== null\`)`);
      case "string":
        if (v.t.k === "string" && (to.nullable || !v.t.nullable)) return v.c;
        if (v.t.k === "null" && to.nullable) return "NULL";
        return fail(`${what}: expected ${typeName(to)}, got ${typeName(v.t)}`);
      case "bytes":
        if (v.t.k === "bytes") return v.c;
        if (v.t.k === "arr" && v.t.elem.name === "u8") return `RT_BYTES(${v.c}, ${v.t.nC})`;
        if (v.t.k === "string" && to.orStr) return `rt_str_bytes(${v.c})`;
        return fail(`${what}: expected Bytes, got ${typeName(v.t)}; pass a byte view, a Uint8Array field, lit("...") or strBytes(s)`);
      case "ptr":
        if (v.t.k === "ptr" || v.t.k === "class") return v.c;
        if (v.t.k === "null") return "NULL";
        return fail(`${what}: only a class reference, a Ptr or null converts to Ptr (got ${typeName(v.t)}); keep the value in a class and pass the object`);
      case "class":
        if (v.t.k === "class" && v.t.cls === to.cls && (to.nullable || !v.t.nullable)) return v.c;
        if (v.t.k === "null" && to.nullable) return "NULL";
        if (v.t.k === "ptr") return fail(`${what}: a Ptr does not convert to ${to.cls.name} implicitly; write \`x as ${to.cls.name}\``);
        return fail(`${what}: expected ${typeName(to)}, got ${typeName(v.t)}`);
      case "fn":
        if (v.t.k === "fn" && v.t.fn === to.fn && (to.nullable || !v.t.nullable)) return v.c;
        if (v.t.k === "null" && to.nullable) return "NULL";
        if (v.t.k === "fnref") {
          const f = v.t.fn;
          const same = f.params.length === to.fn.params.length &&
            f.params.every((p, i) => cType(p.t) === cType(to.fn.params[i])) && cType(f.ret) === cType(to.fn.ret);
          if (!same) {
            const want = `(${to.fn.params.map(typeName).join(", ")}) => ${typeName(to.fn.ret)}`;
            return fail(`${what}: function \`${f.name}\` does not have the exact C signature of ${to.fn.name} ${want}; declare it with exactly these parameter types (unused ones too)`);
          }
          f.used = true;
          return v.c;
        }
        return fail(`${what}: expected ${typeName(to)}, got ${typeName(v.t)}`);
      case "void":
        return fail(`${what}: a void function returns no value; write \`return;\``);
      default:
        return fail(`${what}: ${typeName(to)} is not a value type; use a reference or a byte view`);
    }
  }
  /** Inside u8()..u32()/i8()..i32(): + - * chains may be computed in uint32_t. */
  protected wrap32 = false;
  /** The C type computing an operation whose operands and result lie in lo..hi:
   *  uint32_t when the operands already are (no casts), else the smallest of i32, u32, i64. */
  protected opCt(lo: number, hi: number, a: Val, b: Val): string {
    const ct = rangeCt(lo, hi);
    const u = (v: Val) => (v.lit !== undefined ? v.lit >= 0 : v.t.k === "int" && promote(v.t.base) === "uint32_t");
    return ct === "int32_t" && lo >= 0 && u(a) && u(b) && (a.lit === undefined || b.lit === undefined) ? "uint32_t" : ct;
  }
  /** `clamp`: bounds the flow facts prove for this very expression (flow.ts). */
  protected arith(at: ts.Node, op: string, a0: Val, b0: Val, clamp?: [number, number]): Val {
    // Ranges of the exact values (a wrapped operand remembers its exact range).
    const a = { ...a0, lo: a0.rlo ?? a0.lo, hi: a0.rhi ?? a0.hi }, b = { ...b0, lo: b0.rlo ?? b0.lo, hi: b0.rhi ?? b0.hi };
    let lo: number, hi: number;
    if (op === "+") { lo = a.lo + b.lo; hi = a.hi + b.hi; }
    else if (op === "-") { lo = a.lo - b.hi; hi = a.hi - b.lo; }
    else {
      const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
      lo = Math.min(...c); hi = Math.max(...c);
      if (Object.is(lo, -0)) lo = 0;
      if (Object.is(hi, -0)) hi = 0;
    }
    if (clamp && Math.max(lo, clamp[0]) <= Math.min(hi, clamp[1])) {
      lo = Math.max(lo, clamp[0]);
      hi = Math.min(hi, clamp[1]);
    }
    if (lo < -I64_MAX || hi > I64_MAX) {
      this.err(at, `the result may exceed 2^53 (${typeName(a.t)} ${op} ${typeName(b.t)}), where Node loses precision; ${op === "*" ? `write ${mulHint(at)} for a wrapped 32-bit product` : "wrap an operand first, e.g. u32(x)"}`);
      return this.bad();
    }
    const ct = this.opCt(Math.min(lo, a0.lo, b0.lo), Math.max(hi, a0.hi, b0.hi), a0, b0);
    const pure = a.pure && b.pure;
    const mayZero = (v: Val) => v.lo <= 0 && v.hi >= 0;
    const mayNeg = (v: Val) => v.lo < 0 || !!v.negZero;
    const negZero = (op === "+" ? !!a.negZero && !!b.negZero : op === "-" ? !!a.negZero && mayZero(b) :
      (mayZero(a) && mayNeg(b)) || (mayZero(b) && mayNeg(a))) || undefined;
    if (this.wrap32 && ct === "int64_t" && a.lit === undefined || this.wrap32 && ct === "int64_t" && b.lit === undefined) {
      // Only the low 32 bits are used: compute modulo 2^32 (no 64-bit arithmetic).
      return { c: `${this.u32operand(a0)} ${op} ${this.u32operand(b0)}`, t: intT("u32"), lo: 0, hi: 4294967295, rlo: lo, rhi: hi, atom: false, pure };
    }
    if (a.lit !== undefined && b.lit !== undefined) {
      const v = op === "+" ? a.lit + b.lit : op === "-" ? a.lit - b.lit : a.lit * b.lit;
      return { c: fmtLit(v, rangeCt(v, v)), t: intT(rangeCt(v, v) === "int64_t" ? "i64" : v > 2147483647 ? "u32" : "i32"), lo: v + 0, hi: v + 0, atom: v >= 0, pure, lit: v + 0, negZero: Object.is(v, -0) || undefined };
    }
    return { c: `${this.operand(a, ct)} ${op} ${this.operand(b, ct)}`, t: { ...intT(ct === "int32_t" ? "i32" : ct === "uint32_t" ? "u32" : "i64") }, lo, hi, atom: false, pure, sumOf: op === "+" ? [a0, b0] : undefined, negZero };
  }
  /** Interval of a / b (truncating), b's range split around 0. */
  protected divRange(a: Val, b: Val): [number, number] {
    const parts: [number, number][] = [];
    if (b.lo <= -1) parts.push([b.lo, Math.min(b.hi, -1)]);
    if (b.hi >= 1) parts.push([Math.max(b.lo, 1), b.hi]);
    let lo = b.lo <= 0 && b.hi >= 0 ? 0 : Infinity, hi = lo === 0 ? 0 : -Infinity;
    for (const [l, h] of parts) {
      for (const x of [a.lo, a.hi]) for (const y of [l, h]) {
        const q = Math.trunc(x / y) + 0;
        lo = Math.min(lo, q); hi = Math.max(hi, q);
      }
    }
    return [lo, hi];
  }
  divmod(at: ts.Node, op: "/" | "%", a: Val, b: Val): Val {
    if (a.t.k !== "int" || b.t.k !== "int") {
      this.err(at, op === "/" ? "idiv() takes integers; for f64 write a / b" : "`%` takes integers");
      return this.bad();
    }
    let lo: number, hi: number;
    if (op === "/") [lo, hi] = this.divRange(a, b);
    else {
      const m = Math.max(Math.abs(b.lo), Math.abs(b.hi)) - 1;
      lo = a.lo >= 0 ? 0 : Math.max(a.lo, -m);
      hi = a.hi <= 0 ? 0 : Math.min(a.hi, m);
      if (m < 0) { lo = 0; hi = 0; }
    }
    const ct = this.opCt(Math.min(lo, a.lo, b.lo), Math.max(hi, a.hi, b.hi), a, b);
    const pure = a.pure && b.pure;
    const t = intT(ct === "int32_t" ? "i32" : ct === "uint32_t" ? "u32" : "i64");
    // Node: -7 % 7 is -0 (idiv() gives 0: rt.ts adds 0).
    const negZero = (op === "%" && (a.lo < 0 || !!a.negZero)) || undefined;
    const safe = (b.lo > 0 || b.hi < -1 || (b.lo >= 1) || (b.hi <= -2)) && !(b.lo <= 0 && b.hi >= 0);
    const noMinusOne = b.lo > -1 || b.hi < -1 || a.lo > -2147483648 || ct === "int64_t";
    if (safe && (op === "/" || noMinusOne)) {
      return { c: `${this.operand(a, ct)} ${op} ${this.operand(b, ct)}`, t, lo, hi, atom: false, pure, negZero };
    }
    const helper = `rt_${op === "/" ? "idiv" : "mod"}_${ct === "int32_t" ? "i32" : ct === "uint32_t" ? "u32" : "i64"}`;
    return { c: `${helper}(${this.castInt(a, ct)}, ${this.castInt(b, ct)})`, t, lo, hi, atom: true, pure, negZero };
  }
  /** The range of ToInt32(v). */
  protected i32r(v: Val): [number, number] {
    return fitsI32(v.lo, v.hi) ? [v.lo, v.hi] : [-2147483648, 2147483647];
  }
  protected bitop(op: string, a: Val, b: Val, pure: boolean): Val {
    // `x | 0`, `x ^ 0` of an i32 value: no operation in C.
    if ((op === "|" || op === "^") && b.lit === 0 && a.t.k === "int" && fitsI32(a.lo, a.hi)) {
      return { ...a, pure, negZero: undefined, lit: a.lit !== undefined ? a.lit + 0 : undefined };
    }
    const [alo, ahi] = this.i32r(a), [blo, bhi] = this.i32r(b);
    let lo = -2147483648, hi = 2147483647;
    if (op === "&") {
      if (alo >= 0 && blo >= 0) { lo = 0; hi = Math.min(ahi, bhi); }
      else if (alo >= 0) { lo = 0; hi = ahi; }
      else if (blo >= 0) { lo = 0; hi = bhi; }
    } else if (alo >= 0 && blo >= 0) {
      lo = 0; hi = pow2ceil(Math.max(ahi, bhi) + 1) - 1;
    }
    return this.bitResult(op, a, b, lo, hi, pure);
  }
  /** Emits a & b (etc.) natively when C computes the JS value, else in uint32_t. */
  protected bitResult(op: string, a: Val, b: Val, lo: number, hi: number, pure: boolean): Val {
    const nonneg = (v: Val) => v.lo >= 0 && v.hi <= 2147483647;
    const pa = a.t.k === "int" ? promote(a.t.base) : "int32_t", pb = b.t.k === "int" ? promote(b.t.base) : "int32_t";
    const t = (ct: string) => intT(ct === "int32_t" ? "i32" : "u32");
    if (nonneg(a) && nonneg(b)) {
      const ct = a.lit !== undefined ? (pb === "uint32_t" ? "uint32_t" : "int32_t") : b.lit !== undefined ? (pa === "uint32_t" ? "uint32_t" : "int32_t") : pa === pb && (pa === "int32_t" || pa === "uint32_t") ? pa : "uint32_t";
      return { c: `${this.operand(a, ct)} ${op} ${this.operand(b, ct)}`, t: t(ct), lo, hi, atom: false, pure };
    }
    if (fitsI32(a.lo, a.hi) && fitsI32(b.lo, b.hi)) {
      return { c: `${this.operand(a, "int32_t")} ${op} ${this.operand(b, "int32_t")}`, t: t("int32_t"), lo, hi, atom: false, pure };
    }
    const bits = `${this.u32operand(a)} ${op} ${this.u32operand(b)}`;
    if (lo >= 0) return { c: bits, t: t("uint32_t"), lo, hi, atom: false, pure };
    return { c: `rt_i32_of(${bits})`, t: t("int32_t"), lo, hi, atom: true, pure, u32bits: `(${bits})` };
  }
  protected u32operand(v: Val): string {
    if (v.u32bits) return v.u32bits;
    if (v.lit !== undefined) {
      const s = fmtLit(v.lit >>> 0, "uint32_t", v.lit >= 0 ? v.litText : undefined);
      return s.endsWith("u") ? s : s + "u";
    }
    return this.operand(v, "uint32_t");
  }
  protected shift(op: string, a: Val, b: Val, pure: boolean): Val {
    // `x >> 0`, `x << 0` of an i32 value, `x >>> 0` of a u32 value: no operation in C
    // (under Node they only turn -0 into 0).
    if (b.lit !== undefined && (b.lit & 31) === 0 && a.t.k === "int" &&
      (op === ">>>" ? a.lo >= 0 && a.hi <= 4294967295 : fitsI32(a.lo, a.hi))) {
      return { ...a, pure, negZero: undefined, lit: a.lit !== undefined ? a.lit + 0 : undefined };
    }
    if (op === ">>>" && b.lit !== undefined && (b.lit & 31) === 0 && a.t.k === "int" && a.lit === undefined) {
      // `x >>> 0` of a negative i32: the u32 bit pattern, nothing to shift.
      return { c: this.u32operand(a), t: intT("u32"), lo: 0, hi: 4294967295, atom: false, pure };
    }
    // Count: masked with 31 as JS does; a count known to be in 0..31 needs no mask.
    let nlo: number, nhi: number, nc: string;
    if (b.lit !== undefined) { nlo = nhi = b.lit & 31; nc = String(nlo); }
    else if (b.lo >= 0 && b.hi <= 31) { nlo = b.lo; nhi = b.hi; nc = this.paren(b); }
    else { nlo = 0; nhi = 31; nc = `(${this.castInt(b, "uint32_t")} & 31u)`; if (b.t.k === "int" && b.lo < 0) nc = `(${this.u32operand(b)} & 31u)`; }
    const t = (ct: string) => intT(ct === "int32_t" ? "i32" : "u32");
    const pa = a.t.k === "int" ? promote(a.t.base) : "int32_t";
    const nativeCt = pa === "uint32_t" ? "uint32_t" : "int32_t";
    if (op === "<<") {
      if (a.lo >= 0 && a.hi * 2 ** nhi <= 2147483647) {
        return { c: `${this.operand(a, nativeCt)} << ${nc}`, t: t(nativeCt), lo: a.lo * 2 ** nlo, hi: a.hi * 2 ** nhi, atom: false, pure };
      }
      const bits = `${this.u32operand(a)} << ${nc}`;
      return { c: `rt_i32_of(${bits})`, t: t("int32_t"), lo: -2147483648, hi: 2147483647, atom: true, pure, u32bits: `(${bits})` };
    }
    if (op === ">>") {
      if (a.lo >= 0 && a.hi <= 2147483647) {
        return { c: `${this.operand(a, nativeCt)} >> ${nc}`, t: t(nativeCt), lo: Math.floor(a.lo / 2 ** nhi), hi: Math.floor(a.hi / 2 ** nlo), atom: false, pure };
      }
      const [alo, ahi] = this.i32r(a);
      const lo = alo < 0 ? alo >> nlo : alo >> nhi, hi = ahi < 0 ? ahi >> nhi : ahi >> nlo;
      const ac = fitsI32(a.lo, a.hi) ? this.castInt(a, "int32_t") : `rt_i32_of(${this.u32operand(a)})`;
      return { c: `rt_sar32(${ac}, ${nc})`, t: t("int32_t"), lo, hi, atom: true, pure };
    }
    // >>>: the u32 bit pattern shifted right.
    if (a.lo >= 0 && a.hi <= 4294967295) {
      const ct = a.hi <= 2147483647 ? nativeCt : "uint32_t";
      return { c: `${this.operand(a, ct)} >> ${nc}`, t: t(ct), lo: Math.floor(a.lo / 2 ** nhi), hi: Math.floor(a.hi / 2 ** nlo), atom: false, pure };
    }
    return { c: `${this.u32operand(a)} >> ${nc}`, t: t("uint32_t"), lo: 0, hi: Math.floor(4294967295 / 2 ** nlo), atom: false, pure };
  }
}

/** `mul32(a, b)` with the operands of `a * b` when short. */
function mulHint(at: ts.Node): string {
  if (!ts.isBinaryExpression(at) || at.operatorToken.kind !== ts.SyntaxKind.AsteriskToken) return "mul32(a, b)";
  const l = at.left.getText(), r = at.right.getText();
  return (l + r).length > 60 ? "mul32(a, b)" : `mul32(${l}, ${r})`;
}
