// A RabbitMQ cluster of three nodes on 127.0.0.1 for the cluster failover run
// (test/interop/cluster.ts): user-level nodes (never the system service), each
// with its own node name, AMQP, distribution and MQTT ports, mnesia and log
// dirs under one temp folder; one epmd of our own on a free port, one Erlang
// cookie of our own (HOME is the temp folder). Durable MQTT subscriptions
// (clean_session false, QoS 1) are quorum queues: `mqtt.durable_queue_type =
// quorum` (rabbitmq_mqtt 3.10's schema). Nodes 2 and 3 join node 1 with
// `rabbitmqctl join_cluster`. Every process is stopped by its own pid / group.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, runCmd } from "../../integration/support/harness";
import { Daemon, canConnect } from "./brokers";

const BIN = "/usr/lib/rabbitmq/bin";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RabbitNode {
  name: string; dir: string; mqtt: number; amqp: number; dist: number;
  env: NodeJS.ProcessEnv; d: Daemon | null; startMs: number;
}

export class RabbitCluster {
  dir: string;
  nodes: RabbitNode[] = [];
  private epmd: Daemon | null = null;
  private base: NodeJS.ProcessEnv = {};
  /** What the cluster formation printed, for a failure report. */
  log: string[] = [];

  constructor(private size = 3) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "interop-cluster-"));
    fs.chmodSync(this.dir, 0o755);
  }

  static missing(): string | undefined {
    const miss = [`${BIN}/rabbitmq-server`, `${BIN}/rabbitmqctl`].filter((f) => !fs.existsSync(f));
    return miss.length ? `missing (run scripts/setup.sh): ${miss.join(", ")}` : undefined;
  }

  async start(): Promise<void> {
    const epmdPort = await freePort();
    // Our own cookie: the CLI and the nodes read $HOME/.erlang.cookie.
    const cookie = path.join(this.dir, ".erlang.cookie");
    fs.writeFileSync(cookie, crypto.randomBytes(20).toString("hex").toUpperCase());
    fs.chmodSync(cookie, 0o400);
    this.base = { ...process.env, HOME: this.dir, ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: "127.0.0.1",
      RABBITMQ_CONF_ENV_FILE: path.join(this.dir, "rabbitmq-env.conf") };
    this.epmd = new Daemon("epmd", ["-port", String(epmdPort), "-address", "127.0.0.1"], this.base, this.dir);
    const tag = `cl${process.pid}`;
    for (let i = 0; i < this.size; i++) {
      const dir = path.join(this.dir, `n${i}`);
      fs.mkdirSync(dir);
      const n: RabbitNode = { name: `${tag}n${i}@localhost`, dir, mqtt: await freePort(), amqp: await freePort(), dist: await freePort(),
        env: {}, d: null, startMs: 0 };
      fs.writeFileSync(path.join(dir, "rabbitmq.conf"), [`listeners.tcp.1 = 127.0.0.1:${n.amqp}`,
        `mqtt.listeners.tcp.1 = 127.0.0.1:${n.mqtt}`, "mqtt.allow_anonymous = true", "mqtt.durable_queue_type = quorum",
        "loopback_users = none", "log.console = true", "log.console.level = warning", "log.file = false", ""].join("\n"));
      fs.writeFileSync(path.join(dir, "enabled_plugins"), "[rabbitmq_mqtt].\n");
      n.env = { ...this.base, RABBITMQ_NODENAME: n.name, RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(n.amqp), RABBITMQ_DIST_PORT: String(n.dist),
        RABBITMQ_MNESIA_BASE: path.join(dir, "mnesia"), RABBITMQ_LOG_BASE: path.join(dir, "log"),
        RABBITMQ_CONFIG_FILE: path.join(dir, "rabbitmq.conf"), RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, "advanced.config"),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, "enabled_plugins"), RABBITMQ_PID_FILE: path.join(dir, "rabbitmq.pid"),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}" };
      this.nodes.push(n);
    }
    // All three boot at once, then 2 and 3 join 1 (each a fresh node: join_cluster needs no reset).
    await Promise.all(this.nodes.map((n) => this.boot(n)));
    for (const n of this.nodes.slice(1)) {
      for (const args of [["stop_app"], ["join_cluster", this.nodes[0].name], ["start_app"]]) await this.ctl(n, args, 180_000);
    }
    for (const n of this.nodes) await this.waitServes(n, 180_000);
    const st = await this.ctl(this.nodes[0], ["cluster_status", "--formatter", "json"], 60_000);
    const running: string[] = JSON.parse(st.slice(st.indexOf("{"))).running_nodes ?? [];
    if (this.nodes.some((n) => !running.includes(n.name))) throw new Error(`cluster not formed: running ${running.join(", ")}`);
  }

  private async boot(n: RabbitNode): Promise<void> {
    const t0 = Date.now();
    const d = n.d = new Daemon(`${BIN}/rabbitmq-server`, [], n.env, n.dir);
    // await_startup fails at once while the node has not registered with epmd yet: retried.
    const deadline = t0 + 180_000;
    for (;;) {
      try {
        await this.ctl(n, ["await_startup"], 60_000);
        break;
      } catch (e) {
        if (d.done || Date.now() > deadline) throw new Error(`${n.name} did not start: ${(e as Error).message}\n--- node log:\n${d.log.slice(-4000)}`);
        await sleep(2000);
      }
    }
    n.startMs = Date.now() - t0;
  }

  /** rabbitmqctl against node n (bounded); throws with its output on failure. */
  async ctl(n: RabbitNode, args: string[], timeoutMs: number): Promise<string> {
    const r = await runCmd(`${BIN}/rabbitmqctl`, ["-n", n.name, "-t", String(Math.floor(timeoutMs / 1000)), ...args], timeoutMs + 10_000, { env: n.env, cwd: this.dir });
    this.log.push(`$ rabbitmqctl -n ${n.name} ${args.join(" ")} -> ${r.code}${r.timedOut ? " (timed out)" : ""}\n${r.stdout}${r.stderr}`);
    if (r.code !== 0) throw new Error(`rabbitmqctl -n ${n.name} ${args.join(" ")} failed (${r.code}):\n${r.stdout}\n${r.stderr}\n--- node log:\n${n.d?.log.slice(-3000) ?? ""}`);
    return r.stdout;
  }

  /** Until the node's MQTT listener acknowledges a QoS 1 publish. */
  private async waitServes(n: RabbitNode, limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (Date.now() < deadline) {
      if (await canConnect(n.mqtt)) {
        const r = await runCmd("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(n.mqtt), "-V", "mqttv311", "-i", `up${process.pid}`,
          "-t", "cluster/up", "-m", "1", "-q", "1"], 15_000);
        if (r.code === 0) return;
      }
      await sleep(500);
    }
    throw new Error(`${n.name}: MQTT on port ${n.mqtt} does not serve after ${limitMs} ms`);
  }

  /** The OS pid of node i's Erlang VM (the pid file RabbitMQ writes). */
  vmPid(i: number): number {
    const f = path.join(this.nodes[i].dir, "rabbitmq.pid");
    const pid = fs.existsSync(f) ? Number(fs.readFileSync(f, "utf8").trim()) : NaN;
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${this.nodes[i].name}: no pid in ${f}`);
    return pid;
  }

  /** SIGKILL to node i's VM by pid (a crash, no clean shutdown); waits until it is gone. */
  async killNode(i: number): Promise<void> {
    const pid = this.vmPid(i);
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      try { process.kill(pid, 0); } catch { break; }
      await sleep(50);
    }
    const d = this.nodes[i].d;
    if (d) { d.kill(); await d.exited; }
    this.nodes[i].d = null;
  }

  /** Queues of the vhost seen by a live node: name, type, members. */
  async queues(i: number): Promise<{ name: string; type: string; members?: string[] }[]> {
    const out = await this.ctl(this.nodes[i], ["list_queues", "name", "type", "members", "--formatter", "json"], 60_000);
    return JSON.parse(out.slice(out.indexOf("[")));
  }

  async close(): Promise<void> {
    for (const n of this.nodes) {
      if (n.d) await n.d.stop(30_000);
      n.d = null;
    }
    if (this.epmd) await this.epmd.stop(3000);
    this.epmd = null;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
