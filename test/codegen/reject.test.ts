// Rejection tests: each test/codegen/reject/<name>.ts breaks the subset on the
// lines marked `//! <message>`. The compiler must report each marked message,
// whole and exactly, on its line, with a column, the source line and a caret;
// nothing else (no other message, not even on a marked line); and no C.
// `//? <message>` marks a follow-up diagnostic (a use of something already
// rejected) that is allowed but not required.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, REJECT_DIR, Diagnostic, loadCompiler, formatDiagnostics } from "./support";

/** Rejection files whose diagnostics are known missing because of an open compiler bug. */
const TODO: Record<string, string> = {};

interface Marker { line: number; message: string }

/** `//! message` (required) or `//? message` (allowed) markers with 1-based line
 *  numbers. The message is the WHOLE diagnostic message, compared exactly. A
 *  marker alone on its line is one more diagnostic of the nearest code line above. */
export function parseMarkers(source: string, kind: "!" | "?" = "!"): Marker[] {
  const out: Marker[] = [];
  const re = kind === "!" ? /^(.*?)\/\/!\s*(.+?)\s*$/ : /^(.*?)\/\/\?\s*(.+?)\s*$/;
  let codeLine = 0;
  source.split("\n").forEach((l, i) => {
    const code = l.replace(/\s*\/\/[!?].*$/, "");
    if (code.trim() !== "") codeLine = i + 1;
    const m = re.exec(l);
    if (m) out.push({ line: m[1].trim() === "" ? codeLine : i + 1, message: m[2] });
  });
  return out;
}

const files = fs.readdirSync(REJECT_DIR).filter((f) => f.endsWith(".ts")).sort();
const compiler = loadCompiler();

test("there are at least 24 rejection sources, each with a marker", () => {
  assert.ok(files.length >= 24, `only ${files.length}`);
  for (const f of files) {
    assert.ok(parseMarkers(fs.readFileSync(path.join(REJECT_DIR, f), "utf8")).length > 0, `${f} has no //! marker`);
  }
});

for (const f of files) {
  const name = f.slice(0, -3);
  test(`reject ${name}`, { todo: TODO[name], timeout: 60_000 }, (t) => {
    if (typeof compiler === "string") assert.fail(`the compiler is not available: ${compiler}`);
    const abs = path.join(REJECT_DIR, f);
    const rel = path.relative(ROOT, abs);
    const source = fs.readFileSync(abs, "utf8");
    const lines = source.split("\n");
    const markers = parseMarkers(source);
    const t0 = Date.now();
    const r = compiler.compile({ inputs: [abs], root: ROOT });
    t.diagnostic(`codegen ${Date.now() - t0} ms, ${r.diagnostics.length} diagnostics`);
    const all = formatDiagnostics(r.diagnostics);

    for (const m of markers) {
      const onLine = r.diagnostics.filter((d) => d.file === rel && d.line === m.line);
      const hit = onLine.find((d) => d.message === m.message);
      assert.ok(hit !== undefined,
        `${rel}:${m.line}: expected the diagnostic ${JSON.stringify(m.message)}\n` +
        `  line: ${lines[m.line - 1].trim()}\n  got:\n${all || "  (no diagnostics)"}`);
      assert.ok(Number.isInteger(hit.col) && hit.col >= 1 && hit.col <= lines[m.line - 1].length + 1,
        `${rel}:${m.line}: bad column ${hit.col}`);
      checkFormatted(hit, rel, lines[m.line - 1]);
      // Subset diagnostics say what to write instead (TypeScript's own errors need not).
      if (!/^TS\d+:/.test(hit.message)) {
        assert.match(hit.message, /;|instead|\b(use|write|give|declare|make|add|rename|replace|remove|call|check|wrap|change|split|move)\b/i, `${rel}:${m.line}: the message does not say what to write instead: ${hit.message}`);
      }
    }
    const allowed = parseMarkers(source, "?");
    const isAllowed = (d: Diagnostic): boolean => allowed.some((m) => m.line === d.line && m.message === d.message);
    const isRequired = (d: Diagnostic): boolean => markers.some((m) => m.line === d.line && m.message === d.message);
    const unexpected = r.diagnostics.filter((d: Diagnostic) => d.file !== rel || (!isRequired(d) && !isAllowed(d)));
    assert.deepEqual(unexpected.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message}`), [], "diagnostics on unmarked lines");
    assert.equal(r.files.size, 0, `C was emitted despite diagnostics: ${[...r.files.keys()].join(", ")}`);
  });
}

/** The formatted text is `path:line:col: error: message`, then the source line and a caret under the column. */
function checkFormatted(d: Diagnostic, rel: string, srcLine: string): void {
  const text = d.text.split("\n");
  assert.ok(text[0].startsWith(`${rel}:${d.line}:${d.col}: error: `), `first line of the formatted diagnostic: ${JSON.stringify(text[0])}`);
  assert.ok(text[0].includes(d.message), "the formatted diagnostic repeats the message");
  const src = text.findIndex((l) => l.trimEnd() !== "" && srcLine.trim() !== "" && l.includes(srcLine.trim()));
  assert.ok(src > 0, `the formatted diagnostic does not show the source line:\n${d.text}`);
  const caret = text[src + 1] ?? "";
  assert.match(caret, /^\s*\^/, `no caret line under the source line:\n${d.text}`);
  // The caret sits under the column (allowing for a gutter prefix before the source).
  const gutter = text[src].indexOf(srcLine.trimStart()) - (srcLine.length - srcLine.trimStart().length);
  assert.equal(caret.indexOf("^") - gutter, d.col - 1, `the caret is not under column ${d.col}:\n${d.text}`);
}
