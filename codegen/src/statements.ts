// Statements and function bodies: blocks, declarations, assignments, if,
// loops, switch, return, comments carried into the C, and the flow facts of
// conditions (flow.ts) that narrow ranges in the regions they guard. It may not
// write module-level C (headers, globals, prototypes): module.ts does.
import { ts } from "ts-morph";
import {
  T, IntT, ClassT, FnT, EnumInfo, FnTypeInfo, FuncInfo, ParamInfo, FieldInfo, ClassInfo, ModInfo,
  INTS, intT, BOOL, F64, VOID, BYTES, PTR, NULLT, I64_MAX, fitsI32, fitsU32, rangeCt, promote, castFree,
  typeName, cType, cDecl, cParams, defName,
} from "./types";
import { Out, OutLine } from "./out";
import { C_RESERVED, C_MACRO, cIdent, fmtRange, fmtLit, zeroOf, isZeroInit, cString, cComment, initName } from "./ctext";
import {
  Diagnostic, Val, Entity, INTRINSICS, RT_TYPES, ARRAY_KINDS, FnState, makeDiag, hasMod, jsdocTag, noinline, forceInline, nullable, namedInit, lastStmt, usesThis,
  Declarations,
} from "./model";
import { Lowering } from "./lower";
import { Flow } from "./flow";

export abstract class Statements extends Lowering {
  protected newScope(): void { this.fs!.scopes.push(new Set()); }
  protected popScope(): void { this.fs!.scopes.pop(); }
  protected localName(name: string): string {
    let base = cIdent(name);
    if (base === "self") base = "self_";
    let c = base;
    for (let i = 2; this.fs!.scopes.some((s) => s.has(c)); i++) c = `${base}_${i}`;
    this.fs!.scopes[this.fs!.scopes.length - 1].add(c);
    return c;
  }
  protected lineOf(n: ts.Node): number {
    const sf = n.getSourceFile();
    return sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  }
  /** Starts a full expression (resets the ++/-- unsequenced-use check). */
  protected begin(): void {
    if (this.fs) { this.fs.mutated = new Set(); this.fs.refs = new Map(); }
  }
  /** Emits the pending temporaries of the current statement. */
  protected flush(out: Out, line: number): void {
    for (const p of this.pre) out.push(p, line);
    this.pre = [];
  }
  protected end(at: ts.Node): void {
    if (!this.fs) return;
    for (const d of this.fs.mutated) {
      if ((this.fs.refs.get(d) ?? 0) > 1) {
        this.err(at, "a variable is changed by ++/-- and also used elsewhere in the same expression (the order is unspecified in C); split it into two statements");
        break;
      }
    }
  }
  protected comments(n: ts.Node, out: Out): void {
    const sf = n.getSourceFile();
    const ranges = ts.getLeadingCommentRanges(sf.text, n.getFullStart()) ?? [];
    for (const r of ranges) {
      const text = sf.text.slice(r.pos, r.end);
      for (const l of cComment(text).split("\n")) out.push(l);
    }
  }
  /** A comment after the node on its own line (`x = 1; // why`), for the end of the C line. */
  protected trailing(n: ts.Node): string {
    const sf = n.getSourceFile();
    const rs = ts.getTrailingCommentRanges(sf.text, n.getEnd()) ?? [];
    return rs.map((r) => " " + cComment(sf.text.slice(r.pos, r.end)).replace(/\n/g, " ")).join("");
  }
  stmts(list: readonly ts.Statement[], out: Out): void {
    for (const s of list) this.stmt(s, out);
  }
  protected block(s: ts.Statement, out: Out): void {
    out.ind++;
    this.newScope();
    if (ts.isBlock(s)) this.stmts(s.statements, out);
    else this.stmt(s, out);
    this.popScope();
    out.ind--;
  }
  protected condition(e: ts.Expression): string {
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
        this.logGuard = null;
        const c = this.exprStmt((s as ts.ExpressionStatement).expression);
        const guard = this.logGuard;
        this.logGuard = null;
        if (guard !== null && c !== null) {
          // A log call: left out (strings and arguments too) below the build's log level.
          out.push(`if (${guard}) {`, line);
          out.ind++;
          this.flush(out, line);
          out.push(`${c};${this.trailing(s)}`, line);
          out.ind--;
          out.push("}");
          return;
        }
        this.flush(out, line);
        if (c !== null) out.push(`${c};${this.trailing(s)}`, line);
        return;
      }
      case K.IfStatement:
        this.ifStmt(s as ts.IfStatement, out, line);
        return;
      case K.WhileStatement: {
        const w = s as ts.WhileStatement;
        const head = this.loopHead(w);
        this.fs!.flow = head.fork();
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
        this.fs!.flow = this.assume(head, w.expression, true);
        this.block(w.statement, out);
        this.fs!.flow = this.loopExit(head, w.expression, w.statement);
        out.push("}");
        return;
      }
      case K.DoStatement: {
        const d = s as ts.DoStatement;
        out.push("do {", line);
        const head = this.loopHead(d);
        this.fs!.flow = head.fork();
        this.block(d.statement, out);
        const cond = this.condition(d.expression);
        if (this.pre.length) {
          this.pre = [];
          this.err(d.expression, "this do..while condition has calls whose order matters; compute them into a local at the end of the body");
        }
        out.push(`} while (${cond});`, this.lineOf(d.expression));
        this.fs!.flow = this.loopExit(head, d.expression, d.statement);
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
        const head = this.loopHead(f);
        this.fs!.flow = head.fork();
        let cond = f.condition ? this.condition(f.condition) : "";
        const condPre = this.pre;
        this.pre = [];
        const inBody = f.condition ? this.assume(head, f.condition, true) : head.fork();
        // The step runs after the body: what the body writes is unknown there.
        this.fs!.flow = inBody.fork();
        for (const d of this.writtenIn(f.statement)) this.fs!.flow.write(d);
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
        this.fs!.flow = inBody;
        this.block(f.statement, out);
        this.fs!.flow = this.loopExit(head, f.condition, f.statement);
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
          this.fs!.flow = Flow.unreachable();
          return;
        }
        this.begin();
        const v = this.expr(r.expression);
        this.end(r);
        if (ret.k === "void") {
          // `return f();` of a void call (as JavaScript allows): the call, then `return;`.
          if (v.t.k !== "void" || !ts.isCallExpression(r.expression)) {
            this.err(r.expression, "a void function returns no value; write `return;`");
            return;
          }
          this.flush(out, line);
          out.push(`${v.c};${this.trailing(s)}`, line);
          out.push("return;", line);
          this.fs!.flow = Flow.unreachable();
          return;
        }
        const rc = this.conv(v, ret, r.expression, "the returned value");
        if (ret.k === "int") this.noteReturn(r.expression, v);
        this.flush(out, line);
        out.push(`return ${rc};${this.trailing(s)}`, line);
        this.fs!.flow = Flow.unreachable();
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
        this.fs!.flow = Flow.unreachable();
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
  protected ifStmt(st: ts.IfStatement, out: Out, line: number): void {
    const fl = this.fs!;
    const cond = this.condition(st.expression);
    this.flush(out, line);
    out.push(`if (${cond}) {`, line);
    // Flow: each branch under its condition; `rest` is the flow where every
    // condition so far was false; the flows at the branch ends are joined.
    let rest = fl.flow;
    const ends: Flow[] = [];
    const branch = (c: ts.Expression, body: ts.Statement): void => {
      fl.flow = this.assume(rest, c, true);
      this.block(body, out);
      ends.push(fl.flow);
      rest = this.assume(rest, c, false);
    };
    branch(st.expression, st.thenStatement);
    let el = st.elseStatement;
    while (el) {
      fl.flow = rest.fork();
      if (ts.isIfStatement(el)) {
        const c2 = this.condition(el.expression);
        rest = fl.flow;
        if (this.pre.length) {
          // The else-if condition needs temporaries: they belong inside the else.
          out.push("} else {", this.lineOf(el));
          out.ind++;
          this.newScope();
          this.comments(el, out);
          this.flush(out, this.lineOf(el));
          out.push(`if (${c2}) {`, this.lineOf(el));
          branch(el.expression, el.thenStatement);
          if (el.elseStatement) {
            out.push("} else {", this.lineOf(el.elseStatement));
            fl.flow = rest.fork();
            this.block(el.elseStatement, out);
            rest = fl.flow;
          }
          out.push("}");
          this.popScope();
          out.ind--;
          break;
        }
        out.push(`} else if (${c2}) {`, this.lineOf(el));
        branch(el.expression, el.thenStatement);
        el = el.elseStatement;
      } else {
        out.push("} else {", this.lineOf(el));
        this.block(el, out);
        rest = fl.flow;
        break;
      }
    }
    fl.flow = ends.reduce((a, b) => Flow.join(a, b), rest);
    out.push("}");
  }
  /** The flow at the top of a loop: what held before it, except for the locals the loop writes.
   *  A for-loop index only stepped up by its step (`i++`, `i += 2`) keeps its initial
   *  lower bound, and is at most one step past what the condition allows in the body. */
  protected loopHead(loop: ts.IterationStatement): Flow {
    const f = this.fs!.flow.fork();
    const written = this.writtenIn(loop);
    let idx: { d: ts.Node; lo: number; hi: number } | undefined;
    if (ts.isForStatement(loop) && loop.incrementor) {
      const step = this.stepOf(loop.incrementor);
      if (step) {
        // The index's initial value: `let i: u32 = 0` in the header.
        const init = loop.initializer && ts.isVariableDeclarationList(loop.initializer) ? loop.initializer.declarations[0] : undefined;
        const r = init?.initializer && this.fs!.locals.has(init) && init === step.d ? this.nodeRange.get(init.initializer) : undefined;
        const others = this.writtenIn(loop.statement);
        if (loop.condition) for (const d of this.writtenIn(loop.condition)) others.add(d);
        if (r && !others.has(step.d)) {
          if (step.by > 0) {
            const top = loop.condition ? this.conditionTop(step.d, loop.condition, written) : undefined;
            idx = { d: step.d, lo: r[0], hi: top === undefined ? Infinity : Math.max(r[1], top + step.by) };
          } else {
            idx = { d: step.d, lo: -Infinity, hi: r[1] };
          }
        }
      }
    }
    for (const d of written) f.write(d);
    if (idx) f.narrow(idx.d, idx.lo, idx.hi);
    return f;
  }
  /** `i++`, `++i`, `i += k`, `i--`, `--i`, `i -= k` (k a literal) of a local. */
  private stepOf(e: ts.Expression): { d: ts.Node; by: number } | undefined {
    const K = ts.SyntaxKind;
    if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && (e.operator === K.PlusPlusToken || e.operator === K.MinusMinusToken)) {
      const d = this.localDecl(e.operand);
      return d ? { d, by: e.operator === K.PlusPlusToken ? 1 : -1 } : undefined;
    }
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === K.PlusEqualsToken || e.operatorToken.kind === K.MinusEqualsToken) && ts.isNumericLiteral(e.right)) {
      const d = this.localDecl(e.left);
      const k = Number(e.right.text);
      return d && k > 0 ? { d, by: e.operatorToken.kind === K.PlusEqualsToken ? k : -k } : undefined;
    }
    return undefined;
  }
  /** The largest value of local `d` that the loop condition lets into the body
   *  (`i < n`, `i <= n`, `i * i <= n`, in a chain of &&), from the declared ranges. */
  private conditionTop(d: ts.Node, c: ts.Expression, written: Set<ts.Node>): number | undefined {
    const K = ts.SyntaxKind;
    while (ts.isParenthesizedExpression(c)) c = c.expression;
    if (!ts.isBinaryExpression(c)) return undefined;
    const op = c.operatorToken.kind;
    if (op === K.AmpersandAmpersandToken) {
      const a = this.conditionTop(d, c.left, written), b = this.conditionTop(d, c.right, written);
      return a === undefined ? b : b === undefined ? a : Math.min(a, b);
    }
    let l = c.left, r = c.right, strict: boolean;
    if (op === K.LessThanToken || op === K.LessThanEqualsToken) strict = op === K.LessThanToken;
    else if (op === K.GreaterThanToken || op === K.GreaterThanEqualsToken) { [l, r] = [r, l]; strict = op === K.GreaterThanToken; }
    else return undefined;
    const bound = this.staticRange(r, written);
    if (!bound) return undefined;
    const top = bound[1] - (strict ? 1 : 0);
    if (this.localDecl(l) === d) return top;
    while (ts.isParenthesizedExpression(l)) l = l.expression;
    if (ts.isBinaryExpression(l) && l.operatorToken.kind === K.AsteriskToken && this.localDecl(l.left) === d && this.localDecl(l.right) === d) {
      return top < 0 ? undefined : Math.floor(Math.sqrt(top));
    }
    return undefined;
  }
  /** The range of a literal, a local (its facts, unless the loop writes it), a constant
   *  or a `.length`, without translating it. */
  private staticRange(e: ts.Expression, written: Set<ts.Node>): [number, number] | undefined {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isNumericLiteral(e)) return [Number(e.text), Number(e.text)];
    if (ts.isIdentifier(e)) {
      const d = this.declOf(e);
      const ent = d ? this.fs?.locals.get(d) ?? this.ents.get(d) : undefined;
      if (!d || !ent) return undefined;
      if (ent.kind === "const") return [ent.lo, ent.hi];
      if (ent.kind === "local" && ent.t.k === "int") {
        const r = written.has(d) ? undefined : this.fs!.flow.range(d);
        return r ? [Math.max(r[0], ent.t.lo), Math.min(r[1], ent.t.hi)] : [ent.t.lo, ent.t.hi];
      }
      return undefined;
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === "length") return [0, 4294967295];
    return undefined;
  }
  /** The flow after a loop: its head, and when no `break` leaves it, the condition was false. */
  protected loopExit(head: Flow, cond: ts.Expression | undefined, body: ts.Statement): Flow {
    if (this.hasBreak(body)) return head.fork();
    if (!cond || cond.kind === ts.SyntaxKind.TrueKeyword) return Flow.unreachable();
    return this.assume(head, cond, false);
  }
  private hasBreak(n: ts.Node): boolean {
    let found = false;
    const visit = (x: ts.Node): void => {
      if (found) return;
      if (ts.isBreakStatement(x)) found = true;
      else ts.forEachChild(x, visit);
    };
    visit(n);
    return found;
  }
  protected varDecls(list: ts.VariableDeclarationList, out: Out, line: number): void {
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
      if (t.k === "void" || t.k === "fnref" || t.k === "null" || t.k === "arr" || t.k === "sarr" || t.k === "table" || t.k === "names") {
        this.err(d, `a local cannot hold ${typeName(t)}; ${t.k === "fnref" ? "declare a function type alias and give the variable that type" : "use a byte view (Bytes) or a reference"}`);
        this.badDecls.add(d);
        continue;
      }
      const cname = this.localName(name);
      const init = v ? this.conv(v, t, d.initializer!, `the initial value of \`${name}\``) : zeroOf(t);
      this.flush(out, line);
      const ent = { kind: "local" as const, cname, t, read: false };
      this.fs!.locals.set(d, ent);
      this.fs!.flow.write(d);
      if (v && ts.isIdentifier(d.name)) this.initFacts(d.name, d.initializer!, v);
      out.push(`${cDecl(t, cname)} = ${init};${this.trailing(list.parent)}`, line);
      (out.lines[out.lines.length - 1] as OutLine & { unusedCheck?: typeof ent }).unusedCheck = ent;
    }
  }
  /** Expression statements: calls, assignments, ++/--. Returns the C text without `;`. */
  protected exprStmt(e: ts.Expression): string | null {
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
  /** The value of the last plain `x = v` (for its facts). */
  private lastAssigned: Val | undefined;
  protected assign(e: ts.BinaryExpression): string | null {
    const res = this.assign0(e);
    // A write ends what was known about the local.
    const d = this.localDecl(e.left);
    if (d) this.fs!.flow.write(d);
    const rv = this.lastAssigned;
    if (d && rv && e.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(e.left)) this.initFacts(e.left, e.right, rv);
    this.lastAssigned = undefined;
    return res;
  }
  private assign0(e: ts.BinaryExpression): string | null {
    const K = ts.SyntaxKind;
    const op = e.operatorToken.kind;
    const lv = this.lvalue(e.left, e.right);
    if (!lv) return null;
    const rv = lv.rv!;
    if (rv.bad) return null;
    const what = `the value assigned to \`${e.left.getText()}\``;
    if (lv.field && lv.t.k === "int") {
      // The range this store leaves in the field (index.ts checks field invariants
      // against it): the value's, or the type's where not computed below.
      const t = lv.t;
      let st: [number, number] = [t.lo, t.hi];
      const ff = this.fieldFacts?.get(lv.field);
      if (op === K.EqualsToken && rv.t.k === "int") {
        st = [rv.lo, rv.hi];
        // `this.len = n + 1` under `n < N`: the flow facts bound it too.
        if (ff && st[1] > ff[1] && rv.lo >= 0 && this.proves(e.right, { k: null, lo: ff[1] }, false)) st[1] = ff[1];
      }
      else if ((op === K.PlusEqualsToken || op === K.MinusEqualsToken) && rv.t.k === "int") {
        // Counters: a -= that may go below 0 is rejected below.
        const cur = lv.read();
        st = op === K.PlusEqualsToken ? [cur.lo + rv.lo, cur.hi + rv.hi] : [cur.lo - rv.hi, cur.hi - rv.lo];
      }
      this.noteStore(lv.field, Math.max(t.lo, st[0]), Math.min(t.hi, st[1]));
    }
    if (op === K.EqualsToken) {
      this.lastAssigned = rv;
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
      if (op === K.MinusEqualsToken && lv.t.lo >= 0 && rv.hi > 0 && this.mayGoNegative(e.left, rv.hi, e.right)) {
        const n = e.left.getText(), k = e.right.getText(), r = e.right;
        const pk = ts.isIdentifier(r) || ts.isNumericLiteral(r) || ts.isPropertyAccessExpression(r) || ts.isElementAccessExpression(r) || ts.isCallExpression(r) ? k : `(${k})`;
        this.err(e, `\`-=\` on ${lv.t.name} \`${n}\` may go below 0 (Node gives a negative number, C wraps); check \`${k} <= ${n}\` first, or write \`${n} = ${lv.t.name}(${n} - ${pk})\` to wrap`);
        return null;
      }
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
        const r = e.right, rt = r.getText();
        const simple = ts.isIdentifier(r) || ts.isNumericLiteral(r) || ts.isPropertyAccessExpression(r) || ts.isElementAccessExpression(r) || ts.isCallExpression(r);
        this.err(e, `\`${e.operatorToken.getText()}\` on ${lv.t.name} may wrap differently in C; write \`${n} = ${lv.t.name}(${n} ${opText} ${simple ? rt : `(${rt})`})\` to wrap`);
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
    const l = e.left.getText(), rt = e.right.getText();
    switch (opText) {
      case "*": {
        const n = this.diags.length;
        r = this.arith(e, "*", cur, rv);
        // A product beyond 2^53: the hint is the whole assignment, wrapped.
        if (this.diags.length > n && this.diags[n].message.includes("2^53") && lv.t.k === "int") {
          this.diags.length = n;
          const m = `mul32(${l}, ${rt})`;
          this.err(e, `the result of \`${e.getText()}\` may exceed 2^53, where Node loses precision; write ${l} = ${lv.t.base === "uint32_t" ? m : `${lv.t.name}(${m})`} for the wrapped 32-bit product`);
        }
        break;
      }
      case "%": r = this.divmod(e, "%", cur, rv); break;
      case "&": case "|": case "^": r = this.bitop(opText, cur, rv, cur.pure && rv.pure); break;
      case "<<": case ">>": case ">>>": r = this.shift(opText, cur, rv, cur.pure && rv.pure); break;
      default: r = this.arith(e, opText, cur, rv);
    }
    // The hint is the plain assignment, wrapped: `x = u32(x | 0x2)`.
    const simple = ts.isIdentifier(e.right) || ts.isNumericLiteral(e.right) || ts.isPropertyAccessExpression(e.right) ||
      ts.isElementAccessExpression(e.right) || ts.isCallExpression(e.right) || ts.isParenthesizedExpression(e.right);
    const hint = (w: string): string => `${l} = ${w}(${l} ${opText} ${simple ? rt : `(${rt})`})`;
    const c = this.conv(r, lv.t, e, `the result of \`${e.getText()}\``, (l + rt).length <= 100 ? hint : (w) => `${l} = ${w}(${l} ${opText} (...))`);
    return lv.set ? lv.set(c) : `${lv.plain} = ${c}`;
  }
  protected switchStmt(s: ts.SwitchStatement, out: Out, line: number): void {
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
    // Flow: every case starts from the switch's; after it, what the cases write is unknown.
    const entry = this.fs!.flow;
    clauses.forEach((cl, idx) => {
      this.fs!.flow = entry.fork();
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
    this.fs!.flow = entry.fork();
    for (const d of this.writtenIn(s.caseBlock)) this.fs!.flow.write(d);
    out.push("}");
  }
  /** Return facts (Declarations.retFacts) of one `return e;`: its range, and
   *  which parameters the facts here prove it at most (through `?:` too). */
  private noteReturn(e: ts.Expression, v: Val): void {
    const fs = this.fs!;
    const d = fs.fi.decl;
    const unwritten = this.unwrittenParams ?? new Set<ts.Node>();
    const le = fs.fi.params.map((p) => p.t.k === "int" && unwritten.has(p.decl) && this.provesLe(e, p.decl.name as ts.Identifier));
    const lo = v.bad || v.t.k !== "int" ? -Infinity : v.lo, hi = v.bad || v.t.k !== "int" ? Infinity : v.hi;
    const had = this.retFacts.get(d);
    this.retFacts.set(d, had
      ? { lo: Math.min(had.lo, lo), hi: Math.max(had.hi, hi), le: had.le.map((x, i) => x && le[i]) }
      : { lo, hi, le });
  }
  /** Whether the facts here prove e <= p (p a parameter); `c ? a : b` branch by branch. */
  private provesLe(e: ts.Expression, p: ts.Identifier): boolean {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    const fs = this.fs!;
    if (ts.isConditionalExpression(e)) {
      const saved = fs.flow;
      try {
        fs.flow = this.assume(saved, e.condition, true);
        if (!this.provesLe(e.whenTrue, p)) return false;
        fs.flow = this.assume(saved, e.condition, false);
        return this.provesLe(e.whenFalse, p);
      } finally {
        fs.flow = saved;
      }
    }
    const kp = this.key(p);
    return kp !== null && this.proves(e, { k: kp, n: p, lo: this.exactRange(p)?.[0] ?? 0 }, false);
  }
  /** Parameters the function being compiled never writes (return facts name them). */
  private unwrittenParams: Set<ts.Node> | null = null;
  protected funcBody(fi: FuncInfo, out: Out): void {
    const d = fi.decl;
    const m = fi.mod;
    this.curMod = m;
    const sig = cDecl(fi.ret, `${defName(fi)}(${cParams(fi)})`);
    const isStatic = !fi.exported;
    this.comments(d, out);
    // (unused statics get RT_UNUSED on their prototype, decided after all bodies)
    const inl = forceInline(d);
    if (inl && (!isStatic || noinline(d))) {
      this.err(d, !isStatic ? `@inline on \`${fi.name}\`, which is external in C (another module or hand-written C calls it): a C99 inline definition would not be linkable; take the tag off, or keep the function private to its module`
        : `@inline and @noinline on \`${fi.name}\` contradict each other; remove one of them`);
    }
    out.push(`${noinline(d) ? "RT_NOINLINE " : ""}${isStatic ? "static " : ""}${inl && isStatic ? "RT_INLINE " : ""}${sig} {`, this.lineOf(d));
    const fs: FnState = { fi, scopes: [new Set(fi.params.map((p) => p.cname))], locals: new Map(), mutated: new Set(), refs: new Map(), flow: new Flow(), folded: new Set() };
    if (fi.cls) fs.scopes[0].add("self");
    const views = fi.split ? fi.params.filter((p) => p.t.k === "bytes") : [];
    for (const p of views) fs.scopes[0].add(`${p.cname}_p`).add(`${p.cname}_len`);
    this.fs = fs;
    for (const p of fi.params) fs.locals.set(p.decl, { kind: "local", cname: p.cname, t: p.t, read: false });
    // What every caller of a static function passes (the previous pass's arguments).
    const pf = fi.exported ? undefined : this.paramFacts?.get(d);
    if (pf) fi.params.forEach((p, i) => { const r = pf[i]; if (r) fs.flow.narrow(p.decl, r[0], r[1]); });
    const written = d.body ? this.writtenIn(d.body) : new Set<ts.Node>();
    this.unwrittenParams = new Set(fi.params.map((p) => p.decl as ts.Node).filter((p) => !written.has(p)));
    const body = new Out();
    body.ind = 1;
    const stmts = d.body ? d.body.statements : ts.factory.createNodeArray<ts.Statement>();
    this.stmts(stmts, body);
    // Unused parameters and locals: C warns (-Wunused-*), TypeScript does not.
    const voids: string[] = [];
    if (fi.cls && !usesThis(d)) voids.push("(void)self;");
    for (const p of fi.params) {
      const unused = !fs.locals.get(p.decl)!.read || fs.folded.has(p.cname);
      if (views.includes(p)) voids.push(unused ? `(void)${p.cname}_p; (void)${p.cname}_len;` : `rt_bytes ${p.cname} = RT_BYTES(${p.cname}_p, ${p.cname}_len);`);
      else if (unused) voids.push(`(void)${p.cname};`);
    }
    for (const v of voids) out.push("  " + v);
    for (const l of body.lines) {
      out.lines.push(l);
      const u = (l as OutLine & { unusedCheck?: { read: boolean; cname: string } }).unusedCheck;
      if (u && (!u.read || fs.folded.has(u.cname))) out.lines.push({ s: l.s.replace(/^(\s*).*$/, `$1(void)${u.cname};`) });
    }
    const last = stmts[stmts.length - 1];
    if (fi.ret.k !== "void" && !(last && ts.isReturnStatement(last))) {
      out.push(`  return ${zeroOf(fi.ret)}; /* not reached */`);
    }
    out.push("}");
    this.fs = null;
  }
}
