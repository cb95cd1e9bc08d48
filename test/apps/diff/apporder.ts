// JavaScript's evaluation order where hoisting decides it in C: nested method
// chains (each receiver computed before the arguments that contain other
// chains), calls nested in arguments, indices and operands, imported
// constants read inside conditional operands, and `return f();` in a void
// function. Printed under Node and by the same code compiled to C
// (test/apps/appdiff.test.ts compares the outputs).
import { u8, u32, i32, mul32, bool, Bytes, lit, printStr, printInt, printHex, printLn } from "../../../ts-src/rt/rt";
import * as Json from "../../../ts-src/app/app_json";
import { JsonOut } from "../../../ts-src/app/app_json";
import { Text } from "../../../ts-src/app/app_text";

/** A chain whose every call prints its name: the output is the order of the calls. */
class Rec {
  name: u32 = 0;
  n: i32 = 0;
  at(name: u32): Rec {
    printStr("<");
    printInt(name);
    this.name = name;
    this.n = 0;
    return this;
  }
  add(v: i32): Rec {
    printStr("+");
    printInt(this.name);
    printStr(":");
    printInt(v);
    this.n = i32(this.n + v);
    return this;
  }
  with(r: i32, v: i32): Rec {
    printStr("w");
    printInt(this.name);
    this.n = i32(this.n + r + v);
    return this;
  }
  get(): i32 {
    printStr(">");
    printInt(this.name);
    return this.n;
  }
}
const r1 = new Rec();
const r2 = new Rec();
const r3 = new Rec();
const recs = new Uint8Array(4);

function tick(v: i32): i32 {
  printStr("t");
  printInt(v);
  recs[0] = u8(recs[0] + 1);
  return v;
}

const o1 = new JsonOut();
const o2 = new JsonOut();
const o3 = new JsonOut();
const t1 = new Text();
const t2 = new Text();

function chains(): void {
  // Doubly nested: r1's chain starts before r2's, r2's before r3's.
  printInt(r1.at(1).with(r2.at(2).with(r3.at(3).add(5).get(), 1).get(), 2).get());
  printLn();
  printInt(r1.at(1).add(1).with(r2.at(2).add(2).with(r3.at(3).add(3).get(), tick(4)).add(6).get(), tick(7)).add(8).get());
  printLn();
  // Nested in the second argument, with a call in the first.
  printInt(r1.at(1).with(tick(1), r2.at(2).with(tick(2), r3.at(3).get()).get()).get());
  printLn();
  // Calls as operands and indices.
  printInt(tick(1) + r1.at(1).with(i32(mul32(tick(2), tick(3))), r2.at(2).add(tick(4)).get()).get() - tick(5));
  printLn();
  printInt(recs[u32(r1.at(1).add(tick(1)).get() & 3)] + r2.at(2).add(r3.at(3).add(tick(2)).get()).get());
  printLn();
}

function builders(): void {
  // Three builders of one's own, nested two deep, with members before and after.
  printHex(o1.begin().raw("a", o2.begin().raw("b", o3.begin().int("c", 1).end()).end()).end());
  printLn();
  printHex(o1.begin().int("x", 0).raw("a", o2.begin().int("y", 0).raw("b", o3.begin().int("c", 1).end()).int("z", 2).end()).int("w", 3).end());
  printLn();
  // The shared builders nested two deep: the third begin() restarts the first builder,
  // so its end() is refused (logged) in both.
  const deep: Bytes = Json.begin().raw("a", Json.begin().raw("b", Json.begin().int("c", 1).end()).end()).end();
  printInt(deep.length);
  printLn();
  // Text chains nested in Text chains.
  printStr(t1.clear().add("a").addBytes(t2.clear().add("b").addBytes(o3.begin().int("n", 3).end()).add("c").view()).add("d").cstr());
  printLn();
}

function kinds(m: Bytes): i32 {
  // An imported constant inside a conditional operand (issue 19, bug 1).
  if (!Json.isObject(m) || Json.kind(m, "k") !== Json.NUMBER) return -1;
  const same: bool = Json.NUMBER === Json.kind(m, "k") && Json.STRING !== Json.kind(m, "s");
  return same ? Json.getInt(m, "k", 0) : -2;
}

/** `return f();` in a void function: the call, then the return. */
function note(k: i32): void {
  printStr("note");
  printInt(k);
}
function early(k: i32): void {
  if (k < 0) return note(k);
  if (k === 0) return note(r1.at(9).add(tick(k)).get());
  printStr("late");
}

export function main(): void {
  early(-1);
  early(0);
  early(1);
  printLn();
  chains();
  builders();
  printInt(kinds(lit("{\"k\": 5, \"s\": 1}")));
  printInt(kinds(lit("{\"k\": 5, \"s\": \"x\"}")));
  printInt(kinds(lit("{\"k\": \"5\"}")));
  printInt(kinds(lit("[5]")));
  printLn();
}
