// The JSON reader/builder and Text of the app API on many inputs: printed
// under Node and by the same code compiled to C (test/apps/appdiff.test.ts
// compares the two outputs byte for byte).
import { u8, u32, i32, bool, Bytes, lit, printStr, printInt, printHex, printLn } from "../../../ts-src/rt/rt";
import * as Json from "../../../ts-src/app/app_json";
import { JsonOut } from "../../../ts-src/app/app_json";
import { Text } from "../../../ts-src/app/app_text";

const out = new JsonOut();
const t = new Text();

function show(js: Bytes): void {
  printStr("obj ");
  printInt(Json.isObject(js) ? 1 : 0);
  printStr(" a:");
  printInt(Json.kind(js, "a"));
  printStr(" ");
  printInt(Json.getInt(js, "a", -99));
  printStr(" s:");
  printInt(Json.kind(js, "s"));
  printStr(" ");
  printHex(Json.getStr(js, "s"));
  printStr(" b:");
  printInt(Json.getBool(js, "b", false) ? 1 : 0);
  printStr(" raw:");
  printHex(Json.getRaw(js, "o"));
  printStr(" echo:");
  printHex(out.begin().bytes("s", Json.getStr(js, "s")).int("a", Json.getInt(js, "a", 0)).bool("b", Json.has(js, "b")).end());
  printLn();
}

function nums(): void {
  const vals: i32 = 0;
  let v: i32 = 1;
  for (let i: u32 = 0; i < 40; i++) {
    t.clear().addInt(v).addChar(32).addUint(u32(u32(v) * 3 + i));
    printStr(t.cstr());
    printStr(" ");
    printHex(out.begin().int("v", v).uint("u", u32(v)).end());
    printLn();
    v = i32(v * -7 + vals);
  }
}

/** {"s":"<n bytes: x..., with an escape \\n at `esc` (0: none) or \\u00e9 at `uni`>"} */
const big = new Uint8Array(1200);
let p: u32 = 0;
function put(c: u8): void {
  big[p] = c;
  p++;
}
function bigMsg(n: u32, esc: u32, uni: u32): Bytes {
  p = 0;
  const head: Bytes = lit("{\"s\":\"");
  for (let i: u32 = 0; i < head.length; i++) put(head[i]);
  let i: u32 = 0;
  while (i < n) {
    if (esc > 0 && i === esc) {
      put(92);
      put(110);
      i++;
    } else if (uni > 0 && i === uni) {
      const u: Bytes = lit("\\u00e9");
      for (let k: u32 = 0; k < u.length; k++) put(u[k]);
      i = u32(i + 2);
    } else {
      put(120);
      i++;
    }
  }
  put(34);
  put(125);
  return big.subarray(0, p);
}

/** Unescaped length, the flag, the first and last bytes. */
function longStr(n: u32, esc: u32, uni: u32): void {
  const s: Bytes = Json.getStr(bigMsg(n, esc, uni), "s");
  printStr("long ");
  printInt(n);
  printStr(" -> ");
  printInt(s.length);
  printStr(" tooLong ");
  printInt(Json.strTooLong() ? 1 : 0);
  if (s.length > 0) {
    printStr(" ends ");
    const last: u8 = s[s.length - 1];
    printInt(last);
  }
  printLn();
}

function uints(): void {
  const js: Bytes = lit("{\"z\":0,\"max\":4294967295,\"over\":4294967296,\"crc\":3735928559,\"neg\":-1,\"m0\":-0,\"f\":1.5,\"e\":1e3,\"s\":\"7\",\"big\":99999999999999999999}");
  uintOf(js, "z");
  uintOf(js, "max");
  uintOf(js, "over");
  uintOf(js, "crc");
  uintOf(js, "neg");
  uintOf(js, "m0");
  uintOf(js, "f");
  uintOf(js, "e");
  uintOf(js, "s");
  uintOf(js, "big");
  uintOf(js, "absent");
}

function uintOf(js: Bytes, k: string): void {
  printStr(k);
  printStr(" ");
  printInt(Json.getUint(js, k, 77));
  printLn();
}

function nesting(): void {
  // One level on the shared builders: correct text.
  printHex(Json.begin().int("a", 1).raw("inner", Json.begin().int("b", 2).end()).int("c", 3).end());
  printLn();
  // The text of one end() survives the next begin().
  const first: Bytes = Json.begin().str("k", "v").end();
  printHex(Json.begin().raw("first", first).end());
  printLn();
  // Two levels: test/apps/diff/apporder.ts.
  // Nesting one builder in itself.
  out.begin().int("a", 1);
  const inner: Bytes = out.begin().int("b", 2).end();
  printHex(inner);
  const outer: Bytes = out.raw("inner", lit("{}")).end();
  printStr(" self ");
  printInt(outer.length);
  printInt(out.ok ? 1 : 0);
  printLn();
  // Abandoned objects are fine: begin() starts over.
  out.begin().int("a", 1);
  printHex(out.begin().int("b", 2).end());
  printHex(out.end());
  printInt(out.ok ? 1 : 0);
  printLn();
}

export function main(): void {
  show(lit("{}"));
  show(lit("{\"a\": 12, \"s\": \"x\", \"b\": true, \"o\": {\"k\": [1, 2, \"]\"]}}"));
  show(lit(" { \"s\" : \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\udc00x\" , \"a\" : -2147483648 } "));
  show(lit("{\"a\": 2147483648, \"s\": 5}"));
  show(lit("{\"a\": 1.5e3, \"b\": false, \"s\": \"\"}"));
  show(lit("{\"a\": -0, \"o\": null}"));
  show(lit("{\"a\": 1,}"));
  show(lit("{\"a\": 1} extra"));
  show(lit("[1, 2]"));
  show(lit("ping"));
  show(lit("{\"s\": \"tab\there\"}"));
  show(lit("{\"s\": \"unterminated}"));
  show(lit("{\"a\": 007}"));
  show(lit("{\"o\": {\"a\": 3}, \"a\": 4}"));
  show(lit("{\"s\": \"\\u12\"}"));
  nums();
  t.clear();
  for (let i: u32 = 0; i < 300; i++) t.addChar(120);
  printStr("full ");
  printInt(t.full ? 1 : 0);
  printStr(" ");
  printInt(t.length());
  printLn();
  longStr(800, 0, 0);
  longStr(800, 5, 0);
  longStr(512, 5, 0);
  longStr(513, 5, 0);
  longStr(512, 0, 510);
  longStr(512, 0, 511);
  longStr(300, 0, 10);
  uints();
  nesting();
  const ok: bool = out.ok;
  printInt(ok ? 1 : 0);
  printLn();
}
