// Methods calling methods on `this` and on other instances, returning values,
// taking class references; field initializers run for module instances.
import { printInt, printStr, printLn, u32, i32, bool } from "../../../ts-src/rt/rt";

export class Account {
  balance: i32 = 100;
  ops: u32 = 0;

  deposit(n: i32): void {
    this.balance = i32(this.balance + n);
    this.touch();
  }

  withdraw(n: i32): bool {
    if (!this.canWithdraw(n)) return false;
    this.deposit(i32(0 - n));
    return true;
  }

  canWithdraw(n: i32): bool {
    return this.balance - n >= 0;
  }

  touch(): void {
    this.ops++;
  }

  transfer(to: Account, n: i32): bool {
    if (!this.withdraw(n)) return false;
    to.deposit(n);
    return true;
  }

  report(name: string): void {
    printStr(name); printStr(" "); printInt(this.balance); printStr(" ops "); printInt(this.ops); printLn();
  }
}

class Bank {
  a: Account = new Account();
  b: Account = new Account();

  settle(): i32 {
    this.a.transfer(this.b, 30);
    this.b.transfer(this.a, 500);
    return this.total();
  }

  total(): i32 {
    return i32(this.a.balance + this.b.balance);
  }
}

const bank = new Bank();

export function main(): void {
  bank.a.report("a");
  printStr("total "); printInt(bank.settle()); printLn();
  bank.a.report("a");
  bank.b.report("b");
  printStr(bank.b.withdraw(130) ? "ok" : "no"); printStr(" ");
  printStr(bank.b.withdraw(1) ? "ok" : "no"); printLn();
  bank.b.report("b");
}
