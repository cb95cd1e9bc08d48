// Generators are rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function* counter(): Generator<i32> { yield 1; } //! generator
