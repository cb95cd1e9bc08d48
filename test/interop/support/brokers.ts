// Real brokers for the interop tier, each started by the tests on 127.0.0.1
// with free ports and a config/data folder of its own (never a system
// service), and stopped by the pid of the process group it was started in.
// restart() stops gracefully (SIGTERM) and starts again on the same ports
// with the same data, for the persistent-session flows.
import { spawn, ChildProcess, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, freePort, haveTool, runCmd } from "../../integration/support/harness";
import { BrokerId } from "./profiles";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Creds { user?: string; pass?: string }

/** A process started in its own group; killed with its children by that group's id. */
export class Daemon {
  child: ChildProcess;
  log = "";
  exited: Promise<void>;
  done = false;

  constructor(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const add = (d: string) => { this.log = (this.log + d).slice(-200_000); };
    this.child.stdout!.setEncoding("utf8").on("data", add);
    this.child.stderr!.setEncoding("utf8").on("data", add);
    this.exited = new Promise((r) => {
      this.child.on("close", () => { this.done = true; r(); });
      this.child.on("error", (e) => { add(String(e)); this.done = true; r(); });
    });
  }

  private signal(sig: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try { process.kill(-this.child.pid, sig); } catch { /* group gone */ }
  }

  /** SIGTERM to the group, SIGKILL after graceMs; waits for the exit. */
  async stop(graceMs: number): Promise<void> {
    this.signal("SIGTERM");
    const t = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(t);
    // Children that outlived the leader (e.g. beam under the rabbitmq-server script).
    this.signal("SIGKILL");
  }

  kill(): void {
    this.signal("SIGKILL");
  }
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ host: "127.0.0.1", port });
    c.on("connect", () => { c.destroy(); resolve(true); });
    c.on("error", () => resolve(false));
  });
}

/** A broker under test. */
export abstract class TestBroker {
  port = 0;
  dir: string;
  /** How long the last start took, ms (until the MQTT port accepted connections). */
  startMs = 0;
  protected d: Daemon | null = null;
  /** Credentials of our client (the "device") and of the peer tools (mosquitto_pub/sub). */
  device: Creds = {};
  admin: Creds = {};

  constructor(public id: BrokerId) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `interop-${id}-`));
    fs.chmodSync(this.dir, 0o755);
  }

  protected abstract launch(): Daemon;
  /** How long a start may take, ms. */
  protected startLimitMs = 20_000;
  protected stopGraceMs = 10_000;

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const t0 = Date.now();
    this.d = this.launch();
    const deadline = t0 + this.startLimitMs;
    while (Date.now() < deadline) {
      // Ready when it acknowledges a QoS 1 publish (RabbitMQ opens the port before it serves).
      if (await canConnect(this.port) && await this.serves()) {
        this.startMs = Date.now() - t0;
        return;
      }
      if (this.d.done) break;
      await sleep(100);
    }
    const log = this.d.log;
    this.d.kill();
    throw new Error(`${this.id} did not start on port ${this.port} within ${this.startLimitMs} ms:\n${log.slice(-4000)}`);
  }

  private async serves(): Promise<boolean> {
    const r = await runCmd("mosquitto_pub", [...this.peerArgs(), "-i", `up${process.pid}`, "-t", "interop/up", "-m", "1", "-q", "1"], 15_000);
    return r.code === 0;
  }

  async stop(): Promise<void> {
    if (this.d) await this.d.stop(this.stopGraceMs);
    this.d = null;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    return this.d ? this.d.log : "";
  }

  /** Arguments of mosquitto_pub/sub for this broker as the admin peer. */
  peerArgs(): string[] {
    const a = ["-h", "127.0.0.1", "-p", String(this.port), "-V", "mqttv311"];
    if (this.admin.user !== undefined) a.push("-u", this.admin.user);
    if (this.admin.pass !== undefined) a.push("-P", this.admin.pass);
    return a;
  }
}

// ---------------------------------------------------------------- mosquitto

class Mosquitto extends TestBroker {
  constructor(id: BrokerId, private strict: boolean) {
    super(id);
    this.startLimitMs = 10_000;
  }

  private async writeConf(): Promise<void> {
    // Run as root, mosquitto drops to its own user unless told to stay.
    const user = os.userInfo().username;
    const conf = [`listener ${this.port} 127.0.0.1`, "log_dest stderr", "log_type error", "log_type warning", "log_type notice",
      "log_type information", `user ${user}`];
    if (!this.strict) {
      // mosquitto 2's defaults; an explicit listener needs allow_anonymous to let anyone in.
      conf.push("allow_anonymous true");
    } else {
      const pw = path.join(this.dir, "passwd");
      fs.writeFileSync(pw, "");
      for (const [u, p] of [["device", "devpass"], ["admin", "adminpass"]]) {
        const r = await runCmd("mosquitto_passwd", ["-b", pw, u, p], 10_000);
        if (r.code !== 0) throw new Error(`mosquitto_passwd: ${r.stderr}`);
      }
      const acl = path.join(this.dir, "acl");
      // The device may use interop/#, read (not write) interop-ro/#, and nothing else.
      fs.writeFileSync(acl, ["user admin", "topic readwrite #", "", "user device", "topic readwrite interop/#",
        "topic read interop-ro/#", ""].join("\n"));
      const data = path.join(this.dir, "data") + "/";
      fs.mkdirSync(data, { recursive: true });
      conf.push("allow_anonymous false", `password_file ${pw}`, `acl_file ${acl}`,
        "max_inflight_messages 1", "max_queued_messages 5", "max_packet_size 4096", "max_keepalive 30",
        "persistence true", `persistence_location ${data}`, "autosave_interval 1");
      this.device = { user: "device", pass: "devpass" };
      this.admin = { user: "admin", pass: "adminpass" };
    }
    fs.writeFileSync(path.join(this.dir, "mosquitto.conf"), conf.join("\n") + "\n");
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    await this.writeConf();
    await super.start();
  }

  protected launch(): Daemon {
    return new Daemon("mosquitto", ["-c", path.join(this.dir, "mosquitto.conf")], process.env, this.dir);
  }
}

// ---------------------------------------------------------------- aedes

class AedesBroker extends TestBroker {
  protected launch(): Daemon {
    this.device = { user: "device", pass: "devpass" };
    return new Daemon(process.execPath, [path.join(ROOT, "test/interop/support/aedes_broker.mjs"), String(this.port)], process.env, ROOT);
  }
}

// ---------------------------------------------------------------- RabbitMQ

/** RabbitMQ as a user-level node: its own node name, Erlang cookie (HOME), epmd,
 *  ports, mnesia/log dirs and enabled-plugins file (rabbitmq_mqtt only). */
class RabbitMQ extends TestBroker {
  private epmd: Daemon | null = null;
  private ports: Record<string, number> = {};
  private env: NodeJS.ProcessEnv = {};

  constructor() {
    super("rabbitmq");
    this.startLimitMs = 90_000;
    this.stopGraceMs = 30_000;
  }

  async start(): Promise<void> {
    if (this.port === 0) {
      this.port = await freePort();
      for (const k of ["amqp", "dist", "epmd"]) this.ports[k] = await freePort();
      const conf = [`listeners.tcp.1 = 127.0.0.1:${this.ports.amqp}`, `mqtt.listeners.tcp.1 = 127.0.0.1:${this.port}`,
        "mqtt.allow_anonymous = true", "loopback_users = none", "log.console = true", "log.console.level = info", "log.file = false"];
      fs.writeFileSync(path.join(this.dir, "rabbitmq.conf"), conf.join("\n") + "\n");
      fs.writeFileSync(path.join(this.dir, "enabled_plugins"), "[rabbitmq_mqtt].\n");
      const node = `interop${process.pid}_${this.port}@localhost`;
      this.env = {
        ...process.env,
        HOME: this.dir, // the Erlang cookie is written here, not in the real HOME
        ERL_EPMD_PORT: String(this.ports.epmd),
        ERL_EPMD_ADDRESS: "127.0.0.1",
        RABBITMQ_NODENAME: node,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(this.ports.amqp),
        RABBITMQ_DIST_PORT: String(this.ports.dist),
        RABBITMQ_MNESIA_BASE: path.join(this.dir, "mnesia"),
        RABBITMQ_LOG_BASE: path.join(this.dir, "log"),
        RABBITMQ_CONFIG_FILE: path.join(this.dir, "rabbitmq.conf"),
        RABBITMQ_ADVANCED_CONFIG_FILE: path.join(this.dir, "advanced.config"),
        RABBITMQ_CONF_ENV_FILE: path.join(this.dir, "rabbitmq-env.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(this.dir, "enabled_plugins"),
        RABBITMQ_PID_FILE: path.join(this.dir, "rabbitmq.pid"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
      };
      this.device = { user: "guest", pass: "guest" };
      this.admin = { user: "guest", pass: "guest" };
    }
    if (this.epmd === null || this.epmd.done) {
      // Our own epmd on its own port, in the foreground so it dies with us.
      this.epmd = new Daemon("epmd", ["-port", String(this.ports.epmd), "-address", "127.0.0.1"], this.env, this.dir);
    }
    await super.start();
  }

  protected launch(): Daemon {
    return new Daemon(RABBITMQ_SERVER, [], this.env, this.dir);
  }

  async close(): Promise<void> {
    await super.close();
    if (this.epmd) await this.epmd.stop(3000);
    this.epmd = null;
  }
}

/** The server script itself (Debian's /usr/sbin wrapper would switch to the rabbitmq user). */
const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";

// ---------------------------------------------------------------- ActiveMQ

/** ActiveMQ 5 (Debian `activemq`) with its MQTT transport; Debian ships the transport's
 *  codec separately (libmqtt-client-java), linked into the instance's lib/. */
class ActiveMQ extends TestBroker {
  constructor() {
    super("activemq");
    this.startLimitMs = 60_000;
    this.stopGraceMs = 20_000;
  }

  async start(): Promise<void> {
    if (this.port === 0) {
      this.port = await freePort();
      const lib = path.join(this.dir, "lib");
      const conf = path.join(this.dir, "conf");
      fs.mkdirSync(lib, { recursive: true });
      fs.mkdirSync(conf, { recursive: true });
      for (const j of ACTIVEMQ_EXTRA_JARS) fs.symlinkSync(j, path.join(lib, path.basename(j)));
      const data = path.join(this.dir, "data");
      fs.writeFileSync(path.join(conf, "activemq.xml"), `<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="interop" dataDirectory="${data}" persistent="true">
    <persistenceAdapter><kahaDB directory="${data}/kahadb"/></persistenceAdapter>
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="true">
        <users><authenticationUser username="device" password="devpass" groups="users"/></users>
      </simpleAuthenticationPlugin>
    </plugins>
    <transportConnectors>
      <transportConnector name="mqtt" uri="mqtt://127.0.0.1:${this.port}"/>
    </transportConnectors>
  </broker>
</beans>
`);
      fs.writeFileSync(path.join(conf, "log4j.properties"), ["log4j.rootLogger=WARN, stdout",
        "log4j.appender.stdout=org.apache.log4j.ConsoleAppender", "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
        "log4j.appender.stdout.layout.ConversionPattern=%d %-5p %c{1} - %m%n", ""].join("\n"));
      this.device = { user: "device", pass: "devpass" };
    }
    await super.start();
  }

  protected launch(): Daemon {
    const conf = path.join(this.dir, "conf");
    return new Daemon("java", ["-Xms64M", "-Xmx256M", `-Dlog4j.configuration=file:${conf}/log4j.properties`,
      `-Dactivemq.base=${this.dir}`, "-Dactivemq.home=/usr/share/activemq", `-Dactivemq.conf=${conf}`,
      `-Dactivemq.data=${path.join(this.dir, "data")}`, "-jar", "/usr/share/activemq/bin/activemq.jar", "start",
      `xbean:file:${conf}/activemq.xml`], process.env, this.dir);
  }
}

const ACTIVEMQ_EXTRA_JARS = ["/usr/share/java/mqtt-client.jar", "/usr/share/java/hawtdispatch.jar"];

// ---------------------------------------------------------------- factory

/** Why this broker cannot run here (a missing package), or undefined. */
export function missing(id: BrokerId): string | undefined {
  const need: Record<BrokerId, string[]> = {
    "mosquitto": ["mosquitto", "mosquitto_sub", "mosquitto_pub", "gcc"],
    "mosquitto-strict": ["mosquitto", "mosquitto_sub", "mosquitto_pub", "mosquitto_passwd", "gcc"],
    "aedes": ["mosquitto_sub", "mosquitto_pub", "gcc"],
    "rabbitmq": ["mosquitto_sub", "mosquitto_pub", "gcc", "epmd"],
    "activemq": ["mosquitto_sub", "mosquitto_pub", "gcc", "java"],
  };
  const miss = need[id].filter((t) => !haveTool(t));
  if (id === "rabbitmq" && !fs.existsSync(RABBITMQ_SERVER)) miss.push(RABBITMQ_SERVER);
  if (id === "activemq") for (const f of ["/usr/share/activemq/bin/activemq.jar", ...ACTIVEMQ_EXTRA_JARS]) if (!fs.existsSync(f)) miss.push(f);
  if (id === "aedes" && !fs.existsSync(path.join(ROOT, "node_modules/aedes"))) miss.push("node_modules/aedes");
  return miss.length ? `missing (run scripts/setup.sh): ${miss.join(", ")}` : undefined;
}

export async function startBroker(id: BrokerId): Promise<TestBroker> {
  const b: TestBroker = id === "mosquitto" ? new Mosquitto(id, false) : id === "mosquitto-strict" ? new Mosquitto(id, true)
    : id === "aedes" ? new AedesBroker(id) : id === "rabbitmq" ? new RabbitMQ() : new ActiveMQ();
  try {
    await b.start();
  } catch (e) {
    await b.close();
    throw e;
  }
  return b;
}

/** The broker's version, for the report (best effort). */
export function brokerVersion(id: BrokerId): string {
  const deb = (pkg: string) => {
    const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : "?";
  };
  if (id === "aedes") {
    try { return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/aedes/package.json"), "utf8")).version; } catch { return "?"; }
  }
  return deb(id === "rabbitmq" ? "rabbitmq-server" : id === "activemq" ? "activemq" : "mosquitto");
}
