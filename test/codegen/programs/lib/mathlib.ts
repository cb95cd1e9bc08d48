// A helper module imported by imports.ts: exported function, constant, enum,
// class and global, used across the module boundary.
import { u32, i32, bool, mul32 } from "../../../../ts-src/rt/rt";

export const SCALE: i32 = 10;

export enum Op { Add = 1, Mul = 2 }

export let applied: u32 = 0;

export class Acc {
  value: i32 = 0;

  apply(op: Op, v: i32): void {
    applied++;
    if (op === Op.Add) this.value = i32(this.value + v);
    else this.value = i32(mul32(this.value, v));
  }
}

/** Exported table and instance, used from imports.ts through extern declarations. */
export const WEIGHTS: readonly u32[] = [1, 10, 100, 4000000000];

export const shared = new Acc();

export function clamp(v: i32, lo: i32 = 0, hi: i32 = 255): i32 {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return v;
}

export function isEven(v: i32): bool {
  return v % 2 === 0;
}
