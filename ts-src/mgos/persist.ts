// The persistent outbox (optional, off by default; docs/delivery.md): the
// QoS 1/2 messages a connection accepted are written to a storage the port
// provides, so that after a restart (power cut, crash) they are sent again
// with their packet ids, and a QoS 2 message the broker had already taken
// gets its PUBREL. With clean_session false the broker's half of the session
// resumes too.
//
// The port registers its storage with mgos_mqtt_port_set_storage() (host:
// port/storage_posix.c, a directory with one file per message; ESP32:
// port/storage_esp32.c, NVS). Records are keyed by a sequence number (publish
// order); each holds a meta word (state, QoS, packet id) and the encoded
// PUBLISH (nothing once only its PUBREL is due). The session writes a record
// when it accepts a message, rewrites it at PUBREC, and deletes it when the
// message is done (PUBACK, PUBCOMP) or dropped.

import { u8, u32, i32, bool, Bytes, lit, strBytes, noBytes } from "../rt/rt";
import { Session, StoreOp, LogLevel } from "../mqtt/session";
import { logMsg, COMPILED_OUT } from "./port";
import { PERSIST_SUPPORT } from "./options";


/** Opens (creates) the storage `where` (host: a directory; ESP32: an NVS namespace) for `slot`. */
export type StoreOpenFn = (slot: i32, where: string) => bool;
/** Writes (replaces) record `seq`: meta word and data. False on failure. */
export type StorePutFn = (slot: i32, seq: u32, meta: u32, data: Bytes) => bool;
/** Deletes record `seq` (absent is fine). */
export type StoreDelFn = (slot: i32, seq: u32) => void;
/** Records found when the storage was opened, in sequence order. */
export type StoreCountFn = (slot: i32) => u32;
/** Record k of those: writes seq (4 bytes, big endian), meta (4) and the data
 *  into `out`; returns the bytes written, or -1 (unreadable, or `out` too small). */
export type StoreReadFn = (slot: i32, k: u32, out: Bytes) => i32;

/** The port's storage functions (all null: no storage, persistence unavailable). */
export class StorageOps {
  open: StoreOpenFn | null = null;
  put: StorePutFn | null = null;
  del: StoreDelFn | null = null;
  count: StoreCountFn | null = null;
  read: StoreReadFn | null = null;
  /** Bytes handed to put() (meta + data), for the flash-wear figure. */
  written: u32 = 0;
  /** Records written / deleted. */
  puts: u32 = 0;
  dels: u32 = 0;
}

const ops: StorageOps = new StorageOps();

/** The port's storage (host: storage_posix.c registers it; ESP32: call
 *  mgos_mqtt_esp32_storage_init()). @api */
export function mgos_mqtt_port_set_storage(open: StoreOpenFn, put: StorePutFn, del: StoreDelFn, count: StoreCountFn, read: StoreReadFn): void {
  ops.open = open;
  ops.put = put;
  ops.del = del;
  ops.count = count;
  ops.read = read;
}

/** Bytes the persistent outbox wrote to storage since start (meta + data of
 *  every record written; deletions write none here), and how many records. @api */
export function mgos_mqtt_storage_bytes_written(): u32 {
  return ops.written;
}

/** @api */
export function mgos_mqtt_storage_records_written(): u32 {
  return ops.puts;
}

function onStore(s: Session, op: u8, seq: u32, meta: u32, data: Bytes): void {
  const slot: i32 = s.storeSlot;
  if (op === StoreOp.DEL) {
    const d: StoreDelFn | null = ops.del;
    if (d !== null) d(slot, seq);
    ops.dels++;
    return;
  }
  const p: StorePutFn | null = ops.put;
  if (p === null) return;
  ops.written += u32(4 + data.length);
  ops.puts++;
  if (!p(slot, seq, meta, data)) logMsg(LogLevel.ERROR, "outbox_persist: writing a message to storage failed", noBytes());
}

/** Opens the storage `where` for the session of `slot`, puts the records
 *  found back into its outbox (in publish order) and persists from then on.
 *  False (logged) when the port has no storage or it cannot be opened. */
export function attach(s: Session, slot: i32, where: string): bool {
  if (PERSIST_SUPPORT === 0) {
    logMsg(LogLevel.ERROR, COMPILED_OUT, lit("CONFIG_MGOS_MQTT_PERSIST_SUPPORT, for outbox_persist"));
    return false;
  }
  const open: StoreOpenFn | null = ops.open;
  const count: StoreCountFn | null = ops.count;
  const read: StoreReadFn | null = ops.read;
  if (open === null || count === null || read === null) {
    logMsg(LogLevel.ERROR, "outbox_persist is set but this port has no storage: messages are not persisted", strBytes(where));
    return false;
  }
  if (!open(slot, where)) {
    logMsg(LogLevel.ERROR, "outbox_persist: cannot open the storage ", strBytes(where));
    return false;
  }
  const n: u32 = count(slot);
  let restored: u32 = 0;
  for (let k: u32 = 0; k < n; k++) {
    // Read into the outbox's free bytes (no buffer of its own): restore()
    // moves the PUBLISH 8 bytes down, over the seq and meta read first.
    const b: Bytes = s.store.subarray(s.storeUsed);
    const len: i32 = read(slot, k, b);
    if (len < 8) {
      // Kept in storage: a larger outbox (MGOS_MQTT_STORE_SIZE) takes it after the next restart.
      logMsg(LogLevel.ERROR, "outbox_persist: a stored message does not fit the outbox (or cannot be read), left in storage", strBytes(where));
      continue;
    }
    const seq: u32 = u32((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
    const meta: u32 = u32((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]);
    if (s.restore(seq, meta, b.subarray(8, u32(len)))) restored++;
    else logMsg(LogLevel.ERROR, "outbox_persist: a stored message is not valid, left in storage", strBytes(where));
  }
  s.storeSlot = slot;
  s.onStore = onStore;
  if (restored > 0) logMsg(LogLevel.INFO, "outbox_persist: messages restored from ", strBytes(where));
  return true;
}
