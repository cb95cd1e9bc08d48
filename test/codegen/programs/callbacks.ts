// Callbacks: top-level functions as values, function-typed params and fields,
// `Fn | null` fields checked before the call, and Ptr user data passed through.
import { printInt, printStr, printLn, i32, u32, Ptr } from "../../../ts-src/rt/rt";

type BinOp = (a: i32, b: i32) => i32;
type Handler = (src: Emitter, ev: i32, ud: Ptr) => void;

class Emitter {
  handler: Handler | null = null;
  ud: Ptr = null;
  fired: u32 = 0;

  emit(ev: i32): void {
    const h: Handler | null = this.handler;
    if (h !== null) {
      this.fired++;
      h(this, ev, this.ud);
    } else {
      printStr("no handler "); printInt(ev); printLn();
    }
  }
}

class Context {
  total: i32 = 0;
}

const emitter = new Emitter();
const ctx = new Context();

function add(a: i32, b: i32): i32 { return i32(a + b); }
function sub(a: i32, b: i32): i32 { return i32(a - b); }

function apply(f: BinOp, a: i32, b: i32): i32 {
  return f(a, b);
}

function pick(plus: boolean): BinOp {
  if (plus) return add;
  return sub;
}

function onEvent(src: Emitter, ev: i32, ud: Ptr): void {
  printStr("event "); printInt(ev); printStr(ud === null ? " no-ud" : " ud"); printStr(" fired ");
  printInt(src.fired); printLn();
}

function onEventCounting(src: Emitter, ev: i32, ud: Ptr): void {
  ctx.total = i32(ctx.total + ev);
  printStr("count "); printInt(ctx.total); printStr(ud !== null ? " ud" : " no-ud"); printLn();
  if (ev > 100) src.handler = null;
}

export function main(): void {
  printStr("apply "); printInt(apply(add, 2, 3)); printStr(" "); printInt(apply(sub, 2, 3)); printLn();
  printStr("pick "); printInt(apply(pick(true), 10, 1)); printStr(" "); const minus: BinOp = pick(false);
  printInt(minus(10, 1)); printLn();
  const op: BinOp = sub;
  printStr("op "); printInt(op(1, -1)); printLn();
  emitter.emit(1);
  emitter.handler = onEvent;
  emitter.emit(2);
  emitter.ud = ctx;
  emitter.emit(3);
  emitter.handler = onEventCounting;
  emitter.emit(40);
  emitter.emit(200);
  emitter.emit(5);
  if (emitter.handler === null) { printStr("cleared"); printLn(); }
}
