// Differential test of the MQTT 5 codec: test/diff/diff5.ts (decode every
// packet of an input, print every field and property, re-encode it with the
// encoders and print the bytes) runs under Node and compiled to C by the
// project's compiler (gcc, ASan/UBSan), on the same seeded corpus; every
// output line must be equal. The corpus: packets mqtt-packet generates and
// packets our encoders write (valid, every type, both sides), raw frames
// with random property blocks (unknown, duplicated, misplaced properties,
// values out of range, lengths that lie, over-long and non-minimal variable
// byte integers), mutations, truncations, concatenations and random bytes,
// under random size limits. The harness is test/diff/support/harness.ts,
// shared with decode.test.ts.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as mp from "mqtt-packet";
import { setPrintSink } from "../../ts-src/rt/rt";
import { Packet5 } from "../../ts-src/mqtt/packet5";
import { line5 } from "./diff5";
import { decode5Any } from "../mqtt/support/codec5_broker";
import { randomPacket, encodeOurs, u, topic, filter } from "../mqtt/support/gen5";
import { Rng, Input, cat, u16be, str16, hx, mutate, corpus as buildCorpus, hasGcc, runC } from "./support/harness";

const SEED = 0x5eed5555;
const COUNT = 20000;

const u32be = (v: number): Uint8Array => new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);

/** A Variable Byte Integer: minimal, or (bad) padded to a longer form. */
function vbi(n: number, pad = 0): Uint8Array {
  const b: number[] = [];
  do {
    let c = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0 || pad > 0) c |= 0x80;
    b.push(c);
  } while (n > 0);
  for (let i = 0; i < pad; i++) b.push(i === pad - 1 ? 0 : 0x80);
  return new Uint8Array(b);
}

const BAD_UTF8 = [[0x00], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]];
const KINDS: Record<number, string> = {
  0x01: "b", 0x02: "4", 0x03: "s", 0x08: "s", 0x09: "s", 0x0b: "v", 0x11: "4", 0x12: "s", 0x13: "2", 0x15: "s",
  0x16: "s", 0x17: "b", 0x18: "4", 0x19: "b", 0x1a: "s", 0x1c: "s", 0x1f: "s", 0x21: "2", 0x22: "2", 0x23: "2",
  0x24: "b", 0x25: "b", 0x26: "p", 0x27: "4", 0x28: "b", 0x29: "b", 0x2a: "b",
};
const IDS = Object.keys(KINDS).map(Number);

function propStr(r: Rng): Uint8Array {
  if (r.chance(0.1)) return cat(u("x"), new Uint8Array(r.pick(BAD_UTF8)));
  if (r.chance(0.1)) return u(r.pick(["a/+", "#", ""]));
  return r.chance(0.5) ? u(topic(r)) : r.bytes(r.int(6));
}

/** One property, mostly well-formed, sometimes not. */
/** The properties each packet type may carry (mostly drawn from these). */
const FAVOURED: Record<number, number[]> = {
  1: [0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27], 2: [0x11, 0x12, 0x13, 0x15, 0x16, 0x1a, 0x1c, 0x1f, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a],
  3: [0x01, 0x02, 0x03, 0x08, 0x09, 0x0b, 0x23, 0x26], 8: [0x0b, 0x26], 10: [0x26], 14: [0x11, 0x1c, 0x1f, 0x26], 15: [0x15, 0x16, 0x1f, 0x26],
};

function rawProp(r: Rng, type: number): Uint8Array {
  const fav = FAVOURED[type] ?? [0x1f, 0x26];
  const id = r.chance(0.05) ? r.pick([0x00, 0x04, 0x0c, 0x14, 0x2b, 0x7f, 0x80, 0xff]) : r.chance(0.7) ? r.pick(fav) : r.pick(IDS);
  const k = KINDS[id] ?? "b";
  const head = new Uint8Array([id]);
  switch (k) {
    case "b": return cat(head, new Uint8Array([r.chance(0.8) ? r.int(2) : r.int(256)]));
    case "2": return cat(head, u16be(r.chance(0.1) ? 0 : r.int(65536)));
    case "4": return cat(head, u32be(r.chance(0.1) ? 0 : r.int(0x100000000)));
    case "v": {
      if (r.chance(0.05)) return cat(head, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x01])); // 5 bytes
      if (r.chance(0.05)) return cat(head, vbi(r.int(100), 1 + r.int(2))); // not minimal
      return cat(head, vbi(r.chance(0.1) ? 0 : r.int(300000)));
    }
    case "p": return cat(head, str16(propStr(r)), str16(propStr(r)));
    default: return cat(head, str16(propStr(r)));
  }
}

/** A property block with its length; sometimes the length lies. */
function rawProps(r: Rng, type: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const k = r.chance(0.3) ? 0 : 1 + r.int(4);
  for (let i = 0; i < k; i++) parts.push(rawProp(r, type));
  if (r.chance(0.1) && parts.length) parts.push(parts[0]); // a duplicate
  const block = cat(...parts);
  let len = block.length;
  if (r.chance(0.08)) len = Math.max(0, len + r.pick([-2, -1, 1, 2, 1000]));
  return cat(r.chance(0.03) ? vbi(len, 1) : vbi(len), block);
}

const REASON_BYTES = [0x00, 0x01, 0x02, 0x04, 0x10, 0x11, 0x18, 0x19, 0x80, 0x87, 0x8b, 0x92, 0x97, 0x9e, 0xa2, 0x03, 0x7f, 0xff];

/** A frame with a right remaining length around a plausible random body. */
function rawFrame(r: Rng): Uint8Array {
  const type = r.chance(0.03) ? 0 : 1 + r.int(15);
  const flags = r.chance(0.8) ? (type === 6 || type === 8 || type === 10 ? 2 : type === 3 ? r.int(16) : 0) : r.int(16);
  const id = u16be(r.chance(0.05) ? 0 : r.int(65536));
  let body: Uint8Array;
  switch (type) {
    case 1: {
      const cf = r.chance(0.5) ? r.int(256) & 0xfe : r.pick([0x02, 0x06, 0xc2, 0x2e, 0x42, 0x1e]);
      const parts = [str16(u(r.chance(0.95) ? "MQTT" : "MQIsdp")), new Uint8Array([r.chance(0.9) ? 5 : r.pick([3, 4, 6]), cf]),
        u16be(r.int(65536)), rawProps(r, type), str16(u(r.chance(0.9) ? "dev" : "")) ];
      if (cf & 4) parts.push(rawProps(r, type), str16(u(topic(r))), str16(r.bytes(r.int(5))));
      if (cf & 0x80) parts.push(str16(u("user")));
      if (cf & 0x40) parts.push(str16(r.bytes(r.int(5))));
      body = cat(...parts);
      break;
    }
    case 2: body = cat(new Uint8Array([r.chance(0.9) ? r.int(2) : r.int(256), r.pick(REASON_BYTES)]), rawProps(r, type)); break;
    case 3: {
      const qos = (flags >> 1) & 3;
      body = cat(str16(r.chance(0.2) ? new Uint8Array(0) : propStr(r)), qos > 0 ? id : new Uint8Array(0), rawProps(r, type), r.bytes(r.int(10)));
      break;
    }
    case 4: case 5: case 6: case 7: {
      const form = r.int(4);
      body = form === 0 ? id : form === 1 ? cat(id, new Uint8Array([r.pick(REASON_BYTES)])) : cat(id, new Uint8Array([r.pick(REASON_BYTES)]), rawProps(r, type));
      break;
    }
    case 8: case 10: {
      const parts = [id, rawProps(r, type)];
      const k = r.chance(0.1) ? 0 : 1 + r.int(3);
      for (let i = 0; i < k; i++) {
        parts.push(str16(u(filter(r))));
        if (type === 8) parts.push(new Uint8Array([r.chance(0.8) ? r.int(0x30) & 0x3f : r.int(256)]));
      }
      body = cat(...parts);
      break;
    }
    case 9: case 11: {
      const codes = new Uint8Array(r.int(4));
      for (let i = 0; i < codes.length; i++) codes[i] = r.pick(REASON_BYTES);
      body = cat(id, rawProps(r, type), codes);
      break;
    }
    case 14: case 15: {
      const form = r.int(3);
      body = form === 0 ? new Uint8Array(0) : form === 1 ? new Uint8Array([r.pick(REASON_BYTES)]) : cat(new Uint8Array([r.pick(REASON_BYTES)]), rawProps(r, type));
      break;
    }
    default: body = r.chance(0.9) ? new Uint8Array(0) : r.bytes(r.int(3)); break;
  }
  const rl = r.chance(0.03) ? vbi(body.length, 1) : vbi(body.length);
  return cat(new Uint8Array([(type << 4) | flags]), rl, body);
}

function valid(r: Rng): Uint8Array {
  const pk = randomPacket(r, r.chance(0.5) ? "server" : "client");
  if (r.chance(0.5)) return new Uint8Array(mp.generate(pk as unknown as mp.Packet, { protocolVersion: 5 }));
  return encodeOurs(pk) ?? rawFrame(r);
}

function one(r: Rng): Uint8Array {
  switch (r.int(8)) {
    case 0: case 1: case 2: case 3: return valid(r);
    case 4: return rawFrame(r);
    case 5: return mutate(r, r.chance(0.5) ? valid(r) : rawFrame(r));
    case 6: { const x = valid(r); return x.subarray(0, r.int(x.length + 1)); }
    default: return r.chance(0.5) ? r.bytes(r.int(12)) : mutate(r, rawFrame(r));
  }
}

function corpus(): Input[] {
  return buildCorpus({
    seed: SEED,
    count: COUNT,
    fixed: ["30ffffff7f", "30ffffffff", "3080808001", "e08000", "d080808080", "", "00", "f000", "f001", "e000", "308000"],
    one,
    more: (r) => (r.chance(0.8) ? valid(r) : one(r)),
    multi: 0.15,
    client: 0.5,
    limits: (r, len) => r.pick([0xffffffff, 0xffffffff, 0xffffffff, 3072, 256, 64, 16, r.int(600), len, Math.max(0, len - 1)]),
  });
}

/** The Node side: what line5() prints for one input. */
function nodeLines(inputs: Input[]): string[] {
  let buf = "";
  setPrintSink((s) => { buf += s; });
  try {
    for (const i of inputs) line5(i.bytes, i.max, i.forClient);
  } finally {
    setPrintSink((s) => { process.stdout.write(s); });
  }
  const lines = buf.split("\n");
  assert.equal(lines.pop(), "");
  return lines;
}

test("MQTT 5 corpus under Node: verdicts mixed, errors stable under truncation, our encodings canonical", (t) => {
  const inputs = corpus();
  const p = new Packet5();
  const verdicts = new Map<number, number>();
  for (const inp of inputs) {
    const r = decode5Any(inp.bytes, inp.max, inp.forClient, p);
    verdicts.set(r > 0 ? 1 : r, (verdicts.get(r > 0 ? 1 : r) ?? 0) + 1);
    if (r < 0) {
      for (let k = 0; k < inp.bytes.length; k++) {
        const rk = decode5Any(inp.bytes.subarray(0, k), inp.max, inp.forClient, p);
        assert.ok(rk === 0 || rk === r, `prefix ${k} of ${hx(inp.bytes)}: ${rk}, whole: ${r}`);
      }
    }
  }
  const errors = [...verdicts.keys()].filter((r) => r < 0);
  assert.ok((verdicts.get(1) ?? 0) > COUNT / 4, `only ${verdicts.get(1)} inputs decode`);
  assert.ok((verdicts.get(0) ?? 0) > COUNT / 30, "too few incomplete inputs");
  // Every v5 decode error shows up at least once.
  for (let e = 32; e <= 44; e++) assert.ok(verdicts.has(-e), `error ${e} never seen: ${errors}`);
  t.diagnostic(`verdicts of ${inputs.length} inputs (first call): ` +
    [...verdicts].sort((a, b) => a[0] - b[0]).map(([r, c]) => `${r > 0 ? "ok" : r}:${c}`).join(" "));

  // What our encoders write re-encodes to the same bytes (canonical form).
  const r = new Rng(SEED ^ 0x1234);
  let n = 0;
  for (let i = 0; i < 3000; i++) {
    const x = encodeOurs(randomPacket(r, r.chance(0.5) ? "server" : "client"));
    if (x === null) continue;
    const line = nodeLines([{ forClient: false, max: 0xffffffff, bytes: x }])[0];
    assert.match(line, / eq=1$/, line);
    n++;
  }
  assert.ok(n > 2900);
});

test("the generated C of the MQTT 5 codec agrees with Node on every input", { timeout: 300000 }, (t) => {
  if (!hasGcc()) { t.skip("gcc is not installed"); return; }
  const inputs = corpus();
  const lines = runC({ entry: "test/diff/diff5.ts", main: "test/diff/diff5_main.c", inputs, nodeLines, timeout: 180000 });
  const packets = lines.reduce((n, l) => n + l.split(" |").filter((s) => / t=/.test(s)).length, 0);
  assert.ok(packets >= 10000, `only ${packets} packets decoded`);
  t.diagnostic(`${inputs.length} inputs, ${packets} packets decoded and re-encoded, Node and C equal`);
});
