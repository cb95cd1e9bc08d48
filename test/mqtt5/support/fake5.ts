// MQTT 5 test support: a broker written here (mosquitto cannot be made to
// break the rules these tests need) and the TypeScript client under Node
// pointed at it with protocol_version 5. Only 127.0.0.1, free ports, bounded
// waits; the servers close and the port stops after the file's tests.

import { after } from "node:test";
import * as net from "net";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttPacket = require("mqtt-packet");
import { NodePort } from "../../../ts-src/node/port";
import { mgos_mqtt_init, mgos_mqtt_global_disconnect, mgos_mqtt_global_connect, mgos_mqtt_get_global } from "../../../ts-src/mgos/facade";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../../ts-src/config/config";
import { until, sleep } from "./wire";

/** An MQTT 5 packet (mqtt-packet's object form) on the wire. */
export const gen = (p: Record<string, unknown>): Buffer => mqttPacket.generate(p, { protocolVersion: 5 });

export const CONNACK_OK = gen({ cmd: "connack", reasonCode: 0, sessionPresent: false, properties: {} });

const servers: net.Server[] = [];

/** A broker that answers CONNECT with `connack` (nothing when it is empty)
 *  and then runs `script(sock, n)` (n: the connection's number, from 1);
 *  records what the client sends (decoded by mqtt-packet). */
export class Fake {
  port = 0;
  got: any[] = [];
  closed = 0;
  conns = 0;
  lastSock: net.Socket | null = null;
  constructor(private script: (s: net.Socket, conn: number) => void, private connack = CONNACK_OK) {}
  async start(): Promise<this> {
    const srv = net.createServer((sock) => {
      const n = ++this.conns;
      this.lastSock = sock;
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      parser.on("packet", (p: any) => {
        this.got.push(p);
        if (p.cmd === "connect") {
          if (this.connack.length > 0) sock.write(this.connack);
          this.script(sock, n);
        }
      });
      sock.on("data", (d: Buffer) => parser.parse(d));
      sock.on("close", () => this.closed++);
      sock.on("error", () => undefined);
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    this.port = (srv.address() as net.AddressInfo).port;
    return this;
  }
  disconnects(): any[] {
    return this.acks("disconnect");
  }
  /** What the client sent of type `cmd`. */
  acks(cmd: string): any[] {
    return this.got.filter((p) => p.cmd === cmd);
  }
}

/** The global client as `clientId`, MQTT 5, short reconnect backoff:
 *  `run(f, ...sets)` points it at `f` (the first call starts it), `stop()`
 *  disconnects and waits until it is idle. */
export function fakeClient(clientId: string): { run: (f: Fake, ...sets: string[]) => Promise<void>; stop: () => Promise<void> } {
  const np = new NodePort().install();
  after(() => {
    np.stop();
    for (const s of servers) s.close();
  });
  let running = false;
  return {
    run: async (f, ...sets) => {
      for (const a of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${f.port}`, "mqtt.protocol_version=5", `mqtt.client_id=${clientId}`,
        "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.5", "mqtt.max_packet_size=0", ...sets]) {
        if (mgos_mqtt_config_set(a) !== 0) throw new Error(`${a}: ${mgos_mqtt_config_error()}`);
      }
      if (!running) {
        running = true;
        mgos_mqtt_init();
        np.start();
      } else {
        mgos_mqtt_global_connect();
      }
    },
    stop: async () => {
      mgos_mqtt_global_disconnect();
      await until("idle", () => mgos_mqtt_get_global().net === 0);
      await sleep(50);
    },
  };
}
