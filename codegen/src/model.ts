// The program model and its declarations (passes 1 and 2): the state shared
// by every pass (modules, entities, classes, enums, function types, the
// function being compiled), diagnostics, symbol lookup, declared types, and the
// declarations of classes, fields, functions, module variables and constants.
// It may not emit C for function bodies nor compute value ranges itself: it
// calls expr()/conv() (expressions.ts, ranges.ts) only for constant initializers.
import * as path from "path";
import { ts } from "ts-morph";
import {
  T, IntT, ClassT, FnT, EnumInfo, FnTypeInfo, FuncInfo, ParamInfo, FieldInfo, ClassInfo, ModInfo,
  INTS, intT, BOOL, F64, VOID, BYTES, PTR, NULLT, I64_MAX, fitsI32, fitsU32, rangeCt, promote, castFree,
  typeName, cType, cDecl,
} from "./types";
import { Flow } from "./flow";
import type { Visibility } from "./visibility";
import { C_RESERVED, C_MACRO, cIdent, fmtRange, fmtLit, zeroOf, isZeroInit, cString, cComment, initName } from "./ctext";

export interface Diagnostic {
  /** Path relative to the root. */
  file: string;
  line: number;
  col: number;
  message: string;
  /** `file:line:col: error: message`, the source line and a caret. */
  text: string;
}

/** A translated expression. */
export interface Val {
  c: string;
  t: T;
  /** Value range (integers; enums too). */
  lo: number;
  hi: number;
  /** Safe as an operand of any C operator without parentheses. */
  atom: boolean;
  /** No side effects (may be evaluated twice or dropped). */
  pure: boolean;
  /** The numeric literal's value and source text. */
  lit?: number;
  litText?: string;
  /** For an embedded struct: the C lvalue of the struct itself (`self->sub`). */
  place?: string;
  /** For a bit operation computed in uint32_t and then read as int32: the uint32_t text. */
  u32bits?: string;
  /** For + - * computed modulo 2^32 (inside a wrap helper): the exact range, for the 2^53 check. */
  rlo?: number;
  rhi?: number;
  /** For `a + b`: the operands (index expressions use a saturating 32-bit add). */
  sumOf?: [Val, Val];
  /** Result of a rejected expression (already diagnosed): absorbs follow-on errors. */
  bad?: boolean;
  /** May be -0 under Node (-x, x * y, x % y of signed values): C has no -0, so
   *  such a value may not be stored or converted to f64 (i32(x) makes it 0). */
  negZero?: boolean;
  /** A local's range before flow facts narrowed it (comparisons fold only on these). */
  wide?: [number, number];
  /** How many `pre` statements existed when this value was computed: a temporary
   *  for it goes there, before those of the operands evaluated after it. */
  preEnd?: number;
}

export type Entity =
  | { kind: "local"; cname: string; t: T; read: boolean }
  | { kind: "global"; cname: string; t: T; used: boolean }
  | { kind: "const"; cname: string; t: T; lo: number; hi: number }
  | { kind: "func"; fn: FuncInfo };

/** Intrinsics of rt.ts that the compiler translates (everything else in rt.ts is Node-only). */
export const INTRINSICS = new Set([
  "u8", "u16", "u32", "i8", "i16", "i32", "int", "usize", "idiv", "mul32", "f64ToU32", "f64ToI32", "f64Hi", "f64Lo",
  "structs", "copy", "lit", "strBytes", "toBytes", "copyBytes", "bytesEqual", "noBytes", "cstr",
  "printStr", "printInt", "printHex", "printLn", "nameAt",
]);

export const RT_TYPES = new Set(["u8", "u16", "u32", "i8", "i16", "i32", "int", "usize", "f64", "bool", "Ptr", "Bytes"]);

export const ARRAY_KINDS: Record<string, string> = { Uint8Array: "u8", Uint16Array: "u16", Uint32Array: "u32", Int32Array: "i32" };

export interface FnState {
  fi: FuncInfo;
  scopes: Set<string>[];
  /** Locals (and params) declared in this function, in order. */
  locals: Map<ts.Node, Entity & { kind: "local" }>;
  /** Per full expression: variables changed by ++/-- and how often each is referenced. */
  mutated: Set<ts.Node>;
  refs: Map<ts.Node, number>;
  /** What the conditions checked so far prove about the locals (flow.ts). */
  flow: Flow;
  /** C names of locals read in a comparison folded to a constant (they get `(void)x;`). */
  folded: Set<string>;
}

export function makeDiag(file: string, text: string, line: number, col: number, message: string): Diagnostic {
  const src = text.split(/\r?\n/)[line] ?? "";
  const caret = src.slice(0, col).replace(/[^\t]/g, " ") + "^";
  return {
    file, line: line + 1, col: col + 1, message,
    text: `${file}:${line + 1}:${col + 1}: error: ${message}\n${src}\n${caret}`,
  };
}

export function hasMod(n: ts.Node, k: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(n) ? ts.getModifiers(n) ?? [] : []).some((m) => m.kind === k);
}

export function jsdocTag(n: ts.Node, tag: string): string | undefined {
  for (const t of ts.getJSDocTags(n)) {
    if (t.tagName.text === tag) {
      const c = t.comment;
      return typeof c === "string" ? c : c ? c.map((x) => x.text).join("") : "";
    }
  }
  return undefined;
}

/** Tagged `@noinline`: emitted with RT_NOINLINE (GCC's noinline). For flash:
 *  GCC's -Os inlining may copy a small function into each caller; one copy
 *  and a call each can be smaller (measure: it may also be larger). */
export function noinline(n: ts.Node): boolean {
  return jsdocTag(n, "noinline") !== undefined;
}

/** Tagged `@inline`: a function static in C emitted `static RT_INLINE` (GCC's
 *  always_inline), where -Os keeps out of line a function whose copies in its
 *  callers are smaller than the call. */
export function forceInline(n: ts.Node): boolean {
  return jsdocTag(n, "inline") !== undefined;
}

/** Tagged as called by hand-written C: `@cextern`, or `@capi` (the C API wrapper in compat.c that calls it). */
export function calledFromC(n: ts.Node): boolean {
  return jsdocTag(n, "cextern") !== undefined || jsdocTag(n, "capi") !== undefined;
}

/** Whether a function takes its byte views as pointer and length in C (types.ts
 *  splitWrapper()): any function with a view parameter but an `@api` one (its C
 *  signature is fixed). Hand-written C calling a `@cextern` or `@capi` one goes
 *  through the wrapper in the header, under the same name; hand-written C that
 *  implements an extern (`declare function f`) defines `f_v`. */
export function splitsViews(fi: FuncInfo): boolean {
  return jsdocTag(fi.decl, "api") === undefined && fi.params.some((p) => p.t.k === "bytes");
}

export function nullable(t: T): T {
  if (t.k === "class" || t.k === "fn" || t.k === "string") return { ...t, nullable: true };
  return t;
}

/** An initializer whose type has a name (a call, a field, a variable, an element, `as`). */
export function namedInit(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isCallExpression(e) || ts.isPropertyAccessExpression(e) || ts.isIdentifier(e) || ts.isElementAccessExpression(e) || ts.isAsExpression(e);
}

export function lastStmt(list: readonly ts.Statement[]): ts.Statement | undefined {
  let s: ts.Statement | undefined = list[list.length - 1];
  while (s && ts.isBlock(s)) s = s.statements[s.statements.length - 1];
  return s;
}

export function usesThis(n: ts.Node): boolean {
  let found = false;
  const visit = (x: ts.Node): void => {
    if (found) return;
    if (x.kind === ts.SyntaxKind.ThisKeyword) { found = true; return; }
    ts.forEachChild(x, visit);
  };
  ts.forEachChild(n, visit);
  return found;
}

/** What the returns of one function prove (Declarations.retFacts). */
export interface RetFacts {
  lo: number;
  hi: number;
  le: boolean[];
}

export abstract class Declarations {
  diags: Diagnostic[] = [];
  /** The range of each integer expression as last translated (flow facts read them). */
  nodeRange = new Map<ts.Node, [number, number]>();
  mods = new Map<ts.SourceFile, ModInfo>();
  ents = new Map<ts.Node, Entity>();
  classes = new Map<ts.Node, ClassInfo>();
  enums = new Map<ts.Node, EnumInfo>();
  fntypes = new Map<ts.Node, FnTypeInfo>();
  fs: FnState | null = null;
  /** Declarations already rejected: their uses are not reported again. */
  badDecls = new Set<ts.Node>();
  /** In constant context (module and field initializers, default values): only constants may be referenced. */
  constMode = false;
  /** In a C static initializer (lit() and noBytes() need their *_INIT forms). */
  staticInit = false;
  /** Statics of a module that nothing referenced: marked RT_UNUSED. */
  protected curMod: ModInfo | null = null;
  /** The constant tagged `@loglevel`: calls of `@log` functions are compiled
   *  under `if (<its C name> > level)` (statements.ts). */
  logLevel: { cname: string; mod: ModInfo; decl: ts.Node } | null = null;
  /** Set by a call of a `@log` function: the guard its statement is emitted under. */
  logGuard: string | null = null;
  /** Interprocedural parameter ranges (index.ts compiles twice): per function
   *  that is not exported (its declaration), the union of the ranges of every
   *  argument this pass compiled for it (null: not an integer, or unknown). */
  argRanges = new Map<ts.Node, ([number, number] | null)[]>();
  /** String literals of the function bodies of the module being emitted: C text -> array name. */
  strPool = new Map<string, string>();
  /** The default text of each name list (its C name -> the literal every nameAt() of it passes). */
  namesDefault = new Map<string, { text: string; at: ts.Node }>();
  /** Which exports stay external in C (visibility.ts); null: every export does. */
  visibility: Visibility | null = null;
  /** Functions used as values (callbacks): their callers are not all known. */
  fnValues = new Set<ts.Node>();
  /** From the previous pass: what every caller passes, per function declaration;
   *  the parameters start out with these ranges (statements.ts funcBody). */
  paramFacts: Map<ts.Node, ([number, number] | null)[]> | null = null;
  /** Per function (its declaration), over every `return` this pass compiled:
   *  the union of the returned ranges, and per parameter whether every return
   *  proved `value <= parameter` (a parameter the body never writes). */
  retFacts = new Map<ts.Node, RetFacts>();
  /** The previous pass's retFacts: calls read them (expressions.ts direct, initFacts). */
  prevRetFacts: Map<ts.Node, RetFacts> | null = null;
  /** Field range invariants assumed by this pass (index.ts): per integer field
   *  (its declaration), the range every read of it gets. Sound only because
   *  index.ts keeps a pass's output only when every store it compiled
   *  (fieldStores) lies inside the assumed range. */
  fieldFacts: Map<ts.Node, [number, number]> | null = null;
  /** Per integer field, the union of the ranges of every store this pass compiled
   *  (`=`, `+=`, `-=`, `++`, `--`; the initializer is checked by index.ts). */
  fieldStores = new Map<ts.Node, [number, number]>();
  noteStore(field: ts.Node, lo: number, hi: number): void {
    const o = this.fieldStores.get(field);
    this.fieldStores.set(field, o ? [Math.min(o[0], lo), Math.max(o[1], hi)] : [lo, hi]);
  }
  constructor(
    protected checker: ts.TypeChecker,
    protected root: string,
    protected rtFile: string,
  ) {}
  err(node: ts.Node, message: string): void {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    this.diags.push(makeDiag(this.rel(sf.fileName), sf.text, line, character, message));
  }
  rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }
  /** Whether function `d`'s own module uses it as a value (not only calls it):
   *  its address is then taken, which for a split function is an out-of-line
   *  copy of its wrapper as well. Syntactic and per module, so every compile
   *  that declares `d` decides the same. */
  protected valueInOwnModule(d: ts.FunctionDeclaration): boolean {
    const name = d.name?.text;
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && n.text === name && n !== d.name && this.declOf(n) === d) {
        const p = n.parent;
        if (!(ts.isCallExpression(p) && p.expression === n)) found = true;
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(d.getSourceFile());
    return found;
  }
  declOf(node: ts.Node): ts.Declaration | undefined {
    let sym = this.checker.getSymbolAtLocation(node);
    if (!sym) return undefined;
    if (sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    return sym.valueDeclaration ?? sym.declarations?.[0];
  }
  /** The declaration of a name used as a type (rt.ts merges `u8` the type with `u8()` the function). */
  typeDeclOf(node: ts.Node): ts.Declaration | undefined {
    let sym = this.checker.getSymbolAtLocation(node);
    if (!sym) return undefined;
    if (sym.flags & ts.SymbolFlags.Alias) sym = this.checker.getAliasedSymbol(sym);
    const ds = sym.declarations ?? [];
    return ds.find((d) => ts.isTypeAliasDeclaration(d) || ts.isClassDeclaration(d) || ts.isEnumDeclaration(d) || ts.isInterfaceDeclaration(d)) ?? ds[0];
  }
  /** `NS.name` where `NS` comes from `import * as NS from "./mod"`: the member's
   *  name (resolved like a plain imported name); null for anything else. */
  nsMember(e: ts.Node): ts.Identifier | null {
    if (!ts.isPropertyAccessExpression(e) || !ts.isIdentifier(e.expression) || !ts.isIdentifier(e.name)) return null;
    const d = this.checker.getSymbolAtLocation(e.expression)?.declarations?.[0];
    return d && ts.isNamespaceImport(d) ? e.name : null;
  }
  /** The first local or parameter of an enclosing function that the function
   *  expression `fn` refers to (what a closure would capture), if any. */
  capturedLocal(fn: ts.ArrowFunction | ts.FunctionExpression): string | null {
    let found: string | null = null;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (ts.isIdentifier(n) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) {
        const d = this.declOf(n);
        if (d && (ts.isVariableDeclaration(d) || ts.isParameter(d)) && d.getSourceFile() === fn.getSourceFile() &&
          !(d.pos >= fn.pos && d.end <= fn.end)) {
          // Declared outside `fn` but inside some function: a local of an enclosing scope.
          let p: ts.Node | undefined = d.parent;
          while (p && !ts.isFunctionLike(p) && !ts.isSourceFile(p)) p = p.parent;
          if (p && ts.isFunctionLike(p)) found = n.text;
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    return found;
  }
  isRt(node: ts.Node): boolean {
    return path.resolve(node.getSourceFile().fileName) === this.rtFile;
  }
  isLib(node: ts.Node): boolean {
    const f = node.getSourceFile().fileName;
    return f.includes("/node_modules/") || /\/lib\.[^/]*\.d\.ts$/.test(f) || node.getSourceFile().isDeclarationFile;
  }
  /** Resolves a declared type node to a subset type; reports and returns null when rejected. */
  typeOf(tn: ts.TypeNode | undefined, at: ts.Node, what: string): T | null {
    if (!tn) {
      this.err(at, `${what} has no type; write its type explicitly (e.g. \`: u32\`)`);
      return null;
    }
    switch (tn.kind) {
      case ts.SyntaxKind.BooleanKeyword: return BOOL;
      case ts.SyntaxKind.StringKeyword: return { k: "string", nullable: false };
      case ts.SyntaxKind.VoidKeyword: return VOID;
      case ts.SyntaxKind.NumberKeyword:
        this.err(tn, "plain `number` has no C type; write an integer type from rt.ts (u8 u16 u32 i8 i16 i32) or f64");
        return null;
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        this.err(tn, `\`${tn.getText()}\` is not in the subset; write a concrete type (use Ptr for opaque user data)`);
        return null;
      case ts.SyntaxKind.ParenthesizedType:
        return this.typeOf((tn as ts.ParenthesizedTypeNode).type, at, what);
      case ts.SyntaxKind.UnionType: {
        const u = tn as ts.UnionTypeNode;
        const others = u.types.filter((x) => !(ts.isLiteralTypeNode(x) && x.literal.kind === ts.SyntaxKind.NullKeyword));
        // `Bytes | string`: a view; a string argument is converted (strlen).
        const names = u.types.map((x) => x.getText()).sort();
        if (names.length === 2 && names[0] === "Bytes" && names[1] === "string") return { k: "bytes", orStr: true };
        if (others.length === 1 && u.types.length === 2) {
          const inner = this.typeOf(others[0], at, what);
          if (!inner) return null;
          if (inner.k === "class" || inner.k === "fn" || inner.k === "string") return { ...inner, nullable: true };
          if (inner.k === "ptr") return inner;
          this.err(tn, `\`${typeName(inner)} | null\` is not in the subset; only class, string and function types may be nullable (use a separate bool flag)`);
          return null;
        }
        this.err(tn, "union types other than `T | null` are not in the subset; use an enum or separate fields");
        return null;
      }
      case ts.SyntaxKind.FunctionType:
        this.err(tn, "inline function types are not in the subset; declare `type Fn = (...) => R;` at the top level and use its name");
        return null;
      case ts.SyntaxKind.TypeReference: {
        const ref = tn as ts.TypeReferenceNode;
        const d = this.typeDeclOf(ref.typeName);
        const name = ref.typeName.getText();
        if (!d) {
          this.err(tn, `unknown type \`${name}\`; import it from rt.ts or declare it`);
          return null;
        }
        return this.typeOfDecl(d, tn, name);
      }
      case ts.SyntaxKind.ArrayType:
      case ts.SyntaxKind.TypeOperator:
        this.err(tn, `array type \`${tn.getText()}\` is only allowed for a field \`x: C[] = structs(N, C)\` or a module const table \`readonly u8[]\`; ${arrayHint(tn)}`);
        return null;
      default:
        this.err(tn, `type \`${tn.getText()}\` is not in the subset; use the types from rt.ts, classes, enums, \`T | null\` or a function type alias`);
        return null;
    }
  }
  typeOfDecl(d: ts.Declaration, at: ts.Node, name: string): T | null {
    if (this.isRt(d) && ts.isTypeAliasDeclaration(d)) {
      const n = d.name.text;
      if (n in INTS) return intT(n);
      if (n === "f64") return F64;
      if (n === "bool") return BOOL;
      if (n === "Ptr") return PTR;
      if (n === "Bytes") return BYTES;
    }
    if (ts.isClassDeclaration(d)) {
      const c = this.classes.get(d);
      if (c) return { k: "class", cls: c, nullable: false };
    }
    if (ts.isEnumDeclaration(d)) {
      const e = this.enums.get(d);
      if (e) return e.t;
    }
    if (ts.isTypeAliasDeclaration(d) && !this.isLib(d)) {
      const f = this.fntypes.get(d);
      if (f) return { k: "fn", fn: f, nullable: false };
      if (!ts.isFunctionTypeNode(d.type)) return this.typeOf(d.type, at, name);
    }
    if (name === "Uint8Array") {
      this.err(at, "write `Bytes` for a byte view (a Uint8Array is only allowed as a fixed-size field `new Uint8Array(N)`)");
      return null;
    }
    this.err(at, `type \`${name}\` is not in the subset; use the types from rt.ts, classes, enums or a function type alias`);
    return null;
  }
  /** Registers the names of classes, enums and function types, so that types can refer to each other. */
  declareTypes(m: ModInfo): void {
    for (const st of m.sf.statements) {
      if (ts.isClassDeclaration(st) && st.name) {
        this.classes.set(st, { name: st.name.text, cname: st.name.text, decl: st, mod: m, fields: new Map(), methods: new Map() });
      } else if (ts.isEnumDeclaration(st)) {
        this.declareEnum(m, st);
      }
    }
    // Function types after classes and enums, in source order (they may use each other).
    for (const st of m.sf.statements) {
      if (ts.isTypeAliasDeclaration(st) && ts.isFunctionTypeNode(st.type)) {
        const ft = st.type;
        const params: T[] = [];
        let ok = true;
        for (const p of ft.parameters) {
          const t = this.typeOf(p.type, p, `parameter \`${p.name.getText()}\``);
          if (!t || !this.valueType(t, p)) ok = false;
          else params.push(t);
        }
        const ret = this.typeOf(ft.type, st, "the return value");
        if (ok && ret) this.fntypes.set(st, { name: st.name.text, params, ret, decl: st });
      } else if (ts.isTypeAliasDeclaration(st) && st.typeParameters) {
        this.err(st, "generic type aliases are not in the subset; write concrete types");
      }
    }
  }
  protected declareEnum(m: ModInfo, st: ts.EnumDeclaration): void {
    const members = new Map<string, number>();
    let lo = Infinity, hi = -Infinity;
    for (const mem of st.members) {
      const v = mem.initializer ? this.constNumber(mem.initializer) : undefined;
      if (v === undefined || !Number.isInteger(v)) {
        this.err(mem, `enum member \`${mem.name.getText()}\` needs an explicit integer value; write \`${mem.name.getText()} = 0\``);
        continue;
      }
      members.set(mem.name.getText(), v);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (members.size === 0) { lo = 0; hi = 0; }
    if (lo < -2147483648 || hi > 4294967295 || (lo < 0 && hi > 2147483647)) {
      this.err(st, `enum ${st.name.text} has members from ${lo} to ${hi}, which no 32-bit C integer type holds; keep the values within i32 (-2^31..2^31-1) or within u32 (0..2^32-1)`);
    }
    let base = "int32_t";
    for (const n of ["uint8_t", "int8_t", "uint16_t", "int16_t", "uint32_t", "int32_t"]) {
      const d = Object.values(INTS).find((x) => x.ct === n)!;
      if (lo >= d.lo && hi <= d.hi) { base = n; break; }
    }
    const d = Object.values(INTS).find((x) => x.ct === base)!;
    const t: IntT = { k: "int", name: st.name.text, ct: st.name.text, base, lo: d.lo, hi: d.hi };
    const e: EnumInfo = { name: st.name.text, members, t, decl: st };
    t.enumOf = e;
    this.enums.set(st, e);
    void m;
  }
  /** Literal integer value of a simple constant expression (enum initializers). */
  constNumber(e: ts.Expression): number | undefined {
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
      const v = this.constNumber(e.operand);
      return v === undefined ? undefined : -v;
    }
    if (ts.isParenthesizedExpression(e)) return this.constNumber(e.expression);
    if (ts.isBinaryExpression(e)) {
      const a = this.constNumber(e.left), b = this.constNumber(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return a + b;
        case ts.SyntaxKind.MinusToken: return a - b;
        case ts.SyntaxKind.AsteriskToken: return a * b;
        case ts.SyntaxKind.LessThanLessThanToken: return a << b;
        case ts.SyntaxKind.BarToken: return a | b;
        case ts.SyntaxKind.AmpersandToken: return a & b;
      }
    }
    return undefined;
  }
  valueType(t: T, at: ts.Node): boolean {
    if (t.k === "void") {
      this.err(at, "`void` is only a return type; give the value a concrete type");
      return false;
    }
    return true;
  }
  /** Fields, methods, functions, globals and constants (pass 2, after all types are known). */
  declareValues(m: ModInfo): void {
    this.curMod = m;
    for (const st of m.sf.statements) {
      if (ts.isFunctionDeclaration(st)) this.declareFunction(m, st);
      else if (ts.isVariableStatement(st)) this.declareModuleVars(m, st);
    }
  }
  /** Fields and methods: after every module's constants (array sizes use them). */
  declareClasses(m: ModInfo): void {
    this.curMod = m;
    for (const st of m.sf.statements) if (ts.isClassDeclaration(st)) this.declareClass(m, st);
  }
  protected declareClass(m: ModInfo, st: ts.ClassDeclaration): void {
    const cls = this.classes.get(st);
    if (!cls) {
      this.err(st, "anonymous classes are not in the subset; give the class a name");
      return;
    }
    if (st.heritageClauses?.length) this.err(st.heritageClauses[0], "inheritance and `implements` are not in the subset; embed a field of the other class instead");
    if (st.typeParameters?.length) this.err(st, "generic classes are not in the subset; write a concrete class");
    const exported = hasMod(st, ts.SyntaxKind.ExportKeyword);
    for (const mem of st.members) {
      if (hasMod(mem, ts.SyntaxKind.StaticKeyword)) {
        this.err(mem, "static members are not in the subset; use a module-level function or constant");
        continue;
      }
      if (ts.isPropertyDeclaration(mem)) {
        const name = mem.name.getText();
        if (!ts.isIdentifier(mem.name)) {
          this.err(mem.name, "computed or private (#) field names are not in the subset; use a plain identifier");
          continue;
        }
        const f = this.declareField(cls, mem);
        if (f) cls.fields.set(name, f);
        else (cls.badFields ??= new Set()).add(name);
      } else if (ts.isMethodDeclaration(mem)) {
        if (!ts.isIdentifier(mem.name) || !mem.body) {
          this.err(mem, "methods need a plain name and a body; write `name(a: u32): R { ... }`");
          continue;
        }
        if (mem.asteriskToken || hasMod(mem, ts.SyntaxKind.AsyncKeyword)) {
          this.err(mem, "async methods and generators are not in the subset; write a plain method driven by events");
          continue;
        }
        const isPrivate = hasMod(mem, ts.SyntaxKind.PrivateKeyword) || hasMod(mem, ts.SyntaxKind.ProtectedKeyword);
        const pub = exported && !isPrivate;
        const hidden = pub && !calledFromC(mem) && this.visibility !== null &&
          this.visibility.isLibrary(m.rel) && !this.visibility.sharedMethod(m.sf.fileName, mem.name.text);
        const fi = this.signature(m, mem, `${cls.cname}_${mem.name.text}`, pub && !hidden);
        if (fi && hidden) fi.hidden = true;
        if (fi) fi.split = splitsViews(fi);
        if (fi) {
          fi.cls = cls;
          cls.methods.set(mem.name.text, fi);
        }
      } else if (ts.isConstructorDeclaration(mem)) {
        this.err(mem, "constructors are not in the subset; give fields initializers and add an `init(...)` method");
      } else if (ts.isGetAccessor(mem) || ts.isSetAccessor(mem)) {
        this.err(mem, "getters and setters are not in the subset; write a method");
      } else if (!ts.isSemicolonClassElement(mem)) {
        this.err(mem, "this class member is not in the subset; use fields and methods");
      }
    }
  }
  protected declareField(cls: ClassInfo, mem: ts.PropertyDeclaration): FieldInfo | null {
    const name = (mem.name as ts.Identifier).text;
    const cname = cIdent(name);
    const init = mem.initializer;
    if (mem.questionToken || mem.exclamationToken) {
      this.err(mem, "optional (`?`) and definite (`!`) fields are not in the subset; give the field an initializer (null for `C | null`)");
      return null;
    }
    if (!init) {
      this.err(mem, `field \`${name}\` needs an initializer; write e.g. \`${name}: u32 = 0\``);
      return null;
    }
    const storage = this.storageOf(init, mem.type, mem, `field \`${name}\``);
    if (storage === null) return null;
    if (storage) return { name, cname, t: storage.t, storage: storage.storage, decl: mem };
    const t = this.typeOf(mem.type, mem, `field \`${name}\``);
    if (!t || !this.valueType(t, mem)) return null;
    return { name, cname, t, storage: "val", decl: mem };
  }
  /** `new Uint8Array(N)`, `new C()`, `structs(N, C)` initializers: owned storage.
   *  Returns undefined when the initializer is a plain value. */
  protected storageOf(init: ts.Expression, tn: ts.TypeNode | undefined, at: ts.Node, what: string):
    { t: T; storage: "embed" | "buf" | "sarr" } | undefined | null {
    if (ts.isNewExpression(init)) {
      const d = this.declOf(init.expression);
      const name = init.expression.getText();
      if (name in ARRAY_KINDS && d && this.isLib(d)) {
        const arg = init.arguments?.[0];
        if (!arg || init.arguments!.length !== 1) {
          this.err(init, `write \`new ${name}(N)\` with one constant size N`);
          return null;
        }
        const n = this.constSize(arg);
        if (!n) return null;
        if (tn && !(ts.isTypeReferenceNode(tn) && (tn.typeName.getText() === name || (name === "Uint8Array" && tn.typeName.getText() === "Bytes")))) {
          this.err(tn, `${what} holds a fixed \`${name}\`; declare it as \`${name}\``);
          return null;
        }
        // A size like `X ? A : B` is pasted into expressions (.length): parenthesise it.
        const nC = /^[A-Za-z_0-9]+$/.test(n.c) ? n.c : `(${n.c})`;
        return { t: { k: "arr", elem: intT(ARRAY_KINDS[name]), n: n.n, nC, nLo: n.lo, nHi: n.hi }, storage: "buf" };
      }
      if (d && ts.isClassDeclaration(d) && this.classes.has(d)) {
        if (init.arguments?.length) this.err(init, "constructors take no arguments in the subset; write `new C()` and set fields after");
        return { t: { k: "class", cls: this.classes.get(d)!, nullable: false }, storage: "embed" };
      }
      this.err(init, `\`new ${name}\` is not in the subset; only \`new C()\` of a class and \`new Uint8Array(N)\` are`);
      return null;
    }
    if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === "structs") {
      const d = this.declOf(init.expression);
      if (d && this.isRt(d)) {
        const [nArg, cArg] = init.arguments;
        const n = nArg ? this.constSize(nArg) : null;
        const cd = cArg ? this.declOf(cArg) : undefined;
        const cls = cd ? this.classes.get(cd) : undefined;
        if (!cls) {
          this.err(init, "write `structs(N, C)` with a constant N and a class name C");
          return null;
        }
        if (!n) return null;
        return { t: { k: "sarr", cls, n: n.n, nC: n.c }, storage: "sarr" };
      }
    }
    return undefined;
  }
  /** A constant array size: a literal or a module constant. */
  protected constSize(e: ts.Expression): { n: number; c: string; lo: number; hi: number } | null {
    const saved = this.constMode;
    this.constMode = true;
    const v = this.expr(e);
    this.constMode = saved;
    if (v.t.k !== "int") {
      this.err(e, "an array size must be an integer constant; write a literal or a module `const N: u32 = ...`");
      return null;
    }
    const n = v.lit ?? this.constValueOf(e);
    if (n === undefined || n <= 0 || n > 65536 * 16) {
      this.err(e, "an array size must be a positive integer constant (at most 1 MiB); write a literal or a module constant");
      return null;
    }
    return { n, c: v.c, lo: Math.max(1, v.lo), hi: v.hi };
  }
  /** The default value of a constant expression (kconfig constants give their default). */
  protected constValueOf(e: ts.Expression): number | undefined {
    if (ts.isParenthesizedExpression(e)) return this.constValueOf(e.expression);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const d = this.declOf(ts.isIdentifier(e) ? e : e.name);
      if (d && ts.isVariableDeclaration(d) && d.initializer) return this.constValueOf(d.initializer);
      if (d && ts.isEnumMember(d) && d.initializer) return this.constNumber(d.initializer);
      return undefined;
    }
    if (ts.isBinaryExpression(e)) {
      const a = this.constValueOf(e.left), b = this.constValueOf(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return a + b;
        case ts.SyntaxKind.MinusToken: return a - b;
        case ts.SyntaxKind.AsteriskToken: return a * b;
        case ts.SyntaxKind.LessThanLessThanToken: return a << b;
        case ts.SyntaxKind.EqualsEqualsEqualsToken: return a === b ? 1 : 0;
        case ts.SyntaxKind.ExclamationEqualsEqualsToken: return a !== b ? 1 : 0;
      }
      return undefined;
    }
    if (ts.isConditionalExpression(e)) {
      // `FLAG !== 0 ? SIZE : 1`: a size that a Kconfig switch turns down.
      const c = this.constValueOf(e.condition);
      return c === undefined ? undefined : this.constValueOf(c !== 0 ? e.whenTrue : e.whenFalse);
    }
    return this.constNumber(e);
  }
  protected signature(m: ModInfo, d: ts.FunctionDeclaration | ts.MethodDeclaration, cname: string, exported: boolean): FuncInfo | null {
    const params: ParamInfo[] = [];
    let ok = true;
    if (d.typeParameters?.length) {
      this.err(d, "generic functions are not in the subset; write one function per concrete type");
      ok = false;
    }
    for (const p of d.parameters) {
      if (!ts.isIdentifier(p.name)) {
        this.err(p, "destructuring parameters are not in the subset; take the value and read its fields");
        ok = false;
        continue;
      }
      if (p.dotDotDotToken) {
        this.err(p, "rest parameters are not in the subset; pass a byte view or a fixed number of parameters");
        ok = false;
        continue;
      }
      if (p.questionToken) {
        this.err(p, "optional parameters are not in the subset; give it a default value (`x: u32 = 0`)");
        ok = false;
        continue;
      }
      const t = this.typeOf(p.type, p, `parameter \`${p.name.text}\``);
      if (!t || !this.valueType(t, p)) {
        ok = false;
        continue;
      }
      params.push({ name: p.name.text, cname: cIdent(p.name.text), t, def: p.initializer, decl: p });
    }
    const ret = d.type ? this.typeOf(d.type, d, "the return value") : (this.err(d.name ?? d, "the function needs an explicit return type; write `: void` or the type"), null);
    if (!ok || !ret) return null;
    return { name: d.name!.getText(), cname, params, ret, decl: d, mod: m, extern: false, exported, used: false };
  }
  protected declareFunction(m: ModInfo, st: ts.FunctionDeclaration): void {
    if (!st.name) {
      this.err(st, "functions need a name; write `function name(...): R { ... }`");
      return;
    }
    if (st.asteriskToken || hasMod(st, ts.SyntaxKind.AsyncKeyword)) {
      this.err(st, "async functions and generators are not in the subset; write a plain function driven by events");
      return;
    }
    const name = st.name.text;
    const isDeclare = hasMod(st, ts.SyntaxKind.DeclareKeyword) || !st.body;
    const exported = hasMod(st, ts.SyntaxKind.ExportKeyword);
    const api = jsdocTag(st, "api") !== undefined;
    const cname = isDeclare || api ? name : `${m.base}_${name}`;
    // visibility.ts: an export no other library module uses is static in C.
    const hidden = exported && !isDeclare && !api && !calledFromC(st) && this.visibility !== null &&
      this.visibility.isLibrary(m.rel) && !this.visibility.sharedFunction(m.sf.fileName, name);
    const fi = this.signature(m, st, cname, (exported && !hidden) || isDeclare);
    if (!fi) {
      this.badDecls.add(st);
      return;
    }
    if (hidden) fi.hidden = true;
    fi.extern = isDeclare;
    fi.split = splitsViews(fi) && !this.valueInOwnModule(st);
    if (isDeclare && fi.params.some((p) => p.def)) this.err(st, "extern functions cannot have default parameters; pass the value at the call");
    this.ents.set(st, { kind: "func", fn: fi });
  }
  protected declareModuleVars(m: ModInfo, st: ts.VariableStatement): void {
    this.declareModuleVars0(m, st);
    for (const d of st.declarationList.declarations) if (!this.ents.has(d)) this.badDecls.add(d);
  }
  protected declareModuleVars0(m: ModInfo, st: ts.VariableStatement): void {
    const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
    if (!isConst && !(st.declarationList.flags & ts.NodeFlags.Let)) {
      this.err(st, "`var` is not in the subset; write `let` or `const`");
      return;
    }
    if (hasMod(st, ts.SyntaxKind.DeclareKeyword)) {
      this.err(st, "`declare` variables are not in the subset; declare an extern function that returns the value");
      return;
    }
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) {
        this.err(d, "destructuring is not in the subset; declare one variable per value");
        continue;
      }
      const name = d.name.text;
      if (!d.initializer) {
        this.err(d, `module variable \`${name}\` needs an initializer; write \`= 0\`, \`= null\`, ...`);
        continue;
      }
      if (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)) {
        this.err(d.initializer, "arrow functions and function expressions are not in the subset; write `function name(...): R { ... }` at the top level");
        continue;
      }
      const storage = this.storageOf(d.initializer, d.type, d, `\`${name}\``);
      if (storage === null) continue;
      const cname = `${m.base}_${name}`;
      if (storage) {
        if (!isConst) this.err(d, "module storage (`new ...`, `structs(...)`) must be `const`; write `const`");
        this.ents.set(d, { kind: "global", cname, t: storage.t, used: false });
        continue;
      }
      // Const tables: `const T: readonly u8[] = [...]`.
      if (d.type && ts.isTypeOperatorNode(d.type) && d.type.operator === ts.SyntaxKind.ReadonlyKeyword && ts.isArrayTypeNode(d.type.type)) {
        if (d.type.type.elementType.kind === ts.SyntaxKind.StringKeyword) {
          this.declareNames(d, isConst, hasMod(st, ts.SyntaxKind.ExportKeyword), cname);
          continue;
        }
        const et = this.typeOf(d.type.type.elementType, d, "the table element");
        if (!et) continue;
        if (et.k !== "int" || !isConst || !ts.isArrayLiteralExpression(d.initializer)) {
          this.err(d, "const tables are `const T: readonly u8[] = [1, 2, 3]` (integer elements); write it that way");
          continue;
        }
        this.ents.set(d, { kind: "global", cname, t: { k: "table", elem: et, n: d.initializer.elements.length }, used: false });
        continue;
      }
      if (d.type && (ts.isArrayTypeNode(d.type) || ts.isTypeOperatorNode(d.type))) {
        this.err(d.type, `a module array is \`const T: readonly u8[] = [...]\` (constant), \`const a = new Uint8Array(N)\` or \`const a = structs(N, C)\`; ${arrayHint(d.type)}`);
        continue;
      }
      const t = this.typeOf(d.type, d, `module ${isConst ? "constant" : "variable"} \`${name}\``);
      if (!t || !this.valueType(t, d)) continue;
      const kc = jsdocTag(st, "kconfig") ?? jsdocTag(d, "kconfig");
      if (isConst && (t.k === "int" || t.k === "bool" || t.k === "f64" || t.k === "string")) {
        // #define: the value is known at compile time (except a Kconfig override).
        const saved = this.constMode;
        this.constMode = true;
        const v = this.expr(d.initializer);
        this.constMode = saved;
        this.conv(v, t, d.initializer, `the value of \`${name}\``);
        if (kc !== undefined && t.k === "f64") this.err(d, "@kconfig is for integer, bool and string constants (Kconfig has no floats)");
        const kname = kc !== undefined ? (kc.trim() || name).replace(/^CONFIG_/, "") : undefined;
        if (kc !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(kname!)) this.err(d, "@kconfig needs a C identifier: `@kconfig MQTT_MAX_SUBS`");
        const range = kname !== undefined && t.k === "int" ? [t.lo, t.hi] : [v.lo, v.hi];
        this.ents.set(d, { kind: "const", cname: kname !== undefined ? `CONFIG_${kname}` : cname, t, lo: range[0], hi: range[1] });
        if (jsdocTag(st, "loglevel") !== undefined || jsdocTag(d, "loglevel") !== undefined) {
          if (t.k !== "int") this.err(d, "@loglevel is for an integer constant (0 none, 1 error, ... 4 debug)");
          else if (this.logLevel && this.logLevel.decl !== d) this.err(d, "only one constant may be tagged @loglevel");
          else this.logLevel = { cname: kname !== undefined ? `CONFIG_${kname}` : cname, mod: m, decl: d };
        }
        continue;
      }
      if (t.k === "class" && !t.nullable) {
        this.err(d, "a module-level class value must own its storage: write `const x = new C();` (no type annotation needed)");
        continue;
      }
      this.ents.set(d, { kind: "global", cname, t, used: false });
    }
  }

  /** `const T: readonly string[] = ["a", "", "b"]`: names indexed by a code,
   *  one NUL-separated C text read through nameAt() (SUBSET.md, "Name lists"). */
  protected declareNames(d: ts.VariableDeclaration, isConst: boolean, exported: boolean, cname: string): void {
    const init = d.initializer!;
    if (!isConst || !ts.isArrayLiteralExpression(init)) {
      this.err(d, "a name list is `const T: readonly string[] = [\"a\", \"b\"]` (string literals); write it that way");
      return;
    }
    if (exported) {
      this.err(d, "a name list is private to its module; export a function that returns nameAt(T, code, \"unknown ...\")");
      return;
    }
    if (init.elements.length === 0 || init.elements.length > 255) {
      this.err(init, `a name list has 1 to 255 entries (its C text starts with the count), this one ${init.elements.length}; ${init.elements.length ? "split it by code range" : "list at least one text"}`);
      return;
    }
    let ok = true;
    for (const x of init.elements) {
      if (!ts.isStringLiteral(x) && !ts.isNoSubstitutionTemplateLiteral(x)) {
        this.err(x, "a name list holds string literals only (it is one C text); write the text here, or \"\" for a code without a name");
        ok = false;
      } else if (x.text.includes("\0")) {
        this.err(x, "a name list entry cannot contain a NUL character (it separates the entries in C); write the text without it");
        ok = false;
      }
    }
    if (ok) this.ents.set(d, { kind: "global", cname, t: { k: "names", n: init.elements.length }, used: false });
  }

  // Implemented by the later passes.
  abstract expr(e: ts.Expression): Val;
  abstract conv(v: Val, to: T, at: ts.Node, what: string, hint?: (wrap: string) => string): string;
}

/** What to write for an array of `tn`'s element type: fixed storage made once,
 *  at module level (`const a = new Uint8Array(N)`) or as a field initializer. */
function arrayHint(tn: ts.TypeNode): string {
  let el: ts.TypeNode = tn;
  if (ts.isTypeOperatorNode(el)) el = el.type;
  const name = ts.isArrayTypeNode(el) ? el.elementType.getText() : "";
  const typed = "`const a = new Uint8Array(N)` at module level or a field `a = new Uint8Array(N)` (Uint16Array, Uint32Array, Int32Array too)";
  if (name === "bool" || name === "boolean") return `for N flags write ${typed}, 0 or 1 per element`;
  if (name === "string") return "for names of codes write a module name list `const T: readonly string[] = [\"a\", \"b\"]` read with nameAt(T, i, \"unknown\"), for texts that change a class with a Text field kept in `const a = structs(N, C)`";
  if (["u8", "u16", "u32", "i32", "number", "int"].includes(name)) return `for N numbers write ${typed}`;
  return `for N values write ${typed}, or \`const a = structs(N, C)\` for objects`;
}
