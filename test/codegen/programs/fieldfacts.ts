// Field range invariants (codegen/src/index.ts): an unsigned integer field that
// starts at a literal and whose every store is proven within [0, N], N the
// length of a Uint8Array(N) field of its class, has that range wherever it is
// read, so `this.b.subarray(this.len)` needs no clamp. One store not proven
// (anywhere in the program) and the field keeps its type's range. Functions
// named proven_* must have no check in the C, kept_* must keep one
// (indexproofs.test.ts reads the golden C). Each buffer is followed by bytes
// that are not 0: a clamp dropped by mistake would show them in C.
import { u8, u32, Bytes, printInt, printStr, printLn, printHex } from "../../../ts-src/rt/rt";

/** Stores: `& 15`, `= 0`, `(len & 15) + 1`, `n + 1` under `n < 16`, and `len >>> 1`, which is within
 *  [0, 16] because len is (the invariant proves itself). */
class Ok {
  b: Uint8Array = new Uint8Array(16);
  tail: Uint8Array = new Uint8Array(8);
  len: u32 = 0;
  set(n: u32): void {
    this.len = n & 15;
  }
  halve(): void {
    this.len = this.len >>> 1;
  }
  clear(): void {
    this.len = 0;
  }
  grow(): void {
    this.len = (this.len & 15) + 1;
  }
  /** Through a local: the guard's facts bound the store. */
  step(): void {
    const n: u32 = this.len;
    if (n < 16) this.len = n + 1;
  }
  proven_rest(): Bytes {
    return this.b.subarray(this.len);
  }
  proven_head(): Bytes {
    return this.b.subarray(0, this.len);
  }
}

/** The same, but one store (`& 31`) may leave [0, 16]: every read keeps its clamp. */
class Over {
  b: Uint8Array = new Uint8Array(16);
  tail: Uint8Array = new Uint8Array(8);
  len: u32 = 0;
  set(n: u32): void {
    this.len = n & 15;
  }
  setWide(n: u32): void {
    this.len = n & 31;
  }
  kept_rest(): Bytes {
    return this.b.subarray(this.len);
  }
  kept_head(): Bytes {
    return this.b.subarray(0, this.len);
  }
}

/** A counter incremented without a proof (`++`): no fact. */
class Count {
  b: Uint8Array = new Uint8Array(16);
  tail: Uint8Array = new Uint8Array(8);
  len: u32 = 0;
  bump(): void {
    this.len++;
  }
  kept_rest(): Bytes {
    return this.b.subarray(this.len);
  }
}

/** A store through another reference than `this` counts too. */
class Other {
  b: Uint8Array = new Uint8Array(16);
  tail: Uint8Array = new Uint8Array(8);
  len: u32 = 0;
  kept_head(): Bytes {
    return this.b.subarray(0, this.len);
  }
}
function setOther(o: Other, n: u32): void {
  o.len = n;
}

const ok = new Ok();
const over = new Over();
const count = new Count();
const other = new Other();

function fill(b: Bytes, t: Bytes): void {
  for (let i: u32 = 0; i < 16; i++) b[i] = u8(i + 1);
  for (let i: u32 = 0; i < 8; i++) t[i] = u8(0xa0 + i);
}

function show(name: string, v: Bytes): void {
  printStr(name); printStr(" "); printInt(v.length); printStr(" "); printHex(v); printLn();
}

export function main(): void {
  fill(ok.b, ok.tail);
  fill(over.b, over.tail);
  fill(count.b, count.tail);
  fill(other.b, other.tail);
  for (let n: u32 = 0; n < 40; n += 13) {
    ok.set(n);
    show("ok rest", ok.proven_rest());
    show("ok head", ok.proven_head());
    ok.halve();
    show("ok halve", ok.proven_head());
    ok.grow();
    show("ok grow", ok.proven_rest());
  }
  for (let i: u32 = 0; i < 20; i++) ok.step();
  show("ok step", ok.proven_head());
  for (let i: u32 = 0; i < 20; i++) ok.grow();
  show("ok full", ok.proven_head());
  ok.clear();
  show("ok clear", ok.proven_rest());
  over.set(7);
  show("over", over.kept_rest());
  over.setWide(20);
  show("over wide rest", over.kept_rest());
  show("over wide head", over.kept_head());
  for (let i: u32 = 0; i < 18; i++) count.bump();
  show("count rest", count.kept_rest());
  setOther(other, 20);
  show("other head", other.kept_head());
}
