// Runs an application written in TypeScript under Node, on the TypeScript
// client and the Node port (ts-src/node/port.ts: Node's net module), with the
// same command line and output as the host firmware (apps/host_main.c):
//
//   node build/apps/run-node.js <app> [-c config.json] [--set section.key=value]... [--run-ms N]
//
// <app> is a name under apps/ ("button"), its folder or its entry module
// (.ts or the compiled .js). App log lines go to stdout ("I text"), the
// client's log to stderr (MGOS_MQTT_LOG_LEVEL 0..4, default 2, as on the host).
// Node-only code: not compiled to C.
import * as fs from "fs";
import * as path from "path";
import { NodePort } from "../ts-src/node/port";
import { mgos_mqtt_config_load_json, mgos_mqtt_config_set, mgos_mqtt_config_error, mgos_mqtt_config_begin, mgos_mqtt_config_commit } from "../ts-src/config/config";
import { mgos_mqtt_init, mgos_mqtt_global_disconnect } from "../ts-src/mgos/facade";
import { mgos_app_poll } from "../ts-src/app/app_timer";

const TAGS = "EWID";

/** The app log extern (ts-src/app/app_log.ts): the host's line format (apps/support/app_port.c). */
export function installAppPort(write: (b: Buffer) => void = (b) => { process.stdout.write(b); }): void {
  (globalThis as Record<string, unknown>).port_app_log = (level: number, line: Uint8Array): void => {
    const l = level < 0 ? 0 : level > 3 ? 3 : level;
    const b = Buffer.alloc(line.length + 3);
    b[0] = TAGS.charCodeAt(l);
    b[1] = 0x20;
    // Control bytes as '.', as the host does, so a line stays one line.
    for (let i = 0; i < line.length; i++) b[i + 2] = line[i] < 0x20 || line[i] === 0x7f ? 0x2e : line[i];
    b[line.length + 2] = 0x0a;
    write(b);
  };
}

/** The Node port, plus the app's timers: polled (mgos_app_poll) whenever the
 *  client is, and again when the next timer is due, as the host loop does. */
export class AppNodePort extends NodePort {
  private appTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  override kick(): void {
    super.kick();
    this.appKick();
  }

  appKick(): void {
    if (this.stopped) return;
    if (this.appTimer) clearTimeout(this.appTimer);
    const wait = mgos_app_poll(this.nowMs());
    this.appTimer = setTimeout(() => { this.appTimer = null; this.appKick(); }, Math.max(1, wait));
  }

  override stop(): void {
    this.stopped = true;
    if (this.appTimer) clearTimeout(this.appTimer);
    this.appTimer = null;
    super.stop();
  }
}

/** The compiled entry module (build/apps/<name>/main.js) of an app argument. */
export function appModulePath(arg: string): string | null {
  const here = __dirname; // build/apps
  const cands: string[] = [];
  if (arg.endsWith(".js")) cands.push(path.resolve(arg));
  else if (arg.endsWith(".ts")) {
    // apps/x/main.ts -> build/apps/x/main.js
    const rel = path.relative(path.resolve(here, "..", ".."), path.resolve(arg));
    cands.push(path.resolve(here, "..", rel.replace(/\.ts$/, ".js")));
  } else {
    cands.push(path.join(here, path.basename(arg), "main.js"));
    cands.push(path.resolve(arg, "main.js"));
  }
  return cands.find((c) => fs.existsSync(c)) ?? null;
}

function fail(msg: string): number {
  process.stderr.write(msg + "\n");
  return 2;
}

export function main(argv: string[]): number {
  let app = "";
  let runMs = -1;
  const configs: (() => string | null)[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === "-c" || a === "--config") && i + 1 < argv.length) {
      const file = argv[++i];
      configs.push(() => {
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch (e) {
          return `${file}: ${(e as Error).message}`;
        }
        return mgos_mqtt_config_load_json(file, text) !== 0 ? `config error: ${mgos_mqtt_config_error()}` : null;
      });
    } else if (a === "--set" && i + 1 < argv.length) {
      const arg = argv[++i];
      configs.push(() => (mgos_mqtt_config_set(arg) !== 0 ? `config error: ${mgos_mqtt_config_error()}` : null));
    } else if (a === "--run-ms" && i + 1 < argv.length) {
      const v = argv[++i];
      if (!/^\d+$/.test(v) || Number(v) > 86400000) return fail(`--run-ms: expected milliseconds (0..86400000), got '${v}'`);
      runMs = Number(v);
    } else if (!a.startsWith("-") && !app) {
      app = a;
    } else {
      return fail(`unknown or incomplete argument '${a}'\n` +
        "usage: run-node.js <app> [-c config.json] [--set section.key=value]... [--run-ms N]");
    }
  }
  if (!app) return fail("usage: run-node.js <app> [-c config.json] [--set section.key=value]... [--run-ms N]");
  const mod = appModulePath(app);
  if (!mod) return fail(`no compiled app for '${app}' (expected build/apps/<name>/main.js: run \`npx tsc -p .\`)`);

  const port = new AppNodePort().install();
  const lvl = process.env.MGOS_MQTT_LOG_LEVEL;
  port.printLevel = lvl !== undefined && /^[0-4]$/.test(lvl) ? Number(lvl) : 2;
  installAppPort();
  // Config in command-line order, one change checked as a whole, as the host does.
  mgos_mqtt_config_begin();
  for (const apply of configs) {
    const err = apply();
    if (err) return fail(err);
  }
  if (mgos_mqtt_config_commit() !== 0) return fail(`config error: ${mgos_mqtt_config_error()}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entry = require(mod) as { init?: () => void };
  if (typeof entry.init !== "function") return fail(`${mod}: the app's entry module must export function init(): void`);
  entry.init();
  mgos_mqtt_init();
  port.start();

  let done = false;
  let bound: NodeJS.Timeout | null = null;
  const shutdown = (): void => {
    if (done) return;
    done = true;
    if (bound) clearTimeout(bound);
    // DISCONNECT goes out first (so the broker does not send the will); the
    // socket gets a moment to write it before it is closed.
    mgos_mqtt_global_disconnect();
    setTimeout(() => port.stop(), 50);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  if (runMs >= 0) bound = setTimeout(shutdown, runMs);
  return 0;
}

if (require.main === module) {
  const code = main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
}
