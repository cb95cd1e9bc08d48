// A class with non-zero field initializers and its own `init(...)` method, the
// shape the compiler's constructor diagnostic recommends ("add an init(...)
// method"): the generated field initializer must not take the same C name;
// nor may the module constructor clash with a module function named `_init`.
import { printInt, printStr, printLn, i32 } from "../../../ts-src/rt/rt";

class Conf {
  port: i32 = 1883;
  retries: i32 = 0;

  init(port: i32): void {
    this.port = port;
    this.retries = 3;
  }
}

const conf = new Conf();

function _init(): i32 {
  return 5;
}

export function main(): void {
  printStr("before "); printInt(conf.port); printStr(" "); printInt(conf.retries); printLn();
  conf.init(8883);
  printStr("after "); printInt(conf.port); printStr(" "); printInt(conf.retries); printStr(" "); printInt(_init()); printLn();
}
