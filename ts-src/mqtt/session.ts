// The MQTT 3.1.1 client session: a sans-I/O state machine.
//
// Shape (the contract with the port below and the mgos_mqtt facade above):
//   - Configure once: fill `session.cfg` (a SessionConfig; strings are copied
//     into its own buffer by setStrings) or call `configure(c)` to copy one in.
//   - `connect(now)` queues CONNECT. The port then loops:
//       write `txView()` to the socket, then `txConsumed(written)`;
//       feed received bytes with `onRecv(data, now)`;
//       call `tick(now)` every few hundred ms (keepalive, CONNACK timeout);
//       when `wantsClose()` is true (and txView() is empty) close the socket
//       and call `connectionLost(now)`. A transport failure is also reported
//       with `connectionLost(now)`.
//   - Events go up through `onEvent(s, ev, packet, ud)` with Mongoose's numbers
//     (SessionEvent). During SUBACK/UNSUBACK events `evTag` holds the tag given
//     to subscribe(); during CLOSE `closeReason` (text for the log: "" in a
//     build without logs) and `wasConnected` are set.
//   - Diagnostics go through `onLog(s, level, msg, detail, num)` (LogLevel,
//     mgos's LL_* numbers): a callback, not an extern, so the session needs no
//     port code and each instance can log with its own prefix.
//   - Time is a u32 millisecond clock passed in; wrap-around is handled.
//   - A connect_fn (mg_send_mqtt_handshake_opt) uses connectWith(options, now).
//
// Storage: no heap. The outbox: outgoing messages live in `store` as encoded
// PUBLISH packets (so a resend is a copy plus the DUP bit), described by
// `recs` in publish order. A record is QUEUED (offline, no in-flight slot
// free, or, for QoS 0, no tx room yet) or in flight (waiting PUBACK / PUBREC /
// PUBCOMP). The delivery rule (delivery.ts): a publish either takes the
// message (returns its id) or refuses it with `lastError`; a message is only
// ever dropped by the app's offline policy, with a DROPPED event.
// A packet larger than the tx buffer is streamed: pump() copies it into tx
// chunk by chunk (`OutMsg.done`); nothing else enters tx until it is whole. Subscriptions live in `subs`
// with their filter copied in. Incoming QoS 2 ids awaiting PUBREL are kept in
// `rxQos2` for duplicate suppression (MQTT 3.1.1 4.3.3, method B).
//
// Everything that must go out (acks, SUBSCRIBE/UNSUBSCRIBE, PUBLISH, PUBREL)
// is produced by pump(), which fills the tx buffer in order and stops at the
// first packet that does not fit; it runs again when the port frees tx space.

import { u8, u16, u32, i32, bool, Ptr, Bytes, copy, copyBytes, bytesEqual, noBytes, structs, strBytes } from "../rt/rt";
import {
  Packet, PacketType, DecodeErr, decodeErrName, CONNECT_WILL, CONNECT_USER_NAME, CONNECT_PASSWORD,
  CONNECT_CLEAN_SESSION, CONNECT_WILL_RETAIN,
} from "./packet";
import {
  decodeForClient, encodeConnect, writeConnectPayload, putString, writePublish, writeAck, writeSubUnsub, topicNameErr,
  writeSimple, publishSize, remainingLengthSize, putVarint, ConnectOptions,
} from "./codec";
import { validUtf8, sendableTopic } from "./topic";
import { MGOS_MQTT_ERR, MGOS_MQTT_EV, MGOS_MQTT_DROP } from "./delivery";
import { Props5, PropId, Reason, PACKET_AUTH, reasonName, reason5ForErr, decode5ErrName, DECODE5_ERR_FIRST, Decode5Err } from "./packet5";
import {
  encodeConnect5, encodePublish5, encodeAck5, encodeSubscribe5, encodeUnsubscribe5, encodeDisconnect5,
  decode5ForClient, publishSize5, propsSize, encodeAuth5, decodePropList,
} from "./codec5";
import { V5State, V5_ONE, MQTT5_SUPPORT, TOPIC_ALIASES, aliasedSize, putAliased, payload5, BigProps, convertedSize, convertedPart } from "./session5";
// The build's log level: the compiler puts each @log call (log, logNum) under it.
import { LOG_LEVEL } from "./loglevel";
// Kconfig switches of optional parts (a leaf module): the store hook is
// compiled in with the persistent outbox, fragment delivery with its own.
import { PERSIST_SUPPORT, FRAGMENTS_SUPPORT } from "../mgos/options";

/** @kconfig MGOS_MQTT_MAX_SUBSCRIPTIONS */
export const MAX_SUBSCRIPTIONS: u32 = 8;
/** Per-subscription MQTT 5 slots: one per subscription, or one in all when
 *  MQTT 5 is compiled out. */
const SUB5_SLOTS: u32 = MQTT5_SUPPORT !== 0 ? MAX_SUBSCRIPTIONS : 1;
/** Longest topic filter a subscription can hold, bytes. @kconfig MGOS_MQTT_MAX_FILTER_LEN */
export const MAX_FILTER_LEN: u32 = 128;
/** Outgoing QoS>0 messages awaiting their acknowledgement. @kconfig MGOS_MQTT_MAX_INFLIGHT */
export const MAX_INFLIGHT: u16 = 8;
/** Outbox messages waiting beyond the in-flight window (cfg.maxQueueLength limits them while offline). @kconfig MGOS_MQTT_MAX_QUEUE */
export const MAX_QUEUE: u16 = 24;
/** The outbox: bytes for waiting and in-flight PUBLISH packets; the largest message that can be sent. @kconfig MGOS_MQTT_STORE_SIZE */
export const STORE_SIZE: u32 = 4096;
/** Outgoing byte buffer. @kconfig MGOS_MQTT_TX_BUF_SIZE */
export const TX_BUF_SIZE: u32 = 2048;
/** Incoming byte buffer: the largest packet that can be received. @kconfig MGOS_MQTT_RX_BUF_SIZE */
export const RX_BUF_SIZE: u32 = 3072;
/** Incoming QoS 2 packet ids remembered until their PUBREL; under MQTT 5
 *  also our Receive Maximum (unacknowledged incoming QoS 1 and 2). @kconfig MGOS_MQTT_MAX_RX_QOS2 */
export const MAX_RX_QOS2: u32 = 16;
/** Acks waiting for tx space. @kconfig MGOS_MQTT_MAX_PENDING_ACKS */
export const MAX_PENDING_ACKS: u32 = 16;
/** Bytes for client id, user, password, will topic and will message together. @kconfig MGOS_MQTT_CONFIG_STR_SIZE */
export const CONFIG_STR_SIZE: u32 = 768;
/** Time allowed between CONNECT and CONNACK, ms. @kconfig MGOS_MQTT_CONNACK_TIMEOUT_MS */
export const CONNACK_TIMEOUT_MS: u32 = 30000;

const STORE_SLOTS: u32 = MAX_INFLIGHT + MAX_QUEUE;

/** Event numbers, as Mongoose's MG_EV_CLOSE and MG_EV_MQTT_* (200 + packet type). */
export enum SessionEvent {
  CLOSE = 5,
  CONNACK = 202,
  PUBLISH = 203,
  PUBACK = 204,
  PUBREC = 205,
  PUBREL = 206,
  PUBCOMP = 207,
  SUBACK = 209,
  UNSUBACK = 211,
  PINGRESP = 213,
  /** MQTT 5: the broker's DISCONNECT (its reason in v5.pkt), before CLOSE. */
  DISCONNECT = 214,
  /** MQTT 5: an AUTH packet from the broker (v5.pkt). */
  AUTH = 215,
  /** A message dropped by the offline policy (evDrop* fields hold it). */
  DROPPED = 240,
  /** Room in the outbox after a refusal for lack of it. */
  OUTBOX_ROOM = 241,
  /** A fragment of a PUBLISH larger than the receive limit (rxPartOff, rxPartTotal). */
  PUBLISH_PART = 230,
  /** A PUBLISH larger than the receive limit was read past, discarded and acknowledged. */
  PUBLISH_SKIPPED = 231,
}

/** How a PUBLISH larger than the receive limit is being read (Session.big). */
export enum BigRx {
  NONE = 0,
  /** Its packet id is being read (its head is in rx), or its payload not yet offered. */
  UNDECIDED = 1,
  /** A handler takes the payload in fragments (PUBLISH_PART events). */
  DELIVER = 2,
  /** Read past and dropped: skipped, or a QoS 2 duplicate. */
  DISCARD = 3,
}

export enum SessionState {
  DISCONNECTED = 0,
  /** CONNECT queued, waiting for CONNACK. */
  CONNECTING = 1,
  CONNECTED = 2,
  /** DISCONNECT queued; the port closes once tx is flushed. */
  DISCONNECTING = 3,
}

/** Log levels, as mgos's LL_ERROR..LL_DEBUG. */
export enum LogLevel {
  ERROR = 0,
  WARN = 1,
  INFO = 2,
  DEBUG = 3,
}

/** Outgoing message record states. */
export enum RecState {
  FREE = 0,
  QUEUED = 1,
  WAIT_PUBACK = 2,
  WAIT_PUBREC = 3,
  WAIT_PUBCOMP = 4,
}

/** Subscription states. */
export enum SubState {
  FREE = 0,
  /** SUBSCRIBE must be sent (new, or after a reconnect). */
  SUB_PENDING = 1,
  SUB_SENT = 2,
  ACTIVE = 3,
  UNSUB_PENDING = 4,
  UNSUB_SENT = 5,
}
// (Each *_SENT is its *_PENDING + 1: pumpAcksAndSubs and enterDisconnected step between them.)

export type SessionEventFn = (s: Session, ev: i32, p: Packet | null, ud: Ptr) => void;
export type SessionLogFn = (s: Session, level: i32, msg: string, detail: Bytes, num: i32) => void;
/** Persistence of the outbox's QoS 1/2 messages (optional): PUT stores (or
 *  replaces) record `seq` with `meta` (storeMeta()) and `data` (the encoded
 *  PUBLISH; empty once only its PUBREL is due), DEL removes it. */
export type SessionStoreFn = (s: Session, op: u8, seq: u32, meta: u32, data: Bytes) => void;

/** SessionStoreFn operations. */
export enum StoreOp {
  PUT = 1,
  DEL = 2,
}

/** A persisted record's meta word: state (RecState) << 24 | QoS << 16 | packet id. */
export function storeMeta(state: u8, qos: u8, id: u16): u32 {
  return u32((state << 24) | (qos << 16) | id);
}

/** Connection settings (the mqtt config section's protocol part). Empty string = not set. */
export class SessionConfig {
  keepAlive: u16 = 60;
  cleanSession: bool = true;
  willRetain: bool = false;
  maxQos: u8 = 2;
  /** Largest incoming packet accepted (recv_mbuf_limit); capped by RX_BUF_SIZE. */
  recvLimit: u32 = 3072;
  /** Messages kept waiting while offline (max_queue_length); 0 = none. */
  maxQueueLength: u32 = 5;
  /** Offline and max_queue_length reached: drop the oldest waiting message
   *  (DROPPED event) instead of refusing the new one (max_queue_drop_oldest). */
  dropOldest: bool = false;
  /** Protocol level: 4 (MQTT 3.1.1) or 5 (MQTT 5.0). */
  version: u8 = 4;
  /** MQTT 5: Session Expiry Interval sent in CONNECT, seconds. */
  sessionExpiry: u32 = 0;
  /** MQTT 5: the Maximum Packet Size we announce; 0: recvLimit(). */
  maxPacket: u32 = 0;
  /** Bytes of `wire` in use. */
  wireLen: u32 = 0;
  /** The CONNECT flags the strings set: will, user name, password (3.1.2.3). */
  strFlags: u8 = 0;
  /** CONNECT's payload (3.1.3) as it goes out, each string after its 2-byte
   *  length: client id, will topic and message (when both are set), user
   *  name, password (when set). Kept so, connect() sends it in one copy.
   *  (Last: the scalars above stay at short offsets.) */
  wire: Uint8Array = new Uint8Array(CONFIG_STR_SIZE + 10);

  /** Stores the five strings. Returns null when accepted, else what is wrong
   *  (the config is then left unchanged; "" in a build without logs). */
  setStrings(clientId: Bytes, user: Bytes, pass: Bytes, willTopic: Bytes, willMessage: Bytes): string | null {
    const e: string | null = configStringsError(clientId, user, pass, willTopic, willMessage);
    if (e !== null) return e;
    const w: Bytes = this.wire;
    let at: u32 = putString(w, 0, clientId);
    let f: u8 = 0;
    // The will only when both topic and message are set (behaviour.md).
    if (willTopic.length > 0 && willMessage.length > 0) {
      at = putString(w, putString(w, at, willTopic), willMessage);
      f = CONNECT_WILL;
    }
    if (user.length > 0) {
      at = putString(w, at, user);
      f = u8(f | CONNECT_USER_NAME);
    }
    if (pass.length > 0) {
      at = putString(w, at, pass);
      f = u8(f | CONNECT_PASSWORD);
    }
    this.wireLen = at;
    this.strFlags = f;
    return null;
  }

  /** The client id, a view into `wire`. */
  clientId(): Bytes {
    return wireString(this.wire, 0);
  }

  /** The config as ConnectOptions, views into `wire` (MQTT 5 encodes them
   *  with its properties). Returns `o`. */
  options(o: ConnectOptions): ConnectOptions {
    const w: Bytes = this.wire;
    const f: u8 = this.strFlags;
    o.clientId = wireString(w, 0);
    let at: u32 = u32(2 + o.clientId.length);
    o.willTopic = noBytes();
    o.willMessage = noBytes();
    o.userName = noBytes();
    o.password = noBytes();
    if ((f & CONNECT_WILL) !== 0) {
      o.willTopic = wireString(w, at);
      at = u32(at + 2 + o.willTopic.length);
      o.willMessage = wireString(w, at);
      at = u32(at + 2 + o.willMessage.length);
    }
    if ((f & CONNECT_USER_NAME) !== 0) {
      o.userName = wireString(w, at);
      at = u32(at + 2 + o.userName.length);
    }
    if ((f & CONNECT_PASSWORD) !== 0) o.password = wireString(w, at);
    // (willQos stays 0: the config has no will QoS.)
    o.willRetain = this.willRetain;
    o.cleanSession = this.cleanSession;
    o.keepAlive = this.keepAlive;
    return o;
  }
}

/** The string with its 2-byte length at `at` of `w` (SessionConfig.wire). */
function wireString(w: Bytes, at: u32): Bytes {
  const n: u32 = u32((w[at] << 8) | w[at + 1]);
  return w.subarray(u32(at + 2), u32(at + 2 + n));
}

/** One outgoing QoS>0 message (or, once PUBREC came, just its PUBREL). */
export class OutMsg {
  state: u8 = RecState.FREE;
  qos: u8 = 0;
  packetId: u16 = 0;
  /** The encoded PUBLISH in Session.store (len 0 once it is no longer needed). */
  off: u32 = 0;
  len: u32 = 0;
  /** The packet for the current state went into tx at least once (a resend sets DUP). */
  sent: bool = false;
  /** The packet for the current state must be (re)sent (always while QUEUED). */
  unsent: bool = false;
  /** Its PUBLISH is encoded for MQTT 5 (else 3.1.1); sent under the other
   *  version it is re-encoded on the way out (session5.ts convertedPart).
   *  (Here: in the padding after the bools.) */
  v5: bool = false;
  /** Bytes of the packet already copied into tx while it is streamed (0: not begun). */
  done: u32 = 0;
  /** Its persisted record (0: not persisted). */
  seq: u32 = 0;
}

export class Sub {
  state: u8 = SubState.FREE;
  qos: u8 = 0;
  /** SUBACK return code (0..2, 0x80 failure) once acknowledged. */
  granted: u8 = 0;
  /** Id of the pending/sent SUBSCRIBE or UNSUBSCRIBE; 0 when none. */
  packetId: u16 = 0;
  tag: i32 = 0;
  filterLen: u32 = 0;
  /** Last: the scalars above stay at short offsets. */
  filter: Uint8Array = new Uint8Array(MAX_FILTER_LEN);

  view(): Bytes {
    return this.filter.subarray(0, this.filterLen);
  }
}

/** A dropped message's PUBLISH read back (dropRec): shared by all sessions,
 *  the DROPPED event takes its views. */
const dropScratch: Packet = new Packet();

function minU32(a: u32, b: u32): u32 {
  return a < b ? a : b;
}

/** Milliseconds from `then` to `now` on a wrapping u32 clock. */
function elapsed(now: u32, then: u32): u32 {
  return u32(now - then);
}

/** Milliseconds until `period` has passed since `then` (0 if it has). */
function left(now: u32, then: u32, period: u32): u32 {
  const e: u32 = elapsed(now, then);
  return e >= period ? 0 : u32(period - e);
}

/** The length of the whole packet whose fixed header starts at tx[at]
 *  (packets in tx are our own encodings, so the header is valid). */
function packetLenAt(tx: Bytes, at: u32): u32 {
  let rem: u32 = 0;
  let shift: u32 = 0;
  let i: u32 = u32(at + 1);
  while (i < tx.length && shift <= 21) {
    const b: u8 = tx[i];
    rem = u32(rem | u32(u32(b & 0x7f) << shift));
    shift = u32(shift + 7);
    i = u32(i + 1);
    if ((b & 0x80) === 0) break;
  }
  return u32(u32(i - at) + rem);
}

/** A close reason's text (closeReason, the log): only logs read it, so a
 *  build without logs (LOG_LEVEL 0) carries none and closeReason is "". */
function txt(s: string): string {
  return LOG_LEVEL > 0 ? s : "";
}

/** A CONNACK refusal's return code (1..5: the decoder rejects codes above 5)
 *  -> the reason for closeReason and the log ("server refused the
 *  connection: <reason>", mgos/conn.ts). */
export function connackReason(code: u8): string {
  switch (code) {
    case 1:
      return "unacceptable protocol version";
    case 2:
      return "identifier rejected";
    case 3:
      return "server unavailable";
    case 4:
      return "bad user name or password";
    default:
      return "not authorized";
  }
}

export class Session {
  // Field order is flash: the most used scalars first, bytes before words, so
  // that Thumb's 2-byte loads and stores reach them (offsets below 32 for a
  // byte, 128 for a word); tables and buffers last.
  state: u8 = SessionState.DISCONNECTED;
  /** tx ends inside a packet being streamed from the store (the record with
   *  done > 0): nothing else may enter tx until its last byte has. */
  streaming: bool = false;
  /** The port must close the transport (see wantsClose). */
  closing: bool = false;
  /** During PUBLISH (QoS > 0) and PUBREL events: the session acknowledges
   *  (PUBACK, PUBREC, PUBCOMP) after the event unless the handler clears it;
   *  then the application acknowledges itself (mg_mqtt_puback & co.). */
  autoAck: bool = true;
  pingOutstanding: bool = false;
  /** A publish was refused for lack of room: OUTBOX_ROOM is due when room frees. */
  roomWanted: bool = false;
  /** During and after CLOSE: whether CONNACK had been accepted (closeReason: why). */
  wasConnected: bool = false;
  /** Why the last publish() returned 0 (MGOS_MQTT_ERR; OK after a success). */
  lastError: u8 = MGOS_MQTT_ERR.OK;
  /** How a PUBLISH larger than recvLimit() is being read (see bigFeed). */
  big: u8 = BigRx.NONE;
  /** A PUBLISH_PART handler sets this on a message's first fragment to take
   *  the rest; otherwise the message is skipped (PUBLISH_SKIPPED). */
  rxTake: bool = false;
  /** MQTT 5: reason code of the DISCONNECT we send. */
  discReason: u8 = 0;
  /** MQTT 5: subscription options (bits 2-5) and Subscription Identifier
   *  (nextSubId) for the next subscribe() (the API sets and clears them). */
  nextOpts5: u8 = 0;
  /** During DROPPED: the message's id, QoS, reason (MGOS_MQTT_DROP), topic
   *  and payload (views into store). */
  evDropQos: u8 = 0;
  evDropReason: u8 = 0;
  evDropId: u16 = 0;
  lastId: u16 = 0;
  txLen: u32 = 0;
  /** Bumped whenever a connection starts or ends, so a loop can tell that an
   *  event handler closed or reconnected under it. */
  epoch: u32 = 0;
  recCount: u32 = 0;
  storeUsed: u32 = 0;
  subCount: u32 = 0;
  now: u32 = 0;
  lastTx: u32 = 0;
  /** Bytes at the head of tx that finish a packet the port already began to
   *  write: they must go out whole before anything else may be dropped. */
  txHeadLeft: u32 = 0;
  rxLen: u32 = 0;
  rxQos2Count: u32 = 0;
  ackHead: u32 = 0;
  ackCount: u32 = 0;
  // A PUBLISH larger than recvLimit() is streamed instead of buffered: its
  // head (fixed header, topic as far as the limit) gathers in rx (bigHead),
  // the rest passes through in fragments, the ack goes after its last byte
  // (see bigFeed).
  /** Bytes of that packet consumed so far, of bigTotal. */
  bigPos: u32 = 0;
  bigTotal: u32 = 0;
  /** Where its topic ends; where its packet id ends (its topic is pkt.topic,
   *  cut when rx could not hold it). */
  bigTopicEnd: u32 = 0;
  bigIdEnd: u32 = 0;
  bigId: u16 = 0;
  /** Where its payload starts (0: not known yet; MQTT 5 has properties first). */
  bigPayAt: u32 = 0;
  /** During PUBLISH_PART: the fragment's offset in the payload. During
   *  PUBLISH_PART and PUBLISH_SKIPPED: the payload's whole size and the
   *  topic's real length (the topic view is cut when it did not fit). */
  rxPartOff: u32 = 0;
  rxPartTotal: u32 = 0;
  rxTopicLen: u32 = 0;
  /** When bytes last came from the broker (the keepalive checks it is alive). */
  lastRx: u32 = 0;
  connectStart: u32 = 0;
  pingSentAt: u32 = 0;
  /** Sequence number of the next persisted record (publish order across restarts). */
  nextSeq: u32 = 1;
  /** During SUBACK/UNSUBACK events: the tag of the subscription answered (-1: unknown id). */
  evTag: i32 = -1;

  onEvent: SessionEventFn | null = null;
  onLog: SessionLogFn | null = null;
  /** Set to persist the outbox (mgos persist.ts); null: nothing is stored.
   *  Called only in a build with PERSIST_SUPPORT (Kconfig MGOS_MQTT_PERSIST_SUPPORT). */
  onStore: SessionStoreFn | null = null;
  ud: Ptr = null;
  /** During and after CLOSE: why (text for the log). */
  closeReason: string = "";
  /** The port's storage slot for onStore (mgos persist.ts). */
  storeSlot: i32 = 0;
  nextSubId: u32 = 0;
  evDropTopic: Bytes = noBytes();
  evDropPayload: Bytes = noBytes();

  /** The packet being handled (views into rx). */
  pkt: Packet = new Packet();
  rxQos2: Uint16Array = new Uint16Array(MAX_RX_QOS2);
  /** Ring of acks (type << 16 | id) waiting for tx space. */
  acks: Uint32Array = new Uint32Array(MAX_PENDING_ACKS);
  /** The outbox's records, in publish order (see the top of the file). */
  recs: OutMsg[] = structs(STORE_SLOTS, OutMsg);
  subs: Sub[] = structs(MAX_SUBSCRIPTIONS, Sub);
  /** MQTT 5, per subscription (index as subs): options beyond the QoS (No
   *  Local, Retain As Published, Retain Handling: bits 2-5 of the options
   *  byte) and the Subscription Identifier (0: none). A byte each when MQTT 5
   *  is compiled out. */
  subOpts5: Uint8Array = new Uint8Array(SUB5_SLOTS);
  subIds: Uint32Array = new Uint32Array(SUB5_SLOTS);
  /** After the tables: its CONNECT strings (MGOS_MQTT_CONFIG_STR_SIZE) would
   *  put them out of reach of short loads and stores. */
  cfg: SessionConfig = new SessionConfig();
  /** MQTT 5: what this connection negotiated, topic aliases (session5.ts). */
  v5s: V5State[] = structs(V5_ONE, V5State);
  /** MQTT 5: the config's CONNECT options (SessionConfig.options), built by
   *  connect() to encode them with the properties. None without MQTT 5. */
  v5Connect: ConnectOptions[] = structs(V5_ONE, ConnectOptions);
  tx: Uint8Array = new Uint8Array(TX_BUF_SIZE);
  rx: Uint8Array = new Uint8Array(RX_BUF_SIZE);
  /** The outbox's bytes: encoded PUBLISH packets (storeUsed of them). */
  store: Uint8Array = new Uint8Array(STORE_SIZE);

  /** This session speaks MQTT 5 (cfg.version 5, and compiled in). */
  isV5(): bool {
    return MQTT5_SUPPORT !== 0 && this.cfg.version === 5;
  }

  /** Copies a whole config in (the caller's may then go away). */
  configure(c: SessionConfig): void {
    copy(this.cfg, c);
  }

  /** mgos_mqtt_set_max_qos: caps the QoS of later publishes and subscriptions. */
  setMaxQos(q: u8): void {
    this.cfg.maxQos = q > 2 ? 2 : q;
  }

  isConnected(): bool {
    return this.state === SessionState.CONNECTED;
  }

  // ---------------------------------------------------------------- transport

  /** Starts a connection: queues CONNECT built from cfg. False if one is already
   *  under way or CONNECT does not fit the tx buffer. */
  connect(now: u32): bool {
    if (!this.opening(now)) return this.stillOpen();
    const c: SessionConfig = this.cfg;
    let n: u32;
    if (this.isV5()) n = this.encodeConnect5(c.options(this.v5Connect[0]));
    else {
      // The config's strings were checked and laid out when they were set
      // (setStrings): the flags they need are in strFlags.
      let f: u8 = c.strFlags;
      if (c.cleanSession) f = u8(f | CONNECT_CLEAN_SESSION);
      if (c.willRetain && (f & CONNECT_WILL) !== 0) f = u8(f | CONNECT_WILL_RETAIN);
      n = writeConnectPayload(this.tx, f, c.keepAlive, c.wire.subarray(0, c.wireLen));
    }
    return this.opened(n, false, now);
  }

  /** Starts a connection with a CONNECT built by the caller (a connect_fn's
   *  mg_send_mqtt_handshake_opt). The session keeps nothing from `o`. */
  connectWith(o: ConnectOptions, now: u32): bool {
    if (!this.opening(now)) return this.stillOpen();
    const n: u32 = this.isV5() ? this.encodeConnect5(o) : encodeConnect(this.tx, o);
    return this.opened(n, o.password.length > 0 && o.userName.length === 0, now);
  }

  /** Before CONNECT is encoded: false when a connection is still under way
   *  (the caller logs it: stillOpen). */
  private opening(now: u32): bool {
    this.now = now;
    if (this.state !== SessionState.DISCONNECTED || this.closing) return false;
    this.dropLink();
    return true;
  }

  /** connect() refused by opening(): its error line, false. Apart, so that
   *  opening() (called twice) stays small enough to be inlined. */
  private stillOpen(): bool {
    // Connected or connecting (the state in the log: 1..3), or the port has
    // not dropped the previous transport yet (wantsClose(); state 0).
    this.logNum(LogLevel.ERROR, "connect: still open", i32(this.state));
    return false;
  }

  /** CONNECT (`n` bytes, 0: not encoded; `bad`: for a password without a
   *  user name) is in tx: the connection starts. */
  private opened(n: u32, bad: bool, now: u32): bool {
    if (n === 0) {
      // The same words as setStrings() for the same mistake.
      this.logNum(LogLevel.ERROR, bad ? "password without user name" : "CONNECT too big or invalid", 0);
      return false;
    }
    this.txLen = n;
    this.discReason = 0;
    this.state = SessionState.CONNECTING;
    this.epoch++;
    // (closing is false: opening() checked it.)
    this.pingOutstanding = false;
    this.connectStart = now;
    this.lastTx = now;
    this.lastRx = now;
    return true;
  }

  /** CONNECT for MQTT 5 (3.1.2.11): Session Expiry, Receive Maximum, Maximum
   *  Packet Size, Topic Alias Maximum, and what the application set. */
  private encodeConnect5(o: ConnectOptions): u32 {
    const v: V5State = this.v5s[0];
    const p: Props5 = v.props;
    v.startConnection();
    p.reset();
    if (this.cfg.sessionExpiry > 0) {
      p.sessionExpiry = this.cfg.sessionExpiry;
      p.set(PropId.SESSION_EXPIRY);
    }
    // Incoming QoS 1/2 exchanges we keep track of (the QoS 2 table).
    p.receiveMaximum = u16(MAX_RX_QOS2);
    p.set(PropId.RECEIVE_MAXIMUM);
    p.maximumPacketSize = this.maxPacket5();
    p.set(PropId.MAXIMUM_PACKET_SIZE);
    if (TOPIC_ALIASES > 0) {
      p.topicAliasMaximum = u16(TOPIC_ALIASES);
      p.set(PropId.TOPIC_ALIAS_MAXIMUM);
    }
    if (v.requestResponseInfo) {
      p.requestResponseInfo = 1;
      p.set(PropId.REQUEST_RESPONSE_INFO);
    }
    if (v.authMethodLen > 0) {
      p.authMethod = v.authMethod.subarray(0, v.authMethodLen);
      p.set(PropId.AUTH_METHOD);
      if (v.authDataLen > 0) {
        p.authData = v.authData.subarray(0, v.authDataLen);
        p.set(PropId.AUTH_DATA);
      }
    }
    p.extra = v.connectUser.subarray(0, v.connectUserLen);
    // The will's properties, as the config or the API set them (mgos/mqtt5.ts).
    const w: Props5 = v.will;
    // An empty client id reuses the one the broker assigned (session5.ts).
    const cid: Bytes = o.clientId;
    o.clientId = v.clientIdFor(cid, this.cfg.sessionExpiry);
    const n: u32 = encodeConnect5(this.tx, o, p, w);
    o.clientId = cid;
    p.reset();
    return n;
  }

  /** MQTT 5: the Maximum Packet Size we announce: max_packet_size, or what
   *  we can buffer when 0. PUBLISHes between the two are streamed. */
  maxPacket5(): u32 {
    const m: u32 = this.cfg.maxPacket;
    return m === 0 ? this.recvLimit() : m;
  }

  /** Bytes waiting to be written to the transport. */
  txView(): Bytes {
    return this.tx.subarray(0, this.txLen);
  }

  /** The port wrote the first `n` bytes of txView(). */
  txConsumed(n: u32): void {
    if (n > this.txLen) n = this.txLen;
    // Walk the packets written (after the rest of one begun before): the
    // last one may be cut, remember its tail.
    let at: u32 = this.txHeadLeft;
    while (at < n) at = u32(at + packetLenAt(this.tx, at));
    this.txHeadLeft = u32(at - n);
    copyBytes(this.tx, 0, this.tx.subarray(n, this.txLen));
    this.txLen = u32(this.txLen - n);
    if (this.state === SessionState.DISCONNECTING && !this.closing) this.queueDisconnect();
    // Space freed: packets that did not fit may go now.
    this.pump();
    this.maybeRoom();
  }

  /** True when the port should close the transport now (after a DISCONNECT was
   *  flushed, or right away after a protocol error). Then call connectionLost(). */
  wantsClose(): bool {
    return this.closing && this.txLen === 0;
  }

  /** The transport is gone (closed by us or by the peer). */
  connectionLost(now: u32): void {
    this.now = now;
    if (this.state === SessionState.DISCONNECTED) {
      // An MQTT 5 error DISCONNECT still in tx cannot go out any more.
      this.txLen = 0;
      this.txHeadLeft = 0;
    } else {
      this.enterDisconnected(this.state === SessionState.DISCONNECTING ? txt("disconnected") : txt("connection lost"));
    }
    this.closing = false;
  }

  /** Ends the connection for `reason`: the session state is settled at once
   *  (CLOSE event) and wantsClose() tells the port to drop the transport. */
  close(reason: string): void {
    if (this.state === SessionState.DISCONNECTED) return;
    this.logNum(LogLevel.ERROR, reason, 0);
    this.closeQuietly(reason);
  }

  /** close() without its log line, for a reason the caller has logged. */
  private closeQuietly(reason: string): void {
    if (this.state === SessionState.DISCONNECTED) return;
    // Before the CLOSE event: a handler that reconnects must see that the old
    // transport still has to go (connectionLost() clears it).
    this.closing = true;
    this.enterDisconnected(reason);
  }

  /** Queues DISCONNECT; wantsClose() turns true once it is flushed. */
  disconnect(): bool {
    if (this.state !== SessionState.CONNECTED && this.state !== SessionState.CONNECTING) return false;
    this.state = SessionState.DISCONNECTING;
    this.queueDisconnect();
    return true;
  }

  /** Puts DISCONNECT into tx and lets the port close once it is written. */
  private queueDisconnect(): void {
    // A packet half streamed into tx must end first: txConsumed() calls again.
    if (this.streaming) return;
    let n: u32 = 0;
    while (true) {
      n = this.encodeDisconnect(this.txFree());
      // Still no room (the rest of one big packet): txConsumed() calls again.
      if (n > 0 || this.txLen <= this.txHeadLeft) break;
      // No room: the connection ends anyway, so the whole packets waiting make
      // way for it. A packet the port has begun must still be finished, or the
      // broker would read the DISCONNECT as part of it.
      this.logNum(LogLevel.WARN, "disconnect: tx full, dropped", i32(this.txLen - this.txHeadLeft));
      this.txLen = this.txHeadLeft;
    }
    if (n === 0) return;
    this.sent(n);
    this.closing = true;
  }

  /** DISCONNECT: MQTT 5 with discReason (the same 2 bytes for 0). */
  private encodeDisconnect(out: Bytes): u32 {
    if (!this.isV5()) return writeSimple(out, PacketType.DISCONNECT);
    const p: Props5 = this.v5s[0].props;
    p.reset();
    return encodeDisconnect5(out, this.discReason, p);
  }

  /** MQTT 5: a protocol error of the broker's is answered by DISCONNECT with
   *  `code` (4.13.1) before the connection closes; 3.1.1 just closes. */
  protocolError(code: u8, why: string): void {
    if (this.state === SessionState.DISCONNECTED) return;
    if (!this.isV5()) {
      this.close(why);
      return;
    }
    this.log(LogLevel.ERROR, why, strBytes(reasonName(PacketType.DISCONNECT, code)), i32(code));
    // Only when no packet is cut half way in tx: the DISCONNECT must be whole on the wire.
    const clean: bool = this.txHeadLeft === 0 && !this.streaming;
    const ep: u32 = this.epoch;
    this.closeQuietly(why);
    if (!clean || this.epoch !== u32(ep + 1) || !this.closing) return;
    this.discReason = code;
    this.txLen = this.encodeDisconnect(this.tx);
    this.discReason = 0;
  }

  /** Milliseconds until tick() next has something to do, at most `cap`. */
  nextTickIn(now: u32, cap: u32): u32 {
    const ka: u32 = this.cfg.keepAlive * 1000;
    let since: u32 = this.connectStart;
    let period: u32 = CONNACK_TIMEOUT_MS;
    if (this.state === SessionState.CONNECTED && ka > 0) {
      period = ka;
      since = this.lastTx;
      if (this.pingOutstanding) {
        since = this.pingSentAt;
        period = ka >>> 1;
      } else if (!this.streaming && elapsed(now, this.lastRx) > elapsed(now, this.lastTx)) {
        // The older of the last packet sent and the last received is due first.
        since = this.lastRx;
      }
    } else if (this.state !== SessionState.CONNECTING) {
      return cap;
    }
    return minU32(cap, left(now, since, period));
  }

  /** Keepalive and CONNACK timeout. Call every few hundred ms, or after nextTickIn(). */
  tick(now: u32): void {
    this.now = now;
    // The one timer of the state is due (nextTickIn() says when: only
    // CONNECTING and CONNECTED with a keep_alive have one).
    if (this.nextTickIn(now, 1) === 0) {
      const connecting: bool = this.state === SessionState.CONNECTING;
      if (connecting || this.pingOutstanding) {
        this.close(connecting ? txt("no CONNACK in time") : txt("no PINGRESP in time"));
        return;
      }
      // While a large packet streams out (no PINGREQ can enter tx) a quiet
      // broker is checked once it is out; a stream that stops moving is not.
      // PINGREQ when keep_alive passed without a sent packet (MQTT-3.1.2-23),
      // or without a received one: a dead broker is then noticed within
      // 1.5 x keep_alive of its last word. If tx is full the ping timer
      // starts anyway: a connection that cannot send for that long is dead.
      const n: u32 = writeSimple(this.txFree(), PacketType.PINGREQ);
      if (n === 0) this.logNum(LogLevel.WARN, "tx full, no PINGREQ", 0);
      else {
        this.sent(n);
        this.logNum(LogLevel.DEBUG, "PINGREQ", 0);
      }
      this.pingOutstanding = true;
      this.pingSentAt = now;
    }
    if (this.state !== SessionState.CONNECTED) return;
    this.pump();
    this.maybeRoom();
  }

  // ---------------------------------------------------------------- API

  /** Next packet id: never 0, wraps after 65535, skips ids in use. */
  nextPacketId(): u16 {
    for (let tries: u32 = 0; tries < 65535; tries++) {
      this.lastId = this.lastId === 65535 ? 1 : u16(this.lastId + 1);
      if (!this.idInUse(this.lastId)) return this.lastId;
    }
    return 0;
  }

  /** Publishes (the delivery rule, delivery.ts). Returns the packet id (for
   *  QoS 0 a fresh id that is not on the wire, as mgos_mqtt_pub) once the
   *  message is the client's, else 0 with `lastError` set and nothing taken.
   *  QoS is capped by cfg.maxQos. The message goes into tx now when nothing
   *  waits before it, else into the outbox (store), in publish order. */
  publish(topic: Bytes, payload: Bytes, qos: u8, retain: bool, now: u32): u16 {
    this.now = now;
    if (qos > 2) {
      this.log(LogLevel.ERROR, "bad QoS", topic, i32(qos));
      return this.refuse(MGOS_MQTT_ERR.INVALID);
    }
    if (!sendableTopic(topic, false)) {
      this.log(LogLevel.ERROR, "invalid topic", topic, 0);
      return this.refuse(MGOS_MQTT_ERR.INVALID);
    }
    let q: u8 = qos > this.cfg.maxQos ? this.cfg.maxQos : qos;
    const v5: bool = this.isV5();
    let pl: i32 = 0;
    if (v5) {
      // The broker's Maximum QoS (3.2.2.3.4): a higher QoS would be a protocol error.
      if (q > this.v5s[0].serverMaxQos) q = this.v5s[0].serverMaxQos;
      pl = propsSize(this.v5s[0].pubProps, PacketType.PUBLISH);
      if (pl < 0) {
        this.log(LogLevel.ERROR, "invalid MQTT 5 properties", topic, 0);
        return this.refuse(MGOS_MQTT_ERR.INVALID);
      }
    }
    const size: u32 = v5 ? publishSize5(topic.length, payload.length, q, u32(pl)) : publishSize(topic.length, payload.length, q);
    if (size === 0) {
      this.log(LogLevel.ERROR, "too big for MQTT", topic, i32(payload.length));
      return this.refuse(MGOS_MQTT_ERR.TOO_BIG);
    }
    const connected: bool = this.state === SessionState.CONNECTED;
    const smax: u32 = v5 ? this.v5s[0].serverMaxPacket : 0;
    if (v5 && connected && smax > 0 && size > smax) {
      this.log(LogLevel.ERROR, "too big for the broker's Maximum Packet Size", topic, i32(size));
      return this.refuse(MGOS_MQTT_ERR.TOO_BIG);
    }
    // A QoS 0 message goes straight into tx when nothing waits before it and
    // it fits (topic and size are checked above: written as it is); MQTT 5
    // QoS 0 goes through the outbox too (topic aliases are put in on the way out).
    let direct: bool = false;
    if (q === 0) {
      // QoS 0 is not kept for a later connection (MQTT's "at most once").
      if (!connected) {
        this.log(LogLevel.DEBUG, "QoS 0 while not connected", topic, 0);
        return this.refuse(MGOS_MQTT_ERR.NOT_CONNECTED);
      }
      // (A record streaming out is unsent until whole: nothing streams then.)
      direct = !v5 && this.waitingToSend() === 0 && size <= u32(TX_BUF_SIZE - this.txLen);
    }
    if (!direct) {
      if (size > STORE_SIZE) {
        this.log(LogLevel.ERROR, "too big for MGOS_MQTT_STORE_SIZE", topic, i32(size));
        return this.refuse(MGOS_MQTT_ERR.TOO_BIG);
      }
      if (!connected) {
        const limit: u32 = this.cfg.maxQueueLength;
        if (limit === 0) {
          this.log(LogLevel.DEBUG, "offline and max_queue_length is 0", topic, 0);
          return this.refuse(MGOS_MQTT_ERR.NOT_CONNECTED);
        }
        while (this.queuedCount() >= limit) {
          if (!this.cfg.dropOldest || !this.dropOldestWaiting(MGOS_MQTT_DROP.QUEUE_FULL)) {
            this.roomWanted = true;
            this.log(LogLevel.DEBUG, "offline queue full (max_queue_length)", topic, i32(limit));
            return this.refuse(MGOS_MQTT_ERR.QUEUE_FULL);
          }
        }
      }
      while (this.recCount >= STORE_SLOTS || u32(STORE_SIZE - this.storeUsed) < size) {
        // Connected, a full outbox is backpressure: never drop, the app retries.
        if (connected || !this.cfg.dropOldest || !this.dropOldestWaiting(MGOS_MQTT_DROP.OUTBOX_FULL)) {
          this.roomWanted = true;
          this.log(LogLevel.DEBUG, "outbox full", topic, i32(size));
          return this.refuse(MGOS_MQTT_ERR.FULL);
        }
      }
    }
    // (For QoS 0 a fresh id that is not on the wire.)
    const id: u16 = this.nextPacketId();
    if (id === 0) {
      this.log(LogLevel.WARN, "no packet id free", topic, 0);
      return this.refuse(MGOS_MQTT_ERR.FULL);
    }
    // There is room for `size` bytes in tx or the store; the topic was checked first.
    const dst: Bytes = direct ? this.txFree() : this.store.subarray(this.storeUsed);
    let n: u32 = 0;
    if (v5) {
      n = encodePublish5(dst, topic, payload, q, retain, false, q > 0 ? id : 0, this.v5s[0].pubProps);
      if (n === 0) {
        this.log(LogLevel.ERROR, "PUBLISH encoding failed", topic, 0);
        return this.refuse(MGOS_MQTT_ERR.INVALID);
      }
    } else {
      // (Never 0: sized and checked above.)
      n = writePublish(dst, topic, payload, q, retain, id);
    }
    if (direct) {
      this.sent(n);
      this.lastError = MGOS_MQTT_ERR.OK;
      return id;
    }
    const r: OutMsg = this.recs[this.recCount];
    r.state = RecState.QUEUED;
    r.qos = q;
    r.packetId = id;
    r.v5 = v5;
    r.off = this.storeUsed;
    r.len = n;
    r.sent = false;
    r.unsent = true;
    r.done = 0;
    r.seq = 0;
    this.recCount++;
    this.storeUsed += n;
    // Persisted before the id is returned: an accepted message survives a restart.
    if (PERSIST_SUPPORT !== 0 && q > 0 && this.onStore !== null) {
      r.seq = this.nextSeq;
      this.nextSeq = this.nextSeq === 0xffffffff ? 1 : u32(this.nextSeq + 1);
      this.persist(StoreOp.PUT, r);
    }
    this.pump();
    // A DROPPED handler above may have published and been refused: this one was not.
    this.lastError = MGOS_MQTT_ERR.OK;
    return id;
  }

  /** Hands record r to the store callback (PUT: its state and bytes, DEL). */
  private persist(op: u8, r: OutMsg): void {
    const f: SessionStoreFn | null = this.onStore;
    if (PERSIST_SUPPORT === 0 || f === null || r.seq === 0) return;
    // Only the state that matters after a restart: waiting for PUBCOMP, or not.
    const st: u8 = r.state === RecState.WAIT_PUBCOMP ? RecState.WAIT_PUBCOMP : RecState.QUEUED;
    // Bit 7 of the state byte: the PUBLISH is MQTT 5 encoded.
    f(this, op, r.seq, storeMeta(u8(st | (r.v5 ? 0x80 : 0)), r.qos, r.packetId), this.store.subarray(r.off, u32(r.off + r.len)));
  }

  /** Puts a persisted record back (at start-up, before connecting): a PUBLISH
   *  waiting to be sent, or (state WAIT_PUBCOMP, no data) a QoS 2 message whose
   *  PUBREL is due. False when it does not fit or is not a valid record. */
  restore(seq: u32, meta: u32, data: Bytes): bool {
    const st: u8 = u8((meta >>> 24) & 0x7f);
    // Encoded for MQTT 5 (bit 7): sendable only with MQTT 5 compiled in.
    const m5: bool = (meta & 0x80000000) !== 0;
    if (m5 && MQTT5_SUPPORT === 0) return false;
    const qos: u8 = u8((meta >>> 16) & 0xff);
    const id: u16 = u16(meta);
    if (seq === 0 || id === 0 || (qos !== 1 && qos !== 2) || this.recCount >= STORE_SLOTS || this.idInUse(id)) return false;
    if (st === RecState.WAIT_PUBCOMP) {
      if (qos !== 2 || data.length > 0) return false;
    } else if (st !== RecState.QUEUED || data.length < 4 || data.length > u32(STORE_SIZE - this.storeUsed) || (data[0] >>> 4) !== PacketType.PUBLISH) {
      return false;
    }
    const r: OutMsg = this.recs[this.recCount];
    r.state = st;
    r.qos = qos;
    r.packetId = id;
    r.v5 = m5;
    r.off = this.storeUsed;
    r.len = data.length;
    r.sent = st === RecState.WAIT_PUBCOMP;
    r.unsent = true;
    r.done = 0;
    r.seq = seq;
    copyBytes(this.store, this.storeUsed, data);
    this.storeUsed += data.length;
    this.recCount++;
    if (seq >= this.nextSeq) this.nextSeq = seq === 0xffffffff ? 1 : u32(seq + 1);
    return true;
  }

  /** publish() refusing (after its log line): sets lastError, returns 0. */
  private refuse(err: u8): u16 {
    this.lastError = err;
    return 0;
  }

  /** Bytes a new message may take now without dropping anything (0: none
   *  can be taken: no record slot, or offline with max_queue_length waiting).
   *  A message needs publishSize() bytes: topic + payload + 4..9. */
  outboxRoom(): u32 {
    if (this.recCount >= STORE_SLOTS) return 0;
    if (this.state !== SessionState.CONNECTED && this.queuedCount() >= this.cfg.maxQueueLength) return 0;
    return u32(STORE_SIZE - this.storeUsed);
  }

  /** OUTBOX_ROOM once room is back after a refusal for lack of it. */
  private maybeRoom(): void {
    if (!this.roomWanted || this.outboxRoom() === 0) return;
    this.roomWanted = false;
    this.emit(SessionEvent.OUTBOX_ROOM, null);
  }

  /** Records whose packet still has to enter tx. */
  private waitingToSend(): u32 {
    let n: u32 = 0;
    for (let i: u32 = 0; i < this.recCount; i++) {
      const r: OutMsg = this.recs[i];
      if (r.unsent) n++;
    }
    return n;
  }

  /** Adds a subscription (sent now when connected, else after CONNACK, and
   *  again after every CONNACK). Returns the SUBSCRIBE's packet id, 0 if rejected. */
  subscribe(filter: Bytes, qos: u8, tag: i32): u16 {
    if (qos > 2) {
      this.log(LogLevel.ERROR, "bad QoS", filter, i32(qos));
      return 0;
    }
    if (!sendableTopic(filter, true)) {
      this.log(LogLevel.ERROR, "invalid topic", filter, 0);
      return 0;
    }
    if (filter.length > MAX_FILTER_LEN) {
      this.log(LogLevel.ERROR, "filter > MAX_FILTER_LEN", filter, i32(filter.length));
      return 0;
    }
    if (this.subCount >= MAX_SUBSCRIPTIONS) {
      this.log(LogLevel.ERROR, "subscribe: table full", filter, 0);
      return 0;
    }
    const s: Sub = this.subs[this.subCount];
    copyBytes(s.filter, 0, filter);
    s.filterLen = filter.length;
    s.qos = qos > this.cfg.maxQos ? this.cfg.maxQos : qos;
    s.granted = 0;
    s.tag = tag;
    if (MQTT5_SUPPORT !== 0) {
      this.subOpts5[this.subCount] = this.nextOpts5;
      this.subIds[this.subCount] = this.nextSubId;
    }
    s.state = SubState.SUB_PENDING;
    // (packetId is 0 in a free slot: nextPacketId() skips no stale id.)
    this.subCount++;
    s.packetId = this.nextPacketId();
    // (pump() may settle it at once: an MQTT 5 broker without wildcard subscriptions.)
    const id: u16 = s.packetId;
    this.pump();
    return id;
  }

  /** Removes the first subscription equal to `filter` and sends UNSUBSCRIBE
   *  (after the next CONNACK when offline). Returns its packet id, 0 if none matched. */
  unsubscribe(filter: Bytes): u16 {
    for (let i: u32 = 0; i < this.subCount; i++) {
      const s: Sub = this.subs[i];
      // (SUB_PENDING, SUB_SENT or ACTIVE: no slot below subCount is FREE.)
      if (s.state > SubState.ACTIVE) continue;
      if (!bytesEqual(s.view(), filter)) continue;
      s.state = SubState.UNSUB_PENDING;
      s.packetId = 0;
      s.packetId = this.nextPacketId();
      this.pump();
      return s.packetId;
    }
    this.log(LogLevel.WARN, "unsubscribe: no match", filter, 0);
    return 0;
  }

  /** Bytes waiting to go out: the tx buffer plus queued and unsent messages. */
  unsentBytes(): u32 {
    let n: u32 = this.txLen;
    for (let i: u32 = 0; i < this.recCount; i++) {
      const r: OutMsg = this.recs[i];
      if (r.unsent && r.state !== RecState.WAIT_PUBCOMP) n += u32(this.wireLen(r) - r.done);
    }
    return n;
  }

  /** @cextern C test drivers call it */
  inflightCount(): u32 {
    let n: u32 = 0;
    for (let i: u32 = 0; i < this.recCount; i++) if (this.recs[i].state >= RecState.WAIT_PUBACK) n++;
    return n;
  }

  /** @cextern C test drivers call it */
  queuedCount(): u32 {
    let n: u32 = 0;
    for (let i: u32 = 0; i < this.recCount; i++) if (this.recs[i].state === RecState.QUEUED) n++;
    return n;
  }

  // ---------------------------------------------------------------- receive

  /** Bytes from the transport. Decodes and handles every complete packet;
   *  a partial packet is kept for the next call. */
  onRecv(data: Bytes, now: u32): void {
    this.now = now;
    if (data.length > 0) this.lastRx = now;
    const ep: u32 = this.epoch;
    let off: u32 = 0;
    while (off < data.length && this.receiving() && this.epoch === ep) {
      if (this.big !== BigRx.NONE) {
        // The rest of a large PUBLISH goes through without touching rx.
        off += this.bigFeed(data.subarray(off));
        continue;
      }
      const rest: Bytes = data.subarray(off);
      let n: u32 = u32(RX_BUF_SIZE - this.rxLen);
      if (n > rest.length) n = rest.length;
      copyBytes(this.rx, this.rxLen, rest.subarray(0, n));
      this.rxLen += n;
      // rx never stays full: recvLimit() (and parse5's limit) is at most its
      // size, so what parse() leaves is the start of a packet that fits, or
      // the head of a large PUBLISH not yet complete, or nothing (a large
      // PUBLISH now streamed, a connection ended). The bytes after a large
      // PUBLISH's head came in this read: parse() gives them back to bigFeed.
      off = u32(off + n - this.parse());
    }
  }

  private receiving(): bool {
    return this.state === SessionState.CONNECTING || this.state === SessionState.CONNECTED;
  }

  /** Largest incoming packet: recv_mbuf_limit, within the rx buffer. */
  private recvLimit(): u32 {
    const l: u32 = this.cfg.recvLimit;
    return l === 0 || l > RX_BUF_SIZE ? RX_BUF_SIZE : l;
  }

  /** Handles the packets rx holds; returns how many of its last bytes
   *  belong to a large PUBLISH whose head it holds (bigHead). */
  private parse(): u32 {
    if (this.isV5()) return this.parse5();
    const ep: u32 = this.epoch;
    let start: u32 = 0;
    while (this.receiving() && this.epoch === ep) {
      const r: i32 = decodeForClient(this.rx.subarray(start, this.rxLen), this.recvLimit(), this.pkt);
      if (r === 0) break;
      // Too large to buffer, not malformed: streamed (the reference closed
      // here, and a persistent session then got it again at every reconnect).
      if (r === -DecodeErr.TOO_LARGE && this.pkt.type === PacketType.PUBLISH) return this.bigHead(start);
      if (r < 0) {
        this.closeBad(u8(-r) as DecodeErr);
        return 0;
      }
      start += u32(r);
      this.handle(this.pkt);
    }
    // An event handler may have closed (and even reconnected): rx is not ours then.
    if (this.epoch === ep && start > 0) this.rxDrop(start);
    return 0;
  }

  /** Drops the first `k` bytes of rx (k <= rxLen). */
  private rxDrop(k: u32): void {
    copyBytes(this.rx, 0, this.rx.subarray(k, this.rxLen));
    this.rxLen = u32(this.rxLen - k);
  }

  /** parse() for MQTT 5: every packet within our Maximum Packet Size (a
   *  compliant broker sends none larger, 3.1.2.11.4); a bad one is answered
   *  with DISCONNECT and its reason code. */
  private parse5(): u32 {
    const ep: u32 = this.epoch;
    let start: u32 = 0;
    const v: V5State = this.v5s[0];
    while (this.receiving() && this.epoch === ep) {
      const r: i32 = decode5ForClient(this.rx.subarray(start, this.rxLen), minU32(this.recvLimit(), this.maxPacket5()), v.pkt);
      if (r === 0) break;
      const b: Packet = v.pkt.base;
      if (r === -DecodeErr.TOO_LARGE && b.type === PacketType.PUBLISH && b.totalLen <= this.maxPacket5()) {
        // Within our Maximum Packet Size, over the buffer: streamed as in 3.1.1.
        const f: u8 = b.flags;
        this.pkt.reset();
        this.pkt.type = b.type;
        this.pkt.flags = f;
        this.pkt.qos = u8((f >>> 1) & 3);
        this.pkt.dup = (f & 0x08) !== 0;
        this.pkt.retain = (f & 0x01) !== 0;
        this.pkt.remLen = b.remLen;
        this.pkt.totalLen = b.totalLen;
        return this.bigHead(start);
      }
      if (r < 0) {
        this.bad5(u8(-r), start);
        return 0;
      }
      start += u32(r);
      const p: Packet = v.pkt.base;
      // The 3.1.1 code reads a refusal from returnCode.
      if (p.type === PacketType.CONNACK) p.returnCode = v.pkt.reasonCode;
      if (p.type === PacketType.PUBLISH && this.state === SessionState.CONNECTED && !this.aliasIn(p)) return 0;
      this.handle(p);
    }
    if (this.epoch === ep && start > 0) this.rxDrop(start);
    return 0;
  }

  // ---------------------------------------------------------------- large PUBLISH

  /** parse() met a PUBLISH over the limit at rx[start] (its fixed header is
   *  complete): it moves to rx[0] and waits there for its head, the topic
   *  length and the topic as far as recvLimit() lets it (0 returned). Then
   *  the rest is streamed: returns how many bytes rx holds past where the
   *  stream goes on (they came in this read: the caller feeds them to
   *  bigFeed). A malformed head closes the connection as a small one would. */
  private bigHead(start: u32): u32 {
    if (this.state === SessionState.CONNECTING) {
      this.protocolError(Reason.PROTOCOL_ERROR, txt("packet before CONNACK")); // any size: as handle()
      return 0;
    }
    this.rxDrop(start);
    const p: Packet = this.pkt;
    // (The decoder has set qos, dup and retain: parse5 copies them.)
    const h: u32 = u32(p.totalLen - p.remLen);
    const have: u32 = this.rxLen;
    if (have < u32(h + 2)) return 0;
    const tl: u32 = (this.rx[h] << 8) | this.rx[h + 1];
    const rem: u32 = p.remLen;
    const idLen: u32 = p.qos > 0 ? 2 : 0;
    // MQTT 5: an empty topic reads a topic alias; a property length follows.
    const v5: bool = this.isV5();
    // The checks of decodePublish, in its order; the rest when the id is in.
    let e: DecodeErr = DecodeErr.OK;
    if (u32(2 + tl) > rem) e = DecodeErr.STRING_OVERRUN;
    else if (tl === 0 && !v5) e = DecodeErr.EMPTY_TOPIC;
    else if (u32(2 + tl + idLen + (v5 ? 1 : 0)) > rem) e = DecodeErr.BAD_LENGTH;
    if (e !== DecodeErr.OK) {
      this.rxLen = u32(h + 2);
      this.bigBad(e);
      return 0;
    }
    const topicEnd: u32 = u32(h + 2 + tl);
    // The topic stays in rx as far as the limit lets it (the header always).
    let keep: u32 = minU32(topicEnd, this.recvLimit());
    if (keep < u32(h + 2)) keep = u32(h + 2);
    if (have < keep) return 0;
    this.rxLen = keep;
    // (The payload view is set by the event that shows it: bigSkip, bigPayload.)
    p.topic = this.rx.subarray(u32(h + 2), keep);
    this.big = BigRx.UNDECIDED;
    this.bigTotal = p.totalLen;
    this.rxTopicLen = tl;
    this.bigTopicEnd = topicEnd;
    this.bigIdEnd = u32(topicEnd + idLen);
    this.bigPayAt = v5 ? 0 : this.bigIdEnd;
    if (v5) this.v5s[0].bigProps.reset();
    this.rxTake = false;
    // bigFeed reads the rest of the topic and the id into bigId (its last
    // two bytes are the id), from the head's last byte on: at least one
    // byte, when nothing else is left before the id end. That byte and all
    // after it came in this read (rx held less than keep before).
    this.bigPos = u32(keep - 1);
    return u32(have - this.bigPos);
  }

  /** Consumes bytes of `d` (not empty) that belong to the large PUBLISH:
   *  one byte of the rest of a topic longer than rx or of the packet id (read
   *  into bigId: its last two bytes are the id), MQTT 5 property bytes (to
   *  rx when they fit), or payload (passed on or dropped). Returns how many;
   *  the caller's loop calls again while the connection lasts. */
  private bigFeed(d: Bytes): u32 {
    const ep: u32 = this.epoch;
    const pos: u32 = this.bigPos;
    let n: u32 = 1;
    // A malformed header or property block (one exit for all: bigBad).
    let bad: u8 = 0;
    if (pos < this.bigIdEnd) {
      this.bigId = u16((this.bigId << 8) | d[0]);
      this.bigPos = u32(pos + 1);
      if (this.bigPos === this.bigIdEnd) bad = this.bigHeaderDone();
    } else if (MQTT5_SUPPORT !== 0 && this.bigPayAt === 0) {
      // MQTT 5: the property length and block, between packet id and payload.
      const bp: BigProps = this.v5s[0].bigProps;
      const r: i32 = bp.feed(d, pos, this.bigTotal, this.rx, this.rxLen, this.recvLimit());
      if (r < 0) {
        bad = u8(-r);
      } else {
        n = u32(r);
        this.bigPos = u32(pos + n);
        const e: u32 = bp.end(this.bigPos);
        if (e > 0) {
          this.bigPayAt = e;
          this.bigPropsDone();
        }
      }
    } else {
      // Counted as read before the handler runs: a connection it ends is
      // cut after this fragment, not before.
      n = minU32(d.length, u32(this.bigTotal - pos));
      this.bigPos = u32(pos + n);
      // Its last bytes: a QoS 2 id counts as received before the handler
      // runs (as in onPublish), so a handler that ends the connection here
      // does not get the broker's resend again.
      if (this.bigPos === this.bigTotal && this.pkt.qos === 2) this.rxQos2Add(this.pkt.packetId);
      if (FRAGMENTS_SUPPORT !== 0 && this.big !== BigRx.DISCARD) this.bigPayload(d.subarray(0, n), u32(pos - this.bigPayAt));
    }
    if (bad !== 0) {
      this.bigBad(bad);
      return n;
    }
    if (this.epoch !== ep) return n;
    // Undecided once its payload's start is known (bigDecide): skipped now
    // when nobody can take it, as a topic cut short (it cannot be matched
    // against any filter), properties that did not fit, an empty payload;
    // otherwise its first payload bytes were offered (bigPayload), or, with
    // fragments compiled out, have come.
    if (this.big === BigRx.UNDECIDED && (MQTT5_SUPPORT === 0 || this.bigPayAt > 0) && this.bigPos >= this.bigPayAt) {
      const whole: bool = this.rxLen === this.bigTopicEnd;
      const lost: bool = MQTT5_SUPPORT !== 0 && this.isV5() && !this.v5s[0].bigProps.keep && this.v5s[0].bigProps.len > 0;
      if (!whole || lost || this.bigPayAt === this.bigTotal || (FRAGMENTS_SUPPORT === 0 && this.bigPos > this.bigPayAt)) {
        this.bigSkip(
          !whole ? "PUBLISH topic longer than the receive buffer, skipped"
            : lost ? "PUBLISH properties longer than the receive buffer, skipped" : "PUBLISH larger than the receive buffer, skipped",
          !whole ? i32(this.rxTopicLen) : lost ? i32(this.v5s[0].bigProps.len) : i32(this.rxPartTotal));
      }
    }
    // Even when a handler called disconnect(): the message was read whole.
    // (Its last byte is never before the payload's start: MQTT 5 has a
    // property length at least.)
    if (this.bigPos === this.bigTotal && this.epoch === ep) this.bigEnd();
    return n;
  }

  /** A malformed large PUBLISH: the same close as parse() gives a small one
   *  (MQTT 5: DISCONNECT with the reason code first). */
  private bigBad(e: u8): void {
    this.big = BigRx.NONE;
    if (!this.isV5()) {
      this.closeBad(e as DecodeErr);
      return;
    }
    this.bad5(e, 0);
  }

  /** MQTT 5: a malformed packet (rx from `at` holds it: its bytes and the
   *  error, negated, in the log) is answered with DISCONNECT and its reason
   *  code (parse5 and bigBad: one copy of the lines). */
  private bad5(e: u8, at: u32): void {
    this.log(LogLevel.ERROR, "bad packet", this.rx.subarray(at, this.rxLen), i32(-i32(e)));
    this.protocolError(reason5ForErr(e), LOG_LEVEL === 0 ? "" : e >= DECODE5_ERR_FIRST ? decode5ErrName(e) : decodeErrName(e as DecodeErr));
  }

  /** A malformed packet ends the connection: one line, "bad packet: <why>". */
  private closeBad(e: DecodeErr): void {
    const why: string = LOG_LEVEL > 0 ? decodeErrName(e) : "";
    const d: Bytes = strBytes(why);
    this.log(LogLevel.ERROR, "bad packet", d, 0);
    this.closeQuietly(why);
  }

  /** Topic and packet id are in: check them (the error, or OK), then skip
   *  or offer the payload. */
  private bigHeaderDone(): DecodeErr {
    const p: Packet = this.pkt;
    // (QoS 0: the id stays 0, as the decoder or parse5 reset it.)
    if (p.qos > 0) p.packetId = this.bigId;
    const whole: bool = this.rxLen === this.bigTopicEnd;
    // A topic cut by the receive limit cannot be checked (nor delivered).
    // (Empty only under MQTT 5, for an alias: bigHead refuses it in 3.1.1.)
    let e: DecodeErr = whole && (MQTT5_SUPPORT === 0 || p.topic.length > 0) ? topicNameErr(p.topic) : DecodeErr.OK;
    if (e === DecodeErr.OK && p.qos > 0 && p.packetId === 0) e = DecodeErr.ZERO_PACKET_ID;
    // MQTT 5: the properties come first (bigPropsDone).
    if (e === DecodeErr.OK && (MQTT5_SUPPORT === 0 || this.bigPayAt > 0)) this.bigDecide();
    return e;
  }

  /** MQTT 5: the properties of the large PUBLISH are read: check them,
   *  resolve its topic alias, then skip or offer the payload. */
  private bigPropsDone(): void {
    if (MQTT5_SUPPORT === 0) return;
    const v: V5State = this.v5s[0];
    const bp: BigProps = v.bigProps;
    const pr: Props5 = v.pkt.props;
    const p: Packet = this.pkt;
    pr.reset();
    const kept: bool = bp.keep && this.rxLen === this.bigTopicEnd;
    if (kept) {
      pr.raw = this.rx.subarray(bp.at, u32(bp.at + bp.len));
      const e: i32 = decodePropList(pr.raw, PacketType.PUBLISH, pr);
      if (e !== 0) {
        this.bigBad(u8(e));
        return;
      }
      if (p.topic.length === 0 && !pr.has(PropId.TOPIC_ALIAS)) {
        this.bigBad(Decode5Err.EMPTY_TOPIC_NO_ALIAS);
        return;
      }
      if (!this.aliasIn(p)) return;
      this.rxTopicLen = p.topic.length;
    } else if (bp.len > 0) {
      // Not read: any alias it set is unknown, so none is trusted again.
      v.loseInAliases();
    }
    this.bigDecide();
  }

  /** Topic, id (and MQTT 5 properties) are in: a QoS 2 resend already
   *  taken is dropped; a new one stays UNDECIDED (bigFeed skips it or offers
   *  its payload). */
  private bigDecide(): void {
    this.rxPartTotal = u32(this.bigTotal - this.bigPayAt);
    // (-1: the connection ended.)
    if (this.rxAdmit(this.pkt) === 0) this.big = BigRx.DISCARD;
  }

  /** Drops the rest of the message; the log names the topic, the event too. */
  private bigSkip(why: string, num: i32): void {
    this.big = BigRx.DISCARD;
    this.log(LogLevel.WARN, why, this.pkt.topic, num);
    this.pkt.payload = noBytes();
    this.rxPartOff = 0;
    this.emit(SessionEvent.PUBLISH_SKIPPED, this.pkt);
  }

  /** A fragment of the payload at offset `off`: offered to the handlers; when
   *  nobody takes the first one, the message is skipped. */
  private bigPayload(frag: Bytes, off: u32): void {
    const ep: u32 = this.epoch;
    const first: bool = this.big === BigRx.UNDECIDED;
    this.pkt.payload = frag;
    this.rxPartOff = off;
    this.emit(SessionEvent.PUBLISH_PART, this.pkt);
    if (!first || this.epoch !== ep) return;
    if (this.rxTake) this.big = BigRx.DELIVER;
    else if (this.receiving()) this.bigSkip("PUBLISH larger than the receive buffer, skipped", i32(this.rxPartTotal));
    else this.big = BigRx.DISCARD; // the handler called disconnect(): no more events
  }

  /** The last byte is in: acknowledge as a small one would be (a QoS 2 id is
   *  remembered only with the last byte, so a resend of a message cut off is
   *  taken again). */
  private bigEnd(): void {
    const p: Packet = this.pkt;
    this.big = BigRx.NONE;
    this.rxLen = 0;
    // (An empty payload ends here without passing the payload branch of bigFeed.)
    if (p.qos === 2) this.rxQos2Add(p.packetId);
    if (p.qos > 0) this.queueAck(u8(PacketType.PUBLISH + p.qos), p.packetId); // PUBACK, PUBREC
  }

  private handle(p: Packet): void {
    // MQTT 5 extended authentication exchanges AUTH before the CONNACK (4.12).
    // MQTT 5 answers each protocol error here with DISCONNECT 0x82 (4.13.1).
    if (this.state === SessionState.CONNECTING && p.type !== PacketType.CONNACK && (p.type !== PACKET_AUTH || !this.isV5())) {
      this.protocolError(Reason.PROTOCOL_ERROR, txt("packet before CONNACK"));
      return;
    }
    // Tests, not a switch (its jump table is larger). Nothing else reaches
    // here: both decoders refuse every other type (codec_client.test.ts).
    const t: u8 = p.type;
    if (t === PacketType.CONNACK) {
      this.onConnack(p);
    } else if (t === PacketType.PUBLISH) {
      this.onPublish(p);
    } else if (t === PacketType.PUBREL) {
      this.onPubrel(p);
    } else if (t >= PacketType.PUBACK && t <= PacketType.PUBCOMP) {
      this.onAck(p); // PUBACK, PUBREC, PUBCOMP
    } else if (t === PacketType.SUBACK || t === PacketType.UNSUBACK) {
      this.onSubAck(p, t === PacketType.UNSUBACK);
    } else if (t === PacketType.PINGRESP) {
      this.pingOutstanding = false;
      this.logNum(LogLevel.DEBUG, "PINGRESP", 0);
      this.emit(SessionEvent.PINGRESP, p);
    } else if (MQTT5_SUPPORT !== 0 && t === PacketType.DISCONNECT) {
      // Only MQTT 5's decoder lets a server's DISCONNECT and AUTH through (3.14, 3.15).
      this.onDisconnect5();
    } else if (MQTT5_SUPPORT !== 0 && t === PACKET_AUTH) {
      this.onAuth5();
    }
  }

  private onConnack(p: Packet): void {
    if (this.state !== SessionState.CONNECTING) {
      this.protocolError(Reason.PROTOCOL_ERROR, txt("second CONNACK"));
      return;
    }
    const ep: u32 = this.epoch;
    const v5: bool = this.isV5();
    if (v5) this.v5s[0].takeConnack();
    if (p.returnCode !== 0) {
      // The reason is readable during the CONNACK event already.
      const why: string = LOG_LEVEL === 0 ? "" : v5 ? reasonName(PacketType.CONNACK, p.returnCode) : connackReason(p.returnCode);
      if (v5 && this.v5s[0].reasonStrLen > 0) this.log(LogLevel.ERROR, "CONNACK reason string: ", this.v5s[0].reasonString(), i32(p.returnCode));
      this.closeReason = why;
      this.emit(SessionEvent.CONNACK, p);
      // The CONNACK event's handler logs the refusal with this reason (mgos/conn.ts): once.
      if (this.epoch === ep) this.closeQuietly(why);
      return;
    }
    // MQTT-3.2.2-4: session present with a clean session means the server is confused.
    if (p.sessionPresent && this.cfg.cleanSession) {
      this.protocolError(Reason.PROTOCOL_ERROR, txt("unexpected session present"));
      return;
    }
    this.state = SessionState.CONNECTED;
    this.wasConnected = true;
    // Server Keep Alive replaces ours (3.2.2.3.14).
    if (v5 && this.v5s[0].serverKeepAlive >= 0) this.cfg.keepAlive = u16(this.v5s[0].serverKeepAlive);
    // Without a stored session the server will not resend its QoS 2 messages.
    if (!p.sessionPresent) this.rxQos2Count = 0;
    // Subscriptions (re)sent first, then handlers see CONNACK, then in-flight
    // resends and the offline queue (behaviour.md order).
    this.pumpAcksAndSubs();
    this.emit(SessionEvent.CONNACK, p);
    if (this.epoch !== ep) return;
    this.pump();
    if (this.epoch === ep) this.maybeRoom();
  }

  private onPublish(p: Packet): void {
    const ep: u32 = this.epoch;
    const q: u8 = p.qos;
    const a: i32 = this.rxAdmit(p);
    if (a < 0) return;
    // (Read only by a PUBLISH handler: a = 0 has none.)
    this.autoAck = true;
    // QoS 2: deliver once; the id is remembered until PUBREL, so a resent
    // PUBLISH (DUP) only gets another PUBREC.
    if (a > 0) {
      if (q === 2) this.rxQos2Add(p.packetId);
      this.emit(SessionEvent.PUBLISH, p);
      if (this.epoch !== ep) return;
      // The application runs this exchange: it is not ours to remember.
      if (!this.autoAck && q === 2) this.rxQos2Forget(p.packetId);
    }
    if (q > 0 && this.autoAck) this.queueAck(u8(PacketType.PUBLISH + q), p.packetId); // PUBACK (QoS 1), PUBREC (QoS 2)
  }

  /** Before an incoming PUBLISH is delivered (small or streamed): 1 when it
   *  is new, 0 for a QoS 2 resend already taken (logged), -1 when the
   *  connection ended (MQTT 5: our Receive Maximum exceeded). */
  private rxAdmit(p: Packet): i32 {
    if (p.qos > 0 && !this.rxQuotaTake()) return -1;
    if (p.qos === 2 && this.rxQos2Has(p.packetId)) {
      this.log(LogLevel.DEBUG, "duplicate QoS 2 PUBLISH", p.topic, i32(p.packetId));
      return 0;
    }
    return 1;
  }

  /** PUBACK, PUBREC or PUBCOMP: the next step of the outgoing exchange with
   *  its id; handlers then see the packet's event (200 + its type). */
  private onAck(p: Packet): void {
    const type: u8 = p.type;
    const i: i32 = this.findRec(p.packetId);
    // MQTT 5: a PUBREC with an error ends the exchange: no PUBREL (4.3.3).
    const refused: bool = this.isV5() && this.v5s[0].pkt.reasonCode >= 0x80;
    if (this.isV5()) this.logAckReason(p);
    const st: u8 = i >= 0 ? this.recs[i].state : RecState.FREE;
    // A record still streaming out was never whole on the wire: the ack is bogus.
    const whole: bool = i >= 0 && this.recs[i].done === 0;
    // PUBACK ends QoS 1; PUBCOMP, or a refusing PUBREC (an accepting one is
    // taken first below), ends QoS 2. A PUBACK for a QoS 2 PUBLISH: the
    // server took it at QoS 1 (RabbitMQ does; MQTT 3.1.1 4.3.3 wants PUBREC).
    // It has the message, so the exchange is over; keeping the record would
    // only fill the window.
    const want: u8 = type === PacketType.PUBACK ? RecState.WAIT_PUBACK : type === PacketType.PUBREC ? RecState.WAIT_PUBREC : RecState.WAIT_PUBCOMP;
    const ends: bool = st === want || (type === PacketType.PUBACK && st === RecState.WAIT_PUBREC);
    if (type === PacketType.PUBREC && st === RecState.WAIT_PUBCOMP) {
      // A repeated PUBREC: our PUBREL may have been lost, send it again.
      this.recs[i].unsent = true;
    } else if (type === PacketType.PUBREC && whole && st === RecState.WAIT_PUBREC && !refused) {
      // The message is now the server's: keep only the id, send PUBREL.
      const r: OutMsg = this.recs[i];
      this.releaseBytes(r);
      r.state = RecState.WAIT_PUBCOMP;
      r.sent = false;
      r.unsent = true;
      this.persist(StoreOp.PUT, r);
    } else if (whole && ends) {
      if (type === PacketType.PUBACK && st === RecState.WAIT_PUBREC) {
        this.logNum(LogLevel.WARN, "PUBACK for a QoS 2 message: the server took it at QoS 1", i32(p.packetId));
      }
      this.freeRec(u32(i));
    } else if (type === PacketType.PUBACK) {
      this.logNum(LogLevel.WARN, "PUBACK: unexpected id", i32(p.packetId));
    } else if (type === PacketType.PUBREC) {
      this.logNum(LogLevel.WARN, "PUBREC: unexpected id", i32(p.packetId));
    } else {
      this.logNum(LogLevel.WARN, "PUBCOMP: unexpected id", i32(p.packetId));
    }
    this.emitThenPump(i32(200 + type), p);
  }

  private onPubrel(p: Packet): void {
    const ep: u32 = this.epoch;
    const known: bool = this.rxQos2Forget(p.packetId);
    if (!known) this.logNum(LogLevel.DEBUG, "PUBREL: unknown id", i32(p.packetId));
    this.autoAck = true;
    this.emit(SessionEvent.PUBREL, p);
    // PUBCOMP is due even for an unknown id (MQTT-4.3.3-2 method B); MQTT 5
    // says so with "Packet Identifier not found".
    const reason: u8 = !known && this.isV5() ? Reason.PACKET_ID_NOT_FOUND : 0;
    if (this.epoch === ep && this.autoAck) this.queueAckReason(PacketType.PUBCOMP, p.packetId, reason);
  }

  /** SUBACK or UNSUBACK: the subscription it answers becomes active (or
   *  goes); handlers see the event with its tag in evTag (-1: not ours). */
  private onSubAck(p: Packet, unsub: bool): void {
    // (evTag is -1 here: it is set only below, and reset after the event.)
    const i: i32 = this.findSub(p.packetId, unsub ? SubState.UNSUB_SENT : SubState.SUB_SENT);
    if (i >= 0) {
      const s: Sub = this.subs[i];
      this.evTag = s.tag;
      if (unsub) {
        this.freeSub(u32(i));
      } else {
        s.state = SubState.ACTIVE;
        s.packetId = 0;
        s.granted = p.codes[0]; // (both decoders want one code at least)
        // 0x80 in 3.1.1; MQTT 5 has a reason code per refusal (0x80..0xA2).
        if (s.granted >= 0x80) this.log(LogLevel.WARN, "subscription refused", s.view(), i32(s.granted));
      }
    } else {
      // Normal for mg_mqtt_subscribe's own ids (the application matches them).
      this.logNum(LogLevel.DEBUG, unsub ? "UNSUBACK: unknown id" : "SUBACK: unknown id", i32(p.packetId));
    }
    this.emit(i32(200 + p.type), p); // SUBACK or UNSUBACK
    this.evTag = -1;
  }

  // ---------------------------------------------------------------- sending

  /** Fills tx: the rest of a packet being streamed, pending acks,
   *  SUBSCRIBE/UNSUBSCRIBE, then PUBLISH/PUBREL in publish order (queued
   *  messages enter flight while slots are free; QoS 0 ones leave the outbox
   *  once in tx). Stops at the first packet that does not fit; a packet larger
   *  than tx is streamed through it. Called again when tx drains. */
  private pump(): void {
    // While a packet streams out nothing else may enter tx: only its record
    // (done > 0) moves, below; once it is whole, pump() starts over.
    if (!this.streaming && !this.pumpAcksAndSubs()) return;
    let inflight: u32 = this.inflightCount();
    const v5: bool = this.isV5();
    // MQTT 5: the broker's Receive Maximum caps the window too (4.9).
    const window: u32 = v5 && this.v5s[0].serverReceiveMax < MAX_INFLIGHT ? this.v5s[0].serverReceiveMax : MAX_INFLIGHT;
    let blocked: bool = false;
    let i: u32 = 0;
    while (i < this.recCount) {
      const r: OutMsg = this.recs[i];
      if (this.streaming && r.done === 0) {
        i++;
        continue;
      }
      const big: bool = v5 && r.state === RecState.QUEUED && r.done === 0 && this.v5s[0].serverMaxPacket > 0;
      const wl: u32 = big ? this.wireLen(r) : 0;
      if (big && wl > this.v5s[0].serverMaxPacket) {
        // Accepted while offline, and this broker takes nothing that big.
        const ep: u32 = this.epoch;
        this.dropRec(i, MGOS_MQTT_DROP.TOO_BIG_FOR_SERVER);
        if (this.epoch !== ep || this.state !== SessionState.CONNECTED) return;
        continue;
      }
      if (v5 && r.state === RecState.QUEUED && r.done === 0 && r.qos > this.v5s[0].serverMaxQos) this.downgradeRec(r, this.v5s[0].serverMaxQos);
      // The window full at a waiting message: no waiting one goes before it
      // (each QoS in call order), but packets in flight behind it still do
      // (a restored outbox: PUBRELs due after a waiting message).
      if (r.state === RecState.QUEUED && (blocked || (r.qos > 0 && inflight >= window))) {
        blocked = true;
        i++;
        continue;
      }
      if (r.state === RecState.QUEUED && r.qos > 0) {
        // (unsent, and sent false: as every QUEUED record)
        r.state = r.qos === 1 ? RecState.WAIT_PUBACK : RecState.WAIT_PUBREC;
        inflight++;
      }
      if (!r.unsent) {
        i++;
        continue;
      }
      const free: u32 = u32(TX_BUF_SIZE - this.txLen);
      const len: u32 = this.wireLen(r); // (0 for a PUBREL)
      // Only a packet that can never fit tx whole is streamed; others wait
      // for room. (A stream goes on with whatever room there is.)
      const streamed: bool = r.done > 0;
      if (!streamed && len > free && (len <= TX_BUF_SIZE || free < 8)) return;
      if (!this.copyOut(r)) return;
      // Sent: a QoS 0 message leaves the outbox; the next turn steps past
      // any other (no longer unsent).
      if (r.qos === 0) this.freeRec(i);
      // A stream ended: what waited for it (acks, subscriptions) goes first.
      if (streamed) {
        this.pump();
        return;
      }
    }
    // Cannot happen (a streaming record is never freed): tx holds half a packet.
    if (this.streaming) this.close(txt("stream lost"));
  }

  /** Copies (the rest of) record r's PUBLISH into tx, as much as fits, or
   *  (WAIT_PUBCOMP) its PUBREL. True when its last byte is in; else tx is
   *  full (and `streaming` set when part of a PUBLISH went in). */
  private copyOut(r: OutMsg): bool {
    const v5: bool = this.isV5();
    const conv: bool = MQTT5_SUPPORT !== 0 && r.v5 !== v5;
    if (r.state === RecState.WAIT_PUBCOMP) {
      const k: u32 = writeAck(this.txFree(), PacketType.PUBREL, r.packetId);
      if (k === 0) return false;
      this.sent(k);
    } else if (!(r.done === 0 && TOPIC_ALIASES > 0 && v5 && !conv && this.v5s[0].serverAliasMax > 0 && this.copyAliased(r))) {
      const at: u32 = this.txLen;
      const len: u32 = this.wireLen(r);
      const n: u32 = minU32(u32(len - r.done), u32(TX_BUF_SIZE - at));
      const from: u32 = u32(r.off + r.done);
      if (conv) convertedPart(this.tx.subarray(at, u32(at + n)), this.store.subarray(r.off, u32(r.off + r.len)), r.qos, r.v5, r.done);
      else copyBytes(this.tx, at, this.store.subarray(from, u32(from + n)));
      if (r.done === 0) {
        // A PUBLISH that went out before goes again with DUP (MQTT-2.2.2-3 / 4.4).
        if (r.sent) this.tx[at] = u8(this.tx[at] | 0x08);
        this.retainOut(r, at);
      }
      this.sent(n);
      r.done += n;
      if (r.done < len) {
        this.streaming = true;
        return false;
      }
      r.done = 0;
      this.streaming = false;
    }
    r.sent = true;
    r.unsent = false;
    return true;
  }

  /** MQTT 5: copies record r's PUBLISH into tx with a topic alias (a topic
   *  sent before goes with an empty topic; copyOut() marks it sent). False, nothing done, when the
   *  aliased packet does not fit tx or the broker's Maximum Packet Size. */
  private copyAliased(r: OutMsg): bool {
    const m: Bytes = this.store.subarray(r.off, u32(r.off + r.len));
    const most: u32 = aliasedSize(m, r.qos, false);
    const smax: u32 = this.v5s[0].serverMaxPacket;
    if (most > u32(TX_BUF_SIZE - this.txLen) || (smax > 0 && most > smax)) return false;
    const a: u32 = this.v5s[0].outAlias(this.recTopic(r));
    if (a === 0) return false;
    const bound: bool = (a & 0x10000) !== 0;
    const at: u32 = this.txLen;
    const n: u32 = putAliased(this.tx.subarray(at), m, r.qos, u16(a), bound);
    if (n === 0) return false;
    if (bound) this.v5s[0].aliasHits++;
    if (r.sent) this.tx[at] = u8(this.tx[at] | 0x08);
    this.retainOut(r, at);
    this.sent(n);
    return true;
  }

  /** MQTT 5: a message accepted before this broker's CONNACK said its
   *  Maximum QoS `q` (3.2.2.3.4) goes at that QoS [MQTT-3.2.2-11], as one
   *  published now would: the stored PUBLISH is rewritten (QoS bits; for QoS 0
   *  without its packet id, the store compacted). A QoS 0 one is no longer
   *  persisted. Logged with its id. */
  private downgradeRec(r: OutMsg, q: u8): void {
    const m: Bytes = this.store;
    const at: u32 = r.off;
    this.log(LogLevel.WARN, q === 0 ? "broker's Maximum QoS is 0: sent at QoS 0" : "broker's Maximum QoS is 1: sent at QoS 1", this.recTopic(r), i32(r.packetId));
    if (q > 0) {
      m[at] = u8((m[at] & 0xf9) | (q << 1));
      r.qos = q;
      this.persist(StoreOp.PUT, r);
      return;
    }
    this.persist(StoreOp.DEL, r);
    r.seq = 0;
    let h: u32 = 1;
    while ((m[at + h] & 0x80) !== 0) h++;
    h++;
    const rem: u32 = u32(r.len - h);
    const h2: u32 = u32(1 + remainingLengthSize(u32(rem - 2)));
    const idAt: u32 = u32(at + h + 2 + ((m[at + h] << 8) | m[at + h + 1]));
    // Topic field to just after the new header, then what followed the id.
    copyBytes(m, u32(at + h2), m.subarray(u32(at + h), idAt));
    const tail: u32 = u32(at + h2 + (idAt - at - h));
    copyBytes(m, tail, m.subarray(u32(idAt + 2), u32(at + r.len)));
    m[at] = u8(m[at] & 0xf0); // QoS 0: no DUP either
    putVarint(m, u32(at + 1), u32(rem - 2));
    const n: u32 = u32(r.len - 2 - (h - h2));
    const gap: u32 = u32(r.len - n);
    copyBytes(m, u32(at + n), m.subarray(u32(at + r.len), this.storeUsed));
    this.storeUsed = u32(this.storeUsed - gap);
    for (let i: u32 = 0; i < this.recCount; i++) {
      const o: OutMsg = this.recs[i];
      if (o.len > 0 && o.off > at) o.off = u32(o.off - gap);
    }
    r.len = n;
    r.qos = 0;
    r.sent = false; // a QoS 0 PUBLISH has no DUP [MQTT-3.3.1-2]
  }

  /** MQTT 5: a broker without Retain Available gets no RETAIN flag
   *  [MQTT-3.2.2-14] (it would end the connection with 0x9A, and the message
   *  would come back at every reconnect): the copy in tx at `at` goes
   *  without it, with a warning; the stored message keeps it for a broker that has it. */
  private retainOut(r: OutMsg, at: u32): void {
    if (!this.isV5() || this.v5s[0].retainAvailable || (this.tx[at] & 0x01) === 0) return;
    this.tx[at] = u8(this.tx[at] & 0xfe);
    this.log(LogLevel.WARN, "broker has Retain Available 0: sent without RETAIN", this.recTopic(r), i32(r.packetId));
  }

  /** MQTT 5: a subscription the broker said it does not support (CONNACK
   *  Wildcard / Shared Subscription Available 0) is not sent: it stands
   *  refused (granted = that reason code, as a SUBACK would say), with a
   *  warning, and is tried again on the next connection. */
  private refuseUnsupportedSubs(): void {
    for (let i: u32 = 0; i < this.subCount; i++) {
      const s: Sub = this.subs[i];
      if (s.state !== SubState.SUB_PENDING) continue;
      const code: u8 = this.v5s[0].subRefusal(s.view());
      if (code === 0) continue;
      s.state = SubState.ACTIVE;
      s.packetId = 0;
      s.granted = code;
      this.log(LogLevel.WARN, reasonName(PacketType.SUBACK, code), s.view(), i32(code));
    }
  }

  /** Drops record i (waiting, not in flight) with a DROPPED event: the
   *  offline policy (QUEUE_FULL, OUTBOX_FULL) or, MQTT 5, a message larger
   *  than the broker takes (TOO_BIG_FOR_SERVER). The event has its id, QoS,
   *  reason, topic and payload. */
  private dropRec(i: u32, reason: u8): void {
    const r: OutMsg = this.recs[i];
    const id: u16 = r.packetId;
    this.evDropId = id;
    this.evDropQos = r.qos;
    this.evDropReason = reason;
    // Views into the stored PUBLISH: its topic and payload.
    if (MQTT5_SUPPORT !== 0 && r.v5) {
      const m: Bytes = this.store.subarray(r.off, u32(r.off + r.len));
      const k: u32 = this.topicOffset(r);
      const te: u32 = u32(k + ((m[k - 2] << 8) | m[k - 1]));
      this.evDropTopic = m.subarray(k, te);
      this.evDropPayload = payload5(m, r.qos);
    } else {
      // Our own encoding: the receive path's decoder reads it back (the
      // packet's own length ends it: the view may run on past it).
      decodeForClient(this.store.subarray(r.off), STORE_SIZE, dropScratch);
      this.evDropTopic = dropScratch.topic;
      this.evDropPayload = dropScratch.payload;
    }
    const t: Bytes = this.evDropTopic;
    if (reason === MGOS_MQTT_DROP.TOO_BIG_FOR_SERVER) {
      this.log(LogLevel.WARN, "larger than the broker's Maximum Packet Size, dropped (DROPPED event)", t, i32(id));
    } else {
      this.log(LogLevel.WARN, "queue full, oldest dropped (DROPPED event)", t, i32(id));
    }
    // Out of every queue while the handler runs (it may publish), freed after.
    r.state = RecState.FREE;
    this.emit(SessionEvent.DROPPED, null);
    this.evDropTopic = noBytes();
    this.evDropPayload = noBytes();
    for (let k2: u32 = 0; k2 < this.recCount; k2++) {
      if (this.recs[k2].state === RecState.FREE && this.recs[k2].packetId === id) {
        this.freeRec(k2);
        break;
      }
    }
  }

  /** The part of pump() that runs before CONNACK handlers: acks and
   *  subscriptions. False when not connected or tx is full. */
  private pumpAcksAndSubs(): bool {
    if (this.state !== SessionState.CONNECTED) return false;
    while (this.ackCount > 0) {
      const a: u32 = this.acks[this.ackHead];
      let n: u32 = 0;
      if (this.isV5()) n = encodeAck5(this.txFree(), u8((a >>> 16) & 0xff), u16(a), u8(a >>> 24), this.noProps());
      else n = writeAck(this.txFree(), u8(a >>> 16), u16(a));
      if (n === 0) return false;
      if (this.isV5()) this.v5s[0].ackSent(u8((a >>> 16) & 0xff), u8(a >>> 24));
      this.sent(n);
      this.ackHead = u32(this.ackHead + 1) % MAX_PENDING_ACKS;
      this.ackCount = u32(this.ackCount - 1);
    }
    if (this.isV5()) this.refuseUnsupportedSubs();
    for (let i: u32 = 0; i < this.subCount; i++) {
      const s: Sub = this.subs[i];
      const sub: bool = s.state === SubState.SUB_PENDING;
      if (!sub && s.state !== SubState.UNSUB_PENDING) continue;
      if (s.packetId === 0) s.packetId = this.nextPacketId();
      const free: Bytes = this.txFree();
      const filter: Bytes = s.view();
      let n: u32 = 0;
      if (this.isV5()) {
        const pp: Props5 = this.noProps();
        const subId: u32 = this.subIds[i];
        if (sub && subId > 0) {
          pp.subscriptionId = subId;
          pp.set(PropId.SUBSCRIPTION_ID);
        }
        n = sub ? encodeSubscribe5(free, s.packetId, filter, u8(s.qos | this.subOpts5[i]), pp) : encodeUnsubscribe5(free, s.packetId, filter, pp);
      } else {
        n = writeSubUnsub(free, sub, s.packetId, filter, s.qos); // (the QoS only in SUBSCRIBE)
      }
      if (n === 0) return false;
      s.state = u8(s.state + 1); // SUB_SENT or UNSUB_SENT
      this.sent(n);
    }
    return true;
  }

  queueAck(type: u8, id: u16): void {
    this.queueAckReason(type, id, 0);
  }

  /** queueAck() with an MQTT 5 reason code (bits 24-31 of the queue entry). */
  queueAckReason(type: u8, id: u16, reason: u8): void {
    if (this.ackCount >= MAX_PENDING_ACKS) {
      this.close(txt("ack queue full"));
      return;
    }
    const slot: u32 = u32(this.ackHead + this.ackCount) % MAX_PENDING_ACKS;
    this.acks[slot] = u32((reason << 24) | (type << 16) | id);
    this.ackCount++;
    this.pump();
  }

  /** MQTT 5: resolves the topic alias of incoming PUBLISH `p` (its
   *  properties in v5s[0].pkt.props); false after a protocol error. */
  private aliasIn(p: Packet): bool {
    const bad: u8 = this.v5s[0].resolveInAlias(p);
    if (bad === 0) return true;
    let why: string = txt("topic alias never set");
    if (bad === Reason.TOPIC_ALIAS_INVALID) why = txt("topic alias above our Topic Alias Maximum");
    // The table holds TOPIC_ALIASES x TOPIC_ALIAS_LEN bytes of topics in all.
    if (bad === Reason.IMPLEMENTATION_SPECIFIC_ERROR) why = txt("topic alias bound to a topic too long to keep (MGOS_MQTT_TOPIC_ALIAS_LEN)");
    this.protocolError(bad, why);
    return false;
  }

  /** MQTT 5: an incoming QoS 1/2 PUBLISH takes one of our Receive Maximum
   *  (4.9): a broker that sends one more than it while that many are
   *  unacknowledged gets DISCONNECT 0x93. False then. */
  private rxQuotaTake(): bool {
    if (!this.isV5()) return true;
    const v: V5State = this.v5s[0];
    if (v.inUnacked >= MAX_RX_QOS2) {
      this.protocolError(Reason.RECEIVE_MAXIMUM_EXCEEDED, txt("broker exceeded our Receive Maximum"));
      return false;
    }
    v.inUnacked++;
    return true;
  }

  /** Size of record r's PUBLISH on this connection: re-encoded when it was
   *  accepted under the other protocol version. */
  private wireLen(r: OutMsg): u32 {
    if (MQTT5_SUPPORT === 0 || r.v5 === this.isV5() || r.len === 0) return r.len;
    return convertedSize(this.store.subarray(r.off, u32(r.off + r.len)), r.qos, r.v5);
  }

  // ---------------------------------------------------------------- helpers

  /** The scratch properties, emptied. */
  private noProps(): Props5 {
    const p: Props5 = this.v5s[0].props;
    p.reset();
    return p;
  }

  /** MQTT 5: an ack's error reason code (and reason string) goes to the log;
   *  handlers read it in the event data. */
  private logAckReason(p: Packet): void {
    const code: u8 = this.v5s[0].pkt.reasonCode;
    if (code < 0x80) return;
    this.v5s[0].takeReason();
    this.log(LogLevel.WARN, reasonName(p.type, code), this.v5s[0].reasonString(), i32(p.packetId));
  }

  /** MQTT 5: the broker ends the connection, saying why (3.14). */
  private onDisconnect5(): void {
    const v: V5State = this.v5s[0];
    v.takeReason();
    const why: string = LOG_LEVEL === 0 ? "" : reasonName(PacketType.DISCONNECT, v.pkt.reasonCode);
    this.log(LogLevel.WARN, "DISCONNECT from the broker: ", v.reasonString(), i32(v.pkt.reasonCode));
    const ep: u32 = this.epoch;
    this.emit(SessionEvent.DISCONNECT, v.pkt.base);
    if (this.epoch === ep) this.closeQuietly(why);
  }

  /** MQTT 5: sends AUTH (3.15) with `reason` and Authentication Data, the
   *  method being the CONNECT's. False when not MQTT 5, no method was set,
   *  or it does not fit tx now. */
  sendAuth(reason: u8, data: Bytes): bool {
    if (!this.isV5()) return false;
    const v: V5State = this.v5s[0];
    if (v.authMethodLen === 0 || this.state === SessionState.DISCONNECTED) return false;
    const p: Props5 = this.noProps();
    p.authMethod = v.authMethod.subarray(0, v.authMethodLen);
    p.set(PropId.AUTH_METHOD);
    if (data.length > 0) {
      p.authData = data;
      p.set(PropId.AUTH_DATA);
    }
    const n: u32 = encodeAuth5(this.txFree(), reason, p);
    p.reset();
    if (n === 0) return false;
    this.sent(n);
    return true;
  }

  /** MQTT 5: AUTH (3.15, 4.12): the exchange is the application's (the AUTH
   *  event and authContinue()); without an Authentication Method it is a
   *  protocol error. */
  private onAuth5(): void {
    if (this.v5s[0].authMethodLen === 0) {
      this.protocolError(Reason.PROTOCOL_ERROR, txt("AUTH without an authentication method"));
      return;
    }
    this.v5s[0].takeReason();
    this.emit(SessionEvent.AUTH, this.v5s[0].pkt.base);
  }

  /** `n` bytes of a packet went into tx. */
  private sent(n: u32): void {
    this.txLen += n;
    this.lastTx = this.now;
  }

  /** The free part of tx for a new packet (none while a packet streams in). */
  txFree(): Bytes {
    return this.streaming ? noBytes() : this.tx.subarray(this.txLen);
  }

  private emit(ev: i32, p: Packet | null): void {
    const f: SessionEventFn | null = this.onEvent;
    if (f !== null) f(this, ev, p, this.ud);
  }

  private emitThenPump(ev: i32, p: Packet): void {
    const ep: u32 = this.epoch;
    this.emit(ev, p);
    if (this.epoch === ep) this.pump();
  }

  /** log() without a detail. @log */
  private logNum(level: i32, msg: string, num: i32): void {
    this.log(level, msg, noBytes(), num);
  }

  /** A log line through onLog; left out of builds below its level. @log */
  private log(level: i32, msg: string, detail: Bytes, num: i32): void {
    const f: SessionLogFn | null = this.onLog;
    if (f !== null) f(this, level, msg, detail, num);
  }

  /** Connection gone: settle the session state per clean_session and emit CLOSE. */
  private enterDisconnected(reason: string): void {
    // A message cut off while a handler took its fragments: a last PART with
    // no data tells it the rest will not come (the broker resends QoS 1/2
    // whole). First, while the state is still the old one: a handler that
    // reconnects from CLOSE must not have this event come after it.
    // (Only a PUBLISH_PART handler takes one: never with fragments compiled out.)
    const taken: bool = FRAGMENTS_SUPPORT !== 0 && (this.big === BigRx.DELIVER || (this.big === BigRx.UNDECIDED && this.rxTake));
    // (Ended inside its last fragment: it was delivered whole, no cut.)
    if (taken && this.bigPos < this.bigTotal) {
      const ep: u32 = this.epoch;
      this.big = BigRx.NONE;
      this.pkt.payload = noBytes();
      this.rxPartOff = u32(this.bigPos - this.bigPayAt);
      this.emit(SessionEvent.PUBLISH_PART, this.pkt);
      // The handler ended the connection itself (and CLOSE went), maybe even
      // started a new one: nothing of the old one is left to settle.
      if (this.epoch !== ep) return;
    }
    this.wasConnected = this.state >= SessionState.CONNECTED; // or DISCONNECTING
    this.state = SessionState.DISCONNECTED;
    this.epoch++;
    this.dropLink();
    this.pingOutstanding = false;
    this.streaming = false;
    const clean: bool = this.cfg.cleanSession;
    // Subscriptions are all sent again after the next CONNACK: SUB_SENT and
    // ACTIVE (packetId 0: a new one then) become SUB_PENDING, UNSUB_SENT
    // UNSUB_PENDING. (No slot below subCount is FREE.)
    for (let i: u32 = 0; i < this.subCount; i++) {
      const s: Sub = this.subs[i];
      s.state = s.state <= SubState.ACTIVE ? SubState.SUB_PENDING : SubState.UNSUB_PENDING;
    }
    // In-flight messages: kept for a resend with their ids when the session
    // persists (MQTT-4.4.0-1). With a clean session the broker forgets them,
    // but the application's message is still ours: unacknowledged PUBLISHes go
    // back to the queue and are sent as new messages (no DUP) after the next
    // CONNACK. Only a QoS 2 message the broker already took (PUBREC) is done.
    let i: u32 = 0;
    while (i < this.recCount) {
      const r: OutMsg = this.recs[i];
      // A packet cut off half way in tx goes again whole.
      r.done = 0;
      if (r.state >= RecState.WAIT_PUBACK) {
        if (clean && r.state === RecState.WAIT_PUBCOMP) {
          this.log(LogLevel.WARN, "in-flight dropped (clean session)", this.recTopic(r), i32(r.packetId));
          this.freeRec(i);
          continue;
        }
        r.unsent = true;
        if (clean) {
          r.state = RecState.QUEUED;
          r.sent = false;
        }
      }
      i++;
    }
    if (clean) this.rxQos2Count = 0;
    this.closeReason = reason;
    this.emit(SessionEvent.CLOSE, null);
  }

  /** What the old transport held: bytes in tx and rx, a large PUBLISH being
   *  read, acks not yet sent. */
  private dropLink(): void {
    this.txLen = 0;
    this.txHeadLeft = 0;
    this.rxLen = 0;
    this.big = BigRx.NONE;
    this.ackCount = 0;
    this.ackHead = 0;
  }

  private idInUse(id: u16): bool {
    for (let i: u32 = 0; i < this.recCount; i++) if (this.recs[i].packetId === id) return true;
    for (let i: u32 = 0; i < this.subCount; i++) if (this.subs[i].packetId === id) return true;
    return false;
  }

  private findRec(id: u16): i32 {
    for (let i: u32 = 0; i < this.recCount; i++) {
      if (this.recs[i].packetId === id && this.recs[i].state >= RecState.WAIT_PUBACK) return i32(i);
    }
    return -1;
  }

  private findSub(id: u16, state: u8): i32 {
    for (let i: u32 = 0; i < this.subCount; i++) {
      if (this.subs[i].packetId === id && this.subs[i].state === state) return i32(i);
    }
    return -1;
  }

  /** The topic of a stored PUBLISH, for logs. */
  private recTopic(r: OutMsg): Bytes {
    if (r.len < 4) return noBytes();
    const m: Bytes = this.store.subarray(r.off, u32(r.off + r.len));
    const k: u32 = this.topicOffset(r);
    const tl: u32 = u32((m[k - 2] << 8) | m[k - 1]);
    return m.subarray(k, u32(k + tl));
  }

  /** The offline policy's drop: the oldest waiting message goes, and the
   *  DROPPED event tells the app (id, QoS, reason, topic and payload). False
   *  when nothing waits. */
  private dropOldestWaiting(reason: u8): bool {
    for (let i: u32 = 0; i < this.recCount; i++) {
      const r: OutMsg = this.recs[i];
      if (r.state === RecState.QUEUED && r.done === 0) {
        this.dropRec(i, reason);
        return true;
      }
    }
    return false;
  }

  /** Offset of the topic's first byte in a stored PUBLISH: after the type
   *  byte, the remaining length's 1..4 bytes and the topic's length. */
  private topicOffset(r: OutMsg): u32 {
    const m: Bytes = this.store.subarray(r.off, u32(r.off + r.len));
    let k: u32 = 1;
    while (k < 5 && (m[k] & 0x80) !== 0) k++;
    return u32(k + 3);
  }

  /** Gives a record's PUBLISH bytes back to the store (compacting it). */
  private releaseBytes(r: OutMsg): void {
    // (len 0: moves nothing; the off of such a record is never read.)
    const off: u32 = r.off;
    const len: u32 = r.len;
    const end: u32 = u32(this.storeUsed - len);
    // One memmove in C (overlap-safe, like TypedArray.set under Node).
    copyBytes(this.store, off, this.store.subarray(u32(off + len), this.storeUsed));
    this.storeUsed = end;
    r.len = 0;
    for (let i: u32 = 0; i < this.recCount; i++) {
      const o: OutMsg = this.recs[i];
      if (o.off > off) o.off = u32(o.off - len);
    }
  }

  /** Removes record i, keeping the others in publish order. */
  private freeRec(i: u32): void {
    this.persist(StoreOp.DEL, this.recs[i]);
    this.releaseBytes(this.recs[i]);
    this.recCount = u32(this.recCount - 1);
    for (let j: u32 = i; j < this.recCount; j++) copy(this.recs[j], this.recs[j + 1]);
    // (Slots from recCount on are not read: publish() and restore() set every field.)
  }

  /** Removes subscription i, keeping the others in the order they were added. */
  private freeSub(i: u32): void {
    for (let j: u32 = i; j + 1 < this.subCount; j++) {
      copy(this.subs[j], this.subs[j + 1]);
      if (MQTT5_SUPPORT !== 0) {
        this.subOpts5[j] = this.subOpts5[j + 1];
        this.subIds[j] = this.subIds[j + 1];
      }
    }
    this.subCount = u32(this.subCount - 1);
    const last: Sub = this.subs[this.subCount];
    last.state = SubState.FREE;
    last.packetId = 0;
    last.filterLen = 0;
  }

  private rxQos2Index(id: u16): i32 {
    // Bounded by the table's size too: i is known small (no conversion checks).
    for (let i: u32 = 0; i < MAX_RX_QOS2 && i < this.rxQos2Count; i++) if (this.rxQos2[i] === id) return i32(i);
    return -1;
  }

  private rxQos2Has(id: u16): bool {
    return this.rxQos2Index(id) >= 0;
  }

  /** Remembers an incoming QoS 2 id until its PUBREL (the oldest goes when
   *  full); one already known stays where it is. */
  private rxQos2Add(id: u16): void {
    if (this.rxQos2Has(id)) return;
    if (this.rxQos2Count >= MAX_RX_QOS2) {
      this.logNum(LogLevel.WARN, "rx QoS 2 table full", i32(this.rxQos2[0]));
      this.rxQos2Forget(this.rxQos2[0]);
    }
    this.rxQos2[this.rxQos2Count] = id;
    this.rxQos2Count++;
  }

  /** Forgets an incoming QoS 2 id, keeping the others in order; false when
   *  it was not known. */
  private rxQos2Forget(id: u16): bool {
    const k: i32 = this.rxQos2Index(id);
    if (k < 0) return false;
    for (let j: u32 = u32(k); j < MAX_RX_QOS2 - 1 && j + 1 < this.rxQos2Count; j++) this.rxQos2[j] = this.rxQos2[j + 1];
    this.rxQos2Count = u32(this.rxQos2Count - 1);
    return true;
  }
}

/** Why SessionConfig.setStrings() refuses its strings, or null; the text
 *  only feeds the log ("" in a build without logs, see txt()). (At the end
 *  of the file, out of line: a literal's section in the object is that of the
 *  first function using it, and connectWith() shares one of these words, so
 *  placed first they would all be linked with connectWith.) */
export function configStringsError(clientId: Bytes, user: Bytes, pass: Bytes, willTopic: Bytes, willMessage: Bytes): string | null {
  const total: u32 = u32(clientId.length + user.length + pass.length + willTopic.length + willMessage.length);
  if (total > CONFIG_STR_SIZE) return txt("strings over MGOS_MQTT_CONFIG_STR_SIZE");
  if (clientId.length > 65535 || user.length > 65535 || pass.length > 65535 || willMessage.length > 65535) {
    return txt("string over 65535 bytes");
  }
  if (willTopic.length > 0 && !sendableTopic(willTopic, false)) return txt("invalid will topic");
  // MQTT-3.1.2-22: a password needs a user name; MQTT-1.5.3: strings are UTF-8.
  if (pass.length > 0 && user.length === 0) return txt("password without user name");
  if (!validUtf8(clientId) || !validUtf8(user)) return txt("client_id or user not UTF-8");
  return null;
}
