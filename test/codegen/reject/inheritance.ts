// No inheritance, constructors with parameters, static members or getters.
import { i32 } from "../../../ts-src/rt/rt";

class Base {
  a: i32 = 0;
}

export class Derived extends Base { //! inheritance
  b: i32 = 0;
}

export class WithCtor {
  v: i32 = 0;
  constructor(v: i32) { //! constructor
    this.v = v;
  }
}

export class WithStatic {
  static count: i32 = 0; //! static
}

export class WithGetter {
  v: i32 = 0;
  get twice(): i32 { return i32(this.v * 2); } //! getter
}
