// The mqtt / mqtt1 configuration store, its JSON loader and `--set` overrides.
//
// The live configuration (`live()`) starts at the defaults (config_gen.ts,
// overridable by ESP-IDF's Kconfig). `load(name, json)` applies a file such
// as {"mqtt": {"server": "h:1883", "enable": true}, "mqtt1": {...}} on top
// of it, and `set(path, value)` one key (the host's `--set mqtt.server=h:1883`).
//
// Decisions:
// - All or nothing: changes go to a scratch copy that replaces the live one
//   only when the whole file (or value) is good, so a bad file leaves the
//   previous configuration intact.
// - Strict: a top-level section other than mqtt / mqtt1 is an error ("unknown
//   section"), like an unknown key, so a typo never goes unnoticed. A file
//   with other firmware sections must be split first.
// - Strings are copied into a fixed arena owned by the configuration
//   (NUL-terminated, never pointing into the input). A string that is not
//   set is NULL, as in Mongoose OS: the default, JSON null, "" and an empty
//   --set value all mean "not set". Pointers from getters stay valid until
//   the next successful load or set, which may move strings.
// - Errors: a code (config_err) and a message naming the place and reason:
//     config.json:3:14: mqtt.keep_alive: expected an integer, got "abc"
//     config.json:2:5: unexpected character '#'
//     mqtt.max_qos: 3 is out of range 0..2          (from --set: no location)
//   Lines and columns are 1-based; columns count bytes.
// - generation() counts successful changes: a copy of the struct holds string
//   pointers into the arena, which the next change may move; re-copy then.
// - Values that parse but cannot work are refused too, with the same
//   messages: a server address that does not split into host and port, a
//   will topic with a wildcard, a client id or user name that is not UTF-8
//   (checked as each value is read, with its location), and keys that
//   contradict each other (checked on the whole result): mqtt.enable without
//   a server, a password without a user name, reconnect_timeout_max below
//   reconnect_timeout_min.
//   A single set() is a partial edit and skips the cross-key rules (a later
//   set may complete it); a load, and a batch (begin() ... commit()) as a
//   whole, check them. The host programs apply `-c file --set a=b --set c=d`
//   as one batch, so the order of the arguments does not matter.

import { u8, u32, i32, f64, bool, int, Bytes, lit, strBytes, cstr, copy, copyBytes, bytesEqual, f64ToI32, noBytes, idiv } from "../rt/rt";
import { mgos_config_mqtt } from "./config_schema";
import {
  config_kind, STR_KEY_COUNT, STR_SLOT_COUNT, set_defaults, section_find, section_name, key_find, key_name, key_kind,
  key_min, key_max, key_range, key_str_slot, str_slot_key, set_bool, set_int, set_f64, set_str, get_str,
} from "./config_gen";
import { json_tok, json_err, json_lexer, byte_at, string_decode, number_value } from "./config_json";
import { validUtf8, validTopicName, hasControlChar } from "../mqtt/topic";
import { WS_SUPPORT, PERSIST_SUPPORT } from "../mgos/options";

/**
 * Bytes of string storage for both sections, NUL terminators included
 * @kconfig MGOS_MQTT_CONFIG_ARENA_SIZE
 * @min 64
 * @max 65535
 */
export const ARENA_SIZE: i32 = 512;
/**
 * Longest server host name, bytes (the connection's host buffer)
 * @kconfig MGOS_MQTT_MAX_HOST_LEN
 * @min 16
 * @max 255
 */
export const MAX_HOST_LEN: u32 = 128;
/** Room for one error message (longer ones are cut). */
const MSG_SIZE: i32 = 192;
/** Longest key or section name that can match (longer ones are unknown). */
const NAME_SIZE: i32 = 32;
/** Bytes of a bad value quoted in a message before it is cut with "...". */
const QUOTE_MAX: u32 = 40;

/** Result of load and set. */
export enum config_err {
  OK = 0,
  /** The file is not JSON (message: file:line:col: reason). */
  SYNTAX = 1,
  UNKNOWN_SECTION = 2,
  UNKNOWN_KEY = 3,
  /** A value of the wrong JSON type, or a --set value that does not parse. */
  TYPE = 4,
  RANGE = 5,
  /** The strings do not fit in the arena (raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE). */
  NO_SPACE = 6,
  /** A --set argument that is not section.key=value. */
  BAD_ARG = 7,
  /** A value that parses but cannot be used (a server address without a
   *  host or with a bad port, a will topic with a wildcard, text that is not
   *  UTF-8), or keys that contradict each other. */
  INVALID = 8,
}

/** One complete configuration: both sections and the storage of their strings. */
export class mgos_config {
  mqtt: mgos_config_mqtt = new mgos_config_mqtt();
  mqtt1: mgos_config_mqtt = new mgos_config_mqtt();
  /** String values, NUL-terminated, back to back from offset 0 to `used`. */
  arena: Uint8Array = new Uint8Array(ARENA_SIZE);
  used: u32 = 0;
  /** Per string slot (section * STR_KEY_COUNT + slot): 1 + the value's offset in
   *  `arena`, or 0 when the value is a constant (a default or ""). */
  offs: Uint32Array = new Uint32Array(STR_SLOT_COUNT);
  /** False until the defaults have been applied (a zeroed static starts false). */
  ready: bool = false;
}

/** The loader's working state. */
class config_state {
  lx: json_lexer = new json_lexer();
  /** Name of the file being loaded, for messages (null until a load: the
   *  state then starts all zero, with no constructor to keep it in a
   *  firmware that never loads a config). */
  name: string | null = null;
  /** The last error message, NUL-terminated ("" after success). */
  msg: Uint8Array = new Uint8Array(MSG_SIZE);
  msg_len: u32 = 0;
  /** The decoded current key or section name. */
  key: Uint8Array = new Uint8Array(NAME_SIZE);
  key_len: u32 = 0;
  /** Scratch for formatting a number. */
  digits: Uint8Array = new Uint8Array(12);
  last: config_err = config_err.OK;
  /** Successful changes so far (load, set, reset). */
  generation: u32 = 0;
  /** Inside begin() ... commit(): changes gather in the scratch copy. */
  batch: bool = false;
  /** A change of the current batch failed: commit() drops it all. */
  batch_failed: bool = false;
}

const live_cfg = new mgos_config();
const scratch = new mgos_config();
const st = new config_state();

/** The live configuration (at the defaults until something is loaded). */
export function live(): mgos_config {
  if (!live_cfg.ready) defaults_store(live_cfg);
  return live_cfg;
}

/** Back to the defaults; forgets everything loaded or set. */
export function reset(): void {
  st.batch = false;
  reset_store(live_cfg);
  st.generation++;
  msg_clear();
  st.last = config_err.OK;
}

/** Section `s` (0 mqtt, 1 mqtt1) of `cfg`. */
export function section_of(cfg: mgos_config, s: i32): mgos_config_mqtt {
  return s === 0 ? cfg.mqtt : cfg.mqtt1;
}

/** The message of the last failed load or set ("" when it succeeded). */
export function error_msg(): string {
  return cstr(st.msg);
}

/** The result code of the last load or set. */
export function last_error(): config_err {
  return st.last;
}

/**
 * Counts successful changes (load, set, reset). A successful change may move
 * every string of the configuration, so whoever keeps a copy of the struct
 * (or a string pointer) must take a fresh one when this number changes.
 */
export function generation(): u32 {
  return st.generation;
}

/** Bytes of the arena in use by the live configuration.
 *  @cextern test/c/test_config.c calls it */
export function arena_used(): u32 {
  return live().used;
}

function reset_store(cfg: mgos_config): void {
  cfg.used = 0;
  for (let i: i32 = 0; i < STR_SLOT_COUNT; i++) cfg.offs[i] = 0;
  defaults_store(cfg);
}

/** The defaults into a store whose arena is empty (reset_store, or the
 *  live store's first use: it is still all zero). */
function defaults_store(cfg: mgos_config): void {
  set_defaults(cfg.mqtt, 0);
  set_defaults(cfg.mqtt1, 1);
  cfg.ready = true;
}

// ---- the string arena ----

/** Index in `offs` of string slot `slot` of section `s`. */
function slot_index(s: i32, slot: i32): u32 {
  return u32(s * STR_KEY_COUNT + slot);
}

/** Points every arena-held string field of `cfg` at `cfg`'s own arena (after a struct copy they point into the source's). */
function rebind(cfg: mgos_config): void {
  for (let s: i32 = 0; s < 2; s++) {
    for (let slot: i32 = 0; slot < STR_KEY_COUNT; slot++) {
      const off: u32 = cfg.offs[slot_index(s, slot)];
      if (off !== 0) set_str(section_of(cfg, s), str_slot_key(slot), cstr(cfg.arena.subarray(u32(off - 1))));
    }
  }
}

/** Squeezes out values no longer referenced, keeping the live ones in order. */
function compact(cfg: mgos_config): void {
  const a: Bytes = cfg.arena;
  let w: u32 = 0;
  let last: u32 = 0;
  for (;;) {
    // The referenced value with the smallest offset above the previous one.
    let best: i32 = -1;
    let best_off: u32 = 0;
    for (let i: i32 = 0; i < STR_SLOT_COUNT; i++) {
      const o: u32 = cfg.offs[i];
      if (o > last && (best < 0 || o < best_off)) {
        best = i;
        best_off = o;
      }
    }
    if (best < 0) break;
    // Move it down to `w` (never above its old place, so a forward copy is safe), NUL included.
    let r: u32 = u32(best_off - 1);
    cfg.offs[best] = u32(w + 1);
    for (;;) {
      const c: u8 = a[r];
      a[w] = c;
      w++;
      r++;
      if (c === 0 || r >= a.length) break;
    }
    last = best_off;
  }
  cfg.used = w;
  rebind(cfg);
}

/**
 * Stores string key `k` of section `s` of `cfg`: the JSON string token
 * `src[start, end)` when `json`, else the raw bytes `src`. Returns OK,
 * NO_SPACE or TYPE (a NUL character), with the message set.
 */
function store_str(cfg: mgos_config, s: i32, k: i32, src: Bytes, json: bool, start: u32, end: u32): config_err {
  let n: i32 = json ? string_decode(src, start, end, noBytes(), 0) : i32(src.length);
  if (!json) {
    for (let i: u32 = 0; i < src.length; i++) {
      if (src[i] === 0) n = -1;
    }
  }
  if (n < 0) {
    if (json) loc_msg(st.lx.start);
    path_msg(s, k);
    msg_lit(lit("a string cannot contain the NUL character"));
    return config_err.TYPE;
  }
  const c: mgos_config_mqtt = section_of(cfg, s);
  const slot: u32 = slot_index(s, key_str_slot(k));
  // The old value is dead now: forget it first so compaction can reclaim it.
  cfg.offs[slot] = 0;
  set_str(c, k, null);
  if (n === 0) return config_err.OK;
  const need: u32 = u32(n + 1);
  if (need > cfg.arena.length - cfg.used) compact(cfg);
  if (need > cfg.arena.length - cfg.used) {
    if (json) loc_msg(st.lx.start);
    path_msg(s, k);
    msg_lit(lit("a "));
    msg_u32(u32(n));
    msg_lit(lit("-byte string does not fit in the config arena ("));
    msg_u32(cfg.arena.length);
    msg_lit(lit(" bytes, "));
    msg_u32(cfg.used);
    msg_lit(lit(" in use; raise CONFIG_MGOS_MQTT_CONFIG_ARENA_SIZE)"));
    return config_err.NO_SPACE;
  }
  const at: u32 = cfg.used;
  if (json) string_decode(src, start, end, cfg.arena, at);
  else copyBytes(cfg.arena, at, src);
  cfg.arena[u32(at + u32(n))] = 0;
  cfg.used = u32(at + need);
  cfg.offs[slot] = u32(at + 1);
  set_str(c, k, cstr(cfg.arena.subarray(at)));
  return config_err.OK;
}

// ---- messages ----

function msg_clear(): void {
  st.msg_len = 0;
  st.msg[0] = 0;
}

/** Appends `b`, cutting at the buffer's end; keeps the message NUL-terminated. */
function msg_lit(b: Bytes): void {
  for (let i: u32 = 0; i < b.length; i++) {
    if (st.msg_len + 1 >= st.msg.length) break;
    st.msg[st.msg_len] = b[i];
    st.msg_len++;
  }
  st.msg[st.msg_len] = 0;
}

function msg_str(s: string): void {
  msg_lit(strBytes(s));
}

function msg_u32(v: u32): void {
  // Digits right to left.
  let x: u32 = v;
  let i: u32 = 11;
  const d: Bytes = st.digits;
  do {
    i = u32(i - 1);
    d[i] = u8(0x30 + (x % 10));
    x = idiv(x, 10);
  } while (x !== 0);
  msg_lit(d.subarray(i, 11));
}

function msg_hex8(v: i32): void {
  msg_lit(lit("0x"));
  msg_lit(lit("0123456789abcdef").subarray(u32((v >> 4) & 15), u32(((v >> 4) & 15) + 1)));
  msg_lit(lit("0123456789abcdef").subarray(u32(v & 15), u32((v & 15) + 1)));
}

/** `b` for a message, cut after QUOTE_MAX bytes with "...". */
function msg_quote(b: Bytes): void {
  if (b.length <= QUOTE_MAX) {
    msg_lit(b);
  } else {
    msg_lit(b.subarray(0, QUOTE_MAX));
    msg_lit(lit("..."));
  }
}

/** "file:line:col: " for byte offset `pos` of the file being loaded. */
function loc_msg(pos: u32): void {
  const src: Bytes = st.lx.src;
  let line: u32 = 1;
  let col: u32 = 1;
  for (let i: u32 = 0; i < pos && i < src.length; i++) {
    if (src[i] === 0x0a) {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  const name: string | null = st.name;
  if (name !== null) msg_str(name);
  msg_lit(lit(":"));
  msg_u32(line);
  msg_lit(lit(":"));
  msg_u32(col);
  msg_lit(lit(": "));
}

/** "section.key: " */
function path_msg(s: i32, k: i32): void {
  msg_str(section_name(s));
  msg_lit(lit("."));
  msg_str(key_name(k));
  msg_lit(lit(": "));
}

/** The current token as the user wrote it, for "got ...". */
function msg_token(): void {
  const lx: json_lexer = st.lx;
  switch (lx.tok) {
    case json_tok.EOF: msg_lit(lit("end of input")); break;
    case json_tok.LBRACE: msg_lit(lit("an object")); break;
    case json_tok.LBRACKET: msg_lit(lit("an array")); break;
    case json_tok.STRING:
    case json_tok.NUMBER:
    case json_tok.TRUE:
    case json_tok.FALSE:
    case json_tok.NULL:
      msg_quote(lx.src.subarray(lx.start, lx.end));
      break;
    default:
      // A punctuation character.
      msg_lit(lit("'"));
      msg_lit(lx.src.subarray(lx.start, lx.end));
      msg_lit(lit("'"));
      break;
  }
}

/** A tokenizer error as a SYNTAX message. */
function lex_fail(): config_err {
  const lx: json_lexer = st.lx;
  loc_msg(lx.err_pos);
  const c: i32 = byte_at(lx.src, lx.err_pos);
  switch (lx.err) {
    case json_err.BAD_CHAR:
      if (c > 0x20 && c < 0x7f) {
        msg_lit(lit("unexpected character '"));
        msg_lit(lx.src.subarray(lx.err_pos, u32(lx.err_pos + 1)));
        msg_lit(lit("'"));
      } else {
        msg_lit(lit("unexpected byte "));
        msg_hex8(c);
      }
      break;
    case json_err.BAD_WORD: msg_lit(lit("invalid literal (expected true, false or null)")); break;
    case json_err.UNTERMINATED: msg_lit(lit("unterminated string")); break;
    case json_err.BAD_ESCAPE: msg_lit(lit("invalid escape in string")); break;
    case json_err.BAD_UNICODE: msg_lit(lit("invalid \\u escape in string")); break;
    case json_err.CONTROL: msg_lit(lit("control character in string (escape it)")); break;
    default: msg_lit(lit("invalid number")); break;
  }
  return config_err.SYNTAX;
}

/** "file:l:c: expected WHAT, got TOKEN" (or the tokenizer's error). */
function expected(what: Bytes): config_err {
  const lx: json_lexer = st.lx;
  if (lx.tok === json_tok.ERROR) return lex_fail();
  loc_msg(lx.start);
  msg_lit(lit("expected "));
  msg_lit(what);
  msg_lit(lit(", got "));
  msg_token();
  return config_err.SYNTAX;
}

/** "[file:l:c: ]section.key: WHAT, got VALUE"; from --set, VALUE is quoted. */
function type_err(s: i32, k: i32, what: Bytes, json: bool, value: Bytes): config_err {
  if (json) loc_msg(st.lx.start);
  path_msg(s, k);
  msg_lit(what);
  msg_lit(lit(", got "));
  if (json) {
    msg_token();
  } else {
    msg_lit(lit("\""));
    msg_quote(value);
    msg_lit(lit("\""));
  }
  return config_err.TYPE;
}

/** Decodes the current STRING token (a key) into st.key; too long: no match, kept cut for the message. */
function take_key(): Bytes {
  const lx: json_lexer = st.lx;
  const n: i32 = string_decode(lx.src, lx.start, lx.end, st.key, 0);
  st.key_len = n < 0 ? 0 : (n > NAME_SIZE ? u32(NAME_SIZE) : u32(n));
  if (n > NAME_SIZE) return lit("");
  return st.key.subarray(0, st.key_len);
}

// ---- applying one value ----

/**
 * Sets key `k` of section `s` of the scratch config. With `json`, the value is
 * the lexer's current token; otherwise it is the text `value` (from --set).
 */
function apply(s: i32, k: i32, json: bool, value: Bytes): config_err {
  const lx: json_lexer = st.lx;
  const c: mgos_config_mqtt = section_of(scratch, s);
  if (json && lx.tok === json_tok.ERROR) return lex_fail();
  const kind: config_kind = key_kind(k);
  if (kind === config_kind.STRING) {
    let r: config_err = config_err.OK;
    if (!json) r = store_str(scratch, s, k, value, false, 0, 0);
    else if (lx.tok === json_tok.NULL) r = store_str(scratch, s, k, lit("\"\""), true, 0, 2);
    else if (lx.tok !== json_tok.STRING) return type_err(s, k, lit("expected a string"), true, value);
    else r = store_str(scratch, s, k, lx.src, true, lx.start, lx.end);
    if (r !== config_err.OK) return r;
    return check_value(s, k, json);
  }
  if (kind === config_kind.BOOL) {
    let t: json_tok = lx.tok;
    if (!json) {
      t = json_tok.ERROR;
      if (bytesEqual(value, lit("true"))) t = json_tok.TRUE;
      if (bytesEqual(value, lit("false"))) t = json_tok.FALSE;
    }
    if (t !== json_tok.TRUE && t !== json_tok.FALSE) return type_err(s, k, lit("expected true or false"), json, value);
    // A feature compiled out is refused at load, naming the key and the switch.
    if (WS_SUPPORT === 0 && t === json_tok.TRUE && bytesEqual(strBytes(key_name(k)), lit("ws_enable"))) {
      value_msg(s, k, json);
      msg_lit(lit("true, but WebSocket support is compiled out (CONFIG_MGOS_MQTT_WS_SUPPORT)"));
      return config_err.INVALID;
    }
    set_bool(c, k, t === json_tok.TRUE);
    return config_err.OK;
  }
  // A number: from --set, the whole value must be one JSON number token.
  if (!json) {
    lx.reset(value);
    lx.next();
    if (lx.tok === json_tok.NUMBER && (lx.start !== 0 || lx.end !== value.length)) lx.tok = json_tok.ERROR;
  }
  const is_int: bool = kind === config_kind.INT;
  if (lx.tok !== json_tok.NUMBER || (is_int && !lx.is_int)) {
    return type_err(s, k, is_int ? lit("expected an integer") : lit("expected a number"), json, value);
  }
  const v: f64 = number_value(lx.src, lx.start, lx.end);
  if (!(v >= key_min(k) && v <= key_max(k))) {
    if (json) loc_msg(lx.start);
    path_msg(s, k);
    msg_quote(lx.src.subarray(lx.start, lx.end));
    msg_lit(lit(" is out of range "));
    msg_str(key_range(k));
    return config_err.RANGE;
  }
  if (is_int) set_int(c, k, f64ToI32(v));
  else set_f64(c, k, v);
  return config_err.OK;
}

// ---- values that parse but cannot work ----

/** "[file:l:c: ]section.key: " for a value just read. */
function value_msg(s: i32, k: i32, json: bool): void {
  if (json) loc_msg(st.lx.start);
  path_msg(s, k);
}

/** The bytes of string key `k` of section `s` of `cfg` as stored in its arena
 *  (not through the string field: under Node that would be decoded text,
 *  in which bytes that are not UTF-8 are already replaced). */
function stored(cfg: mgos_config, s: i32, k: i32): Bytes {
  const off: u32 = cfg.offs[slot_index(s, key_str_slot(k))];
  if (off === 0) return optBytes(get_str(section_of(cfg, s), k));
  const start: u32 = u32(off - 1);
  let end: u32 = start;
  while (end < cfg.arena.length && cfg.arena[end] !== 0) end++;
  return cfg.arena.subarray(start, end);
}

/** Checks string key `k` of section `s` of the scratch copy, just stored. */
function check_value(s: i32, k: i32, json: bool): config_err {
  const name: Bytes = strBytes(key_name(k));
  const v: Bytes = stored(scratch, s, k);
  if (bytesEqual(name, lit("server"))) return check_server(s, k, json, v);
  if (bytesEqual(name, lit("will_topic"))) {
    if (v.length === 0 || (validTopicName(v) && !hasControlChar(v))) return config_err.OK;
    value_msg(s, k, json);
    let wild: bool = false;
    for (let i: u32 = 0; i < v.length; i++) {
      if (v[i] === 0x2b || v[i] === 0x23) wild = true;
    }
    if (wild) {
      msg_lit(lit("\""));
      msg_quote(v);
      msg_lit(lit("\" contains a wildcard (+ or #): a will is published to one topic"));
    } else if (validUtf8(v) && hasControlChar(v)) {
      msg_lit(lit("contains a control character (U+0001-U+001F, U+007F-U+009F): mosquitto closes the connection on such a topic"));
    } else {
      msg_lit(lit("not a valid topic name (UTF-8, at most 65535 bytes)"));
    }
    return config_err.INVALID;
  }
  if (PERSIST_SUPPORT === 0 && v.length > 0 && bytesEqual(name, lit("outbox_persist"))) {
    value_msg(s, k, json);
    msg_lit(lit("set, but the persistent outbox is compiled out (CONFIG_MGOS_MQTT_PERSIST_SUPPORT)"));
    return config_err.INVALID;
  }
  if (bytesEqual(name, lit("will_response_topic"))) {
    if (v.length === 0 || validTopicName(v)) return config_err.OK;
    value_msg(s, k, json);
    msg_lit(lit("\""));
    msg_quote(v);
    msg_lit(lit("\" is not a topic name (UTF-8, no + or #): a response goes to one topic"));
    return config_err.INVALID;
  }
  if (bytesEqual(name, lit("will_user_props")) && !userPairsOk(v)) {
    value_msg(s, k, json);
    msg_lit(lit("\""));
    msg_quote(v);
    msg_lit(lit("\" is not key=value,key=value (each entry has = after a non-empty key)"));
    return config_err.INVALID;
  }
  if (bytesEqual(name, lit("client_id")) || bytesEqual(name, lit("user")) || bytesEqual(name, lit("will_content_type")) ||
    bytesEqual(name, lit("will_user_props"))) {
    if (validUtf8(v)) return config_err.OK;
    value_msg(s, k, json);
    msg_lit(lit("not valid UTF-8 (MQTT strings must be)"));
    return config_err.INVALID;
  }
  return config_err.OK;
}

/** will_user_props: `key=value` entries separated by `,`, each with a non-empty key. */
function userPairsOk(v: Bytes): bool {
  let k: u32 = 0;
  while (k < v.length) {
    let e: u32 = k;
    while (e < v.length && v[e] !== 0x2c) e++;
    let eq: u32 = k;
    while (eq < e && v[eq] !== 0x3d) eq++;
    if (eq === k || eq === e) return false;
    k = u32(e + 1);
  }
  return true;
}

/** A server address split by splitServer(): where its host is, its port. */
export class ServerAddr {
  hostStart: u32 = 0;
  hostEnd: u32 = 0;
  /** Where the port's digits start; the address's length + 1 when it has none. */
  portStart: u32 = 0;
  /** 1..65535; 0 when the address has no port. */
  port: u32 = 0;
}

/** What is wrong with a server address (splitServer). */
export enum server_err {
  OK = 0,
  /** `[` without `]`, or something other than `:port` after the `]`. */
  BRACKET = 1,
  NO_HOST = 2,
  /** A host longer than MAX_HOST_LEN. */
  HOST_LONG = 3,
  /** A `:` with nothing after it. */
  NO_PORT = 4,
  PORT_NOT_NUMBER = 5,
  PORT_RANGE = 6,
}

/**
 * Splits a server address: `host`, `host:port`, `[v6]` or `[v6]:port` (a
 * bare IPv6 address with more than one ':' has no port), the host at most
 * MAX_HOST_LEN bytes, the port 1..65535 in decimal. The config loader checks
 * addresses with it and the connection (mgos/conn.ts) splits them with it.
 */
export function splitServer(v: Bytes, a: ServerAddr): server_err {
  // Locals, stored once: cheaper than updating `a` field by field.
  const n: u32 = v.length;
  let hs: u32 = 0;
  let he: u32 = n;
  let ps: u32 = u32(n + 1);
  a.port = 0;
  if (n > 0 && v[0] === 0x5b) {
    let close: u32 = 0;
    for (let i: u32 = 1; i < n && close === 0; i++) {
      if (v[i] === 0x5d) close = i;
    }
    // close < n, so close + 1 does not wrap.
    const after: u32 = u32(close + 1);
    if (close === 0 || (after < n && v[after] !== 0x3a)) return server_err.BRACKET;
    hs = 1;
    he = close;
    if (after < n) ps = u32(close + 2);
  } else {
    let colons: u32 = 0;
    let last: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      if (v[i] === 0x3a) {
        colons++;
        last = i;
      }
    }
    if (colons === 1) {
      he = last;
      ps = u32(last + 1);
    }
  }
  a.hostStart = hs;
  a.hostEnd = he;
  a.portStart = ps;
  if (he <= hs) return server_err.NO_HOST;
  if (u32(he - hs) > MAX_HOST_LEN) return server_err.HOST_LONG;
  if (ps > n) return server_err.OK;
  const p: Bytes = v.subarray(ps);
  if (p.length === 0) return server_err.NO_PORT;
  let port: u32 = 0;
  for (let i: u32 = 0; i < p.length; i++) {
    const d: u8 = p[i];
    if (d < 0x30 || d > 0x39) return server_err.PORT_NOT_NUMBER;
    if (port <= 65535) port = u32(port * 10 + (d - 0x30));
  }
  if (port === 0 || port > 65535) return server_err.PORT_RANGE;
  a.port = port;
  return server_err.OK;
}

const serverScratch = new ServerAddr();

/** A server address (splitServer) with a message naming the key when it is wrong. */
function check_server(s: i32, k: i32, json: bool, v: Bytes): config_err {
  if (v.length === 0) return config_err.OK;
  const a: ServerAddr = serverScratch;
  const e: server_err = splitServer(v, a);
  if (e === server_err.OK) return config_err.OK;
  value_msg(s, k, json);
  if (e === server_err.HOST_LONG) {
    msg_lit(lit("the host name is "));
    msg_u32(u32(a.hostEnd - a.hostStart));
    msg_lit(lit(" bytes, longer than MGOS_MQTT_MAX_HOST_LEN ("));
    msg_u32(MAX_HOST_LEN);
    msg_lit(lit(")"));
    return config_err.INVALID;
  }
  if (e === server_err.PORT_NOT_NUMBER || e === server_err.PORT_RANGE) {
    const p: Bytes = v.subarray(a.portStart);
    msg_lit(e === server_err.PORT_RANGE ? lit("port ") : lit("port \""));
    msg_quote(p);
    if (e === server_err.PORT_RANGE) {
      msg_lit(lit(" is out of range 1..65535"));
      return config_err.RANGE;
    }
    msg_lit(lit("\" is not a number"));
    return config_err.INVALID;
  }
  msg_lit(lit("\""));
  msg_quote(v);
  if (e === server_err.BRACKET) msg_lit(lit("\": expected [IPv6 address] or [IPv6 address]:port"));
  else if (e === server_err.NO_HOST) msg_lit(lit("\" has no host name"));
  else msg_lit(lit("\" has no port after ':'"));
  return config_err.INVALID;
}

/** The bytes of a config string; null (not set) is empty. */
function optBytes(v: string | null): Bytes {
  return v === null ? noBytes() : strBytes(v);
}

/** Keys of one section that contradict each other, on the whole result of a change. */
function check_section(cfg: mgos_config, s: i32): config_err {
  const c: mgos_config_mqtt = section_of(cfg, s);
  const sec: string = section_name(s);
  if (c.enable && optBytes(c.server).length === 0) {
    msg_str(sec);
    msg_lit(lit(".server: not set, but "));
    msg_str(sec);
    msg_lit(lit(".enable is true"));
    return config_err.INVALID;
  }
  if (optBytes(c.pass).length > 0 && optBytes(c.user).length === 0) {
    msg_str(sec);
    msg_lit(lit(".pass: set without "));
    msg_str(sec);
    msg_lit(lit(".user (MQTT 3.1.1 3.1.2.9: a password needs a user name)"));
    return config_err.INVALID;
  }
  if (c.reconnect_timeout_max < c.reconnect_timeout_min) {
    msg_str(sec);
    msg_lit(lit(".reconnect_timeout_max: below "));
    msg_str(sec);
    msg_lit(lit(".reconnect_timeout_min"));
    return config_err.INVALID;
  }
  return config_err.OK;
}

// ---- whole files ----

/** Starts a change: the scratch copy becomes the live configuration (in a batch it already holds the batch's changes). */
function begin(): void {
  if (!st.batch) {
    copy(scratch, live());
    rebind(scratch);
  }
  msg_clear();
}

/** The scratch copy becomes live (when `whole`: only if its sections are consistent). */
function commit_scratch(whole: bool): config_err {
  let r: config_err = config_err.OK;
  if (whole) r = check_section(scratch, 0);
  if (whole && r === config_err.OK) r = check_section(scratch, 1);
  if (r === config_err.OK) {
    compact(scratch);
    copy(live_cfg, scratch);
    rebind(live_cfg);
    msg_clear();
    st.generation++;
  }
  return r;
}

/** Ends a change: `r` OK makes the scratch copy live (in a batch: at commit); anything else drops it.
 *  `whole`: check the keys that depend on each other (a load; not a single set). */
function finish(r: config_err, whole: bool): config_err {
  let res: config_err = r;
  if (st.batch) {
    if (res !== config_err.OK) st.batch_failed = true;
  } else if (res === config_err.OK) {
    res = commit_scratch(whole);
  }
  st.last = res;
  return res;
}

/**
 * Starts a batch: the loads and sets until commit() are one change, checked
 * as a whole (keys that depend on each other may come in any order) and
 * applied only if all of them are good.
 */
export function batch_begin(): void {
  st.batch = false;
  begin();
  st.batch = true;
  st.batch_failed = false;
}

/** Ends a batch: applies it, or returns why not (the first failure; the previous config stays). */
export function batch_commit(): config_err {
  if (!st.batch) return st.last;
  st.batch = false;
  if (st.batch_failed) return st.last;
  msg_clear();
  const r: config_err = commit_scratch(true);
  st.last = r;
  return r;
}

/** The members of section `s`'s object; the lexer is on its `{`. */
function parse_section(s: i32): config_err {
  const lx: json_lexer = st.lx;
  let t: json_tok = lx.next();
  if (t === json_tok.RBRACE) return config_err.OK;
  for (;;) {
    if (t !== json_tok.STRING) return expected(lit("a key"));
    const k: i32 = key_find(take_key());
    if (k < 0) {
      loc_msg(lx.start);
      msg_str(section_name(s));
      msg_lit(lit("."));
      msg_quote(st.key.subarray(0, st.key_len));
      msg_lit(lit(": unknown key"));
      return config_err.UNKNOWN_KEY;
    }
    if (lx.next() !== json_tok.COLON) return expected(lit("':'"));
    lx.next();
    const r: config_err = apply(s, k, true, noBytes());
    if (r !== config_err.OK) return r;
    t = lx.next();
    if (t === json_tok.RBRACE) return config_err.OK;
    if (t !== json_tok.COMMA) return expected(lit("',' or '}'"));
    t = lx.next();
  }
}

function parse(data: Bytes): config_err {
  const lx: json_lexer = st.lx;
  lx.reset(data);
  if (lx.next() !== json_tok.LBRACE) return expected(lit("'{'"));
  let t: json_tok = lx.next();
  if (t !== json_tok.RBRACE) {
    for (;;) {
      if (t !== json_tok.STRING) return expected(lit("a section name"));
      const s: i32 = section_find(take_key());
      if (s < 0) {
        loc_msg(lx.start);
        msg_quote(st.key.subarray(0, st.key_len));
        msg_lit(lit(": unknown section (expected mqtt or mqtt1)"));
        return config_err.UNKNOWN_SECTION;
      }
      if (lx.next() !== json_tok.COLON) return expected(lit("':'"));
      if (lx.next() !== json_tok.LBRACE) {
        if (lx.tok === json_tok.ERROR) return lex_fail();
        loc_msg(lx.start);
        msg_str(section_name(s));
        msg_lit(lit(": expected an object, got "));
        msg_token();
        return config_err.TYPE;
      }
      const r: config_err = parse_section(s);
      if (r !== config_err.OK) return r;
      t = lx.next();
      if (t === json_tok.RBRACE) break;
      if (t !== json_tok.COMMA) return expected(lit("',' or '}'"));
      t = lx.next();
    }
  }
  if (lx.next() !== json_tok.EOF) return expected(lit("end of input"));
  return config_err.OK;
}

/**
 * Applies the JSON config file `data` (named `name` in messages) on top of
 * the live configuration. All or nothing: on error nothing changes, and
 * error_msg() says where and why.
 * @cextern test/c/test_config.c calls it
 */
export function load(name: string, data: Bytes): config_err {
  begin();
  st.name = name;
  const r: config_err = parse(data);
  st.lx.reset(noBytes());
  return finish(r, true);
}

/** Sets one key from text, e.g. path "mqtt.server", value "host:1883".
 *  @cextern test/c/test_config.c calls it */
export function set(path: Bytes, value: Bytes): config_err {
  begin();
  let dot: i32 = -1;
  for (let i: u32 = 0; i < path.length; i++) {
    if (path[i] === 0x2e && dot < 0) dot = i32(i);
  }
  if (dot < 0) {
    msg_quote(path);
    msg_lit(lit(": expected section.key"));
    return finish(config_err.BAD_ARG, false);
  }
  const sec: Bytes = path.subarray(0, u32(dot));
  const s: i32 = section_find(sec);
  if (s < 0) {
    msg_quote(sec);
    msg_lit(lit(": unknown section (expected mqtt or mqtt1)"));
    return finish(config_err.UNKNOWN_SECTION, false);
  }
  const k: i32 = key_find(path.subarray(u32(dot + 1)));
  if (k < 0) {
    msg_quote(path);
    msg_lit(lit(": unknown key"));
    return finish(config_err.UNKNOWN_KEY, false);
  }
  const r: config_err = apply(s, k, false, value);
  st.lx.reset(noBytes());
  return finish(r, false);
}

/** Sets one key from a `section.key=value` argument (the host's --set). */
export function set_arg(arg: Bytes): config_err {
  for (let i: u32 = 0; i < arg.length; i++) {
    if (arg[i] === 0x3d) return set(arg.subarray(0, i), arg.subarray(u32(i + 1)));
  }
  begin();
  msg_quote(arg);
  msg_lit(lit(": expected section.key=value"));
  return finish(config_err.BAD_ARG, false);
}

// ---- C API for the host program and firmware ----

/** Loads the JSON text `json` (file `name`); returns 0 (config_err.OK) or the error code. @api */
export function mgos_mqtt_config_load_json(name: string, json: string): int {
  return load(name, strBytes(json));
}

/** Applies one `section.key=value` override; returns 0 or the error code. @api */
export function mgos_mqtt_config_set(arg: string): int {
  return set_arg(strBytes(arg));
}

/** The message of the last failed load or set, "" after a success. @api */
export function mgos_mqtt_config_error(): string {
  return error_msg();
}

/** Counts successful loads, sets and resets: re-read copies of the config when it changes. @api */
export function mgos_mqtt_config_generation(): u32 {
  return generation();
}

/** Starts a batch of loads and sets that apply as one change (see mgos_mqtt_config_commit). @api */
export function mgos_mqtt_config_begin(): void {
  batch_begin();
}

/** Applies the batch since mgos_mqtt_config_begin(): 0, or the error code (nothing applied; mgos_mqtt_config_error() says why). @api */
export function mgos_mqtt_config_commit(): int {
  return batch_commit();
}

/** Back to the compiled-in defaults. @api */
export function mgos_mqtt_config_reset(): void {
  reset();
}
