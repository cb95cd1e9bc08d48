// A TCP relay between the client under test and mosquitto that decodes what
// the client sends (mqtt-packet), so a test can count PUBACKs per id and see
// each SUBSCRIBE's topics and id. Listens on 127.0.0.1 on a free port; a new
// upstream connection per client connection; either side closing closes both.
import * as net from "node:net";
import * as mqttPacket from "mqtt-packet";

export interface Sent {
  cmd: string;
  messageId?: number;
  topics: string[];
  qos?: number;
  clientId?: string;
  username?: string;
  at: number;
}

export class Sniffer {
  sent: Sent[] = [];
  connections = 0;
  private server: net.Server;
  private socks = new Set<net.Socket>();
  port = 0;

  constructor(private upstreamPort: number) {
    this.server = net.createServer((client) => this.relay(client));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private relay(client: net.Socket): void {
    this.connections++;
    const up = net.connect({ host: "127.0.0.1", port: this.upstreamPort });
    this.socks.add(client);
    this.socks.add(up);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (p: mqttPacket.Packet) => {
      const any = p as unknown as { messageId?: number; subscriptions?: { topic: string; qos: number }[]; unsubscriptions?: string[];
        qos?: number; topic?: string; clientId?: string; username?: string };
      const topics = any.subscriptions ? any.subscriptions.map((s) => s.topic) : any.unsubscriptions ?? (any.topic ? [any.topic] : []);
      this.sent.push({ cmd: p.cmd, messageId: any.messageId, topics, qos: any.qos, clientId: any.clientId, username: any.username, at: Date.now() });
    });
    client.on("data", (d) => {
      parser.parse(d);
      up.write(d);
    });
    up.on("data", (d) => client.write(d));
    const end = (): void => {
      client.destroy();
      up.destroy();
      this.socks.delete(client);
      this.socks.delete(up);
    };
    client.on("error", end);
    client.on("close", end);
    up.on("error", end);
    up.on("close", end);
  }

  count(cmd: string, messageId?: number): number {
    return this.sent.filter((s) => s.cmd === cmd && (messageId === undefined || s.messageId === messageId)).length;
  }

  async close(): Promise<void> {
    for (const s of this.socks) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
