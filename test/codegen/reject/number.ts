// Plain `number` is rejected: the width must be explicit.
import { printInt } from "../../../ts-src/rt/rt";

export function show(n: number): void { //! number
  printInt(n);
}
