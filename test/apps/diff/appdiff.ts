// The JSON reader/builder and Text of the app API on many inputs: printed
// under Node and by the same code compiled to C (test/apps/appdiff.test.ts
// compares the two outputs byte for byte).
import { u32, i32, bool, Bytes, lit, printStr, printInt, printHex, printLn } from "../../../ts-src/rt/rt";
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
  const ok: bool = out.ok;
  printInt(ok ? 1 : 0);
  printLn();
}
