// `idf.py build` first evaluates every component's CMakeLists.txt in CMake
// script mode (ESP-IDF's early expansion, to collect REQUIRES) and stops at
// the first one that fails there. test/build/idf/early_expansion.cmake is our
// own stand-in for that pass (no ESP-IDF here); this runs every ESP-IDF
// CMakeLists.txt we ship through it: the component, main/, and the component
// that `npm run app -- <app> --idf-out DIR` writes.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, run, haveTool } from "../c/support/ctier";
import { buildApp } from "../../codegen/src/app/build";

const SCRIPT = path.join(ROOT, "test", "build", "idf", "early_expansion.cmake");
const skip = haveTool("cmake") ? false : "cmake is not installed";

type Result = Record<string, string[]> & { REGISTERED: string[] };

/** Runs the early pass over one component folder, from a scratch folder as the cwd. */
async function expand(dir: string): Promise<{ ok: boolean; err: string; res: Result }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idf-early-"));
  try {
    const out = path.join(tmp, "result.txt");
    const r = await run("sh", ["-c", `cd '${tmp}' && exec cmake -D ESP_PLATFORM=1 -D 'COMPONENT_DIR=${dir}' -D 'RESULT_FILE=${out}' -P '${SCRIPT}'`], 60_000);
    const res = {} as Result;
    if (fs.existsSync(out)) {
      for (const line of fs.readFileSync(out, "utf8").split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) res[line.slice(0, eq)] = line.slice(eq + 1).split(";").filter((s) => s !== "");
      }
    }
    return { ok: r.code === 0 && fs.existsSync(out), err: (r.stderr + r.stdout).trim(), res };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The early pass succeeded, registered the component, and every source and include folder it names exists. */
function assertRegistered(dir: string, e: { ok: boolean; err: string; res: Result }): void {
  assert.ok(e.ok, `ESP-IDF's early expansion of ${path.relative(ROOT, dir)}/CMakeLists.txt fails:\n${e.err}`);
  assert.deepEqual(e.res.REGISTERED, ["1"], "idf_component_register was not reached");
  assert.ok((e.res.SRCS ?? []).length > 0, "no SRCS");
  for (const f of [...(e.res.SRCS ?? []), ...(e.res.INCLUDE_DIRS ?? [])]) {
    assert.ok(fs.existsSync(path.resolve(dir, f)), `${f} (named by ${path.relative(ROOT, dir)}/CMakeLists.txt) does not exist`);
  }
}

test("the stand-in behaves as IDF's pass: script mode, and nothing after idf_component_register runs", { skip }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "idf-fixture-"));
  try {
    fs.writeFileSync(path.join(dir, "a.c"), "");
    fs.writeFileSync(path.join(dir, "CMakeLists.txt"),
      "if(NOT ESP_PLATFORM OR NOT CMAKE_BUILD_EARLY_EXPANSION OR NOT CMAKE_SCRIPT_MODE_FILE)\n  message(FATAL_ERROR \"not the early pass\")\nendif()\n" +
      "idf_component_register(SRCS a.c INCLUDE_DIRS . REQUIRES \"x y\" PRIV_REQUIRES z)\nmessage(FATAL_ERROR \"ran after idf_component_register\")\n");
    const e = await expand(dir);
    assertRegistered(dir, e);
    assert.deepEqual(e.res.REQUIRES, ["x", "y"]);
    assert.deepEqual(e.res.PRIV_REQUIRES, ["z"]);
    // A project-mode option is refused, as by IDF's pass.
    fs.writeFileSync(path.join(dir, "CMakeLists.txt"), "file(GLOB s CONFIGURE_DEPENDS *.c)\nidf_component_register(SRCS ${s})\n");
    const bad = await expand(dir);
    assert.equal(bad.ok, false);
    assert.match(bad.err, /CONFIGURE_DEPENDS is invalid for script/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("components/mgos_mqtt/CMakeLists.txt passes ESP-IDF's early expansion", { skip }, async () => {
  const dir = path.join(ROOT, "components", "mgos_mqtt");
  const e = await expand(dir);
  assertRegistered(dir, e);
  assert.ok(e.res.SRCS.some((s) => /gen\/session\.c$/.test(s)), "the generated C is in SRCS");
  assert.ok(e.res.SRCS.some((s) => /port\/port_esp32\.c$/.test(s)), "the ESP-IDF port is in SRCS");
  assert.ok(!e.res.SRCS.some((s) => /posix/.test(s)), "no host-only port in SRCS");
  assert.deepEqual(e.res.REQUIRES, ["esp_event", "esp_netif"]);
  assert.ok(e.res.PRIV_REQUIRES.includes("mbedtls"));
});

test("main/CMakeLists.txt passes ESP-IDF's early expansion", { skip }, async () => {
  const dir = path.join(ROOT, "main");
  const e = await expand(dir);
  assertRegistered(dir, e);
  assert.ok(e.res.PRIV_REQUIRES.includes("mgos_mqtt"));
});

test("the app component of `npm run app -- cmdresp --idf-out` passes ESP-IDF's early expansion", { skip, timeout: 180_000 }, async () => {
  const out = path.join(ROOT, "build", "apps", "idf-early-cmdresp");
  fs.rmSync(out, { recursive: true, force: true });
  const r = await buildApp({ app: "cmdresp", root: ROOT, idfOut: path.relative(ROOT, out) });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.errors, []);
  const e = await expand(out);
  assertRegistered(out, e);
  assert.deepEqual(e.res.REQUIRES, ["mgos_mqtt"]);
});
