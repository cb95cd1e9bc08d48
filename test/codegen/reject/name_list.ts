// Name lists: literals only, private to the module, read with nameAt() and one
// literal default per list (it is stored with the list's C text).
import { u8, nameAt } from "../../../ts-src/rt/rt";

const HELLO: string = "hello";
const OK: readonly string[] = ["", "one", "two"];
const NOT_LIT: readonly string[] = ["a", HELLO]; //! a name list holds string literals only (it is one C text); write the text here, or "" for a code without a name
const WITH_NUL: readonly string[] = ["a\0b"]; //! a name list entry cannot contain a NUL character (it separates the entries in C); write the text without it
export const SHARED: readonly string[] = ["x"]; //! a name list is private to its module; export a function that returns nameAt(T, code, "unknown ...")
const EMPTY: readonly string[] = []; //! a name list has 1 to 255 entries (its C text starts with the count), this one 0; list at least one text

export function byIndex(i: u8): string {
  return OK[i]; //! a name list is one C text, not an array of pointers; write nameAt(OK, i, "unknown ...") (the default for codes past its end and "" entries)
}

export function a(i: u8): string {
  return nameAt(OK, i, "unknown");
}

export function b(i: u8): string {
  return nameAt(OK, i, "other"); //! every nameAt() of OK gives the same default (it is stored with the list), and test/codegen/reject/name_list.ts:17 gives "unknown"; write that, or call nameAt() once in a function that returns the name
}

export function c(i: u8, d: string): string {
  return nameAt(OK, i, d); //! the default of nameAt() is stored with the list, so it is a string literal; write the text here ("unknown ...")
}

let CHANGING: string[] = ["a"]; //! a module array is `const T: readonly u8[] = [...]` (constant), `const a = new Uint8Array(N)` or `const a = structs(N, C)`; for names of codes write a module name list `const T: readonly string[] = ["a", "b"]` read with nameAt(T, i, "unknown"), for texts that change a class with a Text field kept in `const a = structs(N, C)`
let NOT_CONST: readonly string[] = ["a"]; //! a name list is `const T: readonly string[] = ["a", "b"]` (string literals); write it that way
