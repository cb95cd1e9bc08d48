// Library API of the compiler: compile(inputs) -> diagnostics + generated files.
import type { TextSite } from "./lower";
import * as fs from "fs";
import * as path from "path";
import { Project, ts } from "ts-morph";
import { Compiler, Diagnostic, makeDiag, checkCNames } from "./compiler";
import { ModInfo, IntT } from "./types";
import type { RetFacts } from "./model";
import { scanVisibility } from "./visibility";

export type { Diagnostic } from "./compiler";

export interface CompileOptions {
  /** .ts files to translate (their imports are followed). */
  inputs: string[];
  /** Project root: paths in diagnostics, banners and #line are relative to it. */
  root?: string;
  /** tsconfig.json whose compiler options are used (default: <root>/tsconfig.json). */
  tsconfig?: string;
  /** Folders (root-relative) of the library: their exported functions that no
   *  other module there uses are static in C (visibility.ts). Default ["ts-src"]. */
  libraryDirs?: string[];
  /** Folders inside those whose exports are for code outside the library (all
   *  stay external). Default ["ts-src/app"] (the application API). */
  publicDirs?: string[];
}
export interface CompileResult {
  diagnostics: Diagnostic[];
  /** Output file name (e.g. "codec.c") -> contents. Empty when there are diagnostics. */
  files: Map<string, string>;
  /** Template literal, string + and JSON.stringify() sites of app code (lower.ts), for the Node emit. */
  sites?: TextSite[];
}

/** The repository root (this file is build/codegen/src/index.js or codegen/src/index.ts). */
export function defaultRoot(): string {
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(d, "codegen", "SUBSET.md"))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}

/** Default inputs: every .ts under ts-src/ except ts-src/node/** (Node only), ts-src/app/**
 *  (the application API: compiled with an app, see codegen/src/app/build.ts) and the intrinsics module. */
export function defaultInputs(root: string): string[] {
  const res: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      const rel = path.relative(root, p).split(path.sep).join("/");
      if (e.isDirectory()) {
        if (rel !== "ts-src/node" && rel !== "ts-src/app") walk(p);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && rel !== "ts-src/rt/rt.ts") {
        res.push(p);
      }
    }
  };
  walk(path.join(root, "ts-src"));
  return res;
}

/** Header names a generated module must not take (C library, POSIX, the runtime). */
const C_HEADERS = new Set(("rt assert complex ctype errno fenv float inttypes iso646 limits locale math setjmp signal stdalign " +
  "stdarg stdatomic stdbool stddef stdint stdio stdlib stdnoreturn string tgmath threads time uchar wchar wctype features " +
  "unistd fcntl sys pthread sched memory alloca malloc endian").split(" "));

// One Project per tsconfig, reused across calls: the lib and @types files are
// parsed once, which keeps a test suite of many small programs fast.
const projects = new Map<string, Project>();
function projectFor(tsconfig: string): Project {
  let p = projects.get(tsconfig);
  if (!p) {
    p = new Project({ tsConfigFilePath: tsconfig, skipAddingFilesFromTsConfig: true });
    projects.set(tsconfig, p);
  }
  return p;
}

const RUNTIME_DIR = (root: string) => path.join(root, "codegen", "runtime");

export function compile(opts: CompileOptions): CompileResult {
  const root = path.resolve(opts.root ?? defaultRoot());
  const tsconfig = path.resolve(opts.tsconfig ?? path.join(root, "tsconfig.json"));
  const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, string>();
  const fail = (file: string, message: string) => diagnostics.push({ file, line: 1, col: 1, message, text: `${file}:1:1: error: ${message}` });

  const inputs = opts.inputs.map((f) => path.resolve(root, f));
  for (const f of inputs) {
    if (!fs.existsSync(f) || !f.endsWith(".ts")) fail(rel(f), "no such TypeScript file");
  }
  if (diagnostics.length) return { diagnostics, files };

  const project = projectFor(tsconfig);
  for (const sf of project.getSourceFiles()) project.removeSourceFile(sf);
  const added = inputs.map((f) => project.addSourceFileAtPath(f));
  project.resolveSourceFileDependencies();

  // 1. TypeScript's own errors (tsc --strict) on the files involved. They are
  // reported with the subset's (one pass: every error of the file at once),
  // less the subset errors that only restate a TypeScript error of their line.
  const ours = new Set(project.getSourceFiles().filter((s) => !s.isInNodeModules() && !s.isDeclarationFile()).map((s) => s.getFilePath() as string));
  for (const d of project.getPreEmitDiagnostics()) {
    const sf = d.getSourceFile();
    if (sf && !ours.has(sf.getFilePath())) continue;
    const msg = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, " ");
    if (sf) {
      const pos = sf.compilerNode.getLineAndCharacterOfPosition(d.getStart() ?? 0);
      diagnostics.push(makeDiag(rel(sf.getFilePath()), sf.getFullText(), pos.line, pos.character, `TS${d.getCode()}: ${msg} (a TypeScript error, tsc --strict)`));
    } else {
      diagnostics.push({ file: "", line: 0, col: 0, message: msg, text: `error: TS${d.getCode()}: ${msg}` });
    }
  }
  const tsErrors = diagnostics.length;
  const tsLines = new Set(diagnostics.map((d) => `${d.file}:${d.line}`));

  // 2. The modules: inputs and the modules they import (not rt.ts, which is built in).
  const program = project.getProgram().compilerObject;
  const checker = program.getTypeChecker();
  const rtFile = path.join(root, "ts-src", "rt", "rt.ts");
  const visibility = scanVisibility(root, opts.libraryDirs ?? ["ts-src"], opts.publicDirs ?? (opts.libraryDirs ? [] : ["ts-src/app"]));
  const newCompiler = (): Compiler => {
    const c = new Compiler(checker, root, rtFile);
    c.visibility = visibility;
    return c;
  };
  const compiler = newCompiler();
  const mods = new Map<ts.SourceFile, ModInfo>();
  const bases = new Map<string, string>();
  const visit = (file: string, from?: ts.Node): ModInfo | null => {
    const sf = program.getSourceFile(file);
    if (!sf) return null;
    const have = mods.get(sf);
    if (have) return have;
    const r = rel(file);
    if (r.startsWith("ts-src/node/")) {
      if (from) compiler.err(from, "ts-src/node/ is the Node-only port and cannot be compiled to C; import from the compiled modules");
      return null;
    }
    const base = path.basename(file, ".ts");
    const m: ModInfo = { sf, rel: r, base, imports: new Set() };
    if (bases.has(base)) compiler.err(sf.statements[0] ?? sf, `module base name \`${base}\` is also used by ${bases.get(base)}; base names must be unique (they name the .c/.h files)`);
    bases.set(base, r);
    if (C_HEADERS.has(base)) compiler.err(sf.statements[0] ?? sf, `module name \`${base}\` would generate ${base}.h, which hides the C library's or the runtime's header of that name; rename the file`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(base)) compiler.err(sf.statements[0] ?? sf, `module name \`${base}\` is not a C identifier; rename the file (letters, digits, _)`);
    mods.set(sf, m);
    for (const st of sf.statements) {
      if (ts.isImportDeclaration(st) || (ts.isExportDeclaration(st) && st.moduleSpecifier)) {
        const spec = st.moduleSpecifier as ts.StringLiteral;
        const res = ts.resolveModuleName(spec.text, file, program.getCompilerOptions(), ts.sys);
        const target = res.resolvedModule?.resolvedFileName;
        if (!target || res.resolvedModule?.isExternalLibraryImport || target.endsWith(".d.ts")) {
          compiler.err(st, `import of \`${spec.text}\`: only relative imports of ts-src modules and rt.ts are in the subset`);
          continue;
        }
        if (path.resolve(target) === rtFile) {
          // The compiler knows the intrinsics by their plain names.
          const nb = ts.isImportDeclaration(st) ? st.importClause?.namedBindings : undefined;
          if (nb && ts.isNamespaceImport(nb)) compiler.err(st, "a namespace import of rt.ts is not in the subset; import the rt.ts intrinsics by name (`import { u8, Bytes } from \"../rt/rt\"`)");
          continue;
        }
        if (ts.isExportDeclaration(st)) {
          compiler.err(st, "re-exports are not in the subset; import from the defining module");
          continue;
        }
        if (st.importClause?.isTypeOnly === false && st.importClause.name) compiler.err(st, "default imports are not in the subset; use named imports");
        const im = visit(target, st);
        if (im) m.imports.add(im);
      }
    }
    return m;
  };
  for (const sf of added) visit(sf.getFilePath());
  compiler.mods = mods;
  // Top-level statements allowed in a module.
  for (const m of mods.values()) {
    for (const st of m.sf.statements) {
      if (ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) ||
        ts.isEnumDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isVariableStatement(st) || ts.isEmptyStatement(st)) continue;
      if (ts.isInterfaceDeclaration(st)) compiler.err(st, "interfaces are not in the subset; declare a class (a struct) instead");
      else if (ts.isModuleDeclaration(st)) compiler.err(st, "namespaces are not in the subset; use a module (file)");
      else if (ts.isExportAssignment(st)) compiler.err(st, "`export default`/`export =` are not in the subset; use named exports");
      else compiler.err(st, "code at the top level of a module runs only under Node; move it into a function");
    }
  }
  // Dependencies first, so constants are known before the modules that use them.
  const order: ModInfo[] = [];
  const seen = new Set<ModInfo>();
  const dfs = (m: ModInfo): void => {
    if (seen.has(m)) return;
    seen.add(m);
    for (const im of m.imports) dfs(im);
    order.push(m);
  };
  for (const m of mods.values()) dfs(m);
  const emitAll = (cc: Compiler): [string, string][] | null => {
    const outputs: [string, string][] = [];
    try {
      for (const m of order) cc.declareTypes(m);
      for (const m of order) cc.declareValues(m);
      for (const m of order) cc.declareClasses(m);
      for (const m of order) {
        const { h, c } = cc.emitModule(m);
        outputs.push([`${m.base}.h`, h], [`${m.base}.c`, c]);
      }
      checkCNames(cc);
    } catch (err) {
      // A compiler bug must not pass for success: report it, emit nothing (after
      // TypeScript errors, the code it choked on may just be ill-typed).
      const msg = `internal compiler error: ${(err as Error).stack?.split("\n").slice(0, 3).join(" | ") ?? String(err)}; please report it with the input`;
      if (!tsErrors) fail(order[0]?.rel ?? "", msg);
      return null;
    }
    return outputs;
  };
  let outputs = emitAll(compiler);
  diagnostics.push(...compiler.diags.filter((d) => !(tsLines.has(`${d.file}:${d.line}`) && TS_ECHO.test(d.message))));
  if (diagnostics.length) return { diagnostics: dedupe(diagnostics), files };
  // Interprocedural facts: a function that is not exported and not used as a
  // value is called only where this program calls it, so its parameters start
  // out with the union of the ranges of those arguments. Each pass reads the
  // ranges the previous one found (sound: the first assumed nothing); passes
  // repeat while they narrow something (facts passed down a chain of calls).
  let last = compiler;
  for (let pass = 2; pass <= MAX_PASSES; pass++) {
    const facts = new Map<ts.Node, ([number, number] | null)[]>();
    for (const [d, r] of last.argRanges) if (!last.fnValues.has(d)) facts.set(d, r);
    if (pass > 2 && sameFacts(facts, last.paramFacts!) && sameRet(last.retFacts, last.prevRetFacts!)) break;
    const next = newCompiler();
    next.mods = mods;
    next.paramFacts = facts;
    next.prevRetFacts = last.retFacts;
    const out = emitAll(next);
    diagnostics.push(...next.diags);
    if (diagnostics.length || !out) return { diagnostics: dedupe(diagnostics), files };
    outputs = out;
    last = next;
  }
  if (!outputs) return { diagnostics: dedupe(diagnostics), files };
  // Field range invariants: an unsigned integer field starting at a literal is
  // assumed within [0, N - 1] or [0, N] for N the length of a Uint8Array(N)
  // field of its class (an index, a slice bound; the smallest first), and the program is compiled again under that
  // assumption; the output is kept only when every store of every assumed field
  // was proven inside its range (an inductive invariant: reads in range, so
  // stores in range). A field whose stores leave the range tries the next
  // bound at least as high as they reached, then has no fact. Parameter and return facts come from the passes above,
  // which assumed no field facts.
  const cands = fieldCandidates(last);
  const fails = new Map<ts.Node, number>();
  for (let pass = 0; pass < MAX_FIELD_PASSES && cands.size; pass++) {
    const hyp = new Map<ts.Node, [number, number]>();
    for (const [d, ns] of cands) hyp.set(d, [0, ns[0]]);
    const next = newCompiler();
    next.mods = mods;
    next.paramFacts = last.paramFacts;
    next.prevRetFacts = last.prevRetFacts;
    next.fieldFacts = hyp;
    const out = emitAll(next);
    if (next.diags.length || !out) break;
    let ok = true;
    for (const [d, [lo, hi]] of hyp) {
      const st = next.fieldStores.get(d);
      if (st && (st[0] < lo || st[1] > hi)) {
        ok = false;
        // Under a larger range the stores reach at least as far: skip what they passed.
        const ns = cands.get(d)!;
        while (ns.length && (ns[0] <= hi || ns[0] < st[1])) ns.shift();
        // A counter creeping past every bound would cost a pass per bound.
        const nf = (fails.get(d) ?? 0) + 1;
        fails.set(d, nf);
        if (!ns.length || nf >= MAX_FIELD_FAILS) cands.delete(d);
      }
    }
    if (ok) {
      outputs = out;
      last = next;
      break;
    }
  }
  const rtDir = RUNTIME_DIR(root);
  for (const name of ["rt.h", "rt.c"]) {
    const text = fs.readFileSync(path.join(rtDir, name), "utf8");
    files.set(name, `/* Generated by codegen from codegen/runtime/${name}; do not edit. */\n${text}`);
  }
  for (const [n, t] of outputs) files.set(n, t);
  return { diagnostics, files, sites: last.sites };
}

/** Compilations trying field invariants at most (each drops what failed). */
const MAX_FIELD_PASSES = 5;
/** Failed bounds after which a field gets no fact. */
const MAX_FIELD_FAILS = 3;

/** Per unsigned integer field whose initializer is a literal: the bounds it could
 *  stay within, ascending: N - 1 and N for each Uint8Array(N) field of its class
 *  (fixed sizes only: a Kconfig size N is known only to be at least 1). */
function fieldCandidates(cc: Compiler): Map<ts.Node, number[]> {
  const res = new Map<ts.Node, number[]>();
  for (const cls of cc.classes.values()) {
    const lens = [...new Set([...cls.fields.values()].flatMap((f) => (f.storage === "buf" && f.t.k === "arr" && f.t.elem.name === "u8" && f.t.nLo > 0 && f.t.nLo === f.t.nHi ? [f.t.nLo - 1, f.t.nLo] : [])))].sort((a, b) => a - b);
    for (const f of cls.fields.values()) {
      const init = f.decl.initializer;
      if (f.storage !== "val" || f.t.k !== "int" || f.t.enumOf || f.t.lo < 0 || !init || !ts.isNumericLiteral(init)) continue;
      const ns = lens.filter((n) => n >= Number(init.text) && n < (f.t as IntT).hi);
      if (ns.length) res.set(f.decl, ns);
    }
  }
  return res;
}

/** Compilations of the whole program at most (the first, then refinements). */
const MAX_PASSES = 4;

function sameRet(a: Map<ts.Node, RetFacts>, b: Map<ts.Node, RetFacts>): boolean {
  if (a.size !== b.size) return false;
  for (const [d, r] of a) {
    const o = b.get(d);
    if (!o || o.lo !== r.lo || o.hi !== r.hi || r.le.some((x, i) => x !== o.le[i])) return false;
  }
  return true;
}

function sameFacts(a: Map<ts.Node, ([number, number] | null)[]>, b: Map<ts.Node, ([number, number] | null)[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [d, r] of a) {
    const o = b.get(d);
    if (!o || o.length !== r.length || r.some((x, i) => (x === null) !== (o[i] === null) || (x && (x[0] !== o[i]![0] || x[1] !== o[i]![1])))) return false;
  }
  return true;
}

/** Subset errors that say again what a TypeScript error on the same line says
 *  (an unknown name, a value of the wrong type, a fall-through). */
const TS_ECHO = /^unknown name |: expected \S+, got |does not convert to|is not callable|^every non-empty case must end|takes \d+ arguments?;|^missing argument /;

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const res = ds.filter((d) => (seen.has(d.text) ? false : (seen.add(d.text), true)));
  return res.sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
