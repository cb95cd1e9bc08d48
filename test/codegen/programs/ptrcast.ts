// The `as` conversions of the subset: a Ptr user-data back to its class, an
// integer into an enum; `x!` drops `| null`; `buf[n++] = v` writer idiom.
import { printInt, printStr, printLn, printHex, Ptr, u8, u32, i32 } from "../../../ts-src/rt/rt";

enum Level { Debug = 0, Info = 1, Error = 3 }

type Sink = (level: Level, v: i32, ud: Ptr) => void;

class Counter {
  total: i32 = 0;
  calls: u32 = 0;
}

class Writer {
  out: Uint8Array = new Uint8Array(6);
  n: u32 = 0;

  put(v: u8): void {
    this.out[this.n++] = v;
  }
}

class Logger {
  sink: Sink | null = null;
  ud: Ptr = null;
  next: Logger | null = null;
}

const counter = new Counter();
const writer = new Writer();
const logger = new Logger();
const tail = new Logger();

function countingSink(level: Level, v: i32, ud: Ptr): void {
  const c = ud as Counter;
  c.calls++;
  c.total = i32(c.total + v);
  printStr("level "); printInt(level); printStr(" total "); printInt(c.total); printLn();
}

function levelOf(code: u8): Level {
  if (code > 3) return Level.Error;
  return (code & 3) as Level;
}

export function main(): void {
  logger.sink = countingSink;
  logger.ud = counter;
  logger.next = tail;
  const s: Sink | null = logger.sink;
  if (s !== null) {
    s(levelOf(0), 5, logger.ud);
    s(levelOf(1), 7, logger.ud);
    s(levelOf(9), -20, logger.ud);
  }
  printStr("calls "); printInt(counter.calls); printLn();
  // `!`: the programmer knows next is set.
  logger.next!.ud = counter;
  printStr(tail.ud === null ? "unset" : "set"); printLn();
  writer.put(0x10);
  writer.put(0x20);
  writer.put(0x30);
  printHex(writer.out.subarray(0, writer.n)); printStr(" n "); printInt(writer.n); printLn();
}
