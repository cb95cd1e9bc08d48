// Generators are rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function* counter(): Generator<i32> { yield 1; } //! async functions and generators are not in the subset; write a plain function driven by events
