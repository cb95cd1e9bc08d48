// Text: a fixed buffer that application code builds strings in (topics, log
// lines), since the subset has no string concatenation and no heap.
//
//   const topic = new Text();               // module level: static storage
//   topic.clear().add(Sys.deviceId()).add("/cmd");
//   MQTT.sub(topic.cstr(), onCmd, null);
//
// Every append is bounded: what does not fit is cut off and `full` is set,
// so a long device id gives a truncated topic, never a buffer overrun. The
// buffer always keeps a NUL after the text, so cstr() is a valid C string.

import { u8, u32, i32, bool, Bytes, strBytes, cstr, idiv } from "../rt/rt";

/** Capacity of a Text in bytes (the buffer has one more, for the NUL). @kconfig MGOS_APP_TEXT_SIZE */
export const TEXT_SIZE: u32 = 256;

export class Text {
  buf: Uint8Array = new Uint8Array(TEXT_SIZE + 1);
  len: u32 = 0;
  /** Something did not fit and was cut off (cleared by clear()). */
  full: bool = false;

  /** Empties the text; returns it, for chaining. */
  clear(): Text {
    this.len = 0;
    this.full = false;
    this.buf[0] = 0;
    return this;
  }

  /** Appends one byte. */
  addChar(c: u8): Text {
    if (this.len >= TEXT_SIZE) {
      this.full = true;
      return this;
    }
    this.buf[this.len] = c;
    this.len++;
    this.buf[this.len] = 0;
    return this;
  }

  /** Appends bytes (a topic, a message, another Text's view()). */
  addBytes(b: Bytes): Text {
    for (let i: u32 = 0; i < b.length; i++) {
      if (this.len >= TEXT_SIZE) {
        this.full = true;
        break;
      }
      this.buf[this.len] = b[i];
      this.len++;
    }
    this.buf[this.len] = 0;
    return this;
  }

  /** Appends a string (a literal, a config value). */
  add(s: string): Text {
    return this.addBytes(strBytes(s));
  }

  /** Appends an unsigned integer in decimal. */
  addUint(n: u32): Text {
    // The largest power of ten not above n, then one digit per power.
    let p: u32 = 1;
    while (p <= 429496729 && u32(p * 10) <= n) p = u32(p * 10);
    for (;;) {
      const d: u32 = idiv(n, p) % 10;
      this.addChar(u8(48 + d));
      if (p === 1) break;
      p = idiv(p, 10);
    }
    return this;
  }

  /** Appends a signed integer in decimal. */
  addInt(n: i32): Text {
    if (n < 0) {
      this.addChar(45);
      // -(-2^31) does not fit an i32; in u32 it does.
      return this.addUint(u32(0 - n));
    }
    return this.addUint(u32(n));
  }

  /** The text so far (a view into the buffer: valid until the next change). */
  view(): Bytes {
    return this.buf.subarray(0, this.len);
  }

  /** The text as a C string (NUL-terminated; same lifetime as view()). */
  cstr(): string {
    return cstr(this.buf);
  }

  /** Length in bytes. */
  length(): i32 {
    return i32(this.len);
  }
}
