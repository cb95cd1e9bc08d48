// The Mongoose 6.x / Mongoose OS types and constants that mgos apps use.
//
// Field names, order and numbers are those of the reference library, so C
// code written against the real mgos_mqtt.h compiles against ours: the
// compiler turns each class into `struct <name>` (plus a same-name typedef)
// and each enum E { A = n } into `#define E_A n`, which is why the enums below
// are named after the macro prefixes (MG_EV -> MG_EV_MQTT_PUBLISH, ...).
// This module imports nothing but rt, so the public header can include its
// generated header (mg_types.h) without pulling in the client's internals.

import { u8, u16, u32, i32, int, usize, bool, Ptr } from "../rt/rt";

/** A string view: pointer and length, not necessarily NUL-terminated.
 *  Made in C by (compat.c):
 *  @capi struct mg_str mg_mk_str(const char *s)
 *  @capi struct mg_str mg_mk_str_n(const char *s, size_t len)
 */
export class mg_str {
  /** NULL until set, as in Mongoose's zeroed structs (in C nothing to
   *  initialize; every view the library hands out is set first). */
  p: string | null = null;
  len: usize = 0;
}

/** A connection as handlers see it: opaque except `user_data` and `flags`. */
export class mg_connection {
  /** Free for the application. */
  user_data: Ptr = null;
  /** MG_F_*: the application sets MG_F_CLOSE_IMMEDIATELY (close now) or
   *  MG_F_SEND_AND_CLOSE (close once the queued bytes are written); the
   *  connection then reconnects as after any drop. MG_F_USER_* are its own.
   *  (Mongoose has `unsigned long`; 32 bits hold every MG_F_* value.) */
  flags: u32 = 0;
  /** Index of the mgos_mqtt_conn that owns this connection (internal). */
  slot_: i32 = 0;
}

/** ev_data of the MG_EV_MQTT_* events. Views point into the receive buffer
 *  and are valid only during the handler call. */
export class mg_mqtt_message {
  cmd: int = 0;
  qos: int = 0;
  len: int = 0;
  topic: mg_str = new mg_str();
  payload: mg_str = new mg_str();
  connack_ret_code: u8 = 0;
  message_id: u16 = 0;
  protocol_version: u8 = 0;
  connect_flags: u8 = 0;
  keep_alive_timer: u16 = 0;
  protocol_name: mg_str = new mg_str();
  client_id: mg_str = new mg_str();
  will_topic: mg_str = new mg_str();
  will_message: mg_str = new mg_str();
  user_name: mg_str = new mg_str();
  password: mg_str = new mg_str();
  /** MG_EV_MQTT_PUBLISH_PART: where `payload` starts in the message's
   *  payload, and that payload's whole size (also in
   *  MG_EV_MQTT_PUBLISH_SKIPPED). 0 in every other event. */
  current_data_offset: usize = 0;
  total_data_len: usize = 0;
  /** MQTT 5 (docs/mqtt5.md): the packet's reason code (CONNACK, PUBACK,
   *  PUBREC, PUBREL, PUBCOMP, DISCONNECT, AUTH; SUBACK / UNSUBACK: the first
   *  filter's). 0 on an MQTT 3.1.1 connection. */
  reason_code: u8 = 0;
  /** MQTT 5: the packet's properties (valid during the handler call); NULL
   *  on an MQTT 3.1.1 connection. */
  props: mgos_mqtt_props | null = null;
}

/** MQTT 5 subscription options of mgos_mqtt_conn_sub5 (3.8.3.1). */
export enum MGOS_MQTT_SUB5 {
  /** Our own publishes are not sent back to us. */
  NO_LOCAL = 0x04,
  /** Messages keep the retain flag they were published with. */
  RETAIN_AS_PUBLISHED = 0x08,
  /** Retained messages only when the subscription is new (retain handling 1). */
  RETAIN_NEW_ONLY = 0x10,
  /** No retained messages at subscribe time (retain handling 2). */
  RETAIN_NEVER = 0x20,
}

/** MQTT 5 properties of a PUBLISH (given to mgos_mqtt_pub5 /
 *  mgos_mqtt_conn_pub5, or received in mg_mqtt_message.props, where the
 *  fields of acks, DISCONNECT and CONNACK are filled too). Absent: -1 for
 *  payload_format, 0 for the numbers, an empty string. docs/mqtt5.md. */
export class mgos_mqtt_props {
  /** Payload Format Indicator: 0 unspecified bytes, 1 UTF-8; -1 absent. */
  payload_format: int = -1;
  /** Message Expiry Interval, seconds; 0 absent. */
  message_expiry: u32 = 0;
  content_type: mg_str = new mg_str();
  response_topic: mg_str = new mg_str();
  correlation_data: mg_str = new mg_str();
  /** One User Property to send; received: the first one (user_count says
   *  how many; mgos_mqtt_props_user() reads each). */
  user_key: mg_str = new mg_str();
  user_value: mg_str = new mg_str();
  user_count: int = 0;
  /** Received: the (first) Subscription Identifier of the matching subscription; 0 none. */
  subscription_id: u32 = 0;
  /** Received: the Reason String of an ack, DISCONNECT or CONNACK. */
  reason_string: mg_str = new mg_str();
  /** Received: the whole property block (for mgos_mqtt_props_user). */
  raw: mg_str = new mg_str();
}

/** What an MQTT 5 connection negotiated (mgos_mqtt_conn_v5_info). */
export class mgos_mqtt_v5_info {
  /** 4 (3.1.1) or 5. */
  protocol_version: int = 4;
  /** The broker's Receive Maximum, Maximum Packet Size (0: none), Topic
   *  Alias Maximum, Server Keep Alive (-1: none), Maximum QoS, Retain Available. */
  receive_maximum: int = 65535;
  maximum_packet_size: u32 = 0;
  topic_alias_maximum: int = 0;
  server_keep_alive: int = -1;
  maximum_qos: int = 2;
  retain_available: bool = true;
  /** Reason code of the last CONNACK or broker DISCONNECT. */
  reason_code: int = 0;
  assigned_client_id: mg_str = new mg_str();
  server_reference: mg_str = new mg_str();
  reason_string: mg_str = new mg_str();
  response_information: mg_str = new mg_str();
  /** Outgoing PUBLISHes sent as a topic alias without their topic. */
  topic_alias_hits: u32 = 0;
}

/** Options of mg_send_mqtt_handshake_opt (NULL strings are left out). */
export class mg_send_mqtt_handshake_opts {
  /** MG_MQTT_CLEAN_SESSION, MG_MQTT_WILL_RETAIN, will QoS in bits 3-4. */
  flags: u8 = 0;
  /** Seconds; 0 means the default, 60. */
  keep_alive: u16 = 0;
  will_topic: string | null = null;
  will_message: string | null = null;
  user_name: string | null = null;
  password: string | null = null;
}

/** One topic of mg_mqtt_subscribe. */
export class mg_mqtt_topic_expression {
  topic: string = "";
  qos: u8 = 0;
}

/** Argument of the MGOS_EVENT_CLOUD_* events. */
export class mgos_cloud_arg {
  /** MGOS_CLOUD_MQTT. */
  type: i32 = 0;
}

/** Mongoose's event handler (MG_ENABLE_CALLBACK_USERDATA form). */
export type mg_event_handler_t = (nc: mg_connection, ev: int, ev_data: Ptr, user_data: Ptr) => void;

/** Handler of mgos_mqtt_sub: the topic and message of each PUBLISH (not NUL-terminated). */
export type sub_handler_t = (nc: mg_connection, topic: string, topic_len: int, msg: string, msg_len: int, ud: Ptr) => void;

/** Called instead of sending CONNECT; it must call mg_send_mqtt_handshake_opt. */
export type mgos_mqtt_connect_fn_t = (nc: mg_connection, client_id: string, opts: mg_send_mqtt_handshake_opts, fn_arg: Ptr) => void;

/** Mongoose events: network ones, then MG_EV_MQTT_x = 200 + packet type. */
export enum MG_EV {
  POLL = 0,
  ACCEPT = 1,
  CONNECT = 2,
  RECV = 3,
  SEND = 4,
  CLOSE = 5,
  TIMER = 6,
  MQTT_CONNECT = 201,
  MQTT_CONNACK = 202,
  MQTT_PUBLISH = 203,
  MQTT_PUBACK = 204,
  MQTT_PUBREC = 205,
  MQTT_PUBREL = 206,
  MQTT_PUBCOMP = 207,
  MQTT_SUBSCRIBE = 208,
  MQTT_SUBACK = 209,
  MQTT_UNSUBSCRIBE = 210,
  MQTT_UNSUBACK = 211,
  MQTT_PINGREQ = 212,
  MQTT_PINGRESP = 213,
  MQTT_DISCONNECT = 214,
  /** Not in the reference: MQTT 5 AUTH from the broker (docs/mqtt5.md). */
  MQTT_AUTH = 215,
  /** Not in the reference (docs/large-messages.md): a fragment of a PUBLISH
   *  larger than the receive buffer, to handlers subscribed with
   *  MGOS_MQTT_SUB_FRAGMENTS; `payload` is the fragment (empty: the
   *  connection was lost mid-message, the rest will not come). */
  MQTT_PUBLISH_PART = 230,
  /** Not in the reference: a PUBLISH larger than the receive buffer that no
   *  handler takes in fragments was read past, dropped and acknowledged;
   *  `topic` (its start when the topic itself did not fit) and `total_data_len`. */
  MQTT_PUBLISH_SKIPPED = 231,
  /** CONNACK return codes (mg_mqtt_message.connack_ret_code). */
  MQTT_CONNACK_ACCEPTED = 0,
  MQTT_CONNACK_UNACCEPTABLE_VERSION = 1,
  MQTT_CONNACK_IDENTIFIER_REJECTED = 2,
  MQTT_CONNACK_SERVER_UNAVAILABLE = 3,
  MQTT_CONNACK_BAD_AUTH = 4,
  MQTT_CONNACK_NOT_AUTHORIZED = 5,
}

/** Publish and connect flags, and the packet types (MG_MQTT_CMD_*).
 *  @cmacro MG_MQTT_QOS(qos) ((qos) << 1)
 *  @cmacro MG_MQTT_GET_QOS(flags) (((flags) & 0x6) >> 1)
 *  @cmacro MG_MQTT_SET_QOS(flags, qos) (flags) = ((flags) & ~0x6) | ((qos) << 1)
 *  @cmacro MG_MQTT_GET_WILL_QOS(flags) (((flags) & 0x18) >> 3)
 *  @cmacro MG_MQTT_SET_WILL_QOS(flags, qos) (flags) = ((flags) & ~0x18) | ((qos) << 3)
 */
export enum MG_MQTT {
  /** MG_EV_MQTT_x = MG_MQTT_EVENT_BASE + MG_MQTT_CMD_x. */
  EVENT_BASE = 200,
  RETAIN = 0x1,
  DUP = 0x8,
  CLEAN_SESSION = 0x02,
  HAS_WILL = 0x04,
  WILL_RETAIN = 0x20,
  HAS_PASSWORD = 0x40,
  HAS_USER_NAME = 0x80,
  CMD_CONNECT = 1,
  CMD_CONNACK = 2,
  CMD_PUBLISH = 3,
  CMD_PUBACK = 4,
  CMD_PUBREC = 5,
  CMD_PUBREL = 6,
  CMD_PUBCOMP = 7,
  CMD_SUBSCRIBE = 8,
  CMD_SUBACK = 9,
  CMD_UNSUBSCRIBE = 10,
  CMD_UNSUBACK = 11,
  CMD_PINGREQ = 12,
  CMD_PINGRESP = 13,
  CMD_DISCONNECT = 14,
}

/** Flags of mgos_mqtt_conn_sub_opt / mgos_mqtt_global_subscribe_opt.
 *  @hdoc Large incoming messages (not in the reference; docs/large-messages.md).
 *  A PUBLISH larger than the receive buffer (mqtt.recv_mbuf_limit, at most
 *  CONFIG_MGOS_MQTT_RX_BUF_SIZE) never closes the connection. Handlers
 *  subscribed with MGOS_MQTT_SUB_FRAGMENTS whose filter matches get it as
 *  MG_EV_MQTT_PUBLISH_PART events, in order: payload is the fragment,
 *  current_data_offset its offset in the message, total_data_len the whole
 *  payload's size; topic, qos and message_id are in every one. The last one
 *  ends at total_data_len. An empty payload before that means the connection
 *  was lost mid-message (a QoS 1/2 message comes again, from offset 0).
 *  QoS 1 and 2 are acknowledged after the last byte. When no such handler
 *  matches, the message is skipped: read past without being buffered,
 *  acknowledged as its QoS requires (PUBACK, or PUBREC then PUBCOMP), logged,
 *  and MG_EV_MQTT_PUBLISH_SKIPPED (topic, total_data_len, message_id, qos)
 *  goes to the matching topic handlers, or to the global handlers when none
 *  matches. A topic longer than the buffer is skipped the same way; the
 *  event then carries the topic's start, to the global handlers only.
 *  A malformed PUBLISH (bad topic, packet id 0, lengths that disagree) still
 *  closes the connection, as MQTT 3.1.1 requires.
 */
export enum MGOS_MQTT_SUB {
  /** The handler takes PUBLISHes larger than the receive buffer in
   *  MG_EV_MQTT_PUBLISH_PART fragments (otherwise they are skipped). */
  FRAGMENTS = 0x1,
}

/** System events: MGOS_EVENT_SYS = 'M'<<24 | 'O'<<16 | 'S'<<8. */
export enum MGOS_EVENT {
  SYS = 0x4d4f5300,
  CLOUD_CONNECTED = 0x4d4f5304,
  CLOUD_DISCONNECTED = 0x4d4f5305,
  CLOUD_CONNECTING = 0x4d4f5306,
  CLOUD_CONNECTERROR = 0x4d4f5307,
}

/** mgos_cloud_arg.type values (Mongoose OS's enum mgos_cloud_type). */
export enum MGOS_CLOUD {
  MQTT = 0,
  DASH = 1,
  AWS = 2,
  AZURE = 3,
  GCP = 4,
  WATSON = 5,
}

/** mg_connection.flags (Mongoose 6 numbers). */
export enum MG_F {
  /** Write what is queued, then close. */
  SEND_AND_CLOSE = 0x400,
  /** Close at once. */
  CLOSE_IMMEDIATELY = 0x800,
  USER_1 = 0x100000,
  USER_2 = 0x200000,
  USER_3 = 0x400000,
  USER_4 = 0x800000,
  USER_5 = 0x1000000,
  USER_6 = 0x2000000,
}
