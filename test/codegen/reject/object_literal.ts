// Object literals are rejected: declare a class.
import { i32 } from "../../../ts-src/rt/rt";

type Pt = { x: i32; y: i32 }; //! object

export const origin: Pt = { x: 0, y: 0 }; //! object literal
