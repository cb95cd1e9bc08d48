// Interfaces are rejected: use a class.
import { i32 } from "../../../ts-src/rt/rt";

export interface Shape { //! interface
  area: i32;
}
