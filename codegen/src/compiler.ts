// The compiler's passes, in the order a module goes through them:
//   model.ts        the program model and declarations (types, classes, functions, globals)
//   ranges.ts       integer value ranges, operator typing and implicit conversions
//   flow.ts         flow facts: what conditions prove about locals in the regions they guard
//   expressions.ts  expressions -> C text, type and range
//   statements.ts   statements and function bodies
//   module.ts       the .c/.h writer and the C-name clash check
// ctext.ts holds the C text helpers (names, literals). index.ts drives the passes.
export { Compiler, checkCNames } from "./module";
export { Diagnostic, makeDiag } from "./model";
export { cIdent, fmtLit, zeroOf, cString, initName } from "./ctext";
