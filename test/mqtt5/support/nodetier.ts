// The Node tier of the MQTT 5 tests against mosquitto: the client's
// TypeScript on the Node port, one per test file. nodeTier() installs the
// port and stops it, the MQTT.js peers and the brokers the file started
// when the file ends; config() applies "key=value" settings or throws with
// the loader's reason.
import { after } from "node:test";
import { NodePort } from "../../../ts-src/node/port";
import { mg_str } from "../../../ts-src/mgos/mg_types";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../../ts-src/config/config";

export interface NodeTier {
  np: NodePort;
  /** Brokers (or proxies) to stop when the file ends. */
  started: { stop(): void }[];
  /** MQTT.js clients to end when the file ends. */
  peers: any[];
}

export function nodeTier(): NodeTier {
  const t: NodeTier = { np: new NodePort().install(), started: [], peers: [] };
  after(() => {
    t.np.stop();
    for (const p of t.peers) p.end(true);
    for (const s of t.started) s.stop();
  });
  return t;
}

export function config(...args: string[]): void {
  for (const a of args) if (mgos_mqtt_config_set(a) !== 0) throw new Error(`${a}: ${mgos_mqtt_config_error()}`);
}

/** An mg_str over a JavaScript string. */
export const str = (s: string): mg_str => { const m = new mg_str(); m.p = s; m.len = Buffer.byteLength(s); return m; };
