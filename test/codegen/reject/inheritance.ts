// No inheritance, constructors with parameters, static members or getters.
import { i32 } from "../../../ts-src/rt/rt";

class Base {
  a: i32 = 0;
}

export class Derived extends Base { //! inheritance and `implements` are not in the subset; embed a field of the other class instead
  b: i32 = 0;
}

export class WithCtor {
  v: i32 = 0;
  constructor(v: i32) { //! constructors are not in the subset; give fields initializers and add an `init(...)` method
    this.v = v;
  }
}

export class WithStatic {
  static count: i32 = 0; //! static members are not in the subset; use a module-level function or constant
}

export class WithGetter {
  v: i32 = 0;
  get twice(): i32 { return i32(this.v * 2); } //! getters and setters are not in the subset; write a method
}
