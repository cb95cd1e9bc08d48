// The MQTT 5 codec against an independent implementation, the npm
// `mqtt-packet` (protocolVersion 5), in both directions, on seeded random
// packets of every type from both sides (test/mqtt/support/gen5.ts):
//  - what mqtt-packet generates, decode5 accepts whole and reads to the same
//    fields (properties, User Properties in order, every Subscription Identifier);
//  - what our encoders write (the client's, and the test-only broker's for
//    what only servers send), mqtt-packet parses to the same fields.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as mp from "mqtt-packet";
import { Packet5 } from "../../ts-src/mqtt/packet5";
import { decode5ForClient } from "../../ts-src/mqtt/codec5";
import { decode5Any } from "./support/codec5_broker";
import { Rng, randomPacket, encodeOurs, normMp, normOurs, hx } from "./support/gen5";

const COUNT = 6000;
const OPTS = { protocolVersion: 5 as const };

function mpParse(bytes: Uint8Array): Record<string, unknown>[] {
  const parser = mp.parser(OPTS);
  const got: Record<string, unknown>[] = [];
  const errs: string[] = [];
  parser.on("packet", (p) => got.push(p as unknown as Record<string, unknown>));
  parser.on("error", (e) => errs.push(e.message));
  parser.parse(Buffer.from(bytes));
  assert.deepEqual(errs, [], `mqtt-packet refused ${hx(bytes)}`);
  return got;
}

test("what mqtt-packet generates, decode5 reads to the same fields", () => {
  const r = new Rng(0x5eed5001);
  const p = new Packet5();
  const seen = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) {
    const side = r.chance(0.5) ? "server" : "client";
    const pk = randomPacket(r, side);
    const bytes = new Uint8Array(mp.generate(pk as unknown as mp.Packet, OPTS));
    const n = decode5Any(bytes, 0xffffffff, side === "server", p);
    assert.equal(n, bytes.length, `${JSON.stringify(pk)}\n${hx(bytes)}: ${n}`);
    assert.deepEqual(normOurs(p), normMp(pk), hx(bytes));
    if (side === "server") { // the client's own decoder agrees
      assert.equal(decode5ForClient(bytes, 0xffffffff, p), bytes.length);
      assert.deepEqual(normOurs(p), normMp(pk), hx(bytes));
    }
    seen.set(pk.cmd as string, (seen.get(pk.cmd as string) ?? 0) + 1);
  }
  assert.equal(seen.size, 15, `packet types seen: ${[...seen.keys()]}`);
});

test("what our encoders write, mqtt-packet parses to the same fields", () => {
  const r = new Rng(0x5eed5002);
  const p = new Packet5();
  let props = 0;
  for (let i = 0; i < COUNT; i++) {
    const side = r.chance(0.5) ? "server" : "client";
    const pk = randomPacket(r, side);
    const bytes = encodeOurs(pk);
    assert.ok(bytes !== null, `our encoder refused ${JSON.stringify(pk)}`);
    const parsed = mpParse(bytes);
    assert.equal(parsed.length, 1, hx(bytes));
    assert.deepEqual(normMp(parsed[0]), normMp(pk), hx(bytes));
    // And our decoder reads back what we wrote.
    assert.equal(decode5Any(bytes, 0xffffffff, side === "server", p), bytes.length, hx(bytes));
    assert.deepEqual(normOurs(p), normMp(pk), hx(bytes));
    if (pk.properties !== undefined) props++;
  }
  assert.ok(props > COUNT / 2);
});
