// An MQTT broker with WebSocket listeners for the ws:// and wss:// tests:
// aedes (npm) behind the `ws` package's WebSocketServer (createWebSocketStream),
// on an http and an https server (test certificates from test/tls), plus a
// plain TCP listener on the same broker for the peer client (MQTT.js).
// Everything listens on 127.0.0.1 on free ports. Debian's mosquitto 2.0.11
// cannot start its websockets listener here, hence aedes.
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import { WebSocketServer, WebSocket, createWebSocketStream } from "ws";
import { freePort } from "../../integration/support/harness";

// aedes is ESM only; Node 20.19+ loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes } = require("aedes") as typeof import("aedes");

export interface Upgrade {
  url: string;
  headers: http.IncomingHttpHeaders;
  secure: boolean;
}

export class WsBroker {
  aedes!: InstanceType<typeof Aedes>;
  tcp!: net.Server;
  httpSrv!: http.Server;
  httpsSrv: https.Server | null = null;
  tcpPort = 0;
  wsPort = 0;
  wssPort = 0;
  /** Every Upgrade request seen (to check what the client sent). */
  upgrades: Upgrade[] = [];
  /** The open server-side WebSockets. */
  sockets = new Set<WebSocket>();
  /** Close codes and reasons the server received from clients. */
  closes: { code: number; reason: string }[] = [];
  private tcpSocks = new Set<net.Socket>();

  constructor(private tls: { cert: string; key: string } | null, public path = "/mqtt") {}

  static async start(tls: { cert: string; key: string } | null = null, path = "/mqtt"): Promise<WsBroker> {
    const b = new WsBroker(tls, path);
    b.aedes = await Aedes.createBroker();
    b.tcp = net.createServer((s) => {
      b.tcpSocks.add(s);
      s.on("close", () => b.tcpSocks.delete(s));
      b.aedes.handle(s);
    });
    b.tcpPort = await listen(b.tcp, 0);
    b.wsPort = await freePort();
    if (tls) b.wssPort = await freePort();
    await b.listenWs();
    return b;
  }

  /** (Re)starts the WebSocket listeners on their ports. */
  async listenWs(): Promise<void> {
    this.httpSrv = http.createServer((_req, res) => { res.writeHead(404); res.end("not here\n"); });
    this.attach(this.httpSrv, false);
    await listen(this.httpSrv, this.wsPort);
    if (this.tls) {
      this.httpsSrv = https.createServer({ cert: this.tls.cert, key: this.tls.key });
      this.attach(this.httpsSrv, true);
      await listen(this.httpsSrv, this.wssPort);
    }
  }

  private attach(srv: http.Server, secure: boolean): void {
    const wss = new WebSocketServer({
      server: srv,
      path: this.path,
      handleProtocols: (protocols) => (protocols.has("mqtt") ? "mqtt" : false),
    });
    wss.on("headers", () => { /* nothing to add */ });
    wss.on("connection", (ws, req) => {
      this.upgrades.push({ url: req.url ?? "", headers: req.headers, secure });
      this.sockets.add(ws);
      ws.on("close", (code, reason) => {
        this.sockets.delete(ws);
        this.closes.push({ code, reason: reason.toString() });
      });
      const stream = createWebSocketStream(ws);
      stream.on("error", () => { /* the socket went away */ });
      this.aedes.handle(stream as unknown as net.Socket, req);
    });
  }

  /** Closes every client WebSocket from the server side (a Close frame with `code`). */
  dropClients(code = 1001, reason = "going away"): number {
    const n = this.sockets.size;
    for (const ws of this.sockets) ws.close(code, reason);
    return n;
  }

  /** Stops the WebSocket listeners (clients are cut without a Close frame). */
  async stopWs(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    const srvs = [this.httpSrv, ...(this.httpsSrv ? [this.httpsSrv] : [])];
    await Promise.all(srvs.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
  }

  async close(): Promise<void> {
    await this.stopWs();
    for (const s of this.tcpSocks) s.destroy();
    await new Promise<void>((r) => this.tcp.close(() => r()));
    await new Promise<void>((r) => this.aedes.close(() => r()));
  }
}

function listen(s: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port));
  });
}

/** Reads a PEM file as text. */
export function readPem(p: string): string {
  return fs.readFileSync(p, "utf8");
}
