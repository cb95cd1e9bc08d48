// Flow facts: what the conditions a program has checked prove about its
// locals at a point of a function body (as AssemblyScript's src/flow.ts does
// for its flags). A Flow holds, per local or parameter, a value range that is
// narrower than its type's, and relations between stable expressions over
// locals (`n <= b.length - start`). Statements fork the flow for each branch,
// add the facts of the condition that guards it, join the flows where the
// branches meet (keeping only what both sides know), and drop every fact about
// a local when it is written. This file only stores and combines facts: it
// never reads the AST beyond the expressions a fact names, emits no C and
// reports nothing.
import { ts } from "ts-morph";

/** `l <= r` (or `l < r` when strict), both stable expressions over locals. */
export interface Relation {
  l: ts.Expression;
  r: ts.Expression;
  /** Canonical texts of l and r (see key() in expressions.ts). */
  lk: string;
  rk: string;
  strict: boolean;
  /** l's value when l stands for a constant it is not written as (`b.length !== 0`: 1 <= b.length). */
  llo?: number;
  /** Locals l and r read: a write to any of them ends the relation. */
  vars: ts.Node[];
}

export class Flow {
  /** No execution reaches here (after return/break/continue): nothing is assumed. */
  dead = false;
  private ranges = new Map<ts.Node, [number, number]>();
  private rels: Relation[] = [];

  static unreachable(): Flow {
    const f = new Flow();
    f.dead = true;
    return f;
  }
  fork(): Flow {
    const f = new Flow();
    f.dead = this.dead;
    f.ranges = new Map(this.ranges);
    f.rels = this.rels.slice();
    return f;
  }
  /** The facts that hold on both incoming paths. */
  static join(a: Flow, b: Flow): Flow {
    if (a.dead) return b.fork();
    if (b.dead) return a.fork();
    const f = new Flow();
    for (const [d, [lo, hi]] of a.ranges) {
      const o = b.ranges.get(d);
      if (o) f.ranges.set(d, [Math.min(lo, o[0]), Math.max(hi, o[1])]);
    }
    const keyOf = (r: Relation): string => `${r.lk}${r.strict ? "<" : "<="}${r.rk}`;
    const inB = new Set(b.rels.map(keyOf));
    f.rels = a.rels.filter((r) => inB.has(keyOf(r)));
    return f;
  }
  /** The range this flow proves for local `d`, if narrower than its type's. */
  range(d: ts.Node): [number, number] | undefined {
    return this.dead ? undefined : this.ranges.get(d);
  }
  /** Narrows `d` to lo..hi (intersected with what is known). An empty range: unreachable. */
  narrow(d: ts.Node, lo: number, hi: number): void {
    if (this.dead) return;
    const o = this.ranges.get(d);
    const nlo = o ? Math.max(o[0], lo) : lo, nhi = o ? Math.min(o[1], hi) : hi;
    if (nlo > nhi) {
      this.dead = true;
      return;
    }
    this.ranges.set(d, [nlo, nhi]);
  }
  /** `d` was written: its range is now that of the value written (or unknown). */
  write(d: ts.Node, lo?: number, hi?: number): void {
    this.ranges.delete(d);
    this.rels = this.rels.filter((r) => !r.vars.includes(d));
    if (lo !== undefined && hi !== undefined && !this.dead) this.ranges.set(d, [lo, hi]);
  }
  relate(r: Relation): void {
    if (!this.dead && r.lk !== r.rk) this.rels.push(r);
  }
  relations(): readonly Relation[] {
    return this.dead ? [] : this.rels;
  }
}
