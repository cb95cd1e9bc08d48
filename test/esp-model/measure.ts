// The ESP32 port's figures on the model (docs/esp32.md): run with
//   npx tsc -p . && node build/test/esp-model/measure.js [runs=5] [port=<port_esp32.c>]
// For each mode (plain TCP, TLS server auth, mutual TLS, EC P-256 keys) it runs
// the `measure` scenario `runs` times on the plain (-Og, measured stacks) build
// and prints the longest lock hold (the holder's CPU time, and wall time, which
// includes preemption on this shared machine), the stack high-water marks of
// the client task and the event task, and the heap one connection takes; then
// the static RAM of the port's objects (x86-64; the ESP32's 32-bit pointers
// make them slightly smaller). `port=` measures another port file (e.g. the
// one before the fix; its event task gets 64 KB so that it survives).
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "../integration/support/harness";
import { buildModel, figure, runScenario, startEnv, stopEnv } from "./support/env";

function arg(name: string, def: string): string {
  const a = process.argv.find((x) => x.startsWith(`${name}=`));
  return a ? a.slice(name.length + 1) : def;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (us: number) => (us / 1000).toFixed(2);

function staticRam(file: string): { text: number; data: number; bss: number } {
  const C = path.join(ROOT, "components/mgos_mqtt");
  const obj = path.join(ROOT, "build", "esp-model", path.basename(file) + ".o");
  const cc = spawnSync("gcc", ["-std=gnu11", "-Os", "-c", "-DESP_PLATFORM=1", `-I${path.join(ROOT, "test/esp-model/idf/include")}`,
    `-I${C}/include`, `-I${C}/gen`, `-I${C}/port`, file, "-o", obj], { encoding: "utf8" });
  if (cc.status !== 0) throw new Error(cc.stderr);
  const sz = spawnSync("size", [obj], { encoding: "utf8" }).stdout.split("\n")[1].trim().split(/\s+/).map(Number);
  return { text: sz[0], data: sz[1], bss: sz[2] };
}

async function main(): Promise<void> {
  const runs = Number(arg("runs", "5"));
  const portFile = arg("port", "");
  const bin = await buildModel("plain", portFile ? path.resolve(portFile) : "");
  const env = await startEnv();
  const extraEnv: Record<string, string> = portFile ? { MODEL_EVENT_STACK: "65536" } : {};
  try {
    console.log(`port: ${portFile || "components/mgos_mqtt/port/port_esp32.c"}, ${runs} runs per mode`);
    console.log("| mode | longest lock hold, CPU (median / max) | wall (median / max) | client task stack | event task stack | heap per connection |");
    console.log("|---|---|---|---|---|---|");
    for (const mode of ["plain", "tls", "mtls"]) {
      const cpu: number[] = [], wall: number[] = [], sc: number[] = [], se: number[] = [], heap: number[] = [];
      let size = "";
      for (let i = 0; i < runs; i++) {
        const r = await runScenario(env, bin, "measure", [`mode=${mode}`], extraEnv);
        const bad = r.results.filter((x) => !x.ok && !x.check.startsWith("stack") && x.check !== "rules" && x.check !== "certs_parsed_once");
        if (bad.length > 0 || r.results.length === 0) throw new Error(`measure ${mode} failed:\n${r.out}\n${r.err.slice(-2000)}`);
        cpu.push(figure(r, "lock_max_hold_cpu_us") ?? NaN);
        wall.push(figure(r, "lock_max_hold_us") ?? NaN);
        sc.push(figure(r, "stack_client_task") ?? NaN);
        se.push(figure(r, "stack_event_task") ?? NaN);
        heap.push(figure(r, "heap_connection_bytes") ?? NaN);
        size = (r.figures.find((f) => f.startsWith("stack_client_task")) ?? "").replace(/^.* of /, "");
      }
      console.log(`| ${mode} | ${ms(median(cpu))} / ${ms(Math.max(...cpu))} ms | ${ms(median(wall))} / ${ms(Math.max(...wall))} ms | ` +
        `${Math.max(...sc)} of ${size} B | ${Math.max(...se)} B | ${median(heap)} B |`);
    }
  } finally {
    await stopEnv(env);
  }
  const C = path.join(ROOT, "components/mgos_mqtt/port");
  for (const f of [portFile ? path.resolve(portFile) : path.join(C, "port_esp32.c"), path.join(C, "tls_mbedtls.c")]) {
    const s = staticRam(f);
    console.log(`static: ${path.basename(f)}: text ${s.text} B, data ${s.data} B, bss ${s.bss} B (x86-64, -Os)`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
