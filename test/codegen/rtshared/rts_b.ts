// The second module of rtshared.test.ts.
import { u32, bool, Bytes, copyBytes } from "../../../ts-src/rt/rt";

/** copyBytes with its answer used: whether `src` fit at `at`. */
export function putAt(dst: Bytes, src: Bytes, at: u32): bool {
  return copyBytes(dst, at, src.subarray(0, src.length));
}
