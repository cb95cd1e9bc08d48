// CONFIG_MGOS_MQTT_WS_SUPPORT=n and CONFIG_MGOS_MQTT_PERSIST_SUPPORT=n (Kconfig
// "MQTT over WebSocket", "Persistent outbox"): the generated C built with the
// switches off and, as a control, on. Off: ws_enable fails each connect with
// an error and opens no socket; the link in each connection is a few scalars
// (its buffers are a byte); outbox_persist logs an error; a firmware linked
// with --gc-sections keeps none of the link's or the outbox store's code.
// On: the same program connects, and the link and its code are there.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, WARNINGS, INCLUDES, genSources, portableSources, haveTool, run } from "../c/support/ctier";

const OFF = ["-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=0", "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=0"];
const ON = ["-DCONFIG_MGOS_MQTT_WS_SUPPORT=1", "-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1",
  "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT=1", "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1"];

/** Builds test/ws/support/ws_off.c against the generated C; its `key value` lines. */
async function runProgram(dir: string, defs: string[], name: string): Promise<Map<string, string>> {
  const exe = path.join(dir, name);
  const srcs = ["test/ws/support/ws_off.c", "test/c/support/host_port.c", ...genSources(), ...portableSources().filter((f) => !/tls/.test(f))];
  const b = await run("gcc", [...WARNINGS, ...defs, ...INCLUDES, ...srcs, "-o", exe], 300_000);
  assert.equal(b.code, 0, `gcc failed:\n${b.stderr}`);
  const r = await run(exe, [], 60_000);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return new Map(r.stdout.trim().split("\n").map((l) => { const i = l.indexOf(" "); return [l.slice(0, i), l.slice(i + 1)] as [string, string]; }));
}

test("WebSocket and persistence compiled out (the default): the loader refuses the keys, a C config fails the connect, the link costs a few bytes", { timeout: 600_000 }, async (t) => {
  if (!haveTool("gcc")) { t.skip("gcc is not installed"); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ws-off-"));
  try {
    for (const [defs, name] of [[OFF, "ws_off"], [[], "ws_default"]] as [string[], string][]) {
      const off = await runProgram(dir, defs, name);
      assert.equal(off.get("ws_support"), "0", name);
      assert.equal(off.get("ws_set"), "8", `${name}: ws_enable refused at load (config_err.INVALID)`);
      assert.equal(off.get("ws_set_error"), "mqtt.ws_enable: true, but WebSocket support is compiled out (CONFIG_MGOS_MQTT_WS_SUPPORT)");
      assert.equal(off.get("persist_set"), "8");
      assert.equal(off.get("persist_set_error"), "mqtt.outbox_persist: set, but the persistent outbox is compiled out (CONFIG_MGOS_MQTT_PERSIST_SUPPORT)");
      assert.equal(off.get("ws_enable_after"), "0", "the refused value is not applied");
      assert.equal(off.get("connects"), "0", "no socket opened");
      assert.equal(off.get("errors"), "2", "each attempt (the first, then after the backoff) fails with the error");
      assert.match(off.get("error") ?? "", /compiled out: CONFIG_MGOS_MQTT_WS_SUPPORT, for ws_enable/);
      assert.equal(off.get("persist_support"), "0");
      assert.equal(off.get("persist_off_errors"), "1", "outbox_persist: the compiled-out error, once");
      assert.ok(Number(off.get("wslink_bytes")) < 256, `WsLink is ${off.get("wslink_bytes")} B with WebSocket off`);
      assert.equal(off.get("conn_ws_bytes"), "0", "a connection holds no WebSocket link");
      // A topic handler keeps no copy of its filter: the session's subscription has it (same tag).
      assert.ok(Number(off.get("handler_bytes")) < 64, `a topic handler is ${off.get("handler_bytes")} B`);
    }
    const on = await runProgram(dir, ON, "ws_on");
    assert.equal(on.get("ws_support"), "1");
    assert.equal(on.get("ws_set"), "0");
    assert.equal(on.get("persist_set"), "0");
    assert.equal(on.get("ws_enable_after"), "1");
    assert.equal(on.get("connects"), "1", "with WebSocket on, the same config connects (and waits for the socket)");
    assert.equal(on.get("errors"), "0");
    assert.equal(on.get("persist_off_errors"), "0");
    assert.ok(Number(on.get("wslink_bytes")) > 1024);
    assert.equal(on.get("conn_ws_bytes"), on.get("wslink_bytes"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("WebSocket compiled out: a firmware linked with --gc-sections keeps none of the link's code", { timeout: 600_000 }, async (t) => {
  const cc = "arm-none-eabi-gcc";
  if (!haveTool(cc)) { t.skip(`${cc} is not installed`); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ws-off-link-"));
  const flags = ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections"];
  const gen = ["-Icomponents/mgos_mqtt/gen", "-Icomponents/mgos_mqtt/include", "-Icomponents/mgos_mqtt/port"];
  try {
    const symbols = async (defs: string[]): Promise<string> => {
      const elf = path.join(dir, `typical${defs === ON ? "_on" : defs.length ? "_off" : "_default"}.elf`);
      const srcs = ["bench/c/size_roots.c", ...genSources()];
      const r = await run(cc, ["-std=c99", ...flags, ...defs, ...gen, "-nostdlib", "-Wl,--gc-sections",
        "-Wl,--unresolved-symbols=ignore-all", "-Wl,--undefined=size_root_typical", "-Wl,-e,size_root_typical", ...srcs, "-o", elf], 300_000);
      assert.equal(r.code, 0, r.stderr);
      const nm = await run("arm-none-eabi-nm", [elf], 60_000);
      assert.equal(nm.code, 0, nm.stderr);
      return nm.stdout;
    };
    const on = await symbols(ON);
    // (`_v`: the definition of a function taking views, behind its inline wrapper; codegen splitWrapper())
    assert.match(on, / WsLink_onRecv(_v)?$/m, "control: with WebSocket on, the link is linked");
    assert.match(on, / Session_restore(_v)?$/m, "control: with the persistent outbox on, its restore path is linked");
    for (const off of [await symbols(OFF), await symbols([])]) {
      assert.doesNotMatch(off, / (WsLink_onRecv|WsLink_begin|Sha1_\w+|ws_base64|Session_restore|persist_onStore)(_v)?$/m);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
