// Where the value of a text site (template literal, string +, JSON.stringify(),
// JSON.parse() as C | null; lower.ts) may go. Its C storage is the site's
// static buffer, rewritten each time the site runs, where JavaScript makes a
// new string. So the value may only be used before the site can run again:
//   - passed to a call (library calls copy; a function of the app gets it in
//     a parameter that is checked by these same rules), compared, written
//     into another text or JSON.stringify(), tested for null, or its
//     integer/bool fields read;
//   - kept in a local `const` / `let` of the same function whose uses follow
//     these rules, but not across iterations of a loop (a `let` declared
//     outside the loop that the site is in);
//   - kept in a module-level variable only by the exported init() (run once).
// Refused: returning it, keeping it in a field or another module's variable,
// and sites in a function that calls itself. Each refusal names file:line:col.
import { ts } from "ts-morph";

export interface EscapeHost {
  checker: ts.TypeChecker;
  err(n: ts.Node, msg: string): void;
  /** Whether a declaration is app code (compiled with the lowering, not the library). */
  isApp(d: ts.Node): boolean;
  /** `sized(n, x)` of app_fmt. */
  isSized(e: ts.CallExpression): boolean;
  /** The app's source files (where init() must not be called). */
  appFiles(): ts.SourceFile[];
}

const KEEP = "copy what you need where the text is used: pass it on (MQTT.pub, Log.*), or build it again there";

export class SiteEscape {
  private seen = new Set<ts.Symbol>();
  private recursive = new Map<ts.Node, ts.Node[] | null>();
  constructor(private h: EscapeHost) {}

  /** Checks the uses of site `site` (`where` its file:line:col). */
  check(site: ts.Node, where: string, parse = false): void {
    const fn = enclosingFn(site);
    if (fn) {
      const cycle = this.cycle(fn);
      if (cycle !== null) {
        this.h.err(site, `the text of a site lives in one static buffer, and ${fnName(fn)}() calls itself (${[fn, ...cycle, fn].map((f) => fnName(f) + "()").join(" -> ")}), so a call still running would see its text rewritten; build the text in a function that does not recurse`);
        return;
      }
    }
    this.value(site, parse ? `the object JSON.parse() at ${where} read` : `the text of the site at ${where}`);
  }

  private sym(n: ts.Node): ts.Symbol | undefined {
    let s = this.h.checker.getSymbolAtLocation(n);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.h.checker.getAliasedSymbol(s);
    return s;
  }
  private decl(n: ts.Node): ts.Declaration | undefined {
    const s = this.sym(n);
    return s?.valueDeclaration ?? s?.declarations?.[0];
  }

  /** `e` holds a site's value (`what`): check where it goes. */
  private value(e: ts.Node, what: string): void {
    for (;;) {
      const p = e.parent;
      if (!p) return;
      if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)) { e = p; continue; }
      if (ts.isConditionalExpression(p)) {
        if (p.condition === e) return;
        e = p;
        continue;
      }
      if (ts.isCallExpression(p) && p.arguments.includes(e as ts.Expression) && this.h.isSized(p)) { e = p; continue; }
      break;
    }
    const p = e.parent;
    const refuse = (at: ts.Node, how: string): void => this.h.err(at, `${what} is kept ${how}, but the site writes its next text into the same static buffer (JavaScript would make a new string); ${KEEP}`);
    if (ts.isExpressionStatement(p) || ts.isTemplateSpan(p) || ts.isSwitchStatement(p) || ts.isCaseClause(p) || ts.isTypeOfExpression(p) || ts.isVoidExpression(p)) return;
    if ((ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) && p.expression === e) return;
    if (ts.isForStatement(p) && p.condition === e) return;
    if (ts.isPrefixUnaryExpression(p)) return;
    if (ts.isCallExpression(p)) {
      const i = p.arguments.indexOf(e as ts.Expression);
      if (i < 0) return; // the callee: a method of the value (library)
      this.argument(p, i, what);
      return;
    }
    if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) {
      if (ts.isCallExpression(p.parent) && p.parent.expression === p) return; // a method call (library)
      if (ts.isElementAccessExpression(p) && p.argumentExpression === e) return;
      if (isAssignTarget(p)) return;
      const t = this.h.checker.getTypeAtLocation(p);
      if (t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.EnumLike)) return; // copied
      const name = ts.isPropertyAccessExpression(p) ? p.name.text : "[...]";
      this.value(p, `field \`${name}\` of ${what.replace(/^the /, "")}`);
      return;
    }
    if (ts.isBinaryExpression(p)) {
      const k = p.operatorToken.kind;
      if (k === ts.SyntaxKind.EqualsToken && p.right === e) {
        this.assign(p.left, p, what);
        return;
      }
      if (k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment) {
        if (p.left === e) return;
        refuse(p, `by \`${p.operatorToken.getText()}\``);
        return;
      }
      if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionToken ||
        (k === ts.SyntaxKind.CommaToken && p.right === e)) {
        this.value(p, what);
        return;
      }
      return; // ===, !==, string + (copied into that site), arithmetic
    }
    if (ts.isVariableDeclaration(p) && p.initializer === e) {
      this.assign(p.name, p, what);
      return;
    }
    if (ts.isReturnStatement(p) || ts.isArrowFunction(p)) {
      this.h.err(p, `${what} cannot be returned: the site writes its next text into the same static buffer, so \`const a = f(1); const b = f(2);\` would see two equal strings (JavaScript makes a new string each call); use the text inside the function (MQTT.pub(...), Log.*), or build it where it is used`);
      return;
    }
    if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) || ts.isArrayLiteralExpression(p)) {
      let lit: ts.Node = ts.isArrayLiteralExpression(p) ? p : p.parent;
      for (;;) {
        const q = lit.parent;
        if (ts.isParenthesizedExpression(q) || ts.isArrayLiteralExpression(q)) lit = q;
        else if (ts.isPropertyAssignment(q)) lit = q.parent;
        else break;
      }
      const c = lit.parent;
      if (ts.isCallExpression(c) && ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === "stringify") return;
      refuse(p, "in an object or array literal");
      return;
    }
    refuse(p, "here");
  }

  /** `what` is passed as argument `i` of `call`. */
  private argument(call: ts.CallExpression, i: number, what: string): void {
    const d = this.decl(call.expression);
    if (!d || !this.h.isApp(d)) {
      // The library copies what it keeps; what it returns may be a view of the argument.
      const t = this.h.checker.getTypeAtLocation(call);
      if (d?.getSourceFile().isDeclarationFile || t.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.EnumLike | ts.TypeFlags.Void | ts.TypeFlags.Undefined)) return;
      this.value(call, what);
      return;
    }
    if (!ts.isFunctionDeclaration(d) && !ts.isMethodDeclaration(d)) {
      this.h.err(call.arguments[i], `${what} is passed through a function value, whose parameter cannot be checked; call a declared function`);
      return;
    }
    const prm = d.parameters[Math.min(i, d.parameters.length - 1)];
    if (!prm || prm.dotDotDotToken || !ts.isIdentifier(prm.name)) {
      this.h.err(call.arguments[i], `${what} is passed to a rest or destructured parameter; pass it to a named parameter`);
      return;
    }
    this.local(prm.name, d, `${what}, passed to parameter \`${prm.name.text}\` of ${fnName(d)}() at ${whereOf(call)},`);
  }

  /** `what` is stored into `target` by `at` (an assignment or a declaration). */
  private assign(target: ts.Node, at: ts.Node, what: string): void {
    if (!ts.isIdentifier(target)) {
      this.h.err(at, `${what} is kept in a field or element, but the site writes its next text into the same static buffer (JavaScript would make a new string); ${KEEP} (a field that must keep text can be a Text: t.clear().add(s))`);
      return;
    }
    const d = this.decl(target);
    if (!d || !(ts.isVariableDeclaration(d) || ts.isParameter(d))) {
      this.h.err(at, `${what} is kept in \`${target.text}\`, which cannot be checked; keep it in a local const`);
      return;
    }
    const home = enclosingFn(d);
    const fn = enclosingFn(at);
    if (!home) {
      // Module level: only the exported init() (the firmware runs it once).
      const ok = fn && ts.isFunctionDeclaration(fn) && fn.name?.text === "init" && fn.parent === d.getSourceFile() &&
        fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) && !loopBetween(at, fn) && d.getSourceFile() === at.getSourceFile() && !this.called(fn);
      if (!ok) {
        this.h.err(at, `${what} is kept in module-level \`${target.text}\`, but the site writes its next text into the same static buffer when it runs again (JavaScript would make a new string); set module-level text only in the exported init() (which the firmware runs once; outside loops, and not called by the app), use it at once where it is built, or copy it into a module-level Text: t.clear().add(s)`);
      }
      return;
    }
    if (fn !== home) {
      this.h.err(at, `${what} is kept in \`${target.text}\` of another function; keep it in a local const`);
      return;
    }
    const loop = loopBetween(at, ts.isParameter(d) ? home : d.parent);
    if (loop) {
      this.h.err(at, `${what} is kept in \`${target.text}\` across iterations of the loop at ${whereOf(loop)}, where the site runs again and rewrites its one static buffer (JavaScript would keep the old string); declare the variable inside the loop (\`const t = ...\`), or copy the text into a Text: t.clear().add(s)`);
      return;
    }
    this.local(target, home, what);
  }

  /** The uses of local `name` (declared in function `fn`) hold `what`. */
  private local(name: ts.Identifier, fn: ts.Node, what: string): void {
    const s = this.sym(name);
    if (!s || this.seen.has(s)) return;
    this.seen.add(s);
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (!body) return;
    const visit = (n: ts.Node): void => {
      const ns = ts.isIdentifier(n) && ts.isShorthandPropertyAssignment(n.parent) ? this.h.checker.getShorthandAssignmentValueSymbol(n.parent) : ts.isIdentifier(n) ? this.sym(n) : undefined;
      if (ts.isIdentifier(n) && n !== name && n.text === name.text && ns === s && !isAssignTarget(n) &&
        !(ts.isVariableDeclaration(n.parent) && n.parent.name === n)) {
        const inner = enclosingFn(n);
        if (inner !== fn) this.h.err(n, `${what} is used in a nested function; pass it as an argument`);
        else this.value(n, `${what} (in \`${name.text}\`)`);
      }
      ts.forEachChild(n, visit);
    };
    visit(body);
  }

  /** Whether app code calls or passes `fn` (init(): the firmware alone must run it, once). */
  private called(fn: ts.FunctionDeclaration): boolean {
    let hit = false;
    const visit = (n: ts.Node): void => {
      if (hit) return;
      if (ts.isIdentifier(n) && n !== fn.name && n.text === fn.name?.text && this.decl(n) === fn) hit = true;
      else ts.forEachChild(n, visit);
    };
    for (const f of this.h.appFiles()) visit(f);
    return hit;
  }

  /** A call path from `fn` back to itself (the functions after `fn`), or null. */
  private cycle(fn: ts.Node): ts.Node[] | null {
    if (this.recursive.has(fn)) return this.recursive.get(fn)!;
    const calls = (f: ts.Node): ts.Node[] => {
      const out: ts.Node[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) {
          const d = this.decl(n);
          if (d && (ts.isFunctionDeclaration(d) || ts.isMethodDeclaration(d)) && d.body && this.h.isApp(d) && !out.includes(d)) out.push(d);
        }
        ts.forEachChild(n, visit);
      };
      const b = (f as ts.FunctionLikeDeclaration).body;
      if (b) visit(b);
      return out;
    };
    // Breadth-first from fn, remembering the way back.
    const prev = new Map<ts.Node, ts.Node>();
    let frontier = [fn];
    let found: ts.Node[] | null = null;
    while (frontier.length && found === null) {
      const next: ts.Node[] = [];
      for (const f of frontier) {
        for (const g of calls(f)) {
          if (g === fn) {
            const chain: ts.Node[] = [];
            for (let x: ts.Node | undefined = f; x && x !== fn; x = prev.get(x)) chain.unshift(x);
            found = chain;
            break;
          }
          if (!prev.has(g)) {
            prev.set(g, f);
            next.push(g);
          }
        }
        if (found !== null) break;
      }
      frontier = next;
    }
    this.recursive.set(fn, found);
    return found;
  }
}

function enclosingFn(n: ts.Node): ts.Node | undefined {
  for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function fnName(f: ts.Node): string {
  const n = (f as ts.FunctionLikeDeclaration).name;
  return n && ts.isIdentifier(n) ? n.text : "(anonymous)";
}

function whereOf(n: ts.Node): string {
  const sf = n.getSourceFile();
  const p = sf.getLineAndCharacterOfPosition(n.getStart(sf));
  return `line ${p.line + 1}:${p.character + 1}`;
}

function isAssignTarget(n: ts.Node): boolean {
  let e = n;
  while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
  const p = e.parent;
  return ts.isBinaryExpression(p) && p.left === e && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

/** A loop that `n` is in (in its body, condition or step) and `outer` is not, or null. */
function loopBetween(n: ts.Node, outer: ts.Node): ts.Node | null {
  let found: ts.Node | null = null;
  for (let c = n, p = n.parent; p && c !== outer; c = p, p = p.parent) {
    if (p === outer) break;
    const inLoop = (ts.isForStatement(p) && c !== p.initializer) || ((ts.isForOfStatement(p) || ts.isForInStatement(p)) && c === p.statement) ||
      ts.isWhileStatement(p) || ts.isDoStatement(p);
    if (inLoop && !isWithin(outer, c)) found = p;
    if (ts.isFunctionLike(p)) break;
  }
  return found;
}

function isWithin(n: ts.Node, anc: ts.Node): boolean {
  for (let p: ts.Node | undefined = n; p; p = p.parent) if (p === anc) return true;
  return false;
}
