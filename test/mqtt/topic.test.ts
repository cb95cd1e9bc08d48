// Topic names, topic filters and matching (MQTT 3.1.1 section 4.7), and the
// UTF-8 rules of section 1.5.3, as tables.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { validUtf8, validTopicName, validTopicFilter, topicMatches } from "../../ts-src/mqtt/topic";

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

test("validUtf8: RFC 3629 well-formedness without U+0000 (1.5.3)", () => {
  const good = ["", "a", "/", "\x01", "\x7f", "é", "€", "𝄞", "日本語", "\u{10ffff}", "\ufeff", "\uffff"];
  for (const s of good) assert.equal(validUtf8(b(s)), true, JSON.stringify(s));
  const bad: [string, string][] = [
    ["00", "U+0000"], ["6100", "U+0000 after a"], ["80", "lone continuation"], ["bf", "lone continuation"],
    ["c0af", "overlong /"], ["c180", "overlong"], ["e08080", "overlong 3-byte"], ["e09fbf", "overlong 3-byte"],
    ["f08f bfbf", "overlong 4-byte"], ["eda080", "surrogate D800"], ["edbfbf", "surrogate DFFF"],
    ["f4908080", "above U+10FFFF"], ["f5808080", "lead F5"], ["ff", "byte FF"], ["fe", "byte FE"],
    ["c3", "truncated 2-byte"], ["e282", "truncated 3-byte"], ["f09d84", "truncated 4-byte"],
    ["c328", "bad continuation"], ["e228a1", "bad continuation"], ["e282 28", "bad third byte"],
    ["f09d8428", "bad fourth byte"], ["c0 80", "overlong U+0000"],
  ];
  for (const [h, why] of bad) assert.equal(validUtf8(hex(h)), false, why);
  // Boundaries just inside the valid ranges.
  for (const h of ["c280", "dfbf", "e0a080", "ed9fbf", "ee8080", "efbfbf", "f0908080", "f48fbfbf", "f1808080"]) {
    assert.equal(validUtf8(hex(h)), true, h);
  }
});

test("validTopicName", () => {
  const good = ["a", "/", "//", "a/b/c", "/a", "a/", "$SYS/broker", "sport/tennis/player1", " ", "ü/日本", "a b"];
  for (const t of good) assert.equal(validTopicName(b(t)), true, t);
  const bad = ["", "#", "+", "a/#", "a/+/b", "a+", "sport/tennis#", "\0", "a\0b"];
  for (const t of bad) assert.equal(validTopicName(b(t)), false, JSON.stringify(t));
  assert.equal(validTopicName(hex("eda080")), false, "surrogate");
  assert.equal(validTopicName(new Uint8Array(65535).fill(0x61)), true, "65535 bytes");
  assert.equal(validTopicName(new Uint8Array(65536).fill(0x61)), false, "65536 bytes");
});

test("validTopicFilter", () => {
  const good = [
    "#", "+", "+/+", "/+", "+/", "a/#", "a/+/b", "sport/tennis/#", "sport/+/player1", "+/tennis/#",
    "/", "//", "a//b", "$SYS/#", "$SYS/+", "a/b", "/#", "+/#", "ü/+",
  ];
  for (const f of good) assert.equal(validTopicFilter(b(f)), true, f);
  const bad = [
    "", "a#", "#a", "a/#/b", "##", "#/", "#/a", "sport/tennis#", "a+", "+a", "a/b+/c", "a/+b", "++", "+#", "a/#b", "\0",
  ];
  for (const f of bad) assert.equal(validTopicFilter(b(f)), false, JSON.stringify(f));
  assert.equal(validTopicFilter(hex("2f ff")), false, "not UTF-8");
  assert.equal(validTopicFilter(new Uint8Array(65536).fill(0x61)), false, "65536 bytes");
});

/** [filter, topic, matches] */
const MATCH: [string, string, boolean][] = [
  // 4.7.1.2 multi-level wildcard examples
  ["sport/tennis/player1/#", "sport/tennis/player1", true],
  ["sport/tennis/player1/#", "sport/tennis/player1/ranking", true],
  ["sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true],
  ["sport/#", "sport", true],
  ["sport/#", "sports", false],
  ["sport/#", "sport/", true],
  ["#", "sport/tennis", true],
  ["#", "/", true],
  ["#", "a", true],
  ["/#", "/a", true],
  ["/#", "/", true],
  ["/#", "a", false],
  // 4.7.1.3 single-level wildcard examples
  ["sport/tennis/+", "sport/tennis/player1", true],
  ["sport/tennis/+", "sport/tennis/player2", true],
  ["sport/tennis/+", "sport/tennis/player1/ranking", false],
  ["sport/tennis/+", "sport/tennis", false],
  ["sport/+", "sport", false],
  ["sport/+", "sport/", true],
  ["+", "a", true],
  ["+", "/", false],
  ["+/+", "/finance", true],
  ["/+", "/finance", true],
  ["+", "/finance", false],
  ["+/+", "/", true],
  ["/+", "/", true],
  ["+/tennis/#", "sport/tennis", true],
  ["+/tennis/#", "sport/tennis/x/y", true],
  ["+/tennis/#", "sport/golf", false],
  ["+/+/+", "a/b", false],
  ["+/+/+", "a/b/c", true],
  ["+/+/+", "a//c", true],
  ["a/+/c", "a//c", true],
  ["a/+/c", "a/b/c/d", false],
  ["+/#", "a", true],
  ["+/#", "a/b/c", true],
  // 4.7.2 topics beginning with $
  ["#", "$SYS/broker", false],
  ["+/monitor/Clients", "$SYS/monitor/Clients", false],
  ["$SYS/#", "$SYS/monitor/Clients", true],
  ["$SYS/#", "$SYS", true],
  ["$SYS/monitor/+", "$SYS/monitor/Clients", true],
  ["+", "$SYS", false],
  ["a/$x/+", "a/$x/y", true],
  ["+/$x", "a/$x", true],
  ["a/#", "a/$SYS", true],
  // Literal levels: exact bytes, case-sensitive, no trimming
  ["ACCOUNTS", "Accounts", false],
  ["a/b", "a/b", true],
  ["a/b", "a/b/", false],
  ["a/b/", "a/b", false],
  ["a//b", "a//b", true],
  ["a//b", "a/b", false],
  ["/a", "a", false],
  ["a", "a ", false],
  ["ü/+", "ü/x", true],
  ["abc", "ab", false],
  ["ab", "abc", false],
  // Invalid filters or topics never match
  ["", "a", false],
  ["a", "", false],
  ["a/#/b", "a/x/b", false],
  ["a#", "a#", false],
  ["a+", "a+", false],
  ["+", "+", false],
  ["#", "a/#", false],
  ["a/+", "a/#", false],
];

test("topicMatches: the examples of 4.7 and the edge cases", () => {
  for (const [f, t, want] of MATCH) assert.equal(topicMatches(b(f), b(t)), want, `${f} vs ${t}`);
});

/** A model of 4.7 in plain TypeScript (levels split on '/'), independent of topicMatches. */
function levelModel(f: string, t: string): boolean {
  if (!validTopicFilter(b(f)) || !validTopicName(b(t))) return false;
  if (t.startsWith("$") && (f.startsWith("+") || f.startsWith("#"))) return false;
  const fl = f.split("/"), tl = t.split("/");
  for (let i = 0; i < fl.length; i++) {
    if (fl[i] === "#") return true;
    if (i >= tl.length) return false;
    if (fl[i] !== "+" && fl[i] !== tl[i]) return false;
  }
  return fl.length === tl.length;
}

test("topicMatches agrees with a regular-expression model on generated cases", () => {
  // Compared on every pair from small alphabets of levels.
  const tl = ["", "a", "b", "$s"];
  const fl = ["", "a", "b", "+", "#", "$s"];
  const join = (alpha: string[], n: number): string[] => {
    if (n === 1) return alpha.slice();
    const out: string[] = [];
    for (const p of join(alpha, n - 1)) for (const x of alpha) out.push(p + "/" + x);
    return out;
  };
  const topics = [...join(tl, 1), ...join(tl, 2), ...join(tl, 3)];
  const filters = [...join(fl, 1), ...join(fl, 2), ...join(fl, 3)];
  let n = 0;
  for (const f of filters) for (const t of topics) {
    assert.equal(topicMatches(b(f), b(t)), levelModel(f, t), `${f} vs ${t}`);
    n++;
  }
  assert.ok(n > 10000);
});

test("topicMatches agrees with the level model on every byte string up to 4 bytes", () => {
  // Byte level, so misplaced wildcards ("a+", "#/", "+#") and empty levels
  // are covered: every filter and topic over {a, /, +, #, $} up to 4 bytes.
  const all: string[] = [""];
  for (let len = 1; len <= 4; len++) {
    for (const p of all.filter((s) => s.length === len - 1)) for (const x of "a/+#$") all.push(p + x);
  }
  const bytes = all.map(b);
  let matched = 0;
  for (let i = 0; i < all.length; i++) {
    for (let j = 0; j < all.length; j++) {
      const got = topicMatches(bytes[i], bytes[j]);
      if (got !== levelModel(all[i], all[j])) assert.fail(`${all[i]} vs ${all[j]}: got ${got}`);
      if (got) matched++;
    }
  }
  assert.equal(all.length, 781);
  assert.ok(matched > 300, `${matched} matches`);
});

test("validUtf8 agrees with the standard decoder on all 1..2 byte strings and the edges of 3..4 byte ones", () => {
  // TextDecoder with fatal: true refuses exactly what RFC 3629 refuses; U+0000 is ours to refuse.
  const dec = new TextDecoder("utf-8", { fatal: true });
  const model = (x: Uint8Array): boolean => {
    if (x.includes(0)) return false;
    try { dec.decode(x); return true; } catch { return false; }
  };
  const check = (...x: number[]): void => {
    const v = Uint8Array.from(x);
    if (validUtf8(v) !== model(v)) assert.fail(`${Buffer.from(v).toString("hex")}: got ${validUtf8(v)}`);
  };
  // The edges of the continuation ranges (80..BF and the narrower ones after E0, ED, F0, F4).
  const edge = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xef, 0xf0, 0xff];
  for (let a = 0; a < 256; a++) {
    check(a);
    if (a >= 0x80) for (let c = 0; c < 256; c++) check(a, c);
  }
  for (let a = 0xe0; a < 0x100; a++) {
    for (const c of edge) {
      for (const d of edge) check(a, c, d);
      if (a >= 0xf0) for (const d of [0x41, 0x80, 0xbf]) for (const e of [0x41, 0x80, 0xbf, 0xc0]) check(a, c, d, e);
    }
  }
});
