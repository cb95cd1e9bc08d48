// Flash: what a firmware links of the client, on Cortex-M3 and Xtensa lx106
// (-Os, --gc-sections, libgcc linked; test/build/support/flashlink.ts).
//   - No soft-float and no 64-bit division helper is kept, for the typical
//     firmware (bench/c/size_roots.c) and the protocol core, at the default
//     log level and with every level on. On failure the message lists each
//     helper, which libgcc member brought it and which of our objects asked.
//   - CONFIG_MGOS_MQTT_LOG_LEVEL (Kconfig choice, -D on other builds): at
//     none no log message text is in the linked firmware, at error (the
//     default) only the error messages, at debug all of them (which shows
//     the check can see them).
//   - secToMs (reconnect timeouts, integer arithmetic on the double's bits)
//     rounds as Math.round(s * 1000) does.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { LINK_TARGETS, LinkTarget, Linked, FORBIDDEN_HELPER, compileObjects, linkRoot, haveCc, tmpDir } from "./support/flashlink";
import { secToMs } from "../../ts-src/mgos/conn";

const ROOT = path.resolve(__dirname, "../../..");

/** Log messages of ts-src by level: the literal message of each call of a @log function. */
function logMessages(): { level: number; msg: string; where: string }[] {
  const out: { level: number; msg: string; where: string }[] = [];
  const names: Record<string, number> = { ERROR: 0, WARN: 1, INFO: 2, DEBUG: 3 };
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { if (e.name !== "node" && e.name !== "app") walk(p); continue; }
      if (!e.name.endsWith(".ts")) continue;
      const text = fs.readFileSync(p, "utf8");
      const re = /(?:logMsg|this\.log|this\.logNum|this\.logTooBig)\(\s*(?:LogLevel\.(ERROR|WARN|INFO|DEBUG)|([0-3]))\s*,\s*"([^"\\]{10,})"/g;
      for (const m of text.matchAll(re)) {
        out.push({ level: m[1] ? names[m[1]] : Number(m[2]), msg: m[3], where: `${path.relative(ROOT, p)}:${text.slice(0, m.index).split("\n").length}` });
      }
    }
  };
  walk(path.join(ROOT, "ts-src"));
  return out;
}

function nmDefined(t: LinkTarget, elf: string): string[] {
  const r = spawnSync(t.cc.replace(/gcc$/, "nm"), [elf], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3 && !/^[Uuw]$/.test(f[1])).map((f) => f[2]);
}

/** Soft-float / 64-bit division helpers in the linked ELF, each with why it came. */
function helpers(t: LinkTarget, l: Linked, elfPath: string): string[] {
  return nmDefined(t, elfPath).filter((s) => FORBIDDEN_HELPER.test(s)).map((s) => {
    const why = l.pulled.filter((p) => p.symbol === s || l.pulled.some((q) => q.member === p.member && q.symbol === s));
    return `${s} (${why.map((p) => `libgcc ${p.member} for ${p.symbol}, referenced by ${p.by}`).join("; ") || "see the map"})`;
  });
}

interface Build { t: LinkTarget; level: number; typical: Linked; core: Linked; elf: { typical: string; core: string }; objs: string[] }
const builds = new Map<string, Build>();
function build(t: LinkTarget, level: number): Build {
  const key = `${t.name}:${level}`;
  const have = builds.get(key);
  if (have) return have;
  const dir = tmpDir(`${t.name}-l${level}`);
  process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const defs = [`-DCONFIG_MGOS_MQTT_LOG_LEVEL=${level}`];
  const objs = compileObjects(t, defs, dir);
  const b: Build = {
    t, level,
    typical: linkRoot(t, objs, "size_root_typical", defs, dir),
    core: linkRoot(t, objs, "size_root_core", defs, dir),
    elf: { typical: path.join(dir, "size_root_typical.elf"), core: path.join(dir, "size_root_core.elf") },
    objs,
  };
  builds.set(key, b);
  return b;
}

const arm = LINK_TARGETS.find((t) => t.name === "cortex-m3")!;

for (const t of LINK_TARGETS) {
  const skip = haveCc(t) ? false : `${t.cc} is not installed (scripts/setup.sh installs it)`;
  for (const level of t === arm ? [1, 4] : [1]) {
    test(`flash: ${t.name}, log level ${level}: no soft-float or 64-bit division helper is linked`, { skip, timeout: 900_000 }, (ctx) => {
      const b = build(t, level);
      for (const k of ["typical", "core"] as const) {
        const found = helpers(t, b[k], b.elf[k]);
        assert.deepEqual(found, [], `${t.name} ${k} firmware links runtime helpers it must not need:\n  ${found.join("\n  ")}`);
      }
      const members = [...b.typical.perObject.keys()].filter((k) => k.startsWith("libgcc("));
      ctx.diagnostic(`${t.name} level ${level}: typical ${b.typical.total} B (libgcc ${b.typical.libgcc} B: ${members.join(", ") || "none"}), core ${b.core.total} B`);
    });
  }
}

test("flash: log level none / error / debug leaves out exactly the messages below it (Cortex-M3)", { skip: haveCc(arm) ? false : "no arm-none-eabi-gcc", timeout: 900_000 }, (ctx) => {
  const msgs = logMessages();
  assert.ok(msgs.filter((m) => m.level === 0).length >= 10 && msgs.filter((m) => m.level > 0).length >= 10, "the message scan found too few log calls");
  const present = (b: Build): Set<string> => {
    const bin = fs.readFileSync(b.elf.typical);
    return new Set(msgs.filter((m) => bin.includes(Buffer.from(m.msg + "\0"))).map((m) => m.msg));
  };
  const none = present(build(arm, 0));
  assert.deepEqual([...none], [], "log text linked at level none");
  // Nor the code that formats the session's log lines, nor its buffer.
  const noneSyms = nmDefined(arm, build(arm, 0).elf.typical).filter((s) => /^conn_(onSessionLog|logNumber|logText)$/.test(s));
  assert.deepEqual(noneSyms, [], "log formatting linked at level none");
  assert.ok(nmDefined(arm, build(arm, 1).elf.typical).includes("conn_onSessionLog"), "control: at level error it is linked");
  // A firmware that never loads a config (the typical one) links none of the loader's state.
  assert.ok(!nmDefined(arm, build(arm, 1).elf.typical).includes("config_st"), "the config loader's state is linked");
  const err = present(build(arm, 1));
  const above = msgs.filter((m) => m.level > 0 && err.has(m.msg));
  assert.deepEqual(above.map((m) => `${m.where}: ${m.msg}`), [], "warn/info/debug text linked at level error");
  assert.ok(msgs.some((m) => m.level === 0 && err.has(m.msg)), "no error message linked at level error");
  const all = present(build(arm, 4));
  assert.ok(msgs.some((m) => m.level === 1 && all.has(m.msg)) && msgs.some((m) => m.level === 3 && all.has(m.msg)),
    "at level debug the warnings and debug lines should be linked (else this check sees nothing)");
  const sz = (b: Build): string => `typical ${b.typical.total} B, core ${b.core.total} B`;
  ctx.diagnostic(`cortex-m3: none ${sz(build(arm, 0))}; error ${sz(build(arm, 1))}; debug ${sz(build(arm, 4))}`);
});

test("flash: a firmware that sets no connect_fn links none of the code that runs one (Cortex-M3)", { skip: haveCc(arm) ? false : "no arm-none-eabi-gcc", timeout: 900_000 }, () => {
  const b = build(arm, 1);
  const step = /^(mgos_mqtt_conn_runConnectFn|conn_connectFnStep|mgos_mqtt_conn_fillHandshakeOpts)$/;
  const conn = b.objs.find((o) => path.basename(o) === "gen_conn.o");
  assert.ok(conn, `no gen_conn.o among ${b.objs.join(" ")}`);
  // Control: the object has it (else this check sees nothing).
  assert.ok(nmDefined(arm, conn!).some((s) => step.test(s)), "gen_conn.o defines no connect_fn step");
  assert.deepEqual(nmDefined(arm, b.elf.typical).filter((s) => step.test(s)), [], "the typical firmware links the connect_fn step");
});

test("flash: secToMs rounds seconds to ms as Math.round(s * 1000), from 1 to 2^32-1, without float arithmetic", () => {
  const ref = (s: number): number => (!(s * 1000 >= 0.5) ? 1 : Math.min(4294967295, Math.max(1, Math.round(s * 1000))));
  for (const s of [2, 60, 0.1, 0.3, 1.5, 0.0015, 0.0004, 0, -3, 86400, 4294967, 4294967.2954, 4294967.2956, 1e300, Infinity, 1e-300, 4194304.5]) {
    assert.equal(secToMs(s), ref(s), `secToMs(${s})`);
  }
  let seed = 12345;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 20000; i++) {
    const s = rnd() * Math.pow(2, rnd() * 32 - 10);
    assert.equal(secToMs(s), ref(s), `secToMs(${s})`);
  }
});
