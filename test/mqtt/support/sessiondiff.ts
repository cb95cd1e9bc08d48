// Session scripts for the differential test: a seeded generator plays a broker
// against the TypeScript session (answering what the client really sent, with
// random splits, delays, duplicates, refusals, drops and garbage) and records
// every operation as a script line; replaying the script on any session must
// print the same transcript. session_driver.c replays it on the generated C.

import { Session } from "../../../ts-src/mqtt/session";
import { Packet, PacketType as T } from "../../../ts-src/mqtt/packet";
import { encodePublish, encodeAck, encodeSimple } from "../../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "./codec_broker";

const hex = (b: Uint8Array): string => (b.length === 0 ? "-" : Buffer.from(b).toString("hex"));
const unhex = (h: string | undefined): Uint8Array =>
  (h === undefined || h === "-" ? new Uint8Array(0) : new Uint8Array(Buffer.from(h, "hex")));

/** Runs script lines on the TS session, returning the transcript (the C driver's format). */
export class Replayer {
  s = new Session();
  out: string[] = [];
  /** `F 1`: the app takes the fragments of large PUBLISHes (sets rxTake on PUBLISH_PART). */
  take = false;

  private hook(): void {
    this.s.onEvent = (s, ev, p) => {
      const f = p === null ? " null"
        : ` ${p.type} ${p.packetId} ${p.qos} ${p.dup ? 1 : 0} ${p.retain ? 1 : 0} ${p.returnCode} ${p.sessionPresent ? 1 : 0} ${hex(p.topic)} ${hex(p.payload)} ${hex(p.codes)}`;
      const d = ev === 240 ? ` drop=${s.evDropId},${s.evDropQos},${s.evDropReason},${hex(s.evDropTopic)},${hex(s.evDropPayload)}` : "";
      const part = ev === 230 || ev === 231 ? ` part=${s.rxPartOff}/${s.rxPartTotal}/${s.rxTopicLen}` : "";
      const props = s.cfg.version === 5 && (ev === 203 || ev === 230 || ev === 231) ? ` props=${hex(s.v5s[0].pkt.props.raw)}` : "";
      this.out.push(`E ${ev}${f} tag=${s.evTag} was=${s.wasConnected ? 1 : 0} reason=${s.closeReason}${part}${props}${d}`);
      if (ev === 230 && this.take) s.rxTake = true;
    };
    this.s.onLog = (_s, level, msg, detail, num) => { this.out.push(`G ${level} ${num} ${hex(detail)} ${msg}`); };
    this.s.onStore = (_s, op, seq, meta, data) => { this.out.push(`W ${op} ${seq} ${meta} ${hex(data)}`); };
  }

  line(l: string): void {
    const [op, ...a] = l.split(" ");
    const n = (i: number): number => Number(a[i] ?? 0);
    const s = this.s;
    switch (op) {
      case "F": this.take = n(0) !== 0; break;
      case "V": s.cfg.version = n(0); break;
      case "N": {
        this.take = false;
        this.s = new Session();
        this.hook();
        const c = this.s.cfg;
        c.keepAlive = n(0); c.cleanSession = n(1) !== 0; c.maxQos = n(2); c.recvLimit = n(3); c.maxQueueLength = n(4); c.dropOldest = n(8) !== 0;
        c.version = a[9] !== undefined ? n(9) : 4; c.maxPacket = n(10); // MQTT 5 scripts
        const err = c.setStrings(unhex(a[5]), unhex(a[6]), unhex(a[7]), new Uint8Array(0), new Uint8Array(0));
        this.out.push(`N ${err === null ? "ok" : err}`);
        break;
      }
      case "C": this.out.push(`C ${s.connect(n(0)) ? 1 : 0}`); break;
      case "R": s.onRecv(unhex(a[1]), n(0)); break;
      case "P": {
        const id = s.publish(unhex(a[3]), unhex(a[4]), n(1), n(2) !== 0, n(0));
        this.out.push(`P ${id} err=${s.lastError}`);
        break;
      }
      case "S": this.out.push(`S ${s.subscribe(unhex(a[2]), n(0), n(1))}`); break;
      case "U": this.out.push(`U ${s.unsubscribe(unhex(a[0]))}`); break;
      case "T": s.tick(n(0)); break;
      case "X": this.out.push(`X ${hex(s.txView())}`); s.txConsumed(n(0)); break;
      case "L": s.connectionLost(n(0)); break;
      case "D": this.out.push(`D ${s.disconnect() ? 1 : 0}`); break;
      case "I": this.out.push(`I ${s.nextPacketId()}`); break;
      case "Q":
        this.out.push(`Q st=${s.state} unsent=${s.unsentBytes()} infl=${s.inflightCount()} queued=${s.queuedCount()} close=${s.wantsClose() ? 1 : 0} rx=${s.rxLen} store=${s.storeUsed} subs=${s.subCount} big=${s.big} pos=${s.bigPos} room=${s.outboxRoom()} stream=${s.streaming ? 1 : 0}`);
        break;
      default: throw new Error(`bad op ${op}`);
    }
  }
}

/** xorshift32: reproducible from the seed. */
class Rng {
  constructor(private x: number) { if (this.x === 0) this.x = 1; }
  next(): number { let x = this.x; x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; this.x = x; return x; }
  int(n: number): number { return this.next() % n; }
  chance(p: number): boolean { return this.int(1000) < p * 1000; }
  pick<T>(a: T[]): T { return a[this.int(a.length)]; }
}

const TOPICS = ["a", "a/b", "dev/1/state", "x/y/z", "$SYS/up", "t"];
const FILTERS = ["a/#", "a/+", "#", "dev/+/state", "x/y/z", "bad/#/x", "+"];

/** One generated script: the broker reacts to what the TS session sent. */
export function generate(seed: number, steps: number): string[] {
  const r = new Rng(seed);
  const lines: string[] = [];
  const rp = new Replayer();
  const run = (l: string): void => { lines.push(l); rp.line(l); };
  const scratch = new Uint8Array(8192);
  const pkt = new Packet();
  let now = r.int(1000) === 0 ? 4294960000 : r.int(100000);
  const keepAlive = r.pick([0, 5, 30]);
  run(`N ${keepAlive} ${r.int(2)} ${r.pick([0, 1, 2, 2])} ${r.pick([0, 64, 300, 3072])} ${r.pick([0, 2, 5, 16])} ${hex(Buffer.from("dev" + seed))} ${r.chance(0.5) ? hex(Buffer.from("user")) : "-"} ${r.chance(0.5) ? hex(Buffer.from("pw")) : "-"} ${r.int(2)}`);
  const recv = (b: Uint8Array): void => {
    // Deliver in 1..3 random pieces.
    let off = 0;
    while (off < b.length) {
      const n = r.chance(0.6) ? b.length - off : 1 + r.int(b.length - off);
      run(`R ${now} ${hex(b.subarray(off, off + n))}`);
      off += n;
    }
  };
  const built = (n: number): Uint8Array => scratch.slice(0, n);
  /** Bytes the broker has read of the current connection, not yet a whole packet. */
  let wire = new Uint8Array(0);
  for (let step = 0; step < steps; step++) {
    now = (now + r.pick([0, 1, 10, 500, 2000, 5000, 31000])) >>> 0;
    const s = rp.s;
    const choice = r.int(100);
    if (s.state === 0 && choice < 30) { wire = new Uint8Array(0); run(`C ${now}`); continue; }
    // A real broker mostly speaks only after CONNACK; now and then it does not.
    if (choice >= 60 && choice < 87 && s.state !== 2 && r.chance(0.9)) { run(`T ${now}`); continue; }
    if (choice < 12) {
      // Sizes past the tx buffer (2048: streamed) and past the outbox (4096: refused).
      const payload = Buffer.alloc(r.pick([0, 3, 40, 250, 0, 3, 40, 250, 1500, 2100, 3000, 5000]), 0x61 + r.int(26));
      run(`P ${now} ${r.int(4) === 3 ? 3 : r.int(3)} ${r.int(2)} ${hex(Buffer.from(r.pick(TOPICS)))} ${hex(payload)}`);
    } else if (choice < 16) {
      run(`S ${r.int(3)} ${r.int(50)} ${hex(Buffer.from(r.pick(FILTERS)))}`);
    } else if (choice < 18) {
      run(`U ${hex(Buffer.from(r.pick(FILTERS)))}`);
    } else if (choice < 30) {
      run(`T ${now}`);
    } else if (choice < 60) {
      // The port writes some or all of tx; the broker answers what it read.
      const tx = s.txView();
      const n = r.chance(0.8) ? tx.length : r.int(tx.length + 1);
      const seen = tx.slice(0, n);
      run(`X ${n}`);
      // The broker reads the stream: a packet written in parts is answered once whole.
      const joined = new Uint8Array(wire.length + seen.length);
      joined.set(wire);
      joined.set(seen, wire.length);
      wire = joined;
      let off = 0;
      for (;;) {
        const k = decode(wire.subarray(off), 1 << 20, false, pkt);
        if (k <= 0) break; // a partly written packet: the rest comes later
        off += k;
        const id = pkt.packetId;
        switch (pkt.type) {
          case T.CONNECT:
            if (r.chance(0.9)) recv(built(encodeConnack(scratch, r.chance(0.3) && !s.cfg.cleanSession, r.chance(0.9) ? 0 : 1 + r.int(5))));
            break;
          case T.PUBLISH:
            if (pkt.qos === 1 && r.chance(0.8)) recv(built(encodeAck(scratch, T.PUBACK, id)));
            if (pkt.qos === 2 && r.chance(0.8)) recv(built(encodeAck(scratch, T.PUBREC, id)));
            break;
          case T.PUBREL:
            if (r.chance(0.8)) recv(built(encodeAck(scratch, T.PUBCOMP, id)));
            break;
          case T.SUBSCRIBE:
            if (r.chance(0.9)) recv(built(encodeSuback(scratch, id, new Uint8Array([r.pick([0, 1, 2, 0x80])]))));
            break;
          case T.UNSUBSCRIBE:
            if (r.chance(0.9)) recv(built(encodeAck(scratch, T.UNSUBACK, id)));
            break;
          case T.PINGREQ:
            if (r.chance(0.85)) recv(built(encodeSimple(scratch, T.PINGRESP)));
            break;
          case T.PUBACK: case T.PUBREC: case T.PUBCOMP: {
            if (pkt.type === T.PUBREC && r.chance(0.8)) recv(built(encodeAck(scratch, T.PUBREL, id)));
            break;
          }
          default:
            break;
        }
      }
      wire = wire.slice(off);
    } else if (choice < 80) {
      // The broker publishes; small ids so duplicates and reuse happen.
      const qos = r.int(3);
      const payload = Buffer.alloc(r.pick([0, 5, 100, 400]), 0x30 + r.int(10));
      recv(built(encodePublish(scratch, Buffer.from(r.pick(TOPICS.slice(0, 5))), payload, qos, r.chance(0.1), qos > 0 && r.chance(0.2), qos > 0 ? 1 + r.int(4) : 0)));
    } else if (choice < 82) {
      // A PUBLISH over the receive limit (sometimes with a topic over it too),
      // in many random pieces, 1-byte ones included; now and then cut short
      // (the bytes that follow are then read as its payload).
      if (r.chance(0.3)) run(`F ${r.int(2)}`);
      const qos = r.int(3);
      const big = new Uint8Array(r.pick([200, 1500, 3100, 9000]) + r.int(100));
      for (let i = 0; i < big.length; i++) big[i] = (i * 7 + seed) & 0xff;
      const topic = r.chance(0.15) ? "t/" + "L".repeat(r.pick([70, 400, 3200])) : r.pick(TOPICS.slice(0, 5));
      const msg = new Uint8Array(big.length + topic.length + 16);
      let m = encodePublish(msg, Buffer.from(topic), big, qos, r.chance(0.1), qos > 0 && r.chance(0.2), qos > 0 ? 1 + r.int(4) : 0);
      if (r.chance(0.15)) m = 1 + r.int(m);
      let off = 0;
      while (off < m) {
        const k = Math.min(m - off, r.chance(0.2) ? 1 : 1 + r.int(r.pick([8, 700, 4000])));
        run(`R ${now} ${hex(msg.subarray(off, off + k))}`);
        off += k;
      }
    } else if (choice < 84) {
      recv(built(encodeAck(scratch, r.pick([T.PUBACK, T.PUBREC, T.PUBREL, T.PUBCOMP, T.UNSUBACK]), 1 + r.int(6))));
    } else if (choice < 86) {
      recv(built(encodeSimple(scratch, T.PINGRESP)));
    } else if (choice < 87) {
      recv(new Uint8Array([r.pick([0x00, 0xf0, 0x40, 0x82, 0x30]), r.int(256), r.int(256), r.int(256)]));
    } else if (choice < 91) {
      if (s.wantsClose() || r.chance(0.5)) run(`L ${now}`);
    } else if (choice < 93) {
      run("D");
    } else if (choice < 95) {
      run("I");
    } else {
      run("Q");
    }
    if (s.wantsClose() && r.chance(0.7)) run(`L ${now}`);
  }
  run("Q");
  return lines;
}
