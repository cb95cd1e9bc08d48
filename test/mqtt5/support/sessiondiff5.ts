// MQTT 5 session scripts for the differential test (the script language and
// Replayer of test/mqtt/support/sessiondiff.ts, whose `N` line takes the
// protocol version and max_packet_size, and `V` changes the version): a
// broker (mqtt-packet's encoder) sends small and large PUBLISHes with
// properties and topic aliases (bound, used, never set, rebound to long
// topics), in random splits and cut short, floods of QoS 1/2 past our Receive
// Maximum, acks; the client publishes to long and short topics, and
// protocol_version flips between connections with messages in the outbox.

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttPacket = require("mqtt-packet");
import { Replayer } from "../../mqtt/support/sessiondiff";

const hex = (b: Uint8Array): string => (b.length === 0 ? "-" : Buffer.from(b).toString("hex"));

class Rng {
  constructor(private x: number) { if (this.x === 0) this.x = 1; }
  next(): number { let x = this.x; x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; this.x = x; return x; }
  int(n: number): number { return this.next() % n; }
  chance(p: number): boolean { return this.int(1000) < p * 1000; }
  pick<T>(a: T[]): T { return a[this.int(a.length)]; }
}

const TOPICS = ["a/b", "a/c", "dev/1/state", "x", "t/" + "L".repeat(90), "t/" + "M".repeat(200), "t/" + "N".repeat(300)];

export function generate5(seed: number, steps: number): string[] {
  const r = new Rng(seed * 7919 + 17);
  const lines: string[] = [];
  const rp = new Replayer();
  const run = (l: string): void => { lines.push(l); rp.line(l); };
  let now = r.int(100000);
  let version = 5;
  run(`N ${r.pick([0, 30])} ${r.int(2)} 2 ${r.pick([300, 1000, 3072])} 10 ${hex(Buffer.from("d5-" + seed))} - - 0 5 ${r.pick([0, 100000, 100000])}`);
  const gen = (p: Record<string, unknown>): Buffer => mqttPacket.generate(p, { protocolVersion: version });
  const recv = (b: Uint8Array, pieces: boolean): void => {
    let off = 0;
    while (off < b.length) {
      const n = !pieces || r.chance(0.5) ? b.length - off : Math.min(b.length - off, r.chance(0.2) ? 1 : 1 + r.int(r.pick([8, 700, 4000])));
      run(`R ${now} ${hex(b.subarray(off, off + n))}`);
      off += n;
    }
  };
  /** Aliases the broker bound on this connection. */
  let bound = new Set<number>();
  for (let step = 0; step < steps; step++) {
    now = (now + r.pick([0, 1, 10, 500, 2000])) >>> 0;
    const s = rp.s;
    const choice = r.int(100);
    if (s.state === 0) {
      if (r.chance(0.3)) {
        version = r.chance(0.7) ? 5 : 4;
        run(`V ${version}`);
      }
      bound = new Set();
      run(`C ${now}`);
      run(`X ${s.txLen}`);
      const props = version === 5 ? { topicAliasMaximum: r.pick([0, 2, 4]), receiveMaximum: r.pick([2, 20, 65535]) } : undefined;
      recv(gen({ cmd: "connack", returnCode: 0, reasonCode: 0, sessionPresent: !s.cfg.cleanSession && r.chance(0.5), properties: props }), true);
      continue;
    }
    if (choice < 12) {
      const payload = Buffer.alloc(r.pick([0, 3, 40, 1500, 2100, 3000]), 0x61 + r.int(26));
      run(`P ${now} ${r.int(3)} ${r.int(2)} ${hex(Buffer.from(r.pick(TOPICS)))} ${hex(payload)}`);
    } else if (choice < 30) {
      run(`X ${r.chance(0.8) ? s.txLen : r.int(s.txLen + 1)}`);
    } else if (choice < 55) {
      // A PUBLISH from the broker, large (streamed) or small, with properties and aliases.
      const qos = r.int(3);
      const size = r.chance(0.4) ? r.pick([900, 3100, 9000]) + r.int(100) : r.pick([0, 5, 100]);
      const payload = Buffer.alloc(size);
      for (let i = 0; i < size; i++) payload[i] = (i * 7 + seed) & 0xff;
      let topic = r.pick(TOPICS);
      const props: Record<string, unknown> = {};
      if (version === 5) {
        if (r.chance(0.3)) props.contentType = "ct/" + r.int(10);
        if (r.chance(0.2)) props.userProperties = { k: "v".repeat(r.pick([1, 50, 3500])) };
        if (r.chance(0.1)) props.messageExpiryInterval = 1 + r.int(100);
        if (r.chance(0.5)) {
          const a = r.chance(0.05) ? r.pick([5, 9]) : 1 + r.int(4);
          props.topicAlias = a;
          if (bound.has(a) && r.chance(0.6)) topic = "";
          else if (r.chance(0.05)) topic = ""; // never set
          else bound.add(a);
        }
      }
      const m = gen({ cmd: "publish", topic, payload, qos, messageId: qos > 0 ? 1 + r.int(30) : undefined, dup: qos > 0 && r.chance(0.1), properties: version === 5 ? props : undefined });
      const cut = r.chance(0.05) ? 1 + r.int(m.length - 1) : m.length;
      if (r.chance(0.3)) run(`F ${r.int(2)}`);
      recv(m.subarray(0, cut), true);
    } else if (choice < 62) {
      // A flood of QoS 1/2 (past our Receive Maximum when nothing drains tx).
      for (let k = 0; k < r.pick([4, 17, 30]); k++) {
        const q = 1 + r.int(2);
        recv(gen({ cmd: "publish", topic: r.pick(TOPICS.slice(0, 4)), payload: "f", qos: q, messageId: 100 + k }), false);
      }
    } else if (choice < 72) {
      const cmd = r.pick(["puback", "pubrec", "pubrel", "pubcomp"]);
      recv(gen({ cmd, messageId: 1 + r.int(8), reasonCode: r.chance(0.8) ? 0 : 0x80 }), false);
    } else if (choice < 80) {
      run(`T ${now}`);
    } else if (choice < 86) {
      run(`L ${now}`);
    } else if (choice < 88) {
      run("D");
    } else {
      run("Q");
    }
    if (s.wantsClose() && r.chance(0.7)) run(`L ${now}`);
  }
  run("Q");
  return lines;
}
