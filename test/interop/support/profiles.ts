// What each broker of the interop tier does where brokers differ: data the
// flow suite asserts (test/interop/support/flows.ts) and docs/interop.md
// renders (support/render.ts; a test checks the doc is current). A value here
// is what the broker was seen to do, with the MQTT 3.1.1 section that allows
// or forbids it; when a broker changes, the tier fails on that line.

export type BrokerId = "mosquitto" | "mosquitto-strict" | "aedes" | "rabbitmq" | "activemq";

export interface Deviation {
  /** The flow (a test name in flows.ts) where it shows. */
  flow: string;
  /** What the broker does. */
  what: string;
  /** The spec section, and whether the spec allows it. */
  spec: string;
}

export interface Profile {
  id: BrokerId;
  title: string;
  /** How the tier installs and runs it. */
  setup: string;
  /** SUBACK return code for a SUBSCRIBE at QoS 0, 1, 2. */
  granted: [number, number, number];
  /** CONNACK return code for a known user with a wrong password; null: no password accounts. */
  authRefusal: number | null;
  /** A clean_session=false session (subscription and queued QoS 1) survives a broker restart. */
  sessionAfterRestart: boolean;
  /** Of 20 QoS 1 messages published while the device is offline, how many it gets on resume (20: all). */
  queuedOfTwenty: number;
  /** How it answers a QoS 2 PUBLISH: PUBREC (the standard), or PUBACK (then no client can publish QoS 2 to it). */
  qos2Publish: "pubrec" | "puback";
  /** A burst of 1,000 QoS 1 to an online device arrives whole (false: the broker drops some, by a limit). */
  burstInWhole: boolean;
  /** Strict configurations only: ACL and limit checks (see flows.ts "strict"). */
  strict?: {
    /** SUBACK return code for a filter the ACL denies. */
    deniedSubscribeRc: number;
    /** CONNACK code (or "accepted") for a keep_alive above the broker's max_keepalive. */
    keepAliveAboveMax: number | "accepted";
  };
  deviations: Deviation[];
}

const ACL_PUBLISH: Deviation = {
  flow: "ACL: denied publish",
  what: "a QoS 1 PUBLISH to a topic the ACL denies is acknowledged (PUBACK) and dropped; the device cannot tell",
  spec: "3.1.1 has no negative PUBACK; section 3.3.5 allows the server to discard it after acknowledging",
};

export const PROFILES: Record<BrokerId, Profile> = {
  "mosquitto": {
    id: "mosquitto",
    title: "mosquitto, default configuration",
    setup: "Debian `mosquitto`; a listener on 127.0.0.1 and `allow_anonymous true`, nothing else (persistence off: the default)",
    granted: [0, 1, 2],
    authRefusal: null,
    sessionAfterRestart: false,
    queuedOfTwenty: 20,
    burstInWhole: true,
    qos2Publish: "pubrec",
    deviations: [
      { flow: "session: resumed across a broker restart", what: "the session is lost on restart: `persistence` is false by default",
        spec: "allowed: section 3.1.2.4 keeps the session only as long as the server keeps it; a configuration choice" },
    ],
  },
  "mosquitto-strict": {
    id: "mosquitto-strict",
    title: "mosquitto, strict configuration",
    setup: "Debian `mosquitto`; password file (device, admin), ACL (device: interop/# only), `max_inflight_messages 1`, " +
      "`max_queued_messages 5`, `max_packet_size 4096`, `max_keepalive 30`, persistence on",
    granted: [0, 1, 2],
    authRefusal: 5,
    sessionAfterRestart: true,
    queuedOfTwenty: 5,
    burstInWhole: false,
    qos2Publish: "pubrec",
    strict: { deniedSubscribeRc: 0x01, keepAliveAboveMax: "accepted" },
    deviations: [
      { flow: "auth: wrong password refused", what: "a wrong password is refused with CONNACK 5 (not authorized), not 4 (bad user name or password)",
        spec: "section 3.2.2.3 lists both; either is allowed" },
      { flow: "session: queued while offline", what: "of 20 QoS 1 messages queued for an offline session only `max_queued_messages` (5) are kept, the rest dropped",
        spec: "allowed: a server limit (section 4.3.2 asks for delivery only of what the server accepted for the session)" },
      ACL_PUBLISH,
      { flow: "ACL: denied subscribe", what: "a filter the ACL denies is granted (SUBACK with the QoS asked, not 0x80); the broker then delivers nothing on it",
        spec: "allowed: section 3.9.3 lets a server refuse with 0x80 but does not require it; the app cannot tell a denied subscription from an idle one" },
      { flow: "keepalive above max_keepalive", what: "a 3.1.1 CONNECT whose keep_alive (60) is above `max_keepalive` (30) is accepted as it is (2.0.11 applies the cap to MQTT 5 clients only)",
        spec: "3.1.1 has no way to tell the client a maximum (MQTT 5 has Server Keep Alive)" },
      { flow: "burst: 1,000 QoS 1 to the device, every one arrives once, in order",
        what: "with `max_inflight_messages 1` and `max_queued_messages 5`, a fast burst to an online device keeps 1 in flight and 5 queued and drops the rest (55 to 815 of 1,000 arrived in the runs so far: it depends on how fast the device acknowledges); what arrives is in order, without duplicates",
        spec: "allowed: a server limit; the loss is the broker's, by configuration" },
      { flow: "max_packet_size", what: "a PUBLISH above `max_packet_size` closes the connection", spec: "section 4.8: a server may close on a packet it will not accept" },
    ],
  },
  "aedes": {
    id: "aedes",
    title: "aedes (npm), in-memory persistence",
    setup: "npm `aedes` in a Node process of its own; one password account (device), anonymous allowed",
    granted: [0, 1, 2],
    authRefusal: 4,
    sessionAfterRestart: false,
    queuedOfTwenty: 20,
    burstInWhole: true,
    qos2Publish: "pubrec",
    deviations: [
      { flow: "session: resumed across a broker restart", what: "sessions live in memory (aedes's default persistence): lost on restart",
        spec: "allowed, as for mosquitto without persistence" },
    ],
  },
  "rabbitmq": {
    id: "rabbitmq",
    title: "RabbitMQ MQTT plugin",
    setup: "Debian `rabbitmq-server` run as a user-level node (own node name, cookie, epmd, ports, mnesia and enabled_plugins file: rabbitmq_mqtt)",
    granted: [0, 1, 1],
    authRefusal: 4,
    sessionAfterRestart: true,
    queuedOfTwenty: 20,
    burstInWhole: true,
    qos2Publish: "puback",
    deviations: [
      { flow: "subscribe: granted QoS", what: "a QoS 2 subscription is granted QoS 1 (the plugin has no QoS 2)",
        spec: "allowed: section 3.9.3, the server may grant a lower QoS" },
      { flow: "publish: client to broker QoS 0/1/2", what: "a QoS 2 PUBLISH is answered with PUBACK, as if it were QoS 1; the message is delivered. " +
        "mosquitto_pub reports a protocol error; our client takes the PUBACK as the end of the exchange (the server has the message, at QoS 1), logs `PUBACK for a QoS 2 message: the server took it at QoS 1` and gives the app the PUBACK event",
        spec: "violates section 4.3.3 (the receiver of a QoS 2 PUBLISH must answer PUBREC)" },
      { flow: "publish: broker to client QoS 0/1/2", what: "nothing reaches a subscriber at QoS 2 (no client can publish QoS 2 to it, and subscriptions are capped at 1): the peer publishes the QoS 2 case at QoS 1",
        spec: "allowed on the delivery side (section 3.8.4)" },
    ],
  },
  "activemq": {
    id: "activemq",
    title: "ActiveMQ 5 MQTT transport",
    setup: "Debian `activemq` with `libmqtt-client-java` (the transport's codec, which Debian packages separately), KahaDB persistence, " +
      "simple authentication (device) with anonymous access allowed",
    granted: [0, 1, 2],
    authRefusal: 5,
    sessionAfterRestart: true,
    queuedOfTwenty: 20,
    burstInWhole: true,
    qos2Publish: "pubrec",
    deviations: [
      { flow: "auth: wrong password refused", what: "a wrong password is refused with CONNACK 5 (not authorized), not 4 (bad user name or password)",
        spec: "section 3.2.2.3 lists both; either is allowed" },
    ],
  },
};
