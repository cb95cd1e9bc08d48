// App code's JavaScript strings: template literals, string `+` and
// JSON.stringify() of literals, lowered to a text buffer of their own per
// expression site (static storage of the module) filled by the functions of
// ts-src/app/app_fmt.ts. Available where app_fmt is compiled too (the app
// build adds it); the library keeps the plain subset. Each site is recorded
// (`sites`) so the app's JavaScript for Node can check the same bound
// (ts-src/node/app_lower.ts, wrapped in by codegen/src/app/node_emit.ts).
import { ts } from "ts-morph";
import { T, ModInfo, ClassInfo, intT, F64, typeName } from "./types";
import { Val } from "./model";
import { cString } from "./ctext";
import { Expressions } from "./expressions";
import { SiteEscape } from "./site_escape";

/** A text site, for the Node emit: the node's span in its file, its capacity
 *  and the error line an overflow writes. */
export interface TextSite {
  file: string; pos: number; end: number; cap: number; msg: string;
  /** A JSON.parse() site: the class's fields (the node is the `as` expression). */
  shape?: ParseField[];
}
export type ParseField = { name: string; kind: "int"; lo: number; hi: number } | { name: string; kind: "bool" | "string" } |
  { name: string; kind: "object"; fields: ParseField[] };

type Part = { raw: string } | { call: string };

const FMT_REL = "ts-src/app/app_fmt.ts";
const JSON_REL = "ts-src/app/app_json.ts";
const TEXT_DEFAULT = { cap: 256, c: "CONFIG_MGOS_APP_TEXT_SIZE", name: "MGOS_APP_TEXT_SIZE" };
const JSON_DEFAULT = { cap: 512, c: "CONFIG_MGOS_APP_JSON_SIZE", name: "MGOS_APP_JSON_SIZE" };

export abstract class Lowering extends Expressions {
  /** Static storage of the current module's sites (emitted before its functions). */
  siteDecls: string[] = [];
  /** The current module calls app_fmt (its .c includes app_fmt.h). */
  usesFmt = false;
  sites: TextSite[] = [];
  private siteN = new Map<ModInfo, number>();
  private escapeCheck: SiteEscape | null = null;
  private escaped = new Set<ts.Node>();

  /** Refuses uses of a site's value that outlive its next run (site_escape.ts). */
  private checkEscape(site: ts.Node, parse = false): void {
    if (this.escaped.has(site)) return;
    this.escaped.add(site);
    this.escapeCheck ??= new SiteEscape({
      checker: this.checker,
      err: (n, msg) => this.err(n, msg),
      isApp: (d) => {
        const r = this.rel(d.getSourceFile().fileName);
        return !r.startsWith("ts-src/") && !r.startsWith("node_modules/") && !r.startsWith("../") && !d.getSourceFile().isDeclarationFile;
      },
      isSized: (e) => this.isSized(e),
      appFiles: () => [...this.mods.values()].map((m) => m.sf).filter((f) => !this.rel(f.fileName).startsWith("ts-src/")),
    });
    this.escapeCheck.check(site, this.where(site), parse);
  }

  private fmtMod(): ModInfo | undefined {
    for (const m of this.mods.values()) if (m.rel === FMT_REL || m.rel.endsWith("/" + FMT_REL)) return m;
    return undefined;
  }
  /** Whether the lowering is available (app code compiled with app_fmt). */
  protected canLower(): boolean {
    return this.fmtMod() !== undefined && this.curMod !== this.fmtMod();
  }
  private fmtFn(name: string, rel = FMT_REL): string {
    let m: ModInfo | undefined;
    for (const x of this.mods.values()) if (x.rel === rel || x.rel.endsWith("/" + rel)) m = x;
    if (!m) throw new Error(`${rel} is not compiled`);
    for (const st of m.sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name?.text === name) {
        const ent = this.ents.get(st);
        if (ent?.kind === "func") {
          ent.fn.used = true;
          return ent.fn.cname;
        }
      }
    }
    throw new Error(`${rel} has no function ${name}`);
  }
  private fmtClass(): string {
    const m = this.fmtMod()!;
    for (const st of m.sf.statements) if (ts.isClassDeclaration(st) && st.name?.text === "Fmt") return this.classes.get(st)!.cname;
    throw new Error("app_fmt.ts has no class Fmt");
  }

  /** app_fmt's strEq(a, b): `a === b` of two strings in app code. */
  protected strEq(): string {
    this.usesFmt = true;
    return this.fmtFn("strEq");
  }
  /** Whether `e` is a string `+` (TypeScript says the result is a string). */
  protected isStringPlus(e: ts.Expression): boolean {
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.PlusToken) return false;
    return (this.checker.getTypeAtLocation(e).flags & ts.TypeFlags.StringLike) !== 0;
  }
  /** `sized(n, x)` of app_fmt. */
  protected isSized(e: ts.CallExpression): boolean {
    const callee = this.nsMember(e.expression) ?? e.expression;
    if (!ts.isIdentifier(callee) || callee.text !== "sized") return false;
    const d = this.declOf(callee);
    return !!d && this.rel(d.getSourceFile().fileName) === FMT_REL;
  }
  protected isStringify(e: ts.Expression): e is ts.CallExpression {
    return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) &&
      e.expression.expression.text === "JSON" && e.expression.name.text === "stringify" && !this.declOf(e.expression.expression)?.getSourceFile().fileName.includes("/ts-src/");
  }
  private static strip(e: ts.Expression): ts.Expression {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return e;
  }

  /** `sized(n, x)`: x with capacity n when it is a site, else x itself. */
  protected lowerSized(e: ts.CallExpression): Val | null {
    const [n, x] = e.arguments;
    if (!n || !x || e.arguments.length !== 2) return null;
    const inner = Lowering.strip(x);
    const site = ts.isTemplateExpression(inner) || this.isStringPlus(inner) || this.isStringify(inner);
    if (!site) return null;
    const cap = ts.isNumericLiteral(n) ? Number(n.text) : NaN;
    if (!Number.isInteger(cap) || cap < 1 || cap > 65535) {
      this.err(n, "sized(n, ...) takes the capacity as an integer literal, 1..65535 (bytes); write e.g. sized(64, `${dev}/temp`)");
      return this.bad();
    }
    const size = { cap, c: String(cap), name: "" };
    if (this.isStringify(inner)) return this.lowerJson(inner, size, e);
    return this.lowerText(inner, size, e);
  }

  // ---------------------------------------------------------------- template literals and string +

  /** The parts of a text expression, flattened through nested templates and `+`. */
  private textParts(e: ts.Expression, out: ts.Expression[]): void {
    e = Lowering.strip(e);
    if (ts.isTemplateExpression(e)) {
      if (e.head.text) out.push(ts.factory.createStringLiteral(e.head.text));
      for (const sp of e.templateSpans) {
        this.textParts(sp.expression, out);
        if (sp.literal.text) out.push(ts.factory.createStringLiteral(sp.literal.text));
      }
    } else if (this.isStringPlus(e)) {
      const b = e as ts.BinaryExpression;
      this.textParts(b.left, out);
      this.textParts(b.right, out);
    } else {
      out.push(e);
    }
  }

  /** A template literal or string `+` at `site` (the node the site is named by). */
  protected lowerText(e: ts.Expression, size = TEXT_DEFAULT, site: ts.Node = e): Val {
    const exprs: ts.Expression[] = [];
    this.textParts(e, exprs);
    const parts: Part[] = [];
    let ok = true;
    for (const x of exprs) {
      if (ts.isStringLiteral(x) && x.pos === -1) {
        parts.push({ raw: x.text });
        continue;
      }
      const p = this.textPart(x);
      if (p === null) ok = false;
      else parts.push(p);
    }
    if (!ok) return this.bad();
    const what = size.name ? `this text is longer than ${size.name} (${size.cap}) bytes` : `this text is longer than its sized() capacity (${size.cap} bytes)`;
    return this.emitSite(parts, size, site, `${what}, so its value is the empty string (give the site room with sized(n, ...))`);
  }

  private textPart(x: ts.Expression): Part | null {
    if (ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x)) {
      if (x.text.includes("\0")) {
        this.err(x, "a string with a NUL character is cut there in C; leave the NUL out");
        return null;
      }
      return { raw: x.text };
    }
    let v = this.expr(x);
    if (v.bad) return null;
    if (v.t.k === "int") {
      if (v.lit !== undefined) return { raw: String(v.lit) };
      v = { ...v, negZero: undefined }; // -0 prints as "0" in JavaScript too
      return { call: this.intPut(v, x) };
    }
    if (v.t.k === "bool") return { call: `${this.fmtFn("putBool")}(&@, ${v.c})` };
    if (v.t.k === "string") return { call: `${this.fmtFn("putStr")}(&@, ${v.c})` };
    if (v.t.k === "null") return { raw: "null" };
    this.err(x, this.refusal(v.t, "in a text"));
    return null;
  }

  private intPut(v: Val, at: ts.Expression): string {
    if (v.lo >= -2147483648 && v.hi <= 2147483647) return `${this.fmtFn("putInt")}(&@, ${this.conv(v, intT("i32"), at, "the value")})`;
    if (v.lo >= 0 && v.hi <= 4294967295) return `${this.fmtFn("putUint")}(&@, ${this.conv(v, intT("u32"), at, "the value")})`;
    return `${this.fmtFn("putWide")}(&@, ${this.conv(v, F64, at, "the value")})`;
  }

  private refusal(t: T, where: string): string {
    if (t.k === "f64") return `an f64 ${where}: JavaScript writes floats in its shortest round-trip form, which is not compiled to C; write an integer, e.g. \`\${f64ToI32(x)}\` or, for two decimals, scale it: f64ToI32(x * 100)`;
    if (t.k === "bytes" || t.k === "arr") return `a byte view ${where}: JavaScript would write its numbers (\`104,105\`), not its text; keep text in a string (a Text's cstr(), a config value, another template)`;
    return `${typeName(t)} ${where}: only strings, integers, booleans and null are written; write the fields you want`;
  }

  /** The site's storage, its C expression (parts in order, then end()), and its record. */
  private emitSite(parts: Part[], size: { cap: number; c: string }, site: ts.Node, why: string): Val {
    if (this.constMode || !this.fs) {
      if (parts.every((p) => "raw" in p)) return this.mkVal(cString(parts.map((p) => (p as { raw: string }).raw).join("")), { k: "string", nullable: false });
      this.err(site, "a text built at run time is not a constant (module level, field or default value); declare `let t: string = \"\";` and set it in init(): t = `...`");
      return this.bad();
    }
    // Adjacent constants are one literal; a text of constants only is a literal.
    const merged: Part[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if ("raw" in p && last && "raw" in last) merged[merged.length - 1] = { raw: last.raw + p.raw };
      else merged.push(p);
    }
    if (merged.length === 0) return this.mkVal('""', { k: "string", nullable: false });
    if (merged.length === 1 && "raw" in merged[0] && Buffer.byteLength(merged[0].raw) <= size.cap) {
      return this.mkVal(cString(merged[0].raw), { k: "string", nullable: false });
    }
    this.checkEscape(site);
    const m = this.curMod!;
    const n = (this.siteN.get(m) ?? 0) + 1;
    this.siteN.set(m, n);
    const s = `${m.base}__fmt${n}`;
    this.siteDecls.push(`/* ${this.where(site)} */`, `static ${this.fmtClass()} ${s};`, `static uint8_t ${s}_b[${size.c} + 1u];`);
    this.usesFmt = true;
    const sf = site.getSourceFile();
    const msg = `${this.where(site)}: ${why}`;
    this.sites.push({ file: this.rel(sf.fileName), pos: site.pos, end: site.end, cap: size.cap, msg });
    const seq = [`${this.fmtFn("begin")}(&${s}, RT_BYTES(${s}_b, sizeof ${s}_b))`];
    for (const p of merged) seq.push("raw" in p ? `${this.fmtFn("putStr")}(&${s}, ${cString(p.raw)})` : p.call.replace("&@", `&${s}`));
    seq.push(`${this.fmtFn("end")}(&${s}, ${cString(msg)})`);
    return this.mkVal(`(${seq.join(", ")})`, { k: "string", nullable: false }, { pure: false, atom: true });
  }

  private where(n: ts.Node): string {
    const sf = n.getSourceFile();
    const p = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return `${this.rel(sf.fileName)}:${p.line + 1}:${p.character + 1}`;
  }

  // ---------------------------------------------------------------- JSON.stringify

  protected lowerJson(e: ts.CallExpression, size = JSON_DEFAULT, site: ts.Node = e): Val {
    if (e.arguments.length !== 1) {
      this.err(e, "JSON.stringify() with a replacer or indentation is not compiled; write JSON.stringify(value) (one line, as MQTT messages are)");
      return this.bad();
    }
    const parts: Part[] = [];
    if (!this.jsonValue(e.arguments[0], parts)) return this.bad();
    const what = size.name ? `this JSON text is longer than ${size.name} (${size.cap}) bytes` : `this JSON text is longer than its sized() capacity (${size.cap} bytes)`;
    return this.emitSite(parts, size, site, `${what}, so its value is the empty string (give the site room with sized(n, JSON.stringify(...)))`);
  }

  private jsonValue(e0: ts.Expression, out: Part[]): boolean {
    const e = Lowering.strip(e0);
    if (ts.isObjectLiteralExpression(e)) {
      const members: { key: string; value: ts.Expression; at: ts.Node }[] = [];
      let ok = true;
      for (const p of e.properties) {
        let key: string | null = null;
        let value: ts.Expression | null = null;
        if (ts.isPropertyAssignment(p)) {
          if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNoSubstitutionTemplateLiteral(p.name)) key = p.name.text;
          else if (ts.isNumericLiteral(p.name)) key = String(Number(p.name.text));
          value = p.initializer;
        } else if (ts.isShorthandPropertyAssignment(p)) {
          key = p.name.text;
          value = p.name;
        }
        if (key === null || value === null) {
          this.err(p, "only `key: value` and `key` members are written by the compiled JSON.stringify(); write the member as `name: value`");
          ok = false;
          continue;
        }
        if (key === "__proto__") {
          this.err(p, "`__proto__` in an object literal sets its prototype in JavaScript (JSON.stringify leaves it out); use another key");
          ok = false;
          continue;
        }
        members.push({ key, value, at: p });
      }
      // JSON.stringify writes integer keys first, in ascending order.
      const isIndex = (k: string): boolean => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 4294967295;
      const sorted = [...members.filter((m) => isIndex(m.key)).sort((a, b) => Number(a.key) - Number(b.key)), ...members.filter((m) => !isIndex(m.key))];
      const firstMoved = sorted.findIndex((m, i) => m !== members[i]);
      if (firstMoved >= 0) {
        this.err(sorted[firstMoved].at, `JSON.stringify writes integer keys first, in ascending order; write the members in that order: ${sorted.map((m) => JSON.stringify(m.key)).join(", ")}`);
        return false;
      }
      if (!ok) return false;
      out.push({ raw: "{" });
      members.forEach((m, i) => {
        out.push({ raw: `${i ? "," : ""}${JSON.stringify(m.key)}:` });
        if (!this.jsonValue(m.value, out)) ok = false;
      });
      out.push({ raw: "}" });
      return ok;
    }
    if (ts.isArrayLiteralExpression(e)) {
      let ok = true;
      out.push({ raw: "[" });
      e.elements.forEach((x, i) => {
        if (ts.isSpreadElement(x) || ts.isOmittedExpression(x)) {
          this.err(x, "spread and holes are not written by the compiled JSON.stringify(); list the elements");
          ok = false;
          return;
        }
        if (i) out.push({ raw: "," });
        if (!this.jsonValue(x, out)) ok = false;
      });
      out.push({ raw: "]" });
      return ok;
    }
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      if (e.text.includes("\0")) {
        this.err(e, "a string with a NUL character is cut there in C; leave the NUL out");
        return false;
      }
      out.push({ raw: JSON.stringify(e.text) });
      return true;
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) {
      out.push({ raw: e.getText() });
      return true;
    }
    const v0 = this.expr(e);
    if (v0.bad) return false;
    if ((v0.t.k === "int" || v0.t.k === "f64") && v0.lit !== undefined) {
      out.push({ raw: JSON.stringify(v0.lit) });
      return true;
    }
    if (v0.t.k === "int") {
      out.push({ call: this.intPut({ ...v0, negZero: undefined }, e) });
      return true;
    }
    if (v0.t.k === "bool") {
      out.push({ call: `${this.fmtFn("putBool")}(&@, ${v0.c})` });
      return true;
    }
    if (v0.t.k === "string") {
      out.push({ call: `${this.fmtFn("putJson")}(&@, ${v0.c})` });
      return true;
    }
    if (v0.t.k === "null") {
      out.push({ raw: "null" });
      return true;
    }
    this.err(e, this.refusal(v0.t, "in JSON.stringify()").replace("`${f64ToI32(x)}`", "`f64ToI32(x)`"));
    return false;
  }

  // ---------------------------------------------------------------- JSON.parse() into a class

  /** Whether `e` is `JSON.parse(x) as C | null` (or `as C`). */
  protected isParseAs(e: ts.AsExpression): ts.CallExpression | null {
    const x = Lowering.strip(e.expression);
    if (!ts.isCallExpression(x) || !ts.isPropertyAccessExpression(x.expression) || !ts.isIdentifier(x.expression.expression)) return null;
    if (x.expression.expression.text !== "JSON" || x.expression.name.text !== "parse") return null;
    return x;
  }

  protected lowerParse(e: ts.AsExpression, call: ts.CallExpression): Val {
    const hint = "write `JSON.parse(msg) as Cmd | null` with `class Cmd { op: string = \"\"; a: i32 = 0; on: bool = false; }` (integer, bool and string fields) and test the result for null";
    if (call.arguments.length !== 1) {
      this.err(call, `JSON.parse() with a reviver is not compiled; ${hint}`);
      return this.bad();
    }
    const t = this.typeOf(e.type, e, "the `as` target");
    if (!t) return this.bad();
    if (t.k !== "class" || !t.nullable) {
      this.err(e.type, `JSON.parse() compiles to a check of the message against a class: ${hint} (a message that does not have every field, each of its type, gives null)`);
      return this.bad();
    }
    const arg = this.expr(call.arguments[0]);
    if (arg.bad) return this.bad();
    const js = this.conv(arg, { k: "bytes", orStr: true }, call.arguments[0], "the argument of JSON.parse()");
    const body: string[] = [];
    let ok = true;
    const J = (f: string): string => this.fmtFn(f, JSON_REL);
    /** The checks and assignments of `cls`'s fields at `at` (a C lvalue prefix). */
    const fieldsOf = (cls: ClassInfo, at: string, ind: string): ParseField[] => {
      const shape: ParseField[] = [];
      for (const f of cls.fields.values()) {
        const key = cString(f.name);
        if (f.t.k === "int" && !f.t.enumOf) {
          shape.push({ name: f.name, kind: "int", lo: f.t.lo, hi: f.t.hi });
          body.push(`${ind}if (!${J("pInt")}(${key}, ${f.t.lo}.0, ${f.t.hi}.0)) return NULL;`, `${ind}${at}${f.cname} = (${f.t.ct})${J("pNum")}();`);
        } else if (f.t.k === "bool") {
          shape.push({ name: f.name, kind: "bool" });
          body.push(`${ind}if (!${J("pBool")}(${key})) return NULL;`, `${ind}${at}${f.cname} = ${J("pFlag")}();`);
        } else if (f.t.k === "string" && !f.t.nullable) {
          shape.push({ name: f.name, kind: "string" });
          body.push(`${ind}if (!${J("pStr")}(${key})) return NULL;`, `${ind}${at}${f.cname} = ${J("pText")}();`);
        } else if (f.t.k === "class" && f.storage === "embed") {
          body.push(`${ind}if (!${J("pEnter")}(${key})) return NULL;`);
          shape.push({ name: f.name, kind: "object", fields: fieldsOf(f.t.cls, `${at}${f.cname}.`, ind) });
          body.push(`${ind}${J("pLeave")}();`);
        } else {
          this.err(f.decl, `field \`${f.name}\` of ${cls.name} (${typeName(f.t)}) cannot be read by JSON.parse() (class ${t.cls.name} is parsed at ${this.where(e)}); its fields must be integers (u8 .. u32, i8 .. i32), bool, string or an embedded class (\`pos: Pos = new Pos()\`)`);
          ok = false;
        }
      }
      return shape;
    };
    const shape = fieldsOf(t.cls, "S_v.", "  ");
    if (!ok) return this.bad();
    this.checkEscape(e, true);
    const m = this.curMod!;
    const n = (this.siteN.get(m) ?? 0) + 1;
    this.siteN.set(m, n);
    const s = `${m.base}__parse${n}`;
    this.siteDecls.push(`/* JSON.parse() at ${this.where(e)} */`, `static ${t.cls.cname} ${s}_v;`, `static uint8_t ${s}_s[${JSON_DEFAULT.c} + 1u];`,
      `static ${t.cls.cname} *${s}(rt_bytes js) {`,
      `  if (!${this.fmtFn("pBegin", JSON_REL)}(js, RT_BYTES(${s}_s, sizeof ${s}_s))) return NULL;`,
      ...body.map((b) => b.replace(/S_v/g, `${s}_v`)), `  return &${s}_v;`, "}");
    this.usesFmt = true;
    this.sites.push({ file: this.rel(e.getSourceFile().fileName), pos: e.pos, end: e.end, cap: JSON_DEFAULT.cap + 1, msg: "", shape });
    return this.mkVal(`${s}(${js})`, t, { pure: false, atom: true });
  }
}
