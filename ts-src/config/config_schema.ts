// The mqtt / mqtt1 configuration schema: the single declaration of every key.
//
// Both sections (`mqtt`, the main server, and `mqtt1`, the backup server) have
// exactly these keys. Everything else is derived from this class by the
// generator codegen/src/config/gen.ts (`npm run codegen` runs it first):
//   - ts-src/config/config_gen.ts: the key table (names, kinds, ranges), the
//     typed setters used by the JSON loader and `--set`, and the defaults as
//     `@kconfig` constants (CONFIG_MGOS_MQTT_<KEY>, CONFIG_MGOS_MQTT1_<KEY>);
//   - ts-src/config/config_sys.ts: the Mongoose OS getters
//     `mgos_sys_config_get_mqtt_<key>()`, `mgos_sys_config_get_mqtt1_<key>()`,
//     `mgos_sys_config_get_mqtt()` and `mgos_sys_config_get_mqtt1()`;
//   - components/mgos_mqtt/Kconfig.config: the ESP-IDF menu entries.
// The compiler turns this class into `struct mgos_config_mqtt` (source
// compatible with Mongoose OS: same field names; strings `const char *`, ints
// `int`, doubles `double`; bools are C99 `bool` where Mongoose OS used `int`).
//
// Rules the generator enforces:
//   - every field has a JSDoc description and a literal initializer (the default);
//   - types: `bool`, `int` (needs `@min`, optional `@max`, default INT32_MAX),
//     `f64` (seconds: needs `@min`/`@max`; ESP-IDF's Kconfig has no floats, so
//     its Kconfig entry is in milliseconds and the default must be whole ms),
//     `string | null` (null: "not set", as Mongoose OS; a non-empty literal default).
//   - ranges are inclusive.

import { bool, int, f64 } from "../rt/rt";

export class mgos_config_mqtt {
  /** Enable MQTT functionality */
  enable: bool = false;
  /** Server to connect to: `host` or `host:port`; without a port, 8883 when TLS is configured, else 1883 */
  server: string | null = null;
  /** Client ID; if not set, the device ID is used */
  client_id: string | null = null;
  /** MQTT user name, if MQTT auth is used */
  user: string | null = null;
  /** User password */
  pass: string | null = null;
  /**
   * Minimum reconnection timeout in seconds
   * @min 0.001
   * @max 86400
   */
  reconnect_timeout_min: f64 = 2.0;
  /**
   * Maximum reconnection timeout in seconds
   * @min 0.001
   * @max 86400
   */
  reconnect_timeout_max: f64 = 60.0;
  /** Client certificate for mutual TLS */
  ssl_cert: string | null = null;
  /** Private key for the client certificate */
  ssl_key: string | null = null;
  /** Set this to a file name with CA certs to enable TLS */
  ssl_ca_cert: string | null = null;
  /** TLS cipher suites */
  ssl_cipher_suites: string | null = null;
  /** If set, pre-shared key authentication is used */
  ssl_psk_identity: string | null = null;
  /** Pre-shared key (hex) */
  ssl_psk_key: string | null = null;
  /** Clean session info stored on server */
  clean_session: bool = true;
  /**
   * How often to send PING messages, in seconds; 0 disables keepalive
   * @min 0
   * @max 65535
   */
  keep_alive: int = 60;
  /** MQTT last will topic */
  will_topic: string | null = null;
  /** MQTT last will message */
  will_message: string | null = null;
  /** Set the retain flag on the last will message */
  will_retain: bool = false;
  /**
   * Limit the QoS of publishes and subscriptions to this value
   * @min 0
   * @max 2
   */
  max_qos: int = 2;
  /**
   * Largest incoming packet in bytes; a larger one closes the connection
   * @min 0
   */
  recv_mbuf_limit: int = 3072;
  /** Only connect once the system time is set */
  require_time: bool = false;
  /** Trigger cloud events when connected / disconnected */
  cloud_events: bool = true;
  /**
   * QoS > 0 messages kept while offline; 0 means none (publish returns 0 while offline)
   * @min 0
   */
  max_queue_length: int = 5;
  /** Offline with max_queue_length messages waiting: true drops the oldest (MGOS_MQTT_EV_DROPPED event) to take the new one; false refuses the new one (publish returns 0) */
  max_queue_drop_oldest: bool = false;
  /** Keep accepted QoS 1/2 messages across restarts: host: a directory; ESP32: an NVS namespace (docs/delivery.md); empty: off */
  outbox_persist: string | null = null;
  /** Use the original cs_log_level enum instead of the stdout/stderr flag */
  debug_use_log_level: bool = false;
  /** Enable WebSocket encapsulation: MQTT over ws:// (wss:// when TLS is configured) */
  ws_enable: bool = false;
  /** Path to use for the WebSocket handshake */
  ws_path: string | null = "/mqtt";
  /**
   * MQTT protocol level: 4 is MQTT 3.1.1, 5 is MQTT 5.0 (docs/mqtt5.md)
   * @min 4
   * @max 5
   */
  protocol_version: int = 4;
  /**
   * MQTT 5: session expiry interval sent in CONNECT, in seconds; -1 follows clean_session (0 when true, never expires when false)
   * @min -1
   */
  session_expiry: int = -1;
  /**
   * MQTT 5: largest packet the broker may send, in bytes (Maximum Packet Size); 0 announces what the receive buffer holds; above it, PUBLISHes are streamed (docs/large-messages.md)
   * @min 0
   */
  max_packet_size: int = 0;
  /**
   * MQTT 5: Will Delay Interval, in seconds: the broker publishes the will this long after the connection is lost, and not at all if the session resumes first; 0 none
   * @min 0
   */
  will_delay: int = 0;
  /**
   * MQTT 5: Message Expiry Interval of the will, in seconds; 0 none
   * @min 0
   */
  will_message_expiry: int = 0;
  /**
   * MQTT 5: Payload Format Indicator of the will: 1 UTF-8 text, 0 bytes, -1 not sent
   * @min -1
   * @max 1
   */
  will_payload_format: int = -1;
  /** MQTT 5: Content Type of the will (e.g. a MIME type) */
  will_content_type: string | null = null;
  /** MQTT 5: Response Topic of the will */
  will_response_topic: string | null = null;
  /** MQTT 5: Correlation Data of the will */
  will_correlation_data: string | null = null;
  /** MQTT 5: User Properties of the will, as key=value,key=value */
  will_user_props: string | null = null;
}
