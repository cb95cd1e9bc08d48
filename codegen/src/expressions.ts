// Expressions: translates each TypeScript expression to a Val (C text, subset
// type, value range): names, fields, elements, calls, intrinsics, ?:, && ||,
// comparisons, assignable places, and JavaScript's left-to-right evaluation
// order (temporaries in `pre`). It may not emit statements itself: the
// temporaries it needs are flushed by statements.ts.
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
import { Ranges, pow2ceil, wrapJs, knownCompare } from "./ranges";
import { Flow } from "./flow";

/** The level parameter of a `@log` function: the one named `level`, else the first. */
function logLevelParam(d: ts.FunctionDeclaration | ts.MethodDeclaration): number {
  const i = d.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === "level");
  return i >= 0 ? i : 0;
}

export abstract class Expressions extends Ranges {
  // Template literals, string + and JSON.stringify() (lower.ts).
  protected abstract canLower(): boolean;
  protected abstract lowerText(e: ts.Expression): Val;
  protected abstract lowerJson(e: ts.CallExpression): Val;
  protected abstract lowerSized(e: ts.CallExpression): Val | null;
  protected abstract isStringPlus(e: ts.Expression): boolean;
  protected abstract isSized(e: ts.CallExpression): boolean;
  protected abstract strEq(): string;
  protected abstract isParseAs(e: ts.AsExpression): ts.CallExpression | null;
  protected abstract lowerParse(e: ts.AsExpression, call: ts.CallExpression): Val;
  /** Statements that must run before the current statement: temporaries that fix
   *  JavaScript's left-to-right evaluation order where C leaves it open. */
  protected pre: string[] = [];
  /** > 0 inside the conditionally evaluated operand of && || ?: (no hoisting there). */
  protected condDepth = 0;
  expr(e: ts.Expression): Val {
    const K = ts.SyntaxKind;
    const keep = this.wrap32 && (ts.isParenthesizedExpression(e) ||
      (ts.isBinaryExpression(e) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.operatorToken.kind)));
    const saved = this.wrap32;
    if (!keep) this.wrap32 = false;
    try {
      const v = this.expr0(e);
      if (this.fs && v.t.k === "int" && !v.bad) this.nodeRange.set(e, [v.lo, v.hi]);
      return { ...v, preEnd: this.pre.length };
    } finally {
      this.wrap32 = saved;
    }
  }
  protected expr0(e: ts.Expression): Val {
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral: {
        const n = e as ts.NumericLiteral;
        const v = Number(n.text);
        if (!Number.isInteger(v) || /^[0-9_]*[.eE]/.test(n.getText())) return this.mkVal(String(v).includes(".") || String(v).includes("e") ? String(v) : `${v}.0`, F64, { lit: v });
        if (Math.abs(v) > I64_MAX) {
          this.err(e, "integer literal beyond 2^53 is not exact under Node; write a smaller value");
          return this.bad();
        }
        return { c: fmtLit(v, rangeCt(v, v), n.getText()), t: intT(rangeCt(v, v) === "int64_t" ? "i64" : v < 0 ? "i32" : v > 2147483647 ? "u32" : "i32"), lo: v, hi: v, atom: true, pure: true, lit: v, litText: n.getText() };
      }
      case ts.SyntaxKind.StringLiteral:
        if ((e as ts.StringLiteral).text.includes("\0")) {
          this.err(e, "a string literal with a NUL character is cut there in C (it is a C string); write lit(\"...\") for bytes that contain NUL");
          return this.bad();
        }
        return this.mkVal(this.pooled(cString((e as ts.StringLiteral).text)), { k: "string", nullable: false });
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression:
        if (this.canLower()) return this.lowerText(e);
        this.err(e, "template strings are not in the subset of the library (app code has them: ts-src/app/app_fmt.ts); write a plain string literal and print the parts separately");
        return this.bad();
      case ts.SyntaxKind.TrueKeyword: return this.mkVal("true", BOOL);
      case ts.SyntaxKind.FalseKeyword: return this.mkVal("false", BOOL);
      case ts.SyntaxKind.NullKeyword: return this.mkVal("NULL", NULLT);
      case ts.SyntaxKind.ThisKeyword: {
        if (!this.fs?.fi.cls || this.constMode) {
          this.err(e, "`this` is only available in methods; pass the object as a parameter");
          return this.bad();
        }
        return this.mkVal("self", { k: "class", cls: this.fs.fi.cls, nullable: false });
      }
      case ts.SyntaxKind.ParenthesizedExpression: {
        const v = this.expr((e as ts.ParenthesizedExpression).expression);
        return { ...v, c: v.atom ? v.c : `(${v.c})`, atom: true, lit: v.lit !== undefined && v.lit < 0 ? undefined : v.lit };
      }
      case ts.SyntaxKind.Identifier: return this.ident(e as ts.Identifier);
      case ts.SyntaxKind.PropertyAccessExpression: {
        const nm = this.nsMember(e);
        return nm ? this.ident(nm) : this.prop(e as ts.PropertyAccessExpression);
      }
      case ts.SyntaxKind.ElementAccessExpression: return this.elem(e as ts.ElementAccessExpression);
      case ts.SyntaxKind.CallExpression: return this.call(e as ts.CallExpression);
      case ts.SyntaxKind.BinaryExpression: return this.binary(e as ts.BinaryExpression);
      case ts.SyntaxKind.PrefixUnaryExpression: return this.prefix(e as ts.PrefixUnaryExpression);
      case ts.SyntaxKind.PostfixUnaryExpression: return this.incdec(e as ts.PostfixUnaryExpression, false);
      case ts.SyntaxKind.ConditionalExpression: return this.cond(e as ts.ConditionalExpression);
      case ts.SyntaxKind.AsExpression: return this.asExpr(e as ts.AsExpression);
      case ts.SyntaxKind.NonNullExpression: {
        const v = this.expr((e as ts.NonNullExpression).expression);
        if ((v.t.k === "class" || v.t.k === "fn" || v.t.k === "string") && v.t.nullable) return { ...v, t: { ...v.t, nullable: false } as T };
        return v;
      }
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression: {
        const cap = this.capturedLocal(e as ts.ArrowFunction | ts.FunctionExpression);
        if (cap) {
          this.err(e, `this function captures the local \`${cap}\` (a closure); C has no closures: declare a top-level function and keep \`${cap}\` in a module variable, or pass it in an object as the user data (Ptr)`);
        } else {
          this.err(e, "arrow functions and function expressions are not in the subset (no closures); declare a top-level function and pass user data as a Ptr");
        }
        return this.bad();
      }
      case ts.SyntaxKind.ObjectLiteralExpression:
        this.err(e, "object literals are not in the subset (no dynamic objects); declare a class and set its fields, or for a JSON text use the builder of ts-src/app/app_json.ts: Json.begin().int(\"a\", 1).str(\"b\", s).end()");
        return this.bad();
      case ts.SyntaxKind.ArrayLiteralExpression:
        this.err(e, "array literals are only allowed as a module const table (`const T: readonly u8[] = [...]`); for values that change write `const a = new Uint8Array(N)` at module level (Uint16Array, Uint32Array, Int32Array too; 0/1 for flags) and set its elements");
        return this.bad();
      case ts.SyntaxKind.NewExpression:
        this.err(e, "`new` in a function body is not in the subset (no heap); declare the storage as a field initializer or a module-level `const x = new C();`");
        return this.bad();
      case ts.SyntaxKind.TypeOfExpression:
        this.err(e, "`typeof` is not in the subset; types are static, compare values instead");
        return this.bad();
      case ts.SyntaxKind.DeleteExpression:
        this.err(e, "`delete` is not in the subset; set the field to null or 0");
        return this.bad();
      case ts.SyntaxKind.AwaitExpression:
        this.err(e, "`await` is not in the subset; write event-driven code with callbacks");
        return this.bad();
      case ts.SyntaxKind.YieldExpression:
        this.err(e, "generators are not in the subset; keep explicit state in a class");
        return this.bad();
      case ts.SyntaxKind.SpreadElement:
        this.err(e, "spread is not in the subset; pass the values one by one");
        return this.bad();
      case ts.SyntaxKind.TypeAssertionExpression:
        this.err(e, "`<T>x` assertions are not in the subset; write `x as C` (Ptr to class) or a conversion helper like u8(x)");
        return this.bad();
      case ts.SyntaxKind.VoidExpression:
        this.err(e, "`void` expressions are not in the subset; write a statement");
        return this.bad();
      case ts.SyntaxKind.BigIntLiteral:
        this.err(e, "bigint is not in the subset; use u32 pairs or f64");
        return this.bad();
      case ts.SyntaxKind.RegularExpressionLiteral:
        this.err(e, "regular expressions are not in the subset; match bytes with a loop");
        return this.bad();
      case ts.SyntaxKind.TaggedTemplateExpression:
        this.err(e, "tagged templates are not in the subset; write a function call");
        return this.bad();
      case ts.SyntaxKind.SatisfiesExpression:
        return this.expr((e as ts.SatisfiesExpression).expression);
      default:
        this.err(e, `this expression (${ts.SyntaxKind[e.kind]}) is not in the subset; see codegen/SUBSET.md for what to write instead`);
        return this.bad();
    }
  }
  /** TypeScript's flow analysis knows when a `T | null` value is not null here. */
  protected narrow(v: Val, node: ts.Node): Val {
    if ((v.t.k === "class" || v.t.k === "fn" || v.t.k === "string") && v.t.nullable) {
      const tt = this.checker.getTypeAtLocation(node);
      const hasNull = (tt.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0 ||
        (tt.isUnion() && tt.types.some((x) => (x.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0));
      if (!hasNull) return { ...v, t: { ...v.t, nullable: false } as T };
    }
    return v;
  }
  protected ident(id: ts.Identifier): Val {
    if (id.text === "undefined") {
      this.err(id, "`undefined` is not in the subset; write `null` for an absent reference");
      return this.bad();
    }
    const d = this.declOf(id);
    if (!d) {
      this.err(id, `unknown name \`${id.text}\`; declare or import it`);
      return this.bad();
    }
    if (this.isRt(d)) {
      this.err(id, `the intrinsic \`${id.text}\` can only be called, not used as a value; call it`);
      return this.bad();
    }
    if (this.isLib(d)) {
      this.err(id, `\`${id.text}\` is a library global, which is not in the subset; use the rt.ts intrinsics or declare an extern function`);
      return this.bad();
    }
    const ent = this.fs?.locals.get(d) ?? this.ents.get(d);
    if (!ent && this.badDecls.has(d)) return this.bad();
    if (!ent) {
      if (ts.isSourceFile(d)) {
        this.err(id, `\`${id.text}\` is a module namespace (\`import * as ${id.text}\`); it is not a value: use its members, \`${id.text}.name\``);
      } else if (ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d) || ts.isEnumDeclaration(d)) {
        this.err(id, `\`${id.text}\` cannot be used as a value here; call it, or pass a top-level function name as a callback`);
      } else {
        this.err(id, `\`${id.text}\` is not declared in a form the subset supports (see the diagnostic on its declaration)`);
      }
      return this.bad();
    }
    switch (ent.kind) {
      case "local": {
        if (this.fs) this.fs.refs.set(d, (this.fs.refs.get(d) ?? 0) + 1);
        ent.read = true;
        const v = this.narrow(this.mkVal(ent.cname, ent.t), id);
        // What the checked conditions prove about this local here.
        const r = this.fs?.flow.range(d);
        // (An empty intersection is code no execution reaches: the declared range is kept.)
        if (r && v.t.k === "int" && (r[0] > v.lo || r[1] < v.hi) && Math.max(v.lo, r[0]) <= Math.min(v.hi, r[1])) return { ...v, lo: Math.max(v.lo, r[0]), hi: Math.min(v.hi, r[1]), wide: [v.lo, v.hi] };
        return v;
      }
      case "const":
        return { ...this.mkVal(ent.cname, ent.t), lo: ent.lo, hi: ent.hi };
      case "func":
        if (this.constMode) ent.fn.used = true;
        this.checkHidden(ent.fn, id);
        this.fnValues.add(ent.fn.decl);
        return this.mkVal(ent.fn.cname, { k: "fnref", fn: ent.fn });
      case "global": {
        if (this.constMode) {
          this.err(id, `\`${id.text}\` is not a constant; an initializer may only use literals, constants, enum members and function names`);
          return this.bad();
        }
        ent.used = true;
        if (ent.t.k === "class" && !ent.t.nullable) return this.mkVal(`&${ent.cname}`, ent.t, { place: ent.cname, atom: false });
        return this.narrow(this.mkVal(ent.cname, ent.t), id);
      }
    }
  }
  protected prop(e: ts.PropertyAccessExpression): Val {
    if (e.questionDotToken) {
      this.err(e, "optional chaining (`?.`) is not in the subset; check `x !== null` first");
      return this.bad();
    }
    if (ts.isPrivateIdentifier(e.name)) {
      this.err(e.name, "#private names are not in the subset; use `private` fields");
      return this.bad();
    }
    const name = e.name.text;
    // Enum members (`E.A`, or `NS.E.A` through a namespace import).
    const en0 = this.nsMember(e.expression);
    const od = ts.isIdentifier(e.expression) ? this.declOf(e.expression) : en0 ? this.declOf(en0) : undefined;
    if (od && ts.isEnumDeclaration(od)) {
      const en = this.enums.get(od);
      const v = en?.members.get(name);
      if (!en || v === undefined) {
        this.err(e, `unknown enum member \`${e.getText()}\`; use one of the declared members`);
        return this.bad();
      }
      return { ...this.mkVal(`${en.name}_${name}`, en.t), lo: v, hi: v };
    }
    if (od && (this.isLib(od) || ts.isModuleDeclaration(od))) {
      this.err(e, `\`${e.getText()}\` is a library call or property, which is not in the subset; use the rt.ts intrinsics (u32(), idiv(), f64ToU32(), ...) or declare an extern function`);
      return this.bad();
    }
    return this.propOf(this.expr(e.expression), e);
  }
  /** Member `e.name` of an already translated object value. */
  protected propOf(o: Val, e: ts.PropertyAccessExpression): Val {
    const name = e.name.text;
    if (o.bad) return o;
    switch (o.t.k) {
      case "class": {
        const f = o.t.cls.fields.get(name);
        if (!f && o.t.cls.badFields?.has(name)) return this.bad(); // reported at the field
        if (!f) {
          if (o.t.cls.methods.has(name)) this.err(e, `method \`${name}\` can only be called; to pass a callback, pass a top-level function and the object as Ptr user data`);
          else this.err(e, `class ${o.t.cls.name} has no field \`${name}\`; declare it in the class`);
          return this.bad();
        }
        const lv = o.place !== undefined ? `${o.place}.${f.cname}` : `${this.paren(o)}->${f.cname}`;
        if (f.storage === "embed") return this.mkVal(`&${lv}`, f.t, { place: lv, atom: false, pure: o.pure });
        const ff = f.t.k === "int" ? this.fieldFacts?.get(f.decl) : undefined;
        return this.narrow(this.mkVal(lv, f.t, ff ? { pure: o.pure, lo: ff[0], hi: ff[1] } : { pure: o.pure }), e);
      }
      case "bytes":
        if (name === "length") return { ...this.mkVal(`${this.paren(o)}.len`, intT("u32")), pure: o.pure };
        break;
      case "arr":
        if (name === "length") return { ...this.mkVal(o.t.nC, intT("u32")), lo: o.t.nLo, hi: o.t.nHi };
        break;
      case "sarr":
        if (name === "length") return { ...this.mkVal(o.t.nC, intT("u32")), lo: o.t.n, hi: o.t.n };
        break;
      case "table":
        if (name === "length") return { ...this.mkVal(String(o.t.n), intT("u32")), lo: o.t.n, hi: o.t.n, lit: o.t.n };
        break;
      case "names":
        if (name === "length") return { ...this.mkVal(String(o.t.n), intT("u32")), lo: o.t.n, hi: o.t.n, lit: o.t.n };
        break;
      case "string":
        this.err(e, "strings are opaque in the subset; use strBytes(s) for its bytes (strBytes(s).length for the length)");
        return this.bad();
    }
    this.err(e, `\`.${name}\` on ${typeName(o.t)} is not in the subset; byte views offer only .length and .subarray(start, end)`);
    return this.bad();
  }
  /** The C index for b[i]: a u32 where anything out of range stays out of range. */
  protected index(v: Val, at: ts.Node, inside = false): string {
    if (v.t.k !== "int") {
      this.err(at, `an index must be an integer, got ${typeName(v.t)}; index with a u32`);
      return "0";
    }
    if (v.t.base === "int64_t" && inside && v.sumOf && v.sumOf.every((x) => x.t.k === "int" && x.lo >= 0 && x.hi <= 4294967295)) {
      // Proven below the length (< 2^32): the u32 sum cannot wrap.
      return `${this.operand(v.sumOf[0], "uint32_t")} + ${this.operand(v.sumOf[1], "uint32_t")}`;
    }
    if (v.t.base === "int64_t") {
      // `i + k` of two u32 values: a saturating 32-bit add keeps it out of range without int64.
      if (v.sumOf && v.sumOf.every((x) => x.t.k === "int" && x.lo >= 0 && x.hi <= 4294967295)) {
        return `rt_idx_add(${this.castInt(v.sumOf[0], "uint32_t")}, ${this.castInt(v.sumOf[1], "uint32_t")})`;
      }
      return `rt_idx64(${v.c})`;
    }
    if (v.lo >= 0 && v.hi <= 4294967295) return this.castInt(v, "uint32_t");
    return `(uint32_t)${this.paren(v)}`;
  }
  protected elem(e: ts.ElementAccessExpression): Val {
    if (e.questionDotToken) {
      this.err(e, "optional chaining (`?.`) is not in the subset; check `x !== null` first");
      return this.bad();
    }
    const o0 = this.expr(e.expression);
    const i0 = this.expr(e.argumentExpression);
    if (o0.bad || i0.bad) return this.bad();
    const [o, i] = this.order([o0, i0], [e.expression, e.argumentExpression], e);
    const pure = o.pure && i.pure;
    const inside = this.inBounds(e, o, i);
    switch (o.t.k) {
      case "bytes":
        if (inside) return this.mkVal(`${this.paren(o)}.p[${this.index(i, e.argumentExpression, true)}]`, intT("u8"), { pure });
        return this.mkVal(`rt_bytes_get(${o.c}, ${this.index(i, e.argumentExpression)})`, intT("u8"), { pure });
      case "arr":
        if (inside) return this.mkVal(`${o.c}[${this.index(i, e.argumentExpression, true)}]`, o.t.elem, { pure });
        return this.mkVal(`rt_get_${o.t.elem.name}(${o.c}, ${o.t.nC}, ${this.index(i, e.argumentExpression)})`, o.t.elem, { pure });
      case "table": {
        if (i.t.k === "int" && i.lo >= 0 && i.hi < o.t.n) return this.mkVal(`${o.c}[${this.index(i, e)}]`, o.t.elem, { pure });
        const ct = o.t.elem.ct;
        return this.mkVal(`(${this.index(i, e.argumentExpression)} < ${o.t.n}u ? ${o.c}[${this.index(i, e)}] : (${ct})0)`, o.t.elem, { pure, atom: false });
      }
      case "names":
        this.err(e, `a name list is one C text, not an array of pointers; write nameAt(${e.expression.getText()}, ${e.argumentExpression.getText()}, "unknown ...") (the default for codes past its end and "" entries)`);
        return this.bad();
      case "sarr": {
        const lv = `${o.place ?? o.c}[${this.index(i, e.argumentExpression)}]`;
        return this.mkVal(`&${lv}`, { k: "class", cls: o.t.cls, nullable: false }, { place: lv, atom: false, pure });
      }
    }
    this.err(e, `indexing ${typeName(o.t)} is dynamic property access, which is not in the subset; use a field name, or a byte view / fixed array`);
    return this.bad();
  }
  protected asExpr(e: ts.AsExpression): Val {
    const parse = this.canLower() ? this.isParseAs(e) : null;
    if (parse) return this.lowerParse(e, parse);
    if (e.type.kind === ts.SyntaxKind.TypeReference && (e.type as ts.TypeReferenceNode).typeName.getText() === "const") {
      return this.expr(e.expression);
    }
    const v = this.expr(e.expression);
    const t = this.typeOf(e.type, e, "the `as` target");
    if (!t || v.bad) return this.bad();
    if (t.k === "class" && v.t.k === "ptr") return this.mkVal(`(${t.cls.cname} *)${this.paren(v)}`, t, { pure: v.pure, atom: false });
    if (t.k === "int" && t.enumOf && v.t.k === "int") {
      if (v.lo < t.lo || v.hi > t.hi) {
        this.err(e, `the value (${fmtRange(v.lo)}..${fmtRange(v.hi)}) does not fit enum ${t.name} (a ${t.base}); write ${Object.keys(INTS).find((k) => INTS[k].ct === t.base) ?? "u32"}(${e.expression.getText()}) as ${t.name}`);
        return this.bad();
      }
      return { ...this.mkVal(`(${t.ct})${this.paren(v)}`, t, { pure: v.pure }), lo: v.lo, hi: v.hi, negZero: v.negZero };
    }
    // Any other `as` converts nothing: it must be an implicit conversion.
    const n = this.diags.length;
    const c = this.conv(v, t, e.expression, "`as` does not convert values; the operand");
    if (this.diags.length !== n) return this.bad();
    return { ...v, c, t, atom: c === v.c ? v.atom : false };
  }
  protected cond(e: ts.ConditionalExpression): Val {
    const c = this.expr(e.condition);
    this.conv(c, BOOL, e.condition, "the condition");
    this.condDepth++;
    // Each branch under what the condition says about it.
    const a = this.underFacts(e.condition, true, e.whenTrue, () => this.expr(e.whenTrue));
    const b = this.underFacts(e.condition, false, e.whenFalse, () => this.expr(e.whenFalse));
    this.condDepth--;
    const pure = c.pure && a.pure && b.pure;
    const negZero = (!!a.negZero || !!b.negZero) || undefined;
    const mk = (ac: string, bc: string, t: T, lo = 0, hi = 0): Val =>
      ({ c: `${c.atom ? c.c : `(${c.c})`} ? ${ac} : ${bc}`, t, lo, hi, atom: false, pure, negZero });
    if (a.t.k === "int" && b.t.k === "int") {
      const lo = Math.min(a.lo, b.lo), hi = Math.max(a.hi, b.hi);
      // C promotes the branches of ?: to int: a u8/i16/enum result is cast back
      // to its type, or -Wconversion reports the int where it is stored.
      const narrow = (v: Val, t: IntT): Val => (promote(t.base) === t.base ? v : { ...v, c: `(${t.ct})(${v.c})`, atom: true });
      if (a.t.enumOf && a.t.enumOf === b.t.enumOf) return narrow(mk(this.paren(a), this.paren(b), a.t, lo, hi), a.t);
      const ct = a.t.ct === b.t.ct && !a.t.enumOf ? a.t.ct : rangeCt(lo, hi);
      const t = a.t.ct === ct ? a.t : { ...intT(ct === "int32_t" ? "i32" : ct === "uint32_t" ? "u32" : "i64") };
      return narrow(mk(this.operand(a, ct), this.operand(b, ct), t, lo, hi), t);
    }
    if ((a.t.k === "f64" || b.t.k === "f64") && (a.t.k === "int" || a.t.k === "f64") && (b.t.k === "int" || b.t.k === "f64")) {
      return mk(this.conv(a, F64, e.whenTrue, "the branch"), this.conv(b, F64, e.whenFalse, "the branch"), F64);
    }
    if (a.t.k === "fnref" && b.t.k === "fnref") {
      const fa = a.t.fn, fb = b.t.fn;
      const sig = (f: FuncInfo) => f.params.map((p) => cType(p.t)).join(",") + "->" + cType(f.ret);
      if (sig(fa) !== sig(fb)) {
        this.err(e, `the branches are functions with different C signatures (${fa.name}, ${fb.name}); give them the same parameter and return types`);
        return this.bad();
      }
      fa.used = true;
      fb.used = true;
      return mk(a.c, b.c, a.t);
    }
    // References: unify with null.
    const target: T = a.t.k === "null" ? nullable(b.t) : b.t.k === "null" ? nullable(a.t) : a.t;
    return mk(this.conv(a, target, e.whenTrue, "the branch"), this.conv(b, target, e.whenFalse, "the branch"), target);
  }
  protected binary(e: ts.BinaryExpression): Val {
    const op = e.operatorToken.kind;
    const K = ts.SyntaxKind;
    if (op === K.PlusToken && this.isStringPlus(e)) {
      if (this.canLower()) return this.lowerText(e);
      this.err(e, "string `+` is not in the subset of the library (app code has it: ts-src/app/app_fmt.ts); build the text in a Text: t.clear().add(a).add(b)");
      return this.bad();
    }
    if (op >= K.FirstAssignment && op <= K.LastAssignment) {
      this.err(e, "assignment inside an expression is not in the subset; write it as its own statement");
      return this.bad();
    }
    switch (op) {
      case K.EqualsEqualsToken:
      case K.ExclamationEqualsToken:
        this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` is not in the subset; write \`${e.operatorToken.getText()}=\``);
        return this.bad();
      case K.QuestionQuestionToken:
        this.expr(e.left); // its own errors too (`a?.b ?? c`)
        this.expr(e.right);
        this.err(e.operatorToken, "`??` is not in the subset; write `x !== null ? x : y`");
        return this.bad();
      case K.InKeyword:
      case K.InstanceOfKeyword:
        this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` is not in the subset; types are static (use an enum field to tell kinds apart)`);
        return this.bad();
      case K.CommaToken:
        this.err(e.operatorToken, "the comma operator is not in the subset; write separate statements");
        return this.bad();
      case K.AsteriskAsteriskToken:
        this.err(e.operatorToken, "`**` is not in the subset; multiply, or shift for powers of two");
        return this.bad();
    }
    const logical = op === K.AmpersandAmpersandToken || op === K.BarBarToken;
    const a0 = this.expr(e.left);
    if (logical) this.condDepth++;
    // `a && b`: b runs only when a is true; `a || b`: only when a is false.
    const b0 = logical ? this.underFacts(e.left, op === K.AmpersandAmpersandToken, e.right, () => this.expr(e.right)) : this.expr(e.right);
    if (logical) this.condDepth--;
    if (a0.bad || b0.bad) return this.bad();
    const [a, b] = logical ? [a0, b0] : this.order([a0, b0], [e.left, e.right], e);
    const pure = a.pure && b.pure;
    switch (op) {
      case K.AmpersandAmpersandToken:
      case K.BarBarToken: {
        const ac = this.conv(a, BOOL, e.left, `the left operand of ${e.operatorToken.getText()}`);
        const bc = this.conv(b, BOOL, e.right, `the right operand of ${e.operatorToken.getText()}`);
        const wrap = (v: Val, c: string) => (v.atom || /^[^()]*$/.test(c) && !c.includes("?") && !c.includes("||") && !c.includes("&&") ? c : `(${c})`);
        return { c: `${wrap(a, ac)} ${e.operatorToken.getText()} ${wrap(b, bc)}`, t: BOOL, lo: 0, hi: 0, atom: false, pure };
      }
      case K.EqualsEqualsEqualsToken:
      case K.ExclamationEqualsEqualsToken:
      case K.LessThanToken:
      case K.LessThanEqualsToken:
      case K.GreaterThanToken:
      case K.GreaterThanEqualsToken:
        return this.compare(e, a, b);
    }
    if (a.t.k === "string" || b.t.k === "string") {
      this.err(e, "string operations are not in the subset; print the parts separately or copy bytes into a buffer");
      return this.bad();
    }
    const numeric = (v: Val) => v.t.k === "int" || v.t.k === "f64";
    if (!numeric(a) || !numeric(b)) {
      this.err(e, `\`${e.operatorToken.getText()}\` needs numbers, got ${typeName(a.t)} and ${typeName(b.t)}; convert or compare the values first`);
      return this.bad();
    }
    if (a.t.k === "f64" || b.t.k === "f64") {
      const fop = { [K.PlusToken]: "+", [K.MinusToken]: "-", [K.AsteriskToken]: "*", [K.SlashToken]: "/" }[op as number];
      if (!fop) {
        this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` is not defined on f64 in the subset; use + - * / and comparisons, or convert with f64ToI32()`);
        return this.bad();
      }
      const ac = this.conv(a, F64, e.left, "the operand"), bc = this.conv(b, F64, e.right, "the operand");
      const p = (v: Val, c: string) => (c === v.c ? this.paren(v) : c);
      return { c: `${p(a, ac)} ${fop} ${p(b, bc)}`, t: F64, lo: 0, hi: 0, atom: false, pure };
    }
    if (a.t.k !== "int" || b.t.k !== "int") return this.bad();
    switch (op) {
      case K.PlusToken: case K.MinusToken: case K.AsteriskToken:
        return this.arith(e, op === K.PlusToken ? "+" : op === K.MinusToken ? "-" : "*", a, b, this.relClamp(e));
      case K.SlashToken:
        this.err(e.operatorToken, "`/` on integers is not in the subset (Node would give a fraction); write idiv(a, b), which truncates toward zero as C does");
        return this.bad();
      case K.PercentToken:
        return this.divmod(e, "%", a, b);
      case K.AmpersandToken: case K.BarToken: case K.CaretToken:
        return this.bitop(e.operatorToken.getText(), a, b, pure);
      case K.LessThanLessThanToken: case K.GreaterThanGreaterThanToken: case K.GreaterThanGreaterThanGreaterThanToken:
        return this.shift(e.operatorToken.getText(), a, b, pure);
    }
    this.err(e.operatorToken, `operator \`${e.operatorToken.getText()}\` is not in the subset; see codegen/SUBSET.md for the operators`);
    return this.bad();
  }
  protected compare(e: ts.BinaryExpression, a: Val, b: Val): Val {
    const K = ts.SyntaxKind;
    const opk = e.operatorToken.kind;
    const cop = opk === K.EqualsEqualsEqualsToken ? "==" : opk === K.ExclamationEqualsEqualsToken ? "!=" : e.operatorToken.getText();
    const eq = cop === "==" || cop === "!=";
    const pure = a.pure && b.pure;
    const res = (c: string): Val => ({ c, t: BOOL, lo: 0, hi: 0, atom: false, pure });
    if (a.t.k === "int" && b.t.k === "int") {
      if (a.t.enumOf && b.t.enumOf && a.t.enumOf !== b.t.enumOf) {
        this.err(e, `comparing members of different enums (${a.t.name}, ${b.t.name}); convert one explicitly`);
        return this.bad();
      }
      // Statically known outcomes: C compilers warn (-Wtype-limits), so fold them.
      // Only what the types decide is folded: a comparison that flow facts decide
      // stays (folding it could leave a local unused in C).
      const widen = (v: Val): Val => (v.wide ? { ...v, lo: v.wide[0], hi: v.wide[1] } : v);
      const known = knownCompare(cop, widen(a), widen(b));
      if (known !== undefined) {
        if (!pure) {
          this.err(e, `this comparison is always ${known} for the operand ranges (${fmtRange(a.lo)}..${fmtRange(a.hi)} vs ${fmtRange(b.lo)}..${fmtRange(b.hi)}); remove it or store the value in a wider variable first`);
          return this.bad();
        }
        // The locals of a folded comparison may be read nowhere else in C: (void) them.
        if (this.fs) for (const d of this.localsIn(e)) { const l = this.fs.locals.get(d); if (l) this.fs.folded.add(l.cname); }
        return { c: `${known} /* ${e.getText().replace(/\*\//g, "* /").replace(/\s+/g, " ")} */`, t: BOOL, lo: 0, hi: 0, atom: true, pure };
      }
      // The C type of the comparison follows the declared types (flow facts need no casts).
      const ct = rangeCt(Math.min(widen(a).lo, widen(b).lo), Math.max(widen(a).hi, widen(b).hi));
      // One side in the common type is enough when the other widens to it silently.
      const reaches = (v: Val) => {
        if (v.lit !== undefined) return ct !== "int64_t" || !fitsI32(v.lit, v.lit);
        const p = promote(v.t.k === "int" ? v.t.base : "int32_t");
        return p === ct || (p === "int" && ct === "int32_t");
      };
      const lenient = (v: Val) => v.lit === undefined && castFree(v.t.k === "int" ? v.t.base : "int32_t", ct);
      const ra = reaches(a), rb = reaches(b);
      const ac = !ra && rb && lenient(a) ? this.paren(a) : this.cmpOperand(a, ct);
      const bc = !rb && lenient(b) ? this.paren(b) : this.cmpOperand(b, ct);
      return res(`${ac} ${cop} ${bc}`);
    }
    if ((a.t.k === "f64" || a.t.k === "int") && (b.t.k === "f64" || b.t.k === "int")) {
      // -0 === 0: a comparison does not see the sign of zero.
      const ac = this.conv({ ...a, negZero: undefined }, F64, e.left, "the operand"), bc = this.conv({ ...b, negZero: undefined }, F64, e.right, "the operand");
      return res(`${ac === a.c ? this.paren(a) : ac} ${cop} ${bc === b.c ? this.paren(b) : bc}`);
    }
    if (!eq) {
      this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` compares numbers only (got ${typeName(a.t)} and ${typeName(b.t)}); use === or !== for other values`);
      return this.bad();
    }
    if (a.t.k === "bool" && b.t.k === "bool") return res(`${this.paren(a)} ${cop} ${this.paren(b)}`);
    const refLike = (t: T) => t.k === "class" || t.k === "fn" || t.k === "string" || t.k === "ptr" || t.k === "null";
    if (refLike(a.t) && refLike(b.t)) {
      if (a.t.k === "string" && b.t.k === "string") {
        // App code (with app_fmt.ts): by contents, as JavaScript compares strings.
        if (this.canLower() && !a.t.nullable && !b.t.nullable) return res(`${cop === "!=" ? "!" : ""}${this.strEq()}(${a.c}, ${b.c})`);
        this.err(e, this.canLower() ? "a string that may be null cannot be compared by contents; test it for null first" :
          "strings cannot be compared with ===/!== in the subset (C would compare pointers); compare bytes: bytesEqual(strBytes(a), strBytes(b)) (app code, compiled with ts-src/app/app_fmt.ts, compares contents)");
        return this.bad();
      }
      const same = a.t.k === "null" || b.t.k === "null" || (a.t.k === b.t.k && (a.t.k !== "class" || (b.t as ClassT).cls === a.t.cls) && (a.t.k !== "fn" || (b.t as FnT).fn === a.t.fn));
      if (!same) {
        this.err(e, `cannot compare ${typeName(a.t)} with ${typeName(b.t)}; compare values of the same type, or a reference with null`);
        return this.bad();
      }
      return res(`${this.paren(a)} ${cop} ${this.paren(b)}`);
    }
    if (a.t.k === "bytes" || b.t.k === "bytes" || a.t.k === "arr" || b.t.k === "arr") {
      this.err(e, "byte views cannot be compared with ===/!==; write bytesEqual(a, b) (contents) or compare lengths");
      return this.bad();
    }
    this.err(e, `cannot compare ${typeName(a.t)} with ${typeName(b.t)}; compare values of the same type, or a reference with null`);
    return this.bad();
  }
  protected cmpOperand(v: Val, ct: string): string {
    if (v.lit !== undefined) {
      const s = fmtLit(v.lit, ct, v.litText);
      return s.startsWith("-") ? s : s;
    }
    const from = v.t.k === "int" ? v.t.base : "int32_t";
    // Both sides must reach C's comparison in the same type, or C converts (and warns).
    if (promote(from) === ct || (promote(from) === "int" && ct === "int32_t")) return this.paren(v);
    return `(${ct})${this.paren(v)}`;
  }
  protected prefix(e: ts.PrefixUnaryExpression): Val {
    const K = ts.SyntaxKind;
    if (e.operator === K.PlusPlusToken || e.operator === K.MinusMinusToken) return this.incdec(e, true);
    const v = this.expr(e.operand);
    if (v.bad) return v;
    switch (e.operator) {
      case K.ExclamationToken: {
        if (v.t.k !== "bool") {
          this.err(e, `\`!\` takes a bool, got ${typeName(v.t)}; write \`x === 0\` or \`x === null\``);
          return this.bad();
        }
        return { c: `!${this.paren(v)}`, t: BOOL, lo: 0, hi: 0, atom: true, pure: v.pure };
      }
      case K.MinusToken: {
        if (v.t.k === "f64") return { c: `-${this.paren(v)}`, t: F64, lo: 0, hi: 0, atom: false, pure: v.pure, lit: v.lit !== undefined ? -v.lit : undefined };
        if (v.t.k !== "int") break;
        if (v.lit !== undefined) {
          const n = -v.lit + 0;
          return { c: fmtLit(n, rangeCt(n, n), v.litText ? "-" + v.litText : undefined), t: intT(rangeCt(n, n) === "int64_t" ? "i64" : "i32"), lo: n, hi: n, atom: n >= 0, pure: true, lit: n, litText: v.litText ? (n < 0 ? "-" + v.litText : v.litText) : undefined, negZero: v.lit === 0 || undefined };
        }
        const lo = -v.hi + 0, hi = -v.lo + 0;
        const ct = rangeCt(Math.min(lo, v.lo), Math.max(hi, v.hi));
        return { c: `-${this.operand(v, ct)}`, t: intT(ct === "int32_t" ? "i32" : "i64"), lo, hi, atom: false, pure: v.pure, negZero: (v.lo <= 0 && v.hi >= 0) || v.negZero || undefined };
      }
      case K.TildeToken: {
        if (v.t.k !== "int") break;
        if (fitsI32(v.lo, v.hi)) return { c: `~${this.operand(v, "int32_t")}`, t: intT("i32"), lo: -v.hi - 1, hi: -v.lo - 1, atom: false, pure: v.pure };
        const bits = `~${this.u32operand(v)}`;
        return { c: `rt_i32_of(${bits})`, t: intT("i32"), lo: -2147483648, hi: 2147483647, atom: true, pure: v.pure, u32bits: `(${bits})` };
      }
      case K.PlusToken:
        this.err(e, "unary `+` is not in the subset; the value is already a number (use a conversion helper to change its type)");
        return this.bad();
    }
    this.err(e, `\`${ts.tokenToString(e.operator)}\` is not defined on ${typeName(v.t)}; convert the operand first`);
    return this.bad();
  }
  /** ++/-- : only on i32/u32 variables and fields (counters). */
  protected incdec(e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, prefix: boolean, stmt = false): Val {
    const lv = this.lvalue(e.operand);
    if (!lv) return this.bad();
    const op = e.operator === ts.SyntaxKind.PlusPlusToken ? "++" : "--";
    if (lv.t.k !== "int" || !(lv.t.base === "int32_t" || lv.t.base === "uint32_t" || lv.t.base === "int" || lv.t.base === "size_t") || lv.t.enumOf) {
      const n = e.operand.getText();
      this.err(e, `\`${op}\` is only accepted on i32/u32 counters (${typeName(lv.t)} would silently wrap differently in C); write \`${n} = ${lv.t.k === "int" ? lv.t.name : "u8"}(${n} ${op[0]} 1)\``);
      return this.bad();
    }
    if (!lv.plain) {
      this.err(e, `\`${op}\` on an element is not in the subset; write \`b[i] = u8(b[i] + 1)\``);
      return this.bad();
    }
    if (op === "--" && lv.t.lo >= 0 && this.mayGoNegative(e.operand, 1, null)) {
      const n = e.operand.getText();
      this.err(e, `\`--\` on ${lv.t.name} \`${n}\` may go below 0 (Node gives -1, C ${fmtRange(lv.t.hi)}); check \`${n} > 0\` first, or write \`${n} = ${lv.t.name}(${n} - 1)\` to wrap`);
      return this.bad();
    }
    if (!stmt && this.fs && lv.decl) this.fs.mutated.add(lv.decl);
    if (this.fs && lv.decl) this.fs.flow.write(lv.decl);
    if (lv.field && lv.t.k === "int") {
      const cur = lv.read(), d = op === "++" ? 1 : -1;
      this.noteStore(lv.field, Math.max(lv.t.lo, cur.lo + d), Math.min(lv.t.hi, cur.hi + d));
    }
    const c = prefix ? `${op}${lv.plain}` : `${lv.plain}${op}`;
    return { c, t: lv.t, lo: lv.t.lo, hi: lv.t.hi, atom: stmt, pure: false };
  }
  /** An index proven inside the view or array: its range is below a fixed array's
   *  size, or the flow facts prove `i < b.length` of this very view (proves()).
   *  C then indexes directly. */
  protected inBounds(e: ts.ElementAccessExpression, o: Val, i: Val): boolean {
    if (i.t.k !== "int" || i.lo < 0 || i.bad || o.bad) return false;
    if (o.t.k === "arr") return i.hi < o.t.nLo || !OLD_PROOFS && this.proves(e.argumentExpression, { k: null, lo: o.t.nLo }, true);
    if (o.t.k !== "bytes" || !this.fs) return false;
    const kb = this.key(e.expression);
    if (kb !== null && OLD_PROOFS) {
      const ki = this.key(e.argumentExpression);
      return this.fs.flow.relations().some((r) => r.strict && r.lk === ki && r.rk === `${kb}.length`);
    }
    return kb !== null && this.proves(e.argumentExpression, { k: `${kb}.length`, lo: 0 }, true);
  }
  /** `v.subarray(start[, end])` with start <= end <= v.length proven: nothing to clamp. */
  protected sliceInBounds(view: ts.Expression, o: Val, args: readonly ts.Expression[], vals: Val[]): boolean {
    if (OLD_PROOFS || !this.fs || vals.some((v) => v.t.k !== "int" || v.lo < 0 || v.bad)) return false;
    let len: Bound;
    if (o.t.k === "arr") len = { k: null, lo: o.t.nLo };
    else {
      const kb = this.key(view);
      if (kb === null) return false;
      len = { k: `${kb}.length`, lo: 0 };
    }
    if (args.length === 1) return this.proves(args[0], len, false);
    const end: Bound = { k: this.key(args[1]), n: args[1], lo: vals[1].lo };
    return this.proves(args[0], end, false) && this.proves(args[1], len, false);
  }
  /** Whether the flow facts prove `e < t` (`strict`) or `e <= t`. Rules, tried in
   *  turn, through at most `depth` relations:
   *   range   e's highest value is below t's lowest (t's range, and `x <= t` facts);
   *   fact    a relation `e < t` / `e <= t` (`const n = b.length` is one both ways);
   *   chain   a relation `e <= x` (or `<`) and, recursively, `x < t`;
   *   minus   e = a - b with b >= 0: a < t suffices;
   *   succ    e = a + 1 <= t when a < t;
   *   plus    e = a + b with a fact `x <= t - b` and, recursively, `a <= x`;
   *   wrap    u32(x) (etc.) of an x in the type's range is x. */
  protected proves(e: ts.Expression, t: Bound, strict: boolean, depth = 3): boolean {
    const K = ts.SyntaxKind;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const er = this.exactRange(e);
    if (er && (strict ? er[1] < this.lowerOf(t) : er[1] <= this.lowerOf(t))) return true;
    if (depth === 0 || !this.fs) return false;
    const rels = this.fs.flow.relations();
    const ek = this.key(e);
    if (ek !== null && t.k !== null) {
      if (ek === t.k && !strict) return true;
      for (const r of rels) {
        if (r.lk !== ek) continue;
        if (r.rk === t.k && (r.strict || !strict)) return true;
      }
      for (const r of rels) {
        if (r.lk !== ek || r.rk === t.k) continue;
        if (this.proves(r.r, t, strict && !r.strict, depth - 1)) return true;
      }
    } else if (ek !== null) {
      // A target known only by its range: through `e <= x` facts.
      for (const r of rels) if (r.lk === ek && this.proves(r.r, t, strict && !r.strict, depth - 1)) return true;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.MinusToken) {
      const br = this.exactRange(e.right);
      if (br && br[0] >= 0 && this.proves(e.left, t, strict, depth)) return true;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.PlusToken && !strict) {
      // a + 1 <= t when a < t.
      for (const [a, b] of [[e.left, e.right], [e.right, e.left]]) {
        const br = this.exactRange(b);
        if (br && br[0] === 1 && br[1] === 1 && this.proves(a, t, true, depth)) return true;
      }
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.PlusToken && t.k !== null) {
      for (const [a, b] of [[e.left, e.right], [e.right, e.left]]) {
        const kb = this.key(b);
        if (kb === null) continue;
        for (const r of rels) {
          let x: ts.Expression = r.r;
          while (ts.isParenthesizedExpression(x)) x = x.expression;
          if (!ts.isBinaryExpression(x) || x.operatorToken.kind !== K.MinusToken) continue;
          if (this.key(x.left) !== t.k || this.key(x.right) !== kb) continue;
          if (this.proves(a, { k: r.lk, n: r.l, lo: this.lowerOf({ k: r.lk, n: r.l, lo: -Infinity }) }, strict && !r.strict, depth - 1)) return true;
        }
      }
    }
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.arguments.length === 1) {
      const d = this.declOf(e.expression);
      const w = e.expression.text;
      const inner = this.exactRange(e.arguments[0]);
      if (d && this.isRt(d) && w in INTS && inner && inner[0] >= INTS[w].lo && inner[1] <= INTS[w].hi) return this.proves(e.arguments[0], t, strict, depth);
    }
    return false;
  }
  /** The lowest value of a bound: its own range, and every `x <= t` / `x < t` fact. */
  private lowerOf(t: Bound): number {
    let lo = t.lo;
    if (t.n) { const r = this.exactRange(t.n); if (r) lo = Math.max(lo, r[0]); }
    if (t.k === null || !this.fs) return lo;
    if (/^-?[0-9]+$/.test(t.k)) lo = Math.max(lo, Number(t.k));
    for (const r of this.fs.flow.relations()) {
      if (r.rk !== t.k) continue;
      const x = r.llo !== undefined ? [r.llo, r.llo] : this.exactRange(r.l);
      if (x) lo = Math.max(lo, x[0] + (r.strict ? 1 : 0));
    }
    return lo;
  }
  /** The exact (unwrapped) range of an integer expression already translated:
   *  + - * recomputed from their operands, as Node computes them. */
  protected exactRange(e: ts.Expression): [number, number] | undefined {
    const K = ts.SyntaxKind;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isNumericLiteral(e)) return [Number(e.text), Number(e.text)];
    if (ts.isBinaryExpression(e) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.operatorToken.kind)) {
      const a = this.exactRange(e.left), b = this.exactRange(e.right);
      if (!a || !b) return undefined;
      const op = e.operatorToken.kind;
      if (op === K.PlusToken) return [a[0] + b[0], a[1] + b[1]];
      if (op === K.MinusToken) return [a[0] - b[1], a[1] - b[0]];
      const c = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]];
      return [Math.min(...c), Math.max(...c)];
    }
    const r = this.nodeRange.get(e);
    // A local: also what the facts say about it here (its value is the same
    // wherever a relation names it: a write ends the relation).
    const d = this.localDecl(e);
    const fr = d ? this.fs?.flow.range(d) : undefined;
    if (!fr) return r;
    const ent = this.fs?.locals.get(d!);
    const base = r ?? (ent?.kind === "local" && ent.t.k === "int" ? [ent.t.lo, ent.t.hi] as [number, number] : undefined);
    if (!base) return undefined;
    const lo = Math.max(base[0], fr[0]), hi = Math.min(base[1], fr[1]);
    return lo <= hi ? [lo, hi] : base;
  }
  /** Facts of `x = init` (a declaration, or an assignment whose value does not
   *  read x), until x or what init reads is written:
   *  `n = b.length`: n and b.length are one value (both ways);
   *  `x = a + b` with b >= 0: a <= x (a < x when b >= 1), and the same for b;
   *  `x = a - b` with b >= 0: x <= a. u32() (etc.) around them changes nothing
   *  when the value cannot wrap. */
  protected initFacts(x: ts.Identifier, init: ts.Expression, v: Val): void {
    const K = ts.SyntaxKind;
    const d = this.localDecl(x);
    if (this.fs && d && !v.bad && v.t.k === "arr" && v.t.elem.name === "u8" && v.t.nLo > 0) {
      // `b = this.buf` (a Uint8Array(N) field): N <= b.length until b is written.
      const kx = this.key(x);
      if (kx !== null) this.fs.flow.relate({ l: x, r: x, lk: String(v.t.nLo), rk: `${kx}.length`, strict: false, vars: [d], llo: v.t.nLo });
      return;
    }
    if (!this.fs || !d || v.t.k !== "int" || v.bad) return;
    while (ts.isParenthesizedExpression(init)) init = init.expression;
    // `x = f(a, b)` where every return of f is at most its parameter a: x <= a.
    const rf = ts.isCallExpression(init) ? this.retFactsOf(init) : undefined;
    if (rf && ts.isCallExpression(init)) {
      const kx = this.key(x);
      if (kx === null || this.localsIn(init).includes(d)) return;
      this.nodeRange.set(x, [v.lo, v.hi]);
      init.arguments.forEach((a, i) => {
        const ka = this.key(a);
        if (rf.le[i] && ka !== null) this.fs!.flow.relate({ l: x, r: a, lk: kx, rk: ka, strict: false, vars: [d, ...this.localsIn(a)] });
      });
      return;
    }
    // u32(e) (etc.) of an e that does not wrap is e.
    while (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.arguments.length === 1) {
      const fd = this.declOf(init.expression), w = init.expression.text, r = this.exactRange(init.arguments[0]);
      if (!fd || !this.isRt(fd) || !(w in INTS) || !r || r[0] < INTS[w].lo || r[1] > INTS[w].hi) return;
      init = init.arguments[0];
      while (ts.isParenthesizedExpression(init)) init = init.expression;
    }
    const kx = this.key(x);
    if (kx === null || this.localsIn(init).includes(d)) return;
    this.nodeRange.set(x, [v.lo, v.hi]);
    const rel = (l: ts.Expression, lk: string, r: ts.Expression, rk: string, strict: boolean): void =>
      this.fs!.flow.relate({ l, r, lk, rk, strict, vars: [d, ...this.localsIn(init)] });
    if (ts.isPropertyAccessExpression(init) && init.name.text === "length") {
      const ki = this.key(init);
      if (ki === null) return;
      rel(x, kx, init, ki, false);
      rel(init, ki, x, kx, false);
    } else if (ts.isBinaryExpression(init) && init.operatorToken.kind === K.PlusToken) {
      for (const [a, b] of [[init.left, init.right], [init.right, init.left]]) {
        const ka = this.key(a), br = this.exactRange(b);
        if (ka !== null && br && br[0] >= 0) rel(a, ka, x, kx, br[0] >= 1);
      }
    } else if (ts.isBinaryExpression(init) && init.operatorToken.kind === K.MinusToken) {
      const ka = this.key(init.left), br = this.exactRange(init.right);
      if (ka !== null && br && br[0] >= 0) rel(x, kx, init.left, ka, br[0] >= 1);
    }
  }
  /** The previous pass's return facts of a direct call's function (a top-level
   *  function or a method), if it has any that relate to its parameters. */
  private retFactsOf(e: ts.CallExpression): { le: boolean[] } | undefined {
    if (!this.prevRetFacts) return undefined;
    const callee = this.nsMember(e.expression) ?? e.expression;
    const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) ? callee.name : undefined;
    const d = name ? this.declOf(name) : undefined;
    if (!d || !(ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d))) return undefined;
    const rf = this.prevRetFacts.get(d);
    return rf && rf.le.some((x) => x) ? rf : undefined;
  }
  /** Whether `target - k` (k at most `khi`, or the expression `kexpr`) may be negative:
   *  unless the flow facts of the local `target` prove target >= k. */
  protected mayGoNegative(target: ts.Expression, khi: number, kexpr: ts.Expression | null): boolean {
    const d = this.localDecl(target);
    if (!d || !this.fs) return true;
    const r = this.fs.flow.range(d);
    if (r && r[0] >= khi) return false;
    if (kexpr) {
      const kt = this.key(target), kk = this.key(kexpr);
      if (kt !== null && kk !== null && this.fs.flow.relations().some((x) => x.lk === kk && x.rk === kt)) return false;
    }
    return true;
  }
  /** An assignable place: a variable, a field, or an element (set through a helper). */
  protected lvalue(e: ts.Expression, rhs?: ts.Expression): { t: T; plain?: string; set?: (v: string) => string; read: () => Val; decl?: ts.Node; rv?: Val; field?: ts.Node } | null {
    if (ts.isParenthesizedExpression(e)) return this.lvalue(e.expression, rhs);
    const r = this.lvalue0(e, rhs);
    if (r && rhs && !r.rv) r.rv = this.expr(rhs);
    return r;
  }
  protected lvalue0(e: ts.Expression, rhs?: ts.Expression): { t: T; plain?: string; set?: (v: string) => string; read: () => Val; decl?: ts.Node; rv?: Val; field?: ts.Node } | null {
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      const ent = d ? this.fs?.locals.get(d) ?? this.ents.get(d) : undefined;
      if (!ent || !d) {
        this.err(e, `\`${e.text}\` is not an assignable variable; assign to a local, a field or a module \`let\``);
        return null;
      }
      if (ent.kind === "local" || (ent.kind === "global" && ent.t.k !== "arr" && ent.t.k !== "sarr" && ent.t.k !== "table" && ent.t.k !== "names" && !(ent.t.k === "class" && !ent.t.nullable))) {
        if (ent.kind === "global") ent.used = true;
        if (this.fs && ent.kind === "local") this.fs.refs.set(d, (this.fs.refs.get(d) ?? 0) + 1);
        return { t: ent.t, plain: ent.cname, read: () => this.mkVal(ent.cname, ent.t), decl: d };
      }
      this.err(e, `\`${e.text}\` cannot be assigned; ${ent.kind === "const" ? "it is a constant" : "module storage is fixed: write copy(dst, src) or set its fields"}`);
      return null;
    }
    if (ts.isPropertyAccessExpression(e)) {
      // The object is evaluated before the right-hand side, as in JavaScript.
      let v: Val, rv: Val | undefined;
      const od = ts.isIdentifier(e.expression) ? this.declOf(e.expression) : undefined;
      if (rhs && !(od && (ts.isEnumDeclaration(od) || this.isLib(od))) && !e.questionDotToken && ts.isIdentifier(e.name)) {
        const o0 = this.expr(e.expression);
        const rv0 = this.expr(rhs);
        const [o, r] = this.order([o0, rv0], [e.expression, rhs], e);
        rv = r;
        v = this.propOf(o, e);
      } else {
        v = this.prop(e);
      }
      if (v.bad) return null;
      if (v.place !== undefined || v.t.k === "arr" || v.t.k === "sarr") {
        this.err(e, "an embedded struct or fixed array field cannot be reassigned; write copy(dst, src) or set its fields/elements");
        return null;
      }
      if (ts.isIdentifier(e.name) && e.name.text === "length") {
        this.err(e, "`.length` is read-only; make a subarray for a shorter view");
        return null;
      }
      const fd = ts.isIdentifier(e.name) ? this.declOf(e.name) : undefined;
      const fi = fd && ts.isPropertyDeclaration(fd) && v.t.k === "int" ? fd : undefined;
      return { t: v.t, plain: v.c, read: () => v, rv, field: fi };
    }
    if (ts.isElementAccessExpression(e)) {
      // Object, index, then the right-hand side, as in JavaScript.
      const o0 = this.expr(e.expression);
      const i0 = this.expr(e.argumentExpression);
      const rv0 = rhs ? this.expr(rhs) : undefined;
      const vals = this.order(rv0 ? [o0, i0, rv0] : [o0, i0], rv0 ? [e.expression, e.argumentExpression, rhs!] : [e.expression, e.argumentExpression], e);
      const [o, i, rv] = vals;
      if (o.bad || i.bad) return null;
      const inside = this.inBounds(e, o, i);
      const idx = this.index(i, e.argumentExpression, inside);
      if (o.t.k === "bytes" && inside) {
        return { rv, t: intT("u8"), set: (v) => `${this.paren(o)}.p[${idx}] = ${v}`, read: () => this.mkVal(`${this.paren(o)}.p[${idx}]`, intT("u8"), { pure: o.pure && i.pure }) };
      }
      if (o.t.k === "arr" && inside) {
        const a = o.t;
        return { rv, t: a.elem, set: (v) => `${o.c}[${idx}] = ${v}`, read: () => this.mkVal(`${o.c}[${idx}]`, a.elem, { pure: o.pure && i.pure }) };
      }
      if (o.t.k === "bytes") {
        return { rv, t: intT("u8"), set: (v) => `rt_bytes_set(${o.c}, ${idx}, ${v})`, read: () => this.mkVal(`rt_bytes_get(${o.c}, ${idx})`, intT("u8"), { pure: o.pure && i.pure }) };
      }
      if (o.t.k === "arr") {
        const a = o.t;
        return { rv, t: a.elem, set: (v) => `rt_set_${a.elem.name}(${o.c}, ${a.nC}, ${idx}, ${v})`, read: () => this.mkVal(`rt_get_${a.elem.name}(${o.c}, ${a.nC}, ${idx})`, a.elem, { pure: o.pure && i.pure }) };
      }
      if (o.t.k === "table") this.err(e, "const tables are read-only; use a Uint8Array field for data that changes");
      else if (o.t.k === "sarr") this.err(e, "array elements are structs; write copy(a[i], src) or set their fields");
      else this.err(e, "dynamic property access is not in the subset; assign to a named field or a byte view element");
      return null;
    }
    this.err(e, "this is not an assignable place; assign to a variable, a field or a byte view element");
    return null;
  }
  protected call(e: ts.CallExpression): Val {
    if (e.questionDotToken) {
      this.err(e, "optional calls (`?.()`) are not in the subset; check `f !== null` first");
      return this.bad();
    }
    // `NS.f(...)` through a namespace import is a call of the imported `f`.
    const callee = this.nsMember(e.expression) ?? e.expression;
    if (ts.isIdentifier(callee)) {
      const d = this.declOf(callee);
      if (d && this.isRt(d)) return this.intrinsic(callee.text, e);
      if (d && this.isLib(d)) {
        this.err(e, `\`${callee.text}()\` is a library function, which is not in the subset; use the rt.ts intrinsics or declare an extern (\`declare function\`)`);
        return this.bad();
      }
      const ent = d ? this.fs?.locals.get(d) ?? this.ents.get(d) : undefined;
      if (ent?.kind === "func") {
        if (this.constMode) {
          this.err(e, "a function call is not a constant; an initializer may only use literals, constants and enum members");
          return this.bad();
        }
        if (this.isSized(e)) {
          const v = this.lowerSized(e);
          if (v) return v;
        }
        ent.fn.used = true;
        return this.direct(ent.fn, null, e);
      }
      const v = this.expr(callee);
      return this.indirect(v, e);
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const od = ts.isIdentifier(callee.expression) ? this.declOf(callee.expression) : undefined;
      const libObj = ts.isIdentifier(callee.expression) ? callee.expression.text : "";
      if ((od && this.isLib(od) || !od && libObj !== "") && libObj === "JSON" && (callee.name.text === "stringify" || callee.name.text === "parse")) {
        if (callee.name.text === "stringify" && this.canLower()) return this.lowerJson(e);
        if (callee.name.text === "parse" && this.canLower()) {
          this.err(e, "JSON.parse() compiles only as `JSON.parse(msg) as Cmd | null`, with `class Cmd { op: string = \"\"; a: i32 = 0; }` (integer, bool and string fields): the result is null when the message is not JSON or lacks a field or has one of another type");
          return this.bad();
        }
        // The app API has the replacements; say which.
        if (callee.name.text === "stringify") {
          this.err(e, "`JSON.stringify()` cannot be compiled to C (no dynamic objects, no heap); build the text with the JSON builder of ts-src/app/app_json.ts: `Json.begin().int(\"a\", 1).str(\"b\", s).end()` gives the same text as a Bytes view");
        } else {
          this.err(e, "`JSON.parse()` cannot be compiled to C (no dynamic objects, no heap); read fields with ts-src/app/app_json.ts: `Json.getInt(msg, \"a\", 0)`, `Json.getStr(msg, \"op\")`, `Json.kind(msg, \"k\")`");
        }
        return this.bad();
      }
      if ((od && (this.isLib(od) || ts.isModuleDeclaration(od))) || (!od && ts.isIdentifier(callee.expression) && ["Math", "JSON", "console", "Object", "Number", "String", "Array"].includes(callee.expression.text))) {
        this.err(e, `\`${callee.getText()}()\` is a library call, which is not in the subset; use the rt.ts intrinsics (u32(), idiv(), mul32(), f64ToU32(), printInt(), ...) or declare an extern function`);
        return this.bad();
      }
      if (this.constMode) {
        this.err(e, "a method call is not a constant; use a literal or a module constant");
        return this.bad();
      }
      const o = this.expr(callee.expression);
      const name = callee.name.text;
      if (o.bad) {
        e.arguments.forEach((a) => this.expr(a));
        return o;
      }
      if (o.t.k === "class") {
        const m = o.t.cls.methods.get(name);
        if (m) {
          m.used = true;
          return this.direct(m, o, e);
        }
        const f = o.t.cls.fields.get(name);
        if (f && f.t.k === "fn") return this.indirect(this.prop(callee), e);
        this.err(callee.name, `class ${o.t.cls.name} has no method \`${name}\`; declare it in the class`);
        return this.bad();
      }
      if ((o.t.k === "bytes" || (o.t.k === "arr" && o.t.elem.name === "u8")) && name === "subarray") {
        const b = this.conv(o, BYTES, callee.expression, "the view");
        const args = e.arguments.map((a) => this.expr(a));
        if (args.length < 1 || args.length > 2) {
          this.err(e, "write b.subarray(start) or b.subarray(start, end)");
          return this.bad();
        }
        const u = args.map((a, i) => this.conv(a, intT("u32"), e.arguments[i], "subarray() argument (negative offsets are not in the subset)"));
        // Bounds the facts prove need no clamping (rt_slice), else JavaScript's clamps (rt_subarray).
        const c = this.sliceInBounds(callee.expression, o, e.arguments, args)
          ? args.length === 2 ? `rt_slice(${b}, ${u[0]}, ${u[1]})` : `rt_slice_from(${b}, ${u[0]})`
          : args.length === 2 ? `rt_subarray(${b}, ${u[0]}, ${u[1]})` : `rt_subarray(${b}, ${u[0]}, UINT32_MAX)`;
        return this.mkVal(c, BYTES, { pure: o.pure && args.every((a) => a.pure) });
      }
      if (o.t.k === "string") {
        this.err(e, "string methods are not in the subset; work on bytes: strBytes(s)");
        return this.bad();
      }
      this.err(e, `\`.${name}()\` on ${typeName(o.t)} is not in the subset; byte views offer only .length and .subarray(start, end), plus copyBytes()/bytesEqual()`);
      return this.bad();
    }
    // Any other expression of a function type: a call of a returned callback, `(c ? f : g)(x)`.
    return this.indirect(this.expr(callee), e);
  }
  /** Arguments converted to the parameters; `first` (the object of a method call or
   *  the callee value) is evaluated before them and may be replaced by a temporary. */
  protected args(params: { t: T; def?: ts.Expression; name: string }[], e: ts.CallExpression, fname: string, first?: { v: Val; e: ts.Expression | null }, callee?: ts.Node): string[] {
    const out: string[] = [];
    // The ranges of the integer arguments, for the callee's parameter facts.
    const ranges: ([number, number] | null)[] = params.map(() => null);
    const note = (i: number, v: Val): void => {
      if (v.t.k === "int" && !v.bad && params[i].t.k === "int") ranges[i] = [v.lo, v.hi];
    };
    if (e.arguments.length > params.length) {
      this.err(e, `${fname} takes ${params.length} arguments; pass exactly those`);
      return out;
    }
    const given = e.arguments.map((a) => {
      if (ts.isSpreadElement(a)) {
        this.err(a, "spread is not in the subset; pass the values one by one");
        return this.bad();
      }
      return this.expr(a);
    });
    const ordered = this.order(first ? [first.v, ...given] : given, first ? [first.e, ...e.arguments] : [...e.arguments], e);
    if (first) first.v = ordered.shift()!;
    params.forEach((p, i) => {
      const a = e.arguments[i];
      if (a) {
        note(i, ordered[i]);
        out.push(this.conv(ordered[i], p.t, a, `argument \`${p.name}\` of ${fname}`));
      } else if (p.def) {
        const saved = this.constMode;
        this.constMode = true;
        const dv = this.expr(p.def);
        note(i, dv);
        out.push(this.conv(dv, p.t, p.def, `the default value of \`${p.name}\``));
        this.constMode = saved;
      } else {
        this.err(e, `missing argument \`${p.name}\` of ${fname}; pass it or give the parameter a default value`);
      }
    });
    if (callee) {
      const had = this.argRanges.get(callee);
      this.argRanges.set(callee, ranges.map((r, i) => {
        if (!had) return r;
        const h = had[i];
        return r && h ? [Math.min(r[0], h[0]), Math.max(r[1], h[1])] : null;
      }));
    }
    return out;
  }
  /** A string literal in a function body: the module's array of that text (module.ts). */
  protected pooled(text: string): string {
    if (!this.fs || this.constMode || this.staticInit || !this.curMod) return text;
    let name = this.strPool.get(text);
    if (name === undefined) this.strPool.set(text, (name = `${this.curMod.base}__s${this.strPool.size}`));
    return name;
  }
  private hiddenReported = new Set<FuncInfo>();
  /** A library export made static (visibility.ts) is out of reach of another module's C. */
  protected checkHidden(f: FuncInfo, at: ts.Node): void {
    if (!f.hidden || !this.curMod || this.curMod === f.mod || this.hiddenReported.has(f)) return;
    this.hiddenReported.add(f);
    this.err(at, `\`${f.name}\` is static in ${f.mod.base}.c: no module of the library uses it, so its C is not visible outside that file; ` +
      `tag its declaration in ${f.mod.rel} \`/** @cextern */\` (C outside the library calls it) to keep it external`);
  }
  protected direct(f: FuncInfo, self: Val | null, e: ts.CallExpression): Val {
    this.checkHidden(f, e);
    if (jsdocTag(f.decl, "log") !== undefined) this.logCall(f, e);
    const first = self ? { v: self, e: ts.isPropertyAccessExpression(e.expression) ? e.expression.expression : null } : undefined;
    const args = this.args(f.params, e, `${f.name}()`, first, f.exported ? undefined : f.decl);
    if (first) args.unshift(first.v.c);
    const v = this.mkVal(`${f.cname}(${args.join(", ")})`, f.ret, { pure: !this.writes(f.decl) && (!first || first.v.pure) && e.arguments.every((a) => !this.hasCall(a)) });
    // What every return of f gave in the previous pass (statements.ts noteReturn).
    const rf = this.prevRetFacts?.get(f.decl);
    if (rf && v.t.k === "int" && Math.max(v.lo, rf.lo) <= Math.min(v.hi, rf.hi) && (rf.lo > v.lo || rf.hi < v.hi)) {
      // `wide`: a comparison these facts decide is not folded (as for locals' flow ranges).
      return { ...v, lo: Math.max(v.lo, rf.lo), hi: Math.min(v.hi, rf.hi), wide: [v.lo, v.hi] };
    }
    return v;
  }
  /** A call of a `@log` function (its first parameter is the level): the
   *  statement is compiled under `if (LOG_LEVEL > level)`, so a level the build
   *  leaves out costs no code, no string and no argument computation. Its
   *  arguments are then not evaluated: any that could change state is refused.
   *  Inside a @log function, passing its own level on needs no second guard. */
  protected logCall(f: FuncInfo, e: ts.CallExpression): void {
    let stmt: ts.Node = e.parent;
    while (ts.isParenthesizedExpression(stmt)) stmt = stmt.parent;
    if (!ts.isExpressionStatement(stmt)) {
      this.err(e, `\`${f.name}()\` is a @log function: call it as a statement of its own (the call is left out of builds whose log level is lower)`);
      return;
    }
    const ll = this.logLevel;
    if (!ll) {
      this.err(e, `\`${f.name}()\` is a @log function but no integer constant is tagged @loglevel; declare one (\`/** @loglevel */ const LOG_LEVEL: i32 = 1;\`)`);
      return;
    }
    const li = logLevelParam(f.decl);
    if (li >= e.arguments.length) {
      this.err(e, `\`${f.name}()\` is a @log function: pass its level (the parameter \`level\`, else the first)`);
      return;
    }
    for (const a of e.arguments) {
      if (this.hasCall(a) || this.hasAssignment(a)) {
        this.err(a, "a log call's arguments are not evaluated when the build leaves its level out, so they must not change state; compute this into a local before the call");
        return;
      }
    }
    const lvArg = e.arguments[li];
    const n = this.constValueOf(lvArg);
    const cur = this.fs?.fi;
    if (n === undefined) {
      const d = ts.isIdentifier(lvArg) ? this.declOf(lvArg) : undefined;
      const fwd = cur && jsdocTag(cur.decl, "log") !== undefined && d !== undefined && d === cur.decl.parameters[logLevelParam(cur.decl)];
      if (!fwd) this.err(lvArg, "a log call's level must be a constant (`LogLevel.WARN`, `1`) so the build can leave the call out; write one call per level");
      return;
    }
    if (cur && cur.mod !== ll.mod) (cur.mod.extraIncludes ??= new Set()).add(ll.mod.base);
    this.logGuard = `${ll.cname} > ${n}`;
  }
  protected hasAssignment(e: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) found = true;
      else ts.forEachChild(n, visit);
    };
    visit(e);
    return found;
  }
  protected indirect(v: Val, e: ts.CallExpression): Val {
    if (v.bad) {
      e.arguments.forEach((a) => this.expr(a));
      return v;
    }
    if (v.t.k === "fnref") {
      const f = v.t.fn;
      f.used = true;
      const args = this.args(f.params, e, `${f.name}()`);
      return this.mkVal(`${this.paren(v)}(${args.join(", ")})`, f.ret, { pure: false });
    }
    if (v.t.k !== "fn") {
      this.err(e, `${typeName(v.t)} is not callable; call a top-level function or a value of a function type`);
      return this.bad();
    }
    const fn = v.t.fn;
    const first = { v, e: e.expression as ts.Expression | null };
    const args = this.args(fn.params.map((t, i) => ({ t, name: String(i + 1) })), e, `a ${fn.name}`, first);
    return this.mkVal(`${this.paren(first.v)}(${args.join(", ")})`, fn.ret, { pure: false });
  }
  protected intrinsic(name: string, e: ts.CallExpression): Val {
    const args = e.arguments;
    const want = (n: number): boolean => {
      if (args.length !== n) {
        this.err(e, `${name}() takes ${n} argument${n === 1 ? "" : "s"}; pass exactly those`);
        return false;
      }
      return true;
    };
    if (!INTRINSICS.has(name)) {
      this.err(e, `\`${name}\` from rt.ts is Node-only and not part of the subset; use it only in ts-src/node/ and tests`);
      return this.bad();
    }
    if (this.constMode && !["lit", "noBytes", "u8", "u16", "u32", "i8", "i16", "i32", "int", "usize"].includes(name)) {
      this.err(e, `\`${name}()\` is not a constant; an initializer may only use literals, constants, lit() and noBytes()`);
      return this.bad();
    }
    switch (name) {
      case "u8": case "u16": case "u32": case "i8": case "i16": case "i32": case "int": case "usize": {
        if (!want(1)) return this.bad();
        // The argument's + - * may be computed modulo 2^32: only its low bits matter.
        const savedWrap = this.wrap32;
        this.wrap32 = name !== "usize";
        const v = this.expr(args[0]);
        this.wrap32 = savedWrap;
        const t = intT(name);
        if (v.t.k !== "int") {
          this.err(args[0], v.t.k === "f64" ? `${name}() takes an integer; convert an f64 with f64ToU32()/f64ToI32() first` : `${name}() takes an integer, got ${typeName(v.t)}`);
          return this.bad();
        }
        if (v.lo >= t.lo && v.hi <= t.hi) {
          // Already in range: a plain (value-preserving) conversion.
          const c = this.castInt(v, t.ct);
          const wide: [number, number] | undefined = v.wide ? [Math.max(v.wide[0], t.lo), Math.min(v.wide[1], t.hi)] : undefined;
          return { ...v, c, t, atom: c === v.c ? v.atom : true, lit: v.lit, u32bits: undefined, negZero: undefined, wide };
        }
        if (name === "u32" || name === "usize") {
          if (v.u32bits) return this.mkVal(name === "u32" ? v.u32bits : `(size_t)${v.u32bits}`, t, { pure: v.pure, atom: true });
        }
        if (v.lit !== undefined) {
          const w = wrapJs(name, v.lit);
          return { c: fmtLit(w, t.ct), t, lo: w, hi: w, atom: w >= 0, pure: true, lit: w };
        }
        // Signed wraps go through the u32 bit pattern (no implementation-defined conversions).
        if (name === "i32" || name === "int") return this.mkVal(`rt_i32_of(${this.u32operand(v)})`, t, { pure: v.pure });
        if (name === "i8" || name === "i16") return this.mkVal(`rt_${name}_of(${this.u32operand(v)})`, t, { pure: v.pure });
        return this.mkVal(`(${t.ct})${this.paren(v)}`, t, { pure: v.pure });
      }
      case "idiv": {
        if (!want(2)) return this.bad();
        return this.divmod(e, "/", this.expr(args[0]), this.expr(args[1]));
      }
      case "mul32": {
        if (!want(2)) return this.bad();
        const a = this.expr(args[0]), b = this.expr(args[1]);
        if (a.t.k !== "int" || b.t.k !== "int") {
          this.err(e, "mul32() takes integers; convert an f64 with f64ToI32() first");
          return this.bad();
        }
        return { c: `${this.u32operand(a)} * ${this.u32operand(b)}`, t: intT("u32"), lo: 0, hi: 4294967295, atom: false, pure: a.pure && b.pure };
      }
      case "f64ToU32": case "f64ToI32": {
        if (!want(1)) return this.bad();
        const v = this.expr(args[0]);
        const c = this.conv(v, F64, args[0], `the argument of ${name}()`);
        return this.mkVal(`rt_f64_to_${name === "f64ToU32" ? "u32" : "i32"}(${c})`, intT(name === "f64ToU32" ? "u32" : "i32"), { pure: v.pure });
      }
      case "f64Hi": case "f64Lo": {
        if (!want(1)) return this.bad();
        const v = this.expr(args[0]);
        const c = this.conv(v, F64, args[0], `the argument of ${name}()`);
        return this.mkVal(`rt_f64_${name === "f64Hi" ? "hi" : "lo"}(${c})`, intT("u32"), { pure: v.pure });
      }
      case "structs":
        this.err(e, "structs(N, C) is only allowed as a field initializer or a module-level const; write `items: C[] = structs(N, C)` in a class");
        return this.bad();
      case "copy": {
        if (!want(2)) return this.bad();
        const d = this.expr(args[0]), s = this.expr(args[1]);
        if (d.t.k !== "class" || s.t.k !== "class" || d.t.cls !== s.t.cls) {
          this.err(e, `copy(dst, src) copies a struct onto another of the same class (got ${typeName(d.t)} and ${typeName(s.t)}); pass two references of one class`);
          return this.bad();
        }
        const dst = d.place ?? `*${this.paren(d)}`, src = s.place ?? `*${this.paren(s)}`;
        return this.mkVal(`${dst} = ${src}`, VOID, { pure: false, atom: false });
      }
      case "lit": {
        if (!want(1)) return this.bad();
        if (!ts.isStringLiteral(args[0]) && !ts.isNoSubstitutionTemplateLiteral(args[0])) {
          this.err(args[0], "lit() takes a string literal; for a string variable write strBytes(s)");
          return this.bad();
        }
        return this.mkVal(`${this.staticInit ? "RT_LIT_INIT" : "RT_LIT"}(${cString(args[0].text)})`, BYTES);
      }
      case "toBytes": {
        if (!want(1)) return this.bad();
        const v = this.expr(args[0]);
        return this.mkVal(this.conv(v, { k: "bytes", orStr: true }, args[0], "the argument of toBytes()"), BYTES, { pure: v.pure, atom: v.atom });
      }
      case "noBytes":
        if (!want(0)) return this.bad();
        return this.mkVal(this.staticInit ? "RT_NOBYTES_INIT" : "RT_NOBYTES", BYTES);
      case "nameAt": {
        if (!want(3)) return this.bad();
        const l = this.expr(args[0]);
        if (l.bad) return this.bad();
        if (l.t.k !== "names") {
          this.err(args[0], `nameAt() reads a module name list (\`const T: readonly string[] = ["a", "b"]\`), got ${typeName(l.t)}; declare the names that way`);
          return this.bad();
        }
        const i = this.expr(args[1]);
        if (i.bad) return this.bad();
        if (i.t.k !== "int") {
          this.err(args[1], `nameAt() takes an integer index (the code), got ${typeName(i.t)}`);
          return this.bad();
        }
        // The default is stored with the list (its first text): one literal, the same in every nameAt() of it.
        const d = args[2];
        if (!ts.isStringLiteral(d) && !ts.isNoSubstitutionTemplateLiteral(d)) {
          this.err(d, `the default of nameAt() is stored with the list, so it is a string literal; write the text here ("unknown ...")`);
          return this.bad();
        }
        if (d.text.includes("\0")) {
          this.err(d, "the default of nameAt() cannot contain a NUL character (it ends the text in C); write the text without it");
          return this.bad();
        }
        const had = this.namesDefault.get(l.c);
        if (had && had.text !== d.text && had.at !== d) {
          const sf = had.at.getSourceFile(), pos = sf.getLineAndCharacterOfPosition(had.at.getStart(sf));
          this.err(d, `every nameAt() of ${args[0].getText()} gives the same default (it is stored with the list), and ${this.rel(sf.fileName)}:${pos.line + 1} gives ${JSON.stringify(had.text)}; write that, or call nameAt() once in a function that returns the name`);
          return this.bad();
        }
        if (!had) this.namesDefault.set(l.c, { text: d.text, at: d });
        return this.mkVal(`rt_name_at(${l.c}, ${this.index(i, args[1])})`, { k: "string", nullable: false }, { pure: i.pure });
      }
      case "strBytes": case "cstr": case "printStr": case "printHex": case "printInt": case "printLn": case "copyBytes": case "bytesEqual": {
        const sig: Record<string, [T[], T, string]> = {
          strBytes: [[{ k: "string", nullable: true }], BYTES, "rt_str_bytes"],
          cstr: [[BYTES], { k: "string", nullable: false }, "rt_cstr"],
          printStr: [[{ k: "string", nullable: true }], VOID, "rt_print_str"],
          printHex: [[BYTES], VOID, "rt_print_hex"],
          printInt: [[intT("i64")], VOID, "rt_print_int"],
          printLn: [[], VOID, "rt_print_ln"],
          copyBytes: [[BYTES, intT("u32"), BYTES], BOOL, "rt_copy_bytes"],
          bytesEqual: [[BYTES, BYTES], BOOL, "rt_bytes_equal"],
        };
        const [ps, ret, cn] = sig[name];
        if (!want(ps.length)) return this.bad();
        if (name === "cstr" && !this.rel(e.getSourceFile().fileName).startsWith("ts-src/")) {
          const from = this.passedView(args[0]);
          if (from) {
            this.err(e, `cstr() reads up to a NUL byte in C, and ${from} is a view with no NUL after it (a handler's topic or message points into the received packet): C would read past it, Node stops at its end; log it with Log.bytes(Log.INFO, ${args[0].getText().length <= 30 ? args[0].getText() : "msg"}), or copy it into a Text: t.clear().addBytes(${args[0].getText().length <= 30 ? args[0].getText() : "msg"}).cstr()`);
            return this.bad();
          }
        }
        const cargs = ps.map((p, i) => {
          const v = this.expr(args[i]);
          if (name === "printInt") {
            if (v.t.k !== "int") {
              this.err(args[i], v.t.k === "f64" ? "printInt() prints integers; write printInt(f64ToI32(x))" : `printInt() prints integers, got ${typeName(v.t)}`);
              return "0";
            }
            return v.lit !== undefined ? fmtLit(v.lit, "int64_t") : v.t.base === "int64_t" ? v.c : `(int64_t)${this.paren(v)}`;
          }
          return this.conv(v, p, args[i], `argument ${i + 1} of ${name}()`);
        });
        // copyBytes() as a statement: rt_copy_into, which returns nothing (out
        // of line, memmove ends it as a tail call).
        const stmt = name === "copyBytes" && ts.isExpressionStatement(e.parent);
        return this.mkVal(`${stmt ? "rt_copy_into" : cn}(${cargs.join(", ")})`, stmt ? VOID : ret, { pure: name === "strBytes" || name === "cstr" || name === "bytesEqual" });
      }
    }
    this.err(e, `\`${name}\` is not supported; see codegen/SUBSET.md`);
    return this.bad();
  }
  /** For cstr() in application code: what makes `e` a view that may have no NUL
   *  after it (a parameter, a call's result, a subarray or a const local of one), or null. */
  protected passedView(e: ts.Expression): string | null {
    while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
    if (ts.isCallExpression(e)) {
      const c = e.expression;
      if (ts.isPropertyAccessExpression(c) && c.name.text === "subarray") return this.passedView(c.expression);
      return `the result of \`${c.getText()}()\``;
    }
    if (!ts.isIdentifier(e)) return null;
    const d = this.declOf(e);
    if (d && ts.isParameter(d)) return `the parameter \`${e.text}\``;
    if (d && ts.isVariableDeclaration(d) && d.initializer && this.fs?.locals.has(d) &&
      ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0) return this.passedView(d.initializer);
    return null;
  }
  /** An expression whose value no call can change: literals, constants, locals,
   *  parameters, `this`, and pure operators over those. */
  /** Whether an expression contains a call that may write state or an ++/--. */
  protected hasCall(e: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) found = true;
      else if (ts.isCallExpression(n)) {
        const c = n.expression;
        const d = ts.isIdentifier(c) ? this.declOf(c) : ts.isPropertyAccessExpression(c) ? this.declOf(c.name) : undefined;
        if (!(d && ((ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && !this.writes(d) && !this.isRt(d) || this.isRt(d) && !["copy", "copyBytes", "printStr", "printInt", "printHex", "printLn"].includes(c.getText()))) &&
          !(ts.isPropertyAccessExpression(c) && c.name.text === "subarray")) found = true;
      }
      if (!found) ts.forEachChild(n, visit);
    };
    visit(e);
    return found;
  }
  protected stableExpr(e: ts.Expression): boolean {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return this.stableExpr(e.expression);
    if (ts.isNumericLiteral(e) || ts.isStringLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword ||
      e.kind === ts.SyntaxKind.NullKeyword || e.kind === ts.SyntaxKind.ThisKeyword) return true;
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      if (!d) return false;
      const ent = this.fs?.locals.get(d) ?? this.ents.get(d);
      return !!ent && (ent.kind === "local" || ent.kind === "const" || ent.kind === "func" ||
        (ent.kind === "global" && (ent.t.k === "arr" || ent.t.k === "sarr" || ent.t.k === "table" || ent.t.k === "names" || (ent.t.k === "class" && !ent.t.nullable))));
    }
    if (ts.isPropertyAccessExpression(e)) {
      // `NS.name` through a namespace import is the imported name itself (`Json.NUMBER`).
      const nm = this.nsMember(e);
      if (nm) return this.stableExpr(nm);
      const d = ts.isIdentifier(e.expression) ? this.declOf(e.expression) : undefined;
      if (d && ts.isEnumDeclaration(d)) return true;
      // `base.sub` of an embedded struct or fixed array is an address, not a read.
      const fd = this.declOf(e.name);
      if (fd && ts.isPropertyDeclaration(fd) && fd.parent && ts.isClassDeclaration(fd.parent)) {
        const f = this.classes.get(fd.parent)?.fields.get(e.name.text);
        if (f && f.storage !== "val") return this.stableExpr(e.expression);
      }
      return false;
    }
    if (ts.isElementAccessExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      // `base.items[i]` of a structs() field: an address when base and i are stable.
      const fd = this.declOf(e.expression.name);
      if (fd && ts.isPropertyDeclaration(fd) && fd.parent && ts.isClassDeclaration(fd.parent)) {
        const f = this.classes.get(fd.parent)?.fields.get(e.expression.name.text);
        if (f && f.storage === "sarr") return this.stableExpr(e.expression) && this.stableExpr(e.argumentExpression);
      }
      return false;
    }
    if (ts.isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      return !(k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) && this.stableExpr(e.left) && this.stableExpr(e.right);
    }
    if (ts.isPrefixUnaryExpression(e)) return e.operator !== ts.SyntaxKind.PlusPlusToken && e.operator !== ts.SyntaxKind.MinusMinusToken && this.stableExpr(e.operand);
    if (ts.isConditionalExpression(e)) return this.stableExpr(e.condition) && this.stableExpr(e.whenTrue) && this.stableExpr(e.whenFalse);
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const d = this.declOf(e.expression);
      return !!d && this.isRt(d) && ["u8", "u16", "u32", "i8", "i16", "i32", "int", "usize", "lit", "noBytes", "idiv", "mul32", "strBytes"].includes(e.expression.text) &&
        e.arguments.every((a) => this.stableExpr(a));
    }
    return false;
  }
  /** Whether calling this function can change state (fields, globals, elements, output).
   *  Calls that cannot are free to be evaluated in any order, so they need no temporaries. */
  protected writeMemo = new Map<ts.Node, boolean>();
  writes(fd: ts.FunctionDeclaration | ts.MethodDeclaration): boolean {
    const memo = this.writeMemo.get(fd);
    if (memo !== undefined) return memo;
    if (!fd.body) return true; // extern
    this.writeMemo.set(fd, false); // recursion: assume no writes until one is found
    const isLocal = (id: ts.Expression): boolean => {
      if (!ts.isIdentifier(id)) return false;
      const d = this.declOf(id);
      if (!d || !(ts.isVariableDeclaration(d) || ts.isParameter(d))) return false;
      let p: ts.Node | undefined = d.parent;
      while (p && !ts.isFunctionLike(p)) p = p.parent;
      return p === fd;
    };
    let w = false;
    const visit = (n: ts.Node): void => {
      if (w) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        let t: ts.Expression = n.left;
        while (ts.isParenthesizedExpression(t)) t = t.expression;
        if (!isLocal(t)) { w = true; return; }
      } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
        (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        if (!isLocal(n.operand)) { w = true; return; }
      } else if (ts.isCallExpression(n)) {
        const c = n.expression;
        if (ts.isPropertyAccessExpression(c) && c.name.text === "subarray") { /* a view: no write */ }
        else {
          const d = ts.isIdentifier(c) ? this.declOf(c) : ts.isPropertyAccessExpression(c) ? this.declOf(c.name) : undefined;
          if (d && this.isRt(d)) {
            if (["copy", "copyBytes", "printStr", "printInt", "printHex", "printLn"].includes((c as ts.Identifier).getText())) { w = true; return; }
          } else if (d && (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d))) {
            if (this.writes(d)) { w = true; return; }
          } else { w = true; return; }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(fd.body);
    this.writeMemo.set(fd, w);
    return w;
  }
  /** JavaScript evaluates operands left to right; C does not. When an operand has side
   *  effects and another operand could observe them, the operands up to the last
   *  one with side effects are computed into temporaries first, in source order. */
  protected order(vals: Val[], exprs: (ts.Expression | null)[], at: ts.Node): Val[] {
    if (!this.fs || this.constMode) return vals;
    let last = -1;
    vals.forEach((v, i) => { if (!v.pure) last = i; });
    if (last < 0) return vals;
    const unstable = vals.map((v, i) => !(exprs[i] === null ? v.pure : this.stableExpr(exprs[i]!) && v.pure));
    if (!unstable.some((u, i) => u && i !== last)) return vals;
    if (this.condDepth > 0) {
      this.err(at, "calls whose order matters inside a conditional operand (&&, ||, ?:); compute them into locals in statements first");
      return vals;
    }
    const laterReads = unstable.some((u, j) => u && j > last);
    // Each temporary goes where its value was computed: after the temporaries of its
    // own operands, before those of the operands after it (`a.m(b.m(c.m()))`: a, b, c).
    let at0 = -1, added = 0;
    return vals.map((v, i) => {
      if (i > last || !unstable[i] || v.bad || (i === last && !laterReads)) return v;
      if (v.t.k === "arr" || v.t.k === "sarr" || v.t.k === "table" || v.t.k === "names" || v.t.k === "fnref" || v.t.k === "null" || v.t.k === "void") return v;
      const name = this.localName("tmp");
      const pos = Math.max(at0 + 1, Math.min((v.preEnd ?? this.pre.length) + added, this.pre.length));
      this.pre.splice(pos, 0, `${cDecl(v.t, name)} = ${v.c};`);
      at0 = pos;
      added++;
      return { c: name, t: v.t, lo: v.lo, hi: v.hi, atom: true, pure: true, negZero: v.negZero, preEnd: pos + 1 };
    });
  }

  // ---------------------------------------------------------------- flow facts of conditions
  /** Translates `body` (an operand run only when `cond` is `truth`) under the facts
   *  of that condition; a local written inside it loses its facts afterwards too. */
  protected underFacts(cond: ts.Expression, truth: boolean, body: ts.Node, f: () => Val): Val {
    if (!this.fs) return f();
    const saved = this.fs.flow;
    this.fs.flow = this.assume(saved, cond, truth);
    try {
      return f();
    } finally {
      this.fs.flow = saved;
      for (const d of this.writtenIn(body)) saved.write(d);
    }
  }
  /** The flow after `e` was found `truth` (a fork of `flow`). */
  assume(flow: Flow, e: ts.Expression, truth: boolean): Flow {
    const K = ts.SyntaxKind;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isPrefixUnaryExpression(e) && e.operator === K.ExclamationToken) return this.assume(flow, e.operand, !truth);
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === K.AmpersandAmpersandToken) {
        return truth ? this.assume(this.assume(flow, e.left, true), e.right, true)
          : Flow.join(this.assume(flow, e.left, false), this.assume(this.assume(flow, e.left, true), e.right, false));
      }
      if (op === K.BarBarToken) {
        return truth ? Flow.join(this.assume(flow, e.left, true), this.assume(this.assume(flow, e.left, false), e.right, true))
          : this.assume(this.assume(flow, e.left, false), e.right, false);
      }
      const ops: Partial<Record<number, string>> = {
        [K.LessThanToken]: "<", [K.LessThanEqualsToken]: "<=", [K.GreaterThanToken]: ">", [K.GreaterThanEqualsToken]: ">=",
        [K.EqualsEqualsEqualsToken]: "==", [K.ExclamationEqualsEqualsToken]: "!=",
      };
      const cop = ops[op];
      if (cop) {
        const f = flow.fork();
        this.compareFacts(f, e.left, truth ? cop : NEGATE[cop], e.right);
        return f;
      }
    }
    return flow.fork();
  }
  /** Facts of `l op r` (both integers, ranges as translated). */
  private compareFacts(f: Flow, l: ts.Expression, op: string, r: ts.Expression): void {
    const rl = this.nodeRange.get(l), rr = this.nodeRange.get(r);
    if (!rl || !rr) return;
    const narrowVar = (x: ts.Expression, xr: [number, number], op: string, o: [number, number]): void => {
      const d = this.localDecl(x);
      if (d) {
        switch (op) {
          case "<": f.narrow(d, -Infinity, o[1] - 1); break;
          case "<=": f.narrow(d, -Infinity, o[1]); break;
          case ">": f.narrow(d, o[0] + 1, Infinity); break;
          case ">=": f.narrow(d, o[0], Infinity); break;
          case "==": f.narrow(d, o[0], o[1]); break;
          case "!=":
            if (o[0] === o[1] && xr[0] === o[0]) f.narrow(d, xr[0] + 1, Infinity);
            else if (o[0] === o[1] && xr[1] === o[0]) f.narrow(d, -Infinity, xr[1] - 1);
            break;
        }
        return;
      }
      // `i * i <= n`: i is at most the square root of n's bound.
      const sq = this.square(x);
      if (sq && (op === "<" || op === "<=")) {
        const d2 = this.localDecl(sq);
        const top = op === "<" ? o[1] - 1 : o[1];
        if (d2 && top >= 0) {
          const root = Math.floor(Math.sqrt(top));
          f.narrow(d2, -root, root);
        }
      }
    };
    narrowVar(l, rl, op, rr);
    narrowVar(r, rr, FLIP[op], rl);
    const lk = this.key(l), rk = this.key(r);
    if (lk === null || rk === null) return;
    const vars = [...this.localsIn(l), ...this.localsIn(r)];
    if (vars.length === 0) return;
    const rel = (a: ts.Expression, ak: string, b: ts.Expression, bk: string, strict: boolean): void =>
      f.relate({ l: a, r: b, lk: ak, rk: bk, strict, vars });
    switch (op) {
      case "<": rel(l, lk, r, rk, true); break;
      case "<=": rel(l, lk, r, rk, false); break;
      case ">": rel(r, rk, l, lk, true); break;
      case ">=": rel(r, rk, l, lk, false); break;
      case "==": rel(l, lk, r, rk, false); rel(r, rk, l, lk, false); break;
      case "!=": {
        // `x !== k` where k is x's lowest value: k + 1 <= x (`b.length !== 0`).
        const [x, xk, xr, k]: [ts.Expression, string, [number, number], number] =
          rr[0] === rr[1] ? [l, lk, rl, rr[0]] : rl[0] === rl[1] ? [r, rk, rr, rl[0]] : [l, lk, rl, NaN];
        if (xr[0] === k) f.relate({ l: x, r: x, lk: String(k + 1), rk: xk, strict: false, vars, llo: k + 1 });
        break;
      }
    }
  }
  /** Bounds that relations between stable expressions prove for `e` (+ - *). */
  protected relClamp(e: ts.BinaryExpression): [number, number] | undefined {
    if (!this.fs) return undefined;
    const rels = this.fs.flow.relations();
    if (rels.length === 0) return undefined;
    const k = this.key(e);
    if (k === null) return undefined;
    let lo = -Infinity, hi = Infinity;
    const K = ts.SyntaxKind;
    const ka = this.key(e.left), kb = this.key(e.right);
    for (const r of rels) {
      const s = r.strict ? 1 : 0;
      // e <= X, X <= e
      if (r.lk === k) { const x = this.nodeRange.get(r.r); if (x) hi = Math.min(hi, x[1] - s); }
      if (r.rk === k) { const x = this.nodeRange.get(r.l); if (x) lo = Math.max(lo, x[0] + s); }
      // a - b with b <= a
      if (e.operatorToken.kind === K.MinusToken && r.lk === kb && r.rk === ka) lo = Math.max(lo, s);
      // a + b with a <= X - b (or b <= X - a)
      if (e.operatorToken.kind === K.PlusToken) {
        let rhs: ts.Expression = r.r;
        while (ts.isParenthesizedExpression(rhs)) rhs = rhs.expression;
        if (ts.isBinaryExpression(rhs) && rhs.operatorToken.kind === K.MinusToken) {
          const sub = this.key(rhs.right);
          if ((r.lk === ka && sub === kb) || (r.lk === kb && sub === ka)) {
            const x = this.nodeRange.get(rhs.left);
            if (x) hi = Math.min(hi, x[1] - s);
          }
        }
      }
    }
    return lo === -Infinity && hi === Infinity ? undefined : [lo, hi];
  }
  /** The local or parameter `e` names (through parentheses), if any. */
  protected localDecl(e: ts.Expression): ts.Node | undefined {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isIdentifier(e) || !this.fs) return undefined;
    const d = this.declOf(e);
    return d && this.fs.locals.has(d) ? d : undefined;
  }
  /** `x * x` of a local x: x. */
  private square(e: ts.Expression): ts.Expression | undefined {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.AsteriskToken) return undefined;
    const a = this.localDecl(e.left);
    return a && a === this.localDecl(e.right) ? e.left : undefined;
  }
  private keyIds = new Map<ts.Node, number>();
  /** A canonical text for a stable expression over locals, literals and constants
   *  (`b.length - start`), or null when it is not one. */
  protected key(e: ts.Expression): string | null {
    const K = ts.SyntaxKind;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isNumericLiteral(e)) return String(Number(e.text));
    const nm = this.nsMember(e);
    if (nm) e = nm;
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      if (!d) return null;
      if (this.fs?.locals.has(d)) {
        let id = this.keyIds.get(d);
        if (id === undefined) { id = this.keyIds.size + 1; this.keyIds.set(d, id); }
        return `v${id}`;
      }
      const ent = this.ents.get(d);
      return ent?.kind === "const" ? `c:${ent.cname}` : null;
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === "length" && !e.questionDotToken) {
      const o = this.key(e.expression);
      return o === null || !o.startsWith("v") ? null : `${o}.length`;
    }
    if (ts.isBinaryExpression(e) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.operatorToken.kind)) {
      const a = this.key(e.left), b = this.key(e.right);
      return a === null || b === null ? null : `(${a}${e.operatorToken.getText()}${b})`;
    }
    return null;
  }
  /** The locals an expression reads. */
  private localsIn(e: ts.Node): ts.Node[] {
    const res: ts.Node[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n)) {
        const d = this.localDecl(n);
        if (d) res.push(d);
      }
      ts.forEachChild(n, visit);
    };
    visit(e);
    return res;
  }
  /** Locals assigned, incremented or decremented anywhere in `n`. */
  writtenIn(n: ts.Node): Set<ts.Node> {
    const K = ts.SyntaxKind;
    const res = new Set<ts.Node>();
    const visit = (x: ts.Node): void => {
      let target: ts.Expression | undefined;
      if (ts.isBinaryExpression(x) && x.operatorToken.kind >= K.FirstAssignment && x.operatorToken.kind <= K.LastAssignment) target = x.left;
      else if ((ts.isPrefixUnaryExpression(x) || ts.isPostfixUnaryExpression(x)) && (x.operator === K.PlusPlusToken || x.operator === K.MinusMinusToken)) target = x.operand;
      if (target) {
        while (ts.isParenthesizedExpression(target)) target = target.expression;
        if (ts.isIdentifier(target)) {
          const d = this.declOf(target);
          if (d) res.add(d);
        }
      }
      ts.forEachChild(x, visit);
    };
    visit(n);
    return res;
  }

  // Implemented by statements.ts.
  protected abstract localName(name: string): string;
}

/** CODEGEN_INDEX_PROOFS=old: only the proofs before the rules of proves() (an
 *  index below a fixed array's size, a fact `i < b.length`), to measure what
 *  the rules save (scripts/count-checks.sh, the bench's sizes). */
const OLD_PROOFS = process.env.CODEGEN_INDEX_PROOFS === "old";

/** The right side of a `<`/`<=` to prove: a stable expression's key (null when the
 *  target is known only by its range), its node, and a lowest value known already. */
interface Bound {
  k: string | null;
  n?: ts.Expression;
  lo: number;
}

const NEGATE: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" };
const FLIP: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };
