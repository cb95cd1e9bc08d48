// The delivery rule's public vocabulary: publish error codes, the events it
// adds beside Mongoose's MG_EV_* numbers, and the reasons a message is dropped.
// Imports nothing but rt, so the public header can include delivery.h (the
// session and the mgos layer both use these numbers; docs/delivery.md explains them).

import { u16, int } from "../rt/rt";
import { mg_str } from "../mgos/mg_types";

/**
 * The delivery rule (docs/delivery.md):
 *
 * A publish call that returns a packet id (non-zero) has handed the message to
 * the client, which owns it from then on and delivers it: QoS 1 at least once,
 * QoS 2 exactly once, QoS 0 once over the connection it was accepted on, each
 * QoS in the order of the calls, across reconnects. The only exception is a
 * policy the application configured (mqtt.max_queue_drop_oldest): a message it
 * drops is reported to the global handlers with MGOS_MQTT_EV_DROPPED (ev_data:
 * struct mgos_mqtt_dropped, with the packet id and the reason), never only
 * logged.
 *
 * A call that cannot take a message returns 0 and takes nothing; then
 * mgos_mqtt_get_last_error() (mgos_mqtt_conn_get_last_error()) says why:
 * MGOS_MQTT_ERR_IS_TEMPORARY(err) -> full now, retry (after
 * MGOS_MQTT_EV_OUTBOX_ROOM, or after connecting); otherwise the message can
 * never be sent as it is (too big, bad argument) and retrying is useless.
 * Messages wait in the outbox (MGOS_MQTT_STORE_SIZE bytes, MGOS_MQTT_MAX_INFLIGHT
 * + MGOS_MQTT_MAX_QUEUE messages); mgos_mqtt_outbox_room() is the room left.
 * While offline at most mqtt.max_queue_length messages wait; QoS 0 is refused
 * while not connected (MGOS_MQTT_ERR_NOT_CONNECTED).
 * @cdoc
 * @cmacro MGOS_MQTT_ERR_IS_TEMPORARY(err) ((err) > 0 && (err) < 10)
 */
export enum MGOS_MQTT_ERR {
  /** The last call succeeded. */
  OK = 0,
  /** Temporary: the outbox is full (bytes or messages); retry after MGOS_MQTT_EV_OUTBOX_ROOM. */
  FULL = 1,
  /** Temporary: QoS 0 while not connected, or offline with max_queue_length 0; retry once connected. */
  NOT_CONNECTED = 2,
  /** Temporary: offline and max_queue_length messages already wait; retry once connected. */
  QUEUE_FULL = 3,
  /** Never: the message is larger than the outbox (MGOS_MQTT_STORE_SIZE) or than MQTT allows (256 MiB). */
  TOO_BIG = 10,
  /** Never: a bad argument (invalid topic, QoS not 0..2, NULL message with a length, ...). */
  INVALID = 11,
}

/** Events beside Mongoose's (MG_EV_MQTT_* are 201..214). */
export enum MGOS_MQTT_EV {
  /** A message the client had accepted was dropped by the app's policy; ev_data: struct mgos_mqtt_dropped. */
  DROPPED = 240,
  /** A publish was refused for lack of room, and room has been freed since; ev_data: NULL. */
  OUTBOX_ROOM = 241,
}

/** Why a message was dropped (mgos_mqtt_dropped.reason). */
export enum MGOS_MQTT_DROP {
  /** Offline, max_queue_length reached, mqtt.max_queue_drop_oldest set: the oldest waiting message made room. */
  QUEUE_FULL = 1,
  /** Offline, the outbox bytes were full, mqtt.max_queue_drop_oldest set. */
  OUTBOX_FULL = 2,
  /** MQTT 5: accepted while offline, larger than the Maximum Packet Size of the broker connected since. */
  TOO_BIG_FOR_SERVER = 3,
}

/** ev_data of MGOS_MQTT_EV_DROPPED. The views are valid during the handler call. */
export class mgos_mqtt_dropped {
  /** The id the publish call returned. */
  packet_id: u16 = 0;
  qos: int = 0;
  /** MGOS_MQTT_DROP_*. */
  reason: int = 0;
  topic: mg_str = new mg_str();
  payload: mg_str = new mg_str();
}
