// mgos_mqtt connections: the Mongoose OS multi-connection API over the session.
//
// A fixed table of MGOS_MQTT_MAX_CONNS connections (`mgos_mqtt_conn`, one per
// port slot). Each holds its Session (the MQTT protocol), its two configs
// (`mqtt` and the backup `mqtt1`), its handlers and the reconnect state. The
// global `mgos_mqtt_*` API (facade.ts) is slot 0 following the system config.
//
// Life of a connection:
//   connect() -> port_net_connect() -> mgos_mqtt_port_on_connect(ok) -> CONNECT
//   (or the app's connect_fn, which calls mg_send_mqtt_handshake_opt) ->
//   CONNACK 0: connected, backoff reset, cloud CONNECTED, handlers get CONNACK.
//   Any failure (TCP, CONNACK refusal, peer close, protocol error) schedules a
//   reconnect: delay = previous x 2 clamped to [min, max] (2, 4, 8, 16, 32,
//   60, 60 ... s with the defaults), +/-10% jitter (RECONNECT_JITTER_PCT). A failure after waiting the
//   max delay switches to the other config (mqtt <-> mqtt1, when mqtt1.enable)
//   and restarts from its min. disconnect() stops reconnecting until connect().
//
// Event dispatch (behaviour.md): topic handlers get the PUBLISHes their filter
// matches and the SUBACK of their own SUBSCRIBE; global handlers get PUBLISH /
// SUBACK only when no topic handler took it, and always PUBACK, PUBREC, PUBREL,
// PUBCOMP, UNSUBACK, PINGRESP, CONNACK (accepted) and CLOSE (when it had been
// connected), and MG_EV_POLL (ev_data: a double, the wall time) at every
// poll while a transport exists (at least once a second, and after I/O, as
// Mongoose OS's loop). Each group runs in the order its handlers were added.
// A refused CONNACK reaches no handler.
//
// Acknowledgements (as the reference): an incoming QoS 1/2 PUBLISH that a
// topic handler took is acknowledged by the library (PUBACK; QoS 2: PUBREC,
// then PUBCOMP for its PUBREL); one that only global handlers got is theirs
// to acknowledge (mg_mqtt_puback, mg_mqtt_pubrec / mg_mqtt_pubcomp).
// mg_connection.flags: MG_F_CLOSE_IMMEDIATELY closes at the next service,
// MG_F_SEND_AND_CLOSE once tx is written; both then reconnect with backoff.
//
// Everything runs on the port's loop thread; the ESP-IDF port serializes
// calls from other tasks with its mutex.

import { u8, u16, u32, i32, bool, int, usize, f64, Ptr, Bytes, lit, copy, copyBytes, bytesEqual, strBytes, cstr, noBytes, structs, f64Hi, f64Lo, idiv, mul32 } from "../rt/rt";
import { Session, SessionEvent, SessionState, LogLevel, MAX_RX_QOS2 } from "../mqtt/session";
import { Packet, PacketType } from "../mqtt/packet";
import { MGOS_MQTT_ERR, mgos_mqtt_dropped } from "../mqtt/delivery";
import { attach as persistAttach } from "./persist";
import { ConnectOptions } from "../mqtt/codec";
import { topicMatches } from "../mqtt/topic";
import { mgos_config_mqtt } from "../config/config_schema";
import { mgos_sys_config_get_mqtt, mgos_sys_config_get_mqtt1 } from "../config/config_sys";
import { MAX_HOST_LEN, ServerAddr, server_err, splitServer } from "../config/config";
import { config_kind, KEY_COUNT, key_kind, get_str, set_str } from "../config/config_gen";
import {
  mg_connection, mg_mqtt_message, mg_send_mqtt_handshake_opts, mgos_cloud_arg, mg_event_handler_t, sub_handler_t,
  mgos_mqtt_connect_fn_t, MG_MQTT, MG_EV, MG_F, MGOS_EVENT, MGOS_CLOUD, MGOS_MQTT_SUB, mgos_mqtt_props, mgos_mqtt_v5_info,
} from "./mg_types";
import { nowMs, wallTime, rand32, logMsg, COMPILED_OUT, netConnect, netSend, netClose, deviceId, eventTrigger } from "./port";
import { WsLink, WsCode } from "./ws";
import { WS_SUPPORT, WS_ONE, FRAGMENTS_SUPPORT, PERSIST_SUPPORT } from "./options";
import { LOG_LEVEL } from "../mqtt/loglevel";
import { MQTT5_SUPPORT, V5_ONE } from "../mqtt/session5";
import { serverReferenceTarget, reason5Of, sharedFilter, fillProps, configWill5 } from "./mqtt5";

/** Connection slots (slot 0 is the global connection). @kconfig MGOS_MQTT_MAX_CONNS */
export const MAX_CONNS: i32 = 2;
/** Topic handlers (mgos_mqtt_sub, mgos_mqtt_global_subscribe,
 *  mgos_mqtt_conn_sub) per connection. @kconfig MGOS_MQTT_MAX_TOPIC_HANDLERS */
export const MAX_TOPIC_HANDLERS: u32 = 8;
/** Global handlers (mgos_mqtt_add_global_handler, mgos_mqtt_conn_add_handler)
 *  per connection; a table apart from the topic handlers. @kconfig MGOS_MQTT_MAX_GLOBAL_HANDLERS */
export const MAX_GLOBAL_HANDLERS: u32 = 8;
/** Bytes of string storage per config (mqtt and mqtt1 each) of a connection,
 *  for the strings mgos_mqtt_set_config / mgos_mqtt_conn_create2 copy.
 *  @kconfig MGOS_MQTT_CONN_STR_SIZE */
export const CONN_STR_SIZE: u32 = 384;
/** mqtt.require_time: a wall clock below 1.5e9 s (2017-07-14) is "not set", as
 *  Mongoose OS. The high word of that double's IEEE-754 bits (its low word is
 *  0xc0000000): positive doubles order as their bits, so the test needs no float. */
const TIME_SET_MIN_HI: u32 = 0x41d65a0b;

/** Whether the wall clock is set (see TIME_SET_MIN_HI). */
function timeIsSet(): bool {
  const t: f64 = wallTime();
  const hi: u32 = f64Hi(t);
  if ((hi >>> 31) !== 0) return false;
  return hi > TIME_SET_MIN_HI || (hi === TIME_SET_MIN_HI && f64Lo(t) >= 0xc0000000);
}
/** An API QoS for the session, which refuses (and logs) anything above 2:
 *  out-of-range values saturate at 255 instead of wrapping into 0..2. */
function qos8(q: i32): u8 {
  return u32(q) > 255 ? 255 : u8(q);
}

/** Reconnect delay jitter, percent either side (0..100; 0: none). Spreads a fleet's
 *  reconnects after a broker dies. @kconfig MGOS_MQTT_RECONNECT_JITTER_PCT */
export const RECONNECT_JITTER_PCT: u32 = 10;
/** Longest wait between two calls of mgos_mqtt_port_poll, ms (keepalive granularity). */
export const POLL_MAX_MS: u32 = 1000;

/** Transport state of a connection. */
export enum NetState {
  IDLE = 0,
  /** port_net_connect started, waiting for mgos_mqtt_port_on_connect. */
  CONNECTING = 1,
  OPEN = 2,
}

export enum HandlerKind {
  FREE = 0,
  /** Not used in the topic table: global handlers have a table of their own (ghandlers). */
  GLOBAL = 1,
  /** mgos_mqtt_conn_sub / mgos_mqtt_global_subscribe: an mg_event_handler_t for a filter. */
  TOPIC = 2,
  /** mgos_mqtt_sub: a sub_handler_t for a filter (PUBLISH only). */
  SUB = 3,
}

/** A global handler (its own table: they never compete with topic handlers for slots). */
export class mgos_mqtt_ghandler {
  ev: mg_event_handler_t | null = null;
  ud: Ptr = null;
}

/** ev_data of MG_EV_POLL: a struct whose only member is a double, so handlers
 *  read it as Mongoose's `*(double *) ev_data` (mg_time() of the poll). */
export class mgos_mqtt_poll_arg {
  now: f64 = 0.0;
}

export class mgos_mqtt_handler {
  kind: u8 = HandlerKind.FREE;
  ev: mg_event_handler_t | null = null;
  sub: sub_handler_t | null = null;
  ud: Ptr = null;
  /** The session subscription's tag: its filter (kept once, in the session's
   *  Sub, while the handler exists) and SUBACK routing. */
  tag: i32 = 0;
  /** MGOS_MQTT_SUB_FRAGMENTS: takes large PUBLISHes in fragments. */
  fragments: bool = false;
}

export class mgos_mqtt_conn {
  // Field order is flash: small fields first, so that Thumb code reaches them
  // with 16-bit loads and stores; the large Session and buffers last.
  net: u8 = NetState.IDLE;
  inUse: bool = false;
  /** The global connection: its configs are re-read from the system config at each connect. */
  followSys: bool = false;
  hasCfg1: bool = false;
  /** Connecting with cfg1 (failover). */
  useBackup: bool = false;
  /** Reconnect when the connection drops (false after disconnect()). */
  wantConnect: bool = false;
  reconnectPending: bool = false;
  /** The persistent outbox was set up (or failed) for this connection. */
  persistTried: bool = false;
  /** cfg / cfg1 is the system config's mqtt / mqtt1 section (given to
   *  create2 or set_config, or the global connection's mqtt1 after
   *  set_config): re-read at every connect, never copied. */
  followSys0: bool = false;
  followSys1: bool = false;
  tls: bool = false;
  /** The application's conn_id (mgos_mqtt_conn_create). */
  id: i32 = 0;
  slot: i32 = 0;
  reconnectAt: u32 = 0;
  /** Backoff base of the last scheduled reconnect, ms (0: none since the last success). */
  delayMs: u32 = 0;
  nHandlers: u32 = 0;
  nGlobal: u32 = 0;
  appQos2Count: u32 = 0;
  nextTag: i32 = 1;
  /** mgos_mqtt_set_max_qos: overrides the config's max_qos when >= 0. */
  userMaxQos: i32 = -1;
  hostLen: u32 = 0;
  /** MGOS_MQTT_SUB_* flags for the next handler added (subscribeOpt). */
  nextSubFlags: i32 = 0;
  connectFn: mgos_mqtt_connect_fn_t | null = null;
  connectFnArg: Ptr = null;
  /** Runs connectFn after the TCP connect; set only with it (setConnectFn),
   *  so a firmware that never sets a connect_fn links none of that code. */
  connectStep: ConnectStepFn | null = null;
  port: u16 = 0;
  /** Incoming QoS 2 ids whose exchange the application runs (no topic handler
   *  took the PUBLISH): their PUBREL is the application's to answer. */
  appQos2: Uint16Array = new Uint16Array(MAX_RX_QOS2);
  /** What handlers see; its user_data belongs to the app. */
  nc: mg_connection = new mg_connection();
  msg: mg_mqtt_message = new mg_mqtt_message();
  pollArg: mgos_mqtt_poll_arg = new mgos_mqtt_poll_arg();
  /** ev_data of MGOS_MQTT_EV_DROPPED. */
  dropped: mgos_mqtt_dropped = new mgos_mqtt_dropped();
  cloudArg: mgos_cloud_arg = new mgos_cloud_arg();
  hsOpts: mg_send_mqtt_handshake_opts = new mg_send_mqtt_handshake_opts();
  hs: ConnectOptions = new ConnectOptions();
  /** Topic handlers (kinds TOPIC and SUB). */
  handlers: mgos_mqtt_handler[] = structs(MAX_TOPIC_HANDLERS, mgos_mqtt_handler);
  ghandlers: mgos_mqtt_ghandler[] = structs(MAX_GLOBAL_HANDLERS, mgos_mqtt_ghandler);
  cfg: mgos_config_mqtt = new mgos_config_mqtt();
  cfg1: mgos_config_mqtt = new mgos_config_mqtt();
  /** MQTT 5: the properties of the packet an event is about (msg.props). */
  props5s: mgos_mqtt_props[] = structs(V5_ONE, mgos_mqtt_props);
  /** MQTT 5: what mgos_mqtt_conn_v5_info() returns. */
  info5s: mgos_mqtt_v5_info[] = structs(V5_ONE, mgos_mqtt_v5_info);
  /** The host of the attempt, for WebSocket's Host header (none without WebSocket). */
  host: Uint8Array = new Uint8Array(WS_SUPPORT !== 0 ? MAX_HOST_LEN : 1);
  /** Copies of the strings of cfg (first half) and cfg1 (second half) when
   *  they came from the application (set_config, create2), not the system config. */
  strs: Uint8Array = new Uint8Array(CONN_STR_SIZE);
  strs1: Uint8Array = new Uint8Array(CONN_STR_SIZE);
  /** MQTT over WebSocket (ws_enable): framing between the socket and the
   *  session; none when WebSocket is compiled out. */
  wss: WsLink[] = structs(WS_ONE, WsLink);
  session: Session = new Session();

  /** The WebSocket link carries this connection (never when compiled out:
   *  the linker then drops the link's code). */
  wsOn(): bool {
    return WS_SUPPORT !== 0 && this.wss[0].active();
  }

  /** Bytes waiting to go out: the session's, and WebSocket frames not yet written. */
  unsentBytes(): u32 {
    const w: u32 = this.net === NetState.OPEN && this.wsOn() ? this.wss[0].txLen : 0;
    return u32(this.session.unsentBytes() + w);
  }

  /** The config in use: mqtt, or mqtt1 after a failover. */
  active(): mgos_config_mqtt {
    return this.useBackup ? this.cfg1 : this.cfg;
  }

  isConnected(): bool {
    return this.net === NetState.OPEN && this.session.isConnected();
  }

  effectiveMaxQos(): u8 {
    const q: i32 = this.userMaxQos >= 0 ? this.userMaxQos : this.active().max_qos;
    if (q <= 0) return 0;
    return q >= 2 ? 2 : 1;
  }

  // ---------------------------------------------------------------- connecting

  /** Starts a connection attempt now, unless one is under way or up. */
  private startConnect(now: u32): void {
    this.reconnectPending = false;
    if (this.net !== NetState.IDLE) return;
    this.session.now = now;
    this.refreshSys();
    const c: mgos_config_mqtt = this.active();
    // As Mongoose OS: a device whose clock is not set yet (no SNTP answer)
    // would fail certificate dates and JWTs: wait, retrying with backoff.
    if (c.require_time && !timeIsSet()) {
      logMsg(LogLevel.ERROR, "clock not set, waiting (mqtt.require_time)", noBytes());
      this.failed(now);
      return;
    }
    if (WS_SUPPORT === 0 && c.ws_enable) {
      logMsg(LogLevel.ERROR, COMPILED_OUT, lit("CONFIG_MGOS_MQTT_WS_SUPPORT, for ws_enable"));
      this.failed(now);
      return;
    }
    this.nc.flags = 0;
    // MQTT 5 "Use another server" / "Server moved" with a Server Reference:
    // this one attempt goes there (then the configured servers again).
    // (MQTT5_SUPPORT tested here: the linker then drops MQTT 5 when it is compiled out.)
    const ref: Bytes = MQTT5_SUPPORT !== 0 ? serverReferenceTarget(this.session) : noBytes();
    if (ref.length > 0) logMsg(LogLevel.INFO, "following the broker's Server Reference: ", ref);
    const srv: Bytes = ref.length > 0 ? ref : sb(c.server);
    // A view into srv (the port copies it; a valid address has a host).
    const host: Bytes = this.parseServer(srv, c);
    if (host.length === 0) {
      this.failed(now);
      return;
    }
    if (!this.applyConfig(c)) {
      this.failed(now);
      return;
    }
    if (WS_SUPPORT !== 0) this.wss[0].reset();
    this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTING);
    // The server this attempt goes to (a Server Reference's, not the configured one).
    logMsg(LogLevel.INFO, this.useBackup ? "connecting (mqtt1) to " : "connecting to ", srv);
    this.net = NetState.CONNECTING;
    if (netConnect(this.slot, host, this.port, this.tls ? this.slot : -1) < 0) this.connectFailed(now);
  }

  /** The TCP connect could not start or failed: a connect error, then a
   *  retry with backoff. (No log line here: the port logs the host, port and
   *  reason of every failure it reports.) */
  private connectFailed(now: u32): void {
    this.net = NetState.IDLE;
    this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTERROR);
    this.failed(now);
  }

  /** Re-reads the sections that follow the system config and applies the config. */
  refreshSys(): void {
    this.readSys(this.followSys);
  }

  /** Both sections from the system config (the global connection's own). */
  loadSysConfig(): void {
    this.hasCfg1 = true;
    this.readSys(true);
  }

  /** Copies the system config's mqtt (all, or followSys0) and mqtt1 (all, or
   *  followSys1), then applies the config. */
  private readSys(all: bool): void {
    if (all || this.followSys0) copy(this.cfg, mgos_sys_config_get_mqtt());
    if (all || this.followSys1) copy(this.cfg1, mgos_sys_config_get_mqtt1());
    this.syncOutbox();
  }

  /** The offline queue settings reach the session as soon as the config does:
   *  publishes before the first connect follow them too. */
  syncOutbox(): void {
    const c: mgos_config_mqtt = this.active();
    // The session caps publishes and subscriptions by it (a config re-read included).
    this.session.cfg.maxQos = this.effectiveMaxQos();
    this.session.cfg.maxQueueLength = c.max_queue_length <= 0 ? 0 : u32(c.max_queue_length);
    this.session.cfg.dropOldest = c.max_queue_drop_oldest;
    // The persistent outbox is opened once, before the first publish or connect.
    // (Compiled out and no logs: attach would do nothing.)
    const where: string | null = this.cfg.outbox_persist;
    if ((PERSIST_SUPPORT !== 0 || LOG_LEVEL > 0) && !this.persistTried && isSet(where)) {
      this.persistTried = true;
      persistAttach(this.session, this.slot, where!);
    }
  }

  /** Splits `host`, `host:port`, `[v6]` or `[v6]:port` into host (returned,
   *  a view into `s`; empty when `s` is bad) and port. Without a port: 8883
   *  when TLS is configured, else 1883. */
  private parseServer(s: Bytes, c: mgos_config_mqtt): Bytes {
    this.tls = isSet(c.ssl_ca_cert) || isSet(c.ssl_psk_identity);
    // As in the reference, a client certificate alone does not turn TLS on:
    // say so, or a device would silently talk plain TCP.
    if (!this.tls && (isSet(c.ssl_cert) || isSet(c.ssl_key))) {
      logMsg(LogLevel.WARN, "ssl_cert/ssl_key are set but ssl_ca_cert is not: TLS stays off (set ssl_ca_cert)", noBytes());
    }
    // The config loader refuses bad addresses (saying why); a firmware can
    // still write the struct directly, so the connection checks again (the
    // same splitter: an empty address has no host).
    const a: ServerAddr = serverAddr;
    if (splitServer(s, a) !== server_err.OK) {
      logMsg(LogLevel.ERROR, this.useBackup ? "mqtt1.server not set or bad: " : "mqtt.server not set or bad: ", s);
      return noBytes();
    }
    const h: Bytes = s.subarray(a.hostStart, a.hostEnd);
    // WebSocket's Host header needs it after the TCP connect: a copy.
    if (WS_SUPPORT !== 0) {
      copyBytes(this.host, 0, h);
      this.hostLen = h.length;
    }
    this.port = u16(a.port !== 0 ? a.port : this.tls ? 8883 : 1883);
    return h;
  }

  /** Copies the config's protocol settings into the session. */
  private applyConfig(c: mgos_config_mqtt): bool {
    const sc = this.session.cfg;
    let cid: Bytes = sb(c.client_id);
    if (cid.length === 0) cid = strBytes(deviceId());
    const err: string | null = sc.setStrings(cid, sb(c.user), sb(c.pass), sb(c.will_topic), sb(c.will_message));
    if (err !== null) {
      logMsg(LogLevel.ERROR, "config: ", strBytes(err));
      return false;
    }
    const ka: i32 = c.keep_alive;
    sc.keepAlive = ka <= 0 ? 0 : ka >= 65535 ? 65535 : u16(ka);
    sc.cleanSession = c.clean_session;
    sc.willRetain = c.will_retain;
    sc.recvLimit = c.recv_mbuf_limit <= 0 ? 0 : u32(c.recv_mbuf_limit);
    // maxQos, maxQueueLength and dropOldest: refreshSys (syncOutbox) has just set them.
    if (c.protocol_version === 5 && MQTT5_SUPPORT === 0) {
      logMsg(LogLevel.ERROR, COMPILED_OUT, lit("CONFIG_MGOS_MQTT_V5_SUPPORT, for protocol_version 5"));
      return false;
    }
    sc.version = c.protocol_version === 5 ? 5 : 4;
    // The rest is MQTT 5's alone (a build without it links none of it).
    if (MQTT5_SUPPORT === 0) return true;
    // -1: as clean_session says (3.1.1's meaning): kept forever, or not at all.
    const se: i32 = c.session_expiry;
    sc.sessionExpiry = se >= 0 ? u32(se) : c.clean_session ? 0 : 0xffffffff;
    sc.maxPacket = c.max_packet_size <= 0 ? 0 : u32(c.max_packet_size);
    return configWill5(this.session, c);
  }

  /** The port finished (or failed) the TCP connect. */
  onTcpConnect(ok: bool, err: i32, now: u32): void {
    if (this.net !== NetState.CONNECTING) return;
    this.session.now = now;
    if (!ok) {
      this.connectFailed(now);
      return;
    }
    this.net = NetState.OPEN;
    const c: mgos_config_mqtt = this.active();
    // ws_enable: the HTTP Upgrade first; a valid 101 calls onWsOpen, which comes back here.
    if (WS_SUPPORT !== 0 && c.ws_enable && !this.wss[0].isOpen()) {
      if (!this.wss[0].begin(this.host.subarray(0, this.hostLen), this.port, this.tls, sb(c.ws_path), now)) this.dropWs(now);
      else this.service(now);
      return;
    }
    const step: ConnectStepFn | null = this.connectStep;
    if (step !== null) {
      if (!step(this, now)) return;
    } else if (!this.session.connect(now)) {
      this.dropTransport(now);
      return;
    }
    this.service(now);
  }

  /** The CONNECT of an application's connect_fn (onTcpConnect through
   *  connectStep); false when the connection was dropped. */
  runConnectFn(now: u32): bool {
    const f: mgos_mqtt_connect_fn_t | null = this.connectFn;
    if (f === null) {
      // A C caller removed it with NULL: the library's own CONNECT.
      if (this.session.connect(now)) return true;
      this.dropTransport(now);
      return false;
    }
    const c: mgos_config_mqtt = this.active();
    this.fillHandshakeOpts(c);
    f(this.nc, isSet(c.client_id) ? c.client_id! : deviceId(), this.hsOpts, this.connectFnArg);
    // A connect_fn that gave up (e.g. could not sign its token) closes.
    if (this.net === NetState.OPEN && (this.nc.flags & (MG_F.CLOSE_IMMEDIATELY | MG_F.SEND_AND_CLOSE)) !== 0) {
      logMsg(LogLevel.WARN, "connect_fn closed the connection", noBytes());
      this.dropTransport(now);
      return false;
    }
    if (this.net === NetState.OPEN && this.session.state === SessionState.DISCONNECTED) {
      logMsg(LogLevel.ERROR, "connect_fn did not call mg_send_mqtt_handshake_opt", noBytes());
      this.dropTransport(now);
      return false;
    }
    return true;
  }

  /** Sets the application's connect_fn (and the step that runs it). */
  setConnectFn(fn: mgos_mqtt_connect_fn_t, fnArg: Ptr): void {
    this.connectFn = fn;
    this.connectFnArg = fnArg;
    this.connectStep = connectFnStep;
  }

  /** The options a connect_fn receives, from the config (NULL = not set). */
  private fillHandshakeOpts(c: mgos_config_mqtt): void {
    const o: mg_send_mqtt_handshake_opts = this.hsOpts;
    let flags: u8 = c.clean_session ? MG_MQTT.CLEAN_SESSION : 0;
    if (c.will_retain) flags = u8(flags | MG_MQTT.WILL_RETAIN);
    o.flags = flags;
    const ka: i32 = c.keep_alive;
    o.keep_alive = ka <= 0 ? 0 : ka >= 65535 ? 65535 : u16(ka);
    o.user_name = isSet(c.user) ? c.user : null;
    o.password = isSet(c.pass) ? c.pass : null;
    const will: bool = isSet(c.will_topic) && isSet(c.will_message);
    o.will_topic = will ? c.will_topic : null;
    o.will_message = will ? c.will_message : null;
  }

  /** mg_send_mqtt_handshake_opt: sends CONNECT with the caller's options. */
  handshake(clientId: string, o: mg_send_mqtt_handshake_opts): bool {
    if (this.net !== NetState.OPEN) {
      logMsg(LogLevel.ERROR, "mg_send_mqtt_handshake_opt: not connected", noBytes());
      return false;
    }
    const h: ConnectOptions = this.hs;
    h.clientId = strBytes(clientId);
    const u: string | null = o.user_name;
    const p: string | null = o.password;
    const wt: string | null = o.will_topic;
    const wm: string | null = o.will_message;
    h.userName = u !== null ? strBytes(u) : noBytes();
    h.password = p !== null ? strBytes(p) : noBytes();
    h.willTopic = noBytes();
    h.willMessage = noBytes();
    if (wt !== null && wm !== null) {
      h.willTopic = strBytes(wt);
      h.willMessage = strBytes(wm);
    }
    h.willQos = u8((o.flags >> 3) & 3);
    if (h.willQos > 2) h.willQos = 2;
    h.willRetain = (o.flags & MG_MQTT.WILL_RETAIN) !== 0;
    h.cleanSession = (o.flags & MG_MQTT.CLEAN_SESSION) !== 0;
    // The session's clean_session decides what survives a disconnect.
    this.session.cfg.cleanSession = h.cleanSession;
    h.keepAlive = o.keep_alive === 0 ? 60 : o.keep_alive;
    this.session.cfg.keepAlive = h.keepAlive;
    return this.session.connectWith(h, this.session.now);
  }

  // ---------------------------------------------------------------- failures and backoff

  /** An attempt failed or the connection ended: schedule the next one. */
  private failed(now: u32): void {
    // Callers set net to IDLE themselves: a handler run before this point may
    // already have started a new attempt, and that socket must not be orphaned.
    if (!this.wantConnect || this.net !== NetState.IDLE || this.reconnectPending) return;
    this.scheduleReconnect(now);
  }

  /** The reconnect timeouts (config doubles, seconds) in ms by integer
   *  arithmetic (secToMs): no float at run time. */
  private scheduleReconnect(now: u32): void {
    if (this.delayMs > 0 && this.delayMs >= secToMs(this.active().reconnect_timeout_max) && this.otherUsable()) {
      // Waited the longest delay and failed again: try the other server.
      this.useBackup = !this.useBackup;
      this.delayMs = 0;
      logMsg(LogLevel.WARN, this.useBackup ? "switching to the backup server mqtt1: " : "switching back to the main server mqtt: ", sb(this.active().server));
    }
    // Double (from 0: the minimum); past 2^31 doubling would wrap: the
    // maximum then. Clamped to max first, then to min, so min wins when
    // max < min.
    const c: mgos_config_mqtt = this.active();
    const max: u32 = secToMs(c.reconnect_timeout_max);
    const min: u32 = secToMs(c.reconnect_timeout_min);
    let d: u32 = this.delayMs > 0x7fffffff ? 0xffffffff : u32(this.delayMs * 2);
    if (d > max) d = max;
    if (d < min) d = min;
    this.delayMs = d;
    this.reconnectAt = u32(now + jitter(d));
    this.reconnectPending = true;
  }

  /** May failover switch to the other config? mqtt1 only when enabled; back to mqtt always. */
  private otherUsable(): bool {
    if (this.useBackup) return true;
    return this.hasCfg1 && this.cfg1.enable;
  }

  // ---------------------------------------------------------------- I/O

  /** Writes what the session has queued and closes when it asks to. */
  service(now: u32): void {
    const s: Session = this.session;
    // Nothing to write or close without an open socket (WebSocket included).
    if (this.net !== NetState.OPEN) return;
    if ((this.nc.flags & MG_F.CLOSE_IMMEDIATELY) !== 0) {
      logMsg(LogLevel.INFO, "closing: MG_F_CLOSE_IMMEDIATELY", noBytes());
      this.dropTransport(now);
      return;
    }
    if (this.wsOn()) {
      this.serviceWs(now);
      return;
    }
    while (this.net === NetState.OPEN && s.txLen > 0) {
      const n: i32 = netSend(this.slot, s.txView());
      if (n < 0) {
        // (The port has logged why.)
        this.dropTransport(now);
        return;
      }
      if (n === 0) break;
      s.txConsumed(u32(n));
    }
    if (this.net !== NetState.OPEN) return;
    if (s.wantsClose()) this.dropTransport(now);
    else if (s.txLen === 0 && (this.nc.flags & MG_F.SEND_AND_CLOSE) !== 0) {
      logMsg(LogLevel.INFO, "closing: MG_F_SEND_AND_CLOSE", noBytes());
      this.dropTransport(now);
    }
  }

  /** service() over WebSocket: session bytes go out in binary frames once the
   *  link is open; a session that ends starts the close handshake. */
  private serviceWs(now: u32): void {
    const s: Session = this.session;
    const w: WsLink = this.wss[0];
    while (this.net === NetState.OPEN) {
      if (w.isOpen() && s.txLen > 0) {
        const k: u32 = w.wrap(s.txView());
        if (k > 0) s.txConsumed(k);
      }
      if (w.txLen === 0) break;
      const n: i32 = netSend(this.slot, w.txView());
      if (n < 0) {
        // (The port has logged why.)
        this.dropTransport(now);
        return;
      }
      if (n === 0) break;
      w.txConsumed(u32(n));
    }
    if (this.net !== NetState.OPEN) return;
    if (s.wantsClose() && w.isOpen()) {
      w.close(WsCode.NORMAL, now);
      this.serviceWs(now);
      return;
    }
    if (w.wantsClose()) this.dropWs(now);
  }

  /** Drops a WebSocket connection; one that never got its 101 is a connect error. */
  private dropWs(now: u32): void {
    if (!this.wss[0].opened) this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTERROR);
    this.dropTransport(now);
  }

  /** Closes the socket and settles the session (CLOSE event), then reconnects if wanted. */
  private dropTransport(now: u32): void {
    if (this.net !== NetState.IDLE) netClose(this.slot);
    this.net = NetState.IDLE;
    this.session.connectionLost(now);
    this.failed(now);
  }

  onRecv(data: Bytes, now: u32): void {
    if (this.net !== NetState.OPEN) return;
    if (this.wsOn()) this.wss[0].onRecv(data, now);
    else this.session.onRecv(data, now);
    this.service(now);
  }

  onPeerClose(err: i32, now: u32): void {
    if (this.net === NetState.IDLE) return;
    if (this.net === NetState.CONNECTING) {
      this.onTcpConnect(false, err, now);
      return;
    }
    logMsg(LogLevel.WARN, err !== 0 ? "connection closed with an error" : "connection closed by the server", noBytes());
    if (this.wsOn() && !this.wss[0].opened) this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTERROR);
    // The socket is gone already: dropTransport without the close.
    this.net = NetState.IDLE;
    this.dropTransport(now);
  }

  /** Timers. Returns ms until this connection next needs a poll. */
  poll(now: u32): u32 {
    if (this.reconnectPending && i32(u32(this.reconnectAt - now)) <= 0) this.startConnect(now);
    // MG_EV_POLL while a transport exists, as Mongoose's loop gives every
    // connection one per iteration (the shadows send state requests from it).
    if (this.net !== NetState.IDLE && this.nGlobal > 0) {
      this.session.now = now;
      this.pollArg.now = wallTime();
      this.callGlobalArg(MG_EV.POLL, this.pollArg);
    }
    let wait: u32 = POLL_MAX_MS;
    if (this.net === NetState.OPEN && this.wsOn() && this.wss[0].expired(now)) this.dropWs(now);
    if (this.net === NetState.OPEN) {
      this.session.tick(now);
      this.service(now);
      if (this.net === NetState.OPEN && this.wsOn()) wait = this.wss[0].nextIn(now, wait);
      // The session's own deadlines (PINGREQ, PINGRESP, CONNACK) to the ms.
      if (this.net === NetState.OPEN) wait = this.session.nextTickIn(now, wait);
    }
    // Measured after the tick: a close it decided (CONNACK or keepalive timeout)
    // has just scheduled a reconnect, which must not wait a whole POLL_MAX_MS.
    if (this.reconnectPending) {
      const left: i32 = i32(u32(this.reconnectAt - now));
      if (left <= 0) wait = 0;
      else if (u32(left) < wait) wait = u32(left);
    }
    return wait;
  }

  // ---------------------------------------------------------------- events

  private cloudEvent(ev: i32): void {
    if (!this.active().cloud_events) return;
    this.cloudArg.type = MGOS_CLOUD.MQTT;
    eventTrigger(ev, this.cloudArg);
  }

  /** Fills `msg` (ev_data) from a decoded packet (all zero but cmd without one). */
  private fillMsg(ev: i32, p: Packet | null): void {
    const m: mg_mqtt_message = this.msg;
    m.cmd = ev >= 200 ? i32(ev - 200) : 0;
    m.qos = 0;
    m.len = 0;
    m.connack_ret_code = 0;
    m.message_id = 0;
    m.reason_code = 0;
    m.props = null;
    m.current_data_offset = 0;
    m.total_data_len = 0;
    let topic: Bytes = noBytes();
    let payload: Bytes = noBytes();
    if (p !== null) {
      m.qos = p.qos;
      m.len = i32(p.totalLen);
      m.connack_ret_code = p.returnCode;
      m.message_id = p.packetId;
      if (MQTT5_SUPPORT !== 0 && this.session.isV5()) {
        m.reason_code = reason5Of(this.session, p);
        fillProps(this.props5s[0], this.session);
        m.props = this.props5s[0];
      }
      if (p.type === PacketType.PUBLISH) {
        topic = p.topic;
        payload = p.payload;
      }
      // SUBACK: qos is the first filter's granted QoS (0x80: refused) and the
      // payload holds every return code, one byte per filter (an extension:
      // Mongoose left both empty).
      if (p.type === PacketType.SUBACK) {
        m.qos = p.codes.length > 0 ? p.codes[0] : 0x80;
        payload = p.codes;
      }
      if (ev === SessionEvent.PUBLISH_PART || ev === SessionEvent.PUBLISH_SKIPPED) {
        m.current_data_offset = this.session.rxPartOff;
        m.total_data_len = this.session.rxPartTotal;
      }
    }
    m.topic.p = cstr(topic);
    m.topic.len = topic.length;
    m.payload.p = cstr(payload);
    m.payload.len = payload.length;
  }

  dispatch(ev: i32, p: Packet | null): void {
    const s: Session = this.session;
    const now: u32 = s.now;
    // What the global handlers get (when no topic handler took the event).
    let toGlobal: bool = true;
    let arg: Ptr = this.msg;
    if (ev === SessionEvent.CONNACK) {
      if (p === null || p.returnCode !== 0) {
        // The CLOSE that follows raises the connect-error event.
        logMsg(LogLevel.ERROR, "server refused the connection: ", strBytes(this.session.closeReason));
        return;
      }
      this.delayMs = 0;
      logMsg(LogLevel.INFO, "connected to ", sb(this.active().server));
      this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTED);
    } else if (ev === SessionEvent.CLOSE) {
      if (!s.wasConnected) {
        // Ended before an accepted CONNACK (refused, timed out, closed by the
        // server, e.g. a TLS 1.3 server refusing the client certificate).
        this.cloudEvent(MGOS_EVENT.CLOUD_CONNECTERROR);
        return;
      }
      logMsg(LogLevel.INFO, "disconnected: ", strBytes(this.session.closeReason));
      this.cloudEvent(MGOS_EVENT.CLOUD_DISCONNECTED);
      arg = null;
    } else if (ev === SessionEvent.DROPPED) {
      const d: mgos_mqtt_dropped = this.dropped;
      d.packet_id = s.evDropId;
      d.qos = s.evDropQos;
      d.reason = s.evDropReason;
      d.topic.p = cstr(s.evDropTopic);
      d.topic.len = s.evDropTopic.length;
      d.payload.p = cstr(s.evDropPayload);
      d.payload.len = s.evDropPayload.length;
      arg = d;
    } else if (ev === SessionEvent.OUTBOX_ROOM) {
      arg = null;
    } else if (ev === SessionEvent.PUBREL && p !== null && this.appQos2Take(p!.packetId)) {
      // The PUBCOMP of an exchange the application runs is its own.
      s.autoAck = false;
    }
    // CONNACK and CLOSE fill the message after their cloud event (whose
    // handlers may reenter the API); DROPPED and OUTBOX_ROOM do not use it
    // (and may come from inside a handler still reading it).
    if (ev !== SessionEvent.DROPPED && ev !== SessionEvent.OUTBOX_ROOM) this.fillMsg(ev, p);
    if (p !== null && ev === SessionEvent.PUBLISH) {
      if (this.callTopics(ev, p)) {
        toGlobal = false;
      } else {
        // No topic handler took it: as the reference, acknowledging is up
        // to the global handlers (mg_mqtt_puback / mg_mqtt_pubrec).
        s.autoAck = false;
        if (p!.qos === 2) this.appQos2Add(p!.packetId);
      }
    } else if (ev === SessionEvent.PUBLISH_PART) {
      // Fragments go only to handlers that asked for them; the first one
      // decides: when none matched, the session skips the message.
      toGlobal = false;
      if (FRAGMENTS_SUPPORT !== 0 && p !== null && this.callTopics(ev, p)) s.rxTake = true;
    } else if (ev === SessionEvent.PUBLISH_SKIPPED) {
      // A topic cut short cannot be matched: global handlers only.
      if (p !== null && p!.topic.length === s.rxTopicLen && this.callTopics(ev, p)) toGlobal = false;
    } else if (ev === SessionEvent.SUBACK && this.callTopics(ev, p)) {
      toGlobal = false;
    }
    if (toGlobal) this.callGlobalArg(ev, arg);
    s.now = now;
  }

  /** Global handlers, in the order added; `arg` is the ev_data. */
  private callGlobalArg(ev: i32, arg: Ptr): void {
    for (let i: u32 = 0; i < this.nGlobal; i++) {
      const h: mgos_mqtt_ghandler = this.ghandlers[i];
      const f: mg_event_handler_t | null = h.ev;
      if (f !== null) f(this.nc, ev, arg, h.ud);
    }
  }

  private appQos2Add(id: u16): void {
    if (this.appQos2Count >= MAX_RX_QOS2) this.appQos2Take(this.appQos2[0]);
    this.appQos2[this.appQos2Count] = id;
    this.appQos2Count++;
  }

  /** Removes `id`, keeping the others in order (oldest first); true when it
   *  was there. (An id is there once: the session drops a QoS 2 duplicate
   *  before its PUBREL.) */
  private appQos2Take(id: u16): bool {
    const n: u32 = this.appQos2Count;
    let k: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      const v: u16 = this.appQos2[i];
      if (v !== id) this.appQos2[k++] = v;
    }
    this.appQos2Count = k;
    return k !== n;
  }

  /** The filter of topic handler `h`: its session subscription's (same tag);
   *  empty if there is none. */
  private filterOf(h: mgos_mqtt_handler): Bytes {
    const s: Session = this.session;
    for (let i: u32 = 0; i < s.subCount; i++) {
      if (s.subs[i].tag === h.tag) return s.subs[i].view();
    }
    return noBytes();
  }

  /** Topic handlers, in the order added, for an event about their
   *  subscription; false when none took it. PUBLISH: every handler whose
   *  filter matches (a sub_handler_t gets topic and payload). PUBLISH_PART:
   *  the matching MGOS_MQTT_SUB_FRAGMENTS event handlers. PUBLISH_SKIPPED:
   *  the matching event handlers. SUBACK: the one whose SUBSCRIBE has the
   *  session's tag (a sub_handler_t only takes messages: its SUBACK is
   *  consumed silently). `p` is not null but for SUBACK. */
  private callTopics(ev: i32, p: Packet | null): bool {
    let took: bool = false;
    // The table holds only TOPIC and SUB handlers (addHandler's kinds).
    for (let i: u32 = 0; i < this.nHandlers; i++) {
      const h: mgos_mqtt_handler = this.handlers[i];
      // A SUB handler has only `sub`, a TOPIC handler only `ev` (maybe NULL).
      const f: mg_event_handler_t | null = h.ev;
      const g: sub_handler_t | null = h.sub;
      if (ev === SessionEvent.SUBACK) {
        if (h.tag !== this.session.evTag) continue;
      } else {
        if (ev !== SessionEvent.PUBLISH && f === null) continue;
        if (ev === SessionEvent.PUBLISH_PART && (FRAGMENTS_SUPPORT === 0 || !h.fragments)) continue;
        // A shared subscription ($share/<group>/<filter>) matches by its filter.
        if (!topicMatches(MQTT5_SUPPORT !== 0 ? sharedFilter(this.filterOf(h)) : this.filterOf(h), p!.topic)) continue;
      }
      took = true;
      if (f !== null) {
        f(this.nc, ev, this.msg, h.ud);
      } else if (g !== null && ev === SessionEvent.PUBLISH) {
        g(this.nc, cstr(p!.topic), i32(p!.topic.length), cstr(p!.payload), i32(p!.payload.length), h.ud);
      }
    }
    return took;
  }

  // ---------------------------------------------------------------- API

  /** A global handler; false when MGOS_MQTT_MAX_GLOBAL_HANDLERS are taken. */
  addGlobal(ev: mg_event_handler_t, ud: Ptr): bool {
    if (this.nGlobal >= MAX_GLOBAL_HANDLERS) {
      logMsg(LogLevel.ERROR, "MGOS_MQTT_MAX_GLOBAL_HANDLERS reached", noBytes());
      return false;
    }
    const h: mgos_mqtt_ghandler = this.ghandlers[this.nGlobal];
    h.ev = ev;
    h.ud = ud;
    this.nGlobal++;
    return true;
  }

  /** A topic handler (kind TOPIC or SUB) in the next entry, with the next
   *  tag (the caller checked that the table has room). */
  private addHandler(kind: u8, ev: mg_event_handler_t | null, sub: sub_handler_t | null, ud: Ptr): void {
    const h: mgos_mqtt_handler = this.handlers[this.nHandlers];
    h.kind = kind;
    h.ev = ev;
    h.sub = sub;
    h.ud = ud;
    h.tag = this.nextTag;
    // (subscribeOpt refuses the flag when fragments are compiled out, and
    // clears nextSubFlags after.)
    h.fragments = FRAGMENTS_SUPPORT !== 0 && (this.nextSubFlags & MGOS_MQTT_SUB.FRAGMENTS) !== 0;
    this.nextTag = this.nextTag >= 0x7fffffff ? 1 : i32(this.nextTag + 1);
    this.nHandlers++;
  }

  private removeHandler(i: u32): void {
    const n: u32 = u32(this.nHandlers - 1);
    for (let j: u32 = i; j < n; j++) copy(this.handlers[j], this.handlers[j + 1]);
    this.nHandlers = n;
    const last: mgos_mqtt_handler = this.handlers[n];
    last.kind = HandlerKind.FREE;
    last.ev = null;
    last.sub = null;
    last.ud = null;
  }

  /** A topic handler plus its subscription (kept and re-sent after every reconnect). */
  subscribe(filter: Bytes, qos: i32, kind: u8, ev: mg_event_handler_t | null, sub: sub_handler_t | null, ud: Ptr): bool {
    const now: u32 = nowMs();
    this.session.now = now;
    if (this.nHandlers >= MAX_TOPIC_HANDLERS) {
      logMsg(LogLevel.ERROR, "MGOS_MQTT_MAX_TOPIC_HANDLERS reached: ", filter);
      return false;
    }
    // The handler is added once the session took the subscription (its tag
    // is the next one): a refusal leaves nothing to undo. The session refuses
    // a bad QoS (with its log line) and caps the QoS by max_qos (syncOutbox).
    if (this.session.subscribe(filter, qos8(qos), this.nextTag) === 0) return false;
    this.addHandler(kind, ev, sub, ud);
    this.service(now);
    return true;
  }

  /** subscribe() of an mg_event_handler_t with MGOS_MQTT_SUB_* flags. */
  subscribeOpt(filter: Bytes, qos: i32, flags: i32, ev: mg_event_handler_t, ud: Ptr): bool {
    if ((flags & ~MGOS_MQTT_SUB.FRAGMENTS) !== 0) {
      logMsg(LogLevel.ERROR, "subscribe: unknown MGOS_MQTT_SUB_* flags for ", filter);
      return false;
    }
    if (FRAGMENTS_SUPPORT === 0 && flags !== 0) {
      logMsg(LogLevel.ERROR, "subscribe: MGOS_MQTT_SUB_FRAGMENTS, but fragments are compiled out (CONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT) for ", filter);
      return false;
    }
    this.nextSubFlags = flags;
    const ok: bool = this.subscribe(filter, qos, HandlerKind.TOPIC, ev, null, ud);
    this.nextSubFlags = 0;
    return ok;
  }

  /** Removes the first handler subscribed to exactly `filter` and sends UNSUBSCRIBE. */
  unsubscribe(filter: Bytes): bool {
    const now: u32 = nowMs();
    this.session.now = now;
    for (let i: u32 = 0; i < this.nHandlers; i++) {
      const h: mgos_mqtt_handler = this.handlers[i];
      if (h.kind !== HandlerKind.TOPIC && h.kind !== HandlerKind.SUB) continue;
      if (!bytesEqual(this.filterOf(h), filter)) continue;
      this.removeHandler(i);
      this.session.unsubscribe(filter);
      this.service(now);
      return true;
    }
    logMsg(LogLevel.WARN, "unsub: not subscribed to ", filter);
    return false;
  }

  /** Publishes (every caller has the topic as a C string: one strlen here). */
  publish(topicStr: string, payload: Bytes, qos: i32, retain: bool): u16 {
    const now: u32 = nowMs();
    // The session refuses a bad QoS (INVALID, with its log line).
    const id: u16 = this.session.publish(strBytes(topicStr), payload, qos8(qos), retain, now);
    this.service(now);
    return id;
  }

  /** Attempt to connect now (if enabled and not already connected or connecting). */
  start(): bool {
    this.refreshSys();
    if (!this.cfg.enable && !(this.useBackup && this.cfg1.enable)) {
      logMsg(LogLevel.WARN, "connect: mqtt.enable is false", noBytes());
      return false;
    }
    this.wantConnect = true;
    if (this.net !== NetState.IDLE) return true;
    this.startConnect(nowMs());
    return this.net !== NetState.IDLE || this.reconnectPending;
  }

  /** Sends DISCONNECT (or abandons the attempt) and stops reconnecting until connect(). */
  stop(): void {
    const now: u32 = nowMs();
    this.session.now = now;
    this.wantConnect = false;
    this.reconnectPending = false;
    if (this.net === NetState.CONNECTING) {
      netClose(this.slot);
      this.net = NetState.IDLE;
      return;
    }
    if (this.net !== NetState.OPEN) return;
    // A second disconnect while the DISCONNECT is still queued: let it go out
    // (closing now would make the broker publish the will).
    if (this.session.state === SessionState.DISCONNECTING) this.service(now);
    else if (this.session.disconnect()) this.service(now);
    else this.dropTransport(now);
  }

  /** mgos_mqtt_set_max_qos: 0..2 caps, -1 removes the override (the
   *  config's max_qos applies again); anything else is refused, unchanged. */
  setMaxQos(qos: i32): bool {
    if (qos < -1 || qos > 2) {
      logMsg(LogLevel.ERROR, "set_max_qos: expected 0, 1, 2 or -1 (no override); unchanged", noBytes());
      return false;
    }
    this.userMaxQos = qos;
    this.session.setMaxQos(this.effectiveMaxQos());
    return true;
  }

  /** Takes a free slot. Slots are never given back, so a free one still
   *  holds the initial values (no handlers, idle, not reconnecting, no
   *  connect_fn, userMaxQos -1, followSys* false): only what ties it to
   *  its slot is set. */
  reset(slot: i32): void {
    this.slot = slot;
    this.inUse = true;
    this.nc.slot_ = slot;
    this.session.onEvent = onSessionEvent;
    // Log level none: nothing reaches the session's log hook, so leave it
    // unset and the linker drops the formatting code and its buffer.
    if (LOG_LEVEL > 0) this.session.onLog = onSessionLog;
    this.session.ud = this;
    if (WS_SUPPORT !== 0) {
      this.wss[0].onData = onWsData;
      this.wss[0].onOpen = onWsOpen;
      this.wss[0].ud = this;
    }
  }
}

/** onTcpConnect's step after the TCP connect when the application set a
 *  connect_fn; false when the connection was dropped. */
export type ConnectStepFn = (c: mgos_mqtt_conn, now: u32) => bool;

function connectFnStep(c: mgos_mqtt_conn, now: u32): bool {
  return c.runConnectFn(now);
}

/** The connection table (one static instance). */
export class ConnTable {
  conns: mgos_mqtt_conn[] = structs(MAX_CONNS, mgos_mqtt_conn);
}

const table = new ConnTable();
/** parseServer's scratch (everything runs on the port's loop thread). */
const serverAddr = new ServerAddr();


/** Seconds (a config double) to ms, rounded to the nearest, at least 1,
 *  saturating at 2^32-1. Integer arithmetic on the IEEE-754 bits: a device
 *  without FPU links no soft-float helper for it.
 *  @cextern test/c/test_api.c calls it */
export function secToMs(s: f64): u32 {
  const hi: u32 = f64Hi(s);
  const lo: u32 = f64Lo(s);
  const ex: u32 = (hi >>> 20) & 0x7ff; // biased exponent
  // Negative, zero or below 2^-11 s (under 0.5 ms): the minimum.
  if ((hi >>> 31) !== 0 || ex < 1012) return 1;
  // 2^23 s and more (also infinity, NaN): beyond 2^32 ms.
  if (ex >= 1046) return 0xffffffff;
  // P = mantissa (53 bits, mh:lo) * 1000, as ph:pl (63 bits), 16-bit halves of lo.
  const mh: u32 = (hi & 0xfffff) | 0x100000;
  const am: u32 = (lo >>> 16) * 1000;
  const bm: u32 = (lo & 0xffff) * 1000;
  const mid: u32 = u32(am << 16);
  let pl: u32 = u32(mid + bm);
  let ph: u32 = u32(mh * 1000 + (am >>> 16) + (pl < mid ? 1 : 0));
  // ms = round(P / 2^shift), shift = 1075 - ex in 30..63: add half, then shift.
  const shift: u32 = 1075 - ex;
  if (shift > 32) {
    ph = u32(ph + u32(u32(1) << (shift - 33)));
  } else {
    const half: u32 = u32(u32(1) << (shift - 1));
    const sum: u32 = u32(pl + half);
    if (sum < pl) ph = u32(ph + 1);
    pl = sum;
  }
  if (shift >= 32) {
    const ms: u32 = ph >>> (shift - 32);
    return ms === 0 ? 1 : ms;
  }
  if ((ph >>> shift) !== 0) return 0xffffffff;
  return u32(u32(ph << (32 - shift)) | (pl >>> shift));
}

/** d +/- up to RECONNECT_JITTER_PCT percent, uniformly (port_rand); saturates at 2^32-1.
 *  @cextern test/interop/jitter_check.c calls it */
export function jitter(d: u32): u32 {
  const pct: u32 = RECONNECT_JITTER_PCT > 100 ? 100 : RECONNECT_JITTER_PCT;
  // floor(d * pct / 100) without overflowing 32 bits: d / (100 / pct) when
  // pct divides 100 (the default 10: one division).
  const j: u32 = pct !== 0 && 100 % pct === 0 ? idiv(d, idiv(100, pct)) : u32(mul32(idiv(d, 100), pct) + idiv(mul32(d % 100, pct), 100));
  if (j === 0) return d;
  const span: u32 = j > 0x7fffffff ? 0xffffffff : u32(j * 2 + 1);
  const r: u32 = rand32() % span;
  if (r < j) return u32(d - (j - r));
  const up: u32 = u32(r - j);
  return up > u32(0xffffffff - d) ? 0xffffffff : u32(d + up);
}

/** A config string is set: not NULL and not empty (a bool, cheaper at each
 *  call than sb(s).length > 0). */
export function isSet(s: string | null): bool {
  return s !== null && strBytes(s).length > 0;
}

/** The bytes of a config string; NULL (not set) is empty. */
export function sb(s: string | null): Bytes {
  return s === null ? noBytes() : strBytes(s);
}

/** True when the strings of `c` fit a connection's storage; else logs the
 *  bytes they need. */
function stringsFit(c: mgos_config_mqtt): bool {
  let need: u32 = 0;
  for (let k: i32 = 0; k < KEY_COUNT; k++) {
    if (key_kind(k) !== config_kind.STRING) continue;
    const s: string | null = get_str(c, k);
    if (s !== null) need += u32(strBytes(s).length + 1);
  }
  if (need <= CONN_STR_SIZE) return true;
  if (LOG_LEVEL > 0) {
    const end: u32 = putNumber(0, i32(need));
    logMsg(LogLevel.ERROR, "config strings do not fit MGOS_MQTT_CONN_STR_SIZE (raise it); bytes needed: ", logText.subarray(0, end));
  }
  return false;
}

/** Copies every string of `c` into `buf` (NUL-terminated, back to back) and
 *  points `c` at the copies, so the caller may free its own (stringsFit first). */
function ownStrings(c: mgos_config_mqtt, buf: Bytes): void {
  let at: u32 = 0;
  for (let k: i32 = 0; k < KEY_COUNT; k++) {
    if (key_kind(k) !== config_kind.STRING) continue;
    const s: string | null = get_str(c, k);
    if (s === null) continue;
    const b: Bytes = strBytes(s);
    copyBytes(buf, at, b);
    buf[u32(at + b.length)] = 0;
    set_str(c, k, cstr(buf.subarray(at)));
    at = u32(at + b.length + 1);
  }
}

function onSessionEvent(s: Session, ev: i32, p: Packet | null, ud: Ptr): void {
  const c: mgos_mqtt_conn = ud as mgos_mqtt_conn;
  c.dispatch(ev, p);
}

/** WebSocket payload to the session; false once the socket is gone (a handler closed it). */
function onWsData(ud: Ptr, data: Bytes, now: u32): bool {
  const c: mgos_mqtt_conn = ud as mgos_mqtt_conn;
  c.session.onRecv(data, now);
  return c.net === NetState.OPEN && c.wss[0].isOpen();
}

/** The WebSocket handshake succeeded: MQTT starts as after a plain TCP connect. */
function onWsOpen(ud: Ptr, now: u32): bool {
  const c: mgos_mqtt_conn = ud as mgos_mqtt_conn;
  c.net = NetState.CONNECTING;
  c.onTcpConnect(true, 0, now);
  return c.net === NetState.OPEN && c.wss[0].isOpen();
}

/** The detail text of a session log line, written from the end of one
 *  static buffer (logs are not re-entrant): ": " + 64 bytes + " (" + sign
 *  and 10 digits + ")" at most. */
const LOG_TEXT_SIZE: u32 = 80;
const logText: Uint8Array = new Uint8Array(LOG_TEXT_SIZE);

/** Session diagnostics as "<msg>: <detail> (<num>)": bytes of the detail that
 *  are not printable ASCII show as '.', so a malformed packet cannot garble
 *  the log; num (a packet id, a count) only when it is not 0. @log */
function onSessionLog(s: Session, level: i32, msg: string, detail: Bytes, num: i32): void {
  const t: Bytes = logText;
  let len: u32 = 0;
  if (detail.length > 0) {
    t[0] = 0x3a;
    t[1] = 0x20;
    let i: u32 = 0;
    for (; i < detail.length && i < 64; i++) {
      const c: u8 = detail[i];
      t[i + 2] = c >= 0x20 && c < 0x7f ? c : 0x2e;
    }
    len = u32(i + 2);
  }
  if (num !== 0) {
    t[len] = 0x20;
    t[len + 1] = 0x28;
    len = putNumber(u32(len + 2), num);
    t[len] = 0x29;
    len++;
  }
  logMsg(level, msg, t.subarray(0, len));
}

/** Writes `num` in decimal into the log text at `at`; returns where it
 *  ends. Digits right to left, in 32-bit unsigned arithmetic: no 64-bit
 *  division helper on the device. */
function putNumber(at: u32, num: i32): u32 {
  const t: Bytes = logText;
  let v: u32 = u32(num);
  if (num < 0) {
    t[at++] = 0x2d;
    v = u32(0 - v);
  }
  for (let x: u32 = v; x >= 10; x = idiv(x, 10)) at++;
  const end: u32 = u32(at + 1);
  while (true) {
    t[at] = u8(0x30 + v % 10);
    v = idiv(v, 10);
    if (v === 0) break;
    at = u32(at - 1);
  }
  return end;
}

/** Connection `slot`, or null when out of range or unused. */
export function conn_at(slot: i32): mgos_mqtt_conn | null {
  if (slot < 0 || slot >= MAX_CONNS) return null;
  const c: mgos_mqtt_conn = table.conns[slot];
  return c.inUse ? c : null;
}

/** The slot table entry, used or not (for the facade's lazy global connection). */
export function conn_slot(slot: i32): mgos_mqtt_conn {
  return table.conns[slot];
}

/** A free slot at or above `from`, taken and reset; null when all are in use. */
export function conn_alloc(from: i32): mgos_mqtt_conn | null {
  for (let i: i32 = from; i < MAX_CONNS; i++) {
    const c: mgos_mqtt_conn = table.conns[i];
    if (!c.inUse) {
      c.reset(i);
      return c;
    }
  }
  logMsg(LogLevel.ERROR, "MGOS_MQTT_MAX_CONNS reached", noBytes());
  return null;
}

// ---------------------------------------------------------------- port callbacks

/** The port's TCP connect for `slot` finished: ok, or failed with `err`. @api */
export function mgos_mqtt_port_on_connect(slot: i32, ok: bool, err: i32): void {
  const c: mgos_mqtt_conn | null = conn_at(slot);
  if (c !== null) c.onTcpConnect(ok, err, nowMs());
}

/** Bytes received on `slot`. @api */
export function mgos_mqtt_port_on_recv(slot: i32, data: Bytes): void {
  const c: mgos_mqtt_conn | null = conn_at(slot);
  if (c !== null) c.onRecv(data, nowMs());
}

/** The peer closed `slot` (err 0) or the socket failed (err != 0). @api */
export function mgos_mqtt_port_on_close(slot: i32, err: i32): void {
  const c: mgos_mqtt_conn | null = conn_at(slot);
  if (c !== null) c.onPeerClose(err, nowMs());
}

/** The config the connection in `slot` uses now (mqtt, or mqtt1 after a
 *  failover), for the port's TLS setup; null for an unused slot. @api */
export function mgos_mqtt_port_config(slot: i32): mgos_config_mqtt | null {
  const c: mgos_mqtt_conn | null = conn_at(slot);
  return c === null ? null : c.active();
}

/** Timers of every connection (reconnect, keepalive, tx flush). Returns ms until
 *  the next call is due (at most POLL_MAX_MS). @api
 *  The host port's loop around it (port_posix.c):
 *  @capi_host void mgos_mqtt_poll(int timeout_ms)
 *  @capi_host void mgos_mqtt_run(void)
 */
export function mgos_mqtt_port_poll(now: u32): u32 {
  let wait: u32 = POLL_MAX_MS;
  for (let i: i32 = 0; i < MAX_CONNS; i++) {
    const c: mgos_mqtt_conn = table.conns[i];
    if (!c.inUse) continue;
    const w: u32 = c.poll(now);
    if (w < wait) wait = w;
  }
  return wait;
}

// ---------------------------------------------------------------- mgos_mqtt_conn_* API

/** Creates connection `conn_id` with config `cfg` and the failover config
 *  `cfg1` (may be NULL); both are copied, strings included (into
 *  MGOS_MQTT_CONN_STR_SIZE bytes each: NULL with an error when they do not
 *  fit), so the caller may free its own. Connects when cfg.enable. Slot 0
 *  stays free for the global connection unless conn_id is 0. C name
 *  conn_create2; compat.c wraps it (the C API takes const pointers):
 *  @capi struct mgos_mqtt_conn *mgos_mqtt_conn_create(int conn_id, const struct mgos_config_mqtt *cfg)
 *  @capi struct mgos_mqtt_conn *mgos_mqtt_conn_create2(int conn_id, const struct mgos_config_mqtt *cfg, const struct mgos_config_mqtt *cfg1)
 */
export function create2(conn_id: int, cfg: mgos_config_mqtt, cfg1: mgos_config_mqtt | null): mgos_mqtt_conn | null {
  // The system config's sections are not copied (as the reference): they are
  // the library's own, re-read at every connect.
  const sys0: bool = cfg === mgos_sys_config_get_mqtt();
  const sys1: bool = cfg1 !== null && cfg1 === mgos_sys_config_get_mqtt1();
  if (!sys0 && !stringsFit(cfg)) return null;
  if (cfg1 !== null && !sys1 && !stringsFit(cfg1!)) return null;
  const c: mgos_mqtt_conn | null = conn_alloc(conn_id === 0 ? 0 : 1);
  if (c === null) return null;
  c.id = conn_id;
  copy(c.cfg, cfg);
  if (sys0) c.followSys0 = true;
  else ownStrings(c.cfg, c.strs);
  if (cfg1 !== null) {
    copy(c.cfg1, cfg1);
    if (sys1) c.followSys1 = true;
    else ownStrings(c.cfg1, c.strs1);
    c.hasCfg1 = true;
  }
  c.syncOutbox();
  if (cfg.enable) {
    c.wantConnect = true;
    c.reconnectAt = nowMs();
    c.reconnectPending = true;
  }
  return c;
}

/** Replaces the main config, strings copied (false, with an error and the
 *  old config kept, when they do not fit MGOS_MQTT_CONN_STR_SIZE). As the
 *  reference, an open connection closes and reconnects with it. C name
 *  conn_set_config, wrapped by compat.c:
 *  @capi bool mgos_mqtt_conn_set_config(struct mgos_mqtt_conn *c, const struct mgos_config_mqtt *cfg)
 */
export function set_config(c: mgos_mqtt_conn, cfg: mgos_config_mqtt): bool {
  const sys0: bool = cfg === mgos_sys_config_get_mqtt();
  if (!sys0 && !stringsFit(cfg)) return false;
  copy(c.cfg, cfg);
  if (!sys0) ownStrings(c.cfg, c.strs);
  c.followSys0 = sys0;
  // The global connection keeps following the system config's mqtt1.
  c.followSys1 = c.followSys || c.followSys1;
  c.followSys = false;
  c.useBackup = false;
  c.syncOutbox();
  if (c.net !== NetState.IDLE) {
    c.nc.flags = u32(c.nc.flags | MG_F.CLOSE_IMMEDIATELY);
    c.service(nowMs());
  } else if (cfg.enable && !c.reconnectPending) {
    // As a new connection (the reference connects it when the network is up).
    c.wantConnect = true;
    c.reconnectAt = nowMs();
    c.reconnectPending = true;
  }
  return true;
}

/** The mgos_mqtt_conn behind a handler's mg_connection. @api */
export function mgos_mqtt_conn_from_nc(nc: mg_connection): mgos_mqtt_conn | null {
  return conn_at(nc.slot_);
}

/** Adds a handler for all events (see the dispatch rules at the top). @api */
export function mgos_mqtt_conn_add_handler(c: mgos_mqtt_conn, handler: mg_event_handler_t, user_data: Ptr): void {
  c.addGlobal(handler, user_data);
}

/** Sets the callback that sends CONNECT (via mg_send_mqtt_handshake_opt). @api */
export function mgos_mqtt_conn_set_connect_fn(c: mgos_mqtt_conn, fn: mgos_mqtt_connect_fn_t, fn_arg: Ptr): void {
  c.setConnectFn(fn, fn_arg);
}

/** Attempts to connect now (if enabled and not already connected). @api */
export function mgos_mqtt_conn_connect(c: mgos_mqtt_conn): bool {
  return c.start();
}

/** Disconnects and stops reconnecting until mgos_mqtt_conn_connect(). @api */
export function mgos_mqtt_conn_disconnect(c: mgos_mqtt_conn): void {
  c.stop();
}

/** @api */
export function mgos_mqtt_conn_is_connected(c: mgos_mqtt_conn): bool {
  return c.isConnected();
}

/** Publishes `msg`; the packet id, 0 when nothing was sent or queued. C name
 *  conn_pub_bytes: compat.c's mgos_mqtt_conn_pub (a struct mg_str by value)
 *  and the port's pubf/pubv formatter call it with the message bytes.
 *  @capi uint16_t mgos_mqtt_conn_pub(struct mgos_mqtt_conn *c, const char *topic, struct mg_str msg, int qos, bool retain)
 *  @capi uint16_t mgos_mqtt_conn_pubf(struct mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, ...)
 *  @capi uint16_t mgos_mqtt_conn_pubv(struct mgos_mqtt_conn *c, const char *topic, int qos, bool retain, const char *json_fmt, va_list ap)
 */
export function pub_bytes(c: mgos_mqtt_conn, topic: string, msg: Bytes, qos: int, retain: bool): u16 {
  return c.publish(topic, msg, qos, retain);
}

/** Subscribes; `handler` gets the matching PUBLISHes and this SUBACK. @api */
export function mgos_mqtt_conn_sub(c: mgos_mqtt_conn, topic: string, qos: int, handler: mg_event_handler_t, user_data: Ptr): void {
  c.subscribe(strBytes(topic), qos, HandlerKind.TOPIC, handler, null, user_data);
}

/** mgos_mqtt_conn_sub with flags (MGOS_MQTT_SUB_*): with
 *  MGOS_MQTT_SUB_FRAGMENTS the handler also gets PUBLISHes larger than the
 *  receive buffer, as MG_EV_MQTT_PUBLISH_PART fragments (docs/large-messages.md;
 *  Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT). False when refused (bad QoS or
 *  flags, fragments compiled out, tables full). @api */
export function mgos_mqtt_conn_sub_opt(c: mgos_mqtt_conn, topic: string, qos: int, flags: int, handler: mg_event_handler_t, user_data: Ptr): bool {
  return c.subscribeOpt(strBytes(topic), qos, flags, handler, user_data);
}

/** Removes the first subscription to exactly `topic` and sends UNSUBSCRIBE. @api */
export function mgos_mqtt_conn_unsub(c: mgos_mqtt_conn, topic: string): bool {
  return c.unsubscribe(strBytes(topic));
}

/** Bytes waiting to go out, queued messages included. @api */
export function mgos_mqtt_conn_num_unsent_bytes(c: mgos_mqtt_conn): usize {
  return c.unsentBytes();
}

/** The next packet id: never 0, wraps after 0xffff, skips ids in flight. @api */
export function mgos_mqtt_conn_get_packet_id(c: mgos_mqtt_conn): u16 {
  return c.session.nextPacketId();
}

/** Caps the QoS of later publishes and subscriptions: 0, 1 or 2; -1 removes
 *  the cap set before (the config's max_qos applies); other values are
 *  refused with an error log and change nothing. @api */
export function mgos_mqtt_conn_set_max_qos(c: mgos_mqtt_conn, qos: int): void {
  c.setMaxQos(qos);
}

/** Why the last publish on `c` returned 0: MGOS_MQTT_ERR_* (0 after a
 *  success). MGOS_MQTT_ERR_IS_TEMPORARY(err): full now, retry later. @api */
export function mgos_mqtt_conn_get_last_error(c: mgos_mqtt_conn): int {
  return c.session.lastError;
}

/** Outbox bytes a new message may take now (0: none can be taken). A message
 *  needs strlen(topic) + len + 9 bytes at most. @api */
export function mgos_mqtt_conn_outbox_room(c: mgos_mqtt_conn): usize {
  return c.session.outboxRoom();
}

/** A publish whose arguments cannot be taken (compat.c: NULL message with a
 *  length): refused with MGOS_MQTT_ERR_INVALID and a log naming the topic.
 *  @cextern compat.c calls it */
export function refuse_pub(c: mgos_mqtt_conn, topic: string, why: string): u16 {
  logMsg(LogLevel.ERROR, why, strBytes(topic));
  c.session.lastError = MGOS_MQTT_ERR.INVALID;
  return 0;
}
