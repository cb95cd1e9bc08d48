// Interfaces are rejected: use a class.
import { i32 } from "../../../ts-src/rt/rt";

export interface Shape { //! interfaces are not in the subset; declare a class (a struct) instead
  area: i32;
}
