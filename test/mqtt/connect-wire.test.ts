// connect() sends the CONNECT payload SessionConfig.setStrings laid out in
// wire order; these tests hold its bytes to the general encoder
// (connectWith: encodeConnect / encodeConnect5 of the same options) and, for
// 3.1.1, to an encoding built here from the spec (3.1), over many configs.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { Session, SessionConfig, CONFIG_STR_SIZE } from "../../ts-src/mqtt/session";
import { ConnectOptions } from "../../ts-src/mqtt/codec";

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

interface Cfg { id: string; user: string; pass: string; wt: string; wm: string; clean: boolean; retain: boolean; ka: number }

function configured(c: Cfg, version: number): Session {
  const s = new Session();
  s.cfg.version = version;
  s.cfg.cleanSession = c.clean;
  s.cfg.willRetain = c.retain;
  s.cfg.keepAlive = c.ka;
  assert.equal(s.cfg.setStrings(b(c.id), b(c.user), b(c.pass), b(c.wt), b(c.wm)), null);
  return s;
}

function sent(s: Session): Buffer {
  const out = Buffer.from(s.txView());
  s.txConsumed(out.length);
  return out;
}

/** The options connect() used to build from the config: the will only when
 *  topic and message are both set. */
function oldOptions(c: Cfg): ConnectOptions {
  const o = new ConnectOptions();
  o.clientId = b(c.id);
  o.userName = b(c.user);
  o.password = b(c.pass);
  if (c.wt !== "" && c.wm !== "") {
    o.willTopic = b(c.wt);
    o.willMessage = b(c.wm);
  }
  o.willRetain = c.retain;
  o.cleanSession = c.clean;
  o.keepAlive = c.ka;
  return o;
}

/** CONNECT 3.1.1 written from the spec, independent of codec.ts. */
function reference(c: Cfg): Buffer {
  const str = (s: string) => { const v = Buffer.from(s, "utf8"); return Buffer.concat([Buffer.from([v.length >> 8, v.length & 255]), v]); };
  const will = c.wt !== "" && c.wm !== "";
  let flags = c.clean ? 0x02 : 0;
  if (will) flags |= 0x04 | (c.retain ? 0x20 : 0);
  if (c.user !== "") flags |= 0x80;
  if (c.pass !== "") flags |= 0x40;
  const body = Buffer.concat([
    str("MQTT"), Buffer.from([4, flags, c.ka >> 8, c.ka & 255]), str(c.id),
    will ? Buffer.concat([str(c.wt), str(c.wm)]) : Buffer.alloc(0),
    c.user !== "" ? str(c.user) : Buffer.alloc(0), c.pass !== "" ? str(c.pass) : Buffer.alloc(0),
  ]);
  const rl: number[] = [];
  let n = body.length;
  do { rl.push((n & 127) | (n > 127 ? 128 : 0)); n >>= 7; } while (n > 0);
  return Buffer.concat([Buffer.from([0x10, ...rl]), body]);
}

function* configs(): Generator<Cfg> {
  const long = "c".repeat(200); // remaining length over 127: two bytes
  for (const id of ["", "d", "dev-\u00fc\u20ac", long])
    for (const [user, pass] of [["", ""], ["u", ""], ["u", "p"], ["user-\u00e9", "pw".repeat(40)]])
      for (const [wt, wm] of [["", ""], ["t/x", ""], ["", "m"], ["t/x", "m"], ["dev/\u00fc/status", "offline".repeat(20)]])
        for (const clean of [true, false])
          for (const retain of [false, true])
            for (const ka of [0, 1, 60, 65535]) yield { id, user, pass, wt, wm, clean, retain, ka };
  // The whole MGOS_MQTT_CONFIG_STR_SIZE used.
  const third = Math.floor(CONFIG_STR_SIZE / 3);
  yield { id: "i".repeat(third), user: "u".repeat(third), pass: "p".repeat(CONFIG_STR_SIZE - 2 * third), wt: "", wm: "", clean: true, retain: false, ka: 60 };
  yield {
    id: "i".repeat(third), user: "", pass: "", wt: "w".repeat(third), wm: "m".repeat(CONFIG_STR_SIZE - 2 * third),
    clean: false, retain: true, ka: 5,
  };
}

for (const version of [4, 5]) {
  test(`connect() sends the same CONNECT as the general encoder (MQTT ${version === 4 ? "3.1.1" : "5"})`, () => {
    let count = 0;
    for (const c of configs()) {
      const a = configured(c, version);
      assert.equal(a.connect(0), true, JSON.stringify(c));
      const got = sent(a);
      const g = configured(c, version);
      assert.equal(g.connectWith(oldOptions(c), 0), true);
      assert.deepEqual(got, sent(g), JSON.stringify(c));
      if (version === 4) assert.deepEqual(got, reference(c), JSON.stringify(c));
      count++;
    }
    assert.ok(count > 1000);
  });
}

test("options() reads back what setStrings stored, the will only with topic and message", () => {
  const c = new SessionConfig();
  assert.equal(c.setStrings(b("id"), b("u"), b("p"), b("t"), b("m")), null);
  const o = c.options(new ConnectOptions());
  const t = (v: Uint8Array) => Buffer.from(v).toString();
  assert.deepEqual([t(o.clientId), t(o.userName), t(o.password), t(o.willTopic), t(o.willMessage)], ["id", "u", "p", "t", "m"]);
  assert.equal(c.setStrings(b(""), b(""), b(""), b("t"), b("")), null);
  c.options(o);
  assert.deepEqual([t(o.clientId), t(o.userName), t(o.password), t(o.willTopic), t(o.willMessage)], ["", "", "", "", ""]);
  assert.equal(t(c.clientId()), "");
  // A refused set leaves the stored strings as they were.
  assert.equal(c.setStrings(b("x"), b(""), b("p"), b(""), b("")), "password without user name");
  assert.equal(c.setStrings(b("kept"), b(""), b(""), b(""), b("")), null);
  assert.match(String(c.setStrings(b("x".repeat(CONFIG_STR_SIZE + 1)), b(""), b(""), b(""), b(""))), /CONFIG_STR_SIZE/);
  assert.equal(t(c.clientId()), "kept");
});
