// Which exported functions keep external linkage in C.
//
// TypeScript `export` says only that some TypeScript may import the function
// (Node tests do); in C an external function can be neither inlined into its
// one caller nor dropped by GCC, so the library's exported functions that no
// other library module uses come out `static`. The rule covers the modules
// under the library folders (ts-src/ by default) and reads every module there,
// compiled or not (ts-src/app/ is compiled only with an app), so a module's C is
// the same whatever else a compile takes in (the component, an app, a test):
//   - a function stays external when another library module imports it by
//     name (or imports its module as a namespace), a method when another
//     library module that imports the class's module, directly or through
//     others, accesses a property of that name (on any object: a method reached
//     through a field's type needs no import of its class, but a module can hold
//     an instance only through types its imports lead to);
//   - `@api` functions (the C API, exact names) and `@cextern` ones (called by
//     hand-written C: the port, test drivers, benches, fuzzers, or by C
//     generated from TypeScript outside the library) stay external too;
//   - code outside the library calling a function made static is a compile
//     error that names the marker (expressions.ts), and test/build checks that
//     no hand-written C names one.
// The scan is syntactic (no type checker: the modules not compiled are not in
// the program), so it over-approximates: sound, never more static than allowed.
import * as fs from "fs";
import * as path from "path";
import { ts } from "ts-morph";

export interface Visibility {
  /** The module (root-relative path) is under a library folder. */
  isLibrary(rel: string): boolean;
  /** Function `name` exported by library module `file` (absolute path) is used by another library module. */
  sharedFunction(file: string, name: string): boolean;
  /** A method called `name` of a class of `file` may be called by another library module. */
  sharedMethod(file: string, name: string): boolean;
}

const SKIP = (rel: string) => rel.startsWith("ts-src/node/") || rel === "ts-src/rt/rt.ts" || rel.endsWith(".d.ts");

function filesUnder(root: string, dir: string): string[] {
  const res: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !SKIP(path.relative(root, p).split(path.sep).join("/"))) res.push(p);
    }
  };
  walk(path.resolve(root, dir));
  return res;
}

/** `publicDirs`: folders inside the library whose exports are for code outside
 *  it (ts-src/app/, the application API that apps call): they keep every
 *  export external, and count as users of the rest. */
export function scanVisibility(root: string, libraryDirs: string[], publicDirs: string[] = []): Visibility {
  const norm = (d: string) => path.relative(root, path.resolve(root, d)).split(path.sep).join("/").replace(/\/?$/, "/");
  const dirs = libraryDirs.map(norm), pub = publicDirs.map(norm);
  const isLibrary = (rel: string) => !SKIP(rel) && dirs.some((d) => rel.startsWith(d)) && !pub.some((d) => rel.startsWith(d));
  /** "<absolute file>#<name>" of every function another module imports; "<file>#*" for a namespace import. */
  const imported = new Set<string>();
  /** Per property name, the files that access a property of that name. */
  const props = new Map<string, Set<string>>();
  /** Per file, the files it imports. */
  const imports = new Map<string, Set<string>>();
  for (const d of libraryDirs) {
    for (const file of filesUnder(root, d)) {
      const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2020, false);
      const mine = new Set<string>();
      imports.set(file, mine);
      const visit = (n: ts.Node): void => {
        if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith(".")) {
          const target = path.resolve(path.dirname(file), n.moduleSpecifier.text.replace(/\.(js|ts)$/, "") + ".ts");
          mine.add(target);
          const nb = n.importClause?.namedBindings;
          if (nb && ts.isNamespaceImport(nb)) imported.add(`${target}#*`);
          else if (nb) for (const s of nb.elements) imported.add(`${target}#${(s.propertyName ?? s.name).text}`);
          return;
        }
        if (ts.isPropertyAccessExpression(n)) {
          let s = props.get(n.name.text);
          if (!s) props.set(n.name.text, (s = new Set()));
          s.add(file);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  }
  /** Whether `from` imports `to`, directly or through other modules. */
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>([from]);
    const work = [from];
    while (work.length) {
      for (const t of imports.get(work.pop()!) ?? []) {
        if (t === to) return true;
        if (!seen.has(t)) seen.add(t), work.push(t);
      }
    }
    return false;
  };
  return {
    isLibrary,
    sharedFunction: (file, name) => imported.has(`${path.resolve(file)}#${name}`) || imported.has(`${path.resolve(file)}#*`),
    sharedMethod: (file, name) => {
      const m = path.resolve(file);
      return [...(props.get(name) ?? [])].some((f) => f !== m && reaches(f, m));
    },
  };
}
