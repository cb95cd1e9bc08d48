// Outside the library (visibility.test.ts): calling an export of the library
// that no library module uses is an error naming the marker.
import { u32 } from "../../../ts-src/rt/rt";
import { lonely, forC } from "./lib/vis_a";

export function main(): u32 {
  return u32(lonely(2) + forC(1));
}
