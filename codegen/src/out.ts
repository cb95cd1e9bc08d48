// Line buffer for generated C. Lines may carry the TypeScript line they come
// from; `render` inserts `#line` directives only where the C preprocessor's
// idea of the current line drifts from the source, and at most one per
// TypeScript line in a row (the C lines of one statement share it), so the
// output stays readable.

export interface OutLine { s: string; line?: number }

export class Out {
  lines: OutLine[] = [];
  ind = 0;
  push(s: string, line?: number): void {
    this.lines.push({ s: s === "" ? "" : "  ".repeat(this.ind) + s, line });
  }
  append(o: Out): void {
    for (const l of o.lines) this.lines.push({ s: l.s === "" ? "" : "  ".repeat(this.ind) + l.s, line: l.line });
  }
}

/** Renders lines, adding `#line N "file"` where needed; `file` is root-relative. */
export function render(lines: OutLine[], file: string | null): string {
  const res: string[] = [];
  let presumed: number | null = null; // the line number the compiler assumes for the next line
  let tagged = false; // whether we are inside a #line-mapped region
  let mapped: number | null = null; // the TypeScript line of the last mapped C line
  for (const l of lines) {
    // A line of the same TypeScript line as the last mapped one keeps that mapping.
    if (file !== null && l.line !== undefined && presumed !== l.line && l.line !== mapped) {
      res.push(`#line ${l.line} "${file}"`);
      presumed = l.line;
      tagged = true;
    }
    res.push(l.s);
    if (l.line !== undefined) mapped = l.line;
    if (presumed !== null) presumed++;
  }
  void tagged;
  return res.join("\n") + "\n";
}
