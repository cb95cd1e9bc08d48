// The ESP-IDF model tier: components/mgos_mqtt/port/port_esp32.c, unchanged,
// built on the host against test/esp-model/idf (our small implementation of
// the ESP-IDF and FreeRTOS APIs it calls, see idf/model.c) with the generated
// client, tls_mbedtls.c and Debian's mbedTLS, and run as firmware would run it
// (app/scenarios.c) against a real mosquitto on 127.0.0.1 / ::1 with TLS
// listeners (certificates made by openssl at test time, EC P-256 keys).
//
// Three builds: `plain` (-Og, ESP-IDF's default optimisation, with task
// stacks of IDF's sizes on guard pages, the canary checked and the high-water
// mark measured), `tsan` (ThreadSanitizer) and `asan` (ASan + UBSan). Every
// scenario runs on each. A check fails on a FAIL line, a sanitizer report, a
// stack overflow, a broken FreeRTOS rule, or a crash.
//
// Scenarios and the review findings of issue 18 they cover (each fails on the
// port before the fix; MGOS_ESP_MODEL_PORT=<file> builds another port file):
//   ip_before   2: the station had its IP before the client started
//   wifi           IP after start, Wi-Fi down (TCP aborted) and up again
//   event_task  1: mutual TLS + a 3 s DNS answer: the event loop keeps
//                  dispatching and its 2816-byte stack suffices
//   lock        3: three tasks call the API during DNS and a mutual TLS
//                  handshake slowed to ESP32 speed: no call waits > 1 s, and
//                  no DNS, parse or handshake call is made holding the lock
//   measure        lock hold times, stacks and heap: plain, TLS, mutual TLS;
//                  certificates parsed once across a reconnect
//   dead        5: a primary that never answers SYNs: timeout, failover to mqtt1
//   stall_tls   5: a TLS primary that accepts TCP and stays silent: the same
//                  deadline covers the handshake; failover to mqtt1
//   disconnect  6: the app's disconnect survives Wi-Fi down/up
//   cloud       7: cloud events kept while the event loop is stuck and full
//   dual        7: lwIP's one-address getaddrinfo: IPv6 tried after IPv4 fails
//   v6only      7: an AAAA-only broker on an IPv6-only network
// Finding 4 (every public function locked) is the static test below; finding
// 7's critical section is the model's rule check in every scenario.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, haveTool, missingTools } from "../integration/support/harness";
import { Env, Run, buildModel, runScenario, startEnv, stopEnv } from "./support/env";

const VARIANTS = ["plain", "tsan", "asan"] as const;
const SCENARIOS = ["ip_before", "wifi", "event_task", "lock", "dead", "stall_tls", "disconnect", "cloud", "dual", "v6only"];
const MEASURE_MODES = ["plain", "tls", "mtls"];

const skip = missingTools() ?? (haveTool("openssl") ? undefined : "missing Debian tool: openssl");

let env: Env;
const built: Record<string, string> = {};

before(async () => {
  if (skip) return;
  const portFile = process.env.MGOS_ESP_MODEL_PORT ? path.resolve(process.env.MGOS_ESP_MODEL_PORT) : "";
  const builds = VARIANTS.map(async (v) => { built[v] = await buildModel(v, portFile); });
  env = await startEnv();
  await Promise.all(builds);
}, { timeout: 900_000 });

after(async () => {
  await stopEnv(env);
});

/** Problems the run shows besides its own checks. */
function problems(r: Run): string[] {
  const p: string[] = [];
  const san = /(WARNING: ThreadSanitizer[\s\S]{0,3000}|ERROR: AddressSanitizer[\s\S]{0,3000}|\S+:\d+:\d+: runtime error:.*)/.exec(r.err);
  if (san) p.push(`sanitizer report:\n${san[0]}`);
  for (const m of r.err.matchAll(/^(MODEL (STACK OVERFLOW|VIOLATION).*)$/gm)) p.push(m[1]);
  if (!/^DONE /m.test(r.out)) p.push(`no DONE line (exit ${r.code})`);
  if (r.results.length === 0) p.push("no RESULT lines");
  return p;
}

function check(t: { diagnostic: (s: string) => void }, r: Run): void {
  for (const f of r.figures) t.diagnostic(f);
  const bad = r.results.filter((x) => !x.ok).map((x) => `${x.check}: ${x.detail}`);
  const all = [...bad, ...problems(r)];
  assert.deepEqual(all, [], `${all.join("\n")}\n--- stdout:\n${r.out.slice(-2000)}\n--- stderr:\n${r.err.slice(-3000)}`);
}

// The three builds run side by side (the scenarios mostly wait on the network;
// their time bounds are generous), each build's scenarios one after another.
test("ESP-IDF model", { skip, concurrency: true }, async (t) => {
  await Promise.all(VARIANTS.map((v) => t.test(`${v} build`, async (vt) => {
    for (const s of SCENARIOS) {
      await vt.test(s, async (st) => check(st, await runScenario(env, built[v], s)));
    }
    for (const m of MEASURE_MODES) {
      await vt.test(`measure ${m}`, async (st) => check(st, await runScenario(env, built[v], "measure", [`mode=${m}`])));
    }
  })));
});

// Finding 4: every function of the public headers takes the lock on the
// ESP32, through a WRAP line (CMakeLists.txt makes --wrap from them), except
// those that need none or lock inside. A function added to a public header
// fails here until it gets a WRAP line (or a reason below).
const NO_WRAP: Record<string, string> = {
  mg_mk_str: "pure: builds a struct from its argument",
  mg_mk_str_n: "pure: builds a struct from its arguments",
  mg_mqtt_match_topic_expression: "pure: compares two strings",
  mg_mqtt_vmatch_topic_expression: "pure: compares two strings",
  mg_mqtt_next_subscribe_topic: "pure: parses the message it is given",
  mgos_mqtt_pubf: "varargs: locks inside mgos_mqtt_pubf.c",
  mgos_mqtt_pubv: "locks inside mgos_mqtt_pubf.c",
  mgos_mqtt_conn_pubf: "varargs: locks inside mgos_mqtt_pubf.c",
  mgos_mqtt_conn_pubv: "locks inside mgos_mqtt_pubf.c",
  mgos_mqtt_esp32_start: "the port's own start (creates the lock)",
  mgos_mqtt_esp32_lock: "the lock itself",
  mgos_mqtt_esp32_unlock: "the lock itself",
};

/** Function names declared in a C header outside the host-only (#ifndef ESP_PLATFORM) block. */
export function declaredFunctions(text: string): string[] {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const lines = noComments.split("\n");
  const kept: string[] = [];
  let hostOnly = 0;
  for (const l of lines) {
    if (/^\s*#\s*ifndef\s+ESP_PLATFORM/.test(l)) hostOnly = 1;
    else if (hostOnly && /^\s*#\s*if/.test(l)) hostOnly++;
    else if (hostOnly && /^\s*#\s*endif/.test(l)) hostOnly--;
    else if (!hostOnly && !/^\s*#/.test(l)) kept.push(l);
  }
  const src = kept.join("\n");
  const names = new Set<string>();
  for (const m of src.matchAll(/(?<=^|[;{}])\s*(?:extern\s+)?[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(([^;{}()]|\([^()]*\))*\)\s*;/g)) {
    if (!/\btypedef\b/.test(m[0])) names.add(m[1]);
  }
  return [...names].sort();
}

export function wrapList(portSrc: string): string[] {
  const out: string[] = [];
  for (const l of portSrc.split("\n")) {
    const m = /^WRAP_VOID\(([A-Za-z0-9_]+),/.exec(l) ?? /^WRAP\([^,]+, *([A-Za-z0-9_]+),/.exec(l);
    if (m) out.push(m[1]);
  }
  return out;
}

test("every function of the public headers is locked on the ESP32 (a WRAP line in port_esp32.c)", () => {
  const portFile = process.env.MGOS_ESP_MODEL_PORT ?? path.join(ROOT, "components/mgos_mqtt/port/port_esp32.c");
  const wraps = new Set(wrapList(fs.readFileSync(portFile, "utf8")));
  const headers = [
    ...fs.readdirSync(path.join(ROOT, "components/mgos_mqtt/include")).filter((f) => f.endsWith(".h")).map((f) => path.join("components/mgos_mqtt/include", f)),
    "components/mgos_mqtt/port/mgos_mqtt_esp32.h",
  ];
  const missing: string[] = [];
  let n = 0;
  for (const h of headers) {
    for (const fn of declaredFunctions(fs.readFileSync(path.join(ROOT, h), "utf8"))) {
      n++;
      if (!wraps.has(fn) && !(fn in NO_WRAP)) missing.push(`${fn} (${h})`);
    }
  }
  assert.ok(n > 40, `only ${n} functions found in the public headers: the parser is broken`);
  assert.deepEqual(missing, [], `public functions without a WRAP line in port_esp32.c (add one, or a reason to NO_WRAP here):\n${missing.join("\n")}`);
  for (const w of wraps) assert.ok(!(w in NO_WRAP), `${w} is both wrapped and listed as not needing it`);
});

test("the header parser finds declarations and skips typedefs and host-only functions", () => {
  const h = "/* c */ void a(int x);\ntypedef void (*cb_t)(int);\nstruct s *b(void (*f)(int), int y);\n#ifndef ESP_PLATFORM\nvoid host_only(void);\n#endif\nuint16_t c(const char *t, ...);\n";
  assert.deepEqual(declaredFunctions(h), ["a", "b", "c"]);
});
