// CONFIG_MGOS_MQTT_V5_SUPPORT=n (Kconfig "MQTT 5.0 beside MQTT 3.1.1", the
// default, also when the macro is not defined): the generated C built with
// MQTT 5 out, by default, and, as a control, in. Out: a config with
// protocol_version 5 fails each connect with an error naming the switch and
// opens no socket; the connection's MQTT 5 state is zero bytes; a firmware
// linked with --gc-sections keeps none of MQTT 5's code or tables, and its
// static RAM is the 3.1.1 client's plus the MQTT 5 config keys.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { WARNINGS, INCLUDES, genSources, portableSources, haveTool, run } from "../c/support/ctier";

const OFF = ["-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=0"];
const ON = ["-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1"];

/** Builds test/mqtt5/support/v5_off.c against the generated C; its `key value` lines. */
async function runProgram(dir: string, defs: string[], name: string): Promise<Map<string, string>> {
  const exe = path.join(dir, name);
  const srcs = ["test/mqtt5/support/v5_off.c", "test/c/support/host_port.c", ...genSources(), ...portableSources().filter((f) => !/tls/.test(f))];
  const b = await run("gcc", [...WARNINGS, "-O2", ...defs, ...INCLUDES, ...srcs, "-o", exe], 300_000);
  assert.equal(b.code, 0, `gcc failed:\n${b.stderr}`);
  const r = await run(exe, [], 60_000);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  return new Map(r.stdout.trim().split("\n").map((l) => { const i = l.indexOf(" "); return [l.slice(0, i), l.slice(i + 1)] as [string, string]; }));
}

test("MQTT 5 compiled out: protocol_version 5 fails the connect with an error, its state is zero bytes", { timeout: 600_000 }, async (t) => {
  if (!haveTool("gcc")) { t.skip("gcc is not installed"); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "v5-off-"));
  try {
    const off = await runProgram(dir, OFF, "v5_off");
    assert.equal(off.get("v5_support"), "0");
    assert.equal(off.get("connects"), "0", "no socket opened");
    assert.equal(off.get("errors"), "2", "each attempt (the first, then after the backoff) fails with the error");
    assert.match(off.get("error") ?? "", /compiled out: CONFIG_MGOS_MQTT_V5_SUPPORT, for protocol_version 5/);
    assert.equal(off.get("v5state_bytes"), "0", "Session.v5s");
    assert.equal(off.get("props5_bytes"), "0", "mgos_mqtt_conn.props5s");
    assert.equal(off.get("info5_bytes"), "0", "mgos_mqtt_conn.info5s");
    assert.equal(off.get("user_prop_ok"), "0");
    assert.equal(off.get("pub_user_ok"), "0");
    assert.equal(off.get("info_null"), "1");
    assert.equal(off.get("api_errors"), "3", "each MQTT 5 call logs that MQTT 5 is compiled out");
    // The default (no macro, as ESP-IDF leaves a bool set to n undefined): out.
    const dflt = await runProgram(dir, [], "v5_default");
    assert.equal(dflt.get("v5_support"), "0", "MQTT 5 is off unless CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE says otherwise");
    assert.equal(dflt.get("connects"), "0");
    assert.equal(dflt.get("v5state_bytes"), "0");
    const on = await runProgram(dir, ON, "v5_on");
    assert.equal(on.get("v5_support"), "1");
    assert.equal(on.get("connects"), "1", "with MQTT 5 in, the same config connects (and waits for the socket)");
    assert.equal(on.get("errors"), "0");
    assert.ok(Number(on.get("v5state_bytes")) > 512);
    assert.equal(on.get("user_prop_ok"), "1");
    assert.equal(on.get("pub_user_ok"), "1");
    assert.equal(on.get("info_null"), "0");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("MQTT 5 compiled out: a firmware linked with --gc-sections keeps none of its code, tables or buffers", { timeout: 600_000 }, async (t) => {
  const cc = "arm-none-eabi-gcc";
  if (!haveTool(cc)) { t.skip(`${cc} is not installed`); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "v5-off-link-"));
  const flags = ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections"];
  const gen = ["-Icomponents/mgos_mqtt/gen", "-Icomponents/mgos_mqtt/include", "-Icomponents/mgos_mqtt/port"];
  try {
    const symbols = async (defs: string[], name: string): Promise<string> => {
      const elf = path.join(dir, `${name}.elf`);
      const srcs = ["bench/c/size_roots.c", ...genSources()];
      const r = await run(cc, ["-std=c99", ...flags, ...defs, ...gen, "-nostdlib", "-Wl,--gc-sections",
        "-Wl,--unresolved-symbols=ignore-all", "-Wl,--undefined=size_root_typical", "-Wl,-e,size_root_typical", ...srcs, "-o", elf], 300_000);
      assert.equal(r.code, 0, r.stderr);
      const nm = await run("arm-none-eabi-nm", ["-S", "-t", "d", elf], 60_000);
      assert.equal(nm.code, 0, nm.stderr);
      return nm.stdout;
    };
    const v5 = /^\S+ \S+ \S (V5State_\w+|codec5_\w+|packet5_\w+|session5_\w+|mqtt5_\w+|Props5_\w+|Packet5_\w+|PropIter_\w+|Session_isV5|Session_maxPacket5|mgos_mqtt_v5_info_init|mgos_mqtt_props_init)$/m;
    const on = await symbols(ON, "typical_on");
    assert.match(on, v5, "control: with MQTT 5 in, its code is linked");
    const off = await symbols([], "typical_default");
    const left = off.split("\n").filter((l) => v5.test(l));
    assert.deepEqual(left, [], "MQTT 5 symbols left in the link with the switch off");
    // Static RAM per connection: the 3.1.1 state plus the MQTT 5 config keys
    // (protocol_version, session_expiry, max_packet_size and the will_*
    // properties, in cfg, cfg1 and, the first three, the
    // session's copy) and a few scalars: the V5 state itself is gone.
    const size = (nm: string, sym: string): number => Number(new RegExp(`^\\d+ (\\d+) \\S ${sym}$`, "m").exec(nm)?.[1] ?? NaN);
    const grew = size(on, "conn_table") - size(off, "conn_table");
    assert.ok(grew > 1024, `control: MQTT 5 in adds its state to conn_table (${grew} B)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
