// One rejected field is reported once, not again at each use.
import { u32, Bytes } from "../../../ts-src/rt/rt";

class Lexer {
  src: Bytes = new Uint8Array(0); //! an array size must be a positive integer constant (at most 1 MiB); write a literal or a module constant
  pos: u32 = 0;

  peek(): u32 {
    if (this.pos < this.src.length) return this.src[this.pos];
    return this.src.length + this.pos;
  }
  next(): void {
    if (this.src.length > 0) this.pos++;
  }
}

const lx = new Lexer();

export function run(): u32 {
  lx.next();
  return lx.peek();
}
