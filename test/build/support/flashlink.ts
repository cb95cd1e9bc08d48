// Linked flash size with libgcc, for the flash test (test/build/flash.test.ts)
// and `npm run bench -- --sizes`: the component as a firmware links it.
//
// The generated C and the portable ports are compiled for the target (-Os,
// one section per function) and linked with --gc-sections from one root of
// bench/c/size_roots.c: `size_root_typical` (a telemetry firmware through
// mgos_mqtt.h, plus the port's entry points) or `size_root_core` (the
// protocol core alone: codec, packet, topic, session). libgcc is linked as a
// firmware links it (-lgcc); the C library and the port_* functions are left
// unresolved (they are not ours). The map says what was kept, and which
// libgcc members were pulled in, for which symbol, by which object.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const ROOT = path.resolve(__dirname, "../../../..");
const COMP = path.join(ROOT, "components/mgos_mqtt");
const GEN = path.join(COMP, "gen");
const PORT = path.join(COMP, "port");
const ROOTS = path.join(ROOT, "bench/c/size_roots.c");
const NEWLIB_INC = "/usr/include/newlib";

export interface LinkTarget { name: string; cc: string; flags: string[]; gen: string[]; hosted: string[] | null }
export const LINK_TARGETS: LinkTarget[] = [
  { name: "cortex-m3", cc: "arm-none-eabi-gcc", flags: ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections"], gen: [], hosted: [] },
  // Debian's lx106 toolchain has no C library headers: the generated C needs
  // none (freestanding); the portable ports use newlib's generic ones.
  { name: "xtensa-lx106", cc: "xtensa-lx106-elf-gcc", flags: ["-Os", "-mlongcalls", "-ffunction-sections", "-fdata-sections"], gen: ["-ffreestanding"],
    hosted: fs.existsSync(path.join(NEWLIB_INC, "stdio.h")) ? ["-isystem", NEWLIB_INC] : null },
];

/** Log levels by name (CONFIG_MGOS_MQTT_LOG_LEVEL). */
export const LOG_LEVELS: Record<string, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** A libgcc member the link pulled in, for `symbol`, referenced from `by`. */
export interface Pulled { member: string; symbol: string; by: string }
export interface Linked {
  /** Kept loaded bytes (text + rodata + data) per object, libgcc members as "libgcc(<member>)". */
  perObject: Map<string, number>;
  ours: number;
  libgcc: number;
  total: number;
  pulled: Pulled[];
  /** Defined symbols in the kept output (nm), for the string and helper checks. */
  elf: string;
  map: string;
}

const INC = [GEN, path.join(COMP, "include"), PORT, path.join(ROOT, "bench/c")].map((d) => `-I${d}`);

function run(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status ?? 1, out: (r.stdout ?? "") + (r.stderr ?? "") };
}

export function haveCc(t: LinkTarget): boolean {
  return spawnSync("sh", ["-c", `command -v '${t.cc}'`], { stdio: "ignore" }).status === 0;
}

/** Compiles our sources for `t` with `defines` into `dir` (cached by the caller per dir). */
export function compileObjects(t: LinkTarget, defines: string[], dir: string): string[] {
  const srcs = fs.readdirSync(GEN).filter((f) => f.endsWith(".c")).map((f) => path.join(GEN, f));
  const ports = t.hosted === null ? [] : fs.readdirSync(PORT).filter((f) => f.endsWith(".c") && !/(posix|esp32|tls)/.test(f)).map((f) => path.join(PORT, f));
  const objs: string[] = [];
  for (const src of [...srcs, ...ports]) {
    const gen = path.dirname(src) === GEN;
    const obj = path.join(dir, `${gen ? "gen" : "port"}_${path.basename(src, ".c")}.o`);
    const r = run(t.cc, ["-std=c99", ...t.flags, ...(gen ? t.gen : t.hosted ?? []), ...defines, ...INC, "-c", src, "-o", obj]);
    if (r.code !== 0) throw new Error(`${t.cc} ${path.relative(ROOT, src)}: ${r.out.slice(0, 2000)}`);
    objs.push(obj);
  }
  return objs;
}

/** The protocol core: what `size_root_core` may link (its module constructors
 *  aside, the other objects would add only their always-kept init sections). */
export const CORE_OBJECTS = /^gen_(codec|packet|topic|session|delivery|rt)\.o$/;

/** Links `objs` from root `sym` ("size_root_typical" | "size_root_core") with libgcc. */
export function linkRoot(t: LinkTarget, objs: string[], sym: string, defines: string[], dir: string): Linked {
  const rootObj = path.join(dir, `roots.o`);
  let r = run(t.cc, ["-std=c99", ...t.flags, ...(t.hosted ?? t.gen), ...defines, ...INC, "-c", ROOTS, "-o", rootObj]);
  if (r.code !== 0) throw new Error(`${t.cc} size_roots.c: ${r.out.slice(0, 2000)}`);
  const elf = path.join(dir, `${sym}.elf`), map = path.join(dir, `${sym}.map`);
  const use = sym === "size_root_core" ? objs.filter((o) => CORE_OBJECTS.test(path.basename(o))) : objs;
  r = run(t.cc, [...t.flags, "-nostdlib", "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all", `-Wl,--undefined=${sym}`, `-Wl,-e,${sym}`,
    `-Wl,-Map=${map}`, rootObj, ...use, "-lgcc", "-o", elf]);
  if (r.code !== 0) throw new Error(`linking ${sym} for ${t.name}: ${r.out.slice(0, 2000)}`);
  const text = fs.readFileSync(map, "utf8");
  const perObject = mapSizes(text, rootObj);
  let ours = 0, libgcc = 0;
  for (const [o, n] of perObject) if (o.startsWith("libgcc(")) libgcc += n; else ours += n;
  return { perObject, ours, libgcc, total: ours + libgcc, pulled: pulledMembers(text), elf, map: text };
}

/** Input sections of a GNU ld map (after "Linker script and memory map"),
 *  each with the bytes it really takes. A merged string section
 *  (.rodata.*.str1.*, "size before relaxing" under it) whose strings all went
 *  into others' is listed at the address of the next one with a size ld copies
 *  from an earlier entry: each entry counts up to the next entry's address
 *  only, so no merged string is counted twice. Also used by bench/run.ts. */
export function mapInputSections(map: string): { sec: string; obj: string; size: number }[] {
  const start = map.indexOf("Linker script and memory map");
  const rows: { sec: string; addr: number; size: number; obj: string }[] = [];
  let pending: string | null = null; // a long section name stands on its own line
  for (const line of map.slice(start).split("\n")) {
    // An output section starts: the previous input section's extent ends with its own size.
    if (/^\.\S+\s+0x[0-9a-f]+\s+0x[0-9a-f]+/.test(line)) rows.push({ sec: "", addr: -1, size: 0, obj: "" });
    const name = /^ (\.\S+|COMMON)\s*$/.exec(line);
    if (name) { pending = name[1]; continue; }
    const fill = /^ \*fill\*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)/.exec(line);
    if (fill) rows.push({ sec: "", addr: parseInt(fill[1], 16), size: 0, obj: "" });
    const m = /^ (\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o\)?)$/.exec(line);
    const sec = m ? m[1] ?? pending : null;
    pending = null;
    if (!m || !sec) continue;
    rows.push({ sec, addr: parseInt(m[2], 16), size: parseInt(m[3], 16), obj: m[4] });
  }
  const out: { sec: string; obj: string; size: number }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!r.sec) continue;
    const next = rows[i + 1];
    // Unplaced (address 0) or last: its own size.
    const size = r.addr > 0 && next && next.addr >= r.addr ? Math.min(r.size, next.addr - r.addr) : r.size;
    if (size > 0) out.push({ sec: r.sec, obj: r.obj, size });
  }
  return out;
}

/** Kept loaded bytes per input object of a GNU ld map; the root object is not counted. */
function mapSizes(map: string, rootObj: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of mapInputSections(map)) {
    // Flash: code, constants and initialized data (not .bss, .comment, .xt.prop, debug info).
    if (r.obj === rootObj || !/^\.(text|rodata|literal|init_array|fini_array|ctors|dtors|ARM\.exidx|ARM\.extab|s?data)/.test(r.sec)) continue;
    const lib = /libgcc\.a\((.+)\)$/.exec(r.obj);
    const key = lib ? `libgcc(${lib[1]})` : path.basename(r.obj);
    out.set(key, (out.get(key) ?? 0) + r.size);
  }
  return out;
}

/** "Archive member included to satisfy reference by file (symbol)": member, then who and why. */
function pulledMembers(map: string): Pulled[] {
  const start = map.indexOf("Archive member included");
  if (start < 0) return [];
  const end = map.indexOf("\n\n", map.indexOf("\n", start) + 1);
  const lines = map.slice(start, end < 0 ? undefined : end).split("\n").slice(1);
  const out: Pulled[] = [];
  for (let i = 0; i < lines.length; i++) {
    const mem = /libgcc\.a\(([^)]+)\)/.exec(lines[i]);
    if (!mem) continue;
    // The reference is on the same line when the member name is short, else on the next.
    const rest = lines[i].slice(lines[i].indexOf(")") + 1).trim() || (lines[i + 1] ?? "").trim();
    const ref = /^(\S+)\s+\((\S+)\)$/.exec(rest);
    if (ref) out.push({ member: mem[1], by: path.basename(ref[1]).replace(/^.*libgcc\.a/, "libgcc"), symbol: ref[2] });
  }
  return out;
}

/** Runtime helpers a firmware without an FPU must not need: soft float and 64-bit division. */
export const FORBIDDEN_HELPER = /^(__aeabi_[dfl]\w*|__aeabi_uldivmod|__aeabi_ldivmod|__aeabi_[if]2[df]|__aeabi_ui2[df]|__(u?div|u?mod)di3|__udivmoddi4|__float\w+|__fix\w+|__(add|sub|mul|div|neg|cmp|eq|ne|lt|le|gt|ge|un)[sdt]f[23]|__extendsfdf2|__truncdfsf2)$/;

/** A temporary folder for one measurement. */
export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `flash-${tag}-`));
}
