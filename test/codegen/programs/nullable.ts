// Nullable references: a linked list of module instances, find returning
// `C | null`, `string | null`, and narrowing by `!== null` / `=== null`.
import { printInt, printStr, printLn, u32, i32 } from "../../../ts-src/rt/rt";

class Item {
  value: i32 = 0;
  next: Item | null = null;
  label: string | null = null;
}

const n1 = new Item();
const n2 = new Item();
const n3 = new Item();
let head: Item | null = null;

function push(it: Item, v: i32): void {
  it.value = v;
  it.next = head;
  head = it;
}

function find(v: i32): Item | null {
  let cur: Item | null = head;
  while (cur !== null) {
    if (cur.value === v) return cur;
    cur = cur.next;
  }
  return null;
}

function length(): u32 {
  let n: u32 = 0;
  for (let cur: Item | null = head; cur !== null; cur = cur.next) n++;
  return n;
}

function describe(it: Item | null): void {
  if (it === null) {
    printStr("none"); printLn();
    return;
  }
  printStr("item "); printInt(it.value);
  const l: string | null = it.label;
  printStr(l !== null ? l : "(no label)"); printLn();
}

export function main(): void {
  printStr("len "); printInt(length()); printLn();
  push(n1, 10);
  push(n2, 20);
  push(n3, 30);
  n2.label = " twenty";
  printStr("len "); printInt(length()); printLn();
  describe(find(20));
  describe(find(10));
  describe(find(99));
  // Unlink the middle item.
  const h: Item | null = head;
  if (h !== null && h.next !== null) h.next = h.next.next;
  printStr("len "); printInt(length()); printLn();
  describe(find(20));
  let last: Item | null = null;
  for (let cur: Item | null = head; cur !== null; cur = cur.next) last = cur;
  if (last !== null) { printStr("last "); printInt(last.value); printLn(); }
}
