// Embedded structs and fixed arrays of structs and of integers.
import { structs, copy, printInt, printStr, printLn, printHex, u8, u16, u32, i32 } from "../../../ts-src/rt/rt";

const SLOTS: u32 = 3;

class Slot {
  id: u16 = 0;
  used: boolean = false;
  data: Uint8Array = new Uint8Array(4);
}

class Inner {
  hits: u32 = 0;
  last: Slot = new Slot();
}

class Table {
  slots: Slot[] = structs(SLOTS, Slot);
  inner: Inner = new Inner();
  words: Uint16Array = new Uint16Array(4);
  longs: Uint32Array = new Uint32Array(2);
  signed: Int32Array = new Int32Array(3);

  add(id: u16): Slot | null {
    for (let i: u32 = 0; i < SLOTS; i++) {
      const s: Slot = this.slots[i];
      if (!s.used) {
        s.used = true;
        s.id = id;
        s.data[0] = u8(id);
        s.data[3] = u8(id >> 8);
        this.inner.hits++;
        copy(this.inner.last, s);
        return s;
      }
    }
    return null;
  }

  dump(): void {
    for (let i: u32 = 0; i < SLOTS; i++) {
      const s: Slot = this.slots[i];
      printInt(i); printStr(":"); printInt(s.id); printStr(s.used ? " used " : " free ");
      printHex(s.data); printLn();
    }
  }
}

const table = new Table();

export function main(): void {
  table.add(0x1234);
  const s: Slot | null = table.add(0xbeef);
  table.add(7);
  const none: Slot | null = table.add(8);
  printStr(none === null ? "full" : "not full"); printLn();
  if (s !== null) {
    s.data[1] = 0x99;
    s.used = false;
  }
  table.dump();
  printStr("hits "); printInt(table.inner.hits); printStr(" last "); printInt(table.inner.last.id);
  printStr(" "); printHex(table.inner.last.data); printLn();
  // Fixed integer arrays: index and length.
  table.words[0] = 65535;
  table.words[3] = 1;
  table.longs[1] = 0xffffffff;
  table.signed[0] = -5;
  table.signed[2] = 2147483647;
  let total: i32 = 0;
  for (let i: u32 = 0; i < table.signed.length; i++) total += table.signed[i] & 0xffff;
  printStr("words "); printInt(table.words.length); printStr(" "); printInt(table.words[0] + table.words[3]);
  printStr(" longs "); printInt(table.longs[1]); printStr(" "); printInt(table.longs[0]);
  printStr(" signed "); printInt(table.signed[0]); printStr(" total "); printInt(total); printLn();
  const again: Slot | null = table.add(9);
  if (again !== null) { printStr("reused "); printInt(again.id); printLn(); }
  table.dump();
}
