// The JavaScript of an app module for Node: tsc's output with every text
// site the compiler lowered to a bounded C buffer (template literals, string
// +, JSON.stringify(); codegen/src/lower.ts) wrapped in app_lower's site(),
// which checks the same capacity. Sites are found by their span in the source.
import * as path from "path";
import { ts } from "ts-morph";
import type { TextSite } from "../lower";

const OPTIONS: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: false, esModuleInterop: false };

/** `source` (the file `fileName`) as CommonJS for `outFile`, its `sites` wrapped;
 *  `lowerJs` is ts-src/node/app_lower's JavaScript. */
export function emitNodeJs(source: string, fileName: string, outFile: string, sites: TextSite[], lowerJs: string): string {
  const at = new Map(sites.map((s) => [`${s.pos}:${s.end}`, s]));
  const used = { n: 0 };
  const transformer = (ctx: ts.TransformationContext) => (sf: ts.SourceFile): ts.SourceFile => {
    const f = ctx.factory;
    const visit = (n: ts.Node): ts.Node => {
      const s = ts.isExpression(n) ? at.get(`${n.pos}:${n.end}`) : undefined;
      const inner = ts.visitEachChild(n, visit, ctx);
      if (!s) return inner;
      used.n++;
      if (s.shape && ts.isAsExpression(inner)) {
        // JSON.parse(x) as C | null -> __app_lower.parse(shape, cap, x)
        let call: ts.Expression = inner.expression;
        while (ts.isParenthesizedExpression(call)) call = call.expression;
        const arg = (call as ts.CallExpression).arguments[0];
        const lit = (v: unknown): ts.Expression => Array.isArray(v) ? f.createArrayLiteralExpression(v.map(lit)) :
          typeof v === "number" ? (v < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v)) :
          typeof v === "object" && v !== null ? f.createObjectLiteralExpression(Object.entries(v).map(([k, x]) => f.createPropertyAssignment(k, lit(x)))) :
          f.createStringLiteral(String(v));
        const shape = lit(s.shape);
        return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("__app_lower"), "parse"), undefined, [shape, f.createNumericLiteral(s.cap), arg]);
      }
      return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier("__app_lower"), "site"), undefined,
        [f.createNumericLiteral(s.cap), f.createStringLiteral(s.msg), inner as ts.Expression]);
    };
    return ts.visitEachChild(sf, visit, ctx);
  };
  const js = ts.transpileModule(source, { compilerOptions: OPTIONS, fileName, transformers: { before: [transformer] } }).outputText;
  if (!used.n) return js;
  let rel = path.relative(path.dirname(outFile), lowerJs).split(path.sep).join("/").replace(/\.js$/, "");
  if (!rel.startsWith(".")) rel = "./" + rel;
  const nl = js.indexOf("\n");
  return `${js.slice(0, nl + 1)}const __app_lower = require(${JSON.stringify(rel)});\n${js.slice(nl + 1)}`;
}
