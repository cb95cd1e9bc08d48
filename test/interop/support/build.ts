// Builds the interop tier's host programs: the generated C + the POSIX port +
// one of our mains, with the given flags, cached under build/interop/ by a hash
// of everything that goes in (two compiles at a time: the machine has 2 cores).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, runCmd } from "../../integration/support/harness";

const GEN = path.join(ROOT, "components/mgos_mqtt/gen");
const PORT = path.join(ROOT, "components/mgos_mqtt/port");
const INCLUDES = [GEN, path.join(ROOT, "components/mgos_mqtt/include"), PORT].map((d) => `-I${d}`);
const LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

/** Sanitized build for the flow suite (leaks, UB and overflows fail the run). */
export const SAN_FLAGS = ["-std=c99", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
  "-fno-sanitize-recover=undefined", "-Wall", "-DCONFIG_MGOS_MQTT_CONNACK_TIMEOUT_MS=5000",
  // The flows send 20 KiB from the device: an outbox that holds it, as a firmware
  // sending large messages configures (the default 4 KiB refuses it: TOO_BIG).
  "-DCONFIG_MGOS_MQTT_STORE_SIZE=65536",
  // A flow takes a 20 KiB message in fragments (off by default in C: Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT).
  "-DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE=1",
  // Every log line compiled in (the firmware default is errors only): the flows read warnings and info lines.
  "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4"];
/** Plain optimized build for the fleet (hundreds of connections in one process). */
export const FAST_FLAGS = ["-std=c99", "-O2", "-Wall", "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4"];

function cFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith(".c")).sort().map((f) => path.join(dir, f));
}

/** The path of `main` (a .c under test/interop) linked with the client, built once per flags. */
export async function buildProgram(main: string, flags: string[]): Promise<string> {
  const mainSrc = path.join(ROOT, "test/interop", main);
  const sources = [...cFiles(GEN), ...cFiles(PORT)];
  const h = crypto.createHash("sha256");
  h.update(flags.join(" "));
  for (const f of [...sources, mainSrc, ...fs.readdirSync(GEN).filter((x) => x.endsWith(".h")).map((x) => path.join(GEN, x)),
    ...fs.readdirSync(PORT).filter((x) => x.endsWith(".h")).map((x) => path.join(PORT, x)),
    path.join(ROOT, "components/mgos_mqtt/include/mgos_mqtt.h"), path.join(ROOT, "test/integration/cli_input.h")]) {
    h.update(f);
    h.update(fs.readFileSync(f));
  }
  const out = path.join(ROOT, "build", "interop", `${path.basename(main, ".c")}-${h.digest("hex").slice(0, 16)}`);
  if (fs.existsSync(out)) return out;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "interop-build-"));
  try {
    const objs: string[] = [];
    const queue = [...sources];
    const worker = async () => {
      for (let src = queue.shift(); src !== undefined; src = queue.shift()) {
        const obj = path.join(tmp, `${path.basename(path.dirname(src))}_${path.basename(src, ".c")}.o`);
        const r = await runCmd("gcc", [...flags, ...INCLUDES, "-c", src, "-o", obj], 300_000);
        if (r.code !== 0) throw new Error(`compiling ${path.relative(ROOT, src)} failed:\n${r.stderr}`);
        objs.push(obj);
      }
    };
    await Promise.all([worker(), worker()]);
    const exe = path.join(tmp, "prog");
    const r = await runCmd("gcc", [...flags, ...INCLUDES, mainSrc, ...objs, ...LIBS, "-o", exe], 300_000);
    if (r.code !== 0) throw new Error(`linking ${main} failed:\n${r.stderr}`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(exe, out + ".tmp");
    fs.chmodSync(out + ".tmp", 0o755);
    fs.renameSync(out + ".tmp", out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
