// Fixed storage needs a compile-time size.
import { u32, structs } from "../../../ts-src/rt/rt";

let n: u32 = 4;

class Item {
  v: u32 = 0;
}

export class Store {
  buf: Uint8Array = new Uint8Array(n); //! `n` is not a constant; an initializer may only use literals, constants, enum members and function names
  items: Item[] = structs(n, Item); //! `n` is not a constant; an initializer may only use literals, constants, enum members and function names
}
