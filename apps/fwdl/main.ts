// A chunked download (as a firmware update would do it): base64 chunks in
// JSON, checked by offset, and the whole image by CRC-32 at the end.
//   <dev>/fw/begin {"size":N,"crc":C}       -> <dev>/fw/status {"next":0}
//   <dev>/fw/chunk {"off":O,"data":"<b64>"} -> {"next":O+len}, at the end {"done":true,"crc":C}
//   anything wrong                           -> {"error":"...","next":N} (the chunk is not applied)
// On a device each decoded byte would go to flash; here only its CRC is kept.
import { u8, i32, u32, int, Ptr, Bytes } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Log from "../../ts-src/app/app_log";
import * as Json from "../../ts-src/app/app_json";
import * as Sys from "../../ts-src/app/app_sys";

class Begin { size: u32 = 0; crc: u32 = 0; }  // the shapes JSON.parse reads
class Chunk { off: u32 = 0; }                 // "data" is read as a view below: any length
let size: u32 = 0, want: u32 = 0, next: u32 = 0, crc: u32 = 0, active: boolean = false;

function status(json: string): void {
  MQTT.pub(`${Sys.deviceId()}/fw/status`, json, 1);
}
function fail(why: string): void {
  status(JSON.stringify({ error: why, next: next }));
}

/** One base64 character's 6 bits; -1 when it is not one. */
function sextet(c: u8): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  return c === 43 ? 62 : c === 47 ? 63 : -1;
}

function crcByte(c: u32, b: u8): u32 {
  c = u32(c ^ b);
  for (let k: u32 = 0; k < 8; k++) c = (c & 1) !== 0 ? u32((c >>> 1) ^ 0xedb88320) : c >>> 1;
  return c;
}

/** Decodes `b64` (padding optional) into the CRC when `apply`; the byte count, -1 when malformed. */
function decode(b64: Bytes, apply: boolean): i32 {
  let len: u32 = b64.length;
  while (len > 0 && b64[len - 1] === 61) len--;
  if (len % 4 === 1) return -1;
  let acc: u32 = 0, bits: u32 = 0, n: i32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const v: i32 = sextet(b64[i]);
    if (v < 0) return -1;
    acc = u32((acc << 6) | u32(v)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (apply) crc = crcByte(crc, u8(acc >> bits));
      n++;
    }
  }
  return n;
}

function onBegin(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const b = JSON.parse(msg) as Begin | null;
  if (b === null) return fail("begin needs size and crc");
  size = b.size; want = b.crc; next = 0; crc = 0xffffffff; active = true;
  status(JSON.stringify({ next: next }));
}

function onChunk(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const c = JSON.parse(msg) as Chunk | null;
  const data: Bytes = Json.getStr(msg, "data");
  const n: i32 = decode(data, false);
  if (!active) return fail("no transfer");
  if (c === null || c.off !== next) return fail("offset");
  if (n < 0) return fail("base64");
  if (u32(next + u32(n)) > size) return fail("too long");
  decode(data, true);
  next = u32(next + u32(n));
  if (next < size) return status(JSON.stringify({ next: next }));
  active = false;
  const got: u32 = u32(crc ^ 0xffffffff);
  if (got !== want) return fail("crc");
  Log.info("fw: image complete");
  status(JSON.stringify({ done: true, crc: got }));
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev !== MQTT.EV_CONNACK) return;
  Log.info("connected");
  MQTT.pub(`${Sys.deviceId()}/status`, "online", 1); // after the subscriptions: from now on they are heard
}

export function init(): void {
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(`${Sys.deviceId()}/fw/begin`, onBegin, null);
  MQTT.sub(`${Sys.deviceId()}/fw/chunk`, onChunk, null);
}
