// async functions are rejected: the client is sans-I/O and event driven.
import { i32 } from "../../../ts-src/rt/rt";

export async function later(v: i32): Promise<i32> { return v; } //! async functions and generators are not in the subset; write a plain function driven by events
