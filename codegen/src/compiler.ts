// The subset checker and C emitter. One pass over each function body both
// checks the subset rules (codegen/SUBSET.md) and produces C: every expression
// is translated to a `Val` that carries its C text, its subset type and, for
// integers, its exact value range. Nothing is emitted for code that was not
// understood: any rejection is a diagnostic and the whole compile fails.
import * as path from "path";
import { ts } from "ts-morph";
import {
  T, IntT, ClassT, FnT, EnumInfo, FnTypeInfo, FuncInfo, ParamInfo, FieldInfo, ClassInfo, ModInfo,
  INTS, intT, BOOL, F64, VOID, BYTES, PTR, NULLT, I64_MAX, fitsI32, fitsU32, rangeCt, promote, castFree,
  typeName, cType, cDecl,
} from "./types";
import { Out, OutLine, render } from "./out";

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
interface Val {
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
}

type Entity =
  | { kind: "local"; cname: string; t: T; read: boolean }
  | { kind: "global"; cname: string; t: T; used: boolean }
  | { kind: "const"; cname: string; t: T; lo: number; hi: number }
  | { kind: "func"; fn: FuncInfo };

const C_RESERVED = new Set(
  ("auto break case char const continue default do double else enum extern float for goto if inline int long " +
    "register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while " +
    "_Bool _Complex _Imaginary bool true false NULL self errno stdin stdout stderr assert offsetof " +
    "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t size_t uintptr_t main").split(" "),
);

/** Intrinsics of rt.ts that the compiler translates (everything else in rt.ts is Node-only). */
const INTRINSICS = new Set([
  "u8", "u16", "u32", "i8", "i16", "i32", "int", "usize", "idiv", "mul32", "f64ToU32", "f64ToI32",
  "structs", "copy", "lit", "strBytes", "copyBytes", "bytesEqual", "noBytes", "cstr",
  "printStr", "printInt", "printHex", "printLn",
]);
const RT_TYPES = new Set(["u8", "u16", "u32", "i8", "i16", "i32", "int", "usize", "f64", "bool", "Ptr", "Bytes"]);
const ARRAY_KINDS: Record<string, string> = { Uint8Array: "u8", Uint16Array: "u16", Uint32Array: "u32", Int32Array: "i32" };

interface FnState {
  fi: FuncInfo;
  scopes: Set<string>[];
  /** Locals (and params) declared in this function, in order. */
  locals: Map<ts.Node, Entity & { kind: "local" }>;
  /** Per full expression: variables changed by ++/-- and how often each is referenced. */
  mutated: Set<ts.Node>;
  refs: Map<ts.Node, number>;
}

export class Compiler {
  diags: Diagnostic[] = [];
  mods = new Map<ts.SourceFile, ModInfo>();
  ents = new Map<ts.Node, Entity>();
  classes = new Map<ts.Node, ClassInfo>();
  enums = new Map<ts.Node, EnumInfo>();
  fntypes = new Map<ts.Node, FnTypeInfo>();
  fs: FnState | null = null;
  /** Statements that must run before the current statement: temporaries that fix
   *  JavaScript's left-to-right evaluation order where C leaves it open. */
  private pre: string[] = [];
  /** > 0 inside the conditionally evaluated operand of && || ?: (no hoisting there). */
  private condDepth = 0;
  /** Declarations already rejected: their uses are not reported again. */
  badDecls = new Set<ts.Node>();
  /** In constant context (module and field initializers, default values): only constants may be referenced. */
  constMode = false;
  /** In a C static initializer (lit() and noBytes() need their *_INIT forms). */
  staticInit = false;
  /** Statics of a module that nothing referenced: marked RT_UNUSED. */
  private curMod: ModInfo | null = null;

  constructor(
    private checker: ts.TypeChecker,
    private root: string,
    private rtFile: string,
  ) {}

  // ---------------------------------------------------------------- diagnostics
  err(node: ts.Node, message: string): void {
    const sf = node.getSourceFile();
    const start = node.getStart(sf);
    const { line, character } = sf.getLineAndCharacterOfPosition(start);
    this.diags.push(makeDiag(this.rel(sf.fileName), sf.text, line, character, message));
  }
  rel(file: string): string {
    return path.relative(this.root, file).split(path.sep).join("/");
  }

  // ---------------------------------------------------------------- symbols
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

  // ---------------------------------------------------------------- types
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
        this.err(tn, `array type \`${tn.getText()}\` is only allowed for a field \`x: C[] = structs(N, C)\` or a module const table \`readonly u8[]\`; use a Uint8Array field or a byte view`);
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

  // ---------------------------------------------------------------- declarations (pass 1)
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
  private declareEnum(m: ModInfo, st: ts.EnumDeclaration): void {
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
  private declareClass(m: ModInfo, st: ts.ClassDeclaration): void {
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
        const fi = this.signature(m, mem, `${cls.cname}_${mem.name.text}`, exported && !isPrivate);
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
  private declareField(cls: ClassInfo, mem: ts.PropertyDeclaration): FieldInfo | null {
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
  private storageOf(init: ts.Expression, tn: ts.TypeNode | undefined, at: ts.Node, what: string):
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
        return { t: { k: "arr", elem: intT(ARRAY_KINDS[name]), n: n.n, nC: n.c, nLo: n.lo, nHi: n.hi }, storage: "buf" };
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
  private constSize(e: ts.Expression): { n: number; c: string; lo: number; hi: number } | null {
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
  private constValueOf(e: ts.Expression): number | undefined {
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
      }
      return undefined;
    }
    return this.constNumber(e);
  }

  private signature(m: ModInfo, d: ts.FunctionDeclaration | ts.MethodDeclaration, cname: string, exported: boolean): FuncInfo | null {
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
  private declareFunction(m: ModInfo, st: ts.FunctionDeclaration): void {
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
    const fi = this.signature(m, st, cname, exported || isDeclare);
    if (!fi) {
      this.badDecls.add(st);
      return;
    }
    fi.extern = isDeclare;
    if (isDeclare && fi.params.some((p) => p.def)) this.err(st, "extern functions cannot have default parameters; pass the value at the call");
    this.ents.set(st, { kind: "func", fn: fi });
  }
  private declareModuleVars(m: ModInfo, st: ts.VariableStatement): void {
    this.declareModuleVars0(m, st);
    for (const d of st.declarationList.declarations) if (!this.ents.has(d)) this.badDecls.add(d);
  }
  private declareModuleVars0(m: ModInfo, st: ts.VariableStatement): void {
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
        this.err(d.type, "a module array is `const T: readonly u8[] = [...]` (constant) or `const a = structs(N, C)`; write one of those");
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
        continue;
      }
      if (t.k === "class" && !t.nullable) {
        this.err(d, "a module-level class value must own its storage: write `const x = new C();` (no type annotation needed)");
        continue;
      }
      this.ents.set(d, { kind: "global", cname, t, used: false });
    }
  }

  // ---------------------------------------------------------------- values
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
      return fail(`${what} may be -0 under Node (C has no negative zero), which a conversion to f64 would show; write ${w}(${src.length <= 40 ? src : "x"}) to make it 0`);
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

  // ---------------------------------------------------------------- expressions
  /** Inside u8()..u32()/i8()..i32(): + - * chains may be computed in uint32_t. */
  private wrap32 = false;
  expr(e: ts.Expression): Val {
    const K = ts.SyntaxKind;
    const keep = this.wrap32 && (ts.isParenthesizedExpression(e) ||
      (ts.isBinaryExpression(e) && [K.PlusToken, K.MinusToken, K.AsteriskToken].includes(e.operatorToken.kind)));
    const saved = this.wrap32;
    if (!keep) this.wrap32 = false;
    try {
      return this.expr0(e);
    } finally {
      this.wrap32 = saved;
    }
  }
  private expr0(e: ts.Expression): Val {
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
        return this.mkVal(cString((e as ts.StringLiteral).text), { k: "string", nullable: false });
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateExpression:
        this.err(e, "template strings are not in the subset; write a plain string literal and print the parts separately");
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
        this.err(e, "array literals are only allowed as a module const table (`const T: readonly u8[] = [...]`); use a field or module buffer");
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
  private narrow(v: Val, node: ts.Node): Val {
    if ((v.t.k === "class" || v.t.k === "fn" || v.t.k === "string") && v.t.nullable) {
      const tt = this.checker.getTypeAtLocation(node);
      const hasNull = (tt.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0 ||
        (tt.isUnion() && tt.types.some((x) => (x.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)) !== 0));
      if (!hasNull) return { ...v, t: { ...v.t, nullable: false } as T };
    }
    return v;
  }
  private ident(id: ts.Identifier): Val {
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
        return this.narrow(this.mkVal(ent.cname, ent.t), id);
      }
      case "const":
        return { ...this.mkVal(ent.cname, ent.t), lo: ent.lo, hi: ent.hi };
      case "func":
        if (this.constMode) ent.fn.used = true;
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

  private prop(e: ts.PropertyAccessExpression): Val {
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
  private propOf(o: Val, e: ts.PropertyAccessExpression): Val {
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
        return this.narrow(this.mkVal(lv, f.t, { pure: o.pure }), e);
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
      case "string":
        this.err(e, "strings are opaque in the subset; use strBytes(s) for its bytes (strBytes(s).length for the length)");
        return this.bad();
    }
    this.err(e, `\`.${name}\` on ${typeName(o.t)} is not in the subset; byte views offer only .length and .subarray(start, end)`);
    return this.bad();
  }

  /** The C index for b[i]: a u32 where anything out of range stays out of range. */
  private index(v: Val, at: ts.Node): string {
    if (v.t.k !== "int") {
      this.err(at, `an index must be an integer, got ${typeName(v.t)}; index with a u32`);
      return "0";
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
  private elem(e: ts.ElementAccessExpression): Val {
    if (e.questionDotToken) {
      this.err(e, "optional chaining (`?.`) is not in the subset; check `x !== null` first");
      return this.bad();
    }
    const o0 = this.expr(e.expression);
    const i0 = this.expr(e.argumentExpression);
    if (o0.bad || i0.bad) return this.bad();
    const [o, i] = this.order([o0, i0], [e.expression, e.argumentExpression], e);
    const pure = o.pure && i.pure;
    switch (o.t.k) {
      case "bytes":
        return this.mkVal(`rt_bytes_get(${o.c}, ${this.index(i, e.argumentExpression)})`, intT("u8"), { pure });
      case "arr":
        return this.mkVal(`rt_get_${o.t.elem.name}(${o.c}, ${o.t.nC}, ${this.index(i, e.argumentExpression)})`, o.t.elem, { pure });
      case "table": {
        if (i.t.k === "int" && i.lo >= 0 && i.hi < o.t.n) return this.mkVal(`${o.c}[${this.index(i, e)}]`, o.t.elem, { pure });
        const ct = o.t.elem.ct;
        return this.mkVal(`(${this.index(i, e.argumentExpression)} < ${o.t.n}u ? ${o.c}[${this.index(i, e)}] : (${ct})0)`, o.t.elem, { pure, atom: false });
      }
      case "sarr": {
        const lv = `${o.place ?? o.c}[${this.index(i, e.argumentExpression)}]`;
        return this.mkVal(`&${lv}`, { k: "class", cls: o.t.cls, nullable: false }, { place: lv, atom: false, pure });
      }
    }
    this.err(e, `indexing ${typeName(o.t)} is dynamic property access, which is not in the subset; use a field name, or a byte view / fixed array`);
    return this.bad();
  }

  private asExpr(e: ts.AsExpression): Val {
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

  private cond(e: ts.ConditionalExpression): Val {
    const c = this.expr(e.condition);
    this.conv(c, BOOL, e.condition, "the condition");
    this.condDepth++;
    const a = this.expr(e.whenTrue), b = this.expr(e.whenFalse);
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

  // ---------------------------------------------------------------- operators
  private binary(e: ts.BinaryExpression): Val {
    const op = e.operatorToken.kind;
    const K = ts.SyntaxKind;
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
    const b0 = this.expr(e.right);
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
        return this.arith(e, op === K.PlusToken ? "+" : op === K.MinusToken ? "-" : "*", a, b);
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

  private arith(at: ts.Node, op: string, a0: Val, b0: Val): Val {
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
    if (lo < -I64_MAX || hi > I64_MAX) {
      this.err(at, `the result may exceed 2^53 (${typeName(a.t)} ${op} ${typeName(b.t)}), where Node loses precision; ${op === "*" ? "write mul32(a, b) for a wrapped 32-bit product" : "wrap an operand first, e.g. u32(x)"}`);
      return this.bad();
    }
    const ct = rangeCt(Math.min(lo, a0.lo, b0.lo), Math.max(hi, a0.hi, b0.hi));
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
  private divRange(a: Val, b: Val): [number, number] {
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
    const ct = rangeCt(Math.min(lo, a.lo, b.lo), Math.max(hi, a.hi, b.hi));
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
  private i32r(v: Val): [number, number] {
    return fitsI32(v.lo, v.hi) ? [v.lo, v.hi] : [-2147483648, 2147483647];
  }
  private bitop(op: string, a: Val, b: Val, pure: boolean): Val {
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
  private bitResult(op: string, a: Val, b: Val, lo: number, hi: number, pure: boolean): Val {
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
  private u32operand(v: Val): string {
    if (v.u32bits) return v.u32bits;
    if (v.lit !== undefined) {
      const s = fmtLit(v.lit >>> 0, "uint32_t", v.lit >= 0 ? v.litText : undefined);
      return s.endsWith("u") ? s : s + "u";
    }
    return this.operand(v, "uint32_t");
  }
  private shift(op: string, a: Val, b: Val, pure: boolean): Val {
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

  private compare(e: ts.BinaryExpression, a: Val, b: Val): Val {
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
      const known = knownCompare(cop, a, b);
      if (known !== undefined) {
        if (!pure) {
          this.err(e, `this comparison is always ${known} for the operand ranges (${fmtRange(a.lo)}..${fmtRange(a.hi)} vs ${fmtRange(b.lo)}..${fmtRange(b.hi)}); remove it or store the value in a wider variable first`);
          return this.bad();
        }
        return { c: `${known} /* ${e.getText().replace(/\*\//g, "* /").replace(/\s+/g, " ")} */`, t: BOOL, lo: 0, hi: 0, atom: true, pure };
      }
      const ct = rangeCt(Math.min(a.lo, b.lo), Math.max(a.hi, b.hi));
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
        this.err(e, "strings cannot be compared with ===/!== in the subset (C would compare pointers); compare bytes: bytesEqual(strBytes(a), strBytes(b))");
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
  private cmpOperand(v: Val, ct: string): string {
    if (v.lit !== undefined) {
      const s = fmtLit(v.lit, ct, v.litText);
      return s.startsWith("-") ? s : s;
    }
    const from = v.t.k === "int" ? v.t.base : "int32_t";
    // Both sides must reach C's comparison in the same type, or C converts (and warns).
    if (promote(from) === ct || (promote(from) === "int" && ct === "int32_t")) return this.paren(v);
    return `(${ct})${this.paren(v)}`;
  }

  private prefix(e: ts.PrefixUnaryExpression): Val {
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
  private incdec(e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, prefix: boolean, stmt = false): Val {
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
    if (!stmt && this.fs && lv.decl) this.fs.mutated.add(lv.decl);
    const c = prefix ? `${op}${lv.plain}` : `${lv.plain}${op}`;
    return { c, t: lv.t, lo: lv.t.lo, hi: lv.t.hi, atom: stmt, pure: false };
  }

  /** An assignable place: a variable, a field, or an element (set through a helper). */
  private lvalue(e: ts.Expression, rhs?: ts.Expression): { t: T; plain?: string; set?: (v: string) => string; read: () => Val; decl?: ts.Node; rv?: Val } | null {
    if (ts.isParenthesizedExpression(e)) return this.lvalue(e.expression, rhs);
    const r = this.lvalue0(e, rhs);
    if (r && rhs && !r.rv) r.rv = this.expr(rhs);
    return r;
  }
  private lvalue0(e: ts.Expression, rhs?: ts.Expression): { t: T; plain?: string; set?: (v: string) => string; read: () => Val; decl?: ts.Node; rv?: Val } | null {
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      const ent = d ? this.fs?.locals.get(d) ?? this.ents.get(d) : undefined;
      if (!ent || !d) {
        this.err(e, `\`${e.text}\` is not an assignable variable; assign to a local, a field or a module \`let\``);
        return null;
      }
      if (ent.kind === "local" || (ent.kind === "global" && ent.t.k !== "arr" && ent.t.k !== "sarr" && ent.t.k !== "table" && !(ent.t.k === "class" && !ent.t.nullable))) {
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
      return { t: v.t, plain: v.c, read: () => v, rv };
    }
    if (ts.isElementAccessExpression(e)) {
      // Object, index, then the right-hand side, as in JavaScript.
      const o0 = this.expr(e.expression);
      const i0 = this.expr(e.argumentExpression);
      const rv0 = rhs ? this.expr(rhs) : undefined;
      const vals = this.order(rv0 ? [o0, i0, rv0] : [o0, i0], rv0 ? [e.expression, e.argumentExpression, rhs!] : [e.expression, e.argumentExpression], e);
      const [o, i, rv] = vals;
      if (o.bad || i.bad) return null;
      const idx = this.index(i, e.argumentExpression);
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

  // ---------------------------------------------------------------- calls
  private call(e: ts.CallExpression): Val {
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
        const c = args.length === 2 ? `rt_subarray(${b}, ${u[0]}, ${u[1]})` : `rt_subarray(${b}, ${u[0]}, UINT32_MAX)`;
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
  private args(params: { t: T; def?: ts.Expression; name: string }[], e: ts.CallExpression, fname: string, first?: { v: Val; e: ts.Expression | null }): string[] {
    const out: string[] = [];
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
        out.push(this.conv(ordered[i], p.t, a, `argument \`${p.name}\` of ${fname}`));
      } else if (p.def) {
        const saved = this.constMode;
        this.constMode = true;
        out.push(this.conv(this.expr(p.def), p.t, p.def, `the default value of \`${p.name}\``));
        this.constMode = saved;
      } else {
        this.err(e, `missing argument \`${p.name}\` of ${fname}; pass it or give the parameter a default value`);
      }
    });
    return out;
  }
  private direct(f: FuncInfo, self: Val | null, e: ts.CallExpression): Val {
    const first = self ? { v: self, e: ts.isPropertyAccessExpression(e.expression) ? e.expression.expression : null } : undefined;
    const args = this.args(f.params, e, `${f.name}()`, first);
    if (first) args.unshift(first.v.c);
    return this.mkVal(`${f.cname}(${args.join(", ")})`, f.ret, { pure: !this.writes(f.decl) && (!first || first.v.pure) && e.arguments.every((a) => !this.hasCall(a)) });
  }
  private indirect(v: Val, e: ts.CallExpression): Val {
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

  private intrinsic(name: string, e: ts.CallExpression): Val {
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
          return { ...v, c, t, atom: c === v.c ? v.atom : true, lit: v.lit, u32bits: undefined, negZero: undefined };
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
      case "noBytes":
        if (!want(0)) return this.bad();
        return this.mkVal(this.staticInit ? "RT_NOBYTES_INIT" : "RT_NOBYTES", BYTES);
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
        return this.mkVal(`${cn}(${cargs.join(", ")})`, ret, { pure: name === "strBytes" || name === "cstr" || name === "bytesEqual" });
      }
    }
    this.err(e, `\`${name}\` is not supported; see codegen/SUBSET.md`);
    return this.bad();
  }

  // ---------------------------------------------------------------- statements
  private newScope(): void { this.fs!.scopes.push(new Set()); }
  private popScope(): void { this.fs!.scopes.pop(); }
  private localName(name: string): string {
    let base = cIdent(name);
    if (base === "self") base = "self_";
    let c = base;
    for (let i = 2; this.fs!.scopes.some((s) => s.has(c)); i++) c = `${base}_${i}`;
    this.fs!.scopes[this.fs!.scopes.length - 1].add(c);
    return c;
  }
  private lineOf(n: ts.Node): number {
    const sf = n.getSourceFile();
    return sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  }
  /** Starts a full expression (resets the ++/-- unsequenced-use check). */
  private begin(): void {
    if (this.fs) { this.fs.mutated = new Set(); this.fs.refs = new Map(); }
  }
  /** Emits the pending temporaries of the current statement. */
  private flush(out: Out, line: number): void {
    for (const p of this.pre) out.push(p, line);
    this.pre = [];
  }
  /** An expression whose value no call can change: literals, constants, locals,
   *  parameters, `this`, and pure operators over those. */
  /** Whether an expression contains a call that may write state or an ++/--. */
  private hasCall(e: ts.Node): boolean {
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
  private stableExpr(e: ts.Expression): boolean {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return this.stableExpr(e.expression);
    if (ts.isNumericLiteral(e) || ts.isStringLiteral(e) || e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword ||
      e.kind === ts.SyntaxKind.NullKeyword || e.kind === ts.SyntaxKind.ThisKeyword) return true;
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      if (!d) return false;
      const ent = this.fs?.locals.get(d) ?? this.ents.get(d);
      return !!ent && (ent.kind === "local" || ent.kind === "const" || ent.kind === "func" ||
        (ent.kind === "global" && (ent.t.k === "arr" || ent.t.k === "sarr" || ent.t.k === "table" || (ent.t.k === "class" && !ent.t.nullable))));
    }
    if (ts.isPropertyAccessExpression(e)) {
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
  private writeMemo = new Map<ts.Node, boolean>();
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
  private order(vals: Val[], exprs: (ts.Expression | null)[], at: ts.Node): Val[] {
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
    return vals.map((v, i) => {
      if (i > last || !unstable[i] || v.bad || (i === last && !laterReads)) return v;
      if (v.t.k === "arr" || v.t.k === "sarr" || v.t.k === "table" || v.t.k === "fnref" || v.t.k === "null" || v.t.k === "void") return v;
      const name = this.localName("tmp");
      this.pre.push(`${cDecl(v.t, name)} = ${v.c};`);
      return { c: name, t: v.t, lo: v.lo, hi: v.hi, atom: true, pure: true, negZero: v.negZero };
    });
  }
  private end(at: ts.Node): void {
    if (!this.fs) return;
    for (const d of this.fs.mutated) {
      if ((this.fs.refs.get(d) ?? 0) > 1) {
        this.err(at, "a variable is changed by ++/-- and also used elsewhere in the same expression (the order is unspecified in C); split it into two statements");
        break;
      }
    }
  }
  private comments(n: ts.Node, out: Out): void {
    const sf = n.getSourceFile();
    const ranges = ts.getLeadingCommentRanges(sf.text, n.getFullStart()) ?? [];
    for (const r of ranges) {
      const text = sf.text.slice(r.pos, r.end);
      for (const l of cComment(text).split("\n")) out.push(l);
    }
  }

  /** A comment after the node on its own line (`x = 1; // why`), for the end of the C line. */
  private trailing(n: ts.Node): string {
    const sf = n.getSourceFile();
    const rs = ts.getTrailingCommentRanges(sf.text, n.getEnd()) ?? [];
    return rs.map((r) => " " + cComment(sf.text.slice(r.pos, r.end)).replace(/\n/g, " ")).join("");
  }
  stmts(list: readonly ts.Statement[], out: Out): void {
    for (const s of list) this.stmt(s, out);
  }
  private block(s: ts.Statement, out: Out): void {
    out.ind++;
    this.newScope();
    if (ts.isBlock(s)) this.stmts(s.statements, out);
    else this.stmt(s, out);
    this.popScope();
    out.ind--;
  }
  private condition(e: ts.Expression): string {
    this.begin();
    const v = this.expr(e);
    this.end(e);
    return this.conv(v, BOOL, e, "the condition");
  }
  stmt(s: ts.Statement, out: Out): void {
    const K = ts.SyntaxKind;
    const line = this.lineOf(s);
    this.comments(s, out);
    switch (s.kind) {
      case K.Block:
        out.push("{", line);
        this.block(s, out);
        out.push("}");
        return;
      case K.EmptyStatement:
        return;
      case K.VariableStatement: {
        const vs = s as ts.VariableStatement;
        this.varDecls(vs.declarationList, out, line);
        return;
      }
      case K.ExpressionStatement: {
        const c = this.exprStmt((s as ts.ExpressionStatement).expression);
        this.flush(out, line);
        if (c !== null) out.push(`${c};${this.trailing(s)}`, line);
        return;
      }
      case K.IfStatement:
        this.ifStmt(s as ts.IfStatement, out, line);
        return;
      case K.WhileStatement: {
        const w = s as ts.WhileStatement;
        const cond = this.condition(w.expression);
        if (this.pre.length) {
          // The condition needs temporaries: evaluate them at the top of each iteration.
          out.push("for (;;) {", line);
          out.ind++;
          this.flush(out, line);
          out.push(`if (!(${cond})) break;`, line);
          out.ind--;
        } else {
          out.push(`while (${cond}) {`, line);
        }
        this.block(w.statement, out);
        out.push("}");
        return;
      }
      case K.DoStatement: {
        const d = s as ts.DoStatement;
        out.push("do {", line);
        this.block(d.statement, out);
        const cond = this.condition(d.expression);
        if (this.pre.length) {
          this.pre = [];
          this.err(d.expression, "this do..while condition has calls whose order matters; compute them into a local at the end of the body");
        }
        out.push(`} while (${cond});`, this.lineOf(d.expression));
        return;
      }
      case K.ForStatement: {
        const f = s as ts.ForStatement;
        this.newScope();
        let init = "";
        if (f.initializer) {
          if (ts.isVariableDeclarationList(f.initializer)) {
            const o = new Out();
            this.varDecls(f.initializer, o, line);
            if (f.initializer.declarations.length !== 1) this.err(f.initializer, "declare one loop variable in a for header; declare others before the loop");
            // Temporaries of the initializer go before the loop.
            for (const l of o.lines.slice(0, -1)) out.push(l.s.trim(), line);
            init = (o.lines[o.lines.length - 1]?.s ?? ";").trim().replace(/;$/, "");
          } else {
            init = this.exprStmt(f.initializer) ?? "";
          }
        }
        this.flush(out, line);
        let cond = f.condition ? this.condition(f.condition) : "";
        const condPre = this.pre;
        this.pre = [];
        const inc = f.incrementor ? this.exprStmt(f.incrementor) ?? "" : "";
        if (this.pre.length) {
          this.pre = [];
          this.err(f.incrementor!, "this for-loop step has calls whose order matters; move it to the end of the body");
        }
        if (condPre.length) {
          out.push(`for (${init}; ; ${inc}) {`, line);
          out.ind++;
          for (const p of condPre) out.push(p, line);
          out.push(`if (!(${cond})) break;`, line);
          out.ind--;
          cond = "";
        } else {
          out.push(`for (${init}; ${cond}; ${inc}) {`, line);
        }
        this.block(f.statement, out);
        out.push("}");
        this.popScope();
        return;
      }
      case K.ReturnStatement: {
        const r = s as ts.ReturnStatement;
        const ret = this.fs!.fi.ret;
        if (!r.expression) {
          if (ret.k !== "void") this.err(s, `return a ${typeName(ret)} value; write \`return <value>;\``);
          out.push("return;", line);
          return;
        }
        this.begin();
        const v = this.expr(r.expression);
        this.end(r);
        if (ret.k === "void") {
          this.err(r.expression, "a void function returns no value; write `return;`");
          return;
        }
        const rc = this.conv(v, ret, r.expression, "the returned value");
        this.flush(out, line);
        out.push(`return ${rc};${this.trailing(s)}`, line);
        return;
      }
      case K.BreakStatement:
      case K.ContinueStatement: {
        const b = s as ts.BreakStatement;
        if (b.label) {
          this.err(b, "labels are not in the subset; use a flag or return from a helper function");
          return;
        }
        out.push((s.kind === K.BreakStatement ? "break;" : "continue;") + this.trailing(s), line);
        return;
      }
      case K.SwitchStatement:
        this.switchStmt(s as ts.SwitchStatement, out, line);
        return;
      case K.ForOfStatement:
        this.err(s, "`for..of` is not in the subset; write `for (let i: u32 = 0; i < b.length; i++)`");
        return;
      case K.ForInStatement:
        this.err(s, "`for..in` is not in the subset; objects are structs with fixed fields: access them by name");
        return;
      case K.ThrowStatement:
        this.err(s, "`throw` is not in the subset (no exceptions); return an error code or bool");
        return;
      case K.TryStatement:
        this.err(s, "`try` is not in the subset (no exceptions); check return values");
        return;
      case K.LabeledStatement:
        this.err(s, "labels are not in the subset; use a flag or return from a helper function");
        return;
      case K.FunctionDeclaration:
        this.err(s, "nested functions are not in the subset (no closures); declare the function at the top level and pass user data as a Ptr");
        return;
      case K.ClassDeclaration:
        this.err(s, "classes must be declared at the top level of a module; move it out of the function");
        return;
      default:
        this.err(s, `this statement (${ts.SyntaxKind[s.kind]}) is not in the subset; see codegen/SUBSET.md`);
    }
  }
  private ifStmt(st: ts.IfStatement, out: Out, line: number): void {
    const cond = this.condition(st.expression);
    this.flush(out, line);
    out.push(`if (${cond}) {`, line);
    this.block(st.thenStatement, out);
    let el = st.elseStatement;
    while (el) {
      if (ts.isIfStatement(el)) {
        const c2 = this.condition(el.expression);
        if (this.pre.length) {
          // The else-if condition needs temporaries: they belong inside the else.
          out.push("} else {", this.lineOf(el));
          out.ind++;
          this.newScope();
          this.comments(el, out);
          this.flush(out, this.lineOf(el));
          out.push(`if (${c2}) {`, this.lineOf(el));
          this.block(el.thenStatement, out);
          if (el.elseStatement) {
            out.push("} else {", this.lineOf(el.elseStatement));
            this.block(el.elseStatement, out);
          }
          out.push("}");
          this.popScope();
          out.ind--;
          break;
        }
        out.push(`} else if (${c2}) {`, this.lineOf(el));
        this.block(el.thenStatement, out);
        el = el.elseStatement;
      } else {
        out.push("} else {", this.lineOf(el));
        this.block(el, out);
        break;
      }
    }
    out.push("}");
  }
  private varDecls(list: ts.VariableDeclarationList, out: Out, line: number): void {
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    if (!isConst && !(list.flags & ts.NodeFlags.Let)) {
      this.err(list, "`var` is not in the subset; write `let` or `const`");
      return;
    }
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) {
        this.err(d, "destructuring is not in the subset; declare one variable per value");
        continue;
      }
      const name = d.name.text;
      this.begin();
      const v = d.initializer ? this.expr(d.initializer) : null;
      this.end(d);
      let t: T | null;
      if (d.type) {
        t = this.typeOf(d.type, d, `\`${name}\``);
      } else if (v?.bad) {
        t = null;
      } else if (v && isConst && v.t.k !== "null" && namedInit(d.initializer!) && (v.t.k !== "int" || v.t.name in INTS && v.t.name !== "i64" || v.t.enumOf)) {
        t = v.t.k === "arr" && v.t.elem.name === "u8" ? BYTES : v.t;
      } else {
        this.err(d, `give \`${name}\` a type (\`${isConst ? "const" : "let"} ${name}: u32 = ...\`): only a const initialized from a call, field or variable may omit it`);
        t = null;
      }
      if (!t) {
        this.badDecls.add(d);
        continue;
      }
      if (t.k === "void" || t.k === "fnref" || t.k === "null" || t.k === "arr" || t.k === "sarr" || t.k === "table") {
        this.err(d, `a local cannot hold ${typeName(t)}; ${t.k === "fnref" ? "declare a function type alias and give the variable that type" : "use a byte view (Bytes) or a reference"}`);
        this.badDecls.add(d);
        continue;
      }
      const cname = this.localName(name);
      const init = v ? this.conv(v, t, d.initializer!, `the initial value of \`${name}\``) : zeroOf(t);
      this.flush(out, line);
      const ent = { kind: "local" as const, cname, t, read: false };
      this.fs!.locals.set(d, ent);
      out.push(`${cDecl(t, cname)} = ${init};${this.trailing(list.parent)}`, line);
      (out.lines[out.lines.length - 1] as OutLine & { unusedCheck?: typeof ent }).unusedCheck = ent;
    }
  }
  /** Expression statements: calls, assignments, ++/--. Returns the C text without `;`. */
  private exprStmt(e: ts.Expression): string | null {
    const K = ts.SyntaxKind;
    this.begin();
    try {
      if (ts.isParenthesizedExpression(e)) return this.exprStmt(e.expression);
      if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && (e.operator === K.PlusPlusToken || e.operator === K.MinusMinusToken)) {
        return this.incdec(e, false, true).c;
      }
      if (ts.isCallExpression(e)) {
        const v = this.expr(e);
        return v.c;
      }
      if (ts.isBinaryExpression(e) && e.operatorToken.kind >= K.FirstAssignment && e.operatorToken.kind <= K.LastAssignment) {
        return this.assign(e);
      }
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === K.CommaToken) {
        const a = this.exprStmt(e.left), b = this.exprStmt(e.right);
        return a !== null && b !== null ? `${a}, ${b}` : null;
      }
      if (ts.isAwaitExpression(e) || ts.isDeleteExpression(e) || ts.isArrowFunction(e)) {
        this.expr(e);
        return null;
      }
      this.expr(e);
      this.err(e, "this expression statement has no effect; call a function or assign a value");
      return null;
    } finally {
      this.end(e);
    }
  }
  private assign(e: ts.BinaryExpression): string | null {
    const K = ts.SyntaxKind;
    const op = e.operatorToken.kind;
    const lv = this.lvalue(e.left, e.right);
    if (!lv) return null;
    const rv = lv.rv!;
    if (rv.bad) return null;
    const what = `the value assigned to \`${e.left.getText()}\``;
    if (op === K.EqualsToken) {
      const c = this.conv(rv, lv.t, e.right, what);
      return lv.set ? lv.set(c) : `${lv.plain} = ${c}`;
    }
    const opText = e.operatorToken.getText().slice(0, -1);
    if (op === K.QuestionQuestionEqualsToken || op === K.BarBarEqualsToken || op === K.AmpersandAmpersandEqualsToken) {
      this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` is not in the subset; write an if statement`);
      return null;
    }
    if (lv.t.k === "f64") {
      if (!["+", "-", "*", "/"].includes(opText)) {
        this.err(e.operatorToken, `\`${e.operatorToken.getText()}\` is not defined on f64; use += -= *= /=`);
        return null;
      }
      return `${lv.plain ?? "0"} ${opText}= ${this.conv(rv, F64, e.right, what)}`;
    }
    if (lv.t.k !== "int" || rv.t.k !== "int") {
      this.err(e, `\`${e.operatorToken.getText()}\` needs integers (got ${typeName(lv.t)} and ${typeName(rv.t)}); convert with u32()/i32() or f64ToI32() first`);
      return null;
    }
    // Counters: i32/u32 += and -= are accepted like ++ (assumed not to wrap).
    const counter = (op === K.PlusEqualsToken || op === K.MinusEqualsToken) && lv.plain && !lv.t.enumOf &&
      (lv.t.base === "int32_t" || lv.t.base === "uint32_t" || lv.t.base === "int" || lv.t.base === "size_t");
    if (counter) {
      const c = this.conv(rv, lv.t, e.right, `the operand of \`${e.operatorToken.getText()}\``);
      if (!rv.pure && !this.stableExpr(e.left)) {
        // JavaScript reads the target before the right-hand side runs.
        const [old] = this.order([{ ...lv.read(), pure: false }, rv], [null, e.right], e);
        return `${lv.plain} = ${old.c} ${opText} ${c}`;
      }
      return `${lv.plain} ${opText}= ${c}`;
    }
    if (op === K.PlusEqualsToken || op === K.MinusEqualsToken) {
      const n = e.left.getText();
      if (lv.t.base !== "int32_t" && lv.t.base !== "uint32_t") {
        this.err(e, `\`${e.operatorToken.getText()}\` on ${lv.t.name} may wrap differently in C; write \`${n} = ${lv.t.name}(${n} ${opText} ${e.right.getText()})\``);
        return null;
      }
    }
    // Compound: read, operate with the normal rules, then assign (must fit).
    if (op === K.SlashEqualsToken) {
      this.err(e.operatorToken, "`/=` on integers is not in the subset; write `x = idiv(x, y)`");
      return null;
    }
    let cur = lv.read();
    // JavaScript reads the target before evaluating the right-hand side.
    if (!rv.pure && !this.stableExpr(e.left)) [cur] = this.order([{ ...cur, pure: false }, rv], [null, e.right], e).map((v, i) => (i === 0 ? { ...v, pure: true } : v));
    if (!cur.pure && lv.set) {
      this.err(e, "a compound assignment to an element whose index has side effects is not in the subset; compute the index first");
      return null;
    }
    let r: Val;
    switch (opText) {
      case "*": r = this.arith(e, "*", cur, rv); break;
      case "%": r = this.divmod(e, "%", cur, rv); break;
      case "&": case "|": case "^": r = this.bitop(opText, cur, rv, cur.pure && rv.pure); break;
      case "<<": case ">>": case ">>>": r = this.shift(opText, cur, rv, cur.pure && rv.pure); break;
      default: r = this.arith(e, opText, cur, rv);
    }
    // The hint is the plain assignment, wrapped: `x = u32(x | 0x2)`.
    const l = e.left.getText(), rt = e.right.getText();
    const simple = ts.isIdentifier(e.right) || ts.isNumericLiteral(e.right) || ts.isPropertyAccessExpression(e.right) || ts.isCallExpression(e.right) || ts.isParenthesizedExpression(e.right);
    const hint = (w: string): string => `${l} = ${w}(${l} ${opText} ${simple ? rt : `(${rt})`})`;
    const c = this.conv(r, lv.t, e, `the result of \`${e.getText()}\``, (l + rt).length <= 40 ? hint : (w) => `${l} = ${w}(...)`);
    return lv.set ? lv.set(c) : `${lv.plain} = ${c}`;
  }

  private switchStmt(s: ts.SwitchStatement, out: Out, line: number): void {
    this.begin();
    const v = this.expr(s.expression);
    this.end(s.expression);
    this.flush(out, line);
    if (v.t.k !== "int") {
      this.err(s.expression, `switch works on integers and enums, got ${typeName(v.t)}; write an if/else chain`);
      return;
    }
    const ct = v.t.base === "int64_t" ? "int64_t" : v.t.base === "uint32_t" || v.t.base === "size_t" ? "uint32_t" : "int32_t";
    out.push(`switch (${v.t.base === "size_t" ? `(uint32_t)${this.paren(v)}` : v.c}) {`, line);
    const clauses = s.caseBlock.clauses;
    clauses.forEach((cl, idx) => {
      this.comments(cl, out);
      if (ts.isCaseClause(cl)) {
        const saved = this.constMode;
        this.constMode = true;
        const cv = this.expr(cl.expression);
        this.constMode = saved;
        if (cv.t.k !== "int" || cv.lo !== cv.hi && !cv.c.startsWith("CONFIG_")) {
          this.err(cl.expression, "a case label must be an integer constant or an enum member; write a literal, a module constant or `E.Member`");
        } else if (v.t.k === "int" && v.t.enumOf && cv.t.k === "int" && cv.t.enumOf !== v.t.enumOf) {
          this.err(cl.expression, `case label of another type than the switch value (${v.t.name}); use a member of ${v.t.name}`);
        }
        out.push(`case ${cv.lit !== undefined ? fmtLit(cv.lit, ct, cv.litText) : cv.c}:${cl.statements.length ? " {" : ""}`, this.lineOf(cl));
      } else {
        out.push(`default:${cl.statements.length ? " {" : ""}`, this.lineOf(cl));
      }
      if (cl.statements.length === 0) return;
      const last = lastStmt(cl.statements);
      const ends = last && (ts.isBreakStatement(last) || ts.isReturnStatement(last) || ts.isContinueStatement(last));
      if (!ends && idx !== clauses.length - 1) {
        this.err(cl, "every non-empty case must end in `break`, `return` or `continue` (no fall-through); add `break;`");
      }
      out.ind++;
      this.newScope();
      this.stmts(cl.statements, out);
      this.popScope();
      out.ind--;
      out.push("}");
    });
    out.push("}");
  }

  // ---------------------------------------------------------------- initializers
  /** A C static initializer for a scalar/view/reference value of type t from expression e (constants only). */
  private initOf(e: ts.Expression | undefined, t: T, at: ts.Node, what: string, staticInit = true): string {
    if (!e) return zeroOf(t);
    const saved = this.constMode, savedS = this.staticInit;
    this.constMode = true;
    this.staticInit = staticInit;
    const v = this.expr(e);
    const c = this.conv(v, t, at, what);
    this.constMode = saved;
    this.staticInit = savedS;
    return c;
  }
  /** `E.A` where the enum member's value is 0. */
  private isZeroEnumMember(e: ts.Expression | undefined): boolean {
    if (!e || !ts.isPropertyAccessExpression(e)) return false;
    const d = this.checker.getSymbolAtLocation(e)?.valueDeclaration;
    return d !== undefined && ts.isEnumMember(d) && this.checker.getConstantValue(d) === 0;
  }
  /** Whether a class has fields whose initial value is not all-zero bits (it then gets C_init()). */
  needsInit(cls: ClassInfo): boolean {
    return this.classInitBody(cls).length > 0;
  }
  /** The statements of C_init(self): fields whose initial value is not zero (storage starts zeroed). */
  classInitBody(cls: ClassInfo): string[] {
    if (cls.initState === "done") return cls.initBody!;
    if (cls.initState === "busy") {
      this.err(cls.decl, `class ${cls.name} embeds itself; use a \`${cls.name} | null\` reference`);
      return [];
    }
    cls.initState = "busy";
    const body: string[] = [];
    for (const f of cls.fields.values()) {
      if (f.storage === "buf") continue;
      if (f.storage === "embed" && f.t.k === "class") {
        if (this.needsInit(f.t.cls)) body.push(`${initName(f.t.cls)}(&self->${f.cname});`);
        continue;
      }
      if (f.storage === "sarr" && f.t.k === "sarr") {
        if (this.needsInit(f.t.cls)) body.push(`for (uint32_t i = 0; i < ${f.t.nC}; i++) ${initName(f.t.cls)}(&self->${f.cname}[i]);`);
        continue;
      }
      const c = this.initOf(f.decl.initializer, f.t, f.decl.initializer ?? f.decl, `the initializer of field \`${f.name}\``, false);
      // Storage starts zeroed: an empty view or an enum member worth 0 needs no code.
      if (!isZeroInit(c) && c !== "RT_NOBYTES" && !this.isZeroEnumMember(f.decl.initializer)) body.push(`self->${f.cname} = ${c};`);
    }
    cls.initBody = body;
    cls.initState = "done";
    return body;
  }

  // ---------------------------------------------------------------- functions
  private funcBody(fi: FuncInfo, out: Out): void {
    const d = fi.decl;
    const m = fi.mod;
    this.curMod = m;
    const params = fi.params.map((p) => cDecl(p.t, p.cname));
    if (fi.cls) params.unshift(`${fi.cls.cname} *self`);
    const sig = `${cDecl(fi.ret, `${fi.cname}(${params.length ? params.join(", ") : "void"})`)}`;
    const isStatic = !fi.exported;
    this.comments(d, out);
    // (unused statics get RT_UNUSED on their prototype, decided after all bodies)
    out.push(`${isStatic ? "static " : ""}${sig} {`, this.lineOf(d));
    const fs: FnState = { fi, scopes: [new Set(fi.params.map((p) => p.cname))], locals: new Map(), mutated: new Set(), refs: new Map() };
    if (fi.cls) fs.scopes[0].add("self");
    this.fs = fs;
    for (const p of fi.params) fs.locals.set(p.decl, { kind: "local", cname: p.cname, t: p.t, read: false });
    const body = new Out();
    body.ind = 1;
    const stmts = d.body ? d.body.statements : ts.factory.createNodeArray<ts.Statement>();
    this.stmts(stmts, body);
    // Unused parameters and locals: C warns (-Wunused-*), TypeScript does not.
    const voids: string[] = [];
    if (fi.cls && !usesThis(d)) voids.push("(void)self;");
    for (const p of fi.params) if (!fs.locals.get(p.decl)!.read) voids.push(`(void)${p.cname};`);
    for (const v of voids) out.push("  " + v);
    for (const l of body.lines) {
      out.lines.push(l);
      const u = (l as OutLine & { unusedCheck?: { read: boolean; cname: string } }).unusedCheck;
      if (u && !u.read) out.lines.push({ s: l.s.replace(/^(\s*).*$/, `$1(void)${u.cname};`) });
    }
    const last = stmts[stmts.length - 1];
    if (fi.ret.k !== "void" && !(last && ts.isReturnStatement(last))) {
      out.push(`  return ${zeroOf(fi.ret)}; /* not reached */`);
    }
    out.push("}");
    this.fs = null;
  }

  // ---------------------------------------------------------------- modules
  emitModule(m: ModInfo): { h: string; c: string } {
    this.curMod = m;
    const guard = `GEN_${m.base.toUpperCase()}_H`;
    const banner = `/* Generated by codegen from ${m.rel}; do not edit. */`;
    const h = new Out(), c = new Out();
    h.push(banner);
    h.push(`#ifndef ${guard}`);
    h.push(`#define ${guard}`);
    h.push("");
    h.push(`#include "rt.h"`);
    for (const im of m.imports) h.push(`#include "${im.base}.h"`);
    h.push("");
    h.push("#ifdef __cplusplus");
    h.push(`extern "C" {`);
    h.push("#endif");
    const sts = m.sf.statements;
    // Enums and constants.
    for (const st of sts) {
      if (ts.isEnumDeclaration(st)) {
        const e = this.enums.get(st);
        if (!e) continue;
        h.push("");
        this.comments(st, h);
        h.push(`typedef ${e.t.base} ${e.name};`);
        for (const [k, v] of e.members) h.push(`#define ${e.name}_${k} ${fmtLit(v, e.t.base)}`);
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const ent = this.ents.get(d);
          if (ent?.kind !== "const") continue;
          const saved = this.constMode;
          this.constMode = true;
          const v = this.expr(d.initializer!);
          this.constMode = saved;
          const val = this.conv(v, ent.t, d.initializer!, "the constant");
          h.push("");
          this.comments(st, h);
          if (ent.cname.startsWith("CONFIG_")) {
            h.push(`#ifndef ${ent.cname}`);
            h.push(`#define ${ent.cname} ${v.atom ? val : `(${val})`}`);
            h.push("#endif");
          } else {
            // The macro has the declared type: a u32 constant is unsigned even below 2^31.
            let txt = v.atom || v.lit !== undefined && v.lit >= 0 ? val : `(${val})`;
            if (ent.t.k === "int" && (ent.t.base === "uint32_t" || ent.t.base === "size_t")) {
              const plain = /^(0x[0-9a-f]+|[0-9]+)u?$/i.test(txt);
              txt = plain ? (ent.t.base === "size_t" ? `((size_t)${txt})` : txt.endsWith("u") ? txt : `${txt}u`) : `((${ent.t.base})${txt})`;
            }
            h.push(`#define ${ent.cname} ${txt}`);
          }
        }
      }
    }
    // Types: forward typedefs, function types, structs (embedded ones first).
    const clsList = sts.filter(ts.isClassDeclaration).map((d) => this.classes.get(d)).filter((x): x is ClassInfo => !!x);
    if (clsList.length) h.push("");
    for (const cls of clsList) h.push(`typedef struct ${cls.cname} ${cls.cname};`);
    for (const st of sts) {
      if (ts.isTypeAliasDeclaration(st)) {
        const f = this.fntypes.get(st);
        if (!f) continue;
        h.push("");
        this.comments(st, h);
        const ps = f.params.map((p, i) => cDecl(p, cIdent((st.type as ts.FunctionTypeNode).parameters[i].name.getText())));
        h.push(`typedef ${cDecl(f.ret, `(*${f.name})(${ps.length ? ps.join(", ") : "void"})`)};`);
      }
    }
    const done = new Set<ClassInfo>();
    const emitStruct = (cls: ClassInfo, stack: Set<ClassInfo>): void => {
      if (done.has(cls) || stack.has(cls)) return;
      stack.add(cls);
      for (const f of cls.fields.values()) {
        const dep = f.t.k === "sarr" ? f.t.cls : f.storage === "embed" && f.t.k === "class" ? f.t.cls : null;
        if (dep && dep.mod === m) emitStruct(dep, stack);
      }
      done.add(cls);
      h.push("");
      this.comments(cls.decl, h);
      h.push(`struct ${cls.cname} {`);
      h.ind++;
      if (cls.fields.size === 0) h.push("uint8_t unused_; /* C structs cannot be empty */");
      for (const f of cls.fields.values()) {
        this.comments(f.decl, h);
        switch (f.storage) {
          case "buf": {
            const t = f.t as Extract<T, { k: "arr" }>;
            h.push(`${t.elem.ct} ${f.cname}[${t.nC}];${this.trailing(f.decl)}`);
            break;
          }
          case "sarr": {
            const t = f.t as Extract<T, { k: "sarr" }>;
            h.push(`${t.cls.cname} ${f.cname}[${t.nC}];${this.trailing(f.decl)}`);
            break;
          }
          case "embed":
            h.push(`${(f.t as ClassT).cls.cname} ${f.cname};${this.trailing(f.decl)}`);
            break;
          default:
            h.push(`${cDecl(f.t, f.cname)};${this.trailing(f.decl)}`);
        }
      }
      h.ind--;
      h.push("};");
    };
    for (const cls of clsList) emitStruct(cls, new Set());

    // Globals and functions. Bodies first (they mark what is used), then assemble.
    const bodies = new Out();
    const protos: string[] = [];
    const hdrProtos: string[] = [];
    const funcs: FuncInfo[] = [];
    for (const st of sts) {
      if (ts.isFunctionDeclaration(st)) {
        const ent = this.ents.get(st);
        if (ent?.kind === "func") funcs.push(ent.fn);
      } else if (ts.isClassDeclaration(st)) {
        const cls = this.classes.get(st);
        if (cls) funcs.push(...cls.methods.values());
      }
    }
    for (const fi of funcs) {
      if (fi.extern) continue;
      bodies.push("");
      this.funcBody(fi, bodies);
    }
    for (const fi of funcs) {
      const params = fi.params.map((p) => cDecl(p.t, p.cname));
      if (fi.cls) params.unshift(`${fi.cls.cname} *self`);
      const sig = cDecl(fi.ret, `${fi.cname}(${params.length ? params.join(", ") : "void"})`);
      if (fi.exported) hdrProtos.push(`${fi.extern ? "extern " : ""}${sig};`);
      else protos.push(`static ${fi.used ? "" : "RT_UNUSED "}${sig};`);
    }
    // Module variables.
    const globals = new Out();
    const hdrGlobals: string[] = [];
    const ctor: string[] = []; // statements of the module constructor
    for (const st of sts) {
      if (!ts.isVariableStatement(st)) continue;
      const exported = hasMod(st, ts.SyntaxKind.ExportKeyword);
      for (const d of st.declarationList.declarations) {
        const ent = this.ents.get(d);
        if (ent?.kind !== "global") continue;
        const isConstQ = ent.t.k === "table";
        let decl: string, init: string;
        if (ent.t.k === "arr") {
          decl = `${ent.t.elem.ct} ${ent.cname}[${ent.t.nC}]`;
          init = "";
        } else if (ent.t.k === "sarr") {
          decl = `${ent.t.cls.cname} ${ent.cname}[${ent.t.nC}]`;
          init = "";
          if (this.needsInit(ent.t.cls)) ctor.push(`for (uint32_t i = 0; i < ${ent.t.nC}; i++) ${initName(ent.t.cls)}(&${ent.cname}[i]);`);
        } else if (ent.t.k === "table") {
          const et = ent.t.elem;
          decl = `const ${et.ct} ${ent.cname}[${ent.t.n}]`;
          const els = (d.initializer as ts.ArrayLiteralExpression).elements.map((x) => this.initOf(x, et, x, "a table element"));
          init = `{${els.join(", ")}}`;
        } else if (ent.t.k === "class" && !ent.t.nullable) {
          decl = `${ent.t.cls.cname} ${ent.cname}`;
          init = "";
          if (this.needsInit(ent.t.cls)) ctor.push(`${initName(ent.t.cls)}(&${ent.cname});`);
        } else {
          decl = cDecl(ent.t, ent.cname);
          init = this.initOf(d.initializer, ent.t, d.initializer ?? d, `the initial value of \`${d.name.getText()}\``);
        }
        globals.push("");
        this.comments(st, globals);
        const isZero = init === "" || isZeroInit(init);
        const tail = isZero && !isConstQ ? ";" : ` = ${init || "{0}"};`;
        if (exported) {
          hdrGlobals.push(`extern ${decl};`);
          globals.push(`${decl}${tail}`, this.lineOf(d));
        } else {
          globals.push(`static ${ent.used ? "" : "RT_UNUSED "}${decl}${tail}`, this.lineOf(d));
        }
      }
    }
    // C_init() of classes whose fields do not all start at zero.
    const inits = new Out();
    for (const cls of clsList) {
      const body = this.classInitBody(cls);
      if (!body.length) continue;
      hdrProtos.unshift(`void ${initName(cls)}(${cls.cname} *self);`);
      inits.push("");
      inits.push(`/* Sets the fields of a zeroed ${cls.name} to their initial values. */`);
      inits.push(`void ${initName(cls)}(${cls.cname} *self) {`, this.lineOf(cls.decl));
      for (const b of body) inits.push("  " + b);
      inits.push("}");
    }
    if (ctor.length) {
      inits.push("");
      inits.push("/* Module storage starts zeroed (.bss); this sets the non-zero fields before main. */");
      inits.push(`static RT_CONSTRUCTOR void ${m.base}__ctor(void) {`);
      for (const b of ctor) inits.push("  " + b);
      inits.push("}");
    }
    if (hdrGlobals.length) {
      h.push("");
      for (const g of hdrGlobals) h.push(g);
    }
    if (hdrProtos.length) {
      h.push("");
      for (const p of hdrProtos) h.push(p);
    }
    h.push("");
    h.push("#ifdef __cplusplus");
    h.push("}");
    h.push("#endif");
    h.push("");
    h.push(`#endif /* ${guard} */`);

    c.push(banner);
    c.push(`#include "${m.base}.h"`);
    if (protos.length) {
      c.push("");
      for (const p of protos) c.push(p);
    }
    c.append(globals);
    c.append(inits);
    c.append(bodies);
    return { h: render(h.lines, null), c: render(c.lines, m.rel) };
  }
}

/** Reports C names that two declarations would both define (they would not link or compile). */
export function checkCNames(c: Compiler): void {
  const seen = new Map<string, ts.Node>();
  const add = (name: string, node: ts.Node): void => {
    const prev = seen.get(name);
    if (prev && prev !== node) {
      const sf = prev.getSourceFile();
      const pos = sf.getLineAndCharacterOfPosition(prev.getStart(sf));
      c.err(node, `this declares the C name \`${name}\`, already used by ${c.rel(sf.fileName)}:${pos.line + 1}; rename one of them`);
    } else seen.set(name, node);
  };
  for (const cls of c.classes.values()) {
    add(cls.cname, cls.decl);
    if ((cls.initBody ?? []).length) add(initName(cls), cls.decl);
    for (const m of cls.methods.values()) add(m.cname, m.decl);
  }
  for (const e of c.enums.values()) {
    add(e.name, e.decl);
    for (const k of e.members.keys()) add(`${e.name}_${k}`, e.decl);
  }
  for (const f of c.fntypes.values()) add(f.name, f.decl);
  for (const m of c.mods.values()) if (m.sf.statements.length) add(`${m.base}__ctor`, m.sf.statements[0]);
  for (const [d, ent] of c.ents) {
    if (ent.kind === "func") { if (!ent.fn.extern) add(ent.fn.cname, d); }
    else if (ent.kind === "global" || ent.kind === "const") add(ent.cname, d);
  }
}

// ------------------------------------------------------------------ helpers
/** The field initializer function: C_init, or C_initFields when the class has its own `init` method. */
export function initName(cls: ClassInfo): string {
  return cls.methods.has("init") ? `${cls.cname}_initFields` : `${cls.cname}_init`;
}
export function makeDiag(file: string, text: string, line: number, col: number, message: string): Diagnostic {
  const src = text.split(/\r?\n/)[line] ?? "";
  const caret = src.slice(0, col).replace(/[^\t]/g, " ") + "^";
  return {
    file, line: line + 1, col: col + 1, message,
    text: `${file}:${line + 1}:${col + 1}: error: ${message}\n${src}\n${caret}`,
  };
}
function hasMod(n: ts.Node, k: ts.SyntaxKind): boolean {
  return (ts.canHaveModifiers(n) ? ts.getModifiers(n) ?? [] : []).some((m) => m.kind === k);
}
function jsdocTag(n: ts.Node, tag: string): string | undefined {
  for (const t of ts.getJSDocTags(n)) {
    if (t.tagName.text === tag) {
      const c = t.comment;
      return typeof c === "string" ? c : c ? c.map((x) => x.text).join("") : "";
    }
  }
  return undefined;
}
/** Macros of <stdint.h>/<stddef.h>/<stdbool.h>/<string.h>, the runtime's names, and reserved identifiers. */
const C_MACRO = /^(U?INT(8|16|32|64|PTR|MAX)?_(MIN|MAX|C)|U?INT_(LEAST|FAST)(8|16|32|64)_(MIN|MAX)|SIZE_MAX|PTRDIFF_(MIN|MAX)|SIG_ATOMIC_(MIN|MAX)|WCHAR_(MIN|MAX)|WINT_(MIN|MAX)|U?INTMAX_C|EOF|CONFIG_\w*|RT_\w*|rt_\w*|_[A-Z_]\w*|__\w*)$/;
export function cIdent(name: string): string {
  return C_RESERVED.has(name) || C_MACRO.test(name) ? `${name}_` : name;
}
function nullable(t: T): T {
  if (t.k === "class" || t.k === "fn" || t.k === "string") return { ...t, nullable: true };
  return t;
}
function pow2ceil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
function fmtRange(n: number): string {
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
function wrapJs(name: string, v: number): number {
  switch (name) {
    case "u8": return v & 0xff;
    case "u16": return v & 0xffff;
    case "u32": case "usize": return v >>> 0;
    case "i8": return (v << 24) >> 24;
    case "i16": return (v << 16) >> 16;
    default: return v | 0;
  }
}
function knownCompare(cop: string, a: Val, b: Val): boolean | undefined {
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
export function zeroOf(t: T): string {
  switch (t.k) {
    case "int": return t.enumOf ? `(${t.ct})0` : "0";
    case "bool": return "false";
    case "f64": return "0.0";
    case "bytes": return "RT_NOBYTES";
    default: return "NULL";
  }
}
function isZeroInit(c: string): boolean {
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
function cComment(text: string): string {
  let t = text.replace(/\?\?/g, "? ?");
  if (t.startsWith("//")) return t.replace(/\\+$/, "");
  return t.replace(/\r/g, "");
}
/** An initializer whose type has a name (a call, a field, a variable, an element, `as`). */
function namedInit(e: ts.Expression): boolean {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return ts.isCallExpression(e) || ts.isPropertyAccessExpression(e) || ts.isIdentifier(e) || ts.isElementAccessExpression(e) || ts.isAsExpression(e);
}
function lastStmt(list: readonly ts.Statement[]): ts.Statement | undefined {
  let s: ts.Statement | undefined = list[list.length - 1];
  while (s && ts.isBlock(s)) s = s.statements[s.statements.length - 1];
  return s;
}
function usesThis(n: ts.Node): boolean {
  let found = false;
  const visit = (x: ts.Node): void => {
    if (found) return;
    if (x.kind === ts.SyntaxKind.ThisKeyword) { found = true; return; }
    ts.forEachChild(x, visit);
  };
  ts.forEachChild(n, visit);
  return found;
}
