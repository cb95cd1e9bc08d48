// Differential test of the MQTT decoder: the same inputs through the
// TypeScript codec under Node and through its generated C (compiled here by
// the project's compiler, built with gcc under ASan/UBSan), every output line
// equal. Inputs come from a seeded PRNG, so a failure reproduces: valid packets
// from the encoders, raw frames with arbitrary field contents, mutations,
// truncations, concatenations and random bytes, with random limits.
// One C process decodes the whole corpus (test/diff/support/harness.ts, shared
// with decode5.test.ts).

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Packet, PacketType } from "../../ts-src/mqtt/packet";
import {
  encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeUnsubscribe, encodeSimple, encodeRemainingLength, ConnectOptions,
} from "../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "../mqtt/support/codec_broker";
import { Rng, Input, cat, u16be, str16, hx, mutate, corpus as buildCorpus, hasGcc, runC } from "./support/harness";

const SEED = 0x5eed1234;
const COUNT = 12000;

// ---------------------------------------------------------------- corpus

const u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

/** Topic-ish level pieces: valid, wildcards, `$`, multi-byte, and bad UTF-8. */
const LEVELS = ["a", "b", "sport", "tennis", "", "$SYS", "ü", "日本", "+", "#", "a+", "x#", " ", "\u{10ffff}"];
const BAD_BYTES = [[0x00], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]];

function topicBytes(r: Rng, clean: boolean): Uint8Array {
  const n = 1 + r.int(4);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) parts.push(u("/"));
    let lv = r.pick(LEVELS);
    if (clean) while (lv.includes("+") || lv.includes("#")) lv = r.pick(LEVELS);
    parts.push(u(lv));
    if (!clean && r.chance(0.05)) parts.push(new Uint8Array(r.pick(BAD_BYTES)));
  }
  return cat(...parts);
}

function filterBytes(r: Rng): Uint8Array {
  const n = 1 + r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick(LEVELS));
  return u(parts.join("/"));
}

/** A packet from the encoders (valid by construction), or null if refused. */
function encoded(r: Rng): Uint8Array | null {
  const out = new Uint8Array(2048);
  let n = 0;
  const id = r.chance(0.1) ? r.pick([1, 0xffff, 0x100]) : 1 + r.int(0xffff);
  switch (r.int(10)) {
    case 0: {
      const o = new ConnectOptions();
      o.clientId = r.chance(0.2) ? new Uint8Array(0) : topicBytes(r, true);
      if (r.chance(0.5)) { o.willTopic = topicBytes(r, true); o.willMessage = r.bytes(r.int(20)); o.willQos = r.int(3); o.willRetain = r.chance(0.5); }
      if (r.chance(0.5)) { o.userName = u(r.pick(["u", "user", "ü"])); if (r.chance(0.5)) o.password = r.bytes(1 + r.int(10)); }
      o.cleanSession = r.chance(0.5);
      o.keepAlive = r.int(65536);
      n = encodeConnect(out, o);
      break;
    }
    case 1: {
      const code = r.int(6);
      n = encodeConnack(out, code === 0 && r.chance(0.5), code);
      break;
    }
    case 2: case 3: {
      const qos = r.int(3);
      n = encodePublish(out, topicBytes(r, true), r.bytes(r.chance(0.1) ? 200 + r.int(300) : r.int(30)), qos, r.chance(0.3), qos > 0 && r.chance(0.3), id);
      break;
    }
    case 4:
      n = encodeAck(out, r.pick([PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP, PacketType.UNSUBACK]), id);
      break;
    case 5:
      n = encodeSubscribe(out, id, filterBytes(r), r.int(3));
      break;
    case 6: {
      const codes = new Uint8Array(1 + r.int(5));
      for (let i = 0; i < codes.length; i++) codes[i] = r.pick([0, 1, 2, 0x80]);
      n = encodeSuback(out, id, codes);
      break;
    }
    case 7:
      n = encodeUnsubscribe(out, id, filterBytes(r));
      break;
    default:
      n = encodeSimple(out, r.pick([PacketType.PINGREQ, PacketType.PINGRESP, PacketType.DISCONNECT]));
      break;
  }
  return n > 0 ? out.slice(0, n) : null;
}

/** A frame with a correct remaining length (sometimes in a non-minimal form)
 *  around a body of arbitrary, plausible-looking contents. */
function rawFrame(r: Rng): Uint8Array {
  const type = r.chance(0.05) ? r.pick([0, 15]) : 1 + r.int(14);
  const flags = r.chance(0.7) ? (type === 6 || type === 8 || type === 10 ? 2 : type === 3 ? r.int(16) : 0) : r.int(16);
  let body: Uint8Array;
  switch (type) {
    case 1: {
      const name = r.chance(0.9) ? u("MQTT") : u(r.pick(["MQIsdp", "mqtt", "MQT", ""]));
      const cf = r.chance(0.5) ? r.int(256) : r.pick([0x02, 0x06, 0xc2, 0x2e, 0x82, 0x42, 0x1e]);
      const parts = [str16(name), new Uint8Array([r.chance(0.9) ? 4 : r.int(256), cf]), u16be(r.int(65536)), str16(topicBytes(r, false))];
      if (cf & 4) { parts.push(str16(topicBytes(r, r.chance(0.7))), str16(r.bytes(r.int(8)))); }
      if (cf & 0x80) parts.push(str16(topicBytes(r, false)));
      if (cf & 0x40) parts.push(str16(r.bytes(r.int(8))));
      if (r.chance(0.1)) parts.push(r.bytes(1 + r.int(3)));
      body = cat(...parts);
      break;
    }
    case 2:
      body = new Uint8Array([r.chance(0.8) ? r.int(2) : r.int(256), r.chance(0.8) ? r.int(6) : r.int(256)]);
      break;
    case 3: {
      const qos = (flags >> 1) & 3;
      const parts = [str16(topicBytes(r, r.chance(0.6)))];
      if (qos > 0) parts.push(u16be(r.chance(0.1) ? 0 : r.int(65536)));
      parts.push(r.bytes(r.int(20)));
      body = cat(...parts);
      break;
    }
    case 8: case 10: {
      const parts = [u16be(r.chance(0.1) ? 0 : r.int(65536))];
      const k = r.chance(0.1) ? 0 : 1 + r.int(3);
      for (let i = 0; i < k; i++) {
        parts.push(str16(r.chance(0.2) ? topicBytes(r, false) : filterBytes(r)));
        if (type === 8) parts.push(new Uint8Array([r.chance(0.8) ? r.int(3) : r.int(256)]));
      }
      body = cat(...parts);
      break;
    }
    case 9: {
      const codes = new Uint8Array(r.int(4));
      for (let i = 0; i < codes.length; i++) codes[i] = r.chance(0.8) ? r.pick([0, 1, 2, 0x80]) : r.int(256);
      body = cat(u16be(r.chance(0.1) ? 0 : r.int(65536)), codes);
      break;
    }
    case 4: case 5: case 6: case 7: case 11:
      body = r.chance(0.8) ? u16be(r.chance(0.1) ? 0 : r.int(65536)) : r.bytes(r.int(4));
      break;
    default:
      body = r.chance(0.8) ? new Uint8Array(0) : r.bytes(r.int(3));
      break;
  }
  const len = new Uint8Array(5);
  let ln = encodeRemainingLength(len, 0, body.length);
  if (r.chance(0.1) && ln < 4) { // pad to a non-minimal form: 3.1.1 allows it
    len[ln - 1] |= 0x80;
    while (ln < 3) len[ln++] = 0x80;
    len[ln++] = 0;
  }
  return cat(new Uint8Array([(type << 4) | flags]), len.subarray(0, ln), body);
}

function one(r: Rng): Uint8Array {
  switch (r.int(8)) {
    case 0: case 1: return encoded(r) ?? rawFrame(r);
    case 2: case 3: return rawFrame(r);
    case 4: case 5: return mutate(r, r.chance(0.5) ? encoded(r) ?? rawFrame(r) : rawFrame(r));
    case 6: { const x = encoded(r) ?? rawFrame(r); return x.subarray(0, r.int(x.length + 1)); }
    default: return r.bytes(r.int(12));
  }
}

function corpus(): Input[] {
  return buildCorpus({
    seed: SEED,
    count: COUNT,
    // The remaining-length boundaries as headers.
    fixed: ["30ffffff7f", "30ffffffff", "3080808001", "d08000", "d080808080", "", "00", "f0", "d000"],
    one,
    more: (r) => (r.chance(0.8) ? encoded(r) ?? rawFrame(r) : one(r)),
    multi: 0.2,
    client: 0.6,
    limits: (r, len) => r.pick([0xffffffff, 0xffffffff, 3072, 256, 64, 16, 4, 2, r.int(600), len, Math.max(0, len - 1)]),
  });
}

// ---------------------------------------------------------------- the Node side

/** The same line decode_main.c prints. */
function nodeLine(inp: Input, p: Packet): string {
  let s = "";
  let off = 0;
  let first = true;
  for (;;) {
    const r = decode(inp.bytes.subarray(off), inp.max, inp.forClient, p);
    if (!first) s += " |";
    first = false;
    s += ` ${r}`;
    if (r < 0) break;
    if (r === 0) { s += ` tl=${p.totalLen}`; break; }
    s += ` t=${p.type} f=${p.flags} d=${p.dup ? 1 : 0} q=${p.qos} r=${p.retain ? 1 : 0} id=${p.packetId}` +
      ` topic=${hx(p.topic)} payload=${hx(p.payload)} sp=${p.sessionPresent ? 1 : 0} rc=${p.returnCode}` +
      ` codes=${hx(p.codes)} body=${hx(p.body)} pl=${p.protocolLevel} cf=${p.connectFlags} ka=${p.keepAlive}` +
      ` cid=${hx(p.clientId)} wt=${hx(p.willTopic)} wm=${hx(p.willMessage)} un=${hx(p.userName)} pw=${hx(p.password)}` +
      ` rl=${p.remLen} tl=${p.totalLen}`;
    off += r;
    if (off === inp.bytes.length) break;
  }
  return s;
}

test("corpus: a good mix of verdicts under Node, and errors stable under truncation", (t) => {
  const inputs = corpus();
  const p = new Packet();
  const verdicts = new Map<number, number>();
  for (const inp of inputs) {
    const r = decode(inp.bytes, inp.max, inp.forClient, p);
    verdicts.set(r, (verdicts.get(r) ?? 0) + 1);
    // A prefix of a rejected input is incomplete or rejected for the same reason.
    if (r < 0) {
      for (let k = 0; k < inp.bytes.length; k++) {
        const rk = decode(inp.bytes.subarray(0, k), inp.max, inp.forClient, p);
        assert.ok(rk === 0 || rk === r, `prefix ${k} of ${hx(inp.bytes)}: ${rk}, whole: ${r}`);
      }
    }
  }
  const accepted = [...verdicts].filter(([r]) => r > 0).reduce((n, [, c]) => n + c, 0);
  const errors = [...verdicts.keys()].filter((r) => r < 0);
  assert.ok(accepted > COUNT / 5, `only ${accepted} inputs decode`);
  assert.ok((verdicts.get(0) ?? 0) > COUNT / 20, "too few incomplete inputs");
  assert.ok(errors.length >= 20, `only ${errors.length} distinct errors: ${errors}`);
  t.diagnostic(`verdicts of ${inputs.length} inputs (first call): ` +
    [...verdicts].sort((a, b) => a[0] - b[0]).map(([r, c]) => `${r > 0 ? "ok" : r}:${c}`).reduce<string[]>((acc, x) => {
      if (x.startsWith("ok:") && acc.length && acc[acc.length - 1].startsWith("ok:")) {
        acc[acc.length - 1] = `ok:${Number(acc[acc.length - 1].slice(3)) + Number(x.slice(3))}`;
      } else acc.push(x);
      return acc;
    }, []).join(" "));
});

test("whatever the encoders produce, the decoder accepts whole", () => {
  const r = new Rng(SEED ^ 0xabcdef);
  const p = new Packet();
  let n = 0;
  for (let i = 0; i < 5000; i++) {
    const x = encoded(r);
    if (x === null) continue;
    assert.equal(decode(x, 0xffffffff, false, p), x.length, hx(x));
    assert.equal(p.type, x[0] >> 4);
    n++;
  }
  assert.ok(n > 4000, `only ${n} packets encoded`);
});

test("the generated C decoder agrees with Node on every input", { timeout: 240000 }, (t) => {
  if (!hasGcc()) { t.skip("gcc is not installed"); return; }
  const p = new Packet();
  const lines = runC({
    entry: "test/mqtt/support/codec_broker.ts", main: "test/diff/decode_main.c", inputs: corpus(), timeout: 120000,
    nodeLines: (inputs) => inputs.map((i) => nodeLine(i, p)),
  });
  const packets = lines.reduce((n, l) => n + l.split(" |").length, 0);
  assert.ok(packets >= lines.length);
});
