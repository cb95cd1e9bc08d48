// What TLS costs on the host build: `npx tsc -p . && node build/test/tls/measure.js`
// (not a test: it prints figures and writes build/reports/tls-measure.json).
//   code size   text of port/tls_mbedtls.o (-O2 and -Os); the host demo
//               (main/main.c) linked with TLS (mbedTLS linked statically, so
//               the bytes it pulls in are counted) and without it
//               (test/tls/support/tls_none.c in place of tls_mbedtls.c);
//               the mbedTLS shared libraries' own text
//   heap        peak heap (valgrind massif, mem_heap_B) of the demo connected
//               over plain TCP, server-auth TLS, mutual TLS and PSK; TLS
//               costs the difference
//   handshake   median of the "TLS handshake done ... (N ms)" log figure over
//               RUNS connections each (server-auth ECDHE-ECDSA, mutual, PSK as
//               mosquitto chooses it (DHE-PSK), PSK with an ECDHE-PSK suite)
//   memcheck    valgrind memcheck of the demo over each kind, and a failing
//               (expired certificate) config retried for 8 s: errors, leaks
// Builds without sanitizers (-O2), in build/tls-measure/. Runs one program at
// a time (the machine's cores are shared).
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, Proc, runCmd, haveTool } from "../integration/support/harness";
import { makePki } from "./support/pki";
import { startTlsBroker } from "./support/tlsbroker";

const OUT = path.join(ROOT, "build", "tls-measure");
const GEN = path.join(ROOT, "components/mgos_mqtt/gen");
const PORT = path.join(ROOT, "components/mgos_mqtt/port");
const INC = [GEN, path.join(ROOT, "components/mgos_mqtt/include"), PORT, path.join(ROOT, "main"), path.join(ROOT, "test/integration")].map((d) => `-I${d}`);
const RUNS = Number(process.env.RUNS ?? 7);
const listC = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".c")).sort().map((f) => path.join(dir, f));

async function cc(args: string[]): Promise<void> {
  const r = await runCmd("gcc", args, 300_000);
  if (r.code !== 0) throw new Error(`gcc ${args.slice(-3).join(" ")} failed:\n${r.stderr}`);
}

async function textSize(file: string): Promise<number> {
  const r = await runCmd("size", [file], 30_000);
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(r.stdout.split("\n")[1] ?? "");
  if (!m) throw new Error(`size ${file}: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function build(): Promise<Record<string, string>> {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  const flags = ["-std=c99", "-O2", "-DNDEBUG"];
  const srcs = [...listC(GEN), ...listC(PORT).filter((f) => !/esp32/.test(path.basename(f)))];
  const objs: string[] = [];
  for (const src of srcs) {
    const obj = path.join(OUT, path.basename(src, ".c") + ".o");
    await cc([...flags, ...INC, "-c", src, "-o", obj]);
    objs.push(obj);
  }
  const tlsObj = path.join(OUT, "tls_mbedtls.o");
  const noneObj = path.join(OUT, "tls_none.o");
  await cc([...flags, ...INC, "-c", path.join(ROOT, "test/tls/support/tls_none.c"), "-o", noneObj]);
  const osObj = path.join(OUT, "tls_mbedtls_Os.o");
  await cc(["-std=c99", "-Os", ...INC, "-c", path.join(PORT, "tls_mbedtls.c"), "-o", osObj]);
  const others = objs.filter((o) => o !== tlsObj);
  const mbedStatic = ["-Wl,-Bstatic", "-lmbedtls", "-lmbedx509", "-lmbedcrypto", "-Wl,-Bdynamic"];
  const out: Record<string, string> = {
    tlsObj, osObj,
    demoTls: path.join(OUT, "demo_tls"), demoNone: path.join(OUT, "demo_none"),
  };
  await cc([...flags, ...INC, path.join(ROOT, "main/main.c"), ...others, tlsObj, ...mbedStatic, "-o", out.demoTls]);
  await cc([...flags, ...INC, path.join(ROOT, "main/main.c"), ...others, noneObj, "-o", out.demoNone]);
  await runCmd("strip", [out.demoTls, out.demoNone], 30_000);
  return out;
}

/** Peak heap bytes of the demo run with `sets` until it connected and exited. */
async function peakHeap(sets: string[]): Promise<number> {
  const file = path.join(OUT, `massif.${Date.now()}.out`);
  const args = ["--tool=massif", `--massif-out-file=${file}`, path.join(OUT, "demo_tls"), "--exit-after", "4"];
  for (const s of ["mqtt.enable=true", ...sets]) args.push("--set", s);
  const r = await runCmd("valgrind", args, 120_000);
  if (!/connected \(CONNACK 0\)/.test(r.stdout + r.stderr)) throw new Error(`demo did not connect under valgrind:\n${r.stdout}\n${r.stderr.slice(-2000)}`);
  const text = fs.readFileSync(file, "utf8");
  let peak = 0;
  for (const m of text.matchAll(/^mem_heap_B=(\d+)$/gm)) peak = Math.max(peak, Number(m[1]));
  fs.rmSync(file);
  return peak;
}

/** valgrind memcheck of the demo with `sets` for a few seconds: errors and leaks. */
async function memcheck(sets: string[]): Promise<{ errors: string; heap: string; connected: boolean }> {
  const args = ["--leak-check=full", "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
    path.join(OUT, "demo_tls"), "--exit-after", "8"];
  for (const s of ["mqtt.enable=true", "mqtt.reconnect_timeout_min=0.3", ...sets]) args.push("--set", s);
  const r = await runCmd("valgrind", args, 120_000);
  return {
    errors: (/ERROR SUMMARY: [^\n]*/.exec(r.stderr) ?? ["?"])[0],
    heap: (/(All heap blocks were freed[^\n]*|definitely lost: [^\n]*)/.exec(r.stderr) ?? ["?"])[0],
    connected: /connected \(CONNACK 0\)/.test(r.stdout + r.stderr),
  };
}

/** Handshake milliseconds as logged by the client, RUNS connections. */
async function handshakes(sets: string[]): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const args: string[] = [];
    for (const s of ["mqtt.enable=true", ...sets]) args.push("--set", s);
    const p = new Proc("demo", path.join(OUT, "demo_tls"), [...args, "--exit-after", "1.5"], { ...process.env, MGOS_MQTT_LOG_LEVEL: "2" });
    const m = await p.waitErr(/TLS handshake done: [^\n]* \((\d+) ms\)\n/, 10_000);
    ms.push(Number(m[1]));
    await p.wait(5000);
  }
  return ms;
}

async function main(): Promise<void> {
  for (const t of ["gcc", "size", "strip", "valgrind", "mosquitto", "openssl"]) if (!haveTool(t)) throw new Error(`missing Debian tool: ${t}`);
  const b = await build();
  const sizes = {
    tls_mbedtls_o_text_O2: await textSize(b.tlsObj),
    tls_mbedtls_o_text_Os: await textSize(b.osObj),
    demo_with_tls_text: await textSize(b.demoTls),
    demo_without_tls_text: await textSize(b.demoNone),
    libmbedtls_so_text: await textSize("/usr/lib/x86_64-linux-gnu/libmbedtls.so"),
    libmbedx509_so_text: await textSize("/usr/lib/x86_64-linux-gnu/libmbedx509.so"),
    libmbedcrypto_so_text: await textSize("/usr/lib/x86_64-linux-gnu/libmbedcrypto.so"),
  };
  const pki = await makePki();
  const { broker, port } = await startTlsBroker(pki);
  try {
    const cfg: Record<string, string[]> = {
      plain: [`mqtt.server=127.0.0.1:${broker.port}`],
      server_auth: [`mqtt.server=localhost:${port.tls}`, `mqtt.ssl_ca_cert=${pki.pem("ca")}`],
      mutual: [`mqtt.server=localhost:${port.mtls}`, `mqtt.ssl_ca_cert=${pki.pem("ca")}`, `mqtt.ssl_cert=${pki.pem("client")}`, `mqtt.ssl_key=${pki.key("client")}`],
      psk: [`mqtt.server=127.0.0.1:${port.psk}`, `mqtt.ssl_psk_identity=${pki.pskIdentity}`, `mqtt.ssl_psk_key=${pki.pskKey}`],
    };
    // mosquitto (OpenSSL) picks DHE-PSK-AES256-GCM for a default PSK offer; the ECDHE-PSK figure:
    cfg.psk_ecdhe = [...cfg.psk, "mqtt.ssl_cipher_suites=TLS-ECDHE-PSK-WITH-AES-128-CBC-SHA256"];
    const heap: Record<string, number> = {};
    for (const k of ["plain", "server_auth", "mutual", "psk"]) heap[k] = await peakHeap(cfg[k]);
    const hs: Record<string, { runs: number[]; median: number }> = {};
    for (const k of ["server_auth", "mutual", "psk", "psk_ecdhe"]) {
      const runs = await handshakes(cfg[k]);
      hs[k] = { runs, median: median(runs) };
    }
    const valgrind: Record<string, unknown> = {};
    for (const k of ["server_auth", "mutual", "psk"]) valgrind[k] = await memcheck(cfg[k]);
    valgrind.expired = await memcheck([`mqtt.server=localhost:${port.expired}`, `mqtt.ssl_ca_cert=${pki.pem("ca")}`]);
    const report = { when: new Date().toISOString(), mbedtls: "Debian libmbedtls 2.28 (host x86-64)", sizes, peak_heap_bytes: heap,
      handshake_ms: hs, valgrind_memcheck: valgrind };
    fs.mkdirSync(path.join(ROOT, "build", "reports"), { recursive: true });
    fs.writeFileSync(path.join(ROOT, "build", "reports", "tls-measure.json"), JSON.stringify(report, null, 2) + "\n");
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await broker.close();
    fs.rmSync(pki.dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
