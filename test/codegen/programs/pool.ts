// A module-level fixed array of structs (structs(N, C) as a module initializer),
// allocation by scanning, and a struct handed out by reference.
import { structs, printInt, printStr, printLn, printHex, copyBytes, Bytes, lit, u16, u32, i32, bool } from "../../../ts-src/rt/rt";

/** @kconfig CG_TEST_POOL_SIZE */
const POOL_SIZE: u32 = 4;

class PoolMsg {
  id: u16 = 0;
  busy: bool = false;
  body: Uint8Array = new Uint8Array(8);
  len: u32 = 0;
}

const pool: PoolMsg[] = structs(POOL_SIZE, PoolMsg);
let nextId: u16 = 1;

function alloc(payload: Bytes): PoolMsg | null {
  for (let i: u32 = 0; i < POOL_SIZE; i++) {
    const m: PoolMsg = pool[i];
    if (m.busy) continue;
    if (!copyBytes(m.body, 0, payload)) return null;
    m.busy = true;
    m.id = nextId;
    m.len = payload.length;
    nextId = u16(nextId + 1);
    return m;
  }
  return null;
}

function release(id: u16): bool {
  for (let i: u32 = 0; i < POOL_SIZE; i++) {
    if (pool[i].busy && pool[i].id === id) {
      pool[i].busy = false;
      return true;
    }
  }
  return false;
}

function busyCount(): i32 {
  let n: i32 = 0;
  for (let i: u32 = 0; i < POOL_SIZE; i++) if (pool[i].busy) n++;
  return n;
}

export function main(): void {
  const a: PoolMsg | null = alloc(lit("alpha"));
  alloc(lit("beta"));
  const tooBig: PoolMsg | null = alloc(lit("way too long"));
  printStr(tooBig === null ? "rejected" : "accepted"); printStr(" busy "); printInt(busyCount()); printLn();
  alloc(lit("c"));
  alloc(lit("d"));
  printStr(alloc(lit("e")) === null ? "full" : "room"); printLn();
  printStr("release "); printStr(release(2) ? "T" : "F"); printStr(release(2) ? "T" : "F"); printLn();
  const e: PoolMsg | null = alloc(lit("epsilon"));
  if (a !== null && e !== null) {
    printInt(a.id); printStr(" "); printHex(a.body.subarray(0, a.len)); printStr(" ");
    printInt(e.id); printStr(" "); printHex(e.body.subarray(0, e.len)); printLn();
  }
  for (let i: u32 = 0; i < POOL_SIZE; i++) {
    printInt(pool[i].id); printStr(pool[i].busy ? "+" : "-");
  }
  printLn();
}
