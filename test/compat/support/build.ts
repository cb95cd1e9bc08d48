// Builds test/compat/compat_app.c with the generated C and the POSIX port under
// ASan/UBSan (cached by content hash). COMPAT_SRC_ROOT=<dir> builds it against
// another checkout's gen/, include/ and port/ (how the tests were run against
// main's code before the fixes: see docs/differences.md).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, runCmd } from "../../integration/support/harness";

const CFLAGS = ["-std=c99", "-g", "-O1", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
  "-Wall", "-Wextra", "-Werror", "-DCONFIG_MGOS_MQTT_CONNACK_TIMEOUT_MS=2000",
  "-DCONFIG_MGOS_MQTT_LOG_LEVEL=4"]; // every log line compiled in (the firmware default: errors only)
const LIBS = ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"];

function listC(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".c")).sort().map((f) => path.join(dir, f)) : [];
}

export async function buildCompatApp(): Promise<string> {
  const src = process.env.COMPAT_SRC_ROOT ? path.resolve(process.env.COMPAT_SRC_ROOT) : ROOT;
  const gen = path.join(src, "components/mgos_mqtt/gen");
  const port = path.join(src, "components/mgos_mqtt/port");
  const inc = path.join(src, "components/mgos_mqtt/include");
  const app = path.join(ROOT, "test/compat/compat_app.c");
  const srcs = [...listC(gen), ...listC(port), app];
  const h = crypto.createHash("sha256");
  h.update(CFLAGS.join(" ") + src);
  for (const f of srcs) h.update(f).update(fs.readFileSync(f));
  for (const d of [gen, port, inc]) for (const f of fs.readdirSync(d).filter((x) => x.endsWith(".h")).sort()) h.update(fs.readFileSync(path.join(d, f)));
  const out = path.join(ROOT, "build", "compat", `app-${h.digest("hex").slice(0, 16)}`);
  if (fs.existsSync(out)) return out;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "compat-build-"));
  try {
    const objs: string[] = [];
    const queue = [...srcs];
    const worker = async (): Promise<void> => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        const o = path.join(tmp, `${path.basename(path.dirname(f))}_${path.basename(f, ".c")}.o`);
        // The port and the generated code are built as the integration tier does (no -Wextra -Werror there).
        const strict = f === app ? [] : ["-Wno-error", "-Wno-extra"];
        const r = await runCmd("gcc", [...CFLAGS, ...strict, `-I${gen}`, `-I${inc}`, `-I${port}`, "-c", f, "-o", o], 180_000);
        if (r.code !== 0) throw new Error(`compiling ${path.relative(src, f)} failed:\n${r.stderr}`);
        objs.push(o);
      }
    };
    await Promise.all([worker(), worker()]);
    const r = await runCmd("gcc", [...CFLAGS, ...objs, ...LIBS, "-o", path.join(tmp, "compat_app")], 180_000);
    if (r.code !== 0) throw new Error(`linking compat_app failed:\n${r.stderr}`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.renameSync(path.join(tmp, "compat_app"), out);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}
