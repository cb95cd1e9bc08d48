// Every let, parameter, return and field needs an explicit type.
import { u8 } from "../../../ts-src/rt/rt";

class C {
  n = 0; //! type
}

export function f(v: u8) { //! return type
  return v;
}
