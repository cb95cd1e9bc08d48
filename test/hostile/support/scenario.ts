// A hostile-broker scenario and the helpers scenario scripts share
// (test/hostile/hostile.test.ts runs them; README.md lists them).
import * as assert from "node:assert/strict";
import { Proc } from "../../integration/support/harness";
import { HConn, PacketType } from "./hostile_broker";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Scenario {
  name: string;
  /** What the first connection does. */
  act: (c: HConn, cli: Proc) => Promise<void>;
  /** The client's log must name the reason. */
  log: RegExp;
  /** Extra --set config. */
  sets?: string[];
  /** Takes large messages in fragments: runs on the build with Kconfig
   *  MGOS_MQTT_FRAGMENTS_SUPPORT on (off by default; the others run without). */
  fragments?: boolean;
  /** The client must never have been connected on the hostile connection (no CONNACK event). */
  neverConnected?: boolean;
  /** Strings that must never reach the application (stdout). */
  notDelivered?: string[];
  /** Further checks after the normal session. */
  check?: (c0: HConn, cli: Proc) => void;
  /** Bound of the whole scenario, ms. */
  timeout?: number;
  /** The act runs on this many connections in a row (backoff doubling is checked); default 1. */
  repeat?: number;
  /** Measure the reconnect delay on the client's log clock (from the line that
   *  names the reason to the next "connecting to"), not on the broker's: for a
   *  broker that is not reading, which sees the close late. */
  gapFromLog?: boolean;
  /** Checks on the first good connection (after the hostile ones). */
  checkGood?: (good: HConn, cli: Proc) => Promise<void>;
  /** MQTT 5: the reason code of the DISCONNECT the client must send before it
   *  closes (checked on the wire; the reason is then logged exactly once).
   *  Without it a v5 client must send no DISCONNECT with an error code. An
   *  array gives it per hostile connection (null: none on that one). */
  reason?: number | (number | null)[];
  /** Every hostile connection got an accepted CONNACK: each reconnect comes
   *  after the minimum backoff (no doubling). */
  backoffReset?: boolean;
  /** MQTT 5: what differs from the 3.1.1 scenario (fields replace its
   *  fields), or why it does not apply (`skip`). */
  v5?: Partial<Omit<Scenario, "v5" | "only">> & { skip?: string };
  /** A scenario for one protocol version only (the MQTT 5 specific ones). */
  only?: 4 | 5;
}


/** Answers CONNECT with CONNACK 0. */
export async function accept(c: HConn): Promise<void> {
  await c.packet(PacketType.CONNECT);
  c.send(c.P.connack(0));
}

/** CONNACK 0, then SUBACK for the client's subscription (h/#, QoS 1). */
export async function subscribed(c: HConn): Promise<void> {
  await accept(c);
  const s = await c.packet(PacketType.SUBSCRIBE);
  c.send(c.P.suback(s.id, s.filters.map((f) => f.qos)));
}

/** Sends `bytes` on a connected session and requires the client to close. */
export function malformed(bytes: Buffer, when: "connected" | "subscribed" | "connect" = "subscribed"): (c: HConn) => Promise<void> {
  return async (c) => {
    if (when === "connect") await c.packet(PacketType.CONNECT);
    else if (when === "connected") await accept(c);
    else await subscribed(c);
    c.send(bytes);
    await c.clientCloses(3000);
  };
}

/** Proves the hostile connection still works: a QoS 1 publish from the app is acknowledged. */
export async function stillWorks(c: HConn, cli: Proc, tag: string): Promise<void> {
  c.good();
  const mark = cli.out.length;
  cli.send(`pub 1 0 h/alive ${tag}`);
  const id = (await cli.waitOut(/^pub (\d+)$/m, 3000, mark))[1];
  await cli.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 3000, mark);
}

export const noCloseByClient = (c0: HConn) => assert.equal(c0.clientClosed, false, `the client closed a valid connection:\n${c0.notes.join("\n")}`);

